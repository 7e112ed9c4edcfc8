"""Finding the MRZ band in a whole page photographed at any rotation, and cutting it into lines.

The MRZ is a block of 2 or 3 long lines of dark, evenly spaced characters with a clear zone
around it. ``find_bands`` enhances dark strokes (black-hat), binarises, merges characters into
blobs with square closings of a few sizes (square, so no orientation is assumed) and keeps
elongated, well-filled blobs as candidate bands, best first. ``rectify`` cuts a band out of the
full-resolution image along its own axis (both 0 and 180 degrees are tried by the reader) and
``split_lines`` cuts the rectified band into its text lines by their ink profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_SIDE = 1000  # longer side of the image the search runs on
HAT_SIZE = 25  # black-hat square at WORK_SIDE: keeps dark strokes up to about this thick
CLOSE_SIZES = (7, 13, 21, 31)  # square closing sizes at WORK_SIDE, for small to large MRZs
MIN_ASPECT, MAX_ASPECT = 3.0, 60.0  # a block of lines, or a single line when lines stay apart
MIN_FILL = 0.45  # blob area over its rotated rectangle's area
LINE_HEIGHT = 48  # rectified bands are scaled so one text line is about this tall


@dataclass(frozen=True)
class Band:
    """A candidate MRZ band: rotated rectangle corners in image pixels, along the band's long axis."""

    corners: np.ndarray  # 4 x 2, (top-left, top-right, bottom-right, bottom-left) in reading order
    score: float

    def grown(self, factor: float) -> Band:
        """The band made ``factor`` times as tall about its axis (to take in neighbouring lines)."""
        tl, tr, br, bl = self.corners
        down = (bl - tl) * (factor - 1) / 2
        return Band(np.array([tl - down, tr - down, br + down, bl + down]), self.score)

    def overlaps(self, other: Band) -> bool:
        a = cv2.convexHull(self.corners.astype(np.float32))
        b = cv2.convexHull(other.corners.astype(np.float32))
        area, _ = cv2.intersectConvexConvex(a, b)
        smaller = min(cv2.contourArea(a), cv2.contourArea(b))
        return bool(smaller > 0 and area > 0.3 * smaller)


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY))
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))


def _ordered(box: np.ndarray) -> np.ndarray:
    """Corners of a rotated rectangle ordered along its long side, so the band reads left to right."""
    pts = box.astype(np.float64)
    edges = [np.linalg.norm(pts[(i + 1) % 4] - pts[i]) for i in range(4)]
    start = int(np.argmax([edges[0] + edges[2], edges[1] + edges[3]]))  # 0: edge 0-1 is long
    order = [start, (start + 1) % 4, (start + 2) % 4, (start + 3) % 4]
    pts = pts[order]
    if pts[0][0] + pts[3][0] > pts[1][0] + pts[2][0]:  # make the first long edge run left to right
        pts = pts[[1, 0, 3, 2]]
    if pts[0][1] > pts[3][1]:  # and the first long edge on top
        pts = pts[[3, 2, 1, 0]]
    return pts


def _without_frames(ink: np.ndarray) -> np.ndarray:
    """Ink without strokes far larger than a character (card borders, frame lines, table edges),
    which would otherwise join the MRZ to everything around it."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    limit = 0.25 * max(ink.shape)
    large = (stats[:, cv2.CC_STAT_WIDTH] > limit) | (stats[:, cv2.CC_STAT_HEIGHT] > limit)
    large[0] = False  # the background
    if not large.any():
        return ink
    cleaned: np.ndarray = np.where(large[labels], 0, ink).astype(np.uint8)
    return cleaned


def find_bands(gray: np.ndarray, max_bands: int = 6) -> list[Band]:
    """Candidate MRZ bands, most MRZ-like first (geometry only; the reader verifies by OCR)."""
    height, width = gray.shape[:2]
    scale = WORK_SIDE / max(height, width)
    small = cv2.resize(gray, (max(1, round(width * scale)), max(1, round(height * scale))),
                       interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    small = cv2.GaussianBlur(small, (3, 3), 0)
    candidates: list[Band] = []
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (HAT_SIZE, HAT_SIZE))
    hat = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, square)
    _, ink = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ink = _without_frames(ink)
    for size in CLOSE_SIZES:
        blobs = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
        blobs = cv2.morphologyEx(blobs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
        contours, _ = cv2.findContours(blobs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            rect = cv2.minAreaRect(contour)
            (w, h) = rect[1]
            long_side, short_side = max(w, h), min(w, h)
            if short_side < 4 or long_side < 0.15 * WORK_SIDE:
                continue
            aspect = long_side / short_side
            fill = cv2.contourArea(contour) / (w * h)
            if not (MIN_ASPECT <= aspect <= MAX_ASPECT) or fill < MIN_FILL:
                continue
            score = fill * min(long_side / (0.4 * WORK_SIDE), 1.0)
            pad = 0.25 * short_side / 2 + size / 2
            grown = ((rect[0][0], rect[0][1]), (w + 2 * pad if w >= h else w + pad, h + pad if w >= h else h + 2 * pad),
                     rect[2])
            corners = _ordered(cv2.boxPoints(grown)) / scale
            candidates.append(Band(corners, float(score)))
    candidates.sort(key=lambda b: -b.score)
    unique: list[Band] = []
    for band in candidates:
        if not any(band.overlaps(u) for u in unique):
            unique.append(band)
    return unique[:max_bands]


def rectify(gray: np.ndarray, band: Band, flipped: bool, target_height: int | None = None) -> np.ndarray:
    """The band cut out along its axis (upside down when ``flipped``), at roughly full resolution."""
    tl, tr, _br, bl = band.corners
    width = float(np.linalg.norm(tr - tl))
    height = float(np.linalg.norm(bl - tl))
    zoom = 1.0 if target_height is None else target_height / max(height, 1.0)
    out_w, out_h = max(8, round(width * zoom)), max(8, round(height * zoom))
    src = np.array([tl, tr, bl], dtype=np.float32)
    dst = np.array([[0, 0], [out_w - 1, 0], [0, out_h - 1]], dtype=np.float32)
    if flipped:
        dst = np.array([[out_w - 1, out_h - 1], [0, out_h - 1], [out_w - 1, 0]], dtype=np.float32)
    matrix = cv2.getAffineTransform(src, dst)
    warped = cv2.warpAffine(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, on in enumerate(mask):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def split_lines(band: np.ndarray, max_lines: int = 4) -> list[np.ndarray]:
    """Text lines of a rectified band, top to bottom, each padded by a quarter of its height."""
    hat = cv2.morphologyEx(band, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    _, ink = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    rows = (ink > 0).mean(axis=1)
    runs = [r for r in _runs(rows > max(0.08, 0.35 * float(np.percentile(rows, 90)))) if r[1] - r[0] >= 4]
    if not runs:
        return []
    tallest = max(b - a for a, b in runs)
    runs = [r for r in runs if r[1] - r[0] >= 0.5 * tallest][:max_lines]
    lines = []
    for top, bottom in runs:
        cols = (ink[top:bottom] > 0).mean(axis=0)
        on = np.flatnonzero(cols > 0.02)
        if on.size == 0:
            continue
        pad_y = max(2, (bottom - top) // 4)
        pad_x = bottom - top
        y0, y1 = max(0, top - pad_y), min(band.shape[0], bottom + pad_y)
        x0, x1 = max(0, int(on[0]) - pad_x), min(band.shape[1], int(on[-1]) + 1 + pad_x)
        lines.append(band[y0:y1, x0:x1])
    return lines
