"""Results of the fingerprint pipeline.

Prompts are keys (``place_finger``, ``press_harder``, ``press_lighter``, ``clean_glass``,
``wrong_finger``, ``center_finger``), translated by the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum


class FingerPosition(IntEnum):
    """ISO/IEC 19794-2 finger positions."""

    UNKNOWN = 0
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10


@dataclass(frozen=True)
class Minutia:
    x: float  # pixels at 500 dpi
    y: float
    angle: float  # radians, counter-clockwise from the x axis
    kind: str  # "ending", "bifurcation" or "other"
    quality: int = 0  # 0..100


@dataclass(frozen=True)
class FingerQuality:
    score: int  # 0..100 (NFIQ 2 style utility)
    acceptable: bool
    prompt: str | None = None
    measures: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FingerTemplate:
    position: FingerPosition
    minutiae: tuple[Minutia, ...]
    width: int  # image size at 500 dpi
    height: int
    quality: FingerQuality | None = None
    dpi: int = 500


@dataclass(frozen=True)
class FingerMatch:
    position: FingerPosition
    score: float
    threshold: float
    matched: bool
    quality: FingerQuality | None = None


@dataclass(frozen=True)
class FingerVerification:
    same: bool
    score: float  # fused over the fingers presented
    threshold: float
    per_finger: tuple[FingerMatch, ...]
    ms: float
    reason: str | None = None
