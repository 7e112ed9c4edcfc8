"""``kiosk models build|verify|list|clean``: derive, check and list the ONNX models."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("models", help="build, verify and list the models of the manifest")
    msub = parser.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    build = msub.add_parser("build", help="derive every model from its registry package (idempotent)")
    build.add_argument(
        "--update-manifest", action="store_true",
        help="developer use: accept a changed derivation and write its sha256 into the manifest",
    )
    build.set_defaults(handler=_build)
    verify = msub.add_parser("verify", help="check every model's sha256 and open it with onnxruntime")
    verify.add_argument("--json", action="store_true", help="one JSON line per model, then a summary")
    verify.set_defaults(handler=_verify)
    listing = msub.add_parser("list", help="the manifest: names, files, sources, licences")
    listing.set_defaults(handler=_list)
    clean = msub.add_parser("clean", help="delete derived model files (committed ones stay)")
    clean.set_defaults(handler=_clean)


def _build(args: argparse.Namespace, config: Config) -> int:
    from models.build import build_all
    from models.manifest import load_manifest

    manifest = load_manifest(config.models.manifest)
    statuses = build_all(manifest, config.models.dir, config.models.cache, update_manifest=args.update_manifest)
    for s in statuses:
        if s.action != "present":
            print(f"[models] {s.name}: {s.action} {s.detail}")
    failed = [s for s in statuses if not s.ok]
    present = sum(1 for s in statuses if s.action == "present")
    print(f"[models] {len(statuses) - len(failed)}/{len(statuses)} models ready ({present} already present)")
    return 1 if failed else 0


def _verify(args: argparse.Namespace, config: Config) -> int:
    from kiosk.runtime import session_factory
    from models.build import verify_all

    factory = session_factory(config)
    statuses = verify_all(factory.manifest, factory)
    for s in statuses:
        if args.json:
            print(json.dumps({"model": s.name, "ok": s.ok, "file": str(s.path), "detail": s.detail}))
        else:
            print(f"{'OK  ' if s.ok else 'FAIL'} {s.name:32s} {s.path.name}  {s.detail}")
    failed = [s.name for s in statuses if not s.ok]
    summary = {"n": len(statuses), "ok": len(statuses) - len(failed), "failed": failed}
    print(json.dumps(summary) if args.json else f"{summary['ok']}/{summary['n']} models OK")
    return 1 if failed else 0


def _list(args: argparse.Namespace, config: Config) -> int:
    from models.manifest import load_manifest

    for e in load_manifest(config.models.manifest).models:
        src = e.source
        origin = f"{src.package}=={src.version}:{src.path}" if src.package else src.script
        conv = f" via {src.converter}" if src.converter else ""
        print(f"{e.name}\n  file: {e.file}\n  source: {src.origin} {origin}{conv}\n  licence: {e.licence}\n")
    return 0


def _clean(args: argparse.Namespace, config: Config) -> int:
    from models.manifest import load_manifest

    for e in load_manifest(config.models.manifest).models:
        if e.source.origin != "project":
            (config.models.dir / e.file).unlink(missing_ok=True)
    return 0
