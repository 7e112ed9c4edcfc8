"""MTCNN face detection over the three ONNX networks (Zhang et al. 2016), our own cascade.

P-Net scans an image pyramid for 12x12 face candidates, R-Net refines them on 24x24 crops,
O-Net on 48x48 crops gives the final box and five landmarks: the eye centres, the nose tip
and the mouth corners. The networks (ipazc/mtcnn weights, from Caffe via MATLAB) expect
images transposed (width before height), RGB, scaled ``(pixel - 127.5) / 128``; the wrappers
hide that, so the cascade works in ordinary (row, column) image coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from biometrics.face.boxes import crops, crops_from_pyramid, nms, regress, square
from models.sessions import SessionFactory
from models.wrapper import OnnxModel

_STRIDE = 2
_CELL = 12


def _normalised(pixels: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``(pixel - 127.5) / 128`` as float32, axes permuted; the uint8 pixels are permuted (a
    quarter of the bytes) and the float copy is made in place, contiguous as the session wants it."""
    out = np.ascontiguousarray(pixels.transpose(axes)).astype(np.float32)
    out -= 127.5
    out *= 0.0078125
    return out


class PNet(OnnxModel[np.ndarray, tuple[np.ndarray, np.ndarray]]):
    """One RGB image (H, W, 3) in, per-cell (H', W', 4) box offsets and (H', W') face probability out."""

    MODEL_NAME = "mtcnn_pnet"

    def preprocess(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {self.input_names[0]: _normalised(x, (1, 0, 2))[None]}

    def postprocess(self, outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        offsets, probs = outputs
        return offsets[0].transpose(1, 0, 2), probs[0, :, :, 1].T


class RNet(OnnxModel[np.ndarray, tuple[np.ndarray, np.ndarray]]):
    """(N, 24, 24, 3) RGB crops in, (N, 4) box offsets and (N,) face probability out."""

    MODEL_NAME = "mtcnn_rnet"

    def preprocess(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {self.input_names[0]: _normalised(x, (0, 2, 1, 3))}

    def postprocess(self, outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        offsets, probs = outputs
        return offsets, probs[:, 1]


class ONet(OnnxModel[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]):
    """(N, 48, 48, 3) RGB crops in; (N, 4) offsets, (N, 5, 2) landmarks as box fractions, (N,) probability out."""

    MODEL_NAME = "mtcnn_onet"

    def preprocess(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {self.input_names[0]: _normalised(x, (0, 2, 1, 3))}

    def postprocess(self, outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        offsets, points, probs = outputs
        landmarks = np.stack([points[:, 0:5], points[:, 5:10]], axis=2)
        return offsets, landmarks, probs[:, 1]


@dataclass(frozen=True)
class DetectorSettings:
    """How hard the cascade looks: smallest face in pixels, pyramid step, per-stage thresholds."""

    min_face_px: float = 40.0
    scale_factor: float = 0.709
    thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7)
    nms_pyramid: float = 0.5
    nms_stage: float = 0.7


@dataclass(frozen=True)
class Detection:
    """One face: box ``x1, y1, x2, y2`` and (5, 2) landmarks (left eye, right eye, nose, mouth left, right)."""

    box: np.ndarray
    score: float
    landmarks: np.ndarray


class MtcnnDetector:
    """The P-Net / R-Net / O-Net cascade over an RGB uint8 image."""

    def __init__(self, pnet: PNet, rnet: RNet, onet: ONet, settings: DetectorSettings) -> None:
        self.pnet, self.rnet, self.onet = pnet, rnet, onet
        self.settings = settings

    @classmethod
    def from_factory(cls, factory: SessionFactory, settings: DetectorSettings) -> MtcnnDetector:
        return cls(factory.model(PNet), factory.model(RNet), factory.model(ONet), settings)

    def scales(self, height: int, width: int, min_face_px: float | None = None) -> list[float]:
        """Pyramid scales that map faces from ``min_face_px`` up to the whole image onto P-Net's 12 px."""
        first = _CELL / (min_face_px or self.settings.min_face_px)
        scales: list[float] = []
        side = min(height, width) * first
        scale = first
        while side >= _CELL:
            scales.append(scale)
            scale *= self.settings.scale_factor
            side *= self.settings.scale_factor
        return scales

    def detect(self, rgb: np.ndarray, min_face_px: float | None = None) -> list[Detection]:
        """Every face at least ``min_face_px`` wide (default: the settings'), best score first."""
        boxes, levels = self._proposals(rgb, min_face_px)
        if boxes.shape[0]:
            boxes = self._refine(levels, boxes)
        if not boxes.shape[0]:
            return []
        return self._output(rgb, boxes)

    def _proposals(
        self, rgb: np.ndarray, min_face_px: float | None
    ) -> tuple[np.ndarray, list[tuple[float, np.ndarray]]]:
        """Candidate boxes, and the pyramid (scale, image) levels they were found on."""
        height, width = rgb.shape[:2]
        found: list[np.ndarray] = []
        level = rgb
        levels: list[tuple[float, np.ndarray]] = [(1.0, rgb)]
        for scale in self.scales(height, width, min_face_px):
            # Each level is shrunk from the previous one: the same area averaging at a fraction of the cost.
            size = (int(np.ceil(width * scale)), int(np.ceil(height * scale)))
            level = cv2.resize(level, size, interpolation=cv2.INTER_AREA)
            levels.append((scale, level))
            offsets, probs = self.pnet(level)
            rows, cols = np.nonzero(probs >= self.settings.thresholds[0])
            if rows.size == 0:
                continue
            cells = np.stack([cols, rows], axis=1).astype(np.float64)
            corners = np.hstack([np.fix(_STRIDE * cells / scale), np.fix((_STRIDE * cells + _CELL - 1) / scale)])
            candidate = np.hstack([corners, probs[rows, cols][:, None], offsets[rows, cols]])
            found.append(candidate[nms(candidate[:, :4], candidate[:, 4], self.settings.nms_pyramid)])
        if not found:
            return np.empty((0, 5)), levels
        every = np.vstack(found)
        every = every[nms(every[:, :4], every[:, 4], self.settings.nms_stage)]
        w, h = every[:, 2] - every[:, 0], every[:, 3] - every[:, 1]
        moved = every[:, :4] + every[:, 5:9] * np.stack([w, h, w, h], axis=1)
        return np.hstack([np.fix(square(moved)), every[:, 4:5]]), levels

    def _refine(self, levels: list[tuple[float, np.ndarray]], boxes: np.ndarray) -> np.ndarray:
        offsets, probs = self.rnet(crops_from_pyramid(levels, boxes, 24))
        keep = probs > self.settings.thresholds[1]
        boxes, offsets, probs = boxes[keep], offsets[keep], probs[keep]
        pick = nms(boxes[:, :4], probs, self.settings.nms_stage)
        moved = regress(boxes[pick], offsets[pick])
        return np.hstack([np.fix(square(moved)), probs[pick][:, None]])

    def _output(self, rgb: np.ndarray, boxes: np.ndarray) -> list[Detection]:
        offsets, points, probs = self.onet(crops(rgb, boxes, 48))
        keep = probs > self.settings.thresholds[2]
        boxes, offsets, points, probs = boxes[keep], offsets[keep], points[keep], probs[keep]
        size = (boxes[:, 2:4] - boxes[:, 0:2] + 1)[:, None, :]
        landmarks = points * size + boxes[:, None, 0:2]
        final = regress(boxes, offsets)
        pick = nms(final, probs, self.settings.nms_stage, mode="min")
        return [Detection(box=final[i], score=float(probs[i]), landmarks=landmarks[i]) for i in pick]
