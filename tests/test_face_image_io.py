"""Bad input is answered with ImageUnreadable and a reason, never a crash."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from biometrics.face.errors import ImageUnreadable
from biometrics.face.image_io import as_bgr, decode_image


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares the size and whose pixel data is missing (a bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"this is not an image at all", "not a readable image"),
        (_png_header(20000, 20000), "exceeds the limit"),
        (_png_header(1, 1), "too small"),
    ],
)
def test_unusable_bytes_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImageUnreadable, match=reason):
        decode_image(data)


def test_a_truncated_jpeg_is_refused() -> None:
    ok, encoded = cv2.imencode(".jpg", np.full((200, 200, 3), 128, np.uint8))
    assert ok
    with pytest.raises(ImageUnreadable):
        decode_image(encoded.tobytes()[:100])


def test_a_grey_image_becomes_three_channels() -> None:
    assert as_bgr(np.zeros((50, 40), np.uint8)).shape == (50, 40, 3)


def test_arrays_of_impossible_shapes_are_refused() -> None:
    for bad in (np.zeros((1, 1, 3), np.uint8), np.zeros((20000, 20000, 3), np.uint8), np.zeros((10,), np.uint8)):
        with pytest.raises(ImageUnreadable):
            as_bgr(bad)
