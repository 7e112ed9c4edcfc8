"""APCER, BPCER and ACER as ISO/IEC 30107-3 defines them, on hand-counted decisions."""

from __future__ import annotations

import pytest

from biometrics.pad_metrics import NOT_ACQUIRED, pad_rates, pad_rates_at, threshold_at_bpcer


def test_apcer_is_the_worst_species_and_bpcer_the_rejected_bona_fide_share() -> None:
    rates = pad_rates(
        [True, True, True, False],
        {"print": [False, False, False, False], "mobile_video": [True, False, False, False]},
    )
    assert rates.apcer_per_species == {"mobile_video": 0.25, "print": 0.0}
    assert rates.apcer == 0.25
    assert rates.bpcer == 0.25
    assert rates.acer == 0.25


def test_scores_at_the_threshold_are_classified_bona_fide() -> None:
    rates = pad_rates_at([0.5, 0.9, 0.2], {"print": [0.5, 0.1]}, threshold=0.5)
    assert rates.bpcer == pytest.approx(1 / 3)
    assert rates.apcer == 0.5


def test_a_presentation_without_a_face_is_rejected() -> None:
    rates = pad_rates_at([NOT_ACQUIRED, 0.9], {"print": [NOT_ACQUIRED]}, threshold=0.0)
    assert rates.bpcer == 0.5 and rates.apcer == 0.0


def test_threshold_at_bpcer_rejects_at_most_the_allowed_share() -> None:
    live = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    threshold = threshold_at_bpcer(live, 0.1)  # one of ten may be rejected
    assert threshold == 0.2
    assert pad_rates_at(live, {"x": [0.0]}, threshold).bpcer == 0.1
    assert threshold_at_bpcer(live, 0.0) == 0.1


def test_an_empty_species_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError):
        pad_rates([True], {"print": []})
    with pytest.raises(ValueError):
        pad_rates([], {"print": [True]})
