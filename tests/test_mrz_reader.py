"""Reading the MRZ from images with the project's recogniser: real specimens, rotations, synthetic
camera pages, and the bad input the gate must refuse with a reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.images import read_image
from models.sessions import SessionFactory
from mrz.errors import DocumentError, DocumentUnreadable
from mrz.reader import read_mrz

TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD2_SPECIMEN = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TODAY = date(2010, 1, 1)  # the specimens expired in 2012: read them on a day they were valid


@pytest.fixture(scope="module")
def specimens(data_root: Path) -> Path:
    return data_root / "travel_docs" / "passporteye" / "specimens"


@pytest.mark.parametrize(("name", "lines"), [("passport-td3.jpg", TD3_SPECIMEN), ("passport-td2.jpg", TD2_SPECIMEN)])
def test_icao_specimens_read_exactly_with_every_check(specimens: Path, factory: SessionFactory, name: str,
                                                      lines: tuple[str, ...]) -> None:
    doc = read_mrz(read_image(specimens / name), TODAY, factory=factory)
    assert doc.raw == lines
    assert doc.all_checks_passed, doc.failed_checks
    assert (doc.surname, doc.given_names, doc.issuing_state) == ("ERIKSSON", "ANNA MARIA", "UTO")
    assert doc.birth_date == date(1974, 8, 12) and doc.expiry_date == date(2012, 4, 15)
    assert all(0.0 <= c <= 1.0 for c in doc.field_confidence.values())


@pytest.mark.parametrize("rotation", [cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE])
def test_a_rotated_page_reads_the_same(specimens: Path, factory: SessionFactory, rotation: int) -> None:
    page = cv2.rotate(read_image(specimens / "passport-td3.png"), rotation)
    assert read_mrz(page, TODAY, factory=factory).raw == TD3_SPECIMEN


def test_synthetic_camera_pages_read_as_generated(data_root: Path, factory: SessionFactory) -> None:
    from kiosk.synth.documents import random_spec, render_page

    rng = np.random.default_rng(11)
    for _ in range(3):
        photo, lines, _box = render_page(random_spec(rng, data_root, 1), rng, data_root)
        assert read_mrz(photo, factory=factory).raw == lines


def test_a_page_without_mrz_says_so(data_root: Path, factory: SessionFactory) -> None:
    with pytest.raises(DocumentUnreadable, match="MRZ"):
        read_mrz(read_image(data_root / "travel_docs" / "fastmrz" / "nomrz.jpg"), factory=factory)


def test_blank_and_tiny_images_are_refused(factory: SessionFactory) -> None:
    for image in (np.full((600, 800, 3), 255, np.uint8), np.zeros((1, 1, 3), np.uint8)):
        with pytest.raises(DocumentError):
            read_mrz(image, factory=factory)


def test_bad_files_are_refused_with_the_reason(tmp_path: Path, specimens: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes((specimens / "passport-td3.jpg").read_bytes()[:2000])
    for path, reason in ((empty, "empty"), (text, "not an image"), (truncated, "truncated|corrupt|decoded")):
        with pytest.raises(DocumentUnreadable, match=reason):
            read_image(path)
    with pytest.raises(DocumentUnreadable, match="cannot read"):
        read_image(tmp_path / "missing.jpg")


def test_two_documents_in_one_image_are_refused(specimens: Path, factory: SessionFactory) -> None:
    td3 = read_image(specimens / "passport-td3.png")
    td2 = read_image(specimens / "passport-td2.png")
    height = max(td3.shape[0], td2.shape[0])
    pad = [cv2.copyMakeBorder(p, 0, height - p.shape[0], 40, 40, cv2.BORDER_CONSTANT, value=(255, 255, 255))
           for p in (td3, td2)]
    with pytest.raises(DocumentUnreadable, match="two documents"):
        read_mrz(np.hstack(pad), TODAY, factory=factory)
