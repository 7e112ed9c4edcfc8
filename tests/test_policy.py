"""The decision policy: one row per case, the evidence written out and the decision expected."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from biometrics.face.results import FaceQuality, FaceVerification, LivenessResult
from biometrics.finger.results import FingerMatch, FingerPosition, FingerVerification
from kiosk.config import ConfigError, load_config
from kiosk.policy.decide import decide
from kiosk.policy.evidence import Evidence, Finding
from kiosk.policy.settings import PolicySettings
from mrz.document import Check, Document, DocumentKind, DocumentSource

TODAY = date(2026, 12, 2)
POLICY = PolicySettings()
GOOD_Q = FaceQuality(0.9, True)
LIVE = LivenessResult(True, 0.9, 0.5)


def doc(kind: DocumentKind = DocumentKind.PASSPORT, expiry: date = date(2030, 1, 1), birth: date = date(1980, 5, 1),
        checks: tuple[Check, ...] = (Check("document_number_check", True),), state: str = "UTO") -> Document:
    return Document(kind, DocumentSource.MRZ, "TD3", "P", state, "L898902C3", "ERIKSSON", "ANNA MARIA", state,
                    birth, "F", expiry, checks=checks)


def face(score: float = 0.7, live: LivenessResult | None = LIVE, frames: int = 3) -> FaceVerification:
    return FaceVerification(score >= 0.54 and (live is None or live.live), score, 0.54, GOOD_Q, live, frames, 0, 10.0)


def fingers(score: float) -> FingerVerification:
    """Two fingers (right and left index, as a border pass asks) fused to ``score``."""
    matches = tuple(FingerMatch(p, score, 0.25, score >= 0.25)
                    for p in (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX))
    return FingerVerification(score >= 0.25, score, 0.25, matches, 5.0, None if score >= 0.25 else "wrong_finger")


BP = DocumentKind.BORDER_PASS
CASES = [
    # (name, evidence, expected outcome, codes that must be among the reasons)
    ("genuine passport", Evidence(TODAY, doc(), face=face()), "ACCEPT", set()),
    ("impostor", Evidence(TODAY, doc(), face=face(0.3)), "REFER", {"FACE_MISMATCH"}),
    ("photo attack", Evidence(TODAY, doc(), face=face(0.8, LivenessResult(False, 0.1, 0.5, reason="photo"))),
     "REFER", {"FACE_NOT_LIVE"}),
    ("liveness missing", Evidence(TODAY, doc(), face=face(live=None)), "REFER", {"LIVENESS_UNAVAILABLE"}),
    ("photo of someone else", Evidence(TODAY, doc(), face=face(0.3, LivenessResult(False, 0.1, 0.5, reason="photo"))),
     "REFER", {"FACE_NOT_LIVE", "FACE_MISMATCH"}),
    ("expired", Evidence(TODAY, doc(expiry=date(2026, 1, 1)), face=face()), "REJECT", {"DOC_EXPIRED"}),
    ("bad check digit", Evidence(TODAY, doc(checks=(Check("document_number_check", False),)), face=face()),
     "REJECT", {"DOC_CHECK_FAILED"}),
    ("check digits pass only by a repair",
     Evidence(TODAY, dataclasses.replace(doc(), check_digit_repairs=("line 2 position 6: '2' read as 'Z'",)),
              face=face()), "REFER", {"DOC_REPAIRED"}),
    ("child", Evidence(TODAY, doc(birth=date(2020, 1, 1)), face=face()), "REFER", {"UNDER_MIN_AGE"}),
    ("visa not served", Evidence(TODAY, doc(kind=DocumentKind.VISA), face=face()), "REJECT", {"DOC_KIND_NOT_ACCEPTED"}),
    ("watch-list hit", Evidence(TODAY, doc(), watchlist_hits=("wanted: x",), face=face()), "REFER", {"WATCHLIST_HIT"}),
    ("unreadable", Evidence(TODAY, findings=(Finding("DOC_UNREADABLE", "blur"),)), "REFER", {"DOC_UNREADABLE"}),
    ("unknown issuer", Evidence(TODAY, findings=(Finding("PERMIT_UNKNOWN_ISSUER", "k"),)), "REJECT",
     {"PERMIT_UNKNOWN_ISSUER"}),
    ("forged permit", Evidence(TODAY, findings=(Finding("PERMIT_FORGED", ""),)), "REJECT", {"PERMIT_FORGED"}),
    ("no MRZ model", Evidence(TODAY, findings=(Finding("CAPABILITY_MISSING", "MRZ reader"),)), "REFER",
     {"CAPABILITY_MISSING"}),
    ("nothing presented", Evidence(TODAY), "REFER", {"DOC_NOT_PRESENTED"}),
    ("border pass, finger matches", Evidence(TODAY, doc(kind=BP), enrolled=True, enrolled_fingers=2, face=face(),
                                             fingers=fingers(0.6)), "ACCEPT", set()),
    ("border pass, wrong finger", Evidence(TODAY, doc(kind=BP), enrolled=True, enrolled_fingers=2, face=face(),
                                           fingers=fingers(0.05)), "REFER", {"FINGER_MISMATCH"}),
    ("border pass, no finger", Evidence(TODAY, doc(kind=BP), enrolled=True, enrolled_fingers=2, face=face()),
     "REFER", {"FINGER_NOT_CAPTURED"}),
    ("border pass, not enrolled", Evidence(TODAY, doc(kind=BP), enrolled=False, face=face()), "REFER",
     {"NOT_ENROLLED", "FINGER_NOT_ENROLLED"}),
    ("officer approves a referral", Evidence(TODAY, doc(), face=face(0.3), officer="approve"), "ACCEPT",
     {"OFFICER_APPROVED", "FACE_MISMATCH"}),
    ("officer rejects", Evidence(TODAY, doc(), face=face(), officer="reject"), "REJECT", {"OFFICER_REJECTED"}),
    ("expired and impostor: all reasons", Evidence(TODAY, doc(expiry=date(2025, 1, 1)), face=face(0.2)), "REJECT",
     {"DOC_EXPIRED"}),
]


@pytest.mark.parametrize(("name", "evidence", "outcome", "codes"), CASES, ids=[c[0] for c in CASES])
def test_decision(name: str, evidence: Evidence, outcome: str, codes: set[str]) -> None:
    decision = decide(evidence, POLICY)
    assert decision.outcome == outcome, decision.reasons
    assert codes <= set(decision.codes)
    assert all(r.text for r in decision.reasons)


def test_outcome_of_a_code_is_configurable() -> None:
    strict = dataclasses.replace(POLICY, outcomes={"WATCHLIST_HIT": "REJECT"})
    evidence = Evidence(TODAY, doc(), watchlist_hits=("banned",), face=face())
    assert decide(evidence, strict).outcome == "REJECT"


def test_states_filter() -> None:
    only_vnm = dataclasses.replace(POLICY, accepted_states=("VNM",))
    assert decide(Evidence(TODAY, doc(state="UTO"), face=face()), only_vnm).codes == ("DOC_STATE_NOT_ACCEPTED",)


def test_liveness_not_required_accepts_without_it() -> None:
    lax = dataclasses.replace(POLICY, liveness_required=False)
    assert decide(Evidence(TODAY, doc(), face=face(live=None)), lax).outcome == "ACCEPT"


def test_unknown_reason_code_in_config_is_an_error(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "c.toml"
    path.write_text('[policy.outcomes]\nWATCHLIST_HTI = "REJECT"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="WATCHLIST_HTI"):
        load_config(path, environ={})


def test_defaults_come_from_config() -> None:
    config = load_config(environ={})
    assert config.policy.fingers_required == {"border_pass": 2}
    assert config.policy.outcomes["PERMIT_UNKNOWN_ISSUER"] == "REJECT"
    assert np.isclose(config.engine.total_s, 15.0)
