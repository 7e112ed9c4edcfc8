"""``kiosk ui demo`` offscreen: a session bundle through the engine, screenshots of what the traveller saw."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from kiosk.config import Config
from kiosk.replay.synth import SessionWriter, find_sources
from kiosk.ui.demo import run_demo
from tests.ui_images import assert_not_blank


def test_the_offscreen_demo_shows_a_forged_permit_the_way_back(config: Config, data_root: Path,
                                                               tmp_path: Path) -> None:
    writer = SessionWriter(find_sources(data_root), tmp_path / "sessions", date(2026, 12, 2),
                           np.random.default_rng(5))
    bundle = writer.write(0, "permit_forged")
    out = tmp_path / "demo"
    assert run_demo(config, [bundle], out, realtime=False, officer_s=5.0) == 0
    (record,) = [json.loads(line) for line in (out / "demo.jsonl").read_text().splitlines()]
    assert record["decision"] == "REJECT" and record["codes"] == ["PERMIT_FORGED"]
    shots = sorted(p.name for p in out.glob("*.png"))
    assert any(name.endswith("_take_document.png") for name in shots), shots


def test_the_offscreen_demo_s_officer_takes_a_referral_on_the_console(config: Config, data_root: Path,
                                                                       tmp_path: Path) -> None:
    """A permit holder whose face is someone else's: the engine waits; the demo's officer signs in on the
    console, opens the referral (photographed with its evidence) and rejects it with a typed reason."""
    writer = SessionWriter(find_sources(data_root), tmp_path / "sessions", date(2026, 12, 2),
                           np.random.default_rng(5))
    bundle = writer.write(0, "permit_impostor")
    out, screens = tmp_path / "demo", tmp_path / "screens"
    assert run_demo(config, [bundle], out, realtime=False, officer_s=60.0, screens=screens) == 0
    (record,) = [json.loads(line) for line in (out / "demo.jsonl").read_text().splitlines()]
    assert record["officer"] == "reject" and record["decision"] == "REJECT"
    assert {"FACE_MISMATCH", "OFFICER_REJECTED"} <= set(record["codes"])  # someone else's face
    assert record["officer_reason"].startswith("demo officer: the live face does not match the reference")
    (shot,) = screens.glob("console_*_referral_*.png")
    assert_not_blank(QImage(str(shot)))
