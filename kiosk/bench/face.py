"""``kiosk bench face --dir DIR``: 1:1 verification, ours (MTCNN + ONNX embedder) against face_recognition.

DIR holds one subfolder per identity. Every image is decoded once; then each engine makes a
template of every image in its own timed pass (ours: ``FacePipeline.template``, i.e. detection,
quality and embedding; face_recognition: HOG detector, 5-point landmarks, dlib encoding).
All genuine pairs and up to 100,000 impostor pairs (fixed seed) are scored; an image without a
template fails all its pairs. The summary also says how close our descriptors are to dlib's on
the images both engines enrolled (the chips differ only through the landmarks used to align).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from biometrics.metrics import eer, fmr_fnmr, fnmr_at_fmr
from kiosk.bench.common import percentile, rounded, timed
from kiosk.bench.face_pairs import identity_samples, pair_scores, pairs
from kiosk.config import Config

HELP = "face verification: ours (MTCNN + ONNX) vs face_recognition (HOG + dlib), EER, FNMR at FMR, speed"
WARM_UP = 3
BASELINE_THRESHOLD = 0.4  # face_recognition's documented tolerance, distance 0.6, as a score


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, required=True, help="one subfolder per identity, images inside")


def _engine_summary(
    vectors: list[np.ndarray | None], ms: list[float], genuine: list[tuple[int, int]],
    impostor: list[tuple[int, int]], threshold: float,
) -> dict[str, Any]:
    g = pair_scores(vectors, genuine).tolist()
    i = pair_scores(vectors, impostor).tolist()
    fmr, fnmr = fmr_fnmr(g, i, threshold)
    failed = sum(v is None for v in vectors)
    return {
        "eer": rounded(eer(g, i), 5),
        "fnmr_at_fmr_1e-3": rounded(fnmr_at_fmr(g, i, 1e-3), 5),
        "fnmr_at_fmr_5e-4": rounded(fnmr_at_fmr(g, i, 5e-4), 5),
        "fnmr_at_threshold": rounded(fnmr, 5),
        "fmr_at_threshold": rounded(fmr, 6),
        "failed_to_enrol": rounded(failed / len(vectors), 5),
        "ms_p50": rounded(percentile(ms, 50)),
        "threshold": rounded(threshold, 5),
        "n_failed_to_enrol": failed,
    }


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    import cv2

    from biometrics.face.errors import FaceError
    from kiosk.baselines import import_face_recognition
    from kiosk.runtime import face_pipeline

    face_recognition = import_face_recognition()
    pipeline = face_pipeline(config)
    samples = identity_samples(args.dir)
    images = [cv2.imread(str(s.path), cv2.IMREAD_COLOR) for s in samples]
    genuine, impostor = pairs(samples)

    def ours(bgr: np.ndarray) -> np.ndarray | None:
        try:
            return pipeline.template(bgr, source="enrolment").vector
        except FaceError:
            return None

    def theirs(bgr: np.ndarray) -> np.ndarray | None:
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        boxes = face_recognition.face_locations(rgb, model="hog")
        if not boxes:
            return None
        largest = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
        return np.asarray(face_recognition.face_encodings(rgb, [largest])[0], dtype=np.float32)

    def enrol_all(engine: Callable[[np.ndarray], np.ndarray | None]) -> tuple[list[np.ndarray | None], list[float]]:
        readable = [im for im in images if im is not None]
        for warm in readable[:WARM_UP]:
            engine(warm)
        vectors: list[np.ndarray | None] = []
        times: list[float] = []
        for image in images:
            if image is None:
                vectors.append(None)
                continue
            vector, ms = timed(partial(engine, image))
            vectors.append(vector)
            times.append(ms)
        return vectors, times

    our_vectors, our_ms = enrol_all(ours)
    their_vectors, their_ms = enrol_all(theirs)

    distances = []
    for sample, mine, ref in zip(samples, our_vectors, their_vectors, strict=True):
        record: dict[str, Any] = {"file": str(sample.path), "identity": sample.identity,
                                  "ours_enrolled": mine is not None, "face_recognition_enrolled": ref is not None}
        if mine is not None and ref is not None:
            distances.append(float(np.linalg.norm(mine.astype(np.float64) - ref)))
            record["descriptor_distance_to_dlib"] = round(distances[-1], 4)
        emit(record)

    return {
        "n_images": len(samples),
        "n_genuine": len(genuine),
        "n_impostor": len(impostor),
        "ours": _engine_summary(our_vectors, our_ms, genuine, impostor, pipeline.settings.verification.threshold),
        "face_recognition": _engine_summary(their_vectors, their_ms, genuine, impostor, BASELINE_THRESHOLD),
        "descriptor_distance_to_dlib": {
            "n": len(distances),
            "p50": rounded(percentile(distances, 50), 4),
            "p95": rounded(percentile(distances, 95), 4),
            "max": rounded(max(distances), 4) if distances else None,
        },
    }
