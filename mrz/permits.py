"""Signed port permits in a 2D barcode: the payload, issuing, and verification against a trust store.

Payload ``permit-v1``: UTF-8 text, fields separated by ``|``::

    EGP1|key id|permit id|holder name|document number|nationality|birth YYYYMMDD|
    valid from YYYYMMDD|valid to YYYYMMDD|port or zone|purpose|vessel|signature

The signature is ECDSA P-256 with SHA-256 over the UTF-8 bytes of everything before it
(including the last ``|``), written as r and s (32 bytes each) in unpadded base64url, so a
permit fits a version 10-13 QR code or a 40x40 DataMatrix. Verification refuses, in this order,
and each with its own error: a payload that is not a permit (``DocumentUnreadable``), a key id
the gate does not trust (``UnknownIssuer``), a bad signature (``SignatureInvalid``), a revoked
permit id (``PermitRevoked``), a date outside validity (``PermitNotValidNow``) and another port
(``WrongPort``). Only then does it return a ``Document`` with every check recorded.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from mrz.document import Check, Document, DocumentKind, DocumentSource
from mrz.errors import (
    DocumentUnreadable,
    PermitNotValidNow,
    PermitRevoked,
    SignatureInvalid,
    UnknownIssuer,
    WrongPort,
)

MAGIC = "EGP1"
FORMAT = "permit-v1"
SEPARATOR = "|"
FIELD_COUNT = 13
MAX_PAYLOAD = 2000  # characters; a longer text is not one of our permits


@dataclass(frozen=True)
class Permit:
    """What a permit says about its holder, before signing."""

    permit_id: str
    holder_name: str  # "Surname, Given Names" as printed (UTF-8); the comma separates the two
    document_number: str
    nationality: str
    birth_date: date
    valid_from: date
    valid_to: date
    port: str
    purpose: str
    vessel: str = ""


@dataclass(frozen=True)
class PermitTrust:
    """The issuers the gate trusts (public keys by key id) and the revoked permit ids."""

    keys: Mapping[str, ec.EllipticCurvePublicKey]
    revoked: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_files(cls, keys_dir: Path, revocation_list: Path | None) -> PermitTrust:
        """Public keys ``<key id>.pem`` from ``keys_dir``; revoked ids one per line (``#`` comments)."""
        if not keys_dir.is_dir():
            raise FileNotFoundError(f"permit trust store not found: {keys_dir}")
        keys = {}
        for path in sorted(keys_dir.glob("*.pem")):
            key = serialization.load_pem_public_key(path.read_bytes())
            if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
                raise ValueError(f"{path}: not an ECDSA P-256 public key")
            keys[path.stem] = key
        revoked: frozenset[str] = frozenset()
        if revocation_list is not None and revocation_list.is_file():
            lines = revocation_list.read_text(encoding="utf-8").splitlines()
            revoked = frozenset(s for s in (line.split("#", 1)[0].strip() for line in lines) if s)
        return cls(keys, revoked)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _body(key_id: str, permit: Permit) -> str:
    values = [MAGIC, key_id, permit.permit_id, permit.holder_name, permit.document_number, permit.nationality,
              permit.birth_date.strftime("%Y%m%d"), permit.valid_from.strftime("%Y%m%d"),
              permit.valid_to.strftime("%Y%m%d"), permit.port, permit.purpose, permit.vessel]
    for value in values:
        if SEPARATOR in value or "\n" in value:
            raise ValueError(f"permit field {value!r} may not contain {SEPARATOR!r} or a line break")
    return SEPARATOR.join(values) + SEPARATOR


def issue_permit(permit: Permit, key_id: str, private_key: ec.EllipticCurvePrivateKey) -> str:
    """The signed payload text to print as a QR or DataMatrix code."""
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise ValueError("permits are signed with ECDSA P-256 keys")
    if permit.valid_to < permit.valid_from:
        raise ValueError("valid_to is before valid_from")
    body = _body(key_id, permit)
    r, s = decode_dss_signature(private_key.sign(body.encode("utf-8"), ec.ECDSA(hashes.SHA256())))
    return body + _b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def _date(text: str, name: str) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError as exc:
        raise DocumentUnreadable(f"permit {name} {text!r} is not a YYYYMMDD date") from exc


def verify_permit(payload: str | bytes, trust: PermitTrust, port: str, today: date | None = None) -> Document:
    """The permit's holder as a ``Document`` if the permit is genuine, current and for this port."""
    today = today or date.today()
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentUnreadable("permit payload is not UTF-8 text") from exc
    if len(payload) > MAX_PAYLOAD or not payload.startswith(MAGIC + SEPARATOR):
        raise DocumentUnreadable("not an eGate permit (payload does not start with EGP1|)")
    parts = payload.split(SEPARATOR)
    if len(parts) != FIELD_COUNT:
        raise DocumentUnreadable(f"malformed permit: {len(parts)} fields instead of {FIELD_COUNT}")
    key_id, permit_id = parts[1], parts[2]
    key = trust.keys.get(key_id)
    if key is None:
        raise UnknownIssuer(f"permit {permit_id} is signed with key {key_id!r}, which this gate does not trust")
    try:
        raw = _unb64(parts[-1])
    except (binascii.Error, ValueError) as exc:
        raise SignatureInvalid(f"permit {permit_id}: the signature is not base64url") from exc
    if len(raw) != 64 or _b64(raw) != parts[-1]:  # canonical only: unused base64 bits must not vary
        raise SignatureInvalid(f"permit {permit_id}: the signature is not 64 bytes in canonical base64url")
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    body = payload[: len(payload) - len(parts[-1])]
    try:
        key.verify(signature, body.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise SignatureInvalid(f"permit {permit_id}: the signature does not match (forged or altered)") from exc
    if permit_id in trust.revoked:
        raise PermitRevoked(f"permit {permit_id} is on the revocation list")
    birth = _date(parts[6], "birth date")
    valid_from, valid_to = _date(parts[7], "valid from"), _date(parts[8], "valid to")
    if today < valid_from:
        raise PermitNotValidNow(f"permit {permit_id} is not valid before {valid_from.isoformat()}")
    if today > valid_to:
        raise PermitNotValidNow(f"permit {permit_id} expired on {valid_to.isoformat()}")
    if parts[9] != port:
        raise WrongPort(f"permit {permit_id} is for {parts[9]!r}, this gate is {port!r}")
    surname, _, given = (p.strip() for p in parts[3].partition(","))
    return Document(
        kind=DocumentKind.PERMIT,
        source=DocumentSource.PERMIT_BARCODE,
        format=FORMAT,
        document_type="PERMIT",
        issuing_state="",
        document_number=parts[4],
        surname=surname,
        given_names=given,
        nationality=parts[5],
        birth_date=birth,
        sex="X",
        expiry_date=valid_to,
        checks=(
            Check("issuer_trusted", True, key_id),
            Check("signature_valid", True, "ECDSA P-256 SHA-256"),
            Check("not_revoked", True),
            Check("valid_now", True, f"{valid_from.isoformat()}..{valid_to.isoformat()}, today {today.isoformat()}"),
            Check("port_matches", True, port),
        ),
        raw=(payload,),
        extra={"permit_id": permit_id, "key_id": key_id, "port": parts[9], "purpose": parts[10], "vessel": parts[11],
               "valid_from": valid_from.isoformat(), "valid_to": valid_to.isoformat(), "holder_name": parts[3]},
    )
