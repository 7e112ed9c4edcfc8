"""Reading image files for the command line and benchmarks, with a reason for every failure.

Zero-byte, truncated and non-image files raise ``DocumentUnreadable`` with what is wrong;
very large images (a 12000 x 12000 scan) are decoded at a reduced scale so a gate never runs
out of memory or time on one frame.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from mrz.errors import DocumentUnreadable

MAX_DECODED_PIXELS = 40_000_000
_REDUCED = ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4), (2, cv2.IMREAD_REDUCED_COLOR_2))


def read_image(path: Path) -> np.ndarray:
    """The image as BGR uint8, or ``DocumentUnreadable`` saying why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentUnreadable(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data:
        raise DocumentUnreadable(f"{path.name} is empty (0 bytes)")
    try:
        with Image.open(path) as probe:
            width, height = probe.size
    except (UnidentifiedImageError, OSError) as exc:
        raise DocumentUnreadable(f"{path.name} is not an image file") from exc
    except Image.DecompressionBombError as exc:
        raise DocumentUnreadable(f"{path.name} is too large to decode safely") from exc
    flag = cv2.IMREAD_COLOR
    for factor, reduced in _REDUCED:
        if width * height > MAX_DECODED_PIXELS * (factor / 2) ** 2:
            flag = reduced
            break
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None:
        raise DocumentUnreadable(f"{path.name} could not be decoded (truncated or corrupt)")
    return np.asarray(image)
