"""Reading the MRZ from a photo or scan of a whole page: locate, rectify, recognise, parse, choose.

``read_mrz`` finds candidate bands (``mrz.locate``), cuts each into lines both ways up, reads
every line with the project's recogniser (``mrz.recognizer``) and parses the reads
(``mrz.parse.parse_read``, which repairs look-alikes by field type and check digits). The read
whose check digits pass best wins; a band whose reads are all unusable is passed over. Two
different MRZs that both validate in one image are refused (present one document at a time).
Bad images (empty, not an image, absurd sizes) and pages without a readable MRZ raise
``DocumentUnreadable`` with the reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

import models
from models.manifest import load_manifest
from models.sessions import SessionFactory
from mrz.document import Document
from mrz.errors import DocumentUnreadable
from mrz.locate import Band, find_bands, rectify, split_lines, to_gray
from mrz.parse import parse_read
from mrz.recognizer import LineRead, MrzLineRecognizer

log = logging.getLogger(__name__)

MIN_SIDE = 64  # pixels; a smaller image cannot hold a legible MRZ
MAX_PIXELS = 40_000_000  # a larger frame is downscaled before the search (a 12000 x 12000 page)
MAX_BANDS = 4
BAND_SCORE_RATIO = 0.35  # bands scoring below this fraction of the best are not read
LAYOUT_LENGTHS = {2: (36, 44), 3: (30,)}
GROW = 3.2  # a band read without success is retried this many times taller
_CHECK_DIGIT_CHECKS = ("document_number_check", "birth_date_check", "expiry_date_check", "optional_data_check",
                       "composite_check")
_default_factory: SessionFactory | None = None


@dataclass(frozen=True)
class _Attempt:
    document: Document
    band: Band
    passed: int  # check-digit checks passed
    total: int  # check-digit checks made
    confidence: float

    @property
    def valid(self) -> bool:
        return self.total > 0 and self.passed == self.total


def default_factory() -> SessionFactory:
    """The session factory of the package's own manifest and model folder (the default configuration)."""
    global _default_factory  # noqa: PLW0603 - one lazily built default, like the configured one
    if _default_factory is None:
        root = Path(models.__file__).resolve().parent
        _default_factory = SessionFactory(load_manifest(root / "manifest.toml"), root / "onnx")
    return _default_factory


def _checked_gray(image_bgr: np.ndarray) -> np.ndarray:
    if not isinstance(image_bgr, np.ndarray) or image_bgr.size == 0:
        raise DocumentUnreadable("no image: the frame is empty")
    if image_bgr.ndim not in (2, 3) or (image_bgr.ndim == 3 and image_bgr.shape[2] not in (1, 3, 4)):
        raise DocumentUnreadable(f"not an image: array of shape {image_bgr.shape}")
    if image_bgr.dtype != np.uint8:
        raise DocumentUnreadable(f"not an 8-bit image: dtype {image_bgr.dtype}")
    if min(image_bgr.shape[:2]) < MIN_SIDE:
        raise DocumentUnreadable(f"image too small for an MRZ: {image_bgr.shape[1]}x{image_bgr.shape[0]} pixels")
    gray = to_gray(image_bgr[:, :, 0] if image_bgr.ndim == 3 and image_bgr.shape[2] == 1 else image_bgr)
    if gray.size > MAX_PIXELS:
        step = int(np.ceil(np.sqrt(gray.size / MAX_PIXELS)))
        gray = np.ascontiguousarray(gray[::step, ::step])
    if float(gray.std()) < 2.0:
        raise DocumentUnreadable("blank image: no contrast at all")
    return gray


def _fit_length(read: LineRead, length: int) -> LineRead | None:
    """A read one character too long or short made the right length by the most likely edit."""
    text, scores, alts = read.text, list(read.scores), list(read.alternatives)
    if len(text) == length:
        return read
    if len(text) == length + 1:  # drop the least certain character
        i = int(np.argmin(scores))
        return LineRead(text[:i] + text[i + 1 :], tuple(scores[:i] + scores[i + 1 :]), tuple(alts[:i] + alts[i + 1 :]))
    if len(text) == length - 1:  # CTC merged a doubled character: double the longest run's last
        runs = [(j, text[j]) for j in range(len(text)) if j + 1 == len(text) or text[j + 1] != text[j]]
        j = max(runs, key=lambda r: (r[1] == "<", -r[0]))[0] if runs else len(text) - 1
        return LineRead(text[: j + 1] + text[j:], tuple([*scores[:j + 1], 0.0, *scores[j + 1:]]),
                        tuple([*alts[:j + 1], "", *alts[j + 1:]]))
    return None


def _layout_windows(reads: Sequence[LineRead]) -> list[list[LineRead]]:
    """Consecutive reads that could form an MRZ (2 lines of 36/44 or 3 of 30), bottom-most first."""
    windows = []
    for count, lengths in LAYOUT_LENGTHS.items():
        for start in range(len(reads) - count, -1, -1):
            group = reads[start : start + count]
            for length in lengths:
                fitted = [_fit_length(r, length) for r in group]
                if all(f is not None for f in fitted):
                    windows.append([f for f in fitted if f is not None])
    return windows


def _attempt(reads: Sequence[LineRead], band: Band, today: date | None) -> _Attempt | None:
    best: _Attempt | None = None
    for window in _layout_windows(reads):
        alternatives = {(li, pos): alt for li, r in enumerate(window) for pos, alt in enumerate(r.alternatives) if alt}
        try:
            document = parse_read([r.text for r in window], today, [list(r.scores) for r in window], alternatives)
        except DocumentUnreadable:
            continue
        digit_checks = [c for c in document.checks if c.name in _CHECK_DIGIT_CHECKS]
        passed = sum(c.passed for c in digit_checks)
        confidence = float(np.mean([r.confidence for r in window]))
        attempt = _Attempt(document, band, passed, len(digit_checks), confidence)
        if best is None or _rank(attempt) > _rank(best):
            best = attempt
    return best


def _rank(attempt: _Attempt) -> tuple[bool, float, float]:
    return attempt.valid, attempt.passed / max(attempt.total, 1), attempt.confidence


def _read_band(gray: np.ndarray, band: Band, recognizer: MrzLineRecognizer, today: date | None) -> list[_Attempt]:
    """Reads of one band, upright and upside down."""
    upright = split_lines(rectify(gray, band, False))
    flipped = split_lines(rectify(gray, band, True))
    if not upright and not flipped:
        return []
    reads = recognizer(upright + flipped)
    attempts = [_attempt(lines, band, today) for lines in (reads[: len(upright)], reads[len(upright) :])]
    return [a for a in attempts if a is not None]


def read_mrz(image_bgr: np.ndarray, today: date | None = None, *, factory: SessionFactory | None = None) -> Document:
    """The document whose MRZ is on this page (BGR or grey uint8), with every check made.

    ``factory`` opens the recogniser (the gate passes its configured one). Raises
    ``DocumentUnreadable`` with the reason when no MRZ can be found or read.
    """
    start = time.perf_counter()
    gray = _checked_gray(image_bgr)
    recognizer = (factory or default_factory()).model(MrzLineRecognizer)
    bands = find_bands(gray)
    if not bands:
        raise DocumentUnreadable("no MRZ found: nothing on the page looks like its lines of characters")
    bands = [b for b in bands if b.score >= BAND_SCORE_RATIO * bands[0].score][:MAX_BANDS]
    attempts: list[_Attempt] = []
    for band in bands:
        found = _read_band(gray, band, recognizer, today)
        if not any(a.valid for a in found):  # a single line or a cut block: take in the neighbours
            found += _read_band(gray, band.grown(GROW), recognizer, today)
        attempts += found
    if not attempts:
        raise DocumentUnreadable("no MRZ could be read: no band gave lines of an ICAO 9303 layout")
    attempts.sort(key=_rank, reverse=True)
    best = attempts[0]
    others = [a for a in attempts[1:]
              if a.valid and not a.band.overlaps(best.band) and a.document.raw != best.document.raw]
    if best.valid and others:
        raise DocumentUnreadable(
            f"two documents in one image ({best.document.document_number} and {others[0].document.document_number}): "
            "present one document at a time"
        )
    return replace(best.document, ms=(time.perf_counter() - start) * 1000.0)
