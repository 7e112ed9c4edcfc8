"""Chips in dlib's geometry: our sampling reproduces dlib's get_face_chip, and MTCNN's landmarks
with the derived template give descriptors close to dlib's own pipeline."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from biometrics.face.align import (
    MTCNN_CHIP_TEMPLATE,
    align,
    apply,
    dlib_chip_transform,
    extract_chip,
    similarity,
)
from biometrics.face.embedder import FaceEmbedder
from biometrics.face.mtcnn import DetectorSettings, MtcnnDetector
from kiosk.baselines import import_face_recognition
from models.sessions import SessionFactory


@given(
    angle=st.floats(-math.pi, math.pi), scale=st.floats(0.1, 10.0),
    tx=st.floats(-500, 500), ty=st.floats(-500, 500),
)
def test_similarity_recovers_the_transform_that_moved_the_points(
    angle: float, scale: float, tx: float, ty: float
) -> None:
    c, s = scale * math.cos(angle), scale * math.sin(angle)
    matrix = np.array([[c, -s, tx], [s, c, ty]])
    moved = apply(matrix, MTCNN_CHIP_TEMPLATE)
    assert np.allclose(similarity(MTCNN_CHIP_TEMPLATE, moved), matrix, atol=1e-6 * max(1.0, abs(tx), abs(ty)))


def _dlib_shape(rgb: np.ndarray) -> object:
    import dlib

    face_recognition = import_face_recognition()
    top, right, bottom, left = face_recognition.face_locations(rgb, model="hog")[0]
    return face_recognition.api.pose_predictor_5_point(rgb, dlib.rectangle(left, top, right, bottom))


def test_our_chip_sampling_equals_dlibs_get_face_chip(data_root: Path) -> None:
    import dlib

    rgb = np.ascontiguousarray(cv2.imread(str(data_root / "faces/london/004/neutral.jpg"))[:, :, ::-1])
    shape = _dlib_shape(rgb)
    points = np.array([[p.x, p.y] for p in shape.parts()], dtype=float)  # type: ignore[attr-defined]
    theirs = np.asarray(dlib.get_face_chip(rgb, shape, size=150, padding=0.25), dtype=np.float32)
    ours = extract_chip(rgb, dlib_chip_transform(points))
    difference = np.abs(ours - theirs)
    assert difference.max() <= 1.0 and difference.mean() < 0.01  # float32 vs double rounding at most


def test_a_large_face_is_sampled_through_the_pyramid_like_dlib(data_root: Path) -> None:
    import dlib

    small = cv2.imread(str(data_root / "faces/face_recognition_examples/obama-1080p.jpg"))
    rgb = np.ascontiguousarray(cv2.resize(small, None, fx=1.5, fy=1.5)[:, :, ::-1])
    shape = _dlib_shape(rgb)
    points = np.array([[p.x, p.y] for p in shape.parts()], dtype=float)  # type: ignore[attr-defined]
    theirs = np.asarray(dlib.get_face_chip(rgb, shape, size=150, padding=0.25), dtype=np.float32)
    ours = extract_chip(rgb, dlib_chip_transform(points))
    assert float(np.mean(np.abs(ours - theirs))) < 1.5  # the pyramid filters differ in rounding only


def test_mtcnn_chips_give_descriptors_close_to_dlibs_pipeline(factory: SessionFactory, data_root: Path) -> None:
    import dlib

    detector = MtcnnDetector.from_factory(factory, DetectorSettings())
    embedder = factory.model(FaceEmbedder)
    distances = []
    for person in ("010", "020", "030"):
        rgb = np.ascontiguousarray(cv2.imread(str(data_root / f"faces/london/{person}/neutral.jpg"))[:, :, ::-1])
        theirs = np.asarray(dlib.get_face_chip(rgb, _dlib_shape(rgb), size=150, padding=0.25), dtype=np.float32)
        ours = align(rgb, detector.detect(rgb)[0].landmarks)
        distances.append(float(np.linalg.norm(embedder.embed(ours) - embedder.embed(theirs))))
    # dlib's same-person distance is 0.6; the two alignments differ by a fraction of that
    assert max(distances) < 0.25
