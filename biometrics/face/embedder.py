"""The face embedder: aligned 150x150 RGB chip in, 128-d descriptor out.

The network is dlib's face-recognition ResNet converted to ONNX (``models/dlib_resnet_onnx.py``),
so a descriptor equals what ``face_recognition.face_encodings`` computes for the same chip, and
dlib's published operating point (Euclidean distance 0.6) carries over. Chips are those of
dlib's ``get_face_chip(image, landmarks, size=150, padding=0.25)``.
"""

from __future__ import annotations

import numpy as np

from models.wrapper import OnnxModel

CHIP_SIZE = 150


class FaceEmbedder(OnnxModel[np.ndarray, np.ndarray]):
    """Descriptors for one chip (150,150,3) or a batch (N,150,150,3) of RGB uint8 or float chips."""

    MODEL_NAME = "face_embedder"

    def preprocess(self, x: np.ndarray) -> dict[str, np.ndarray]:
        chips = x[None] if x.ndim == 3 else x
        if chips.ndim != 4 or chips.shape[1:] != (CHIP_SIZE, CHIP_SIZE, 3):
            raise ValueError(f"expected RGB chips of shape (N, {CHIP_SIZE}, {CHIP_SIZE}, 3), got {x.shape}")
        return {self.input_names[0]: np.ascontiguousarray(chips, dtype=np.float32)}

    def postprocess(self, outputs: list[np.ndarray]) -> np.ndarray:
        return outputs[0]

    def embed(self, chip: np.ndarray) -> np.ndarray:
        """The 128-d descriptor of one chip."""
        single: np.ndarray = self(chip)[0]
        return single
