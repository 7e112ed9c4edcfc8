"""Score-level fusion of several fingers of one person.

Each finger presented is matched with the same finger enrolled; the fused score is the mean
(or the maximum) of the per-finger similarities. A finger that could not be captured counts
as 0, never as absent: a traveller who presents two fingers is judged on two.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def fuse(scores: Sequence[float], rule: str) -> float:
    if not scores:
        return 0.0
    values = np.asarray(scores, dtype=np.float64)
    if rule == "mean":
        return float(values.mean())
    if rule == "max":
        return float(values.max())
    raise ValueError(f"unknown fusion rule {rule!r}")
