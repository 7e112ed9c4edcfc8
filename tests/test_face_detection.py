"""MTCNN over ONNX: the cascade finds faces and their five landmarks where they are."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.face.boxes import nms, square
from biometrics.face.mtcnn import DetectorSettings, MtcnnDetector
from models.sessions import SessionFactory


@pytest.fixture(scope="module")
def detector(factory: SessionFactory) -> MtcnnDetector:
    return MtcnnDetector.from_factory(factory, DetectorSettings())


def _rgb(path: Path) -> np.ndarray:
    return np.ascontiguousarray(cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, ::-1])


def test_nms_keeps_the_best_of_overlapping_boxes_and_separate_ones() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], dtype=float)
    scores = np.array([0.8, 0.9, 0.7])
    assert nms(boxes, scores, 0.5).tolist() == [1, 2]


def test_square_keeps_the_centre_and_takes_the_longer_side() -> None:
    assert square(np.array([[10.0, 20.0, 30.0, 60.0]])).tolist() == [[0.0, 20.0, 40.0, 60.0]]


def test_one_face_on_a_passport_style_portrait_with_landmarks_in_anatomical_order(
    detector: MtcnnDetector, data_root: Path
) -> None:
    faces = detector.detect(_rgb(data_root / "faces/london/001/neutral.jpg"))
    assert len(faces) == 1
    face = faces[0]
    x1, y1, x2, y2 = face.box
    assert face.score > 0.99 and 150 < x2 - x1 < 300 and 0 <= x1 < x2 <= 600 and 0 <= y1 < y2 <= 600
    left_eye, right_eye, nose, mouth_left, mouth_right = face.landmarks
    assert left_eye[0] < nose[0] < right_eye[0]
    assert mouth_left[0] < mouth_right[0]
    assert max(left_eye[1], right_eye[1]) < nose[1] < min(mouth_left[1], mouth_right[1])
    assert all(x1 <= x <= x2 and y1 <= y <= y2 for x, y in face.landmarks)


def test_a_small_grey_face_is_found(detector: MtcnnDetector, data_root: Path) -> None:
    faces = detector.detect(_rgb(data_root / "faces/orl/s1/1.pgm"), min_face_px=30)
    assert len(faces) == 1 and faces[0].score > 0.9


def test_an_image_without_a_face_gives_no_detection(detector: MtcnnDetector) -> None:
    rng = np.random.default_rng(0)
    noise = cv2.GaussianBlur(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8), (0, 0), 3)
    assert detector.detect(noise) == []
    assert detector.detect(np.zeros((480, 640, 3), np.uint8)) == []


def test_two_people_give_two_faces(detector: MtcnnDetector, data_root: Path) -> None:
    a = _rgb(data_root / "faces/london/001/neutral.jpg")
    b = _rgb(data_root / "faces/london/002/neutral.jpg")
    both = np.ascontiguousarray(np.hstack([a, b]))
    faces = detector.detect(both)
    assert len(faces) == 2
    assert sorted(f.box[0] < 600 for f in faces) == [False, True]
