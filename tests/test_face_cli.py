"""``kiosk face verify`` and ``kiosk bench pad``: the JSON contract, and bad input answered with a reason."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from biometrics.face.errors import FaceError, ImageUnreadable
from biometrics.face.image_io import decode_image
from biometrics.face.pipeline import FacePipeline
from kiosk.config import Config
from models.sessions import SessionFactory
from tests.conftest import PROJECT_ROOT


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
        timeout=600, check=False,
    )


def _last_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    line: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return line


def test_face_verify_of_the_same_person_prints_the_contract_fields(data_root: Path) -> None:
    london = data_root / "faces" / "london" / "005"
    result = _kiosk("face", "verify", str(london / "neutral.jpg"), str(london / "smiling.jpg"), "--json")
    assert result.returncode == 0, result.stderr
    out = _last_json(result)
    assert set(out) == {"score", "same", "threshold", "quality_a", "quality_b", "ms"}
    assert out["same"] is True and out["score"] >= out["threshold"]
    assert out["quality_a"]["acceptable"] is True


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\x00" + b"\x00" * (3 * width))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


def _bad_files(tmp_path: Path, data_root: Path) -> dict[str, Path]:
    files = {
        "empty": tmp_path / "empty.jpg",
        "corrupt": tmp_path / "corrupt.jpg",
        "truncated": tmp_path / "truncated.jpg",
        "one_pixel": tmp_path / "one.png",
        "no_face": tmp_path / "wall.png",
        "two_faces": tmp_path / "two.jpg",
        "tiny_face": tmp_path / "tiny.png",
        "huge": tmp_path / "huge.png",
    }
    files["empty"].write_bytes(b"")
    files["corrupt"].write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    portrait = (data_root / "faces" / "london" / "001" / "neutral.jpg").read_bytes()
    files["truncated"].write_bytes(portrait[: len(portrait) // 3])
    cv2.imwrite(str(files["one_pixel"]), np.zeros((1, 1, 3), np.uint8))
    cv2.imwrite(str(files["no_face"]), np.full((480, 640, 3), 200, np.uint8))
    a = cv2.imread(str(data_root / "faces" / "london" / "001" / "neutral.jpg"))
    b = cv2.imread(str(data_root / "faces" / "london" / "002" / "neutral.jpg"))
    cv2.imwrite(str(files["two_faces"]), np.hstack([a, b]))
    page = np.full((600, 800, 3), 220, np.uint8)
    page[260:300, 380:420] = cv2.resize(a, (40, 40), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(files["tiny_face"]), page)
    # a 20000x20000 PNG whose header promises 400 megapixels (1.2 GB decoded); the pixels need not be there
    files["huge"].write_bytes(_png_header_only(20000, 20000))
    return files




def _verify_reason(pipeline: FacePipeline, path: Path) -> str:
    """What ``kiosk face verify`` does with one image: decode, then the portrait's template."""
    try:
        pipeline.reference_from_image(decode_image(path.read_bytes()), source="enrolment")
    except FaceError as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def test_every_bad_input_is_answered_with_a_reason(factory: SessionFactory, config: Config, data_root: Path,
                                                   tmp_path: Path) -> None:
    pipeline = FacePipeline(factory, config.face)
    reasons = {kind: _verify_reason(pipeline, path) for kind, path in _bad_files(tmp_path, data_root).items()}
    assert "empty" in reasons["empty"]
    assert reasons["corrupt"].startswith("ImageUnreadable: not a readable image")
    assert "too small" in reasons["one_pixel"]
    assert reasons["no_face"].startswith("NoFaceFound")
    assert reasons["two_faces"].startswith("MultipleFaces")
    assert reasons["tiny_face"] == "PoorFaceQuality: face too small (eye distance 7 px)"
    assert "megapixels" in reasons["huge"]
    assert "corrupt or truncated" in reasons["truncated"]


def test_face_verify_of_a_corrupt_file_prints_the_reason_as_json(tmp_path: Path, data_root: Path) -> None:
    bad = tmp_path / "corrupt.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    result = _kiosk("face", "verify", str(data_root / "faces" / "london" / "001" / "smiling.jpg"), str(bad), "--json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    out = _last_json(result)
    assert out["image"] == "b" and out["file"] == str(bad)
    assert "not a readable image" in out["error"]


def test_face_verify_of_a_missing_file_says_it_cannot_read_it(tmp_path: Path) -> None:
    result = _kiosk("face", "verify", str(tmp_path / "nope.jpg"), str(tmp_path / "nope.jpg"), "--json")
    assert result.returncode == 2
    assert "cannot read the file" in _last_json(result)["error"]


def test_an_image_over_the_megapixel_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(ImageUnreadable, match="8000x8000 pixels exceeds the limit of 50 megapixels"):
        decode_image(_png_header_only(8000, 8000))
