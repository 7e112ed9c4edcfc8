"""Liveness (presentation-attack detection): the PAD network per frame, and signals over time.

A clip is live when (1) its frames have colour (grey or infrared frames cannot be judged by a
network trained on colour), (2) the PAD network's mean P(live) over the face frames reaches
``model_threshold`` and, when ``require_motion`` is set, (3) the clip lasts at least
``min_clip_s`` and shows either nose parallax (a head, not a flat medium, moved) or a blink.
The result carries every signal so that a refusal says which one failed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from biometrics.face.pad import PadModel, pad_crop
from biometrics.face.results import LivenessResult
from biometrics.face.settings import LivenessSettings
from biometrics.face.temporal import blink, eye_openness, parallax
from models.sessions import SessionFactory

_MAX_MODEL_FRAMES = 8  # frames scored by the network per clip, evenly spread



def clip_duration(timestamps_s: Sequence[float]) -> float:
    """Time a clip's frames cover: first to last plus one frame interval (the median).

    N frames at f fps are N/f seconds of camera time; first-to-last alone is one interval short,
    so a camera asked for exactly ``min_clip_s`` would deliver a clip judged too short.
    """
    if len(timestamps_s) < 2:
        return 0.0
    stamps = np.asarray(timestamps_s, dtype=np.float64)
    return float(stamps[-1] - stamps[0] + np.median(np.diff(stamps)))

class LivenessFace(Protocol):
    """What liveness needs of a detected face (``detection.MeasuredFace`` has it)."""

    @property
    def chip(self) -> np.ndarray: ...
    @property
    def measures(self) -> dict[str, float]: ...
    @property
    def landmarks(self) -> np.ndarray: ...


class LivenessChecker:
    def __init__(self, factory: SessionFactory, settings: LivenessSettings) -> None:
        self.factory = factory
        self.settings = settings
        self._model: PadModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> PadModel:
        """The PAD network, opened on first use (ModelMissing if it is not built)."""
        with self._lock:
            if self._model is None:
                self._model = self.factory.model(PadModel)
            return self._model

    def frame_scores(self, rgb_frames: Sequence[np.ndarray], landmarks: Sequence[np.ndarray]) -> np.ndarray:
        """P(live) of the PAD network for each (frame, landmarks) pair."""
        if not rgb_frames:
            return np.empty(0, dtype=np.float32)
        crops = np.stack([pad_crop(rgb, points) for rgb, points in zip(rgb_frames, landmarks, strict=True)])
        return self.model(crops)

    def check_frame(self, rgb_frame: np.ndarray, face: LivenessFace) -> LivenessResult:
        """Liveness of one frame: colour and the PAD network alone (no signal over time)."""
        settings = self.settings
        threshold = settings.model_threshold
        colour = float(face.measures["colour"])
        signals = {"colour": colour}
        if colour < settings.min_colour:
            return LivenessResult(
                False, 0.0, threshold, signals,
                f"grey or infrared frame (colour {colour:.1f} < {settings.min_colour}): liveness needs colour",
            )
        score = float(self.frame_scores([rgb_frame], [face.landmarks])[0])
        signals["model"] = score
        if score < threshold:
            return LivenessResult(
                False, score, threshold, signals,
                f"the PAD model sees a photo or screen (P(live) {score:.3f} < {threshold:.3f})",
            )
        return LivenessResult(True, score, threshold, signals)

    def check(
        self,
        rgb_frames: Sequence[np.ndarray | None],
        faces: Sequence[LivenessFace | None],
        timestamps_s: Sequence[float],
    ) -> LivenessResult:
        """Liveness of a clip; frames without a face (None) are skipped."""
        settings = self.settings
        seen = [i for i, face in enumerate(faces) if face is not None and rgb_frames[i] is not None]
        if not seen:
            return LivenessResult(False, 0.0, settings.model_threshold, {}, "no face to judge")
        signals: dict[str, float] = {}
        colour = float(np.mean([faces[i].measures["colour"] for i in seen]))  # type: ignore[union-attr]
        signals["colour"] = colour
        if colour < settings.min_colour:
            return LivenessResult(
                False, 0.0, settings.model_threshold, signals,
                f"grey or infrared frames (colour {colour:.1f} < {settings.min_colour}): liveness needs colour",
            )
        picked = [seen[int(k)] for k in np.linspace(0, len(seen) - 1, min(len(seen), _MAX_MODEL_FRAMES))]
        scores = self.frame_scores(
            [rgb_frames[i] for i in picked],  # type: ignore[misc]
            [faces[i].landmarks for i in picked],  # type: ignore[union-attr]
        )
        model_score = float(np.mean(scores))
        signals["model"] = model_score
        duration = clip_duration([timestamps_s[i] for i in seen])
        signals["duration_s"] = duration
        if len(seen) >= 2:
            signals["parallax"] = parallax(np.stack([faces[i].landmarks for i in seen]))  # type: ignore[union-attr]
            openness = [eye_openness(faces[i].chip) for i in seen]  # type: ignore[union-attr]
            signals["blink"] = blink(openness, [timestamps_s[i] for i in seen])
        threshold = settings.model_threshold
        if model_score < threshold:
            return LivenessResult(
                False, model_score, threshold, signals,
                f"the PAD model sees a photo or screen (P(live) {model_score:.3f} < {threshold:.3f})",
            )
        if not settings.require_motion:
            return LivenessResult(True, model_score, threshold, signals)
        if duration < settings.min_clip_s:
            return LivenessResult(
                False, model_score, threshold, signals,
                f"clip of {duration:.2f} s is too short to see motion (needs {settings.min_clip_s} s)",
            )
        moved = signals.get("parallax", 0.0) >= settings.min_parallax
        blinked = signals.get("blink", 0.0) >= settings.min_blink_drop
        if not (moved or blinked):
            return LivenessResult(
                False, 0.0, threshold, signals,
                f"no blink and no head motion off a flat plane (parallax {signals.get('parallax', 0.0):.3f} "
                f"< {settings.min_parallax}, blink {signals.get('blink', 0.0):.2f} < {settings.min_blink_drop})",
            )
        return LivenessResult(True, model_score, threshold, signals)
