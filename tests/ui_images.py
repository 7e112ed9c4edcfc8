"""Pixel checks for screenshot tests."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def image_array(image: QImage) -> np.ndarray:
    """The pixels as an RGB array (copied: the converted QImage dies with this function)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    raw = bytes(rgb.constBits())[: h * stride]
    return np.frombuffer(raw, dtype=np.uint8).reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def assert_not_blank(image: QImage) -> None:
    pixels = image_array(image)
    assert pixels.std() > 20.0, "the screenshot is (nearly) one colour"
    packed = (pixels[..., 0].astype(np.uint32) << 16) | (pixels[..., 1].astype(np.uint32) << 8) | pixels[..., 2]
    assert len(np.unique(packed)) > 50, "too few colours for a screen with text and a pictogram"
