"""The gate benchmark's sources leave out what the gate's own models were trained on.

A presentation attack drawn from the PAD network's training frames measures its memory, not the
gate. The patterns live in ``models/manifest.toml`` (``trained_on``); the training script's own
data constants are read here without importing it (it needs torch), so the two cannot drift apart.
"""

from __future__ import annotations

import ast
import fnmatch
import json
from datetime import date
from pathlib import Path

import numpy as np

from kiosk.config import Config
from kiosk.replay.synth import SessionWriter, Sources, find_sources, trained_on

TRAIN_SCRIPT = Path(__file__).resolve().parents[1] / "training/pad/train.py"


def _constants() -> dict[str, object]:
    tree = ast.parse(TRAIN_SCRIPT.read_text(encoding="utf-8"))
    out: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


def _covered(relative: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(relative, p) for p in patterns)


def test_manifest_names_everything_the_pad_script_trains_on(config: Config) -> None:
    patterns = trained_on(config)
    constants = _constants()
    assert _covered("pad/replay_attack/train/attack/fixed/x.jpg", patterns)
    for subject in constants["NUAA_TRAIN_SUBJECTS"]:  # type: ignore[attr-defined]
        assert _covered(f"pad/nuaa/real/{subject}/x.jpg", patterns), subject
        assert _covered(f"pad/nuaa/attack/{subject}/x.jpg", patterns), subject
    for video in constants["BLINK_VIDEOS"]:  # type: ignore[attr-defined]
        assert _covered(video, patterns), video
    assert _covered(f"{constants['FACE_PHOTOS']}/x.jpg", patterns)
    for subject in constants["NUAA_TEST_SUBJECTS"]:  # type: ignore[attr-defined]
        assert not _covered(f"pad/nuaa/attack/{subject}/x.jpg", patterns), subject
    assert not _covered("pad/replay_attack/devel/attack/fixed/x.jpg", patterns)


def test_sessions_draw_no_training_frame(data_root: Path, config: Config) -> None:
    everything = find_sources(data_root)
    held_out = find_sources(data_root, trained_on(config))

    def files(sources: Sources) -> set[str]:
        pad = sources.pad_clients
        out = {p.relative_to(data_root).as_posix() for reals, attacks in pad.values() for p in reals + attacks}
        return out | {p.relative_to(data_root).as_posix() for p in sources.videos}

    dropped = files(everything) - files(held_out)
    assert any(f.startswith("pad/replay_attack/train/") for f in dropped)
    assert "video/blink_repeating.mp4" in dropped
    kept = files(held_out)
    assert not any(f.startswith("pad/replay_attack/train/") for f in kept)
    assert not any(_covered(f, trained_on(config)) for f in kept)
    assert any(f.startswith("pad/replay_attack/devel/") for f in kept)
    assert "nuaa/0007" in held_out.pad_clients  # a held-out NUAA subject: a second camera's prints
    reals, attacks = held_out.pad_clients["replay_attack/client010"]
    assert all("client010" in p.name for p in reals + attacks)
    assert len(held_out.faces) == len(everything.faces)  # the London faces were never trained on


def test_an_attack_bundle_names_its_frame_and_it_is_held_out(data_root: Path, config: Config, tmp_path: Path) -> None:
    writer = SessionWriter(find_sources(data_root, trained_on(config)), tmp_path, date(2026, 12, 2),
                           np.random.default_rng(11))
    notes = json.loads((writer.write(0, "pad_attack") / "manifest.json").read_text(encoding="utf-8"))["notes"]
    frame = notes["pad_frame"]
    assert (data_root / frame).is_file() and "/attack/" in frame
    assert not _covered(frame, trained_on(config))
    assert notes["pad_client"].split("/")[-1] in frame
