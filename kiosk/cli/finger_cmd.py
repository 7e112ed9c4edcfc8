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
