"""The face stage: the reference template (document portrait or enrolment) and live verification.

The face pipeline is ``kiosk.runtime.face_pipeline``; when its liveness model is not built the
stage verifies without liveness and says so (LIVENESS_UNAVAILABLE), and when the face models
themselves are missing it reports CAPABILITY_MISSING. Nothing is faked.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from biometrics.face.errors import FaceError
from biometrics.face.results import FaceTemplate, FaceVerification
from biometrics.face.settings import FaceSettings
from kiosk.engine.ports import Clip
from kiosk.policy.evidence import Finding
from models.errors import ModelError
from models.sessions import SessionFactory

if TYPE_CHECKING:
    from biometrics.face.pipeline import FacePipeline

log = logging.getLogger(__name__)


class FaceStage:
    def __init__(self, factory: SessionFactory, settings: FaceSettings) -> None:
        self.factory = factory
        self.settings = settings
        self._pipeline: FacePipeline | None = None
        self._liveness_missing: str | None = None
        self._lock = threading.Lock()

    def pipeline(self) -> tuple[FacePipeline, str | None]:
        """The pipeline, and why liveness is unavailable (None when it is)."""
        from biometrics.face.pipeline import FacePipeline

        with self._lock:
            if self._pipeline is None:
                settings = self.settings
                if settings.liveness.enabled:
                    try:
                        pad_path = self.factory.path("face_pad")
                        if not pad_path.is_file():
                            raise FileNotFoundError(str(pad_path))
                    except (ModelError, FileNotFoundError) as exc:
                        self._liveness_missing = f"liveness model face_pad not available: {_short(exc)}"
                        log.warning("%s; verifying without liveness", self._liveness_missing)
                        settings = dataclasses.replace(
                            settings, liveness=dataclasses.replace(settings.liveness, enabled=False)
                        )
                self._pipeline = FacePipeline(self.factory, settings)
            return self._pipeline, self._liveness_missing

    def reference_from_page(self, page: np.ndarray) -> tuple[FaceTemplate | None, tuple[Finding, ...]]:
        try:
            pipeline, _ = self.pipeline()
            return pipeline.reference_from_image(page, "document_page"), ()
        except FaceError as exc:
            return None, (Finding("FACE_NO_REFERENCE", f"document portrait: {exc}", "face"),)
        except ModelError as exc:
            return None, (Finding("CAPABILITY_MISSING", f"face models: {_short(exc)}", "face"),)

    def display_crops(
        self, page: np.ndarray | None, frame: np.ndarray | None,
        page_landmarks: Sequence[tuple[float, float]] = (), frame_landmarks: Sequence[tuple[float, float]] = (),
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The portrait of a document page and the face of a live frame, cropped upright for an officer's
        eyes (BGR uint8; None where there is no image or no face). Never raises: pictures are a courtesy.

        Landmarks already found on an image (the portrait's when the reference was cut from this page,
        the best live frame's from verification) are used as they are: the detector runs only for an
        image without them."""
        out: list[np.ndarray | None] = []
        for image, document, landmarks in ((page, True, page_landmarks), (frame, False, frame_landmarks)):
            crop = None
            if image is not None:
                try:
                    pipeline, _ = self.pipeline()
                    if landmarks:
                        crop = pipeline.display_crop_at(image, landmarks)
                    else:
                        crop = pipeline.display_crop(image, document=document)
                except (FaceError, ModelError, ValueError) as exc:
                    log.info("no %s face to show the officer: %s", "document" if document else "live", exc)
            out.append(crop)
        return out[0], out[1]

    def verify(self, clip: Clip, reference: FaceTemplate) -> tuple[FaceVerification | None, tuple[Finding, ...]]:
        try:
            pipeline, liveness_missing = self.pipeline()
            result = pipeline.verify_frames(list(clip.frames), list(clip.timestamps_s), reference)
        except ModelError as exc:
            return None, (Finding("CAPABILITY_MISSING", f"face models: {_short(exc)}", "face"),)
        except (FaceError, ValueError) as exc:
            return None, (Finding("FACE_NOT_CAPTURED", str(exc), "face"),)
        findings: tuple[Finding, ...] = ()
        if liveness_missing and result.frames_used > 0:
            findings = (Finding("LIVENESS_UNAVAILABLE", liveness_missing, "face"),)
        return result, findings


def _short(exc: BaseException) -> str:
    """An error's message without the list of every known model that ModelUnknown appends."""
    return str(exc).split(" (known:", 1)[0]
