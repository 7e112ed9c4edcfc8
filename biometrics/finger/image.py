"""Fingerprint images in: decoding, sanity checks and resolution normalisation to 500 dpi.

Every later stage (segmentation, LEADER, cylinders) works in pixels at 500 dpi, the resolution
the minutiae network was trained at and the one ISO/IEC 19794-2 templates are usually written
at. Sensors at 512 or 569 dpi are resampled (bicubic, as pyfing does for LEADER).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from biometrics.finger.errors import ImageUnreadable

TARGET_DPI = 500
MIN_DPI, MAX_DPI = 250, 1200
MIN_SIDE_MM, MAX_SIDE_MM = 5.0, 80.0  # a fingertip image is between these sizes


def decode(data: bytes) -> np.ndarray:
    """A grayscale uint8 image from encoded bytes (PNG, JPEG, BMP, TIFF, PGM...)."""
    if not data:
        raise ImageUnreadable("no image bytes")
    buf = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ImageUnreadable("the bytes are not a readable image")
    return np.asarray(image)


def read(path: Path) -> np.ndarray:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageUnreadable(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return decode(data)
    except ImageUnreadable as exc:
        raise ImageUnreadable(f"{path.name}: {exc}") from exc


def as_gray(image: np.ndarray) -> np.ndarray:
    """The image as 2-D uint8 (colour averaged to gray), or ImageUnreadable."""
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        arr = cv2.cvtColor(arr[:, :, :3].astype(np.uint8), cv2.COLOR_BGR2GRAY)
    elif arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != 2:
        raise ImageUnreadable(f"expected a 2-D grayscale image, got shape {arr.shape}")
    if arr.dtype != np.uint8:
        if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
            raise ImageUnreadable("image values are not finite numbers")
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return arr


def to_500dpi(image: np.ndarray, dpi: int) -> np.ndarray:
    """The image resampled to 500 dpi; ImageUnreadable for impossible resolutions or sizes."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ImageUnreadable(f"resolution {dpi} dpi is outside {MIN_DPI}-{MAX_DPI} dpi")
    gray = as_gray(image)
    h, w = gray.shape
    mm = 25.4 / dpi
    if min(h, w) * mm < MIN_SIDE_MM or max(h, w) * mm > MAX_SIDE_MM:
        raise ImageUnreadable(
            f"a {w}x{h} image at {dpi} dpi is {w * mm:.0f}x{h * mm:.0f} mm: not a fingertip image"
        )
    if dpi == TARGET_DPI:
        return gray
    scale = TARGET_DPI / dpi
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC))
