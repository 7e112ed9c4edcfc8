"""The genuine traveller's synthetic camera clip is a live head, not a photo moved by hand.

A flat picture moved in any way moves its five landmarks by one homography; a head turning moves
its nose off that plane. The gate measures this with ``biometrics.face.temporal.parallax`` over the
landmarks its own detector finds; these tests use the same detector and measure on rendered clips.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.face.detection import find_faces
from biometrics.face.mtcnn import MtcnnDetector
from biometrics.face.temporal import blink, eye_openness, parallax
from kiosk.config import Config
from kiosk.replay.synth import CLIP_FPS, CLIP_FRAMES, FRAME_SIZE, live_clip
from kiosk.synth.live_head import LiveHeadClip, Motion, build_scene, camera, displacement, live_head_clip, render
from models.sessions import SessionFactory

IDENTITIES = ("001", "013", "037", "061")


@pytest.fixture(scope="module")
def detector(factory: SessionFactory, config: Config) -> MtcnnDetector:
    return MtcnnDetector.from_factory(factory, config.face.detector)


def _faces(detector: MtcnnDetector, config: Config, frame_bgr: np.ndarray) -> list[np.ndarray]:
    rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
    found = find_faces(detector, rgb, config.face.live_min_face_px, config.face.max_working_side_px)
    return [f.landmarks for f in found]


@pytest.fixture(scope="module")
def photos(data_root: Path, detector: MtcnnDetector, config: Config) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each identity's smiling photo and its five landmarks, as the session writer finds them."""
    out = {}
    for identity in IDENTITIES:
        photo = cv2.imread(str(data_root / "faces/london" / identity / "smiling.jpg"))
        assert photo is not None
        out[identity] = (photo, _faces(detector, config, photo)[0])
    return out


def _parallax(detector: MtcnnDetector, config: Config, frames: list[np.ndarray]) -> float:
    return parallax(np.stack([_faces(detector, config, f)[0] for f in frames]))


def test_frames_are_camera_frames_with_one_face(
    photos: dict[str, tuple[np.ndarray, np.ndarray]], detector: MtcnnDetector, config: Config
) -> None:
    photo, points = photos["001"]
    clip = live_clip(photo, points, np.random.default_rng(2))
    frames = clip.frames
    assert len(frames) == CLIP_FRAMES
    for frame in frames:
        assert frame.shape == (FRAME_SIZE[1], FRAME_SIZE[0], 3) and frame.dtype == np.uint8
        assert len(_faces(detector, config, frame)) == 1


def test_same_seed_gives_the_same_frames(photos: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    photo, points = photos["013"]
    first = live_clip(photo, points, np.random.default_rng(4)).frames
    again = live_clip(photo, points, np.random.default_rng(4)).frames
    other = live_clip(photo, points, np.random.default_rng(5)).frames
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])


def test_nose_moves_more_than_the_eyes_and_the_wall_stays(photos: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """Geometry alone: under a 4 degree turn the nose tip (about 2 cm in front) moves further than the
    eyes; on a flat head it moves like them; the wall in the frame's corner does not move."""
    photo, points = photos["037"]
    turn = Motion(yaw=4.0, pitch=0.0, roll=0.0, offset=(0.0, 0.0, 0.0))
    shifts = {}
    for relief in (True, False):
        scene = build_scene(photo, points, np.random.default_rng(0), relief=relief)
        moved = displacement(scene, turn)
        at = [moved[round(y), round(x)] for x, y in scene.landmarks]
        shifts[relief] = at[2][0] - (at[0][0] + at[1][0]) / 2  # nose minus eyes, horizontally (pixels)
        assert np.allclose(moved[2, 2], 0.0) and np.allclose(moved[2, -3], 0.0)
    eye_px = 0.063 * 900.0 / 0.8  # at least this many pixels between the eyes (farthest camera distance)
    assert abs(shifts[True]) > 0.02 * np.radians(4.0) / 0.063 * eye_px * 0.8  # about 2 cm of nose relief
    assert abs(shifts[False]) < 0.1 * abs(shifts[True])


def test_turning_head_shows_parallax_a_turning_photo_does_not(
    photos: dict[str, tuple[np.ndarray, np.ndarray]], detector: MtcnnDetector, config: Config
) -> None:
    """The same 10 degree turn, head and flat cut-out: the gate's parallax tells them apart."""
    turn = [Motion(yaw=-5.0 + 10.0 * k / 7, pitch=0.0, roll=0.0, offset=(0.0, 0.0, 0.0)) for k in range(8)]
    for identity in IDENTITIES[:2]:
        photo, points = photos[identity]
        measured = {}
        for relief in (True, False):
            rng = np.random.default_rng(1)
            scene = build_scene(photo, points, rng, relief=relief)
            measured[relief] = _parallax(detector, config, [camera(render(scene, pose), rng) for pose in turn])
        assert measured[True] > measured[False] + 0.02, (identity, measured)


def test_natural_clips_show_more_parallax_than_the_same_motion_of_a_photo(
    photos: dict[str, tuple[np.ndarray, np.ndarray]], detector: MtcnnDetector, config: Config
) -> None:
    """Random natural head motion (the clips the sessions get), head against flat, over four people."""
    head, flat = [], []
    for k, identity in enumerate(IDENTITIES):
        photo, points = photos[identity]
        for relief, into in ((True, head), (False, flat)):
            frames = live_head_clip(photo, points, np.random.default_rng(10 + k), count=CLIP_FRAMES,
                                    fps=CLIP_FPS, relief=relief).frames
            into.append(_parallax(detector, config, frames))
    assert np.mean(head) > 1.3 * np.mean(flat), (head, flat)


def test_a_drawn_blink_is_what_the_gate_sees_as_one(
    photos: dict[str, tuple[np.ndarray, np.ndarray]], detector: MtcnnDetector, config: Config
) -> None:
    """Eyelids down for two frames of eight: the gate's blink signal (eye openness on its aligned chips)
    dips past its threshold; the same clip with open eyes does not."""
    drop = {}
    for shut in (True, False):
        photo, points = photos["001"]
        rng = np.random.default_rng(3)
        scene = build_scene(photo, points, rng)
        lids = [0.0, 0.0, 0.0, 0.6, 1.0, 0.3, 0.0, 0.0] if shut else [0.0] * 8
        frames = [camera(render(scene, Motion(0.0, 0.0, 0.0, (0.0, 0.0, 0.0), e)), rng) for e in lids]
        chips = []
        for frame in frames:
            found = find_faces(detector, cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), config.face.live_min_face_px,
                               config.face.max_working_side_px)
            chips.append(eye_openness(found[0].chip))
        drop[shut] = blink(chips, [k / CLIP_FPS for k in range(8)])
    assert drop[True] >= config.face.liveness.min_blink_drop > drop[False], drop


def test_the_clip_says_what_it_shows() -> None:
    """The truth a bundle records: the turn's range, the sway, and the frames with the lids shut."""
    still = Motion(0.0, 0.0, 0.0, (0.0, 0.0, 0.0))
    motions = [still, Motion(3.0, -1.0, 0.5, (0.01, 0.0, 0.02), 0.2), Motion(-1.0, 1.0, 0.0, (0.0, 0.0, 0.0), 0.9)]
    truth = LiveHeadClip([], motions, fps=5.0).truth()
    assert truth["yaw_deg"] == 4.0 and truth["pitch_deg"] == 2.0 and truth["roll_deg"] == 0.5
    assert truth["sway_cm"] == [1.0, 0.0, 2.0]
    assert truth["lids_shut_s"] == [0.4]
    assert LiveHeadClip([], [still, still], fps=5.0).truth()["lids_shut_s"] == []
