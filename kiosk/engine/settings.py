"""Engine settings: the ``[engine]`` section of the configuration (time budgets, retries, capture)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSettings:
    # Time budgets in seconds, per stage and for the whole transaction (the 15 s target). A stage
    # over its budget ends with STAGE_TIMEOUT; the total budget is reported when exceeded.
    document_s: float = 5.0
    entry_s: float = 8.0
    face_s: float = 6.0
    fingers_s: float = 8.0
    exit_s: float = 8.0
    total_s: float = 15.0
    # How long a referred traveller waits for an officer before the lane sends them back.
    officer_s: float = 0.0
    # Retries after guidance (present the document again, look at the camera, place the finger again).
    document_retries: int = 1
    face_retries: int = 1
    finger_retries: int = 1
    # Length of the face clip the camera captures per attempt, seconds.
    face_clip_s: float = 1.0
    # At most this many frames of a clip (evenly spread over it) are verified: detection costs per frame.
    face_max_frames: int = 4
    # Worker threads for the stages that run in parallel (document read, portrait, face, fingers).
    workers: int = 3
    # Door motion times assumed by the lane clock when doors are not waited for (simulated time).
    door_open_s: float = 1.2
    door_close_s: float = 1.5

    def __post_init__(self) -> None:
        for name in ("document_s", "entry_s", "face_s", "fingers_s", "exit_s", "total_s", "face_clip_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        retries = (self.document_retries, self.face_retries, self.finger_retries)
        if min(retries) < 0 or min(self.workers, self.face_max_frames) < 1:
            raise ValueError("retries must be >= 0, workers and face_max_frames >= 1")
