"""Our ONNX embedder gives dlib's descriptors on every London face (issue 2's done-when)."""

from __future__ import annotations

from pathlib import Path

import cv2
import dlib
import numpy as np
import pytest

from biometrics.face.embedder import FaceEmbedder
from kiosk.baselines import import_face_recognition
from models.sessions import SessionFactory

pytestmark = pytest.mark.slow


def test_descriptors_equal_dlibs_on_all_london_faces(data_root: Path, factory: SessionFactory) -> None:
    face_recognition = import_face_recognition()
    api = face_recognition.api
    embedder = factory.model(FaceEmbedder)
    images = sorted((data_root / "faces" / "london").rglob("*.jpg"))
    assert len(images) >= 100

    worst = 0.0
    for path in images:
        rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        boxes = face_recognition.face_locations(rgb, model="hog")
        assert len(boxes) == 1, f"{path}: dlib found {len(boxes)} faces"
        top, right, bottom, left = boxes[0]
        shape = api.pose_predictor_5_point(rgb, dlib.rectangle(left, top, right, bottom))
        chip = np.asarray(dlib.get_face_chip(rgb, shape, size=150, padding=0.25))
        reference = np.asarray(api.face_encoder.compute_face_descriptor(chip))
        worst = max(worst, float(np.max(np.abs(reference - embedder.embed(chip)))))
    assert worst < 1e-4


def test_batches_give_the_same_descriptors_as_single_chips(factory: SessionFactory) -> None:
    embedder = factory.model(FaceEmbedder)
    rng = np.random.default_rng(7)
    chips = rng.integers(0, 256, size=(3, 150, 150, 3), dtype=np.uint8)
    batch = embedder(chips)
    assert batch.shape == (3, 128)
    for chip, row in zip(chips, batch, strict=True):
        np.testing.assert_allclose(embedder.embed(chip), row, atol=1e-5)


def test_a_chip_of_the_wrong_size_is_refused(factory: SessionFactory) -> None:
    with pytest.raises(ValueError, match="150, 150, 3"):
        factory.model(FaceEmbedder).embed(np.zeros((112, 112, 3), dtype=np.uint8))
