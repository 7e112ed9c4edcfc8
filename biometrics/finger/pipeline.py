"""The fingerprint pipeline the gate calls: assess, extract, match, verify and enrol.

``FingerPipeline(factory, settings)`` owns the LEADER network (through the session factory),
the NFIQ 2 forest (its verified path) and the MCC matcher. Images are uint8 grayscale arrays
with their sensor resolution in dpi; everything inside works at 500 dpi.

Bad input never crashes: an impossible array or resolution raises ``ImageUnreadable``, an image
without a ridge pattern ``NoFingerprint``, a finger too poor to match ``PoorFingerQuality``.
``verify`` turns those into a non-match with the prompt as reason instead of raising.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np

from biometrics.finger import image as fimage
from biometrics.finger.errors import FingerError, NoFingerprint, PoorFingerQuality
from biometrics.finger.extract import ExtractorSettings, extract_minutiae
from biometrics.finger.fusion import fuse
from biometrics.finger.leader import LeaderNet
from biometrics.finger.matcher import MinutiaeMatcher
from biometrics.finger.nfiq2 import FOREST_MODEL, Nfiq2Forest, nfiq2_features
from biometrics.finger.quality import QualityGate, fast_score, finger_present, judge, measures
from biometrics.finger.results import (
    FingerMatch,
    FingerPosition,
    FingerQuality,
    FingerTemplate,
    FingerVerification,
    Minutia,
)
from biometrics.finger.segmentation import Segmentation, segment
from biometrics.finger.settings import FingerSettings
from models.sessions import SessionFactory

log = logging.getLogger(__name__)


class FingerPipeline:
    def __init__(self, factory: SessionFactory, settings: FingerSettings | None = None) -> None:
        self.factory = factory
        self.settings = settings or FingerSettings()
        s = self.settings
        self.extractor_settings = ExtractorSettings(min_probability=s.min_probability, max_minutiae=s.max_minutiae)
        self.gate = QualityGate(
            min_area_mm2=s.min_area_mm2,
            partial_area_mm2=s.partial_area_mm2,
            min_coherence=s.min_coherence,
            min_minutiae=s.min_minutiae,
            min_score=s.min_enrol_score,
        )
        self.matcher = MinutiaeMatcher()

    @property
    def net(self) -> LeaderNet:
        return self.factory.model(LeaderNet)

    @cached_property
    def forest(self) -> Nfiq2Forest:
        return Nfiq2Forest.load(self.factory.path(FOREST_MODEL))

    # -- stages -------------------------------------------------------------------------

    def _prepare(self, image: np.ndarray, dpi: int) -> tuple[np.ndarray, Segmentation]:
        normalised = fimage.to_500dpi(image, int(dpi))
        return normalised, segment(normalised)

    def _minutiae(self, image: np.ndarray, seg: Segmentation) -> tuple[Minutia, ...]:
        return extract_minutiae(self.net, image, seg, self.extractor_settings)

    def _quality(
        self, image: np.ndarray, seg: Segmentation, minutiae: Sequence[Minutia], with_nfiq2: bool
    ) -> FingerQuality:
        m = measures(image, seg, minutiae)
        if with_nfiq2 and finger_present(m, self.gate):
            score = self.forest.score(nfiq2_features(image, minutiae))
            m["nfiq2"] = float(score)
        else:
            score = fast_score(m)
        return judge(m, score, self.gate)

    def _measure(self, image_gray: np.ndarray, dpi: int) -> tuple[np.ndarray, Segmentation, tuple[Minutia, ...]]:
        """The image at 500 dpi, its segmentation and its minutiae: the one network run that extraction and
        assessment both need (enrolment asks for both, and the network is most of either's time)."""
        image, seg = self._prepare(image_gray, dpi)
        return image, seg, self._minutiae(image, seg) if seg.area_px else ()

    def assess(self, image_gray: np.ndarray, dpi: int) -> FingerQuality:
        """Capture quality with the NFIQ 2 style score and a prompt key for the traveller."""
        image, seg, minutiae = self._measure(image_gray, dpi)
        return self._quality(image, seg, minutiae, with_nfiq2=True)

    def extract(
        self, image_gray: np.ndarray, dpi: int, position: FingerPosition = FingerPosition.UNKNOWN
    ) -> FingerTemplate:
        """The minutiae template at 500 dpi; NoFingerprint / PoorFingerQuality when unusable."""
        image, seg, minutiae = self._measure(image_gray, dpi)
        quality = self._quality(image, seg, minutiae, with_nfiq2=self.settings.nfiq2_on_extract)
        return self._template(image, minutiae, position, quality)

    def _template(
        self, image: np.ndarray, minutiae: tuple[Minutia, ...], position: FingerPosition, quality: FingerQuality
    ) -> FingerTemplate:
        if quality.prompt == "place_finger":
            raise NoFingerprint("no ridge pattern found in the image")
        if len(minutiae) < self.gate.min_minutiae:
            raise PoorFingerQuality(
                f"only {len(minutiae)} minutiae found (at least {self.gate.min_minutiae} needed)"
            )
        h, w = image.shape
        return FingerTemplate(position=position, minutiae=minutiae, width=w, height=h, quality=quality, dpi=500)

    def match(self, a: FingerTemplate, b: FingerTemplate) -> float:
        """MCC similarity of two templates in [0, 1]; higher is more alike."""
        return self.matcher.match(a, b)

    # -- decisions ----------------------------------------------------------------------

    def _probe(
        self, position: FingerPosition, image: np.ndarray, enrolled: Mapping[FingerPosition, FingerTemplate], dpi: int
    ) -> tuple[FingerMatch, str | None]:
        threshold = self.settings.threshold
        try:
            probe = self.extract(image, dpi, position)
        except FingerError as exc:
            prompt = "clean_glass" if isinstance(exc, PoorFingerQuality) else "place_finger"
            quality = FingerQuality(score=0, acceptable=False, prompt=prompt, measures={})
            log.info("finger %s not usable: %s", position.name, exc)
            return FingerMatch(position, 0.0, threshold, False, quality), prompt
        if position == FingerPosition.UNKNOWN:
            candidates = list(enrolled.values())
        else:
            candidates = [enrolled[position]] if position in enrolled else []
        score = max((self.match(probe, ref) for ref in candidates), default=0.0)
        return FingerMatch(position, score, threshold, score >= threshold, probe.quality), None

    def verify(
        self,
        probes: Mapping[FingerPosition, np.ndarray],
        enrolled: Mapping[FingerPosition, FingerTemplate],
        dpi: int,
    ) -> FingerVerification:
        """Fused decision over the fingers presented against the same fingers enrolled.

        A probe at ``FingerPosition.UNKNOWN`` is compared with every enrolled finger (best
        score): "any of N enrolled fingers", with an FMR up to N times the single-finger one.
        """
        start = time.perf_counter()
        matches: list[FingerMatch] = []
        reasons: list[str] = []
        for position, image in probes.items():
            if position != FingerPosition.UNKNOWN and position not in enrolled:
                reasons.append("finger_not_enrolled")
            result, prompt = self._probe(position, image, enrolled, dpi)
            matches.append(result)
            if prompt:
                reasons.append(prompt)
        scores = [m.score for m in matches]
        fused = fuse(scores, self.settings.fusion_rule)
        threshold = self.settings.threshold_for(len(matches))
        same = bool(matches) and fused >= threshold
        reason: str | None = None
        if not matches:
            reason = "place_finger"
        elif not same:
            reason = reasons[0] if reasons else "wrong_finger"
        ms = (time.perf_counter() - start) * 1000.0
        return FingerVerification(same, fused, threshold, tuple(matches), ms, reason)

    def enrol(
        self, impressions: Mapping[FingerPosition, Sequence[np.ndarray]], dpi: int
    ) -> dict[FingerPosition, FingerTemplate]:
        """One template per finger: the acceptable impression most similar to the others.

        Impressions below the quality gate are dropped; a finger left with none is not
        enrolled (its key is missing from the result). PoorFingerQuality when no finger at all
        could be enrolled.
        """
        enrolled: dict[FingerPosition, FingerTemplate] = {}
        problems: list[str] = []
        for position, images in impressions.items():
            usable: list[FingerTemplate] = []
            for k, img in enumerate(images):
                image, seg, minutiae = self._measure(img, dpi)
                quality = self._quality(image, seg, minutiae, with_nfiq2=True)
                try:
                    template = self._template(image, minutiae, position, quality)
                except FingerError as exc:
                    problems.append(f"{position.name} impression {k + 1}: {exc}")
                    continue
                if not quality.acceptable:
                    problems.append(f"{position.name} impression {k + 1}: quality {quality.score} ({quality.prompt})")
                    continue
                usable.append(template)
            if not usable:
                continue
            if len(usable) == 1:
                enrolled[position] = usable[0]
                continue
            centrality = [
                sum(self.match(t, other) for other in usable if other is not t) for t in usable
            ]
            enrolled[position] = usable[int(np.argmax(centrality))]
        if not enrolled:
            detail = "; ".join(problems) or "no impressions given"
            raise PoorFingerQuality(f"no finger could be enrolled: {detail}")
        return enrolled
