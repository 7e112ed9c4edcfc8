"""ICAO Visible Digital Seals and IDB seals: all 17 test seals decode and verify; any flipped bit fails.

The 17 seals of ``vds/test_seals.txt`` were signed by the test signer ``UTTS`` / certificate
``5B`` (brainpoolP256r1); its public key is not in that file, which holds only a separate test
key pair. ``UTTS_5B_PUBLIC`` below is that signer's public key as published with the seals'
source (li0ard/vds tests, MIT), a test-only trust anchor. The file's own key pair is used to
re-sign the seals and check that verification follows the key.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from mrz import c40
from mrz.document import DocumentSource
from mrz.errors import DocumentError, DocumentUnreadable, SignatureInvalid, UnknownIssuer
from mrz.vds import Seal, SealTrust, decode_seal, verify_seal

UTTS_5B_PUBLIC = ("0408132A7243B3CCC29C271097081C96A729EEFB8EB93630E536498E9B7CE1CED25D68A789D93BEF39C04715C5AD"
                  "3915D281C0754ECC08508BF66687EFC630DF88")
UTTS_5B = ec.EllipticCurvePublicKey.from_encoded_point(ec.BrainpoolP256R1(), bytes.fromhex(UTTS_5B_PUBLIC))
TRUST = SealTrust({"UTTS-5B": UTTS_5B, "IDB-A57A790577": UTTS_5B})


def _seals(data_root: Path) -> dict[str, str]:
    text = (data_root / "vds" / "test_seals.txt").read_text(encoding="utf-8")
    found = re.findall(r"^- ([^\n]+?):?\n([0-9a-fA-Z]+)$", text, flags=re.MULTILINE)
    kinds = ["vds" if seal.startswith("dc") else "idb" for _, seal in found]
    return {f"{kind}: {name}": seal for (name, seal), kind in zip(found, kinds, strict=True)}


def _file_key(data_root: Path) -> ec.EllipticCurvePrivateKey:
    text = (data_root / "vds" / "test_seals.txt").read_text(encoding="utf-8")
    secret = re.search(r"Secret key: ([0-9a-f]+)", text)
    assert secret is not None
    return ec.derive_private_key(int(secret.group(1), 16), ec.BrainpoolP256R1())


def test_all_seventeen_seals_decode_and_verify(data_root: Path) -> None:
    seals = _seals(data_root)
    assert len(seals) == 17
    for name, data in seals.items():
        doc = verify_seal(data, TRUST)
        assert doc.source is DocumentSource.DIGITAL_SEAL, name
        assert {c.name for c in doc.checks if c.passed} >= {"seal_signer_trusted", "seal_signature_valid"}, name


def test_a_residence_permit_seal_carries_its_holder(data_root: Path) -> None:
    seal = decode_seal(_seals(data_root)["vds: Residence Permit"])
    assert (seal.kind, seal.version, seal.issuing_country, seal.signer) == ("vds", 4, "UTO", "UTTS-5B")
    assert (seal.feature_reference, seal.type_category) == (0xFB, 6)
    assert seal.issue_date is not None and seal.issue_date.isoformat() == "2020-01-01"
    doc = verify_seal(seal, TRUST)
    assert (doc.extra["mrz_format"], doc.surname, doc.given_names, doc.document_number) == (
        "TD2", "RESIDORCE", "ROLAND", "652584509")


def test_a_version_3_seal_names_its_certificate_with_five_characters(data_root: Path) -> None:
    seal = decode_seal(_seals(data_root)["vds: Arrival attestation (v3)"])
    assert (seal.version, seal.signer) == (3, "UTTS-5B")


def test_an_idb_seal_carries_a_td1_mrz(data_root: Path) -> None:
    doc = verify_seal(_seals(data_root)["idb: Supplementary sheet residence permit"], TRUST)
    assert (doc.format, doc.extra["mrz_format"], doc.surname, doc.nationality) == ("idb", "TD1", "BORIC", "CHL")


def test_the_seals_do_not_verify_with_the_files_separate_test_key(data_root: Path) -> None:
    other = SealTrust({"UTTS-5B": _file_key(data_root).public_key()})
    with pytest.raises(SignatureInvalid):
        verify_seal(_seals(data_root)["vds: Visa document"], other)


def test_seals_re_signed_with_the_files_key_verify_with_its_public_key(data_root: Path) -> None:
    key = _file_key(data_root)
    trust = SealTrust({"UTTS-5B": key.public_key(), "IDB-A57A790577": key.public_key()})
    for data in _seals(data_root).values():
        seal = decode_seal(data)
        r, s = decode_dss_signature(key.sign(seal.signed_bytes, ec.ECDSA(hashes.SHA256())))
        verify_seal(replace(seal, signature=r.to_bytes(32, "big") + s.to_bytes(32, "big")), trust)
        with pytest.raises(SignatureInvalid):
            verify_seal(seal, trust)


def test_an_unknown_signer_is_refused(data_root: Path) -> None:
    with pytest.raises(UnknownIssuer):
        verify_seal(_seals(data_root)["vds: Residence Permit"], SealTrust({}))


@pytest.mark.parametrize("bad", ["", "dc", "dc09", "zz", "RDB1Z", "RDB1B!!!!", "dc03d9c5"])
def test_malformed_seals_are_unreadable(bad: str) -> None:
    with pytest.raises(DocumentUnreadable):
        decode_seal(bad)


def _binary(data: str) -> bytes:
    return bytes.fromhex(data) if data.startswith("dc") else data.encode("ascii")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_flipped_bit_in_any_seal_fails(data_root: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(_seals(data_root))))
    seal = _seals(data_root)[name]
    if seal.startswith("dc"):
        raw = bytearray(bytes.fromhex(seal))
        bit = data.draw(st.integers(0, len(raw) * 8 - 1))
        raw[bit // 8] ^= 1 << (bit % 8)
        corrupted: bytes | Seal = bytes(raw)
    else:  # flip a bit of the decoded payload, as a misread module would
        decoded = decode_seal(seal)
        signed = bytearray(decoded.signed_bytes + decoded.signature)
        bit = data.draw(st.integers(0, len(signed) * 8 - 1))
        signed[bit // 8] ^= 1 << (bit % 8)
        split = len(decoded.signed_bytes)
        corrupted = replace(decoded, signed_bytes=bytes(signed[:split]), signature=bytes(signed[split:]))
    with pytest.raises(DocumentError):
        verify_seal(corrupted, TRUST)


def test_c40_encodes_the_specifications_example() -> None:
    assert c40.encode("VISA01") == bytes.fromhex("DE515826")
    assert c40.decode(bytes.fromhex("DE515826")) == "VISA01"
    assert c40.decode(c40.encode("D<<")) == "D<<"
