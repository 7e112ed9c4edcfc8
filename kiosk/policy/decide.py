"""The policy: evidence in, a ``Decision`` (ACCEPT, REFER or REJECT) with all its reasons out.

Every rule that fires adds a reason; none short-cuts the others, so an officer and the replay report
see the whole picture. The outcome is the strictest reason's (REJECT over REFER over ACCEPT), except
that an officer's approve or reject decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.policy.evidence import Evidence, Finding
from kiosk.policy.reasons import Reason, reason
from kiosk.policy.settings import PolicySettings
from mrz.document import Document

_RANK = {"INFO": 0, "ACCEPT": 0, "REFER": 1, "REJECT": 2}
_DOC_CHECKS_EXPIRY = {"not_expired"}


@dataclass(frozen=True)
class Decision:
    outcome: str  # "ACCEPT", "REFER" or "REJECT"
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _document_findings(doc: Document, ev: Evidence, settings: PolicySettings) -> list[Finding]:
    found: list[Finding] = []
    if doc.kind.value not in settings.accepted_kinds:
        found.append(Finding("DOC_KIND_NOT_ACCEPTED", doc.kind.value, "document"))
    if settings.accepted_states and doc.issuing_state and doc.issuing_state not in settings.accepted_states:
        found.append(Finding("DOC_STATE_NOT_ACCEPTED", doc.issuing_state, "document"))
    failed = [c for c in doc.failed_checks if c.name not in _DOC_CHECKS_EXPIRY]
    if failed:
        detail = "; ".join(f"{c.name}{': ' + c.detail if c.detail else ''}" for c in failed)
        found.append(Finding("DOC_CHECK_FAILED", detail, "document"))
    if doc.check_digit_repairs:  # a misread or a forged digit: the check digits cannot tell, a person can
        found.append(Finding("DOC_REPAIRED", "; ".join(doc.check_digit_repairs), "document"))
    if doc.expiry_date is not None and (ev.today - doc.expiry_date).days > settings.expiry_grace_days:
        found.append(Finding("DOC_EXPIRED", f"expired {doc.expiry_date.isoformat()}", "document"))
    if doc.birth_date is not None and age_on(doc.birth_date, ev.today) < settings.min_age_years:
        found.append(Finding("UNDER_MIN_AGE", f"age {age_on(doc.birth_date, ev.today)}", "document"))
    kind = doc.kind.value
    if kind in settings.enrolment_required and ev.enrolled is False:
        found.append(Finding("NOT_ENROLLED", f"{kind} {doc.document_number}", "document"))
    for hit in ev.watchlist_hits:
        found.append(Finding("WATCHLIST_HIT", hit, "document"))
    return found


def _face_findings(ev: Evidence, settings: PolicySettings, codes: set[str]) -> list[Finding]:
    face = ev.face
    if face is None:
        if not codes & {"CAPABILITY_MISSING", "FACE_NO_REFERENCE", "FACE_NOT_CAPTURED", "DEVICE_FAULT",
                        "STAGE_TIMEOUT", "TRAVELLER_ABSENT"}:
            return [Finding("FACE_NOT_CAPTURED", "no face verification result", "face")]
        return []
    found: list[Finding] = []
    not_live = face.liveness is not None and not face.liveness.live
    if face.liveness is not None and not_live:  # beside a mismatch, not instead of it: the officer needs both
        found.append(Finding("FACE_NOT_LIVE", face.liveness.reason or "", "face"))
    if face.frames_used == 0:
        if not not_live:
            found.append(Finding("FACE_NOT_CAPTURED", face.reason or "", "face"))
    elif face.score < face.threshold:
        found.append(Finding("FACE_MISMATCH", f"score {face.score:.3f} < threshold {face.threshold:.3f}", "face"))
    if settings.liveness_required and face.liveness is None and "LIVENESS_UNAVAILABLE" not in codes:
        found.append(Finding("LIVENESS_UNAVAILABLE", "no liveness result", "face"))
    return found


def _finger_findings(doc: Document, ev: Evidence, settings: PolicySettings, codes: set[str]) -> list[Finding]:
    needed = settings.fingers_required.get(doc.kind.value, 0)
    if needed <= 0:
        return []
    if ev.enrolled_fingers == 0:
        return [Finding("FINGER_NOT_ENROLLED", f"{needed} finger(s) required", "fingers")]
    fingers = ev.fingers
    if fingers is None:
        if codes & {"CAPABILITY_MISSING", "FINGER_NOT_CAPTURED", "DEVICE_FAULT", "STAGE_TIMEOUT"}:
            return []
        return [Finding("FINGER_NOT_CAPTURED", f"{needed} finger(s) required, none captured", "fingers")]
    if len(fingers.per_finger) < needed:
        return [Finding("FINGER_NOT_CAPTURED", f"{len(fingers.per_finger)} of {needed} fingers", "fingers")]
    if not fingers.same:
        if fingers.reason in ("place_finger", "clean_glass") and not any(m.score > 0 for m in fingers.per_finger):
            return [Finding("FINGER_NOT_CAPTURED", fingers.reason or "", "fingers")]
        return [Finding("FINGER_MISMATCH", f"score {fingers.score:.3f} < threshold {fingers.threshold:.3f}",
                        "fingers")]
    return []


def decide(ev: Evidence, settings: PolicySettings) -> Decision:
    """ACCEPT, REFER or REJECT with every reason that fired."""
    findings = list(ev.findings)
    codes = {f.code for f in findings}
    if ev.document is None:
        if not codes & {"DOC_UNREADABLE", "DOC_NOT_PRESENTED", "CAPABILITY_MISSING", "DEVICE_FAULT"} and not any(
            c.startswith("PERMIT_") for c in codes
        ):
            findings.append(Finding("DOC_NOT_PRESENTED", "", "document"))
    else:
        findings += _document_findings(ev.document, ev, settings)
        document_refused = any(reason(f.code, outcomes=dict(settings.outcomes)).outcome == "REJECT"
                               for f in findings)
        if not document_refused:  # a refused document sends the traveller back before the biometrics
            findings += _face_findings(ev, settings, codes)
            findings += _finger_findings(ev.document, ev, settings, codes)
    if ev.officer == "approve":
        findings.append(Finding("OFFICER_APPROVED", "", "decision"))
    elif ev.officer == "reject":
        findings.append(Finding("OFFICER_REJECTED", "", "decision"))
    outcomes = dict(settings.outcomes)
    if not settings.liveness_required:  # still reported, but it does not decide
        outcomes["LIVENESS_UNAVAILABLE"] = "INFO"
    reasons = tuple(reason(f.code, f.detail, f.stage, outcomes) for f in _unique(findings))
    if ev.officer == "approve":
        outcome = "ACCEPT"
    elif ev.officer == "reject":
        outcome = "REJECT"
    else:
        worst = max((_RANK[r.outcome] for r in reasons), default=0)
        outcome = {0: "ACCEPT", 1: "REFER", 2: "REJECT"}[worst]
        if not reasons and ev.document is None:
            outcome = "REFER"
    return Decision(outcome, reasons)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        if (f.code, f.detail) not in seen:
            seen.add((f.code, f.detail))
            out.append(f)
    return out
