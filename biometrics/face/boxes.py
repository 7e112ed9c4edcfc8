"""Box arithmetic of the MTCNN cascade: non-maximum suppression, squaring, regression, crops.

Boxes are float arrays (N, 4) of ``x1, y1, x2, y2`` in image pixels, inclusive corners as in
MTCNN's reference code (a box from x1 to x2 is ``x2 - x1 + 1`` pixels wide).
"""

from __future__ import annotations

import cv2
import numpy as np

_PAIRWISE_MAX = 512  # up to this many boxes, every overlap is computed at once (a 512x512 matrix is 2 MB)


def nms(boxes: np.ndarray, scores: np.ndarray, overlap: float, mode: str = "union") -> np.ndarray:
    """Indices of the boxes kept, best score first; ``mode`` "union" (IoU) or "min" (intersection over the smaller)."""
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(scores, kind="stable")[::-1]
    if boxes.shape[0] <= _PAIRWISE_MAX:
        return _nms_pairwise(boxes, area, order, overlap, mode)
    keep: list[int] = []
    while order.size > 0:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        denom = np.minimum(area[i], area[rest]) if mode == "min" else area[i] + area[rest] - inter
        order = rest[inter / np.maximum(denom, 1e-9) <= overlap]
    return np.asarray(keep, dtype=np.int64)


def _nms_pairwise(boxes: np.ndarray, area: np.ndarray, order: np.ndarray, overlap: float, mode: str) -> np.ndarray:
    """The same greedy suppression as ``nms``'s loop, from all pairwise overlaps computed in one go:
    a frame's 10 NMS calls cost a tenth of the time. The arithmetic is the loop's, term for
    term, so the boxes kept are identical."""
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    w = np.maximum(0.0, np.minimum(x2[:, None], x2[None, :]) - np.maximum(x1[:, None], x1[None, :]) + 1)
    h = np.maximum(0.0, np.minimum(y2[:, None], y2[None, :]) - np.maximum(y1[:, None], y1[None, :]) + 1)
    inter = w * h
    denom = np.minimum(area[:, None], area[None, :]) if mode == "min" else area[:, None] + area[None, :] - inter
    suppresses = inter / np.maximum(denom, 1e-9) > overlap
    removed = np.zeros(boxes.shape[0], dtype=bool)
    keep: list[int] = []
    for i in order.tolist():
        if removed[i]:
            continue
        keep.append(i)
        removed |= suppresses[i]
    return np.asarray(keep, dtype=np.int64)


def square(boxes: np.ndarray) -> np.ndarray:
    """The same boxes made square around their centres (side = the longer side)."""
    out = boxes.copy()
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    out[:, 0] = boxes[:, 0] + w * 0.5 - side * 0.5
    out[:, 1] = boxes[:, 1] + h * 0.5 - side * 0.5
    out[:, 2] = out[:, 0] + side
    out[:, 3] = out[:, 1] + side
    return out


def regress(boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Boxes moved by the networks' regression offsets (fractions of the box's width and height)."""
    w = (boxes[:, 2] - boxes[:, 0] + 1)[:, None]
    h = (boxes[:, 3] - boxes[:, 1] + 1)[:, None]
    scale = np.hstack([w, h, w, h])
    moved: np.ndarray = boxes[:, :4] + offsets * scale
    return moved


def crops(image: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """(N, size, size, 3) uint8 patches under integer boxes; the part outside the image is black."""
    out = np.zeros((boxes.shape[0], size, size, 3), dtype=np.uint8)
    height, width = image.shape[:2]
    for k, (bx1, by1, bx2, by2) in enumerate(np.fix(boxes[:, :4]).astype(np.int64)):
        sx1, sy1 = max(int(bx1), 0), max(int(by1), 0)
        sx2, sy2 = min(int(bx2) + 1, width), min(int(by2) + 1, height)
        if bx2 < bx1 or by2 < by1 or sx2 <= sx1 or sy2 <= sy1:
            continue
        patch = image[sy1:sy2, sx1:sx2]
        if (sx1, sy1, sx2, sy2) != (bx1, by1, bx2 + 1, by2 + 1):
            top, bottom = sy1 - int(by1), int(by2) + 1 - sy2
            left, right = sx1 - int(bx1), int(bx2) + 1 - sx2
            patch = cv2.copyMakeBorder(patch, top, bottom, left, right, cv2.BORDER_CONSTANT, value=0)
        out[k] = cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)
    return out


def crops_from_pyramid(levels: list[tuple[float, np.ndarray]], boxes: np.ndarray, size: int) -> np.ndarray:
    """Like ``crops``, but each patch is cut from the smallest pyramid level on which the box is
    still at least ``size`` pixels wide: a small resize instead of averaging a large patch.
    ``levels`` are (scale, image) pairs, the full image being scale 1."""
    out = np.zeros((boxes.shape[0], size, size, 3), dtype=np.uint8)
    by_scale = sorted(levels, key=lambda level: level[0])
    sides = np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) + 1
    chosen = [next((i for i, (sc, _) in enumerate(by_scale) if side * sc >= size), len(by_scale) - 1) for side in sides]
    for level in set(chosen):  # one call per level, the same patch for every box
        scale, image = by_scale[level]
        rows = [k for k, c in enumerate(chosen) if c == level]
        out[rows] = crops(image, boxes[rows, :4] * scale, size)
    return out
