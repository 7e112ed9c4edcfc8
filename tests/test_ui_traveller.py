"""The traveller kiosk, rendered offscreen: every screen in every language shows the catalogue's words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage

from kiosk.ui import theme
from kiosk.ui.i18n import TRAVELLER_LANGUAGES, catalogue
from kiosk.ui.screenshots import application, dispose, sample_views
from kiosk.ui.speech import Speaker
from kiosk.ui.traveller.window import TravellerWindow
from kiosk.ui.viewmodel import BOTH_INDEX, Screen, TravellerView
from tests.ui_images import assert_not_blank, image_array

SCRIPT_RANGES = {"lo": (0x0E80, 0x0EFF), "km": (0x1780, 0x17FF), "zh": (0x4E00, 0x9FFF)}


@pytest.fixture(scope="module")
def window() -> Iterator[TravellerWindow]:
    application()
    w = TravellerWindow(animate=False)
    w.resize(1280, 720)
    w.show()
    yield w
    dispose(w)


@pytest.mark.parametrize("language", TRAVELLER_LANGUAGES)
def test_every_screen_shows_its_catalogue_text(window: TravellerWindow, language: str, data_root: Path,
                                               tmp_path: Path) -> None:
    cat = catalogue("traveller", language)
    for screen, view in sample_views(language, data_root).items():
        window.show_view(view)
        shot = window.grab().toImage()
        assert_not_blank(shot)
        assert window.title.text() == cat.text(f"{view.instruction}.title", count=view.fingers_asked)
        assert window.detail.text() == cat.text(f"{view.instruction}.detail", count=view.fingers_asked)
        if view.hint is not None:
            assert window.hint.text() == cat.text(f"hint.{view.hint}")
            assert window.hint_box.isVisibleTo(window)
        else:
            assert not window.hint_box.isVisibleTo(window)
        if view.countdown_s is not None:
            assert window.countdown.text() == cat.text("countdown.seconds", seconds=view.countdown_s)
        assert window.language_buttons[language].text().endswith(cat.text("language.name"))
        assert shot.save(str(tmp_path / f"{language}_{screen.value}.png"))


def test_the_preview_shows_the_camera_frame_only_where_the_traveller_looks(window: TravellerWindow,
                                                                          data_root: Path) -> None:
    views = sample_views("en", data_root)
    window.show_view(views[Screen.LOOK_AT_CAMERA])
    assert window.visual.currentWidget() is window.preview
    window.show_view(views[Screen.PLACE_FINGERS])
    assert window.visual.currentWidget() is window.pictogram
    assert window.title.text() == "Place both index fingers on the scanner"
    assert not window.finger_count.isVisibleTo(window)  # a dual-finger scanner takes both at once


@pytest.mark.parametrize("language", sorted(SCRIPT_RANGES))
def test_the_chosen_font_has_every_letter_of_the_language(window: TravellerWindow, language: str) -> None:
    """No empty boxes: Lao, Khmer and Chinese letters are in the font the kiosk picks for them."""
    window.show_view(TravellerView(Screen.IDLE, language))
    low, high = SCRIPT_RANGES[language]
    for label in (window.title, window.detail):
        metrics = QFontMetrics(label.font())
        letters = {ch for ch in label.text() if low <= ord(ch) <= high}
        assert letters
        missing = sorted(ch for ch in letters if not metrics.inFontUcs4(ord(ch)))
        assert missing == [], f"{label.font().family()} lacks {missing}"


def test_touching_a_language_button_asks_for_that_language(window: TravellerWindow) -> None:
    chosen: list[str] = []
    window.language_chosen.connect(chosen.append)
    window.language_buttons["lo"].click()
    assert chosen == ["lo"]


def test_views_posted_from_another_thread_are_painted_on_qt_s_thread(window: TravellerWindow) -> None:
    import threading

    from PySide6.QtWidgets import QApplication

    thread = threading.Thread(target=window.post, args=(TravellerView(Screen.PROCEED, "zh"),))
    thread.start()
    thread.join()
    QApplication.processEvents()
    assert window.title.text() == catalogue("traveller", "zh").text("state.proceed.title")


def test_spoken_prompts_are_off_unless_asked_and_silent_without_a_voice() -> None:
    off = Speaker(enabled=False, voices={"vi": "vi"})
    assert not off.enabled and off.command("Xin chào", "vi") is None
    on = Speaker(enabled=True, voices={"vi": "vi"})
    cmd = on.command("Nhìn vào camera", "vi")
    assert cmd is not None and cmd[1:3] == ["-v", "vi"] and cmd[-1] == "Nhìn vào camera"
    assert on.command("ເບິ່ງກ້ອງ", "lo") is None


def test_the_arrows_move_slowly_when_animated(data_root: Path) -> None:
    from PySide6.QtWidgets import QApplication

    application()
    w = TravellerWindow(animate=True)
    w.resize(800, 450)
    w.show()
    try:
        w.show_view(TravellerView(Screen.PROCEED, "en"))
        before = w.grab().toImage()
        for _ in range(5):
            w._step_animation()
        QApplication.processEvents()
        assert w.pictogram.phase > 0.1
        assert w.grab().toImage() != before
    finally:
        w.animation.stop()
        dispose(w)


def _fingertips(window: TravellerWindow) -> int:
    """Fingertips the pictogram draws on the glass: accent-coloured runs across the band just above it."""
    pixels = image_array(window.pictogram.grab().toImage()).astype(int)
    side = min(pixels.shape[:2])
    top, left = (pixels.shape[0] - side) // 2, (pixels.shape[1] - side) // 2
    band = pixels[top + side * 66 // 100: top + side * 71 // 100, left: left + side]  # below the arrows' heads
    accent = np.array([theme.ACCENT.red(), theme.ACCENT.green(), theme.ACCENT.blue()])
    columns = (np.abs(band - accent).sum(axis=2) < 90).any(axis=0)
    return int(np.count_nonzero(columns[1:] & ~columns[:-1]) + columns[0])


def _settled(window: TravellerWindow) -> QImage:
    """The window as the traveller sees it: laid out again for the new words (as the event loop would), then grabbed."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    return window.grab().toImage()


def _title_fits(window: TravellerWindow) -> bool:
    """The instruction, wrapped where its language allows, is no wider than its label (else it is cut off)."""
    wrapped = QFontMetrics(window.title.font()).boundingRect(0, 0, window.title.width(), 10_000,
                                                            int(Qt.TextFlag.TextWordWrap), window.title.text())
    return wrapped.width() <= window.title.width()


@pytest.mark.parametrize("language", ["vi", "en", "zh", "lo", "km"])
def test_two_fingers_asked_say_both_index_fingers_and_show_two(window: TravellerWindow, language: str,
                                                              tmp_path: Path) -> None:
    """A border pass asks two fingers at once: the words and the pictogram say both index fingers; a
    policy asking one keeps the one-finger instruction and one fingertip."""
    cat = catalogue("traveller", language)
    window.show_view(TravellerView(Screen.PLACE_FINGERS, language, countdown_s=7))
    one = _settled(window)
    assert window.title.text() == cat.text("state.place_fingers.title")
    assert _fingertips(window) == 1
    window.show_view(TravellerView(Screen.PLACE_FINGERS, language, countdown_s=7, fingers_asked=2,
                                   finger_positions=BOTH_INDEX))
    two = _settled(window)
    assert_not_blank(two)
    assert window.title.text() == cat.text("state.place_fingers.both_index.title") != cat.text(
        "state.place_fingers.title")
    assert window.detail.text() == cat.text("state.place_fingers.both_index.detail")
    assert _fingertips(window) == 2
    assert _title_fits(window)  # the longer instruction wraps, never cut off
    assert two != one
    window.show_view(TravellerView(Screen.PLACE_FINGERS, language, fingers_asked=3, finger_positions=(2, 3, 7)))
    assert window.title.text() == cat.text("state.place_fingers.many.title", count=3)
    assert "3" in window.title.text() and _title_fits(window)
    assert two.save(str(tmp_path / f"{language}_place_two_fingers.png"))
    assert one.save(str(tmp_path / f"{language}_place_one_finger.png"))
