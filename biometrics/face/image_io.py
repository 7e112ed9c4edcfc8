"""Turning whatever the caller hands us (bytes, a path's bytes, a camera frame) into a checked image.

Bad input is answered with ``ImageUnreadable`` and a reason a tester can act on: empty or
corrupt bytes, a format we cannot decode, an image too small to hold a face or too large to
decode safely. The size is read from the header before any pixel is decoded, so a
20000x20000 file costs nothing.
"""

from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from biometrics.face.errors import ImageUnreadable

MIN_SIDE_PX = 12  # MTCNN's smallest cell: nothing smaller can hold a face
MAX_PIXELS = 50_000_000  # a 600 dpi scan of a whole passport page is about 6 megapixels


def check_size(height: int, width: int, max_pixels: int = MAX_PIXELS) -> None:
    if height < MIN_SIDE_PX or width < MIN_SIDE_PX:
        raise ImageUnreadable(f"image of {width}x{height} pixels is too small to hold a face")
    if height * width > max_pixels:
        raise ImageUnreadable(
            f"image of {width}x{height} pixels exceeds the limit of {max_pixels / 1e6:.0f} megapixels"
        )


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """BGR uint8 (H, W, 3) from encoded bytes (JPEG, PNG, PGM, BMP, TIFF ...)."""
    if not data:
        raise ImageUnreadable("the image file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as header:
                width, height = header.size
    except Image.DecompressionBombError as exc:
        raise ImageUnreadable(f"image exceeds the limit of {max_pixels / 1e6:.0f} megapixels: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageUnreadable(f"not a readable image: {exc}") from exc
    check_size(height, width, max_pixels)
    decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise ImageUnreadable("the image data is corrupt or truncated (the decoder gave up)")
    return as_bgr(decoded, max_pixels)


def as_bgr(frame: np.ndarray, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """A camera frame or decoded image checked and made BGR uint8 (grey and BGRA are converted)."""
    if not isinstance(frame, np.ndarray):
        raise ImageUnreadable(f"expected an image array, got {type(frame).__name__}")
    if frame.ndim not in (2, 3) or (frame.ndim == 3 and frame.shape[2] not in (1, 3, 4)):
        raise ImageUnreadable(f"expected an image of shape (H, W) or (H, W, 1|3|4), got {frame.shape}")
    check_size(frame.shape[0], frame.shape[1], max_pixels)
    image = frame
    if image.dtype != np.uint8:
        if image.dtype == np.uint16:
            image = (image >> 8).astype(np.uint8)
        elif np.issubdtype(image.dtype, np.floating) and np.isfinite(image).all():
            image = np.clip(image, 0, 255).astype(np.uint8)
        else:
            raise ImageUnreadable(f"unsupported pixel type {image.dtype}")
    if image.ndim == 2 or image.shape[2] == 1:
        return cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(image)
