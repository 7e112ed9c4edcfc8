"""``kiosk bench face --dir DIR``: 1:1 verification, ours (MTCNN + ONNX embedder) against face_recognition.

DIR holds one subfolder per identity. Every image is decoded once; then each engine makes a
template of every image in its own timed pass (ours: ``FacePipeline.template``, i.e. detection,
quality and embedding; face_recognition: HOG detector, 5-point landmarks, dlib encoding).
All genuine pairs and up to 100,000 impostor pairs (fixed seed) are scored; an image without a
template fails all its pairs. The summary also says how close our descriptors are to dlib's on
the images both engines enrolled (the chips differ only through the landmarks used to align).

With ``--frames`` the images are live camera frames (``pad/nuaa/real`` is 640x480 webcam frames
in subject folders): ours searches faces down to ``live_min_face_px`` as the gate does on its
camera, so ``ms_p50`` is the per-frame cost of detection, quality and embedding that the 60 ms
target is about, timed in the same run as face_recognition on the same frames.
"""

from __future__ import annotations

import argparse
import os
import time
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
    parser.add_argument(
        "--frames", action="store_true",
        help="the images are live camera frames (e.g. pad/nuaa/real, 640x480): ours searches faces down to "
        "[face] live_min_face_px as the gate does on its camera, instead of the photo minimum",
    )


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

    live = bool(getattr(args, "frames", False))
    min_face_px = pipeline.settings.live_min_face_px if live else None

    def ours(bgr: np.ndarray) -> np.ndarray | None:
        try:
            return pipeline.template(bgr, source="live" if live else "enrolment", min_face_px=min_face_px).vector
        except FaceError:
            return None

    def theirs(bgr: np.ndarray) -> np.ndarray | None:
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        boxes = face_recognition.face_locations(rgb, model="hog")
        if not boxes:
            return None
        largest = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
        return np.asarray(face_recognition.face_encodings(rgb, [largest])[0], dtype=np.float32)

    def enrol_all(
        engine: Callable[[np.ndarray], np.ndarray | None],
    ) -> tuple[list[np.ndarray | None], list[float], list[float]]:
        readable = [im for im in images if im is not None]
        for warm in readable[:WARM_UP]:
            engine(warm)
        vectors: list[np.ndarray | None] = []
        times: list[float] = []
        cpu_times: list[float] = []
        for image in images:
            if image is None:
                vectors.append(None)
                continue
            cpu_start = time.process_time()
            vector, ms = timed(partial(engine, image))
            cpu_times.append((time.process_time() - cpu_start) * 1000.0)
            vectors.append(vector)
            times.append(ms)
        return vectors, times, cpu_times

    our_vectors, our_ms, our_cpu = enrol_all(ours)
    their_vectors, their_ms, their_cpu = enrol_all(theirs)

    distances = []
    for sample, mine, ref in zip(samples, our_vectors, their_vectors, strict=True):
        record: dict[str, Any] = {"file": str(sample.path), "identity": sample.identity,
                                  "ours_enrolled": mine is not None, "face_recognition_enrolled": ref is not None}
        if mine is not None and ref is not None:
            distances.append(float(np.linalg.norm(mine.astype(np.float64) - ref)))
            record["descriptor_distance_to_dlib"] = round(distances[-1], 4)
        emit(record)

    ours_summary = _engine_summary(our_vectors, our_ms, genuine, impostor, pipeline.settings.verification.threshold)
    theirs_summary = _engine_summary(their_vectors, their_ms, genuine, impostor, BASELINE_THRESHOLD)
    # Process CPU time (all threads) next to wall time: on a shared machine the wall time swings
    # with the load while the CPU time shows the work each engine does.
    ours_summary["cpu_ms_p50"] = rounded(percentile(our_cpu, 50))
    theirs_summary["cpu_ms_p50"] = rounded(percentile(their_cpu, 50))
    return {
        "n_images": len(samples),
        "n_genuine": len(genuine),
        "n_impostor": len(impostor),
        "ours": ours_summary,
        "face_recognition": theirs_summary,
        "speedup_p50": _ratio(theirs_summary["ms_p50"], ours_summary["ms_p50"]),
        "image_size": _sizes(images),
        "min_face_px": min_face_px if live else pipeline.settings.detector.min_face_px,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "descriptor_distance_to_dlib": {
            "n": len(distances),
            "p50": rounded(percentile(distances, 50), 4),
            "p95": rounded(percentile(distances, 95), 4),
            "max": rounded(max(distances), 4) if distances else None,
        },
    }


def _ratio(theirs: float | None, ours: float | None) -> float | None:
    """How many times faster ours is than the baseline (p50 over p50)."""
    return None if not theirs or not ours else round(theirs / ours, 2)


def _sizes(images: list[np.ndarray | None]) -> str:
    """The image sizes timed, as "WxH" (the most common one, and how many others there are)."""
    counts: dict[str, int] = {}
    for image in images:
        if image is not None:
            key = f"{image.shape[1]}x{image.shape[0]}"
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "none"
    common = max(counts, key=lambda k: counts[k])
    others = sum(counts.values()) - counts[common]
    return common if not others else f"{common} (+{others} of other sizes)"
