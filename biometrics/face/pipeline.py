"""The face pipeline the gate calls: guidance, references, templates, comparison, verification.

``FacePipeline`` is built once from the session factory and ``FaceSettings``; its entry points:

- ``assess(frame)``: the face and its quality with a prompt for the traveller (fast, per frame).
- ``reference_from_image(image)``: the template of the portrait on a document page or of an
  enrolment photo (the largest face; smaller faces such as a ghost image are ignored).
- ``template(frame)``: the template of the one face in a frame.
- ``compare(a, b)``: similarity, higher is more similar (1 - Euclidean distance of dlib
  descriptors, so dlib's same-person distance 0.6 is a score of 0.4).
- ``liveness(frames, timestamps)``: is it a live person (one frame: the PAD network; a clip:
  the network and signals over time)?
- ``verify_frames(frames, timestamps, reference)``: best frames, aggregated score, liveness.

Images are BGR uint8 as OpenCV reads them. Bad input raises ``ImageUnreadable``; no face,
two people or a face unfit to compare raise ``NoFaceFound``, ``MultipleFaces`` and
``PoorFaceQuality`` (``verify_frames`` reports these as a reason instead).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence

import cv2
import numpy as np

from biometrics.face.align import display_crop
from biometrics.face.detection import MeasuredFace, find_faces, find_faces_any_orientation, others_present
from biometrics.face.embedder import FaceEmbedder
from biometrics.face.errors import FaceError, MultipleFaces, NoFaceFound, PoorFaceQuality
from biometrics.face.image_io import as_bgr
from biometrics.face.liveness import LivenessChecker
from biometrics.face.mtcnn import MtcnnDetector
from biometrics.face.quality import assess_quality
from biometrics.face.results import FaceBox, FaceQuality, FaceTemplate, FaceVerification, LivenessResult
from biometrics.face.settings import FaceSettings
from models.sessions import SessionFactory

log = logging.getLogger(__name__)

_NO_FACE = FaceQuality(score=0.0, acceptable=False, prompt="look_at_camera", measures={})


class FacePipeline:
    def __init__(self, factory: SessionFactory, settings: FaceSettings) -> None:
        self.settings = settings
        self.detector = MtcnnDetector.from_factory(factory, settings.detector)
        self.embedder = factory.model(FaceEmbedder)
        self.liveness_checker = LivenessChecker(factory, settings.liveness)

    # -- finding faces --------------------------------------------------------------------

    def _faces(
        self, image_bgr: np.ndarray, min_face_px: float, any_orientation: bool = False
    ) -> tuple[np.ndarray, list[MeasuredFace]]:
        rgb = _rgb(image_bgr)
        search = find_faces_any_orientation if any_orientation else find_faces
        return rgb, search(self.detector, rgb, min_face_px, self.settings.max_working_side_px)

    def _quality(self, face: MeasuredFace, strict: bool) -> FaceQuality:
        limits = self.settings.quality.guidance if strict else self.settings.quality.enrol
        return assess_quality(face.measures, limits)

    def _embed(self, face: MeasuredFace, source: str, quality: FaceQuality) -> FaceTemplate:
        vector = np.asarray(self.embedder.embed(face.chip), dtype=np.float32)
        return FaceTemplate(vector=vector, source=source, quality=quality, model=self.embedder.MODEL_NAME,
                            landmarks=_points(face.landmarks))

    def _enrolable(self, face: MeasuredFace) -> FaceQuality:
        quality = self._quality(face, strict=False)
        if not quality.acceptable:
            raise PoorFaceQuality(_quality_reason(quality))
        return quality

    # -- entry points ---------------------------------------------------------------------

    def assess(self, frame_bgr: np.ndarray) -> tuple[FaceBox | None, FaceQuality]:
        """The main face of a live frame and its quality against the guidance limits."""
        _, faces = self._faces(frame_bgr, self.settings.live_min_face_px)
        if not faces:
            return None, _NO_FACE
        quality = self._quality(faces[0], strict=True)
        if others_present(faces, self.settings.quality.second_face_ratio):
            quality = FaceQuality(0.0, False, "only_one_person", dict(quality.measures))
        return faces[0].box(), quality

    def reference_from_image(self, image_bgr: np.ndarray, source: str = "document_page") -> FaceTemplate:
        """The template of the portrait on a document page, or of an enrolment photo.

        The largest face is the portrait; a ghost image or a background face smaller than
        ``document_second_face_ratio`` of it is ignored. Two portraits of about the same size
        raise MultipleFaces. A page laid sideways or upside down is searched turned.
        """
        _, faces = self._faces(image_bgr, self.settings.document_min_face_px, any_orientation=True)
        if not faces:
            raise NoFaceFound("no face found on the image")
        if others_present(faces, self.settings.document_second_face_ratio):
            raise MultipleFaces(f"{len(faces)} faces of similar size on the image; which one is the portrait?")
        return self._embed(faces[0], source, self._enrolable(faces[0]))

    def portrait(self, image_bgr: np.ndarray) -> tuple[FaceBox, np.ndarray]:
        """The portrait's box and its aligned chip (BGR uint8), for the officer's side-by-side view."""
        _, faces = self._faces(image_bgr, self.settings.document_min_face_px, any_orientation=True)
        if not faces:
            raise NoFaceFound("no face found on the image")
        chip = np.clip(faces[0].chip[:, :, ::-1], 0, 255).astype(np.uint8)
        return faces[0].box(), chip

    def display_crop(self, image_bgr: np.ndarray, *, document: bool = False) -> np.ndarray:
        """The main face of a document page (``document``, any orientation) or a live frame as an upright
        BGR uint8 crop for an officer to compare faces by eye (``align.display_crop``); NoFaceFound if none."""
        smallest = self.settings.document_min_face_px if document else self.settings.live_min_face_px
        _, faces = self._faces(image_bgr, smallest, any_orientation=document)
        if not faces:
            raise NoFaceFound("no face found on the image")
        return display_crop(as_bgr(image_bgr), faces[0].landmarks)

    @staticmethod
    def display_crop_at(image_bgr: np.ndarray, landmarks: Sequence[tuple[float, float]]) -> np.ndarray:
        """``display_crop`` of a face whose landmarks are already known (a reference's or the best live
        frame's): the same crop without running the detector again."""
        if len(landmarks) != 5:
            raise ValueError(f"expected 5 landmarks, got {len(landmarks)}")
        return display_crop(as_bgr(image_bgr), np.asarray(landmarks, dtype=np.float64))

    def template(self, frame_bgr: np.ndarray, source: str = "live", min_face_px: float | None = None) -> FaceTemplate:
        """The template of the one face in a frame or photo; faces are searched down to
        ``min_face_px`` (default: the detector's, for photos; live frames use ``live_min_face_px``)."""
        smallest = self.settings.detector.min_face_px if min_face_px is None else min_face_px
        _, faces = self._faces(frame_bgr, smallest)
        if not faces:
            raise NoFaceFound("no face found in the image")
        if others_present(faces, self.settings.quality.second_face_ratio):
            raise MultipleFaces(f"{len(faces)} faces in the image; one person at a time")
        return self._embed(faces[0], source, self._enrolable(faces[0]))

    def compare(self, a: FaceTemplate, b: FaceTemplate) -> float:
        """Similarity of two templates: 1 - Euclidean distance (higher = more similar)."""
        if a.model != b.model:
            raise ValueError(f"templates of different models cannot be compared: {a.model} vs {b.model}")
        return float(1.0 - np.linalg.norm(np.asarray(a.vector, np.float64) - np.asarray(b.vector, np.float64)))

    def liveness(
        self, frames_bgr: Sequence[np.ndarray], timestamps_s: Sequence[float], min_face_px: float | None = None
    ) -> LivenessResult:
        """Liveness of one frame (PAD network only) or of a clip (network and signals over time).

        The largest face of each frame is judged; frames without one are skipped. Unreadable
        frames raise ``ImageUnreadable``; no face at all gives a not-live result with a reason."""
        if len(frames_bgr) == 0 or len(frames_bgr) != len(timestamps_s):
            raise ValueError(f"{len(frames_bgr)} frames and {len(timestamps_s)} timestamps")
        smallest = self.settings.live_min_face_px if min_face_px is None else min_face_px
        rgb_frames: list[np.ndarray | None] = []
        faces: list[MeasuredFace | None] = []
        for frame in frames_bgr:
            rgb, found = self._faces(frame, smallest)
            rgb_frames.append(rgb)
            faces.append(found[0] if found else None)
        if len(frames_bgr) == 1:
            first_face, first_rgb = faces[0], rgb_frames[0]
            if first_face is None or first_rgb is None:
                threshold = self.settings.liveness.model_threshold
                return LivenessResult(False, 0.0, threshold, {}, "no face to judge")
            return self.liveness_checker.check_frame(first_rgb, first_face)
        return self.liveness_checker.check(rgb_frames, faces, timestamps_s)

    def verify_frames(
        self, frames_bgr: Sequence[np.ndarray], timestamps_s: Sequence[float], reference: FaceTemplate
    ) -> FaceVerification:
        """Verify the person in a short clip against a reference: best frames, mean score, liveness."""
        start = time.perf_counter()
        threshold = self.settings.verification.threshold

        def result(quality: FaceQuality, reason: str) -> FaceVerification:
            return FaceVerification(
                same=False, score=0.0, threshold=threshold, quality=quality, liveness=None, frames_used=0,
                best_frame=-1, ms=(time.perf_counter() - start) * 1000.0, reason=reason,
            )

        if len(frames_bgr) == 0:
            return result(_NO_FACE, "no frames given")
        if len(frames_bgr) != len(timestamps_s):
            raise ValueError(f"{len(frames_bgr)} frames but {len(timestamps_s)} timestamps")
        if any(b < a for a, b in itertools.pairwise(timestamps_s)):
            raise ValueError("timestamps must not decrease")

        per_frame: list[MeasuredFace | None] = []
        crowded = 0
        unreadable = 0
        for frame in frames_bgr:
            try:
                _, faces = self._faces(frame, self.settings.live_min_face_px)
            except FaceError:
                unreadable += 1
                per_frame.append(None)
                continue
            crowded += others_present(faces, self.settings.quality.second_face_ratio)
            per_frame.append(faces[0] if faces else None)
        if unreadable == len(frames_bgr):
            return result(_NO_FACE, "no readable frame")
        if crowded * 2 > len(frames_bgr):
            return result(FaceQuality(0.0, False, "only_one_person", {}), "more than one person in front of the camera")

        ranked = []
        for index, face in enumerate(per_frame):
            if face is None:
                continue
            enrol = self._quality(face, strict=False)
            if enrol.acceptable:
                ranked.append((self._quality(face, strict=True), index, face))
        if not ranked:
            seen = [f for f in per_frame if f is not None]
            if not seen:
                return result(_NO_FACE, "no face found in any frame")
            best_seen = max(seen, key=lambda f: self._quality(f, strict=False).score)
            quality = self._quality(best_seen, strict=False)
            return result(quality, f"poor face quality in every frame: {_quality_reason(quality)}")
        ranked.sort(key=lambda r: -r[0].score)
        chosen = ranked[: self.settings.verification.frames_to_aggregate]
        vectors = self.embedder(np.stack([face.chip for _, _, face in chosen]))
        wanted = reference.vector.astype(np.float64)
        scores = [float(1.0 - np.linalg.norm(v.astype(np.float64) - wanted)) for v in vectors]
        score = float(np.mean(scores))
        best_quality, best_index, best_face = chosen[0]

        liveness = None
        if self.settings.liveness.enabled:
            rgb_frames = [_rgb(f) if face is not None else None
                          for f, face in zip(frames_bgr, per_frame, strict=True)]
            liveness = self.liveness_checker.check(rgb_frames, per_frame, timestamps_s)
        reason = None
        if liveness is not None and not liveness.live:
            reason = f"not live: {liveness.reason}"
        elif score < threshold:
            reason = f"different person: score {score:.3f} below threshold {threshold:.3f}"
        return FaceVerification(
            same=reason is None, score=score, threshold=threshold, quality=best_quality, liveness=liveness,
            frames_used=len(chosen), best_frame=best_index, ms=(time.perf_counter() - start) * 1000.0, reason=reason,
            best_landmarks=_points(best_face.landmarks),
        )


def _points(landmarks: np.ndarray) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in landmarks)


def _rgb(image_bgr: np.ndarray) -> np.ndarray:
    """The checked image as RGB (cv2's channel swap: 0.1 ms on 640x480, a reversed-stride copy 3 ms)."""
    rgb: np.ndarray = cv2.cvtColor(as_bgr(image_bgr), cv2.COLOR_BGR2RGB)
    return rgb


def _quality_reason(quality: FaceQuality) -> str:
    m = quality.measures
    details = {
        "come_closer": f"face too small (eye distance {m.get('eye_distance_px', 0):.0f} px)",
        "look_at_camera": (
            f"face turned away (yaw {m.get('yaw_deg', 0):.0f}, pitch {m.get('pitch_deg', 0):.0f}, "
            f"roll {m.get('roll_deg', 0):.0f} degrees)"
        ),
        "remove_obstruction": f"face partly covered (occlusion {m.get('occlusion', 0):.2f})",
        "more_light": f"face too dark (brightness {m.get('brightness', 0):.0f})",
        "less_light": f"face over-exposed (brightness {m.get('brightness', 0):.0f})",
        "hold_still": f"face blurred (sharpness {m.get('sharpness', 0):.3f})",
    }
    return details.get(quality.prompt or "", "face quality below the limits")
