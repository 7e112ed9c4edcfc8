"""What the engine gathered about one traveller: the facts the policy decides on.

Stage adapters add ``Finding``s for what went wrong outside the result objects (a stage whose
capability is missing, a timeout, a refused permit); the policy derives the rest from the result
objects themselves (document checks, verification scores and thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from biometrics.face.results import FaceVerification
from biometrics.finger.results import FingerVerification
from mrz.document import Document


@dataclass(frozen=True)
class Finding:
    code: str  # a reason code of kiosk/policy/reasons.py
    detail: str = ""
    stage: str = ""


@dataclass(frozen=True)
class WatchlistMatch:
    """One watch-list entry a document or its holder matched, with what the officer needs to judge it."""

    list: str  # banned_exit, banned_entry, wanted
    reason: str
    matched_by: str  # "document_number" or "name_birth_date"
    surname: str | None = None
    given_names: str | None = None
    birth_date: str | None = None  # ISO
    document_number: str | None = None
    source: str = ""
    added_at: str = ""

    def describe(self) -> str:
        """The one-line description the policy's WATCHLIST_HIT reason carries."""
        return f"{self.list}: {self.reason} (by {self.matched_by})"


@dataclass(frozen=True)
class Evidence:
    today: date
    document: Document | None = None
    watchlist_hits: tuple[str, ...] = ()  # descriptions of the entries matched
    watchlist_entries: tuple[WatchlistMatch, ...] = ()  # the same entries in full, for the officer
    enrolled: bool | None = None  # None: not looked up (no document)
    enrolled_fingers: int = 0
    face: FaceVerification | None = None
    fingers: FingerVerification | None = None
    findings: tuple[Finding, ...] = ()
    officer: str | None = None  # "approve" or "reject", the officer's last word on this traveller
