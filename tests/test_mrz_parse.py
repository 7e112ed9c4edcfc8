"""ICAO 9303 parsing: the specimens of parts 4 and 5, real documents' habits, repairs, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from mrz.checkdigits import check_digit
from mrz.document import DocumentKind
from mrz.errors import DocumentUnreadable
from mrz.parse import parse_mrz

TODAY = date(2010, 6, 1)
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
MRV_A = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<")
MRV_B = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")


def _checks(lines: tuple[str, ...], today: date = TODAY) -> dict[str, bool]:
    return {c.name: c.passed for c in parse_mrz(lines, today).checks}


def test_the_td3_specimen_reads_field_by_field() -> None:
    doc = parse_mrz(TD3, TODAY)
    assert (doc.format, doc.kind, doc.document_type, doc.issuing_state) == ("TD3", DocumentKind.PASSPORT, "P", "UTO")
    assert (doc.surname, doc.given_names, doc.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert (doc.nationality, doc.sex, doc.optional_data) == ("UTO", "F", "ZE184226B")
    assert (doc.birth_date, doc.expiry_date) == (date(1974, 8, 12), date(2012, 4, 15))
    assert doc.all_checks_passed


def test_td2_td1_and_visas_parse_with_their_own_checks() -> None:
    assert parse_mrz(TD2, TODAY).document_number == "D23145890"
    td1 = parse_mrz(TD1, TODAY)
    assert (td1.format, td1.kind, td1.surname) == ("TD1", DocumentKind.ID_CARD, "ERIKSSON")
    assert td1.all_checks_passed
    visa = parse_mrz(MRV_A, TODAY)
    assert (visa.format, visa.kind, visa.document_number, visa.nationality) == ("MRV-A", DocumentKind.VISA, "L8988901C",
                                                                              "XXX")
    assert "composite_check" not in _checks(MRV_A)
    assert parse_mrz(MRV_B, TODAY).format == "MRV-B"


def test_every_check_digit_is_reported() -> None:
    assert set(_checks(TD3)) >= {"document_number_check", "birth_date_check", "expiry_date_check",
                                 "optional_data_check", "composite_check"}
    assert set(_checks(TD1)) >= {"document_number_check", "birth_date_check", "expiry_date_check", "composite_check"}


def test_a_wrong_check_digit_fails_its_check_and_the_composite() -> None:
    lines = (TD3[0], TD3[1][:19] + "3" + TD3[1][20:])  # birth-date check digit 2 -> 3
    checks = _checks(lines)
    assert checks["birth_date_check"] is False and checks["composite_check"] is False
    assert checks["document_number_check"] is True


def test_letters_in_dates_are_repaired_by_field_type_and_noted() -> None:
    doc = parse_mrz((TD3[0], TD3[1].replace("7408122", "74O8I22")), TODAY)
    assert doc.birth_date == date(1974, 8, 12)
    birth = next(c for c in doc.checks if c.name == "birth_date_check")
    assert birth.passed and "repaired" in birth.detail and "'O' read as '0'" in birth.detail
    assert doc.field_confidence["birth_date"] < 1.0


def test_a_look_alike_in_the_document_number_is_repaired_only_by_its_check_digit() -> None:
    doc = parse_mrz((TD3[0], "L8989O2C36" + TD3[1][10:]), TODAY)  # 0 read as O
    assert doc.document_number == "L898902C3"
    assert "check digits" in doc.extra["repairs"]
    assert doc.check_digit_repairs == ("line 2 position 6: 'O' read as '0' (check digits)",)


def test_a_forged_digit_that_a_look_alike_makes_pass_is_flagged_not_trusted() -> None:
    """A digit of the document number forged with its check digit kept fails the checks, unless reading
    another character as its look-alike makes them pass: then the parser cannot tell a misread from a
    forgery, and says so instead of passing silently."""
    assert parse_mrz(TD3, TODAY).check_digit_repairs == ()  # the untouched specimen needs no repair
    doc = parse_mrz(_forged_passing_by_repair(TD3), TODAY)
    assert doc.all_checks_passed and doc.check_digit_repairs, doc.extra
    assert all("(check digits)" in note for note in doc.check_digit_repairs)


def _forged_passing_by_repair(lines: tuple[str, str]) -> tuple[str, str]:
    """The first single-digit change of the document number whose check digits pass after repair."""
    for position, char in enumerate(lines[1][:9]):
        if not char.isdigit():
            continue
        for digit in "0123456789":
            forged = (lines[0], lines[1][:position] + digit + lines[1][position + 1:])
            if digit != char and parse_mrz(forged, TODAY).all_checks_passed:
                return forged
    raise AssertionError("no single-digit forgery of the specimen passes by repair")


def test_the_century_puts_birth_in_the_past_and_expiry_ahead() -> None:
    doc = parse_mrz(TD3, date(2026, 1, 1))
    assert doc.birth_date == date(1974, 8, 12) and doc.expiry_date == date(2012, 4, 15)
    young = TD3[1][:13] + "150101" + check_digit("150101") + TD3[1][20:]
    assert parse_mrz((TD3[0], young), date(2026, 1, 1)).birth_date == date(2015, 1, 1)


def test_an_expired_document_fails_not_expired() -> None:
    assert _checks(TD3, date(2026, 1, 1))["not_expired"] is False
    assert _checks(TD3, TODAY)["not_expired"] is True


def test_germany_is_d_with_fillers_and_unknown_codes_fail() -> None:
    german = ("P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<", "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4")
    doc = parse_mrz(german, TODAY)
    assert (doc.issuing_state, doc.nationality) == ("D", "D")
    assert _checks(german)["issuing_state_known"] is True
    fake = ("P<QQQ" + TD3[0][5:], TD3[1])
    assert _checks(fake)["issuing_state_known"] is False


def test_filler_as_check_digit_of_empty_optional_data_is_accepted() -> None:
    empty = TD3[1][:28] + "<" * 14 + "<"
    line = empty + check_digit(empty[0:10] + empty[13:20] + empty[21:43])
    assert _checks((TD3[0], line))["optional_data_check"] is True


def test_a_long_td1_document_number_continues_in_the_optional_data() -> None:
    lines = ("I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<")
    doc = parse_mrz(lines, TODAY)
    assert doc.document_number == "D23145890734"
    assert _checks(lines)["document_number_check"] is True


def test_a_vietnamese_cccd_gives_the_twelve_digit_id() -> None:
    lines = ("IDVNM1900123457079190012345<<<", "9001022F3001020VNM<<<<<<<<<<<1", "TRAN<<THI<HONG<<<<<<<<<<<<<<<<")
    doc = parse_mrz(lines, TODAY)
    assert (doc.document_number, doc.personal_number) == ("190012345", "079190012345")
    assert doc.all_checks_passed and _checks(lines)["cccd_number_consistent"] is True


@pytest.mark.parametrize("lines", [(), ("P<UTO",), (TD3[0], TD3[1][:40]), (TD3[0], TD2[1]), ("x" * 44,) * 4])
def test_lines_of_no_icao_shape_are_unreadable(lines: tuple[str, ...]) -> None:
    with pytest.raises(DocumentUnreadable, match="layout"):
        parse_mrz(lines, TODAY)


def test_garbage_characters_fail_the_character_check() -> None:
    checks = _checks((TD3[0][:10] + "#" + TD3[0][11:], TD3[1]))
    assert checks["characters_valid"] is False
