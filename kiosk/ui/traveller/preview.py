"""The live camera preview: the frame, the oval where the face should be, and the found face.

The found face's outline is solid with a tick when its quality passes and dashed with a
cross when it does not, so the verdict is not told by colour alone.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui import theme
from kiosk.ui.viewmodel import Box

# Where the face should be, as fractions of the frame (x, y, width, height).
GUIDE: Box = (0.32, 0.14, 0.36, 0.66)


def to_qimage(frame: NDArray[np.uint8]) -> QImage:
    """An RGB HxWx3 array copied into a new QImage.

    The pixels are written into the image's own buffer: building a QImage over numpy's buffer
    (``QImage(data, w, h, ...)``) trips a reference-count bug of PySide6 after some hundred frames."""
    h, w, _ = frame.shape
    image = QImage(w, h, QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    pixels = np.frombuffer(image.bits(), dtype=np.uint8, count=stride * h).reshape(h, stride)
    pixels[:, : 3 * w] = np.ascontiguousarray(frame).reshape(h, 3 * w)
    return image


class CameraPreview(QWidget):
    """Shows one frame with its overlays; ``set_frame`` with None shows an empty panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._box: Box | None = None
        self._ok: bool | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(480, 360)

    def set_frame(self, frame: NDArray[np.uint8] | None, box: Box | None, ok: bool | None) -> None:
        self._image = None if frame is None else to_qimage(frame)
        self._box, self._ok = box, ok
        self.update()

    def _target(self) -> QRectF:
        if self._image is None:
            return QRectF(self.rect())
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    @staticmethod
    def _place(box: Box, target: QRectF) -> QRectF:
        x, y, w, h = box
        return QRectF(target.x() + x * target.width(), target.y() + y * target.height(),
                      w * target.width(), h * target.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), theme.PANEL)
        target = self._target()
        if self._image is not None:
            p.drawImage(target, self._image)
        guide = QPen(theme.TEXT, 4.0, Qt.PenStyle.DashLine)
        p.setPen(guide)
        p.drawEllipse(self._place(GUIDE, target))
        if self._box is not None:
            rect = self._place(self._box, target)
            ok = bool(self._ok)
            pen = QPen(theme.GOOD if ok else theme.WARN, 5.0, Qt.PenStyle.SolidLine if ok else Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawRoundedRect(rect, 12, 12)
            self._mark(p, QPointF(rect.right() - 4, rect.top() + 4), ok)
        p.end()

    @staticmethod
    def _mark(p: QPainter, corner: QPointF, ok: bool) -> None:
        """A tick or a cross in a disc at the top-right corner of the face box."""
        r = 20.0
        c = QPointF(corner.x(), corner.y())
        p.setBrush(theme.GOOD if ok else theme.WARN)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(c, r, r)
        p.setPen(QPen(theme.BACKGROUND, 5.0))
        if ok:
            p.drawLine(QPointF(c.x() - 9, c.y()), QPointF(c.x() - 2, c.y() + 7))
            p.drawLine(QPointF(c.x() - 2, c.y() + 7), QPointF(c.x() + 10, c.y() - 7))
        else:
            p.drawLine(QPointF(c.x() - 7, c.y() - 7), QPointF(c.x() + 7, c.y() + 7))
            p.drawLine(QPointF(c.x() + 7, c.y() - 7), QPointF(c.x() - 7, c.y() + 7))
