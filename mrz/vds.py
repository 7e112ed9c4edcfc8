"""ICAO Visible Digital Seals (Doc 9303 part 13) and ICAO Datastructure for Barcode (IDB) seals.

``decode_seal`` reads either kind:

* a VDS (binary, magic ``0xDC``): header (version 3 or 4, issuing country, signer identifier and
  certificate reference in C40, issue and signature dates, feature definition reference,
  document type category), the message zone (tag, length, value: 1-byte lengths in version 3,
  DER lengths in version 4) and the signature zone (``0xFF``, length, r||s);
* an IDB (text ``RDB1`` or ``NDB1``, a flag letter, base32 of an optionally deflated payload):
  header (country, signature algorithm, 5-byte certificate reference, masked signature date),
  the message group ``0x61`` of TLV messages, an optional signer certificate ``0x7E`` and the
  signature ``0x7F`` (r||s).

``verify_seal`` checks the ECDSA signature over exactly the signed bytes with the trusted key
named by the seal (``SealTrust``: keys by signer id, ``UTTS-5B`` for a VDS, ``IDB-A57A790577``
for an IDB's certificate reference) and returns a ``Document``: the fields of the MRZ carried in
the seal (found by decoding each C40 message and parsing it), with the seal's own checks. Any
malformed seal raises ``DocumentUnreadable``; an untrusted signer ``UnknownIssuer``; a wrong
signature ``SignatureInvalid``.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from mrz import c40
from mrz.document import Check, Document, DocumentKind, DocumentSource
from mrz.errors import DocumentUnreadable, SignatureInvalid, UnknownIssuer
from mrz.parse import parse_mrz

VDS_MAGIC = 0xDC
IDB_PREFIXES = ("RDB1", "NDB1")
_IDB_HASHES = {1: "SHA256", 2: "SHA384", 3: "SHA512"}
_MRZ_LENGTHS = {90: (30, 30, 30), 88: (44, 44), 72: (36, 36), 64: (36, 28)}  # C40 text -> MRZ lines


@dataclass(frozen=True)
class Feature:
    tag: int
    value: bytes


@dataclass(frozen=True)
class Seal:
    kind: str  # "vds" or "idb"
    version: int  # VDS: 3 or 4; IDB: 1
    issuing_country: str  # with fillers, e.g. "D<<", "UTO"
    signer: str  # trust-store id of the signing key: "UTTS-5B" or "IDB-A57A790577"
    features: tuple[Feature, ...]
    signed_bytes: bytes
    signature: bytes  # r || s, or b"" for an unsigned IDB
    hash_name: str = "SHA256"
    issue_date: date | None = None
    signature_date: date | None = None
    feature_reference: int = 0
    type_category: int = 0


@dataclass(frozen=True)
class SealTrust:
    """Public keys of seal signers by signer id (see module doc)."""

    keys: Mapping[str, ec.EllipticCurvePublicKey] = field(default_factory=dict)

    @classmethod
    def from_files(cls, folder: Path) -> SealTrust:
        """``<signer id>.pem`` public keys or certificates (a certificate's key is used)."""
        if not folder.is_dir():
            raise FileNotFoundError(f"seal trust store not found: {folder}")
        keys = {}
        for path in sorted(folder.glob("*.pem")):
            data = path.read_bytes()
            key = (x509.load_pem_x509_certificate(data).public_key() if b"CERTIFICATE" in data
                   else serialization.load_pem_public_key(data))
            if not isinstance(key, ec.EllipticCurvePublicKey):
                raise ValueError(f"{path}: not an elliptic-curve key")
            keys[path.stem.upper()] = key
        return cls(keys)


# --------------------------------------------------------------------------- decoding


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise DocumentUnreadable(f"seal truncated at byte {self.pos} (wanted {n} more)")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def byte(self) -> int:
        return self.take(1)[0]

    def der_length(self) -> int:
        first = self.byte()
        if first < 0x80:
            return first
        count = first - 0x80
        if not 1 <= count <= 4:
            raise DocumentUnreadable(f"bad DER length byte {first:#04x} at {self.pos - 1}")
        return int.from_bytes(self.take(count), "big")

    @property
    def done(self) -> bool:
        return self.pos >= len(self.data)


def _date(raw: bytes) -> date | None:
    """Dates are the integer MMDDYYYY in three bytes."""
    text = f"{int.from_bytes(raw, 'big'):08d}"
    try:
        return date(int(text[4:]), int(text[:2]), int(text[2:4]))
    except ValueError:
        return None


def _c40(raw: bytes, what: str) -> str:
    try:
        return c40.decode(raw)
    except c40.C40Error as exc:
        raise DocumentUnreadable(f"seal {what} is not C40: {exc}") from exc


def _decode_vds(data: bytes) -> Seal:
    r = _Reader(data)
    if r.byte() != VDS_MAGIC:
        raise DocumentUnreadable("not a visible digital seal (no 0xDC magic)")
    raw_version = r.byte()
    if raw_version not in (0x02, 0x03):
        raise DocumentUnreadable(f"unsupported VDS version byte {raw_version:#04x}")
    country = _c40(r.take(2), "country")
    if raw_version == 0x02:
        signer_ref = _c40(r.take(6), "signer")
        signer, ref = signer_ref[:4], signer_ref[4:]
    else:
        head = _c40(r.take(4), "signer")
        signer = head[:4]
        try:
            length = int(head[4:6], 16)
        except ValueError as exc:
            raise DocumentUnreadable(f"VDS certificate reference length {head[4:6]!r} is not hex") from exc
        nbytes = (length // 3) * 2 + (2 if length % 3 else 0)
        ref = _c40(r.take(nbytes), "certificate reference")[:length]
    try:
        ref_id = f"{int(ref, 16):X}"
    except ValueError as exc:
        raise DocumentUnreadable(f"VDS certificate reference {ref!r} is not hex") from exc
    issued, signed_on = _date(r.take(3)), _date(r.take(3))
    feature_ref, category = r.byte(), r.byte()
    features = []
    while not r.done and r.data[r.pos] != 0xFF:
        tag = r.byte()
        length = r.byte() if raw_version == 0x02 else r.der_length()
        features.append(Feature(tag, r.take(length)))
    signed = data[: r.pos]
    if r.done:
        raise DocumentUnreadable("VDS has no signature zone (0xFF)")
    r.byte()
    signature = r.take(r.der_length())
    if not r.done and set(r.data[r.pos :]) - {0x00}:
        raise DocumentUnreadable("unexpected bytes after the VDS signature")
    return Seal("vds", raw_version + 1, country, f"{signer}-{ref_id}", tuple(features), signed, signature,
                "SHA256", issued, signed_on, feature_ref, category)


def _tlvs(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(tag, value, encoded TLV) for each top-level TLV."""
    r, out = _Reader(data), []
    while not r.done:
        start = r.pos
        tag = r.byte()
        value = r.take(r.der_length())
        out.append((tag, value, data[start : r.pos]))
    return out


def _decode_idb(text: str) -> Seal:
    flag = ord(text[4]) - 0x41 if len(text) > 4 else -1
    if not 0 <= flag <= 3:
        raise DocumentUnreadable("IDB flag character is not A-D")
    signed, zipped = bool(flag & 1), bool(flag & 2)
    body = text[5:]
    try:
        payload = base64.b32decode(body + "=" * (-len(body) % 8))
        if zipped:
            payload = zlib.decompress(payload)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise DocumentUnreadable(f"IDB payload cannot be decoded: {exc}") from exc
    header_len = 12 if signed else 2
    if len(payload) < header_len:
        raise DocumentUnreadable("IDB payload shorter than its header")
    header = payload[:header_len]
    country = _c40(header[:2], "country")
    algorithm = header[2] if signed else 0
    cert_ref = header[3:8] if signed else b""
    messages: tuple[Feature, ...] | None = None
    message_tlv = b""
    signature = b""
    for tag, value, encoded in _tlvs(payload[header_len:]):
        if tag == 0x61:
            messages = tuple(Feature(t, v) for t, v, _ in _tlvs(value))
            message_tlv = encoded
        elif tag == 0x7F:
            signature = value
        elif tag != 0x7E:
            raise DocumentUnreadable(f"IDB payload has an unknown element {tag:#04x}")
    if messages is None:
        raise DocumentUnreadable("IDB payload has no message group (0x61)")
    if signed and algorithm not in _IDB_HASHES:
        raise DocumentUnreadable(f"IDB signature algorithm {algorithm} is not ECDSA with SHA-2")
    hash_name = _IDB_HASHES[algorithm] if signed else ""
    return Seal("idb", 1, country, f"IDB-{cert_ref.hex().upper()}", messages, header + message_tlv, signature,
                hash_name)


def decode_seal(data: bytes | str) -> Seal:
    """The structure of a VDS (bytes, or hex text) or an IDB (``RDB1...`` text); no trust decided yet."""
    if isinstance(data, str):
        text = data.strip()
        if text[:4] in IDB_PREFIXES:
            return _decode_idb(text)
        try:
            data = bytes.fromhex(text)
        except ValueError as exc:
            raise DocumentUnreadable("neither an IDB (RDB1...) nor a hex-encoded VDS") from exc
    if data[:4] in (p.encode() for p in IDB_PREFIXES):
        return _decode_idb(data.decode("ascii", errors="replace"))
    if not data:
        raise DocumentUnreadable("empty seal")
    return _decode_vds(data)


# --------------------------------------------------------------------------- verification


def _mrz_candidates(value: bytes) -> list[tuple[str, ...]]:
    """MRZ lines that a message may hold (C40 text of an MRZ length, possibly inside one more TLV)."""
    out = []
    values = [value]
    try:
        nested = _tlvs(value)
        if len(nested) == 1:
            values.insert(0, nested[0][1])
    except DocumentUnreadable:
        pass
    for raw in values:
        try:
            text = c40.decode(raw)
        except c40.C40Error:
            continue
        for length, widths in _MRZ_LENGTHS.items():
            if len(text) in (length, length + 1, length + 2):
                lines, pos = [], 0
                for width in widths:
                    lines.append(text[pos : pos + width].ljust(36 if width == 28 else width, "<"))
                    pos += width
                out.append(tuple(lines))
    return out


def _seal_mrz(seal: Seal, today: date | None) -> Document | None:
    """The MRZ among the seal's messages: the parse with the most check digits passing."""
    best: tuple[int, Document] | None = None
    for feature in seal.features:
        for lines in _mrz_candidates(feature.value):
            try:
                doc = parse_mrz(lines, today)
            except DocumentUnreadable:
                continue
            passed = sum(c.passed for c in doc.checks if c.name.endswith("_check"))
            if best is None or passed > best[0]:
                best = (passed, doc)
    return best[1] if best else None


def verify_seal(seal: Seal | bytes | str, trust: SealTrust, today: date | None = None) -> Document:
    """The document in a seal whose signature verifies with the trusted key of its signer."""
    if not isinstance(seal, Seal):
        seal = decode_seal(seal)
    key = trust.keys.get(seal.signer.upper())
    if key is None:
        raise UnknownIssuer(f"seal signer {seal.signer} is not in the trust store")
    if not seal.signature or len(seal.signature) % 2:
        raise SignatureInvalid(f"seal from {seal.signer} carries no usable signature")
    half = len(seal.signature) // 2
    signature = encode_dss_signature(int.from_bytes(seal.signature[:half], "big"),
                                     int.from_bytes(seal.signature[half:], "big"))
    algorithm = {"SHA256": hashes.SHA256(), "SHA384": hashes.SHA384(), "SHA512": hashes.SHA512()}[seal.hash_name]
    try:
        key.verify(signature, seal.signed_bytes, ec.ECDSA(algorithm))
    except InvalidSignature as exc:
        raise SignatureInvalid(f"seal signature does not verify with {seal.signer}'s key (forged or altered)") from exc
    seal_checks = (Check("seal_signer_trusted", True, seal.signer),
                   Check("seal_signature_valid", True, f"ECDSA {key.curve.name} {seal.hash_name}"))
    mrz_doc = _seal_mrz(seal, today)
    extra = {"seal": seal.kind, "signer": seal.signer, "type_category": str(seal.type_category),
             "feature_reference": str(seal.feature_reference),
             "issue_date": seal.issue_date.isoformat() if seal.issue_date else ""}
    if mrz_doc is None:
        state = seal.issuing_country.strip("<")
        return Document(DocumentKind.UNKNOWN, DocumentSource.DIGITAL_SEAL, seal.kind, "", state, "", "", "", "", None,
                        "X", None, checks=seal_checks, extra=extra)
    return replace(mrz_doc, source=DocumentSource.DIGITAL_SEAL, format=seal.kind,
                   checks=seal_checks + mrz_doc.checks, extra={**mrz_doc.extra, **extra, "mrz_format": mrz_doc.format})
