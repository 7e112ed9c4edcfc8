"""What a gate's document camera does to a page: pose, perspective, lighting, glare, blur, noise, JPEG.

``photograph`` places a flat page image on a background through a random homography and then
degrades it; the strength of every effect grows with ``difficulty`` (0 = flatbed scan,
1 = careful photo, 2 = hand-held photo at any orientation, 3 = poor light and focus). It returns
the homography too, so the caller can map ground-truth boxes into the photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class CameraModel:
    """Ranges sampled per photo; one instance per difficulty level."""

    quarter_turns: bool  # any of 0/90/180/270 degrees
    skew_deg: float
    perspective: float  # corner jitter as a fraction of the page size
    fill: tuple[float, float]  # page's longer side over the canvas's matching side
    blur_sigma: tuple[float, float]
    noise_sigma: tuple[float, float]
    jpeg_quality: tuple[int, int]
    light_gradient: float  # 0..1 darkening across the frame
    glare_probability: float
    glare_strength: float
    low_light: tuple[float, float]  # gain range; 1.0 = normal exposure


CAMERAS = (
    CameraModel(False, 0.0, 0.0, (0.92, 0.97), (0.0, 0.3), (0.0, 2.0), (92, 97), 0.0, 0.0, 0.0, (1.0, 1.0)),
    CameraModel(False, 5.0, 0.02, (0.75, 0.92), (0.3, 0.8), (1.0, 4.0), (80, 95), 0.25, 0.2, 0.35, (0.9, 1.0)),
    CameraModel(True, 15.0, 0.05, (0.65, 0.9), (0.4, 1.3), (2.0, 7.0), (60, 90), 0.45, 0.5, 0.55, (0.75, 1.0)),
    CameraModel(True, 15.0, 0.08, (0.55, 0.85), (0.8, 2.0), (4.0, 11.0), (40, 75), 0.6, 0.7, 0.75, (0.4, 0.75)),
)
CANVAS = (1600, 1200)  # width, height of the photo (a 2 MP document camera)


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(bounds[0], bounds[1]))


def _background(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    base = rng.uniform(40, 200, size=3)
    small = rng.normal(0, 18, size=(height // 40 + 2, width // 40 + 2, 3))
    texture = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0, 6, size=(height, width, 1))
    return np.clip(base + texture + grain, 0, 255).astype(np.uint8)


def _homography(rng: np.random.Generator, page_size: tuple[int, int], model: CameraModel) -> np.ndarray:
    """Page corners -> photo corners: rotation, scale to fill, perspective jitter, random offset."""
    width, height = page_size
    canvas_w, canvas_h = CANVAS
    angle = rng.uniform(-model.skew_deg, model.skew_deg)
    if model.quarter_turns:
        angle += 90.0 * int(rng.integers(0, 4))
    theta = np.deg2rad(angle)
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    corners -= corners.mean(axis=0)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    turned = corners @ rot.T
    extent = turned.max(axis=0) - turned.min(axis=0)
    scale = _uniform(rng, model.fill) * min(canvas_w / extent[0], canvas_h / extent[1])
    placed = turned * scale
    jitter = rng.uniform(-model.perspective, model.perspective, size=(4, 2)) * scale * np.array([width, height])
    placed = placed + jitter
    span = placed.max(axis=0) - placed.min(axis=0)
    room = np.maximum(np.array([canvas_w, canvas_h]) - span, 0)
    offset = -placed.min(axis=0) + rng.uniform(0, 1, size=2) * room
    placed += offset
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix: np.ndarray = cv2.getPerspectiveTransform(src, placed.astype(np.float32))
    return matrix


def _lighting(rng: np.random.Generator, image: np.ndarray, model: CameraModel) -> np.ndarray:
    height, width = image.shape[:2]
    out = image.astype(np.float32)
    if model.light_gradient > 0:
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction) + 1e-9
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        ramp = (xx / width - 0.5) * direction[0] + (yy / height - 0.5) * direction[1]
        shade = 1.0 - model.light_gradient * rng.uniform(0.3, 1.0) * (ramp - ramp.min()) / (np.ptp(ramp) + 1e-9)
        out *= shade[:, :, None]
    if rng.uniform() < model.glare_probability:
        mask = np.zeros((height, width), np.float32)
        centre = (int(rng.uniform(0, width)), int(rng.uniform(0, height)))
        axes = (int(rng.uniform(0.05, 0.18) * width), int(rng.uniform(0.03, 0.1) * height))
        cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
        glow = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(axes) / 2.5), dtype=np.float32)
        strength = model.glare_strength * rng.uniform(0.5, 1.0)
        out = out + (255.0 - out) * glow[:, :, None] * strength
    out *= _uniform(rng, model.low_light)
    return out


def photograph(page: np.ndarray, rng: np.random.Generator, difficulty: int) -> tuple[np.ndarray, np.ndarray]:
    """(photo BGR uint8, 3x3 homography from page pixels to photo pixels)."""
    model = CAMERAS[difficulty]
    height, width = page.shape[:2]
    if difficulty == 0:  # a flatbed scan: the page on the glass, a white lid around it
        margin = int(0.03 * max(width, height))
        photo = np.full((height + 2 * margin, width + 2 * margin, 3), 245, np.uint8)
        photo[margin : margin + height, margin : margin + width] = page
        matrix = np.array([[1, 0, margin], [0, 1, margin], [0, 0, 1]], dtype=np.float64)
    else:
        matrix = _homography(rng, (width, height), model)
        photo = _background(rng, CANVAS)
        warped = cv2.warpPerspective(page, matrix, CANVAS, flags=cv2.INTER_AREA)
        mask = cv2.warpPerspective(np.full((height, width), 255, np.uint8), matrix, CANVAS)
        photo[mask > 127] = warped[mask > 127]
    out = _lighting(rng, photo, model)
    sigma = _uniform(rng, model.blur_sigma)
    if sigma > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    out = out + rng.normal(0, _uniform(rng, model.noise_sigma), size=out.shape)
    out_u8 = np.clip(out, 0, 255).astype(np.uint8)
    quality = int(rng.integers(model.jpeg_quality[0], model.jpeg_quality[1] + 1))
    ok, buffer = cv2.imencode(".jpg", out_u8, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return np.asarray(decoded), matrix
