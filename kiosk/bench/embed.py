"""``kiosk bench embed``: our ONNX face embedder against dlib on the very same aligned chips.

For every image under DIR in which face_recognition's HOG detector finds exactly one face, the
chip is cut once (dlib 5-point landmarks, ``get_face_chip`` 150x150, padding 0.25, which is
what ``face_recognition.face_encodings`` feeds its network) and described twice: by dlib
(through face_recognition) and by our ONNX model. Reports the largest descriptor difference
and the time per descriptor of each.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.bench.common import image_files, percentile, rounded, timed
from kiosk.config import Config

WARM_UP = 10
HELP = "ONNX face embedder vs dlib on the same chips: max |difference| and speed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, required=True, help="folder searched recursively for images")


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    import cv2
    import dlib

    from biometrics.face.embedder import FaceEmbedder
    from kiosk.baselines import import_face_recognition
    from kiosk.runtime import session_factory

    face_recognition = import_face_recognition()
    api = face_recognition.api
    embedder = session_factory(config).model(FaceEmbedder)

    chips: list[tuple[Path, np.ndarray]] = []
    skipped = 0
    for path in image_files(args.dir):
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            skipped += 1
            emit({"file": str(path), "skipped": "unreadable"})
            continue
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        boxes = face_recognition.face_locations(rgb, model="hog")
        if len(boxes) != 1:
            skipped += 1
            emit({"file": str(path), "skipped": f"{len(boxes)} faces"})
            continue
        top, right, bottom, left = boxes[0]
        shape = api.pose_predictor_5_point(rgb, dlib.rectangle(left, top, right, bottom))
        chips.append((path, np.asarray(dlib.get_face_chip(rgb, shape, size=150, padding=0.25))))

    # Each engine runs over all chips in its own pass, after a few warm-up calls (memory
    # arenas, thread pools), so neither pays for start-up or for the other's cache misses.
    def describe_all(describe: Callable[[np.ndarray], np.ndarray]) -> tuple[list[np.ndarray], list[float]]:
        for _, chip in chips[:WARM_UP]:
            describe(chip)
        results = [timed(partial(describe, chip)) for _, chip in chips]
        return [r for r, _ in results], [ms for _, ms in results]

    refs, dlib_ms = describe_all(lambda c: np.asarray(api.face_encoder.compute_face_descriptor(c)))
    ours, onnx_ms = describe_all(embedder.embed)
    diffs = []
    for (path, _), ref, mine, t_dlib, t_onnx in zip(chips, refs, ours, dlib_ms, onnx_ms, strict=True):
        diff = float(np.max(np.abs(ref - mine)))
        diffs.append(diff)
        emit({"file": str(path), "max_abs_diff": diff, "onnx_ms": round(t_onnx, 3), "dlib_ms": round(t_dlib, 3)})

    onnx_p50 = percentile(onnx_ms, 50)
    dlib_p50 = percentile(dlib_ms, 50)
    return {
        "n": len(diffs),
        "n_skipped": skipped,
        "max_abs_diff": max(diffs) if diffs else None,
        "onnx_ms_p50": rounded(onnx_p50),
        "dlib_ms_p50": rounded(dlib_p50),
        "speedup": rounded(dlib_p50 / onnx_p50, 2) if onnx_p50 and dlib_p50 else None,
    }
