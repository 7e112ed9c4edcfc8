"""Where the finger is: a foreground mask from local ridge contrast, at 500 dpi.

Ridges at 500 dpi repeat every 8-12 pixels, so a fingerprint area has a strong local
gradient in every 16x16 block while blank glass, background and smooth skin (a face photo)
do not. The mask is the blocks whose gradient energy exceeds a fraction of the image's
strongest blocks, closed and with holes filled, keeping the largest region.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

BLOCK = 16


@dataclass(frozen=True)
class Segmentation:
    mask: np.ndarray  # bool, image size
    block_energy: np.ndarray  # float32, one value per block
    block_coherence: np.ndarray  # 0..1 per block: how strongly gradients share one orientation
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive); empty mask gives (0, 0, 0, 0)

    @property
    def area_px(self) -> int:
        return int(self.mask.sum())

    def foreground_coherence(self) -> float:
        """Mean orientation coherence of the foreground blocks (ridges ~0.5-0.9, noise ~0.1)."""
        bh, bw = self.block_coherence.shape
        blocks = self.mask[: bh * BLOCK : BLOCK, : bw * BLOCK : BLOCK]
        return float(self.block_coherence[blocks].mean()) if blocks.any() else 0.0


def _block_means(values: np.ndarray, block: int) -> np.ndarray:
    h, w = values.shape
    bh, bw = h // block, w // block
    trimmed = values[: bh * block, : bw * block]
    return np.asarray(trimmed.reshape(bh, block, bw, block).mean(axis=(1, 3)))


def segment(image: np.ndarray, relative_threshold: float = 0.12, min_energy: float = 40.0) -> Segmentation:
    """Foreground mask of a uint8 fingerprint image at 500 dpi."""
    gray = image.astype(np.float32)
    h, w = gray.shape
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    energy = _block_means(np.sqrt(gx * gx + gy * gy), BLOCK)
    gxx, gyy, gxy = (_block_means(v, BLOCK) for v in (gx * gx, gy * gy, gx * gy))
    with np.errstate(divide="ignore", invalid="ignore"):
        coherence = np.where(gxx + gyy > 0, np.sqrt((gxx - gyy) ** 2 + 4 * gxy**2) / (gxx + gyy), 0.0)
    coherence = coherence.astype(np.float32)
    if energy.size == 0:
        return Segmentation(np.zeros((h, w), dtype=bool), energy, coherence, (0, 0, 0, 0))
    reference = float(np.percentile(energy, 95))
    strong = (energy >= max(min_energy, relative_threshold * reference)).astype(np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    closed = cv2.morphologyEx(strong, cv2.MORPH_CLOSE, kernel)
    blocks = np.asarray(cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel), dtype=np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(blocks, connectivity=4)
    if count <= 1:
        return Segmentation(np.zeros((h, w), dtype=bool), energy, coherence, (0, 0, 0, 0))
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    blocks = (labels == largest).astype(np.uint8)
    # fill holes: everything not reachable from the border through background
    contours, _ = cv2.findContours(blocks, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(blocks)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    mask = np.zeros((h, w), dtype=np.uint8)
    up = cv2.resize(filled, (filled.shape[1] * BLOCK, filled.shape[0] * BLOCK), interpolation=cv2.INTER_NEAREST)
    mask[: up.shape[0], : up.shape[1]] = up
    x, y, bw, bh = cv2.boundingRect(mask)
    return Segmentation(mask.astype(bool), energy, coherence, (x, y, x + bw, y + bh))
