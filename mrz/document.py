"""The one document model every reader returns (MRZ, signed permit, digital seal, CCCD QR).

The policy, the console, the audit log and the replay report all read these same facts, so a
passport read from its MRZ and a port permit decoded from a barcode are treated alike. A reader
fills what its document carries and records every check it made, passed or not: a failed
check is evidence, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class DocumentKind(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    BORDER_PASS = "border_pass"
    VISA = "visa"
    PERMIT = "permit"
    UNKNOWN = "unknown"


class DocumentSource(StrEnum):
    MRZ = "mrz"
    PERMIT_BARCODE = "permit_barcode"
    DIGITAL_SEAL = "digital_seal"
    CCCD_QR = "cccd_qr"


@dataclass(frozen=True)
class Check:
    """One validation: a check digit, a signature, a cross-check between two sources..."""

    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    source: DocumentSource
    format: str  # "TD1", "TD2", "TD3", "MRV-A", "MRV-B", "permit-v1", "vds", "cccd-qr"
    document_type: str  # the MRZ document code ("P", "I", "AC", "V", ...) or the issuer's type
    issuing_state: str  # ICAO 3-letter code, fillers removed ("D", "UTO", "VNM")
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str  # "M", "F" or "X"
    expiry_date: date | None
    optional_data: str = ""
    personal_number: str = ""  # e.g. the 12-digit CCCD number
    checks: tuple[Check, ...] = ()
    field_confidence: Mapping[str, float] = field(default_factory=dict)
    raw: tuple[str, ...] = ()  # MRZ lines, or the decoded payload text
    extra: Mapping[str, str] = field(default_factory=dict)  # permit: port, purpose, vessel, ...
    ms: float = 0.0
    # Characters changed only so that the check digits pass ("line 2 position 6: '1' read as 'I'"):
    # a misread and a forged digit look the same to the check digits, so a person must compare.
    check_digit_repairs: tuple[str, ...] = ()

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.passed)

    @property
    def all_checks_passed(self) -> bool:
        return bool(self.checks) and not self.failed_checks
