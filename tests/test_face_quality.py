"""Quality measures and prompts: pose from landmarks, occlusion, light and blur on real faces."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.face.align import MTCNN_CHIP_TEMPLATE
from biometrics.face.pipeline import FacePipeline
from biometrics.face.quality import assess_quality, pose
from biometrics.face.settings import QualityLimits
from kiosk.config import Config
from models.sessions import SessionFactory


@pytest.fixture(scope="module")
def pipeline(factory: SessionFactory, config: Config) -> FacePipeline:
    return FacePipeline(factory, config.face)


@pytest.fixture(scope="module")
def portrait(data_root: Path) -> np.ndarray:
    image = cv2.imread(str(data_root / "faces/london/005/neutral.jpg"), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def _turned(points: np.ndarray, degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    centre = points.mean(axis=0)
    turned: np.ndarray = (points - centre) @ rotation.T + centre
    return turned


def test_the_template_face_is_frontal() -> None:
    measures = pose(MTCNN_CHIP_TEMPLATE)
    assert abs(measures["yaw_deg"]) < 1 and abs(measures["pitch_deg"]) < 1 and abs(measures["roll_deg"]) < 1
    assert measures["eye_distance_px"] == pytest.approx(54.25, abs=0.01)


def test_a_tilted_head_has_the_tilt_as_roll_and_stays_frontal() -> None:
    measures = pose(_turned(MTCNN_CHIP_TEMPLATE, 30))
    assert measures["roll_deg"] == pytest.approx(30, abs=0.5)
    assert abs(measures["yaw_deg"]) < 1


def test_a_nose_far_to_one_side_is_a_head_turned_away() -> None:
    points = MTCNN_CHIP_TEMPLATE.copy()
    points[2, 0] += 0.6 * 54.25  # the nose tip beyond the eye: a profile
    measures = pose(points)
    assert measures["yaw_deg"] > 45
    rest = {"sharpness": 1.0, "brightness": 120.0, "occlusion": 0.0, "colour": 30.0}
    quality = assess_quality(measures | rest, QualityLimits())
    assert not quality.acceptable and quality.prompt == "look_at_camera"


def test_a_good_portrait_needs_no_prompt(pipeline: FacePipeline, portrait: np.ndarray) -> None:
    box, quality = pipeline.assess(portrait)
    assert box is not None and quality.acceptable and quality.prompt is None and quality.score > 0.8


def test_sunglasses_are_an_obstruction(pipeline: FacePipeline, portrait: np.ndarray) -> None:
    box, _ = pipeline.assess(portrait)
    assert box is not None
    covered = portrait.copy()
    (lx, ly), (rx, ry) = box.landmarks[0], box.landmarks[1]
    half = int(0.38 * (rx - lx))
    for x, y in ((lx, ly), (rx, ry)):
        cv2.ellipse(covered, (int(x), int(y)), (half, int(0.65 * half)), 0, 0, 360, (20, 20, 20), -1)
    _, quality = pipeline.assess(covered)
    assert quality.prompt == "remove_obstruction" and quality.measures["occlusion"] > 0.5


def test_a_mask_is_an_obstruction(pipeline: FacePipeline, portrait: np.ndarray) -> None:
    box, _ = pipeline.assess(portrait)
    assert box is not None
    (lx, _), (rx, _), (_, ny), (mlx, mly), (mrx, _) = box.landmarks
    ied = rx - lx
    mask = np.array([[lx - 0.5 * ied, ny - 0.2 * ied], [rx + 0.5 * ied, ny - 0.2 * ied],
                     [mrx + 0.4 * ied, mly + 0.8 * ied], [mlx - 0.4 * ied, mly + 0.8 * ied]], np.int32)
    covered = portrait.copy()
    cv2.fillPoly(covered, [mask], (230, 200, 160))
    _, quality = pipeline.assess(covered)
    assert quality.prompt == "remove_obstruction"


def test_a_dark_frame_asks_for_more_light(pipeline: FacePipeline, portrait: np.ndarray) -> None:
    _, quality = pipeline.assess((portrait.astype(np.float32) * 0.2).astype(np.uint8))
    assert quality.prompt == "more_light" and quality.measures["brightness"] < 35


def test_a_blurred_frame_asks_to_hold_still(pipeline: FacePipeline, portrait: np.ndarray) -> None:
    _, quality = pipeline.assess(cv2.GaussianBlur(portrait, (0, 0), 5))
    assert quality.prompt == "hold_still"


def test_a_distant_face_asks_to_come_closer(pipeline: FacePipeline, portrait: np.ndarray) -> None:
    frame = np.full((480, 640, 3), 110, np.uint8)
    small = cv2.resize(portrait, (240, 240), interpolation=cv2.INTER_AREA)
    frame[120:360, 200:440] = small
    box, quality = pipeline.assess(frame)
    assert box is not None and quality.prompt == "come_closer"


def test_two_people_ask_for_one_person(pipeline: FacePipeline, portrait: np.ndarray, data_root: Path) -> None:
    other = cv2.imread(str(data_root / "faces/london/006/neutral.jpg"), cv2.IMREAD_COLOR)
    _, quality = pipeline.assess(np.hstack([portrait, other]))
    assert quality.prompt == "only_one_person" and not quality.acceptable


def test_no_face_asks_to_look_at_the_camera(pipeline: FacePipeline) -> None:
    box, quality = pipeline.assess(np.full((480, 640, 3), 90, np.uint8))
    assert box is None and quality.prompt == "look_at_camera" and not quality.acceptable
