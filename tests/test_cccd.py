"""Vietnamese CCCD QR payloads: both variants, field checks, and the cross-check with the card's MRZ."""

from __future__ import annotations

from datetime import date

import pytest

from mrz.cccd import cross_check, parse_cccd
from mrz.document import DocumentSource
from mrz.errors import DocumentUnreadable
from mrz.parse import parse_mrz

TODAY = date(2026, 1, 1)
QR = "079190012345|123456789|Trần Thị Hồng|02011990|Nữ|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|15062021"
MRZ = ("IDVNM1900123457079190012345<<<", "9001022F3001020VNM<<<<<<<<<<<1", "TRAN<<THI<HONG<<<<<<<<<<<<<<<<")


def test_a_seven_field_payload_reads_every_field() -> None:
    doc = parse_cccd(QR, TODAY)
    assert (doc.source, doc.format, doc.issuing_state) == (DocumentSource.CCCD_QR, "cccd-qr", "VNM")
    assert (doc.personal_number, doc.document_number, doc.extra["old_id"]) == ("079190012345", "190012345", "123456789")
    assert (doc.surname, doc.given_names, doc.extra["full_name"]) == ("TRAN", "THI HONG", "Trần Thị Hồng")
    assert (doc.birth_date, doc.sex, doc.extra["issue_date"]) == (date(1990, 1, 2), "F", "2021-06-15")
    assert doc.extra["address"].startswith("12 Lê Lợi") and doc.all_checks_passed


def test_the_six_field_variant_has_no_old_id() -> None:
    doc = parse_cccd("001099012345|Nguyễn Văn An|01011999|Nam|Hà Nội|15062021", TODAY)
    assert (doc.extra["old_id"], doc.surname, doc.given_names, doc.sex) == ("", "NGUYEN", "VAN AN", "M")
    assert doc.all_checks_passed


def test_an_id_whose_codes_contradict_the_birth_date_fails_its_check() -> None:
    doc = parse_cccd(QR.replace("079190012345", "079290012345"), TODAY)  # 2 = male born 20xx
    assert [c.name for c in doc.failed_checks] == ["id_matches_birth_and_sex"]


def test_the_qr_and_the_mrz_of_one_card_agree() -> None:
    checks = cross_check(parse_cccd(QR, TODAY), parse_mrz(MRZ, TODAY))
    assert all(c.passed for c in checks) and len(checks) == 5


def test_a_qr_from_another_card_disagrees_with_the_mrz() -> None:
    other = QR.replace("079190012345", "079190054321").replace("Trần Thị Hồng", "Lê Thị Hồng")
    failed = {c.name for c in cross_check(parse_cccd(other, TODAY), parse_mrz(MRZ, TODAY)) if not c.passed}
    assert failed == {"cccd_id_matches_mrz", "cccd_number_matches_mrz", "cccd_name_matches_mrz"}


@pytest.mark.parametrize("bad", ["", "hello", "a|b|c", b"\xff\xfe", "EGP1|k|x|y|z|1|2|3|4|5|6|7|8"])
def test_other_payloads_are_not_cccd(bad: str | bytes) -> None:
    with pytest.raises(DocumentUnreadable):
        parse_cccd(bad, TODAY)


def test_garbled_fields_fail_their_checks() -> None:
    doc = parse_cccd("07919001234|12345|Trần Thị Hồng|31021990|Khác|addr|99999999", TODAY)
    assert {c.name for c in doc.failed_checks} == {"id_number_format", "old_id_format", "birth_date_valid",
                                                   "issue_date_valid", "sex_valid", "id_matches_birth_and_sex"}
