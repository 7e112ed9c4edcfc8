"""``kiosk synth sessions`` and ``kiosk replay --json``: the output lines the issue specifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main

LINE_KEYS = {"bundle", "case", "expected", "decision", "reasons", "scores", "stage_ms", "total_ms"}
SUMMARY_KEYS = {"n", "correct", "by_case", "engine_ms_p50", "engine_ms_p95", "lane_s_p50", "lane_s_p95",
                "travellers_per_hour"}


def test_synth_then_replay_json(data_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s"
    assert main(["synth", "sessions", "--out", str(out), "--n", "2", "--data", str(data_root),
                 "--cases", "permit_forged,permit_revoked", "--today", "2026-12-02"]) == 0
    bundles = sorted(out.iterdir())
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("[]", encoding="utf-8")
    capsys.readouterr()
    status = main(["replay", *map(str, bundles), str(broken), "--json", "--report", str(tmp_path / "report")])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1  # the broken bundle
    assert [set(line) >= LINE_KEYS for line in lines[:-1]] == [True] * 3
    decided = {line["case"]: line["decision"] for line in lines[:-1]}
    assert decided == {"permit_forged": "REJECT", "permit_revoked": "REJECT", "invalid": "ERROR"}
    assert "manifest.json: expected an object" in next(line["error"] for line in lines if line.get("error"))
    summary = lines[-1]
    assert set(summary) >= SUMMARY_KEYS
    assert summary["n"] == 3 and summary["correct"] == 2
    assert summary["by_case"]["permit_forged"] == {"n": 1, "correct": 1}
    assert (tmp_path / "report/index.html").is_file()
