"""Verification error rates from genuine and impostor scores (higher score = more similar).

Definitions follow ISO/IEC 19795-1: FMR is the fraction of impostor comparisons at or above
the threshold, FNMR the fraction of genuine comparisons below it. Comparisons that failed
(no face found, no minutiae) must be passed in as the lowest possible score, so they count as
errors, never as skipped pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _arrays(genuine: Sequence[float], impostor: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    g = np.asarray(genuine, dtype=np.float64)
    i = np.asarray(impostor, dtype=np.float64)
    if g.size == 0 or i.size == 0:
        raise ValueError("need at least one genuine and one impostor score")
    return g, i


def fmr_fnmr(genuine: Sequence[float], impostor: Sequence[float], threshold: float) -> tuple[float, float]:
    """(FMR, FNMR) when accepting scores >= threshold."""
    g, i = _arrays(genuine, impostor)
    return float(np.mean(i >= threshold)), float(np.mean(g < threshold))


def threshold_at_fmr(impostor: Sequence[float] | np.ndarray, target_fmr: float) -> float:
    """The lowest threshold whose FMR does not exceed ``target_fmr``.

    With fewer than 1/target impostor scores this is the threshold just above the highest
    impostor score (FMR = 0), the honest limit of what the data can show.
    """
    i = np.sort(np.asarray(impostor, dtype=np.float64))[::-1]
    allowed = int(np.floor(target_fmr * i.size))  # impostors that may score >= threshold
    if allowed >= i.size:
        return float(i[-1])
    return float(np.nextafter(i[allowed], np.inf))


def fnmr_at_fmr(genuine: Sequence[float], impostor: Sequence[float], target_fmr: float) -> float:
    g, i = _arrays(genuine, impostor)
    threshold = threshold_at_fmr(i, target_fmr)
    return float(np.mean(g < threshold))


def eer(genuine: Sequence[float], impostor: Sequence[float]) -> float:
    """Equal error rate: where FMR and FNMR cross (mean of the two at the closest threshold)."""
    g, i = _arrays(genuine, impostor)
    thresholds = np.unique(np.concatenate([g, i, [np.inf]]))
    g_sorted = np.sort(g)
    i_sorted = np.sort(i)
    fnmr = np.searchsorted(g_sorted, thresholds, side="left") / g.size
    fmr = 1.0 - np.searchsorted(i_sorted, thresholds, side="left") / i.size
    k = int(np.argmin(np.abs(fmr - fnmr)))
    return float((fmr[k] + fnmr[k]) / 2.0)
