"""Synthetic sessions: the printed MRZ of each passport case parses to the decision the bundle expects.

This checks the generator's labels independently of the MRZ reader's OCR: the lines in the
bundle's notes are exactly what ``render_page`` printed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from biometrics.face.results import FaceQuality, FaceVerification, LivenessResult
from kiosk.policy.decide import decide
from kiosk.policy.evidence import Evidence
from kiosk.policy.settings import PolicySettings
from kiosk.replay.synth import CASES, SessionWriter, find_sources
from mrz.parse import parse_mrz

TODAY = date(2026, 12, 2)
MATCH = FaceVerification(True, 0.8, 0.54, FaceQuality(0.9, True), LivenessResult(True, 0.9, 0.5), 3, 0, 1.0)


@pytest.fixture(scope="module")
def sessions(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    writer = SessionWriter(find_sources(data_root), tmp_path_factory.mktemp("synth"), TODAY,
                           np.random.default_rng(3))
    out = {}
    for i, case in enumerate(("genuine", "expired", "tampered", "watchlist", "tampered_repaired")):
        folder = writer.write(i, case)
        out[case] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("case", ["genuine", "expired", "tampered", "watchlist", "tampered_repaired"])
def test_printed_mrz_gives_the_expected_decision(sessions: dict[str, dict[str, object]], case: str) -> None:
    manifest = sessions[case]
    notes = manifest["notes"]
    assert isinstance(notes, dict)
    document = parse_mrz(notes["mrz"], TODAY)
    hits = tuple(w["reason"] for w in manifest.get("watchlist", []))  # type: ignore[attr-defined]
    decision = decide(Evidence(TODAY, document, watchlist_hits=hits, face=MATCH), PolicySettings())
    assert decision.outcome == manifest["expected"] == CASES[case], decision.reasons


def test_timeline_is_in_gate_order(sessions: dict[str, dict[str, object]]) -> None:
    events = [e["event"] for e in sessions["genuine"]["timeline"]]  # type: ignore[attr-defined]
    assert events == ["document", "enter", "face", "exit"]


def test_video_session_has_real_frame_times(data_root: Path) -> None:
    from kiosk.replay.synth import video_session

    video = data_root / "video/talking/d11.mp4"
    enrol, (frames, stamps) = video_session(video, np.random.default_rng(0))
    assert enrol.ndim == 3 and max(enrol.shape[:2]) <= 640
    assert len(frames) == len(stamps) == 8
    assert stamps[0] == 0.0 and 1.0 <= stamps[-1] <= 1.6  # long enough for a liveness clip
