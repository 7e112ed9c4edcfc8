"""The synthetic page generator: MRZ lines as ICAO writes them, reproducible pages, real portraits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from kiosk.cli import main
from kiosk.synth.documents import DocumentType, PageSpec, random_spec, render_page


def _spec(difficulty: int = 0, document: DocumentType = DocumentType.PASSPORT) -> PageSpec:
    return PageSpec(
        document, "VNM", "Nguyễn", "Văn An", "C1234567", "VNM", date(1990, 5, 17), "M", date(2031, 5, 16),
        Path("faces/london/001/neutral.jpg"), difficulty,
    )


def test_a_vietnamese_passport_page_carries_the_transliterated_mrz(data_root: Path) -> None:
    image, lines, _ = render_page(_spec(), np.random.default_rng(1), data_root)
    assert lines == (
        "P<VNMNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<<<<<",
        "C1234567<0VNM9005178M3105168<<<<<<<<<<<<<<<4",  # check digits 0, 8, 8, <, 4
    )
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


def test_the_portrait_box_frames_the_pasted_portrait(data_root: Path) -> None:
    image, _, (left, top, right, bottom) = render_page(_spec(), np.random.default_rng(1), data_root)
    assert 0 <= left < right <= image.shape[1] and 0 <= top < bottom <= image.shape[0]
    assert 300 < right - left < 360 and 400 < bottom - top < 440  # 32 x 42 mm at 10 px/mm
    assert float(image[top:bottom, left:right].std()) > 20  # a face, not the blank page


def test_the_same_seed_gives_the_same_photo(data_root: Path) -> None:
    first = render_page(_spec(2), np.random.default_rng(7), data_root)[0]
    again = render_page(_spec(2), np.random.default_rng(7), data_root)[0]
    other = render_page(_spec(2), np.random.default_rng(8), data_root)[0]
    assert np.array_equal(first, again)
    assert first.shape != other.shape or not np.array_equal(first, other)


def test_a_vietnamese_cccd_card_puts_the_last_nine_digits_in_the_number_field(data_root: Path) -> None:
    spec = PageSpec(
        DocumentType.CARD_TD1, "VNM", "Trần", "Thị Hồng", "079190012345", "VNM", date(1990, 1, 2), "F",
        date(2030, 1, 2), None, 1, personal_number="079190012345",
    )
    _, lines, _ = render_page(spec, np.random.default_rng(3), data_root)
    assert lines[0] == "IDVNM1900123457079190012345<<<"
    assert lines[2] == "TRAN<<THI<HONG<<<<<<<<<<<<<<<<"


def test_random_specs_use_london_portraits_and_every_document_type(data_root: Path) -> None:
    rng = np.random.default_rng(0)
    specs = [random_spec(rng, data_root, 1) for _ in range(60)]
    assert {s.document for s in specs} == set(DocumentType)
    assert all(s.portrait is not None and (data_root / s.portrait).is_file() for s in specs)


def test_synth_documents_writes_images_and_truth(data_root: Path, tmp_path: Path) -> None:
    status = main(["synth", "documents", "--out", str(tmp_path), "--n", "2", "--difficulty", "1",
                   "--data", str(data_root), "--seed", "3"])
    assert status == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert sorted(truth) == ["page_00000.jpg", "page_00001.jpg"]
    assert all((tmp_path / name).stat().st_size > 10_000 for name in truth)
    specs = json.loads((tmp_path / "specs.json").read_text(encoding="utf-8"))
    assert specs["page_00000.jpg"]["mrz"] == truth["page_00000.jpg"]
