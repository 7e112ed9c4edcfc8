"""2D barcodes from real photos: all four formats, several codes in one frame, any rotation, bad input."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

from mrz.barcodes import decode_barcodes
from mrz.errors import DocumentUnreadable


@pytest.mark.parametrize(("image", "fmt"), [
    ("qrcode-1/1.png", "QR"), ("datamatrix-2/01.png", "DataMatrix"), ("pdf417-1/01.png", "PDF417"),
    ("aztec-1/7.png", "Aztec"),
])
def test_each_format_decodes_from_a_real_photo(data_root: Path, image: str, fmt: str) -> None:
    path = data_root / "barcodes" / image
    expected = path.with_suffix(".txt").read_text(encoding="utf-8").replace("\r\n", "\n")
    codes = decode_barcodes(cv2.imread(str(path)))
    assert [(c.format, c.text.replace("\r\n", "\n")) for c in codes] == [(fmt, expected)]
    assert len(codes[0].corners) == 4


def test_several_codes_at_several_rotations_in_one_frame() -> None:
    frame = np.full((700, 1100), 255, np.uint8)
    for i, (text, fmt) in enumerate([("first", zxingcpp.BarcodeFormat.QRCode),
                                     ("second", zxingcpp.BarcodeFormat.DataMatrix),
                                     ("third", zxingcpp.BarcodeFormat.Aztec)]):
        code = np.asarray(zxingcpp.create_barcode(text, fmt).to_image(scale=8))
        code = np.rot90(code, k=i)
        frame[100 : 100 + code.shape[0], 60 + 350 * i : 60 + 350 * i + code.shape[1]] = code
    assert sorted(c.text for c in decode_barcodes(frame)) == ["first", "second", "third"]


def test_a_frame_without_codes_gives_an_empty_list() -> None:
    rng = np.random.default_rng(0)
    assert decode_barcodes(rng.integers(0, 255, size=(480, 640, 3), dtype=np.uint8)) == []


@pytest.mark.parametrize("bad", [np.zeros((0, 0, 3), np.uint8), np.zeros((10, 10), np.float32)])
def test_an_empty_or_non_image_array_is_unreadable(bad: np.ndarray) -> None:
    with pytest.raises(DocumentUnreadable):
        decode_barcodes(bad)
