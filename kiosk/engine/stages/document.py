"""The document stage: a page image read by its MRZ, or a barcode verified as a signed permit.

Every domain error of ``mrz`` becomes a finding with a stable reason code; a missing model or trust
store is reported as CAPABILITY_MISSING, never mistaken for a bad document.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date

from kiosk.engine.ports import Presentation
from kiosk.policy.evidence import Finding
from models.errors import ModelError
from models.sessions import SessionFactory
from mrz.document import Document
from mrz.errors import (
    DocumentError,
    DocumentUnreadable,
    PermitNotValidNow,
    PermitRevoked,
    SignatureInvalid,
    UnknownIssuer,
    WrongPort,
)
from mrz.permits import PermitTrust

log = logging.getLogger(__name__)

_PERMIT_CODES: dict[type[DocumentError], str] = {
    UnknownIssuer: "PERMIT_UNKNOWN_ISSUER",
    SignatureInvalid: "PERMIT_FORGED",
    PermitRevoked: "PERMIT_REVOKED",
    PermitNotValidNow: "PERMIT_NOT_VALID_NOW",
    WrongPort: "PERMIT_WRONG_PORT",
}


@dataclass(frozen=True)
class DocumentRead:
    document: Document | None
    findings: tuple[Finding, ...]
    ms: float

    @property
    def retryable(self) -> bool:
        return self.document is None and all(f.code == "DOC_UNREADABLE" for f in self.findings)


class DocumentStage:
    def __init__(self, factory: SessionFactory, trust: PermitTrust | None, port: str) -> None:
        self.factory = factory
        self.trust = trust
        self.port = port

    def read(self, presentation: Presentation, today: date) -> DocumentRead:
        start = time.perf_counter()
        if presentation.kind == "barcode":
            document, findings = self._permit(presentation, today)
        else:
            document, findings = self._page(presentation, today)
        return DocumentRead(document, tuple(findings), (time.perf_counter() - start) * 1000.0)

    def _page(self, presentation: Presentation, today: date) -> tuple[Document | None, list[Finding]]:
        from mrz.reader import read_mrz

        try:
            return read_mrz(presentation.image, today, factory=self.factory), []
        except DocumentUnreadable as exc:
            return None, [Finding("DOC_UNREADABLE", str(exc), "document")]
        except ModelError as exc:
            return None, [Finding("CAPABILITY_MISSING", f"MRZ reader: {str(exc).split(' (known:', 1)[0]}", "document")]

    def _permit(self, presentation: Presentation, today: date) -> tuple[Document | None, list[Finding]]:
        from mrz.barcodes import decode_barcodes
        from mrz.permits import verify_permit

        if self.trust is None:
            return None, [Finding("CAPABILITY_MISSING", "permit trust store not configured or not found", "document")]
        try:
            codes = decode_barcodes(presentation.image)
        except DocumentUnreadable as exc:
            return None, [Finding("DOC_UNREADABLE", str(exc), "document")]
        if not codes:
            return None, [Finding("DOC_UNREADABLE", "no barcode found in the image", "document")]
        findings: list[Finding] = []
        for code in codes:
            try:
                return verify_permit(code.text, self.trust, self.port, today), []
            except DocumentUnreadable as exc:
                findings.append(Finding("DOC_UNREADABLE", f"{code.format}: {exc}", "document"))
            except DocumentError as exc:
                kind = next((c for t, c in _PERMIT_CODES.items() if isinstance(exc, t)), "DOC_UNREADABLE")
                findings.append(Finding(kind, str(exc), "document"))
        refused = [f for f in findings if f.code != "DOC_UNREADABLE"]
        return None, refused or findings
