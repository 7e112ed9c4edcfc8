"""Minutia Cylinder-Code: invariance to where and how the finger lies, and what a mismatch scores."""

from __future__ import annotations

import numpy as np

from biometrics.finger.matcher import MinutiaeMatcher
from biometrics.finger.mcc import CylinderParams, build_cylinders
from biometrics.finger.results import FingerPosition, FingerTemplate, Minutia


def _random_minutiae(seed: int, n: int = 45) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.uniform([40, 40], [300, 380], size=(n, 2))
    return xy, rng.uniform(0, 2 * np.pi, n)


def _template(xy: np.ndarray, angle: np.ndarray) -> FingerTemplate:
    minutiae = tuple(
        Minutia(float(x), float(y), float(a) % (2 * np.pi), "ending") for (x, y), a in zip(xy, angle, strict=True)
    )
    return FingerTemplate(FingerPosition.UNKNOWN, minutiae, 400, 500)


def _rotate(
    xy: np.ndarray, angle: np.ndarray, theta: float, shift: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Rotate the finger by theta counter-clockwise as seen on the image (y down), then shift."""
    c, s = np.cos(theta), np.sin(theta)
    centre = xy.mean(axis=0)
    d = xy - centre
    rotated = np.stack([c * d[:, 0] + s * d[:, 1], -s * d[:, 0] + c * d[:, 1]], axis=1) + centre + shift
    return rotated, angle + theta


def test_a_cylinder_does_not_change_when_the_finger_is_rotated_and_moved() -> None:
    xy, angle = _random_minutiae(1)
    moved_xy, moved_angle = _rotate(xy, angle, 0.7, (25.0, -10.0))
    a = build_cylinders(xy, angle)
    b = build_cylinders(moved_xy, moved_angle)
    assert a.usable.sum() > 20
    both = a.usable & b.usable
    assert np.abs(a.values[both] - b.values[both]).max() < 0.15


def test_the_same_minutiae_rotated_score_nearly_one() -> None:
    xy, angle = _random_minutiae(2)
    moved = _rotate(xy, angle, -0.5, (10.0, 30.0))
    score = MinutiaeMatcher().match(_template(xy, angle), _template(*moved))
    assert score > 0.8


def test_unrelated_minutiae_score_low() -> None:
    score = MinutiaeMatcher().match(_template(*_random_minutiae(3)), _template(*_random_minutiae(4)))
    assert score < 0.15


def test_an_empty_template_scores_zero() -> None:
    empty = FingerTemplate(FingerPosition.UNKNOWN, (), 400, 500)
    assert MinutiaeMatcher().match(empty, _template(*_random_minutiae(5))) == 0.0


def test_a_lone_minutia_has_no_usable_cylinder() -> None:
    cylinders = build_cylinders(np.array([[100.0, 100.0]]), np.array([0.0]), CylinderParams())
    assert not cylinders.usable.any()
