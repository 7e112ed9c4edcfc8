"""Small console widgets: verdict cells, face panels, read-only tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import theme
from kiosk.ui.i18n import Catalogue
from kiosk.ui.traveller.preview import to_qimage


def verdict(cat: Catalogue, passed: bool | None) -> tuple[str, str]:
    """Text (with a symbol, so colour is not the only cue) and colour of a pass / fail / not-done."""
    if passed is None:
        return "– " + cat.text("case.not_done"), theme.MUTED.name()
    if passed:
        return "✓ " + cat.text("case.pass"), theme.GOOD.name()
    return "✗ " + cat.text("case.fail"), theme.BAD.name()


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


FACE_SIZE = (240, 300)  # the crops the engine makes (FacePipeline.display_crop) are 240 x 300


class FacePanel(QWidget):
    """A face image with its caption above; a framed placeholder when there is none."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(caption)
        self.caption.setObjectName("caption")
        self.caption.setStyleSheet("font-weight: bold;")
        self.image = QLabel()
        self.image.setObjectName("image")
        self.image.setFixedSize(FACE_SIZE[0], FACE_SIZE[1])
        self.image.setWordWrap(True)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet(f"background: {theme.BACKGROUND.name()}; border: 2px solid {theme.MUTED.name()};")
        layout.addWidget(self.caption)
        layout.addWidget(self.image)

    def set_image(self, rgb: NDArray[np.uint8] | None, placeholder: str) -> None:
        if rgb is None:
            self.image.setPixmap(QPixmap())
            self.image.setText(placeholder)
            return
        pix = QPixmap.fromImage(to_qimage(rgb))
        self.image.setText("")
        keep, smooth = Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        self.image.setPixmap(pix.scaled(self.image.size(), keep, smooth))


def table(headers: Sequence[str], object_name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(object_name)
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(26)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return t


def fill(t: QTableWidget, rows: Sequence[Sequence[str | tuple[str, str]]]) -> None:
    """Rows of cells; a cell given as (text, colour) is drawn in that colour."""
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            text, colour = cell if isinstance(cell, tuple) else (cell, None)
            item = QTableWidgetItem(text)
            if colour is not None:
                item.setForeground(QBrush(theme.BACKGROUND))
                item.setBackground(QBrush(QColor(colour)))
            t.setItem(r, c, item)


def fit_height(t: QTableWidget, min_rows: int = 1) -> None:
    """Make a short table exactly as tall as its rows (no scroll bar for two scores)."""
    rows = max(t.rowCount(), min_rows)
    header = t.horizontalHeader().sizeHint().height() if t.horizontalHeader().isVisibleTo(t) else 0
    t.setFixedHeight(header + rows * t.verticalHeader().defaultSectionSize() + 2 * t.frameWidth() + 4)
