"""The project's presentation-attack-detection (PAD) network: one face crop in, P(live) out.

A small CNN trained by ``training/pad/train.py`` on Replay-Attack train, part of NUAA and extra
bona fide frames from other cameras (see ``training/pad/DATA_CARD.md``). Its input is a wider
crop than the embedder's chip, so that the border of a photo or a screen and the texture around the
face are in view: 128x128 RGB, 0-255, in the same landmark geometry as dlib's chip but with
padding 0.5.
"""

from __future__ import annotations

import numpy as np

from biometrics.face.align import MTCNN_POINT_WEIGHTS, extract_chip, mtcnn_template, similarity
from models.wrapper import OnnxModel

PAD_SIZE = 128
PAD_PADDING = 0.5
_TEMPLATE = mtcnn_template(PAD_SIZE, PAD_PADDING)


def pad_crop(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The PAD network's (128, 128, 3) float32 input for a face with MTCNN's five landmarks."""
    return extract_chip(rgb, similarity(landmarks, _TEMPLATE, MTCNN_POINT_WEIGHTS), PAD_SIZE)


class PadModel(OnnxModel[np.ndarray, np.ndarray]):
    """Crops (N, 128, 128, 3) or one crop in; P(live) per crop out, shape (N,)."""

    MODEL_NAME = "face_pad"

    def preprocess(self, x: np.ndarray) -> dict[str, np.ndarray]:
        crops = x[None] if x.ndim == 3 else x
        if crops.ndim != 4 or crops.shape[1:] != (PAD_SIZE, PAD_SIZE, 3):
            raise ValueError(f"expected crops of shape (N, {PAD_SIZE}, {PAD_SIZE}, 3), got {x.shape}")
        return {self.input_names[0]: np.ascontiguousarray(crops, dtype=np.float32)}

    def postprocess(self, outputs: list[np.ndarray]) -> np.ndarray:
        live: np.ndarray = outputs[0].reshape(-1)
        return live
