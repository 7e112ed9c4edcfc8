"""The watch list: document numbers and names with Vietnamese diacritics folded, CSV import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.stores.errors import WatchlistInvalid
from kiosk.stores.gate import GateStore
from kiosk.stores.names import document_key, fold_text, name_key


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GateStore]:
    with GateStore.open(tmp_path / "gate.db", None, audit_hmac=False) as opened:
        yield opened


def test_vietnamese_names_fold_to_their_mrz_spelling() -> None:
    assert fold_text("Nguyễn Văn Đức") == "NGUYEN VAN DUC"
    assert fold_text("NGUYEN<<VAN<DUC") == "NGUYEN VAN DUC"
    assert fold_text("Trương Thị Ngọc Ánh") == "TRUONG THI NGOC ANH"
    assert fold_text("đặng  hữu\tphước") == "DANG HUU PHUOC"
    assert name_key("Nguyễn", "Văn Đức") == name_key("Văn Đức Nguyễn") == name_key("NGUYEN<<VAN<DUC")


def test_document_numbers_fold_without_filler_spaces_or_dashes() -> None:
    assert document_key("c 0123-456<<") == document_key("C0123456") == "C0123456"


def test_a_listed_name_matches_the_mrz_name_with_the_same_birth_date(store: GateStore) -> None:
    entry = store.watchlist.add("banned_exit", "court order 12/2026", "court",
                                surname="Nguyễn", given_names="Văn Đức", birth_date="1980-01-02")
    hits = store.watchlist.match(None, "NGUYEN", "VAN DUC", "1980-01-02")
    assert [(h.entry.id, h.matched_by) for h in hits] == [(entry, "name_birth_date")]
    assert store.watchlist.match(None, "NGUYEN<<VAN<DUC", "", "1980-01-02")[0].entry.list == "banned_exit"


def test_surname_and_given_name_order_does_not_matter(store: GateStore) -> None:
    store.watchlist.add("wanted", "warrant", "police", surname="Lê", given_names="Thị Hoa", birth_date="1975-03-04")
    assert len(store.watchlist.match(None, "Thi Hoa", "Le", "1975-03-04")) == 1


def test_a_name_with_another_birth_date_or_another_name_does_not_match(store: GateStore) -> None:
    store.watchlist.add("wanted", "warrant", "police", surname="Nguyễn", given_names="Văn Đức",
                        birth_date="1980-01-02")
    assert store.watchlist.match(None, "NGUYEN", "VAN DUC", "1980-01-03") == []
    assert store.watchlist.match(None, "NGUYEN", "VAN DUNG", "1980-01-02") == []
    assert store.watchlist.match(None, "NGUYEN", "VAN DUC", None) == []


def test_a_document_number_matches_in_any_spelling(store: GateStore) -> None:
    entry = store.watchlist.add("banned_entry", "deported 2025", "immigration", document_number="B 1234567")
    hits = store.watchlist.match("B1234567<", "ANYONE", "", "2000-01-01")
    assert [(h.entry.id, h.matched_by) for h in hits] == [(entry, "document_number")]
    assert store.watchlist.match("B1234568") == []


def test_an_entry_matching_both_ways_is_reported_once(store: GateStore) -> None:
    store.watchlist.add("wanted", "warrant", "police", document_number="C7654321", surname="Phạm",
                        given_names="Minh", birth_date="1970-07-07")
    hits = store.watchlist.match("C7654321", "PHAM", "MINH", "1970-07-07")
    assert [h.matched_by for h in hits] == ["document_number"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"surname": "Nguyen"}, "document number, or a name and a birth date"),
        ({"document_number": "<<<"}, "no letters or digits"),
        ({"surname": "Nguyen", "birth_date": "02/01/1980"}, "not a date"),
    ],
)
def test_an_entry_without_what_matching_needs_is_refused(
    store: GateStore, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(WatchlistInvalid, match=message):
        store.watchlist.add("wanted", "warrant", "police", **kwargs)


def test_an_unknown_list_is_refused(store: GateStore) -> None:
    with pytest.raises(WatchlistInvalid, match="not one of banned_exit, banned_entry, wanted"):
        store.watchlist.add("vip", "x", "y", document_number="C1")


def test_csv_import_adds_good_rows_and_reports_bad_ones_by_line(store: GateStore) -> None:
    text = (
        "list,document_number,surname,given_names,birth_date,reason,source\n"
        "banned_exit,C1234567,,,,court order,court\n"
        "wanted,,Nguyễn,Văn Đức,1980-01-02,warrant 55,\n"
        "vip,C1,,,,x,y\n"
        "wanted,,Nguyen,,,no birth date,police\n"
        "banned_entry,C2,,,,,police\n"
        "wanted,,Trần,Hưng,1960-13-01,bad date,police\n"
        "banned_entry,C3,,,,too,many,fields\n"
        "banned_entry,\"C 9\",,,,quoted,police\n"
    )
    report = store.watchlist.import_csv(text, source_name="list.csv")
    assert report.added == 3
    assert [e.split(":")[0] for e in report.errors] == ["line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "needs a reason" in report.errors[2] and "not a date" in report.errors[3]
    assert store.watchlist.match(None, "NGUYEN", "VAN DUC", "1980-01-02")[0].entry.source == "list.csv"
    assert len(store.watchlist.match("C9")) == 1


def test_a_csv_with_a_wrong_header_is_reported_not_imported(store: GateStore) -> None:
    report = store.watchlist.import_csv("kind,number\nwanted,C1\n")
    assert report.added == 0 and report.errors[0].startswith("line 1: missing column(s) list, reason")
    assert store.watchlist.entries() == []


def test_an_unreadable_csv_file_is_reported(store: GateStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    report = store.watchlist.import_file(path)
    assert report.added == 0 and "cannot read" in report.errors[0]
