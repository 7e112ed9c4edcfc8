"""Identity folders, comparison pairs and scores shared by ``kiosk bench face`` and ``kiosk face calibrate``.

A folder of identities has one subfolder per person (images searched recursively inside it).
Genuine pairs are all pairs within a person; impostor pairs all pairs across persons, sampled
with a fixed seed when there are more than the cap. An image in which no template could be made
scores ``FAILED`` in every pair, so it counts as an error (a false non-match), never as a skip.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.bench.common import image_files

FAILED = -1e9  # score of a pair in which either image failed to enrol
IMPOSTOR_CAP = 100_000
SEED = 20240


@dataclass(frozen=True)
class Sample:
    path: Path
    identity: str


def identity_samples(root: Path) -> list[Sample]:
    """Every image under ``root``, labelled with its first-level subfolder."""
    samples = []
    for path in image_files(root):
        relative = path.relative_to(root)
        if len(relative.parts) >= 2:
            samples.append(Sample(path, relative.parts[0]))
    if not samples:
        raise FileNotFoundError(f"no identity subfolders with images under {root}")
    return samples


Pair = tuple[int, int]


def pairs(samples: Sequence[Sample], cap: int = IMPOSTOR_CAP, seed: int = SEED) -> tuple[list[Pair], list[Pair]]:
    """(genuine, impostor) index pairs; impostors sampled without replacement when above ``cap``."""
    genuine: list[Pair] = []
    impostor: list[Pair] = []
    for i, j in itertools.combinations(range(len(samples)), 2):
        (genuine if samples[i].identity == samples[j].identity else impostor).append((i, j))
    if len(impostor) > cap:
        impostor = sorted(random.Random(seed).sample(impostor, cap))
    return genuine, impostor


def pair_scores(vectors: Sequence[np.ndarray | None], index_pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 - Euclidean distance per pair; ``FAILED`` where either side has no template."""
    scores = np.full(len(index_pairs), FAILED, dtype=np.float64)
    for k, (i, j) in enumerate(index_pairs):
        a, b = vectors[i], vectors[j]
        if a is not None and b is not None:
            scores[k] = 1.0 - float(np.linalg.norm(a.astype(np.float64) - b.astype(np.float64)))
    return scores
