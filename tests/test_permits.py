"""Signed port permits: genuine ones verify, every kind of bad one is refused with its own reason.

The issuer keys are generated here, in the test: no private key lives in the repository.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from mrz.barcodes import decode_barcodes
from mrz.document import DocumentKind, DocumentSource
from mrz.errors import (
    DocumentError,
    DocumentUnreadable,
    PermitNotValidNow,
    PermitRevoked,
    SignatureInvalid,
    UnknownIssuer,
    WrongPort,
)
from mrz.permits import Permit, PermitTrust, issue_permit, verify_permit

KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = ec.generate_private_key(ec.SECP256R1())
TRUST = PermitTrust({"hp-2026": KEY.public_key()}, frozenset({"P-REVOKED"}))
PERMIT = Permit("P-0001", "Nguyễn, Văn An", "C1234567", "VNM", date(1990, 5, 17), date(2026, 1, 1),
                date(2026, 12, 31), "VNHPH", "crew shore leave", "MV SONG HONG")
TODAY = date(2026, 6, 1)
PAYLOAD = issue_permit(PERMIT, "hp-2026", KEY)


def test_a_genuine_permit_verifies_into_a_document() -> None:
    doc = verify_permit(PAYLOAD, TRUST, "VNHPH", TODAY)
    assert (doc.kind, doc.source, doc.format) == (DocumentKind.PERMIT, DocumentSource.PERMIT_BARCODE, "permit-v1")
    assert (doc.surname, doc.given_names, doc.document_number, doc.nationality) == ("Nguyễn", "Văn An", "C1234567",
                                                                                   "VNM")
    assert (doc.birth_date, doc.expiry_date) == (date(1990, 5, 17), date(2026, 12, 31))
    assert doc.extra["permit_id"] == "P-0001" and doc.extra["vessel"] == "MV SONG HONG"
    assert doc.extra["valid_from"] == "2026-01-01" and doc.extra["key_id"] == "hp-2026"
    assert doc.all_checks_passed


@pytest.mark.parametrize(("payload", "error"), [
    (issue_permit(PERMIT, "hp-2026", OTHER_KEY), SignatureInvalid),
    (issue_permit(PERMIT, "tv-2020", KEY), UnknownIssuer),
    (issue_permit(replace(PERMIT, permit_id="P-REVOKED"), "hp-2026", KEY), PermitRevoked),
    (issue_permit(replace(PERMIT, valid_to=date(2026, 5, 31)), "hp-2026", KEY), PermitNotValidNow),
    (issue_permit(replace(PERMIT, valid_from=date(2026, 6, 2)), "hp-2026", KEY), PermitNotValidNow),
    (issue_permit(replace(PERMIT, port="VNSGN"), "hp-2026", KEY), WrongPort),
    (PAYLOAD.replace("C1234567", "C1234568"), SignatureInvalid),
    ("EGP1|hp-2026|short", DocumentUnreadable),
    ("https://example.org/not-a-permit", DocumentUnreadable),
    (b"\xff\xfe\x00", DocumentUnreadable),
])
def test_a_bad_permit_is_refused_with_its_reason(payload: str | bytes, error: type[DocumentError]) -> None:
    with pytest.raises(error):
        verify_permit(payload, TRUST, "VNHPH", TODAY)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(PAYLOAD.encode("utf-8")) * 8 - 1))
def test_any_flipped_bit_is_refused(bit: int) -> None:
    data = bytearray(PAYLOAD.encode("utf-8"))
    data[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DocumentError):
        verify_permit(bytes(data), TRUST, "VNHPH", TODAY)


@pytest.mark.parametrize("fmt", [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.DataMatrix])
def test_a_printed_permit_reads_back_from_its_barcode(fmt: zxingcpp.BarcodeFormat) -> None:
    image = np.asarray(zxingcpp.create_barcode(PAYLOAD, fmt).to_image(scale=4))
    image = np.pad(image, 40, constant_values=255)
    codes = decode_barcodes(np.rot90(image).copy())
    assert [verify_permit(c.text, TRUST, "VNHPH", TODAY).extra["permit_id"] for c in codes] == ["P-0001"]


def test_the_trust_store_loads_public_keys_and_revocations_from_files(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "hp-2026.pem").write_bytes(KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    revoked = tmp_path / "revoked.txt"
    revoked.write_text("# revoked at the port office\nP-0001  # lost\n\n", encoding="utf-8")
    trust = PermitTrust.from_files(keys, revoked)
    assert set(trust.keys) == {"hp-2026"} and trust.revoked == {"P-0001"}
    with pytest.raises(PermitRevoked):
        verify_permit(PAYLOAD, trust, "VNHPH", TODAY)


def test_a_missing_trust_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="trust store"):
        PermitTrust.from_files(tmp_path / "nowhere", None)


def test_a_separator_inside_a_field_cannot_be_issued() -> None:
    with pytest.raises(ValueError, match="may not contain"):
        issue_permit(replace(PERMIT, purpose="a|b"), "hp-2026", KEY)
