"""The MRZ line recogniser: a small convolutional CTC network the project trains on OCR-B lines.

Input: one text line cut by ``mrz.locate.split_lines`` (grey, any size). ``prepare_line``
stretches it to 32 x 384 pixels; the network (``scripts/train_mrz_recognizer.py``, data card
``models/onnx/mrz_recognizer.md``) gives, for each of 192 columns, probabilities over the 37
MRZ characters plus the CTC blank. ``decode`` collapses them greedily into text and keeps, per
character, its probability and the runner-up characters, which the check-digit repair may try.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from models.wrapper import OnnxModel

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"  # class i+1; class 0 is the CTC blank
INPUT_HEIGHT, INPUT_WIDTH = 32, 384
ALTERNATIVE_MIN_PROB = 0.02  # a runner-up below this is not worth trying in the repair


@dataclass(frozen=True)
class LineRead:
    text: str
    scores: tuple[float, ...]  # probability of each character
    alternatives: tuple[str, ...]  # other plausible characters at each position, best first

    @property
    def confidence(self) -> float:
        return min(self.scores) if self.scores else 0.0


def prepare_line(crop: np.ndarray) -> np.ndarray:
    """A grey line crop stretched to the network's 32 x 384 and contrast-stretched to 0..255 (uint8)."""
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    height, _width = gray.shape[:2]
    interpolation = cv2.INTER_AREA if height > INPUT_HEIGHT else cv2.INTER_CUBIC
    resized = cv2.resize(gray, (INPUT_WIDTH, INPUT_HEIGHT), interpolation=interpolation).astype(np.float32)
    low, high = np.percentile(resized, (2, 98))
    stretched = (resized - low) * (255.0 / max(float(high - low), 8.0))
    prepared: np.ndarray = np.clip(stretched, 0, 255).astype(np.uint8)
    return prepared


def to_input(prepared: np.ndarray) -> np.ndarray:
    """uint8 N x 32 x 384 -> float32 N x 1 x 32 x 384 in -1..1 (the training script uses the same)."""
    return (prepared.astype(np.float32)[:, None] / 127.5) - 1.0


def decode(probs: np.ndarray) -> LineRead:
    """Greedy CTC decoding of one line's T x C probabilities."""
    best = probs.argmax(axis=1)
    text, scores, alternatives = [], [], []
    previous = 0
    t = 0
    while t < len(best):
        cls = int(best[t])
        if cls in (0, previous):
            previous = cls
            t += 1
            continue
        end = t
        while end + 1 < len(best) and best[end + 1] == cls:
            end += 1
        span = probs[t : end + 1]
        peak = span[int(span[:, cls].argmax())]
        ranked = [int(c) for c in np.argsort(-peak) if c not in (0, cls) and peak[c] >= ALTERNATIVE_MIN_PROB]
        text.append(ALPHABET[cls - 1])
        scores.append(float(span[:, cls].max()))
        alternatives.append("".join(ALPHABET[c - 1] for c in ranked[:3]))
        previous = cls
        t = end + 1
    return LineRead("".join(text), tuple(scores), tuple(alternatives))


class MrzLineRecognizer(OnnxModel[list[np.ndarray], list[LineRead]]):
    """Reads a batch of line crops; one ``LineRead`` per crop."""

    MODEL_NAME = "mrz_recognizer"

    def preprocess(self, x: list[np.ndarray]) -> dict[str, np.ndarray]:
        batch = np.stack([prepare_line(crop) for crop in x])
        return {self.input_names[0]: to_input(batch)}

    def postprocess(self, outputs: list[np.ndarray]) -> list[LineRead]:
        return [decode(p) for p in outputs[0]]
