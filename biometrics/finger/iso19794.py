"""Finger minutiae records: ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004, read and written.

Both start with ``FMR\\0`` and version `` 20\\0`` and share the finger-view layout; they differ
in the header and in the angle unit:

=====================  ==============================  ==========================================
field                  ISO/IEC 19794-2:2005            ANSI INCITS 378-2004
=====================  ==============================  ==========================================
record length          4 bytes                         2 bytes, or 0x0000 + 4 bytes if > 65535
CBEFF product id       (none)                          4 bytes
header size            24 bytes                        26 (or 30) bytes
minutia angle unit     360/256 degrees                 2 degrees
=====================  ==============================  ==========================================

Then: capture equipment (4-bit certification + 12-bit id), image width and height (pixels),
x and y resolution (pixels per cm), number of finger views, a reserved byte. Each view:
finger position, view number (4 bits) + impression type (4 bits), finger quality (0-100),
number of minutiae; each minutia 6 bytes: 2-bit type (01 ending, 10 bifurcation, 00 other) +
14-bit x, 2 reserved bits + 14-bit y, angle, quality (0-100); then a 2-byte extended-data
length and that many bytes (kept opaque, skipped on reading).

Coordinates are pixels from the top-left corner, y down; angles counter-clockwise from the
x axis, as in ``Minutia``. Reading converts to 500 dpi when the record's resolution differs.
Every malformed or truncated record raises ``TemplateInvalid`` with what is wrong.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from biometrics.finger.errors import TemplateInvalid
from biometrics.finger.results import FingerPosition, FingerQuality, FingerTemplate, Minutia

MAGIC = b"FMR\x00"
VERSION = b" 20\x00"
ISO = "iso19794-2:2005"
ANSI = "ansi378-2004"
FORMATS = (ISO, ANSI)
PPCM_500DPI = 197  # 500 dpi = 196.85 pixels per cm, rounded as the standards require
MAX_COORD = (1 << 14) - 1
_ANGLE_STEP = {ISO: 360.0 / 256.0, ANSI: 2.0}
_ANGLE_COUNT = {ISO: 256, ANSI: 180}
_KIND_CODE = {"other": 0, "ending": 1, "bifurcation": 2}
_CODE_KIND = {0: "other", 1: "ending", 2: "bifurcation"}


@dataclass(frozen=True)
class RecordInfo:
    """Header values of a decoded record that the templates do not carry."""

    format: str
    width: int
    height: int
    x_ppcm: int
    y_ppcm: int
    capture_equipment: int = 0
    cbeff_product: int = 0  # ANSI only


def _quantise_angle(angle: float, fmt: str) -> int:
    steps = _ANGLE_COUNT[fmt]
    return round((math.degrees(angle) % 360.0) / _ANGLE_STEP[fmt]) % steps


def _finger_view(template: FingerTemplate, fmt: str, view_number: int) -> bytes:
    if len(template.minutiae) > 255:
        raise TemplateInvalid(f"{len(template.minutiae)} minutiae: a finger view holds at most 255")
    quality = template.quality.score if template.quality is not None else 0
    out = bytearray(
        struct.pack(">BBBB", int(template.position), (view_number & 0xF) << 4, quality, len(template.minutiae))
    )
    for m in template.minutiae:
        x, y = round(m.x), round(m.y)
        if not (0 <= x <= MAX_COORD and 0 <= y <= MAX_COORD):
            raise TemplateInvalid(f"minutia at ({m.x}, {m.y}) is outside the 14-bit coordinate range")
        code = _KIND_CODE.get(m.kind, 0)
        out += struct.pack(
            ">HHBB", (code << 14) | x, y, _quantise_angle(m.angle, fmt), max(0, min(100, int(m.quality)))
        )
    out += struct.pack(">H", 0)  # no extended data
    return bytes(out)


def encode(templates: Sequence[FingerTemplate], fmt: str = ISO, capture_equipment: int = 0) -> bytes:
    """One record holding a finger view per template (all at 500 dpi, same image size)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if not templates:
        raise TemplateInvalid("a record needs at least one finger view")
    if len(templates) > 255:
        raise TemplateInvalid("a record holds at most 255 finger views")
    width = max(t.width for t in templates)
    height = max(t.height for t in templates)
    if width > 0xFFFF or height > 0xFFFF:
        raise TemplateInvalid(f"image size {width}x{height} does not fit the record header")
    views = b""
    per_position: dict[int, int] = {}
    for t in templates:
        view_number = per_position.get(int(t.position), 0)
        per_position[int(t.position)] = view_number + 1
        views += _finger_view(t, fmt, view_number)
    equipment = capture_equipment & 0x0FFF
    tail = struct.pack(">HHHHHBB", equipment, width, height, PPCM_500DPI, PPCM_500DPI, len(templates), 0)
    if fmt == ISO:
        length = 4 + 4 + 4 + len(tail) + len(views)
        return MAGIC + VERSION + struct.pack(">I", length) + tail + views
    cbeff = struct.pack(">I", 0)
    length = 4 + 4 + 2 + len(cbeff) + len(tail) + len(views)
    if length <= 0xFFFF:
        return MAGIC + VERSION + struct.pack(">H", length) + cbeff + tail + views
    length += 4
    return MAGIC + VERSION + struct.pack(">HI", 0, length) + cbeff + tail + views


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise TemplateInvalid(f"record truncated in {what} (byte {self.pos}, {len(self.data)} bytes in all)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple[int, ...]:
        values: tuple[int, ...] = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))
        return values


def _detect_format(data: bytes) -> str:
    """ISO has a 4-byte length equal to the record size; ANSI a 2-byte (or 0 + 4-byte) one."""
    if len(data) >= 12 and struct.unpack(">I", data[8:12])[0] == len(data):
        return ISO
    if len(data) >= 10 and struct.unpack(">H", data[8:10])[0] == len(data):
        return ANSI
    if len(data) >= 14 and data[8:10] == b"\x00\x00" and struct.unpack(">I", data[10:14])[0] == len(data):
        return ANSI
    raise TemplateInvalid("record length field does not match the data (truncated or not a minutiae record)")


def decode(data: bytes, fmt: str | None = None) -> tuple[RecordInfo, list[FingerTemplate]]:
    """Header and templates (at 500 dpi) of a record; the format is detected when not given."""
    if not isinstance(data, bytes | bytearray) or len(data) < 8:
        raise TemplateInvalid("too short to be a finger minutiae record")
    data = bytes(data)
    if data[:4] != MAGIC:
        raise TemplateInvalid(f"format identifier is {data[:4]!r}, not 'FMR\\0'")
    if data[4:8] != VERSION:
        raise TemplateInvalid(f"version is {data[4:8]!r}, only ' 20\\0' (2005 / 2004) is supported")
    fmt = fmt or _detect_format(data)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    r = _Reader(data)
    r.pos = 8
    if fmt == ISO:
        (length,) = r.unpack(">I", "record length")
        cbeff = 0
    else:
        (length,) = r.unpack(">H", "record length")
        if length == 0:
            (length,) = r.unpack(">I", "extended record length")
        (cbeff,) = r.unpack(">I", "CBEFF product id")
    if length != len(data):
        raise TemplateInvalid(f"record length field says {length} bytes, the data has {len(data)}")
    equipment, width, height, x_ppcm, y_ppcm, n_views, _ = r.unpack(">HHHHHBB", "record header")
    if x_ppcm == 0 or y_ppcm == 0:
        raise TemplateInvalid("resolution is 0 pixels per cm")
    info = RecordInfo(fmt, width, height, x_ppcm, y_ppcm, equipment & 0x0FFF, cbeff)
    sx, sy = PPCM_500DPI / x_ppcm, PPCM_500DPI / y_ppcm
    templates: list[FingerTemplate] = []
    for v in range(n_views):
        position, view_impression, quality, count = r.unpack(">BBBB", f"finger view {v + 1} header")
        if position > max(FingerPosition):
            raise TemplateInvalid(f"finger view {v + 1}: finger position {position} is not 0-10")
        if quality > 100:
            raise TemplateInvalid(f"finger view {v + 1}: finger quality {quality} is above 100")
        del view_impression  # view number and impression type are not part of our template
        minutiae: list[Minutia] = []
        for k in range(count):
            xt, yr, angle, mq = r.unpack(">HHBB", f"minutia {k + 1} of finger view {v + 1}")
            if angle >= _ANGLE_COUNT[fmt]:
                raise TemplateInvalid(f"minutia {k + 1} of finger view {v + 1}: angle code {angle} out of range")
            minutiae.append(
                Minutia(
                    x=(xt & MAX_COORD) * sx,
                    y=(yr & MAX_COORD) * sy,
                    angle=math.radians(angle * _ANGLE_STEP[fmt]),
                    kind=_CODE_KIND.get(xt >> 14, "other"),
                    quality=min(mq, 100),
                )
            )
        (extended,) = r.unpack(">H", f"extended data length of finger view {v + 1}")
        r.take(extended, f"extended data of finger view {v + 1}")
        view_quality = FingerQuality(score=quality, acceptable=True) if quality else None
        templates.append(
            FingerTemplate(
                position=FingerPosition(position),
                minutiae=tuple(minutiae),
                width=round(width * sx),
                height=round(height * sy),
                quality=view_quality,
                dpi=500,
            )
        )
    if r.pos != len(data):
        raise TemplateInvalid(f"{len(data) - r.pos} bytes left over after {n_views} finger view(s)")
    return info, templates
