"""``kiosk synth documents``: synthetic passport pages, ID cards and border passes with known MRZs.

A ``PageSpec`` says what is printed (document type, names as the holder writes them, numbers,
dates, nationality, sex, portrait); ``render_page`` draws the page (guilloche background, visual
zone in Noto Sans, portrait from ``faces/london``, MRZ in OCR-B at ICAO's 2.54 mm pitch) and
photographs it with ``kiosk.synth.camera`` at the spec's difficulty. The MRZ lines come from
``mrz.compose``, so names are transliterated as ICAO 9303 requires (NGUYỄN VĂN AN ->
NGUYEN<<VAN<AN). The command writes the images and ``truth.json`` ({image: [MRZ lines]}, the
format ``kiosk bench mrz --truth`` reads) plus ``specs.json`` (every spec and portrait box).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kiosk.config import Config
from kiosk.synth.camera import photograph
from mrz.compose import MrzFields, compose_mrz

log = logging.getLogger(__name__)

HELP = "synthetic passport pages, ID cards and border passes with ground-truth MRZ lines"
OCRB_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
TEXT_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
BOLD_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")
PX_PER_MM = 10.0
MRZ_PITCH_MM = 2.54  # ICAO 9303 part 3: 10 characters per 25.4 mm
LINE_PITCH_MM = 4.23  # 6 lines per 25.4 mm
OCRB_ADVANCE_EM = 0.723  # OCR-B's advance width per em (all glyphs are monospaced)

PortraitBox = tuple[int, int, int, int]  # left, top, right, bottom in photo pixels


class DocumentType(StrEnum):
    PASSPORT = "passport"  # TD3 data page, MRZ 2 x 44
    CARD_TD1 = "card_td1"  # ID card, MRZ 3 x 30 (Vietnamese CCCD when issued by VNM)
    CARD_TD2 = "card_td2"  # ID card, MRZ 2 x 36
    BORDER_PASS = "border_pass"  # TD2-size border pass, document code AB


@dataclass(frozen=True)
class _Geometry:
    mrz_format: str
    size_mm: tuple[float, float]
    mrz_zone_mm: float  # height of the MRZ's clear zone at the bottom
    code: str
    title: str
    portrait_mm: tuple[float, float, float, float]  # left, top, width, height


_GEOMETRY = {
    DocumentType.PASSPORT: _Geometry("TD3", (125.0, 88.0), 23.2, "P", "PASSPORT", (5.0, 15.0, 32.0, 42.0)),
    DocumentType.CARD_TD1: _Geometry("TD1", (85.6, 53.98), 17.9, "ID", "IDENTITY CARD", (3.0, 9.0, 20.0, 25.0)),
    DocumentType.CARD_TD2: _Geometry("TD2", (105.0, 74.0), 14.0, "I", "IDENTITY CARD", (4.0, 12.0, 28.0, 36.0)),
    DocumentType.BORDER_PASS: _Geometry("TD2", (105.0, 74.0), 14.0, "AB", "BORDER PASS", (4.0, 12.0, 28.0, 36.0)),
}


@dataclass(frozen=True)
class PageSpec:
    document: DocumentType
    issuing_state: str
    surname: str  # as the holder writes it, diacritics and all
    given_names: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str  # "M", "F" or "X"
    expiry_date: date
    portrait: Path | None = None  # absolute, or relative to the data root
    difficulty: int = 0  # 0 scan .. 3 poor photo
    personal_number: str = ""  # optional data; the 12-digit ID on a Vietnamese CCCD

    def mrz_fields(self) -> MrzFields:
        geometry = _GEOMETRY[self.document]
        number, optional = self.document_number, self.personal_number
        if geometry.mrz_format == "TD1" and self.issuing_state == "VNM" and len(optional) == 12:
            number = optional[3:]  # CCCD: last 9 digits in the number field, all 12 in optional data
        return MrzFields(
            geometry.mrz_format, geometry.code, self.issuing_state, self.surname, self.given_names, number,
            self.nationality, self.birth_date, self.sex, self.expiry_date, optional,
        )


# --------------------------------------------------------------------------- random specs

_VIETNAMESE = (
    ("Nguyễn", "Văn An"), ("Trần", "Thị Hồng"), ("Lê", "Minh Đức"), ("Phạm", "Quốc Bảo"),
    ("Hoàng", "Thu Trang"), ("Đặng", "Ngọc Ánh"), ("Võ", "Thành Đạt"), ("Bùi", "Thị Lan Hương"),
    ("Đỗ", "Hữu Nghĩa"), ("Huỳnh", "Gia Khánh"), ("Ngô", "Xuân Quỳnh"), ("Dương", "Văn Toàn"),
)
_OTHERS = (
    ("Eriksson", "Anna Maria"), ("Müller", "Jürgen"), ("O'Brien-Smith", "Siobhán"), ("Dubois", "Amélie Claire"),
    ("Johansson", "Lars Øyvind"), ("García Márquez", "José"), ("Kowalski", "Łukasz"), ("Smith", "John"),
    ("Wong", "Mei Ling"), ("Sokolova", "Ekaterina"), ("Haddad", "Karim"), ("Van der Berg", "Pieter Jan"),
)
_STATES = ("VNM", "VNM", "VNM", "UTO", "D", "GBR", "FRA", "CHN", "KHM", "LAO", "THA", "USA", "SWE", "NLD")
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def _random_date(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def london_portraits(data_root: Path) -> list[Path]:
    """The passport-style portraits of the London face set, relative to the data root."""
    folder = data_root / "faces" / "london"
    return sorted(p.relative_to(data_root) for p in folder.glob("*/neutral.jpg"))


def random_spec(
    rng: np.random.Generator, data_root: Path, difficulty: int, document: DocumentType | None = None,
) -> PageSpec:
    """A plausible holder and document; a third of them Vietnamese, CCCD cards for VNM TD1."""
    kind = document or DocumentType(rng.choice([d.value for d in DocumentType], p=[0.45, 0.25, 0.15, 0.15]))
    state = str(rng.choice(_STATES))
    names = _VIETNAMESE if state == "VNM" else _OTHERS
    surname, given = names[int(rng.integers(0, len(names)))]
    sex = str(rng.choice(["M", "F", "X"], p=[0.48, 0.48, 0.04]))
    birth = _random_date(rng, date(1940, 1, 1), date(2008, 12, 31))
    expiry = _random_date(rng, date(2024, 1, 1), date(2036, 12, 31))
    personal = ""
    if kind is DocumentType.CARD_TD1 and state == "VNM":
        personal = "0" + "".join(str(d) for d in rng.integers(0, 10, size=11))
        number = personal[3:]
    elif rng.uniform() < 0.1 and kind in (DocumentType.CARD_TD1, DocumentType.CARD_TD2):
        number = "".join(rng.choice(list(_LETTERS + "0123456789"), size=int(rng.integers(10, 13))))
    else:
        number = str(rng.choice(list(_LETTERS))) + "".join(str(d) for d in rng.integers(0, 10, size=7))
        if rng.uniform() < 0.5:
            number += str(rng.choice(list(_LETTERS + "0123456789")))
    if kind is DocumentType.PASSPORT and not personal and rng.uniform() < 0.4:
        personal = "".join(rng.choice(list(_LETTERS + "0123456789"), size=int(rng.integers(6, 14))))
    portraits = london_portraits(data_root)
    portrait = portraits[int(rng.integers(0, len(portraits)))] if portraits else None
    return PageSpec(kind, state, surname, given, number, state, birth, sex, expiry, portrait, difficulty, personal)


# --------------------------------------------------------------------------- drawing


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _guilloche(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    width, height = size
    tint = rng.uniform(205, 245, size=3)
    page = np.empty((height, width, 3), np.float32)
    page[:] = tint
    xs = np.arange(width, dtype=np.float32)
    for _ in range(int(rng.integers(12, 24))):
        colour = rng.uniform(120, 220, size=3)
        base = rng.uniform(0, height)
        amp, freq, phase = rng.uniform(5, 60), rng.uniform(0.002, 0.02), rng.uniform(0, 2 * np.pi)
        ys = (base + amp * np.sin(freq * xs + phase)).astype(np.int32)
        pts = np.stack([xs.astype(np.int32), ys], axis=1)
        cv2.polylines(page, [pts], False, colour.tolist(), 1, cv2.LINE_AA)
    return Image.fromarray(page.astype(np.uint8))


def _portrait_image(spec: PageSpec, data_root: Path, size: tuple[int, int]) -> Image.Image:
    if spec.portrait is None:
        return Image.new("RGB", size, (180, 180, 190))
    path = spec.portrait if spec.portrait.is_absolute() else data_root / spec.portrait
    with Image.open(path) as img:
        rgb = img.convert("RGB")
    width, height = rgb.size  # crop to the portrait's aspect ratio around the centre
    target = size[0] / size[1]
    crop_w = min(width, int(height * target))
    crop_h = int(crop_w / target)
    left, top = (width - crop_w) // 2, max(0, (height - crop_h) // 2)
    return rgb.crop((left, top, left + crop_w, top + crop_h)).resize(size, Image.Resampling.LANCZOS)


def _draw_visual_zone(draw: ImageDraw.ImageDraw, spec: PageSpec, geometry: _Geometry, scale: float) -> None:
    x0 = (geometry.portrait_mm[0] + geometry.portrait_mm[2] + 4) * scale
    label, value = _font(TEXT_FONT, int(1.6 * scale)), _font(BOLD_FONT, int(2.6 * scale))
    title = _font(BOLD_FONT, int(4.0 * scale))
    draw.text((x0, 3 * scale), f"{geometry.title}  {spec.issuing_state}", font=title, fill=(40, 40, 90))
    rows = (
        ("Surname / Họ", spec.surname.upper()),
        ("Given names / Tên", spec.given_names.upper()),
        ("Nationality", spec.nationality),
        ("Date of birth", spec.birth_date.strftime("%d %b %Y").upper()),
        ("Sex", spec.sex),
        ("Document no.", spec.document_number),
        ("Date of expiry", spec.expiry_date.strftime("%d %b %Y").upper()),
    )
    y = geometry.portrait_mm[1] * scale
    step = (geometry.size_mm[1] - geometry.mrz_zone_mm - geometry.portrait_mm[1] - 2) * scale / len(rows)
    for caption, text in rows:
        draw.text((x0, y), caption, font=label, fill=(90, 90, 120))
        draw.text((x0, y + 1.7 * scale), text, font=value, fill=(20, 20, 30))
        y += step


def _draw_mrz(draw: ImageDraw.ImageDraw, lines: tuple[str, ...], geometry: _Geometry, scale: float,
              rng: np.random.Generator) -> None:
    pitch = MRZ_PITCH_MM * scale * rng.uniform(0.97, 1.03)
    font = _font(OCRB_FONT, round(pitch / OCRB_ADVANCE_EM))
    width_mm, height_mm = geometry.size_mm
    left = (width_mm * scale - pitch * len(lines[0])) / 2 + rng.uniform(-1, 1) * scale
    line_pitch = LINE_PITCH_MM * scale * rng.uniform(0.95, 1.08)
    top = height_mm * scale - geometry.mrz_zone_mm * scale / 2 - line_pitch * len(lines) / 2
    ink = int(rng.uniform(0, 60))
    for i, line in enumerate(lines):
        for j, char in enumerate(line):
            jitter = rng.normal(0, 0.03 * scale, size=2)
            draw.text((left + j * pitch + jitter[0], top + i * line_pitch + jitter[1]), char, font=font,
                      fill=(ink, ink, ink + 10))


def draw_page(spec: PageSpec, rng: np.random.Generator, data_root: Path, mrz_lines: tuple[str, ...] | None = None,
              ) -> tuple[np.ndarray, tuple[str, ...], PortraitBox]:
    """The flat page (BGR), its MRZ lines and the portrait box in page pixels.

    ``mrz_lines`` prints these lines instead of the spec's (a tampered document for tests).
    """
    geometry = _GEOMETRY[spec.document]
    lines = mrz_lines or compose_mrz(spec.mrz_fields())
    scale = PX_PER_MM
    size = (round(geometry.size_mm[0] * scale), round(geometry.size_mm[1] * scale))
    page = _guilloche(rng, size)
    draw = ImageDraw.Draw(page)
    zone_top = (geometry.size_mm[1] - geometry.mrz_zone_mm) * scale
    lightness = int(rng.uniform(232, 252))
    draw.rectangle((0, zone_top, size[0], size[1]), fill=(lightness, lightness, lightness - 4))
    px, py, pw, ph = (round(v * scale) for v in geometry.portrait_mm)
    page.paste(_portrait_image(spec, data_root, (pw, ph)), (px, py))
    _draw_visual_zone(draw, spec, geometry, scale)
    _draw_mrz(draw, lines, geometry, scale, rng)
    bgr = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    return bgr, lines, (px, py, px + pw, py + ph)


def render_page(spec: PageSpec, rng: np.random.Generator, data_root: Path, mrz_lines: tuple[str, ...] | None = None,
                ) -> tuple[np.ndarray, tuple[str, ...], PortraitBox]:
    """(photo BGR, MRZ lines, portrait box in photo pixels) for ``spec`` at its difficulty."""
    if not 0 <= spec.difficulty <= 3:
        raise ValueError(f"difficulty must be 0..3, got {spec.difficulty}")
    page, lines, (left, top, right, bottom) = draw_page(spec, rng, data_root, mrz_lines)
    photo, matrix = photograph(page, rng, spec.difficulty)
    corners = np.array([[[left, top], [right, top], [right, bottom], [left, bottom]]], dtype=np.float64)
    mapped = cv2.perspectiveTransform(corners, matrix)[0]
    height, width = photo.shape[:2]
    x0, y0 = np.clip(mapped.min(axis=0), 0, [width, height]).astype(int)
    x1, y1 = np.clip(mapped.max(axis=0), 0, [width, height]).astype(int)
    return photo, lines, (int(x0), int(y0), int(x1), int(y1))


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--n", type=int, required=True, help="number of pages")
    parser.add_argument("--difficulty", type=int, choices=range(4), default=1, help="0 scan .. 3 poor photo")
    parser.add_argument("--data", type=Path, help="data root with faces/london (default: configuration / KIOSK_DATA)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (keep benchmark and training seeds apart)")
    parser.add_argument("--document", choices=[d.value for d in DocumentType], help="only this type (default: mixed)")


def _spec_record(spec: PageSpec, lines: tuple[str, ...], box: PortraitBox) -> dict[str, object]:
    record = {k: str(v) if isinstance(v, Path | date) else v for k, v in dataclasses.asdict(spec).items()}
    record["document"] = spec.document.value
    return {**record, "mrz": list(lines), "portrait_box": list(box)}


def run(args: argparse.Namespace, config: Config) -> int:
    data_root = (args.data or config.data.root).resolve()
    if not london_portraits(data_root):
        log.error("no portraits under %s/faces/london (use --data or KIOSK_DATA)", data_root)
        return 2
    if args.n < 1:
        log.error("--n must be at least 1")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    document = DocumentType(args.document) if args.document else None
    truth: dict[str, list[str]] = {}
    specs: dict[str, dict[str, object]] = {}
    for i in range(args.n):
        spec = random_spec(rng, data_root, args.difficulty, document)
        photo, lines, box = render_page(spec, rng, data_root)
        name = f"page_{i:05d}.jpg"
        cv2.imwrite(str(args.out / name), photo, [cv2.IMWRITE_JPEG_QUALITY, 95])
        truth[name] = list(lines)
        specs[name] = _spec_record(spec, lines, box)
    (args.out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "specs.json").write_text(json.dumps(specs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.n} pages and truth.json to {args.out}")
    return 0
