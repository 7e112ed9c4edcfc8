"""The replay report: an HTML page with the summary, the per-bundle table and the plots."""

from __future__ import annotations

from pathlib import Path

from kiosk.replay.report import write_report

RECORDS = [
    {"bundle": "s0", "case": "genuine", "expected": "ACCEPT", "decision": "ACCEPT", "reasons": [],
     "scores": {"face": 0.74, "face_threshold": 0.54}, "stage_ms": {"document": 120.0, "face": 900.0},
     "total_ms": 1020.0, "lane_s": 7.5},
    {"bundle": "s1", "case": "impostor", "expected": "REFER", "decision": "ACCEPT", "reasons": ["<b>odd</b>"],
     "scores": {"face": 0.21, "face_threshold": 0.54}, "stage_ms": {"document": 110.0, "face": 950.0},
     "total_ms": 1060.0, "lane_s": 8.1},
]
SUMMARY = {"n": 2, "correct": 1, "by_case": {"genuine": {"n": 1, "correct": 1}, "impostor": {"n": 1, "correct": 0}},
           "engine_ms_p50": 1040.0}


def test_report_has_plots_and_marks_wrong_decisions(tmp_path: Path) -> None:
    page = write_report(tmp_path / "r", RECORDS, SUMMARY).read_text(encoding="utf-8")
    assert (tmp_path / "r/stage_ms.png").stat().st_size > 1000
    assert (tmp_path / "r/face_scores.png").stat().st_size > 1000
    assert "<tr class='bad'><td>s1</td>" in page
    assert "&lt;b&gt;odd&lt;/b&gt;" in page  # bundle text is escaped
    assert len((tmp_path / "r/results.jsonl").read_text(encoding="utf-8").splitlines()) == 2
