"""``kiosk face verify A B`` (1:1 comparison of two images) and ``kiosk face calibrate`` (thresholds)."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk.config import Config

CALIBRATION_FMRS = (1e-3, 5e-4)


def register(sub: Any) -> None:
    parser = sub.add_parser("face", help="face verification and threshold calibration")
    fsub = parser.add_subparsers(dest="face_command", required=True, metavar="ACTION")

    verify = fsub.add_parser(
        "verify", help="compare the faces of two images (a document page: its portrait)",
        description="Compare the faces of two images. On a document page the portrait is found and used.",
    )
    verify.add_argument("image_a", type=Path)
    verify.add_argument("image_b", type=Path)
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.set_defaults(handler=_verify)

    calibrate = fsub.add_parser(
        "calibrate", help="verification thresholds for FMR 0.1%% and 0.05%% from identity folders",
        description="Score all impostor pairs of the given identity folders (one subfolder per person) and "
        "print the thresholds for FMR 0.1%% and 0.05%% as TOML for [face.verification], with their provenance.",
    )
    calibrate.add_argument("--dir", type=Path, action="append", required=True, help="identity folder (repeatable)")
    calibrate.add_argument("--json", action="store_true", help="print one JSON object instead of TOML")
    calibrate.set_defaults(handler=_calibrate)


def _quality(template: Any) -> dict[str, Any] | None:
    return None if template.quality is None else asdict(template.quality)


def _verify(args: argparse.Namespace, config: Config) -> int:
    from biometrics.face.errors import FaceError
    from biometrics.face.image_io import decode_image
    from kiosk.runtime import face_pipeline

    start = time.perf_counter()
    pipeline = face_pipeline(config)
    templates = []
    for label, path in (("a", args.image_a), ("b", args.image_b)):
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _fail(args, label, path, f"cannot read the file: {exc.strerror}")
        try:
            templates.append(pipeline.reference_from_image(decode_image(data), source="enrolment"))
        except FaceError as exc:
            return _fail(args, label, path, f"{type(exc).__name__}: {exc}")
    score = pipeline.compare(templates[0], templates[1])
    threshold = pipeline.settings.verification.threshold
    result = {
        "score": round(score, 5),
        "same": score >= threshold,
        "threshold": threshold,
        "quality_a": _quality(templates[0]),
        "quality_b": _quality(templates[1]),
        "ms": round((time.perf_counter() - start) * 1000.0, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        verdict = "same person" if result["same"] else "different people"
        fmr = pipeline.settings.verification.operating_fmr
        print(f"{verdict}: score {score:.3f} (threshold {threshold:.3f}, FMR {fmr})")
    return 0


def _fail(args: argparse.Namespace, label: str, path: Path, reason: str) -> int:
    if args.json:
        print(json.dumps({"error": reason, "image": label, "file": str(path)}))
    else:
        print(f"kiosk face verify: image {label.upper()} ({path}): {reason}", file=sys.stderr)
    return 2


def _calibrate(args: argparse.Namespace, config: Config) -> int:
    import cv2
    import numpy as np

    from biometrics.face.errors import FaceError
    from biometrics.metrics import threshold_at_fmr
    from kiosk.bench.face_pairs import identity_samples, pair_scores, pairs
    from kiosk.runtime import face_pipeline

    pipeline = face_pipeline(config)
    impostor_scores = []
    genuine_total = 0
    for folder in args.dir:
        samples = identity_samples(folder)
        vectors: list[np.ndarray | None] = []
        for sample in samples:
            image = cv2.imread(str(sample.path), cv2.IMREAD_COLOR)
            try:
                vectors.append(None if image is None else pipeline.template(image, source="enrolment").vector)
            except FaceError:
                vectors.append(None)
        genuine, impostor = pairs(samples)
        genuine_total += len(genuine)
        scores = pair_scores(vectors, impostor)
        impostor_scores.append(scores[scores > -1e8])  # a failed enrolment cannot cause a false match
    every = np.concatenate(impostor_scores)
    data = ", ".join(_data_name(folder, config) for folder in args.dir)
    today = datetime.date.today().isoformat()
    entries = [
        {"fmr": fmr, "threshold": round(threshold_at_fmr(every, fmr), 5), "data": data, "date": today,
         "n_impostor": int(every.size), "n_genuine": genuine_total}
        for fmr in CALIBRATION_FMRS
    ]
    if args.json:
        print(json.dumps({"calibration": entries}))
        return 0
    for entry in entries:
        print("[[face.verification.calibration]]")
        for key, value in entry.items():
            print(f"{key} = {json.dumps(value)}")
        print()
    return 0


def _data_name(folder: Path, config: Config) -> str:
    try:
        return str(folder.resolve().relative_to(config.data.root.resolve()))
    except ValueError:
        return str(folder)
