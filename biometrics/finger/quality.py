"""Capture quality: is there a finger, is it usable, and what should the traveller do?

Fast measures come from the segmentation and the minutiae (foreground area in mm², ridge
orientation coherence, foreground darkness and contrast, minutiae count and mean
probability); ``assess`` adds the NFIQ 2 style score. The prompt is the first problem found,
in the order a person at a scanner can fix them: no finger, partial finger, too light
(press harder), too dark (press lighter), smudged (clean the glass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from biometrics.finger.results import FingerQuality, Minutia
from biometrics.finger.segmentation import Segmentation

PX_PER_MM = 500 / 25.4


@dataclass(frozen=True)
class QualityGate:
    """Limits of a usable capture (defaults documented in kiosk/defaults.toml [finger])."""

    min_area_mm2: float = 40.0  # below: no finger (or only a touch)
    partial_area_mm2: float = 100.0  # below: ask to centre the finger
    min_coherence: float = 0.3  # mean orientation coherence of the foreground
    min_minutiae: int = 12
    min_score: int = 20  # NFIQ 2 style score for enrolment
    light_mean: float = 200.0  # foreground mean gray above this with low contrast: press harder
    dark_mean: float = 60.0  # below this with low contrast: press lighter
    low_contrast: float = 35.0  # foreground gray standard deviation


def measures(image: np.ndarray, seg: Segmentation, minutiae: Sequence[Minutia]) -> dict[str, float]:
    fg = image[seg.mask]
    return {
        "area_mm2": seg.area_px / PX_PER_MM**2,
        "coherence": seg.foreground_coherence(),
        "foreground_mean": float(fg.mean()) if fg.size else 255.0,
        "foreground_std": float(fg.std()) if fg.size else 0.0,
        "minutiae": float(len(minutiae)),
        "minutiae_probability": float(np.mean([m.quality for m in minutiae]) / 100) if minutiae else 0.0,
    }


def finger_present(m: dict[str, float], gate: QualityGate) -> bool:
    """Enough ridge-like foreground; a face photo has edges but (almost) no minutiae."""
    return (
        m["area_mm2"] >= gate.min_area_mm2
        and m["coherence"] >= gate.min_coherence / 2
        and m["minutiae"] >= max(3, gate.min_minutiae // 3)
    )


def prompt_for(m: dict[str, float], gate: QualityGate) -> str | None:
    """The prompt key for the first fixable problem, or None when the capture looks fine."""
    if not finger_present(m, gate):
        return "place_finger"
    low_contrast = m["foreground_std"] < gate.low_contrast
    if m["foreground_mean"] > gate.light_mean and low_contrast:
        return "press_harder"
    if m["foreground_mean"] < gate.dark_mean and low_contrast:
        return "press_lighter"
    if m["area_mm2"] < gate.partial_area_mm2:
        return "center_finger"
    if m["coherence"] < gate.min_coherence or m["minutiae"] < gate.min_minutiae:
        return "clean_glass"
    return None


def fast_score(m: dict[str, float]) -> int:
    """A quick 0-100 utility estimate (when NFIQ 2 is not computed): minutiae and clarity."""
    count = min(1.0, m["minutiae"] / 40.0)
    clarity = min(1.0, m["coherence"] / 0.6)
    return round(100 * count * clarity * min(1.0, m["minutiae_probability"] / 0.6))


def judge(m: dict[str, float], score: int, gate: QualityGate) -> FingerQuality:
    prompt = prompt_for(m, gate)
    if prompt is None and score < gate.min_score:
        prompt = "clean_glass"
    acceptable = prompt is None
    return FingerQuality(score=score, acceptable=acceptable, prompt=prompt, measures=dict(m))
