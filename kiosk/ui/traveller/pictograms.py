"""One pictogram per traveller action, drawn with QPainter (no image assets to license).

Each is drawn in a 100 x 100 box scaled to the widget, white strokes with the accent colour
for the part the traveller acts on, so it reads on the kiosk's dark background.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui import theme
from kiosk.ui.viewmodel import Screen


def _pen(p: QPainter, width: float = 3.0, accent: bool = False) -> None:
    pen = QPen(theme.ACCENT if accent else theme.TEXT, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)


def _arrow(p: QPainter, start: QPointF, end: QPointF, head: float = 7.0, phase: float = 0.0) -> None:
    """A thick accent arrow from ``start`` to ``end``, nudged gently along itself by ``phase`` (0-1)."""
    _pen(p, 4.0, accent=True)
    d = end - start
    length = max((d.x() ** 2 + d.y() ** 2) ** 0.5, 1e-6)
    ux, uy = d.x() / length, d.y() / length
    shift = 3.0 * math.sin(2.0 * math.pi * phase)
    start = QPointF(start.x() + shift * ux, start.y() + shift * uy)
    end = QPointF(end.x() + shift * ux, end.y() + shift * uy)
    p.drawLine(start, end)
    left = QPointF(end.x() - head * ux + head * 0.6 * uy, end.y() - head * uy - head * 0.6 * ux)
    right = QPointF(end.x() - head * ux - head * 0.6 * uy, end.y() - head * uy + head * 0.6 * ux)
    p.setBrush(QBrush(theme.ACCENT))
    p.drawPolygon(QPolygonF([end, left, right]))


def _person(p: QPainter, x: float, y: float, scale: float = 1.0, walking: bool = False) -> None:
    """A stick figure whose head centre is at (x, y)."""
    _pen(p, 3.5)
    p.drawEllipse(QPointF(x, y), 5 * scale, 5 * scale)
    hip = QPointF(x, y + 26 * scale)
    p.drawLine(QPointF(x, y + 6 * scale), hip)
    if walking:
        p.drawLine(QPointF(x, y + 12 * scale), QPointF(x + 9 * scale, y + 20 * scale))
        p.drawLine(QPointF(x, y + 12 * scale), QPointF(x - 8 * scale, y + 19 * scale))
        p.drawLine(hip, QPointF(x + 9 * scale, y + 40 * scale))
        p.drawLine(hip, QPointF(x - 8 * scale, y + 40 * scale))
    else:
        p.drawLine(QPointF(x, y + 12 * scale), QPointF(x + 9 * scale, y + 22 * scale))
        p.drawLine(QPointF(x, y + 12 * scale), QPointF(x - 9 * scale, y + 22 * scale))
        p.drawLine(hip, QPointF(x + 6 * scale, y + 40 * scale))
        p.drawLine(hip, QPointF(x - 6 * scale, y + 40 * scale))


def _passport(p: QPainter, rect: QRectF) -> None:
    _pen(p, 3.0, accent=True)
    p.drawRoundedRect(rect, 2, 2)
    c = rect.center()
    r = min(rect.width(), rect.height()) * 0.18
    p.drawEllipse(QPointF(c.x(), c.y() - r * 0.6), r, r)  # the emblem / portrait circle
    p.drawLine(QPointF(rect.left() + 5, rect.bottom() - 6), QPointF(rect.right() - 5, rect.bottom() - 6))


def _scanner(p: QPainter) -> None:
    _pen(p)
    p.drawRoundedRect(QRectF(14, 70, 72, 16), 3, 3)
    p.drawLine(QPointF(20, 78), QPointF(80, 78))


def draw_idle(p: QPainter, phase: float = 0.0) -> None:
    _scanner(p)
    _passport(p, QRectF(30, 14, 28, 36))
    _arrow(p, QPointF(44, 52), QPointF(44, 67), phase=phase)
    _pen(p, 2.5)  # the permit barcode, the other way in
    p.drawRect(QRectF(68, 22, 18, 18))
    for i in range(3):
        p.drawRect(QRectF(71 + 5 * i, 25 + 4 * (i % 2), 3, 3))
    p.drawRect(QRectF(71, 34, 3, 3))
    p.drawRect(QRectF(80, 34, 3, 3))


def draw_step_in(p: QPainter, phase: float = 0.0) -> None:
    _pen(p)
    p.drawLine(QPointF(62, 12), QPointF(62, 90))  # door frame, the door swung open
    p.drawLine(QPointF(92, 12), QPointF(92, 90))
    p.drawLine(QPointF(62, 12), QPointF(92, 12))
    p.drawLine(QPointF(62, 90), QPointF(74, 70))
    _person(p, 34, 30, 1.2, walking=True)
    _arrow(p, QPointF(44, 88), QPointF(76, 88), phase=phase)


def draw_look_at_camera(p: QPainter, phase: float = 0.0) -> None:
    _pen(p)
    p.drawRoundedRect(QRectF(34, 8, 32, 18), 4, 4)  # the camera
    p.drawEllipse(QPointF(50, 17), 5, 5)
    _pen(p, 3.0, accent=True)
    p.drawEllipse(QRectF(32, 38, 36, 46))  # the face
    p.drawEllipse(QPointF(43, 56), 2.5, 2.5)
    p.drawEllipse(QPointF(57, 56), 2.5, 2.5)
    p.drawArc(QRectF(42, 62, 16, 10), 200 * 16, 140 * 16)
    _pen(p, 2.0, accent=True)
    for dx in (-8, 8):
        p.drawLine(QPointF(50 + dx * 0.4, 36), QPointF(50 + dx, 29))


def _fingertip(p: QPainter, x: float, width: float) -> None:
    """A finger pointing down onto the glass, its left edge at ``x``, with a whorl on the tip."""
    _pen(p, 3.0, accent=True)
    path = QPainterPath()
    path.moveTo(x, 10)
    path.lineTo(x, 58)
    path.arcTo(QRectF(x, 48, width, 22), 180, 180)
    path.lineTo(x + width, 10)
    p.drawPath(path)
    _pen(p, 1.6, accent=True)
    c = x + width / 2
    for r in (width / 8, width / 4, width * 3 / 8):
        p.drawArc(QRectF(c - r, 56 - r * 0.9, 2 * r, 1.8 * r), 0, 180 * 16)
    p.drawLine(QPointF(x + 3, 56), QPointF(x + 3, 60))
    p.drawLine(QPointF(x + width - 3, 56), QPointF(x + width - 3, 60))


def draw_place_fingers(p: QPainter, phase: float = 0.0) -> None:
    _pen(p)
    p.drawRoundedRect(QRectF(18, 72, 64, 14), 3, 3)  # the glass
    _fingertip(p, 38, 24)
    _arrow(p, QPointF(80, 30), QPointF(80, 62), head=6.0, phase=phase)


def draw_place_two_fingers(p: QPainter, phase: float = 0.0) -> None:
    """Both index fingers side by side on a dual-finger scanner's glass, an arrow between them."""
    _pen(p)
    p.drawRoundedRect(QRectF(8, 72, 84, 14), 3, 3)  # the glass
    p.drawLine(QPointF(50, 74), QPointF(50, 84))  # the two windows of the glass
    _fingertip(p, 16, 22)  # left hand's index (on the traveller's left)
    _fingertip(p, 62, 22)  # right hand's index
    _arrow(p, QPointF(50, 22), QPointF(50, 60), head=6.0, phase=phase)


def draw_proceed(p: QPainter, phase: float = 0.0) -> None:
    _person(p, 30, 26, 1.3, walking=True)
    _arrow(p, QPointF(50, 50), QPointF(90, 50), head=10.0, phase=phase)


def draw_wait_officer(p: QPainter, phase: float = 0.0) -> None:
    _person(p, 36, 28, 1.3)
    _pen(p, 3.0)
    p.drawLine(QPointF(27, 21), QPointF(45, 21))  # the officer's cap
    p.drawRect(QRectF(29, 16, 14, 5))
    _pen(p, 3.0, accent=True)  # an hourglass: wait
    p.drawLine(QPointF(64, 30), QPointF(84, 30))
    p.drawLine(QPointF(64, 70), QPointF(84, 70))
    p.drawLine(QPointF(66, 30), QPointF(82, 70))
    p.drawLine(QPointF(82, 30), QPointF(66, 70))


def draw_take_document(p: QPainter, phase: float = 0.0) -> None:
    _scanner(p)
    _passport(p, QRectF(34, 26, 28, 36))
    _arrow(p, QPointF(74, 60), QPointF(74, 18), phase=phase)


def draw_out_of_service(p: QPainter, phase: float = 0.0) -> None:
    pen = QPen(theme.BAD, 7.0)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(50, 50), 36, 36)
    p.setPen(QPen(theme.TEXT, 9.0))
    p.drawLine(QPointF(30, 50), QPointF(70, 50))


PICTOGRAMS: dict[Screen, Callable[[QPainter, float], None]] = {
    Screen.IDLE: draw_idle,
    Screen.STEP_IN: draw_step_in,
    Screen.LOOK_AT_CAMERA: draw_look_at_camera,
    Screen.PLACE_FINGERS: draw_place_fingers,
    Screen.PROCEED: draw_proceed,
    Screen.WAIT_OFFICER: draw_wait_officer,
    Screen.TAKE_DOCUMENT: draw_take_document,
    Screen.OUT_OF_SERVICE: draw_out_of_service,
}


class Pictogram(QWidget):
    """Paints the pictogram of the current screen, square, centred."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = Screen.IDLE
        self.fingers = 1  # fingers asked at once on the place-fingers screen
        self.phase = 0.0  # 0-1: where the arrows are in their slow back-and-forth
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(360, 360)

    def set_screen(self, screen: Screen, fingers: int = 1) -> None:
        """Show ``screen``'s pictogram; ``fingers`` > 1 puts that many fingers (two drawn) on the glass."""
        self.kind = screen
        self.fingers = fingers
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        side = min(self.width(), self.height())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.translate((self.width() - side) / 2, (self.height() - side) / 2)
        p.scale(side / 100.0, side / 100.0)
        two = self.kind is Screen.PLACE_FINGERS and self.fingers > 1
        (draw_place_two_fingers if two else PICTOGRAMS[self.kind])(p, self.phase)
        p.end()
