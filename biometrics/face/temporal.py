"""Signals over a short clip that a photo or a screen held in front of the camera cannot give.

- **Parallax (depth from motion).** The eye centres and mouth corners of a face lie close to
  one plane; the nose tip stands in front of it. Any motion of a *flat* medium (a print, a
  phone) moves all five points by one homography, so the nose lands exactly where the
  homography of the other four predicts. A real head that turns even a few degrees moves its
  nose off that prediction. The signal is that residual, in eye distances (a robust high
  percentile over pairs of frames).
- **Blink.** The share of dark pixels (iris, pupil) in the eye regions of the aligned chip
  drops while the eyes are closed. The signal is the deepest short dip below the clip's
  median, as a fraction of it; a still photo has none.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import cv2
import numpy as np

from biometrics.face.align import MTCNN_CHIP_TEMPLATE

_PLANE = [0, 1, 3, 4]  # eyes and mouth corners
_NOSE = 2
_MAX_PAIRS = 400
_EYE_HALF = (11, 6)  # half width, half height of an eye region in chip pixels
_BLINK_MAX_S = 0.6  # a blink closes the eyes for 0.1-0.4 s; longer dips are looking down


def smooth_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """A 3-frame running median of (T, 5, 2) landmarks: removes single-frame jitter, keeps motion."""
    if landmarks.shape[0] < 3:
        return landmarks
    padded = np.concatenate([landmarks[:1], landmarks, landmarks[-1:]])
    stacked: np.ndarray = np.median(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)
    return stacked


def parallax(landmarks: np.ndarray, percentile: float = 90.0) -> float:
    """How far the nose moves off the plane of the eyes and mouth, in eye distances (T, 5, 2 in)."""
    points = smooth_landmarks(np.asarray(landmarks, dtype=np.float64))
    count = points.shape[0]
    if count < 2:
        return 0.0
    pairs = list(itertools.combinations(range(count), 2))
    if len(pairs) > _MAX_PAIRS:
        step = len(pairs) / _MAX_PAIRS
        pairs = [pairs[int(k * step)] for k in range(_MAX_PAIRS)]
    residuals = []
    for i, j in pairs:
        try:
            homography = cv2.getPerspectiveTransform(
                points[i, _PLANE].astype(np.float32), points[j, _PLANE].astype(np.float32)
            )
        except cv2.error:
            continue
        nose = np.array([*points[i, _NOSE], 1.0]) @ homography.T
        if abs(nose[2]) < 1e-9:
            continue
        predicted = nose[:2] / nose[2]
        ied = float(np.hypot(*(points[j, 1] - points[j, 0])))
        if ied > 1e-6:
            residuals.append(float(np.hypot(*(points[j, _NOSE] - predicted))) / ied)
    return float(np.percentile(residuals, percentile)) if residuals else 0.0


def eye_openness(chip: np.ndarray) -> float:
    """Share of dark pixels (darker than 60% of the cheeks) in the two eye regions of a chip."""
    grey = cv2.cvtColor(np.clip(chip, 0, 255).astype(np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)
    hx, hy = _EYE_HALF
    eyes = []
    cheeks = []
    for x, y in MTCNN_CHIP_TEMPLATE[:2]:
        cx, cy = round(float(x)), round(float(y))
        eyes.append(grey[cy - hy : cy + hy, cx - hx : cx + hx].ravel())
        cheeks.append(grey[cy + 22 : cy + 36, cx - 8 : cx + 8].ravel())
    level = float(np.median(np.concatenate(cheeks)))
    return float(np.mean(np.concatenate(eyes) < 0.6 * level))


def blink(openness: Sequence[float], timestamps_s: Sequence[float]) -> float:
    """The deepest dip of eye openness below the clip's median that recovers within a blink's
    duration, as a fraction of the median (0 = none; 1 = fully closed)."""
    values = np.asarray(openness, dtype=np.float64)
    times = np.asarray(timestamps_s, dtype=np.float64)
    if values.size < 3:
        return 0.0
    baseline = float(np.median(values))
    if baseline <= 1e-3:
        return 0.0
    deepest = 0.0
    for i in range(1, values.size - 1):
        # the eyes must be open both before and after the dip, within a blink's duration
        before = values[(times >= times[i] - _BLINK_MAX_S) & (times < times[i])]
        after = values[(times > times[i]) & (times <= times[i] + _BLINK_MAX_S)]
        if before.size == 0 or after.size == 0:
            continue
        reopened = min(float(before.max()), float(after.max()))
        if reopened < 0.8 * baseline:
            continue
        deepest = max(deepest, (reopened - values[i]) / baseline)
    return float(min(deepest, 1.0))
