"""Minutiae of one fingerprint at 500 dpi: segment, run LEADER on the finger's box, keep peaks.

Only the bounding box of the foreground (plus a margin) goes through the network, which on
large optical sensors (FVC2004 DB1: 640x480 with the finger in a third of it) saves most of
the inference time. Peaks below ``min_probability`` or outside the (slightly grown) foreground
are dropped; at most ``max_minutiae`` of the most probable are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from biometrics.finger.leader import LeaderNet
from biometrics.finger.results import Minutia
from biometrics.finger.segmentation import Segmentation


@dataclass(frozen=True)
class ExtractorSettings:
    min_probability: float = 0.3
    max_minutiae: int = 120
    crop_margin: int = 24  # pixels around the foreground box given to the network
    mask_margin: int = 8  # peaks this far outside the foreground are still kept


def extract_minutiae(
    net: LeaderNet, image: np.ndarray, seg: Segmentation, settings: ExtractorSettings
) -> tuple[Minutia, ...]:
    """Minutiae (pixels at 500 dpi, image coordinates), most probable first."""
    x0, y0, x1, y1 = seg.bbox
    if x1 <= x0 or y1 <= y0:
        return ()
    h, w = image.shape
    m = settings.crop_margin
    x0, y0, x1, y1 = max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)
    peaks = net.detect(image[y0:y1, x0:x1])
    xs = peaks.x + x0
    ys = peaks.y + y0
    keep = peaks.probability >= settings.min_probability
    if settings.mask_margin > 0:
        kernel = np.ones((2 * settings.mask_margin + 1,) * 2, np.uint8)
        grown = cv2.dilate(seg.mask.astype(np.uint8), kernel) > 0
    else:
        grown = seg.mask
    keep &= grown[ys.astype(int), xs.astype(int)]
    order = np.flatnonzero(keep)
    order = order[np.argsort(-peaks.probability[order], kind="stable")][: settings.max_minutiae]
    return tuple(
        Minutia(
            x=float(xs[i]),
            y=float(ys[i]),
            angle=float(peaks.angle[i]) % (2 * np.pi),
            kind="ending" if peaks.ending[i] else "bifurcation",
            quality=round(float(peaks.probability[i]) * 100),
        )
        for i in order
    )
