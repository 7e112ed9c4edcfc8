"""Names as ICAO 9303 part 3 writes them in the MRZ: upper-case A-Z, ``<`` for spaces and hyphens.

Diacritics are dropped (Vietnamese NGUYỄN VĂN AN becomes NGUYEN<<VAN<AN), the letters that
part 3's table spells out get their multi-letter forms (Ä AE, Ø OE, ß SS, Þ TH, Đ D), and
apostrophes and other punctuation are removed.
"""

from __future__ import annotations

import re
import unicodedata

_MULTI = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Ü": "UE", "ß": "SS", "Þ": "TH",
    "Œ": "OE", "Ĳ": "IJ", "Đ": "D", "Ð": "D", "Ł": "L", "Ħ": "H", "Ŋ": "N", "Ŧ": "T", "ı": "I",
}
_SEPARATORS = re.compile(r"[\s\-‐‑–—,.]+")


def transliterate(text: str) -> str:
    """Upper-case MRZ letters for a name part; spaces and hyphens become ``<``, the rest is dropped."""
    out: list[str] = []
    for char in _SEPARATORS.sub("<", text.strip().upper()):
        for c in unicodedata.normalize("NFD", _MULTI.get(char, char)):
            if "A" <= c <= "Z" or c == "<":
                out.append(c)
    return re.sub("<+", "<", "".join(out)).strip("<")


def mrz_name(surname: str, given_names: str) -> str:
    """``SURNAME<<GIVEN<NAMES`` (primary and secondary identifiers), without trailing fillers."""
    primary = transliterate(surname)
    secondary = transliterate(given_names)
    return f"{primary}<<{secondary}" if secondary else primary
