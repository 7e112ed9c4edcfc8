"""Synthetic presentation attacks made from bona fide frames: the frame printed or shown on a screen, then
filmed again.

Why: with real attacks only, each attack set comes from its own camera, and a network can tell bona
fide from attack by the camera. An attack made from the very frame that is also shown as bona fide
differs from it only by what a print or a screen does to an image, so that is what the network must
learn. Nothing here is fitted to any data set; the parameters are physical ranges:

* print: reduced dynamic range and paper white, a smaller colour gamut, halftone dots (four rotated
  ink screens, or stochastic ink-jet dither), paper texture, slight defocus; the paper edge and
  fingers holding it may be in view;
* screen: the image on a grid of RGB sub-pixels sampled by the camera (moire from the two grids),
  backlight gamma and raised black level, a glow, a specular reflection, the bezel around the screen.

The result is a frame of the same size with the same landmarks; the recapturing camera (size,
colour, noise, JPEG) is applied afterwards by the caller, as for every training frame.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np


def _grid(shape: tuple[int, int], angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates rotated by ``angle`` (radians): the axes of a screen or an ink screen."""
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    c, s = math.cos(angle), math.sin(angle)
    return xs * c + ys * s, -xs * s + ys * c


def _smooth_noise(shape: tuple[int, int], cells: int, rng: random.Random) -> np.ndarray:
    """Low-frequency noise in [-1, 1]: paper fibre, uneven backlight."""
    small = np.random.default_rng(rng.getrandbits(32)).uniform(-1, 1, (cells, cells)).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _medium_mask(shape: tuple[int, int], landmarks: np.ndarray, rng: random.Random, border: float) -> np.ndarray:
    """1 inside the print or screen, 0 outside: a (slightly rotated) rectangle around the face whose
    edge is in the crop some of the time."""
    ied = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    centre = landmarks.mean(axis=0) + np.array([rng.uniform(-0.4, 0.4), rng.uniform(-0.2, 0.6)]) * ied
    half_w, half_h = rng.uniform(1.3, 3.5) * ied, rng.uniform(1.6, 3.8) * ied
    angle = math.radians(rng.uniform(-12, 12))
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]]) @ rot.T + centre
    mask = np.zeros(shape, np.float32)
    cv2.fillConvexPoly(mask, np.round(corners * 16).astype(np.int32), 1.0, lineType=cv2.LINE_AA, shift=4)
    if border > 0:  # the bezel or the paper's white margin: a band just inside the edge
        inner = (corners - centre) * (1 - border * ied / max(half_w, half_h)) + centre
        band = mask.copy()
        cv2.fillConvexPoly(band, np.round(inner * 16).astype(np.int32), 0.0, lineType=cv2.LINE_AA, shift=4)
        return np.stack([mask, band])
    return mask[None]


def _surroundings(rgb: np.ndarray, rng: random.Random) -> np.ndarray:
    """What is around the medium: the room, blurred and shifted, or a plain wall."""
    h, w = rgb.shape[:2]
    if rng.random() < 0.5:
        room = cv2.GaussianBlur(rgb.astype(np.float32), (0, 0), rng.uniform(4, 12))
        room = np.roll(room, (rng.randint(-h // 3, h // 3), rng.randint(-w // 3, w // 3)), axis=(0, 1))
        return room * np.array([rng.uniform(0.5, 1.2) for _ in range(3)], np.float32)
    colour = np.array([rng.uniform(20, 230) for _ in range(3)], np.float32)
    shade = 1 + 0.3 * _smooth_noise((h, w), 3, rng)
    return np.clip(colour[None, None] * shade[:, :, None], 0, 255)


def _fingers(out: np.ndarray, mask: np.ndarray, rng: random.Random, ied: float) -> np.ndarray:
    """One to three finger tips over the medium's edge (a print or a phone held by hand)."""
    ys, xs = np.nonzero((mask > 0.5) & (cv2.erode(mask, np.ones((5, 5), np.uint8)) < 0.5))
    if xs.size == 0:
        return out
    skin = np.array([rng.uniform(150, 235), rng.uniform(100, 180), rng.uniform(80, 150)], np.float32)
    layer = np.zeros(out.shape[:2], np.float32)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(xs.size)
        axes = (max(2, int(ied * rng.uniform(0.25, 0.4))), max(3, int(ied * rng.uniform(0.5, 1.0))))
        cv2.ellipse(layer, (int(xs[i]), int(ys[i])), axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA)
    layer = cv2.GaussianBlur(layer, (0, 0), 1.0)[:, :, None]
    shade = 1 + 0.15 * _smooth_noise(out.shape[:2], 4, rng)[:, :, None]
    blended: np.ndarray = out * (1 - layer) + skin * shade * layer
    return blended


def printed(rgb: np.ndarray, landmarks: np.ndarray, rng: random.Random) -> np.ndarray:
    """The frame as a photograph printed on paper, then shown to the camera."""
    img = rgb.astype(np.float32)
    h, w = img.shape[:2]
    ied = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    # gamut: less saturation, a slight hue twist, ink-on-paper dynamic range and paper white
    grey = img.mean(axis=2, keepdims=True)
    img = grey + (img - grey) * rng.uniform(0.55, 0.95)
    mix = np.eye(3, dtype=np.float32) + np.array([[rng.uniform(-0.08, 0.08) for _ in range(3)] for _ in range(3)])
    img = img @ mix.T
    black, white = rng.uniform(15, 60), rng.uniform(185, 245)
    paper = np.array([1.0, rng.uniform(0.96, 1.02), rng.uniform(0.88, 1.0)], np.float32)
    ink = np.clip(1 - img / 255.0, 0, 1)  # ink coverage per channel
    kind = rng.random()
    if kind < 0.45:  # offset / laser: four rotated screens of dots (cyan, magenta, yellow at 15, 75, 0 degrees)
        period = rng.uniform(1.6, 4.5) * max(1.0, ied / 40.0)
        base = rng.uniform(0, math.pi / 2)
        dots = np.empty_like(ink)
        for c, offset in enumerate((0.26, 1.31, 0.0)):
            u, v = _grid((h, w), base + offset)
            screen = (np.cos(2 * math.pi * u / period) * np.cos(2 * math.pi * v / period) + 1) / 2
            dots[:, :, c] = (ink[:, :, c] > screen).astype(np.float32)
        dots = cv2.GaussianBlur(dots, (0, 0), rng.uniform(0.3, 0.9))
        ink = ink + rng.uniform(0.4, 1.0) * (dots - ink)
    elif kind < 0.8:  # ink-jet: stochastic dither
        noise = np.random.default_rng(rng.getrandbits(32)).random(ink.shape, dtype=np.float32)
        scale = rng.choice([1, 1, 2])
        if scale > 1:
            noise = cv2.resize(noise[:: scale, :: scale], (w, h), interpolation=cv2.INTER_NEAREST)
        drops = cv2.GaussianBlur((ink > noise).astype(np.float32), (0, 0), rng.uniform(0.3, 0.8))
        ink = ink + rng.uniform(0.3, 0.9) * (drops - ink)
    # else: a photo print (continuous tone), only gamut, range, paper and focus
    img = black + (white - black) * (1 - ink) * paper
    img = img * (1 + rng.uniform(0.02, 0.08) * _smooth_noise((h, w), rng.randint(8, 30), rng))[:, :, None]
    grain = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(1, 5), (h, w)).astype(np.float32)
    img = img + grain[:, :, None]
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.4))
    # light on the paper: a gradient, sometimes a glossy reflection
    img = img * (1 + rng.uniform(0.05, 0.25) * _smooth_noise((h, w), 2, rng))[:, :, None]
    if rng.random() < 0.3:
        img = _glare(img, rng, ied, 0.6)
    return _framed(img, rgb, landmarks, rng, margin=rng.random() < 0.5, fingers=rng.random() < 0.4)


def _glare(img: np.ndarray, rng: random.Random, ied: float, strength: float) -> np.ndarray:
    """A specular reflection: a soft bright ellipse or band."""
    h, w = img.shape[:2]
    layer = np.zeros((h, w), np.float32)
    centre = (rng.randrange(w), rng.randrange(h))
    axes = (max(2, int(ied * rng.uniform(0.5, 3))), max(2, int(ied * rng.uniform(0.2, 1.5))))
    cv2.ellipse(layer, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    layer = cv2.GaussianBlur(layer, (0, 0), max(1.0, ied * rng.uniform(0.2, 0.8)))
    glared: np.ndarray = img + layer[:, :, None] * rng.uniform(40, 160) * strength
    return glared


def screened(rgb: np.ndarray, landmarks: np.ndarray, rng: random.Random) -> np.ndarray:
    """The frame shown on a phone or tablet screen (RGB sub-pixels, backlight), then filmed."""
    img = rgb.astype(np.float32)
    h, w = img.shape[:2]
    ied = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    # the screen's pixel grid as the camera samples it: a period near or below 2 px aliases into moire
    period = rng.uniform(1.1, 4.0)
    u, v = _grid((h, w), math.radians(rng.uniform(-8, 8)))
    depth = rng.uniform(0.15, 0.6)
    stripes = np.stack(
        [(np.cos(2 * math.pi * (u / period - c / 3)) + 1) / 2 for c in range(3)], axis=2
    )
    rows = ((np.cos(2 * math.pi * v / period) + 1) / 2)[:, :, None]
    pixel = stripes * (1 - rng.uniform(0, 0.5) * (1 - rows))
    img = img * (1 - depth + depth * 1.5 * pixel)
    if rng.random() < 0.5:  # coarser moire as a slow beat pattern (camera and screen grids nearly aligned)
        beat = rng.uniform(6, 30)
        u2, v2 = _grid((h, w), math.radians(rng.uniform(0, 180)))
        img = img * (1 + rng.uniform(0.03, 0.15) * np.cos(2 * math.pi * (u2 + 0.3 * v2) / beat))[:, :, None]
    # backlight: raised black level, its own gamma, brighter and bluer on the whole, a glow
    gamma = rng.uniform(0.6, 1.2)
    img = 255.0 * (np.clip(img, 0, 255) / 255.0) ** gamma
    img = rng.uniform(10, 50) + img * rng.uniform(0.75, 1.1)
    img = img * np.array([rng.uniform(0.85, 1.0), rng.uniform(0.9, 1.05), rng.uniform(0.95, 1.15)], np.float32)
    img = img * (1 + rng.uniform(0.05, 0.2) * _smooth_noise((h, w), 2, rng))[:, :, None]
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.2, 1.0))
    if rng.random() < 0.6:
        img = _glare(img, rng, ied, 1.0)
    return _framed(img, rgb, landmarks, rng, margin=True, fingers=rng.random() < 0.2, bezel=True)


def _framed(
    img: np.ndarray, rgb: np.ndarray, landmarks: np.ndarray, rng: random.Random,
    *, margin: bool, fingers: bool, bezel: bool = False,
) -> np.ndarray:
    """The medium placed in the room: its edge (bezel or paper margin), what is around it, fingers."""
    ied = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    if rng.random() < 0.35:  # the medium fills the view: no edge to see, only its texture
        out = img
    else:
        masks = _medium_mask(img.shape[:2], landmarks, rng, rng.uniform(0.1, 0.5) if margin else 0.0)
        inside = masks[0][:, :, None]
        out = _surroundings(rgb, rng) * (1 - inside) + img * inside
        if len(masks) > 1:
            band = masks[1][:, :, None]
            edge = (
                np.array([rng.uniform(0, 60)] * 3, np.float32) if bezel
                else np.array([rng.uniform(200, 250)] * 3, np.float32)
            )
            out = out * (1 - band) + edge * band
        if fingers:
            out = _fingers(out, masks[0], rng, ied)
    result: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    return result


def recaptured(rgb: np.ndarray, landmarks: np.ndarray, rng: random.Random) -> np.ndarray:
    """A print (half the time) or a screen replay of the frame: same size, same landmarks."""
    return printed(rgb, landmarks, rng) if rng.random() < 0.5 else screened(rgb, landmarks, rng)
