"""One-to-one minutiae comparison: Minutia Cylinder-Code with LSS-R consolidation.

``MinutiaeMatcher.match`` returns a similarity in [0, 1] (higher = more alike). The cylinders
of a template are built once and cached by its minutiae, so matching a live print against
several enrolled fingers pays for each enrolled template's cylinders only once per process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from biometrics.finger.mcc import (
    CylinderParams,
    Cylinders,
    LocalParams,
    RelaxParams,
    build_cylinders,
    local_similarity,
    lss_r,
)
from biometrics.finger.results import FingerTemplate, Minutia

CACHE_SIZE = 64


@dataclass(frozen=True)
class MatcherParams:
    cylinder: CylinderParams = field(default_factory=CylinderParams)
    local: LocalParams = field(default_factory=LocalParams)
    relax: RelaxParams = field(default_factory=RelaxParams)


def minutiae_arrays(minutiae: Sequence[Minutia]) -> tuple[np.ndarray, np.ndarray]:
    xy = np.array([(m.x, m.y) for m in minutiae], dtype=np.float64).reshape(-1, 2)
    angle = np.array([m.angle for m in minutiae], dtype=np.float64)
    return xy, angle


class MinutiaeMatcher:
    def __init__(self, params: MatcherParams | None = None) -> None:
        self.params = params or MatcherParams()
        self._cache: OrderedDict[tuple[Minutia, ...], Cylinders] = OrderedDict()

    def cylinders(self, minutiae: tuple[Minutia, ...]) -> Cylinders:
        cached = self._cache.get(minutiae)
        if cached is not None:
            self._cache.move_to_end(minutiae)
            return cached
        xy, angle = minutiae_arrays(minutiae)
        built = build_cylinders(xy, angle, self.params.cylinder)
        self._cache[minutiae] = built
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return built

    def match_cylinders(self, a: Cylinders, b: Cylinders) -> float:
        p = self.params
        sim = local_similarity(a, b, p.cylinder, p.local)
        score, _, _ = lss_r(sim, a, b, p.relax)
        return score

    def match(self, a: FingerTemplate, b: FingerTemplate) -> float:
        """Similarity of two templates in [0, 1]; 0 when either has no usable minutiae."""
        return self.match_cylinders(self.cylinders(a.minutiae), self.cylinders(b.minutiae))
