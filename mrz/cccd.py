"""The QR code on a Vietnamese citizen identity card (CCCD), and its cross-check with the card's MRZ.

Payload: UTF-8, fields separated by ``|``: 12-digit ID, old 9-digit ID (may be empty), full name,
birth date DDMMYYYY, sex (``Nam`` / ``Nữ``), address, issue date DDMMYYYY. A 6-field variant
leaves out the old ID. The 12-digit ID itself encodes the birth century and sex in its fourth
digit and the birth year in its fifth and sixth (Decree 137/2015): a check compares them with
the printed birth date and sex. ``cross_check`` compares a QR read with the same card's TD1 MRZ,
where the number field holds the last nine digits and the optional data all twelve.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from mrz.document import Check, Document, DocumentKind, DocumentSource
from mrz.errors import DocumentUnreadable
from mrz.transliterate import transliterate

FORMAT = "cccd-qr"
_SEX = {"nam": "M", "nữ": "F", "nu": "F"}
_CENTURY_SEX = {0: (1900, "M"), 1: (1900, "F"), 2: (2000, "M"), 3: (2000, "F"), 4: (2100, "M"), 5: (2100, "F")}


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d%m%Y").date()
    except ValueError:
        return None


def _id_encodes(id12: str, birth: date | None, sex: str) -> Check:
    if not (id12.isdigit() and len(id12) == 12) or birth is None:
        return Check("id_matches_birth_and_sex", False, "ID or birth date unreadable")
    century, coded_sex = _CENTURY_SEX.get(int(id12[3]), (0, "?"))
    coded_year = century + int(id12[4:6])
    passed = coded_year == birth.year and coded_sex == sex
    return Check("id_matches_birth_and_sex", passed, f"ID codes {coded_sex} born {coded_year}")


def parse_cccd(payload: str | bytes, today: date | None = None) -> Document:
    """The holder of a CCCD QR payload, with a check for each field's form."""
    today = today or date.today()
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentUnreadable("CCCD QR payload is not UTF-8 text") from exc
    parts = [p.strip() for p in unicodedata.normalize("NFC", payload).strip().split("|")]
    if len(parts) == 6:
        parts.insert(1, "")
    if len(parts) < 7 or not parts[0].isdigit():
        raise DocumentUnreadable(f"not a CCCD QR payload ({len(parts)} fields, expected 6 or 7)")
    id12, old_id, full_name, birth_text, sex_text, address, issued_text = parts[:7]
    birth, issued = _date(birth_text), _date(issued_text)
    sex = _SEX.get(sex_text.lower(), "")
    surname, _, given = full_name.partition(" ")
    checks = (
        Check("id_number_format", len(id12) == 12 and id12.isdigit(), id12),
        Check("old_id_format", old_id == "" or (len(old_id) == 9 and old_id.isdigit()), old_id),
        Check("birth_date_valid", birth is not None and birth <= today, birth_text),
        Check("issue_date_valid", issued is not None and issued <= today, issued_text),
        Check("sex_valid", bool(sex), sex_text),
        _id_encodes(id12, birth, sex),
    )
    return Document(
        kind=DocumentKind.ID_CARD,
        source=DocumentSource.CCCD_QR,
        format=FORMAT,
        document_type="ID",
        issuing_state="VNM",
        document_number=id12[3:] if len(id12) == 12 else id12,
        surname=transliterate(surname),
        given_names=transliterate(given).replace("<", " "),
        nationality="VNM",
        birth_date=birth,
        sex=sex or "X",
        expiry_date=None,
        personal_number=id12,
        checks=checks,
        raw=(payload,),
        extra={"full_name": full_name, "old_id": old_id, "address": address,
               "issue_date": issued.isoformat() if issued else ""},
    )


def cross_check(qr: Document, mrz: Document) -> tuple[Check, ...]:
    """Whether the QR code and the MRZ of one CCCD describe the same person and card."""
    mrz_id = mrz.personal_number or mrz.optional_data[:12]
    return (
        Check("cccd_id_matches_mrz", qr.personal_number == mrz_id, f"QR {qr.personal_number}, MRZ {mrz_id}"),
        Check("cccd_number_matches_mrz", qr.document_number == mrz.document_number,
              f"QR {qr.document_number}, MRZ {mrz.document_number}"),
        Check("cccd_birth_date_matches_mrz", qr.birth_date is not None and qr.birth_date == mrz.birth_date,
              f"QR {qr.birth_date}, MRZ {mrz.birth_date}"),
        Check("cccd_sex_matches_mrz", qr.sex == mrz.sex, f"QR {qr.sex}, MRZ {mrz.sex}"),
        Check("cccd_name_matches_mrz", (qr.surname, qr.given_names) == (mrz.surname, mrz.given_names),
              f"QR {qr.surname} {qr.given_names}, MRZ {mrz.surname} {mrz.given_names}"),
    )
