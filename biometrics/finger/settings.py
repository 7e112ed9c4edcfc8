"""Settings of the fingerprint pipeline: plain values, built from configuration by kiosk/config.py.

Every threshold says where it came from (``threshold_source``): scores are calibrated on data
disjoint from what the benchmarks report (see docs/BENCHMARKS.md). This module imports nothing
heavy, so loading the configuration stays instant.
"""

from __future__ import annotations

from dataclasses import dataclass

FUSION_RULES = ("mean", "max")


@dataclass(frozen=True)
class FingerSettings:
    # Decision: one finger's MCC similarity must reach ``threshold``; with k >= 2 fingers the
    # fused score (``fusion_rule`` over the fingers presented) must reach
    # ``fusion_thresholds[k - 2]`` (the last one for more fingers than listed).
    # Defaults: the calibration on FVC2004 DB4_B at FMR 5e-4 (kiosk/defaults.toml says how).
    threshold: float = 0.04098
    fusion_rule: str = "mean"
    fusion_thresholds: tuple[float, ...] = (0.03182, 0.02813)
    threshold_source: str = "fvc2004/DB4_B at FMR 5e-4"
    # Minutiae extraction (LEADER peaks).
    min_probability: float = 0.3
    max_minutiae: int = 120
    # Quality gate.
    min_area_mm2: float = 40.0
    partial_area_mm2: float = 100.0
    min_coherence: float = 0.3
    min_minutiae: int = 12
    min_enrol_score: int = 20
    nfiq2_on_extract: bool = False

    def __post_init__(self) -> None:
        if self.fusion_rule not in FUSION_RULES:
            raise ValueError(f"fusion_rule must be one of {FUSION_RULES}, not {self.fusion_rule!r}")
        if not self.fusion_thresholds:
            raise ValueError("fusion_thresholds needs at least one value (for two fingers)")
        if not 0.0 < self.min_probability < 1.0:
            raise ValueError("min_probability must be between 0 and 1")
        if self.max_minutiae < 1 or self.min_minutiae < 0:
            raise ValueError("max_minutiae must be >= 1 and min_minutiae >= 0")

    def threshold_for(self, fingers: int) -> float:
        """The decision threshold when ``fingers`` fingers are fused."""
        if fingers <= 1:
            return self.threshold
        return self.fusion_thresholds[min(fingers - 2, len(self.fusion_thresholds) - 1)]
