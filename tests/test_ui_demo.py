"""``kiosk ui demo`` offscreen: a session bundle through the engine, screenshots of what the traveller saw."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from kiosk.config import Config
from kiosk.replay.synth import SessionWriter, find_sources
from kiosk.ui.demo import run_demo


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
