"""Error-rate arithmetic on scores small enough to check by hand."""

from __future__ import annotations

import pytest

from biometrics.metrics import eer, fmr_fnmr, fnmr_at_fmr, threshold_at_fmr


def test_fmr_and_fnmr_at_a_threshold() -> None:
    genuine = [0.9, 0.8, 0.4, 0.95]
    impostor = [0.1, 0.5, 0.2, 0.3]
    assert fmr_fnmr(genuine, impostor, 0.45) == (0.25, 0.25)


def test_separable_scores_have_zero_eer() -> None:
    assert eer([0.8, 0.9], [0.1, 0.2, 0.3]) == 0.0


def test_identical_distributions_have_half_eer() -> None:
    assert eer([0.5, 0.5], [0.5, 0.5]) == pytest.approx(0.5)


def test_threshold_at_fmr_lets_through_at_most_that_fraction() -> None:
    impostor = [i / 100 for i in range(100)]  # 0.00 .. 0.99
    t = threshold_at_fmr(impostor, 0.05)
    assert sum(s >= t for s in impostor) <= 5
    assert sum(s >= t for s in impostor) == 5


def test_too_few_impostors_for_the_target_means_fmr_zero() -> None:
    t = threshold_at_fmr([0.1, 0.3, 0.2], 0.001)
    assert t > 0.3


def test_fnmr_at_fmr_counts_failed_comparisons_as_errors() -> None:
    genuine = [0.9, 0.9, float("-inf")]  # one failure to enrol
    impostor = [0.1, 0.2, 0.3, 0.4]
    assert fnmr_at_fmr(genuine, impostor, 0.0) == pytest.approx(1 / 3)
