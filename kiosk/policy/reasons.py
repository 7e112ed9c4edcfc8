"""Stable reason codes, their default outcome and their human text.

A code never changes meaning once released: the transaction store, the audit log and the replay
report key on it. The outcome of a code can be changed by ``[policy] outcomes``; INFO reasons are
recorded but never change the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

# code: (default outcome, text)
CODES: dict[str, tuple[str, str]] = {
    # documents
    "DOC_NOT_PRESENTED": ("REFER", "no document was presented in time"),
    "DOC_UNREADABLE": ("REFER", "the document could not be read"),
    "DOC_CHECK_FAILED": ("REJECT", "a check of the document failed (check digit, date or character set)"),
    "DOC_EXPIRED": ("REJECT", "the document has expired"),
    "DOC_REPAIRED": ("REFER", "the check digits pass only with a character read as its look-alike (compare the page)"),
    "DOC_KIND_NOT_ACCEPTED": ("REJECT", "this kind of document is not served at this gate"),
    "DOC_STATE_NOT_ACCEPTED": ("REJECT", "documents of this issuing state are not served at this gate"),
    "UNDER_MIN_AGE": ("REFER", "the traveller is younger than the minimum age for the gate"),
    "PERMIT_UNKNOWN_ISSUER": ("REJECT", "the permit is signed by an issuer this gate does not trust"),
    "PERMIT_FORGED": ("REJECT", "the permit's signature does not verify (forged or altered)"),
    "PERMIT_REVOKED": ("REJECT", "the permit has been revoked"),
    "PERMIT_NOT_VALID_NOW": ("REJECT", "the permit is expired or not yet valid"),
    "PERMIT_WRONG_PORT": ("REJECT", "the permit is for another port"),
    "WATCHLIST_HIT": ("REFER", "the traveller matches a watch-list entry"),
    "NOT_ENROLLED": ("REFER", "the holder of this document is not enrolled"),
    # face
    "FACE_NO_REFERENCE": ("REFER", "no reference face (no portrait on the document, no enrolled template)"),
    "FACE_NOT_CAPTURED": ("REFER", "no usable face was captured"),
    "FACE_MISMATCH": ("REFER", "the live face does not match the reference"),
    "FACE_NOT_LIVE": ("REFER", "the live-face check failed (photo, screen or mask suspected)"),
    "LIVENESS_UNAVAILABLE": ("REFER", "the live-face check is required but not available"),
    # fingers
    "FINGER_NOT_CAPTURED": ("REFER", "the required fingers were not captured"),
    "FINGER_MISMATCH": ("REFER", "the fingerprints do not match the enrolled ones"),
    "FINGER_NOT_ENROLLED": ("REFER", "fingers are required but none are enrolled"),
    # gate and lane
    "CAPABILITY_MISSING": ("REFER", "a stage the policy needs is not available on this gate"),
    "STAGE_TIMEOUT": ("REFER", "a stage took longer than its time budget"),
    "TRAVELLER_ABSENT": ("REFER", "the traveller did not step into the lane"),
    "LANE_NOT_CLEAR": ("REFER", "the lane sensors see more than one person in the lane"),
    "DEVICE_FAULT": ("REFER", "a device failed; the transaction was aborted with the doors closed"),
    "LOOKUP_FAILED": ("REFER", "the enrolment store or the watch list could not be consulted"),
    "INTERNAL_ERROR": ("REFER", "the gate software failed; the transaction was aborted with the doors closed"),
    "TOTAL_BUDGET_EXCEEDED": ("INFO", "the transaction took longer than its total time budget"),
    "RETRIED": ("INFO", "a step was retried after guidance"),
    "OFFICER_APPROVED": ("ACCEPT", "an officer approved the traveller"),
    "OFFICER_REJECTED": ("REJECT", "an officer rejected the traveller"),
}


@dataclass(frozen=True)
class Reason:
    """One reason of a decision: a stable code, its outcome under the policy, words and detail."""

    code: str
    outcome: str
    text: str
    detail: str = ""
    stage: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "outcome": self.outcome, "text": self.text, "detail": self.detail,
                "stage": self.stage}


def reason(code: str, detail: str = "", stage: str = "", outcomes: dict[str, str] | None = None) -> Reason:
    """The reason ``code`` with the policy's outcome for it (KeyError for an unknown code)."""
    default, text = CODES[code]
    outcome = (outcomes or {}).get(code, default)
    return Reason(code, outcome, text, detail, stage)
