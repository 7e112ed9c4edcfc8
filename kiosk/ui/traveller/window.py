"""The traveller kiosk window: renders a ``TravellerView``; all text from the catalogues.

Layout, top to bottom: the progress steps; the pictogram (or the live camera) beside the
instruction, its detail and the quality hint; the calm countdown; the language buttons.
The window does no work of its own: views arrive through ``post`` from any thread and are
painted on Qt's thread, so inference never blocks the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import theme
from kiosk.ui.i18n import TRAVELLER_LANGUAGES, catalogue
from kiosk.ui.speech import Speaker
from kiosk.ui.traveller.pictograms import Pictogram
from kiosk.ui.traveller.preview import CameraPreview
from kiosk.ui.viewmodel import PREVIEW_SCREENS, Screen, Step, TravellerView

STEPS = tuple(Step)
ANIMATION_PERIOD_S = 1.6  # one slow back-and-forth of the arrows


def _text(language: str, key: str, **values: object) -> str:
    return catalogue("traveller", language).text(key, **values)


class StepMarker(QWidget):
    """A numbered disc: filled with a tick when done, ringed thickly when current."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.status = "todo"  # todo | current | done
        self.setFixedSize(QSize(44, 44))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(4, 4, 36, 36)
        if self.status == "done":
            p.setBrush(theme.TEXT)
            p.setPen(Qt.PenStyle.NoPen)
            p.drawEllipse(r)
            p.setPen(QPen(theme.BACKGROUND, 4.0))
            p.drawLine(QPointF(13, 22), QPointF(19, 29))
            p.drawLine(QPointF(19, 29), QPointF(31, 15))
        else:
            current = self.status == "current"
            p.setBrush(theme.ACCENT if current else theme.BACKGROUND)
            p.setPen(QPen(theme.ACCENT if current else theme.MUTED, 4.0 if current else 2.0))
            p.drawEllipse(r)
            p.setPen(theme.BACKGROUND if current else theme.MUTED)
            f = theme.font("en", 20, bold=True)
            p.setFont(f)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, str(self.number))
        p.end()


class Countdown(QWidget):
    """A slim bar emptying slowly, with the seconds in words beside it (no ticking red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fraction = 1.0
        self.setFixedHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.PANEL)
        p.drawRoundedRect(QRectF(self.rect()), 7, 7)
        p.setBrush(theme.MUTED)
        p.drawRoundedRect(QRectF(0, 0, self.width() * max(0.0, min(1.0, self.fraction)), self.height()), 7, 7)
        p.end()


class TravellerWindow(QWidget):
    """The kiosk's single window. ``language_chosen`` fires when the traveller touches a language."""

    view_posted = Signal(object)
    language_chosen = Signal(str)

    def __init__(self, speaker: Speaker | None = None, animate: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("traveller")
        self.setStyleSheet(
            f"QWidget#traveller {{ background: {theme.BACKGROUND.name()}; }}"
            f" QLabel {{ color: {theme.TEXT.name()}; }}"
        )
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), theme.BACKGROUND)
        self.setPalette(pal)
        self.speaker = speaker
        self.view = TravellerView()
        self._countdown_start: int | None = None
        self._spoken: tuple[str, str | None, str] | None = None
        self._build()
        self.view_posted.connect(self.show_view)
        self.show_view(self.view)
        self.animation = QTimer(self)  # the pictogram's arrows move slowly back and forth
        self.animation.setInterval(50)
        self.animation.timeout.connect(self._step_animation)
        if animate:
            self.animation.start()

    def _step_animation(self) -> None:
        if self.isVisible() and self.visual.currentWidget() is self.pictogram:
            self.pictogram.phase = (self.pictogram.phase + 0.05 / ANIMATION_PERIOD_S) % 1.0
            self.pictogram.update()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 28, 40, 28)
        root.setSpacing(20)

        top = QHBoxLayout()
        self.step_markers: dict[Step, StepMarker] = {}
        self.step_labels: dict[Step, QLabel] = {}
        for i, step in enumerate(STEPS, start=1):
            marker = StepMarker(i)
            label = QLabel()
            label.setObjectName(f"step_{step.value}")
            self.step_markers[step], self.step_labels[step] = marker, label
            top.addWidget(marker)
            top.addWidget(label)
            top.addSpacing(10)
        top.addStretch(1)
        root.addLayout(top)

        middle = QHBoxLayout()
        middle.setSpacing(48)
        self.visual = QStackedWidget()
        self.pictogram = Pictogram()
        self.preview = CameraPreview()
        self.visual.addWidget(self.pictogram)
        self.visual.addWidget(self.preview)
        self.visual.setMinimumSize(QSize(420, 360))
        middle.addWidget(self.visual, 5)

        words = QVBoxLayout()
        words.setSpacing(22)
        words.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.finger_count = QLabel()
        self.finger_count.setObjectName("finger_count")
        self.hint_box = QFrame()
        self.hint_box.setObjectName("hint_box")
        self.hint_box.setStyleSheet(
            f"QFrame#hint_box {{ background: {theme.ACCENT.name()}; border-radius: 14px; }}"
            f" QLabel {{ color: {theme.BACKGROUND.name()}; }}"
        )
        hint_row = QHBoxLayout(self.hint_box)
        hint_row.setContentsMargins(20, 14, 20, 14)
        self.hint_icon = QLabel("!")
        self.hint_icon.setObjectName("hint_icon")
        self.hint_icon.setFixedSize(QSize(52, 52))
        self.hint_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_icon.setFont(theme.font("en", 34, bold=True))
        self.hint_icon.setStyleSheet(
            f"border: 4px solid {theme.BACKGROUND.name()}; border-radius: 26px; color: {theme.BACKGROUND.name()};"
        )
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        hint_row.addWidget(self.hint_icon)
        hint_row.addWidget(self.hint, 1)
        for w in (self.title, self.detail, self.finger_count, self.hint_box):
            words.addWidget(w)
        words.addStretch(1)
        middle.addLayout(words, 6)
        root.addLayout(middle, 1)

        bottom = QHBoxLayout()
        self.countdown_bar = Countdown()
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setMinimumWidth(300)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom.addWidget(self.countdown_bar, 1)
        bottom.addSpacing(20)
        bottom.addWidget(self.countdown)
        root.addLayout(bottom)

        langs = QHBoxLayout()
        langs.setSpacing(12)
        self.language_label = QLabel()
        self.language_label.setObjectName("language_label")
        langs.addWidget(self.language_label)
        self.language_buttons: dict[str, QPushButton] = {}
        for lang in TRAVELLER_LANGUAGES:
            button = QPushButton(_text(lang, "language.name"))
            button.setObjectName(f"lang_{lang}")
            button.setFont(theme.font(lang, 22))
            label_width = QFontMetrics(button.font()).horizontalAdvance("✓ " + _text(lang, "language.name"))
            button.setMinimumSize(QSize(max(110, label_width + 36), 64))  # a finger's target, not a mouse's
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, lang=lang: self.language_chosen.emit(lang))
            self.language_buttons[lang] = button
            langs.addWidget(button)
        langs.addStretch(1)
        root.addLayout(langs)

    # -- rendering ----------------------------------------------------------------------
    def post(self, view: TravellerView) -> None:
        """Thread-safe: queue ``view`` for painting on Qt's thread."""
        self.view_posted.emit(view)

    def show_view(self, view: TravellerView) -> None:
        """Show ``view``; called on Qt's thread only."""
        previous, self.view = self.view, view
        lang = view.language
        t: Callable[..., str] = lambda key, **v: _text(lang, key, **v)  # noqa: E731

        current = view.step
        current_index = STEPS.index(current) if current is not None else -1
        done_all = view.screen is Screen.PROCEED
        for i, step in enumerate(STEPS):
            label = self.step_labels[step]
            label.setText(t(f"progress.{step.value}"))
            is_current = i == current_index
            label.setFont(theme.font(lang, 22, bold=is_current))
            label.setStyleSheet(f"color: {(theme.TEXT if is_current else theme.MUTED).name()};")
            marker = self.step_markers[step]
            marker.status = "done" if (i < current_index or (done_all and i < len(STEPS) - 1)) else (
                "current" if is_current else "todo"
            )
            marker.setVisible(current is not None)
            label.setVisible(current is not None)
            marker.update()
        self.language_label.setText(t("language.label"))
        self.language_label.setFont(theme.font(lang, 20))
        for code, button in self.language_buttons.items():
            chosen = code == lang
            button.setStyleSheet(
                f"QPushButton {{ color: {(theme.BACKGROUND if chosen else theme.TEXT).name()};"
                f" background: {(theme.ACCENT if chosen else theme.PANEL).name()};"
                f" border: {'4' if chosen else '2'}px solid {theme.ACCENT.name() if chosen else theme.MUTED.name()};"
                " border-radius: 12px; padding: 6px 8px; }"
            )
            button.setText(("✓ " if chosen else "") + _text(code, "language.name"))

        self.title.setText(t(f"{view.instruction}.title", count=view.fingers_asked))
        self.title.setFont(theme.font(lang, 64, bold=True))
        self.detail.setText(t(f"{view.instruction}.detail", count=view.fingers_asked))
        self.detail.setFont(theme.font(lang, 34))
        self.detail.setStyleSheet(f"color: {theme.MUTED.name()};")

        if view.fingers is not None and view.screen is Screen.PLACE_FINGERS:
            n, total = view.fingers
            self.finger_count.setText(t("finger.count", n=n, total=total))
            self.finger_count.setFont(theme.font(lang, 34, bold=True))
            self.finger_count.setVisible(True)
        else:
            self.finger_count.setText("")
            self.finger_count.setVisible(False)

        if view.hint is not None:
            self.hint.setText(t(f"hint.{view.hint}"))
            self.hint.setFont(theme.font(lang, 36, bold=True))
            self.hint_box.setVisible(True)
        else:
            self.hint.setText("")
            self.hint_box.setVisible(False)

        show_preview = view.screen in PREVIEW_SCREENS and view.frame is not None
        self.preview.set_frame(view.frame if show_preview else None, view.face_box, view.face_ok)
        self.pictogram.set_screen(view.screen, max(1, view.fingers_asked))
        self.visual.setCurrentWidget(self.preview if show_preview else self.pictogram)

        if previous.screen is not view.screen or self._countdown_start is None:
            self._countdown_start = view.countdown_s
        if view.countdown_s is not None:
            start = max(self._countdown_start or view.countdown_s, view.countdown_s, 1)
            self._countdown_start = start
            self.countdown.setText(t("countdown.seconds", seconds=view.countdown_s))
            self.countdown.setFont(theme.font(lang, 28))
            self.countdown_bar.fraction = view.countdown_s / start
            self.countdown.setVisible(True)
            self.countdown_bar.setVisible(True)
            self.countdown_bar.update()
        else:
            self.countdown.setText("")
            self.countdown.setVisible(False)
            self.countdown_bar.setVisible(False)
        self._speak(view)

    def _speak(self, view: TravellerView) -> None:
        """Say the instruction (and the hint) once each time either changes."""
        if self.speaker is None:
            return
        key = (view.instruction, view.hint, view.language)
        if key == self._spoken:
            return
        self._spoken = key
        text = _text(view.language, f"{view.instruction}.title", count=view.fingers_asked)
        if view.hint is not None:
            text = _text(view.language, f"hint.{view.hint}")
        self.speaker.say(text, view.language)
