"""Small helpers every benchmark uses: finding images, timing, percentiles."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".pgm", ".ppm", ".bmp", ".tif", ".tiff", ".gif"}
T = TypeVar("T")


def image_files(root: Path) -> list[Path]:
    """Every image under ``root``, sorted, so runs are comparable."""
    if not root.is_dir():
        raise FileNotFoundError(f"benchmark folder not found: {root}")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """(result, milliseconds)."""
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) or None for no values (never a made-up number)."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)

