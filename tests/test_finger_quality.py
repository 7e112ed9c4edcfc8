"""Prompts for the traveller, from the capture's measures."""

from __future__ import annotations

import pytest

from biometrics.finger.quality import QualityGate, judge, prompt_for

GOOD = {
    "area_mm2": 180.0,
    "coherence": 0.6,
    "foreground_mean": 140.0,
    "foreground_std": 60.0,
    "minutiae": 40.0,
    "minutiae_probability": 0.8,
}


@pytest.mark.parametrize(
    ("changes", "prompt"),
    [
        ({}, None),
        ({"area_mm2": 10.0}, "place_finger"),
        ({"minutiae": 2.0}, "place_finger"),
        ({"foreground_mean": 230.0, "foreground_std": 20.0}, "press_harder"),
        ({"foreground_mean": 40.0, "foreground_std": 20.0}, "press_lighter"),
        ({"area_mm2": 70.0}, "center_finger"),
        ({"coherence": 0.2}, "clean_glass"),
        ({"minutiae": 8.0}, "clean_glass"),
    ],
)
def test_the_prompt_names_the_first_fixable_problem(changes: dict[str, float], prompt: str | None) -> None:
    assert prompt_for({**GOOD, **changes}, QualityGate()) == prompt


def test_a_low_score_alone_makes_a_capture_unacceptable() -> None:
    quality = judge(dict(GOOD), score=5, gate=QualityGate(min_score=20))
    assert not quality.acceptable and quality.prompt == "clean_glass"


def test_a_good_capture_is_acceptable_without_prompt() -> None:
    quality = judge(dict(GOOD), score=60, gate=QualityGate())
    assert quality.acceptable and quality.prompt is None and quality.score == 60
