"""The finger stage: presented fingers verified against the enrolled templates (biometrics.finger)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from biometrics.finger.errors import FingerError
from biometrics.finger.results import FingerPosition, FingerTemplate, FingerVerification
from biometrics.finger.settings import FingerSettings
from kiosk.engine.ports import FingerCapture
from kiosk.policy.evidence import Finding
from models.errors import ModelError
from models.sessions import SessionFactory

if TYPE_CHECKING:
    from biometrics.finger.pipeline import FingerPipeline


class FingerStage:
    def __init__(self, factory: SessionFactory, settings: FingerSettings) -> None:
        self.factory = factory
        self.settings = settings
        self._pipeline: FingerPipeline | None = None
        self._lock = threading.Lock()

    def pipeline(self) -> FingerPipeline:
        from biometrics.finger.pipeline import FingerPipeline

        with self._lock:
            if self._pipeline is None:
                self._pipeline = FingerPipeline(self.factory, self.settings)
            return self._pipeline

    def verify(
        self, capture: FingerCapture, enrolled: dict[FingerPosition, FingerTemplate]
    ) -> tuple[FingerVerification | None, tuple[Finding, ...]]:
        try:
            return self.pipeline().verify(capture.images, enrolled, capture.dpi), ()
        except ModelError as exc:
            detail = f"finger models: {str(exc).split(' (known:', 1)[0]}"
            return None, (Finding("CAPABILITY_MISSING", detail, "fingers"),)
        except (FingerError, ValueError) as exc:
            return None, (Finding("FINGER_NOT_CAPTURED", str(exc), "fingers"),)
