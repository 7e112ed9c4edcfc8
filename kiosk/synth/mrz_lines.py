"""Synthetic MRZ text-line crops for training the project's line recogniser.

Each crop imitates what ``mrz.locate.split_lines`` cuts from a photographed page: one line of
OCR-B characters with a little margin, on a tinted, patterned background, possibly with bits
of the neighbouring lines, slightly tilted, sheared, blurred, noisy, JPEG-compressed and at a
character height anywhere from 6 to 40 pixels. Texts are real MRZ lines composed from random
holders (so fillers, dates and check digits look as they do on documents) mixed with random
strings over the MRZ alphabet (so the network learns no language).
"""

from __future__ import annotations

from datetime import date, timedelta

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mrz.compose import MrzFields, compose_mrz
from mrz.recognizer import ALPHABET

OCRB_FONTS = ("/usr/share/fonts/opentype/ocr-b/OCRB.otf", "/usr/share/fonts/opentype/ocr-b/OCRBS.otf")
RENDER_EM = 48
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FORMATS = (("TD3", "P"), ("TD3", "P"), ("TD2", "I"), ("TD1", "I"), ("MRV-A", "V"), ("MRV-B", "V"), ("TD2", "AB"))
_fonts: dict[str, ImageFont.FreeTypeFont] = {}


def _font(path: str) -> ImageFont.FreeTypeFont:
    if path not in _fonts:
        _fonts[path] = ImageFont.truetype(path, RENDER_EM)
    return _fonts[path]


def _word(rng: np.random.Generator, low: int, high: int) -> str:
    return "".join(rng.choice(list(_LETTERS), size=int(rng.integers(low, high + 1))))


def random_mrz_lines(rng: np.random.Generator) -> tuple[str, ...]:
    """The lines of a random but well-formed MRZ of any of the five layouts."""
    fmt, code = _FORMATS[int(rng.integers(0, len(_FORMATS)))]
    alnum = list(_LETTERS + "0123456789")
    number_len = int(rng.integers(6, 13)) if fmt in ("TD1", "TD2") else int(rng.integers(6, 10))
    given = " ".join(_word(rng, 2, 9) for _ in range(int(rng.integers(0, 4))))
    fields = MrzFields(
        fmt, code if rng.uniform() < 0.8 else code[0] + str(rng.choice(list(_LETTERS))),
        str(rng.choice(["UTO", "VNM", "D", "GBR", "FRA", "CHN", "USA", _word(rng, 3, 3)])),
        " ".join(_word(rng, 2, 12) for _ in range(int(rng.integers(1, 3)))), given,
        "".join(rng.choice(alnum, size=number_len)), _word(rng, 1, 3),
        date(1930, 1, 1) + timedelta(days=int(rng.integers(0, 36000))), str(rng.choice(["M", "F", "X"])),
        date(1995, 1, 1) + timedelta(days=int(rng.integers(0, 16000))),
        "".join(rng.choice(alnum, size=int(rng.integers(0, 12)))) if rng.uniform() < 0.5 else "",
    )
    try:
        return compose_mrz(fields)
    except ValueError:  # a random optional part too long for the layout: try again
        return random_mrz_lines(rng)


def random_text(rng: np.random.Generator) -> str:
    """A training label: a line of a composed MRZ, or (one time in four) random MRZ characters."""
    if rng.uniform() < 0.25:
        length = int(rng.choice([30, 36, 44]))
        weights = np.ones(len(ALPHABET))
        weights[-1] = 8.0  # fillers are common on documents
        return "".join(rng.choice(list(ALPHABET), size=length, p=weights / weights.sum()))
    lines = random_mrz_lines(rng)
    return lines[int(rng.integers(0, len(lines)))]


def _background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    tone = rng.uniform(150, 255)
    tint = tone - rng.uniform(0, 25, size=3)
    bg = np.empty((height, width, 3), np.float32)
    bg[:] = tint
    ramp = np.linspace(-1, 1, width, dtype=np.float32)[None, :, None] * rng.uniform(-25, 25)
    bg += ramp
    xs = np.arange(width)
    for _ in range(int(rng.integers(0, 6))):
        ys = rng.uniform(0, height) + rng.uniform(3, 30) * np.sin(xs * rng.uniform(0.005, 0.05) + rng.uniform(0, 6))
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(bg, [pts], False, (tint - rng.uniform(20, 90, size=3)).tolist(), int(rng.integers(1, 3)),
                      cv2.LINE_AA)
    return bg


def render_line(text: str, rng: np.random.Generator) -> np.ndarray:
    """A grey crop of ``text`` printed in OCR-B and photographed with random degradations."""
    font = _font(OCRB_FONTS[0] if rng.uniform() < 0.8 else OCRB_FONTS[1])
    pitch = RENDER_EM * 0.723 * rng.uniform(0.94, 1.08)
    cap = RENDER_EM * 0.72
    pad_x = cap * rng.uniform(0.2, 1.6)
    pad_top, pad_bottom = cap * rng.uniform(0.12, 0.6), cap * rng.uniform(0.12, 0.6)
    width = int(pitch * len(text) + 2 * pad_x)
    height = int(cap + pad_top + pad_bottom)
    canvas = Image.fromarray(np.clip(_background(rng, width, height), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    ink = tuple(int(v) for v in rng.uniform(0, 90, size=3))
    y_text = pad_top - RENDER_EM * 0.23
    for j, char in enumerate(text):
        jitter = rng.normal(0, 0.6, size=2)
        draw.text((pad_x + j * pitch + jitter[0], y_text + jitter[1]), char, font=font, fill=ink)
    line_gap = cap * rng.uniform(0.6, 0.9)
    if rng.uniform() < 0.5:  # the neighbouring MRZ lines peeking in at the edges
        neighbour = random_text(rng)
        for offset in (-(cap + line_gap), cap + line_gap):
            for j, char in enumerate(neighbour[: len(text)]):
                draw.text((pad_x + j * pitch, y_text + offset), char, font=font, fill=ink)
    image = np.asarray(canvas.convert("L"), dtype=np.uint8)
    if rng.uniform() < 0.4:
        kernel = np.ones((3, 3), np.uint8)
        image = np.asarray(cv2.erode(image, kernel) if rng.uniform() < 0.6 else cv2.dilate(image, kernel))
    return _degrade(image, rng)


def _degrade(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    height, width = image.shape
    angle = rng.normal(0, 0.5)
    shear = rng.normal(0, 0.04)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[0, 1] += shear
    image = cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    char_height = float(np.exp(rng.uniform(np.log(7), np.log(40))))
    scale = char_height / (RENDER_EM * 0.72)
    small = cv2.resize(image, (max(8, int(width * scale)), max(6, int(height * scale))), interpolation=cv2.INTER_AREA)
    out = small.astype(np.float32)
    if rng.uniform() < 0.3:  # glare or shadow across part of the line
        xs = np.linspace(0, 1, out.shape[1], dtype=np.float32)
        centre, spread = rng.uniform(0, 1), rng.uniform(0.05, 0.4)
        blob = np.exp(-(((xs - centre) / spread) ** 2))[None, :]
        out = out + blob * rng.uniform(-80, 120)
    contrast = rng.uniform(0.35, 1.0)
    out = out.mean() + (out - out.mean()) * contrast
    sigma = rng.uniform(0, 1.2) if rng.uniform() < 0.7 else 0.0
    if sigma > 0.1:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    out = out + rng.normal(0, rng.uniform(0, 12), size=out.shape)
    out_u8: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    if rng.uniform() < 0.6:
        ok, buffer = cv2.imencode(".jpg", out_u8, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 95))])
        if ok:
            out_u8 = np.asarray(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE))
    return out_u8
