"""The record of one transaction, read alike by the store, the console and the replay report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from biometrics.face.results import FaceVerification
from biometrics.finger.results import FingerVerification
from kiosk.policy.decide import Decision
from mrz.document import Document


@dataclass(frozen=True)
class Transaction:
    id: str
    decision: Decision
    document: Document | None
    face: FaceVerification | None
    fingers: FingerVerification | None
    stage_ms: dict[str, float]  # compute time per stage (document, portrait, face, fingers, decision)
    state_s: dict[str, float]  # clock time spent in each state
    engine_ms: float  # compute time of the whole transaction
    lane_s: float  # clock time from the document presented to the lane ready again
    aborted: str | None = None  # why the transaction was aborted (doors closed), else None
    officer: str | None = None
    prompts: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    presentation_s: float = 0.0  # clock time from the gate ready for a document to the document presented

    @property
    def cycle_s(self) -> float:
        """Lane time of this traveller including the document presentation: the lane's cycle."""
        return self.presentation_s + self.lane_s

    @property
    def scores(self) -> dict[str, float]:
        return self.scores_of(self.face, self.fingers)

    @staticmethod
    def scores_of(face: FaceVerification | None, fingers: FingerVerification | None) -> dict[str, float]:
        """The scores and thresholds of a face and finger verification, rounded, by name."""
        out: dict[str, float] = {}
        if face is not None:
            out["face"] = round(face.score, 4)
            out["face_threshold"] = round(face.threshold, 4)
            if face.liveness is not None:
                out["liveness"] = round(face.liveness.score, 4)
        if fingers is not None:
            out["finger"] = round(fingers.score, 4)
            out["finger_threshold"] = round(fingers.threshold, 4)
        return out
