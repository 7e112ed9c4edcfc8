"""Face quality from MTCNN's landmarks and the aligned chip: size, pose, sharpness, exposure, occlusion.

Every measure is something a tester can check by eye:

- ``eye_distance_px``: distance between the eye centres in the image (ISO/IEC 19794-5 asks 60+
  for a portrait; the embedder's chip has 54).
- ``roll_deg``: tilt of the eye line. ``yaw_deg`` and ``pitch_deg``: head turn and nod,
  estimated from where the nose tip sits between the eyes and the mouth (a weak-perspective
  approximation: the nose tip stands about half an eye distance in front of the eyes).
- ``sharpness``: high-frequency energy of the chip (variance of the Laplacian over the
  variance of the grey levels), so it does not depend on contrast or face size.
- ``brightness``: mean grey level of the face, 0-255.
- ``occlusion``: 0-1, how flat (one even tone) the eye or mouth region is, as sunglasses, a
  hand or a mask make it; an uncovered eye or mouth always shows contrast.
- ``colour``: mean spread between the colour channels on the face; about 0 for grey or
  infrared frames (used by liveness, not a quality failure).

``assess_quality`` turns them into a ``FaceQuality``: acceptable when every measure is within
the limits, a 0-1 score for ranking frames, and the prompt of the first failing measure.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from biometrics.face.align import MTCNN_CHIP_TEMPLATE
from biometrics.face.results import FaceQuality
from biometrics.face.settings import QualityLimits

NOSE_DEPTH_IED = 0.5  # nose tip in front of the eye centres, in eye distances (anthropometric mean)

# Regions of the 150 px chip (x0, y0, x1, y1), placed from the landmark template.
_EYES = tuple(
    (int(x - 13), int(y - 8), int(x + 13), int(y + 8)) for x, y in MTCNN_CHIP_TEMPLATE[:2]
)
_CHEEKS = tuple(
    (int(x - 8), int(y + 22), int(x + 8), int(y + 36)) for x, y in MTCNN_CHIP_TEMPLATE[:2]
)
_MOUTH = (
    int(MTCNN_CHIP_TEMPLATE[3, 0] + 3), int(MTCNN_CHIP_TEMPLATE[3, 1] - 8),
    int(MTCNN_CHIP_TEMPLATE[4, 0] - 3), int(MTCNN_CHIP_TEMPLATE[4, 1] + 12),
)
_FACE = (
    int(MTCNN_CHIP_TEMPLATE[0, 0] - 10), int(MTCNN_CHIP_TEMPLATE[0, 1] - 15),
    int(MTCNN_CHIP_TEMPLATE[1, 0] + 10), int(MTCNN_CHIP_TEMPLATE[4, 1] + 15),
)
_FRONTAL_NOSE_DROP = float(
    (MTCNN_CHIP_TEMPLATE[2, 1] - MTCNN_CHIP_TEMPLATE[:2, 1].mean())
    / (MTCNN_CHIP_TEMPLATE[3:, 1].mean() - MTCNN_CHIP_TEMPLATE[:2, 1].mean())
)


def _region(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return image[max(y0, 0) : y1, max(x0, 0) : x1]


def pose(landmarks: np.ndarray) -> dict[str, float]:
    """Eye distance (px) and roll, yaw, pitch (degrees, approximate) from MTCNN's five points."""
    left_eye, right_eye, nose, mouth_left, mouth_right = np.asarray(landmarks, dtype=np.float64)
    axis = right_eye - left_eye
    ied = float(np.hypot(*axis))
    if ied < 1e-6:
        return {"eye_distance_px": 0.0, "roll_deg": 0.0, "yaw_deg": 90.0, "pitch_deg": 90.0}
    ux = axis / ied
    uy = np.array([-ux[1], ux[0]])
    centre = (left_eye + right_eye) / 2.0
    mouth = (mouth_left + mouth_right) / 2.0
    nose_x = float((nose - centre) @ ux) / ied
    mouth_drop = float((mouth - centre) @ uy)
    nose_drop = float((nose - centre) @ uy)
    vertical = nose_drop / mouth_drop if mouth_drop > 1e-6 else 0.0
    face_height_ied = mouth_drop / ied
    return {
        "eye_distance_px": ied,
        "roll_deg": math.degrees(math.atan2(axis[1], axis[0])),
        "yaw_deg": math.degrees(math.atan2(nose_x, NOSE_DEPTH_IED)),
        "pitch_deg": math.degrees(math.atan2((vertical - _FRONTAL_NOSE_DROP) * face_height_ied, NOSE_DEPTH_IED)),
    }


def chip_measures(chip: np.ndarray) -> dict[str, float]:
    """Sharpness, brightness, occlusion and colour of an aligned RGB chip (150x150, 0-255)."""
    rgb = np.clip(chip, 0, 255).astype(np.uint8)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    face = _region(grey, _FACE)
    contrast = float(face.var())
    sharpness = float(cv2.Laplacian(face, cv2.CV_32F).var()) / (contrast + 1.0)
    brightness = float(face.mean())
    face_rgb = _region(rgb, _FACE).astype(np.float32)
    colour = float(np.mean(np.abs(face_rgb[..., 0] - face_rgb[..., 1]) + np.abs(face_rgb[..., 1] - face_rgb[..., 2])))
    return {
        "sharpness": sharpness,
        "brightness": brightness,
        "occlusion": occlusion(grey),
        "colour": colour,
    }


def occlusion(grey: np.ndarray) -> float:
    """0-1: how flat the eye or mouth regions are. Eyes always show contrast (sclera, iris,
    lashes) and a mouth shows lips, even in shadow; sunglasses, a hand or a mask make a region
    of one even tone. Measured on real and synthetically covered faces of pad/ and
    faces/london: uncovered regions have a relative spread of 0.09 or more, covered ones 0.06
    or less, whatever the lighting."""
    cheeks = np.concatenate([_region(grey, c).ravel() for c in _CHEEKS])
    eyes = np.concatenate([_region(grey, e).ravel() for e in _EYES])
    mouth = _region(grey, _MOUTH)
    eye_spread = float(eyes.std()) / (float(cheeks.mean()) + 1.0)
    mouth_spread = float(mouth.std()) / (float(mouth.mean()) + 1.0)
    eyes_covered = float(np.clip((0.09 - eye_spread) / 0.04, 0.0, 1.0))
    mouth_covered = float(np.clip((0.08 - mouth_spread) / 0.04, 0.0, 1.0))
    return max(eyes_covered, mouth_covered)


def _within(value: float, low: float, high: float) -> float:
    """1 inside [low, high], falling linearly to 0 at the same distance again outside."""
    if low <= value <= high:
        return 1.0
    span = max(high - low, 1e-6)
    gap = (low - value) if value < low else (value - high)
    return float(max(0.0, 1.0 - gap / span))


def assess_quality(measures: dict[str, float], limits: QualityLimits) -> FaceQuality:
    """Acceptable when every measure is within ``limits``; the prompt is the first that is not."""
    checks: list[tuple[str, bool]] = [
        ("come_closer", measures["eye_distance_px"] >= limits.min_eye_distance_px),
        (
            "look_at_camera",
            abs(measures["yaw_deg"]) <= limits.max_yaw_deg
            and abs(measures["pitch_deg"]) <= limits.max_pitch_deg
            and abs(measures["roll_deg"]) <= limits.max_roll_deg,
        ),
        ("remove_obstruction", measures["occlusion"] <= limits.max_occlusion),
        ("more_light", measures["brightness"] >= limits.min_brightness),
        ("less_light", measures["brightness"] <= limits.max_brightness),
        ("hold_still", measures["sharpness"] >= limits.min_sharpness),
    ]
    failing = [prompt for prompt, ok in checks if not ok]
    terms = [
        min(1.0, measures["eye_distance_px"] / (2.0 * max(limits.min_eye_distance_px, 1.0))),
        1.0 - min(1.0, abs(measures["yaw_deg"]) / (2.0 * max(limits.max_yaw_deg, 1.0))),
        1.0 - min(1.0, abs(measures["pitch_deg"]) / (2.0 * max(limits.max_pitch_deg, 1.0))),
        1.0 - min(1.0, abs(measures["roll_deg"]) / (2.0 * max(limits.max_roll_deg, 1.0))),
        1.0 - measures["occlusion"],
        _within(measures["brightness"], limits.min_brightness, limits.max_brightness),
        min(1.0, measures["sharpness"] / (2.0 * max(limits.min_sharpness, 1e-3))),
    ]
    return FaceQuality(
        score=round(float(np.mean(terms)), 4),
        acceptable=not failing,
        prompt=failing[0] if failing else None,
        measures={k: round(v, 4) for k, v in measures.items()},
    )
