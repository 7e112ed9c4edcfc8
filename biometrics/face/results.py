"""Results of the face pipeline, read alike by the policy, console, audit log and replay report.

Prompts are keys (``come_closer``, ``look_at_camera``, ``only_one_person``, ``more_light``,
``hold_still``, ``remove_obstruction``), translated by the UI, never sentences in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class FaceBox:
    """A detected face in image pixels; landmarks are (x, y) of the eyes, nose and mouth corners."""

    x: float
    y: float
    width: float
    height: float
    score: float
    landmarks: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class FaceQuality:
    score: float  # 0..1, higher is better
    acceptable: bool
    prompt: str | None = None  # what the traveller should do, as a prompt key
    measures: Mapping[str, float] = field(default_factory=dict)  # size, yaw, sharpness, exposure ...


@dataclass(frozen=True, eq=False)
class FaceTemplate:
    """A face descriptor and where it came from (never the image, where policy allows)."""

    vector: np.ndarray  # float32, shape (128,)
    source: str  # "document_page", "enrolment", "live"
    quality: FaceQuality | None = None
    model: str = "face_embedder"
    # Where the face lay on the image it was cut from, in that image's pixels (eyes, nose, mouth
    # corners): lets the officer's picture be cropped without detecting again. Empty for templates
    # not made from an image in this process (enrolment store); never stored.
    landmarks: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class LivenessResult:
    live: bool
    score: float  # higher = more likely a live person
    threshold: float
    signals: Mapping[str, float] = field(default_factory=dict)  # model score, blink, motion, moire ...
    reason: str | None = None  # why not live, in words a tester understands


@dataclass(frozen=True)
class FaceVerification:
    same: bool
    score: float  # higher = more similar
    threshold: float
    quality: FaceQuality
    liveness: LivenessResult | None
    frames_used: int
    best_frame: int  # index of the frame the score comes from
    ms: float
    reason: str | None = None  # why not verified (no face, poor quality, not live, different person)
    best_landmarks: tuple[tuple[float, float], ...] = ()  # the face in ``best_frame`` (empty if none)
