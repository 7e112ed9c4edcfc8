"""``kiosk finger verify IMAGE_A IMAGE_B [--dpi N] --json``: compare two fingerprint images."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("finger", help="fingerprint quality, extraction and comparison")
    fsub = parser.add_subparsers(dest="finger", required=True, metavar="ACTION")
    verify = fsub.add_parser("verify", help="are two fingerprint images of the same finger?")
    verify.add_argument("image_a", type=Path)
    verify.add_argument("image_b", type=Path)
    verify.add_argument("--dpi", type=int, default=500, help="sensor resolution of both images (default 500)")
    verify.add_argument("--json", action="store_true", help="one JSON object on stdout")
    verify.set_defaults(handler=_verify)
    calibrate = fsub.add_parser(
        "calibrate", help="the decision threshold for a target false-match rate on a calibration set"
    )
    calibrate.add_argument("--dir", type=Path, required=True, help="calibration images (never a reported test set)")
    calibrate.add_argument("--layout", choices=("fvc", "neurotech"), required=True, help="file naming scheme")
    calibrate.add_argument("--dpi", type=int, default=500, help="sensor resolution (default 500)")
    calibrate.add_argument("--fusion", default="1", metavar="K[,K...]",
                           help="fuse K fingers; several K share one extraction (default 1). Neurotech layout: "
                                "K real fingers of a person; FVC layout: K comparisons of different fingers "
                                "drawn at random (fingers assumed independent)")
    calibrate.add_argument("--draws", type=int, default=200_000,
                           help="FVC layout, K > 1: random K-finger comparisons drawn per class (default 200000)")
    calibrate.add_argument("--seed", type=int, default=5, help="seed of those draws (default 5)")
    calibrate.add_argument("--fmr", type=float, default=5e-4, help="target false-match rate (default 5e-4)")
    calibrate.set_defaults(handler=_calibrate)


def _verify(args: argparse.Namespace, config: Config) -> int:
    from biometrics.finger import image as fimage
    from biometrics.finger.errors import FingerError
    from biometrics.finger.pipeline import FingerPipeline
    from kiosk.runtime import session_factory

    pipeline = FingerPipeline(session_factory(config), config.finger)
    start = time.perf_counter()
    try:
        a = pipeline.extract(fimage.read(args.image_a), args.dpi)
        b = pipeline.extract(fimage.read(args.image_b), args.dpi)
    except FingerError as exc:
        result: dict[str, Any] = {"error": type(exc).__name__, "reason": str(exc)}
        print(json.dumps(result) if args.json else f"kiosk finger verify: {type(exc).__name__}: {exc}",
              file=sys.stdout if args.json else sys.stderr)
        return 3
    score = pipeline.match(a, b)
    threshold = config.finger.threshold
    result = {
        "score": round(score, 6),
        "same": score >= threshold,
        "threshold": threshold,
        "quality_a": a.quality.score if a.quality else None,
        "quality_b": b.quality.score if b.quality else None,
        "minutiae_a": len(a.minutiae),
        "minutiae_b": len(b.minutiae),
        "ms": round((time.perf_counter() - start) * 1000.0, 1),
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


def _calibrate(args: argparse.Namespace, config: Config) -> int:
    """Every impostor pair of the set (all pairs of different fingers, or of different persons
    when fusing): the threshold is the lowest score whose FMR on them is within ``--fmr``."""
    from biometrics.finger import image as fimage
    from biometrics.metrics import fmr_fnmr, threshold_at_fmr
    from kiosk.bench.common import image_files
    from kiosk.bench.finger import (
        Comparison,
        build_engines,
        comparisons,
        draw_fusions,
        fused,
        parse_samples,
        score,
    )

    samples = parse_samples(image_files(args.dir), args.layout)
    if not samples:
        print(f"kiosk finger calibrate: no {args.layout}-named images in {args.dir}", file=sys.stderr)
        return 2
    try:
        fusions = [int(k) for k in str(args.fusion).split(",")]
    except ValueError:
        fusions = []
    if not fusions or min(fusions) < 1:
        print("kiosk finger calibrate: --fusion takes K >= 1", file=sys.stderr)
        return 2
    # FVC sets have one finger per person: K-finger comparisons are drawn from single ones.
    drawn = args.layout == "fvc"
    fingers = [s.finger for s in samples]
    single = comparisons(samples, 1, "all")

    def protocol(k: int) -> tuple[list[Comparison], list[Comparison]]:
        if k == 1:
            return single
        if not drawn:
            return comparisons(samples, k, "all")
        return (draw_fusions(single[0], fingers, k, args.draws, args.seed),
                draw_fusions(single[1], fingers, k, args.draws, args.seed + 1))

    protocols = {k: protocol(k) for k in fusions}
    needed = sorted({pair for gen, imp in protocols.values() for cmp in gen + imp for pair in cmp})
    engine = build_engines(config, args.dpi, ["ours"])["ours"]
    _templates, scores, _e, _m = score(engine, [fimage.read(s.path) for s in samples], needed)
    status = 0
    for k, (genuine_cmp, impostor_cmp) in protocols.items():
        if not genuine_cmp or not impostor_cmp:
            print(f"kiosk finger calibrate: --fusion {k}: the set has no {k}-finger "
                  f"{'genuine' if not genuine_cmp else 'impostor'} comparisons (too few fingers or persons)",
                  file=sys.stderr)
            status = 2
            continue
        genuine = fused(scores, genuine_cmp, config.finger.fusion_rule)
        impostor = fused(scores, impostor_cmp, config.finger.fusion_rule)
        threshold = threshold_at_fmr(impostor, args.fmr)
        fmr, fnmr = fmr_fnmr(genuine, impostor, threshold)
        print(json.dumps({
            "dir": str(args.dir), "fusion": k, "model": "drawn" if drawn and k > 1 else "measured",
            "target_fmr": args.fmr, "threshold": round(threshold, 5),
            "n_genuine": len(genuine), "n_impostor": len(impostor), "fmr": round(fmr, 6), "fnmr": round(fnmr, 5),
            "date": time.strftime("%Y-%m-%d"),
        }), flush=True)
    return status
