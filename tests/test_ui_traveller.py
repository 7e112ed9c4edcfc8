"""The traveller kiosk, rendered offscreen: every screen in every language shows the catalogue's words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics

from kiosk.ui.i18n import TRAVELLER_LANGUAGES, catalogue
from kiosk.ui.screenshots import application, dispose, sample_views
from kiosk.ui.speech import Speaker
from kiosk.ui.traveller.window import TravellerWindow
from kiosk.ui.viewmodel import Screen, TravellerView
from tests.ui_images import assert_not_blank

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
        assert window.title.text() == cat.text(f"state.{screen.value}.title")
        assert window.detail.text() == cat.text(f"state.{screen.value}.detail")
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
    assert window.finger_count.text() == "Finger 1 of 2"


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
