"""Presentation-attack-detection error rates as ISO/IEC 30107-3 defines them.

Scores are P(bona fide): a presentation is classified bona fide when its score is at or above
the threshold. APCER is computed per presentation-attack-instrument species (print, photo on a
phone, video on a tablet ...) and the system's APCER is the worst species, because an attacker
picks the species that works. BPCER is the share of bona fide presentations classified as
attacks. A presentation in which no face was found must be passed in with the lowest score: a
bona fide one then counts as rejected (a BPCER error), an attack one as rejected (not an APCER
error); benchmarks report how many there were. ACER, the mean of the worst APCER and BPCER, is
reported because the issue asks for it; the 2023 edition of the standard deprecates it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

NOT_ACQUIRED = -1.0  # score of a presentation without a face: below any threshold in [0, 1]


@dataclass(frozen=True)
class PadRates:
    apcer: float  # worst species
    apcer_per_species: dict[str, float]
    bpcer: float
    acer: float


def pad_rates(bona_fide_accepted: Sequence[bool], attacks_accepted: Mapping[str, Sequence[bool]]) -> PadRates:
    """APCER per species and worst, BPCER and ACER from decisions (True = classified bona fide)."""
    if len(bona_fide_accepted) == 0 or not attacks_accepted or any(len(a) == 0 for a in attacks_accepted.values()):
        raise ValueError("need at least one bona fide presentation and at least one per attack species")
    per_species = {name: float(np.mean(np.asarray(a, dtype=bool))) for name, a in sorted(attacks_accepted.items())}
    apcer = max(per_species.values())
    bpcer = float(np.mean(~np.asarray(bona_fide_accepted, dtype=bool)))
    return PadRates(apcer, per_species, bpcer, (apcer + bpcer) / 2.0)


def pad_rates_at(bona_fide: Sequence[float], attacks: Mapping[str, Sequence[float]], threshold: float) -> PadRates:
    """``pad_rates`` when a presentation is classified bona fide at a score >= ``threshold``."""
    live = [s >= threshold for s in bona_fide]
    return pad_rates(live, {name: [s >= threshold for s in scores] for name, scores in attacks.items()})


def threshold_at_bpcer(bona_fide: Sequence[float], target_bpcer: float) -> float:
    """The highest threshold that rejects at most ``target_bpcer`` of the bona fide presentations.

    Higher thresholds reject more attacks, so this is the threshold with the lowest APCER the
    BPCER budget allows."""
    ordered = np.sort(np.asarray(bona_fide, dtype=np.float64))
    if ordered.size == 0:
        raise ValueError("need at least one bona fide score")
    allowed = math.floor(target_bpcer * ordered.size)  # bona fide scores that may fall below
    return float(ordered[min(allowed, ordered.size - 1)])
