"""Derive MTCNN's landmark template in dlib's face-chip frame (``biometrics/face/align.py``).

For every face that dlib's pipeline (face_recognition's HOG detector and 5-point shape
predictor) and our MTCNN both find, MTCNN's five landmarks are mapped through the very
similarity transform dlib's ``get_face_chip(size=150, padding=0.25)`` would use; the template is
their mean. The images are the presentation-attack and video data (faces of people who appear
in no verification benchmark), so the template is not tuned on what we report.

Also checks that ``align.extract_chip`` cuts the same chip as ``dlib.get_face_chip`` when given
dlib's own landmarks. Usage: ``.venv/bin/python scripts/derive_chip_template.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import dlib
import numpy as np

from biometrics.face.align import CHIP_PADDING, CHIP_SIZE, apply, dlib_chip_transform, extract_chip
from biometrics.face.mtcnn import DetectorSettings, MtcnnDetector
from kiosk.baselines import import_face_recognition
from kiosk.bench.common import image_files
from kiosk.config import load_config
from kiosk.runtime import session_factory

log = logging.getLogger("derive_chip_template")
SETS = ("pad/replay_attack/train", "pad/replay_attack/devel", "pad/nuaa", "video")
VIDEO_STEP = 10  # every tenth frame of a clip: neighbouring frames add little


def frames(root: Path) -> Iterator[tuple[str, np.ndarray]]:
    """(name, RGB image) for every image and every VIDEO_STEP-th video frame under root."""
    for path in image_files(root):
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is not None:
            yield str(path), np.ascontiguousarray(bgr[:, :, ::-1])
    for path in sorted(root.rglob("*.mp4")):
        capture = cv2.VideoCapture(str(path))
        index = 0
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            if index % VIDEO_STEP == 0:
                yield f"{path}#{index}", np.ascontiguousarray(bgr[:, :, ::-1])
            index += 1
        capture.release()


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return float(w * h / union) if union > 0 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    config = load_config()
    face_recognition = import_face_recognition()
    api = face_recognition.api
    detector = MtcnnDetector.from_factory(session_factory(config), DetectorSettings(min_face_px=20.0))

    mapped: list[np.ndarray] = []
    chip_diffs: list[float] = []
    used_sets: dict[str, int] = {}
    for name in SETS:
        for label, rgb in frames(config.data.root / name):
            boxes = face_recognition.face_locations(rgb, model="hog")
            faces = detector.detect(rgb)
            if len(boxes) != 1 or not faces:
                continue
            top, right, bottom, left = boxes[0]
            shape = api.pose_predictor_5_point(rgb, dlib.rectangle(left, top, right, bottom))
            best = max(faces, key=lambda f: overlap(f.box, np.array([left, top, right, bottom], float)))
            if overlap(best.box, np.array([left, top, right, bottom], float)) < 0.3:
                continue
            dlib_points = np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float64)
            to_chip = dlib_chip_transform(dlib_points)
            mapped.append(apply(to_chip, best.landmarks))
            ours = extract_chip(rgb, to_chip)
            theirs = np.asarray(dlib.get_face_chip(rgb, shape, size=CHIP_SIZE, padding=CHIP_PADDING), np.float64)
            chip_diffs.append(float(np.mean(np.abs(ours - theirs))))
            used_sets[name] = used_sets.get(name, 0) + 1
            log.info("%s", label)
    points = np.stack(mapped)
    variance = np.mean(points.std(axis=0) ** 2, axis=1)
    result = {
        "n_faces": len(mapped),
        "per_set": used_sets,
        "template": np.round(points.mean(axis=0), 4).tolist(),
        "std_px": np.round(points.std(axis=0), 3).tolist(),
        "weights": np.round(variance[0] / variance, 4).tolist(),
        "chip_mean_abs_diff_vs_dlib": {
            "p50": round(float(np.median(chip_diffs)), 3),
            "max": round(float(np.max(chip_diffs)), 3),
        },
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
