"""C40 text encoding as ICAO 9303 part 13 section 2.6 uses it: three characters in two bytes.

Values: 3 = space (which stands for the MRZ filler ``<``), 4-13 = ``0``-``9``, 14-39 = ``A``-``Z``;
0 (Shift 1) pads a final pair; a final single character is written ``0xFE`` then its ASCII + 1.
"""

from __future__ import annotations

_CHARS = {3: " ", **{v: chr(v + 44) for v in range(4, 14)}, **{v: chr(v + 51) for v in range(14, 40)}}
_VALUES = {c: v for v, c in _CHARS.items()}


class C40Error(ValueError):
    """Bytes that are not C40, or text C40 cannot hold."""


def decode(data: bytes) -> str:
    """Text of C40 bytes; spaces are returned as ``<`` (the MRZ filler)."""
    if len(data) % 2:
        raise C40Error(f"C40 data has an odd length ({len(data)} bytes)")
    out: list[str] = []
    for i in range(0, len(data), 2):
        first, second = data[i], data[i + 1]
        if first == 0xFE:
            if i + 2 != len(data):
                raise C40Error("C40 single-character marker before the end of the data")
            out.append(chr(second - 1))
            continue
        value = first * 256 + second - 1
        if value < 0 or value >= 64000:
            raise C40Error(f"bytes {first:02x}{second:02x} are not a C40 triple")
        for code in (value // 1600, (value // 40) % 40, value % 40):
            if code == 0:
                continue  # Shift 1: padding
            if code not in _CHARS:
                raise C40Error(f"C40 value {code} is not in the basic set")
            out.append(_CHARS[code])
    return "".join(out).replace(" ", "<")


def encode(text: str) -> bytes:
    """C40 bytes of upper-case letters, digits, spaces and ``<``."""
    text = text.upper().replace("<", " ")
    try:
        values = [_VALUES[c] for c in text]
    except KeyError as exc:
        raise C40Error(f"{exc.args[0]!r} cannot be C40-encoded") from exc
    out = bytearray()
    i = 0
    while i < len(values):
        chunk = values[i : i + 3]
        if len(chunk) == 1:
            out += bytes((0xFE, ord(text[i]) + 1))
        else:
            c1, c2, c3 = [*chunk, 0][:3]
            value = 1600 * c1 + 40 * c2 + c3 + 1
            out += bytes((value // 256, value % 256))
        i += 3
    return bytes(out)
