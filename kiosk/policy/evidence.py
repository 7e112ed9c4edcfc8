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
class Evidence:
    today: date
    document: Document | None = None
    watchlist_hits: tuple[str, ...] = ()  # descriptions of the entries matched
    enrolled: bool | None = None  # None: not looked up (no document)
    enrolled_fingers: int = 0
    face: FaceVerification | None = None
    fingers: FingerVerification | None = None
    findings: tuple[Finding, ...] = ()
    officer: str | None = None  # "approve" or "reject", the officer's last word on this traveller
