"""Settings of the face pipeline: plain values, built from the ``[face]`` configuration section.

``kiosk/config.py`` builds ``FaceSettings`` from ``kiosk/defaults.toml`` (and a deployment file);
this package never reads files. Thresholds carry their provenance (the data and the date they
were calibrated on) so that a report can say where a decision's threshold came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from biometrics.face.mtcnn import DetectorSettings


@dataclass(frozen=True)
class QualityLimits:
    """Limits a face must meet; a face outside any of them is not acceptable."""

    min_eye_distance_px: float = 40.0
    max_yaw_deg: float = 20.0
    max_pitch_deg: float = 20.0
    max_roll_deg: float = 20.0
    min_sharpness: float = 0.0
    min_brightness: float = 40.0
    max_brightness: float = 225.0
    max_occlusion: float = 1.0


@dataclass(frozen=True)
class QualitySettings:
    """``guidance`` drives the prompts of the live camera; ``enrol`` is the hard floor below
    which no template is made (document portraits, enrolment photos, frames to compare)."""

    guidance: QualityLimits = field(default_factory=QualityLimits)
    enrol: QualityLimits = field(
        default_factory=lambda: QualityLimits(
            min_eye_distance_px=20.0, max_yaw_deg=40.0, max_pitch_deg=35.0, max_roll_deg=45.0,
            min_sharpness=0.0, min_brightness=0.0, max_brightness=255.0, max_occlusion=1.0,
        )
    )
    # A second face at least this large (eye distance, relative to the largest) is a second person.
    second_face_ratio: float = 0.6


@dataclass(frozen=True)
class CalibratedThreshold:
    """A verification threshold for one false-match rate, with where it came from."""

    fmr: float
    threshold: float
    data: str
    date: str
    n_impostor: int = 0
    n_genuine: int = 0


@dataclass(frozen=True)
class VerificationSettings:
    operating_fmr: float = 0.0005
    calibration: tuple[CalibratedThreshold, ...] = ()
    frames_to_aggregate: int = 3  # the best frames (by quality) whose scores are averaged

    def __post_init__(self) -> None:
        if self.calibration and not any(c.fmr == self.operating_fmr for c in self.calibration):
            known = ", ".join(str(c.fmr) for c in self.calibration)
            raise ValueError(f"no calibrated threshold for operating_fmr {self.operating_fmr} (have {known})")
        if self.frames_to_aggregate < 1:
            raise ValueError("frames_to_aggregate must be >= 1")

    @property
    def operating(self) -> CalibratedThreshold:
        for entry in self.calibration:
            if entry.fmr == self.operating_fmr:
                return entry
        return CalibratedThreshold(self.operating_fmr, 0.4, "uncalibrated: dlib's distance 0.6", "")

    @property
    def threshold(self) -> float:
        return self.operating.threshold


@dataclass(frozen=True)
class LivenessSettings:
    enabled: bool = True
    model_threshold: float = 0.5  # per-frame PAD model score (mean over frames) a live face reaches
    model_threshold_data: str = ""
    model_threshold_date: str = ""
    require_motion: bool = True  # a clip must show motion a flat medium cannot make
    min_clip_s: float = 1.0  # shorter clips give no temporal evidence
    min_parallax: float = 0.02  # nose displacement off the eyes-mouth plane, in eye distances
    min_blink_drop: float = 0.25  # relative drop of eye openness that counts as a blink
    min_colour: float = 4.0  # mean channel spread below which a frame is grey or infrared


@dataclass(frozen=True)
class FaceSettings:
    detector: DetectorSettings = field(default_factory=DetectorSettings)
    document_min_face_px: float = 24.0  # portraits on a scanned page are small
    live_min_face_px: float = 60.0  # at the gate the face is close to the camera
    # On a document page a smaller face than this (relative to the largest) is a ghost image.
    document_second_face_ratio: float = 0.85
    max_working_side_px: int = 1280  # larger images are searched at this size (faces refined at full size)
    quality: QualitySettings = field(default_factory=QualitySettings)
    verification: VerificationSettings = field(default_factory=VerificationSettings)
    liveness: LivenessSettings = field(default_factory=LivenessSettings)
