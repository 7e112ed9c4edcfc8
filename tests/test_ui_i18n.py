"""Translation catalogues and the kiosk's language rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kiosk.ui.i18n import (
    CONSOLE_LANGUAGES,
    TRAVELLER_LANGUAGES,
    Catalogue,
    CatalogueError,
    catalogue,
    check_complete,
    compare,
    language_for_nationality,
)
from kiosk.ui.viewmodel import ALL_HINTS, Screen, TravellerModel, TravellerView

UI_ROOT = Path(__file__).resolve().parent.parent / "kiosk" / "ui"


@pytest.mark.parametrize(("domain", "languages"), [("traveller", TRAVELLER_LANGUAGES), ("console", CONSOLE_LANGUAGES)])
def test_every_key_exists_in_every_language_with_the_same_placeholders(domain: str, languages: tuple[str, ...]) -> None:
    assert check_complete(domain, languages) == []


def test_completeness_check_reports_missing_keys_and_wrong_placeholders() -> None:
    en, vi = catalogue("traveller", "en"), catalogue("traveller", "vi")
    texts = dict(vi.texts)
    del texts["hint.hold_still"]
    texts["countdown.seconds"] = "Còn {giay} giây"
    texts["extra.key"] = "x"
    problems = compare(en, Catalogue("traveller", "vi", texts))
    assert problems == [
        "traveller/vi: missing hint.hold_still",
        "traveller/vi: unknown extra.key",
        "traveller/vi: countdown.seconds placeholders differ from en",
    ]


def test_every_screen_and_hint_has_a_text() -> None:
    en = catalogue("traveller", "en")
    for screen in Screen:
        assert f"state.{screen.value}.title" in en
        assert f"state.{screen.value}.detail" in en
    for hint in ALL_HINTS:
        assert f"hint.{hint}" in en


def test_texts_are_in_their_own_script() -> None:
    """A catalogue left in English by mistake would pass the key check; its script would not."""
    ranges = {"lo": (0x0E80, 0x0EFF), "km": (0x1780, 0x17FF), "zh": (0x4E00, 0x9FFF)}
    for lang, (low, high) in ranges.items():
        for key, text in catalogue("traveller", lang).texts.items():
            assert any(low <= ord(ch) <= high for ch in text), f"{lang} {key} has no {lang} letters: {text!r}"
    vi = catalogue("traveller", "vi").texts
    assert sum(any(ord(ch) > 0x7F for ch in t) for t in vi.values()) >= len(vi) * 0.8  # diacritics


def test_placeholders_are_filled_and_a_missing_key_is_an_error() -> None:
    assert catalogue("traveller", "vi").text("countdown.seconds", seconds=7) == "Còn 7 giây"
    assert catalogue("traveller", "en").text("finger.count", n=1, total=2) == "Finger 1 of 2"
    with pytest.raises(CatalogueError, match="no text"):
        catalogue("traveller", "en").text("state.nowhere.title")
    with pytest.raises(CatalogueError, match="no traveller catalogue"):
        catalogue("traveller", "fr")


@pytest.mark.parametrize(
    ("nationality", "language"),
    [("VNM", "vi"), ("CHN", "zh"), ("LAO", "lo"), ("KHM", "km"), ("THA", "en"), ("D<<", "en"), ("", "en"), (None, "en"),
     ("vnm", "vi")],
)
def test_language_follows_the_document_nationality(nationality: str | None, language: str) -> None:
    assert language_for_nationality(nationality) == language


def test_a_touched_language_holds_until_the_next_traveller() -> None:
    model = TravellerModel(default_language="en")
    seen: list[TravellerView] = []
    model.subscribe(seen.append)
    model.show(Screen.IDLE)
    model.set_nationality("VNM")
    assert model.view.language == "vi"
    model.choose_language("km")
    model.show(Screen.LOOK_AT_CAMERA, countdown_s=6)
    model.set_nationality("CHN")  # a late read must not override the traveller's choice
    assert model.view.language == "km"
    model.show(Screen.IDLE)
    assert model.view.language == "en"
    assert [(v.screen.value, v.language) for v in seen] == [
        ("idle", "en"), ("idle", "en"), ("idle", "vi"), ("idle", "km"), ("look_at_camera", "km"), ("idle", "en"),
    ]


def test_bad_views_are_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        TravellerView(language="fr")
    with pytest.raises(ValueError, match="hint"):
        TravellerView(hint="smile")


def test_no_string_literal_in_the_ui_code_is_shown_untranslated() -> None:
    """Widgets get their words from catalogues: no setText/QLabel/QPushButton with a literal with letters."""
    offenders = []
    for path in UI_ROOT.rglob("*.py"):
        if path.name == "samples.py":  # illustrative data, not interface text
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in {"setText", "QLabel", "QPushButton", "setPlaceholderText", "setWindowTitle", "addTab"}:
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and any(c.isalpha() for c in arg.value):
                    offenders.append(f"{path.name}:{node.lineno} {arg.value!r}")
    assert offenders == []
