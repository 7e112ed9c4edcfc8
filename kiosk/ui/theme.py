"""Colours and fonts shared by the kiosk and the console: high contrast, large type.

Colour never carries meaning alone: every state colour comes with an icon and a word.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

from kiosk.ui.qtfix import keep_none_alive

keep_none_alive()  # before any Qt call: see kiosk/ui/qtfix.py

BACKGROUND = QColor("#0b1f33")  # deep navy: white on it is about 16:1
PANEL = QColor("#14304d")
TEXT = QColor("#ffffff")
MUTED = QColor("#c9d6e3")
ACCENT = QColor("#ffd34d")  # warm yellow: instructions' key strokes and the current step
GOOD = QColor("#5fd98a")
WARN = QColor("#ffb347")
BAD = QColor("#ff6b6b")

# Font families in order of preference per language; fontconfig falls back per glyph after that.
FAMILIES: dict[str, list[str]] = {
    "vi": ["Noto Sans", "DejaVu Sans"],
    "en": ["Noto Sans", "DejaVu Sans"],
    "zh": ["Noto Sans CJK SC", "Noto Sans"],
    "lo": ["Noto Sans Lao", "Noto Sans"],
    "km": ["Noto Sans Khmer", "Noto Sans"],
}


def font(language: str, pixel_size: int, bold: bool = False) -> QFont:
    """A font for ``language`` at ``pixel_size`` pixels."""
    f = QFont()
    f.setFamilies(FAMILIES.get(language, FAMILIES["en"]))
    f.setPixelSize(pixel_size)
    f.setBold(bold)
    return f
