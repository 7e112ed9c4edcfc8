"""The project's PAD network through the session factory, single-frame liveness, and ``kiosk bench pad``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.face.pad import PAD_SIZE, PadModel
from biometrics.face.pipeline import FacePipeline
from kiosk.bench.pad import presentations, read_clip, species_of
from kiosk.config import Config
from kiosk.synth.pad_clips import hand_motion
from models.sessions import SessionFactory
from tests.conftest import PROJECT_ROOT

DEVEL = "pad/replay_attack/devel"
BONA_FIDE = f"{DEVEL}/real/none/client003_session01_webcam_authenticate_controlled_1.jpg"
PRINT = f"{DEVEL}/attack/fixed/attack_print_client003_session01_highdef_photo_controlled.jpg"


@pytest.fixture(scope="module")
def pipeline(factory: SessionFactory, config: Config) -> FacePipeline:
    return FacePipeline(factory, config.face)


def _frame(data_root: Path, relative: str) -> np.ndarray:
    image = cv2.imread(str(data_root / relative), cv2.IMREAD_COLOR)
    assert image is not None, relative
    return image


def test_the_pad_network_opens_through_the_factory_and_gives_a_probability(factory: SessionFactory) -> None:
    model = factory.model(PadModel)
    crops = np.random.default_rng(0).uniform(0, 255, size=(3, PAD_SIZE, PAD_SIZE, 3)).astype(np.float32)
    live = model(crops)
    assert live.shape == (3,)
    assert np.all((live >= 0.0) & (live <= 1.0))
    with pytest.raises(ValueError, match="expected crops"):
        model(np.zeros((64, 64, 3), np.float32))


def test_a_bona_fide_frame_is_live_and_a_print_attack_is_not(pipeline: FacePipeline, data_root: Path) -> None:
    live = pipeline.liveness([_frame(data_root, BONA_FIDE)], [0.0], min_face_px=40.0)
    attack = pipeline.liveness([_frame(data_root, PRINT)], [0.0], min_face_px=40.0)
    assert live.live, live.reason
    assert not attack.live
    assert attack.reason is not None and "photo or screen" in attack.reason
    assert attack.signals["model"] < attack.threshold <= live.signals["model"]


def test_a_grey_frame_is_refused_before_the_network(pipeline: FacePipeline, data_root: Path) -> None:
    grey = cv2.cvtColor(cv2.cvtColor(_frame(data_root, BONA_FIDE), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    result = pipeline.liveness([grey], [0.0], min_face_px=40.0)
    assert not result.live
    assert result.reason is not None and "grey or infrared" in result.reason
    assert "model" not in result.signals


def test_a_frame_without_a_face_has_nothing_to_judge(pipeline: FacePipeline) -> None:
    result = pipeline.liveness([np.full((240, 320, 3), 90, np.uint8)], [0.0])
    assert not result.live and result.reason == "no face to judge"


def test_replay_attack_file_names_give_the_attack_species(data_root: Path) -> None:
    root = data_root / DEVEL / "attack"
    assert species_of(root / PRINT.split("attack/", 1)[1], root, "name") == "print"
    name = root / "hand" / "attack_mobile_client003_session01_mobile_video_adverse.jpg"
    assert species_of(name, root, "name") == "mobile_video"
    assert species_of(name, root, "folder") == "hand"
    assert species_of(root / "other.jpg", root, "name") == "attack"


def test_the_devel_split_has_five_species_of_sixty_attacks(data_root: Path) -> None:
    items = presentations(data_root / DEVEL)
    assert sum(p.live for p in items) == 60
    species: dict[str, int] = {}
    for p in items:
        if not p.live:
            species[p.species] = species.get(p.species, 0) + 1
    assert species == {"print": 60, "mobile_photo": 60, "mobile_video": 60, "highdef_photo": 60, "highdef_video": 60}


def test_a_subject_filter_keeps_only_those_nuaa_subjects(data_root: Path) -> None:
    nuaa = data_root / "pad/nuaa"
    items = presentations(nuaa, subjects={"0007", "0013"})
    assert {p.path.relative_to(nuaa).parts[1] for p in items} == {"0007", "0013"}
    assert any(p.live for p in items) and not all(p.live for p in items)  # 0007 has both, 0013 bona fide only
    assert len(items) < len(presentations(nuaa))
    with pytest.raises(FileNotFoundError, match="0013"):
        presentations(nuaa, subjects={"0013"})  # bona fide only: no attacks to measure APCER on
    with pytest.raises(FileNotFoundError, match="no images"):
        presentations(nuaa, subjects={"9999"})


def test_a_bona_fide_only_folder_needs_the_flag(tmp_path: Path, data_root: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "face.jpg").symlink_to(data_root / BONA_FIDE)
    with pytest.raises(FileNotFoundError, match="attack"):
        presentations(tmp_path)
    items = presentations(tmp_path, bona_fide_only=True)
    assert [p.live for p in items] == [True]


@pytest.mark.slow
def test_bench_pad_prints_the_contract_fields_last(data_root: Path, tmp_path: Path) -> None:
    for label, relative in (("real", BONA_FIDE), ("attack", PRINT)):
        (tmp_path / label).mkdir()
        (tmp_path / label / Path(relative).name).symlink_to(data_root / relative)
    (tmp_path / "attack" / "broken.jpg").write_bytes(b"not an image")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "pad", "--dir", str(tmp_path), "--json"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) >= {"n_real", "n_attack", "apcer", "bpcer", "acer", "threshold", "ms_p50"}
    assert summary["n_real"] == 1 and summary["n_attack"] == 2
    assert summary["apcer"] == 0.0 and summary["bpcer"] == 0.0
    assert summary["no_face"] == {"real": 0, "attack": 1}


@pytest.mark.slow
def test_bench_pad_on_bona_fide_only_reports_bpcer_alone(data_root: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "face.jpg").symlink_to(data_root / BONA_FIDE)
    (tmp_path / "real" / "blank.png").write_bytes(cv2.imencode(".png", np.full((240, 320, 3), 90, np.uint8))[1])
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "pad", "--dir", str(tmp_path), "--bona-fide-only", "--json"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["n_real"] == 2 and summary["n_attack"] == 0
    assert summary["apcer"] is None and summary["bpcer"] == 0.5  # the blank frame has no face: rejected
    assert summary["no_face"] == {"real": 1, "attack": 0}


def test_a_still_photo_held_still_is_not_live_even_if_it_is_the_right_person(
    pipeline: FacePipeline, data_root: Path
) -> None:
    reference = pipeline.template(cv2.imread(str(data_root / "faces/london/001/neutral.jpg")))
    still = cv2.imread(str(data_root / "faces/london/001/smiling.jpg"))
    frames = [still] * 12
    result = pipeline.verify_frames(frames, [k / 6.0 for k in range(12)], reference)
    assert result.score >= result.threshold  # the right person ...
    assert not result.same and result.liveness is not None and not result.liveness.live  # ... but not live
    assert result.reason is not None and result.reason.startswith("not live")
    assert result.liveness.signals["parallax"] < pipeline.settings.liveness.min_parallax
    assert result.liveness.signals["blink"] == 0.0


def test_a_clip_is_read_for_its_first_seconds_at_about_twelve_frames_a_second(data_root: Path) -> None:
    frames, times = read_clip(data_root / "video" / "talking" / "d0.mp4", 2.0)  # 25 fps
    assert len(frames) == len(times) == 26  # every second frame from 0 to 2.0 s
    assert times[0] == 0.0 and times[-1] == pytest.approx(2.0)
    assert frames[0].shape == (512, 512, 3)
    assert read_clip(data_root / "DATA.md", 2.0) == ([], [])


def test_a_hand_held_medium_moves_a_little_and_stays_in_view() -> None:
    moves = hand_motion(24, 640, 480, np.random.default_rng(1))
    corners = np.array([[[0, 0]], [[640, 0]], [[640, 480]], [[0, 480]]], dtype=np.float32)
    shifts = [np.abs(cv2.perspectiveTransform(corners, h) - corners).max() for h in moves]
    assert len(moves) == 24
    assert 1.0 < max(shifts) < 0.15 * 640


def test_a_clip_covers_its_frames_plus_one_interval() -> None:
    """Six frames at 6 fps are one second of camera time, not the 0.83 s from first to last frame."""
    from biometrics.face.liveness import clip_duration

    assert clip_duration([k / 6.0 for k in range(6)]) == pytest.approx(1.0)
    assert clip_duration([0.0, 0.21, 0.629, 0.838]) == pytest.approx(1.048)
    assert clip_duration([0.0]) == 0.0 and clip_duration([]) == 0.0
