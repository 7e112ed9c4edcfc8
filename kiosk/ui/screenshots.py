"""Render every traveller screen and console view to PNG files, offscreen.

Used by ``kiosk ui screenshots`` and the screenshot tests: the same code path the live
windows use (``show_view`` with a view, the console fed through its gateway), so a screenshot
shows what a traveller or officer would see.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config
from kiosk.stores.gate import GateStore
from kiosk.ui.console.accounts import AccountStore, Role
from kiosk.ui.console.audit import StoreAuditSink
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.gateway import GatewayError
from kiosk.ui.console.model import Door
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.qtfix import keep_none_alive
from kiosk.ui.samples import face_pair, sample_gateway
from kiosk.ui.traveller.window import TravellerWindow
from kiosk.ui.viewmodel import BOTH_INDEX, Screen, TravellerView

log = logging.getLogger(__name__)

KIOSK_SIZE = (1600, 900)
CONSOLE_SIZE = (1500, 960)
CONSOLE_VIEWS = ("login", "lanes", "referrals", "transactions", "audit")
SAMPLE_OFFICER = "o.pham"
SAMPLE_PASSWORD = "sample-only-password"  # for the throw-away accounts of a screenshot run


def _quiet(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages to logging, minus the offscreen plugin's note on every window shown."""
    if "propagateSizeHints" in message:
        return
    level = logging.WARNING if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg) else logging.DEBUG
    log.log(level, "Qt: %s", message)


def application() -> QApplication:
    """The process's QApplication (created offscreen when there is no display)."""
    if "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    keep_none_alive()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    qInstallMessageHandler(_quiet)
    return QApplication([])


def sample_views(language: str, data_root: Path) -> dict[Screen, TravellerView]:
    """One representative view per screen: hints, finger count and countdown where they belong."""
    _, live = face_pair(data_root, "001")
    return {
        Screen.IDLE: TravellerView(Screen.IDLE, language),
        Screen.STEP_IN: TravellerView(Screen.STEP_IN, language, countdown_s=8),
        Screen.LOOK_AT_CAMERA: TravellerView(Screen.LOOK_AT_CAMERA, language, hint="come_closer", countdown_s=6,
                                             frame=live, face_box=(0.34, 0.30, 0.32, 0.42), face_ok=False),
        Screen.PLACE_FINGERS: TravellerView(Screen.PLACE_FINGERS, language, hint="center_finger", countdown_s=7,
                                            fingers_asked=2, finger_positions=BOTH_INDEX),  # a border pass
        Screen.PROCEED: TravellerView(Screen.PROCEED, language, countdown_s=5),
        Screen.WAIT_OFFICER: TravellerView(Screen.WAIT_OFFICER, language),
        Screen.TAKE_DOCUMENT: TravellerView(Screen.TAKE_DOCUMENT, language),
        Screen.OUT_OF_SERVICE: TravellerView(Screen.OUT_OF_SERVICE, language),
    }


def dispose(widget: QWidget) -> None:
    """Close and delete a window now: one left to Python's garbage collector at exit can crash Qt."""
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def render_traveller(out: Path, language: str, data_root: Path) -> dict[Screen, Path]:
    application()
    window = TravellerWindow(animate=False)  # screenshots are reproducible
    window.resize(*KIOSK_SIZE)
    window.show()
    paths = {}
    for screen, view in sample_views(language, data_root).items():
        window.show_view(view)
        paths[screen] = grab(window, out / f"traveller_{language}_{screen.value}.png")
    dispose(window)
    return paths


@dataclass
class ConsoleRig:
    """A console with throw-away accounts and audit log over the sample lanes."""

    window: ConsoleWindow
    controller: ConsoleController


@contextmanager
def console_rig(language: str, data_root: Path, config: Config, role: Role = Role.SUPERVISOR) -> Iterator[ConsoleRig]:
    application()
    with tempfile.TemporaryDirectory(prefix="kiosk-console-") as tmp:
        accounts = AccountStore(Path(tmp) / "console.db")
        accounts.add(SAMPLE_OFFICER, "Phạm Minh Đức", role, SAMPLE_PASSWORD)
        store = GateStore.open(Path(tmp) / "gate.db", os.urandom(32), audit_hmac=True)
        gateway = sample_gateway(data_root, config)
        controller = ConsoleController(accounts, gateway, StoreAuditSink(store), idle_lock_s=300.0)
        window = ConsoleWindow(controller, language)
        window.resize(*CONSOLE_SIZE)
        window.show()
        try:
            yield ConsoleRig(window, controller)
        finally:
            window.dispose()
            store.close()


def render_console(out: Path, language: str, data_root: Path, config: Config) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    with console_rig(language, data_root, config) as rig:
        w = rig.window
        w.login.username.setText(SAMPLE_OFFICER)
        w.sign_in(SAMPLE_OFFICER, "a mistyped password")  # the refusal shows, and is audited
        w.login.username.setText(SAMPLE_OFFICER)
        paths["login"] = grab(w, out / f"console_{language}_login.png")
        w.sign_in(SAMPLE_OFFICER, SAMPLE_PASSWORD)
        with contextlib.suppress(GatewayError):  # a sample lane refuses, and the refusal is audited
            rig.controller.set_door("3", Door.ENTRY, False)
        for index, name in enumerate(CONSOLE_VIEWS[1:]):
            w.tabs.setCurrentIndex(index)
            w.refresh()
            paths[name] = grab(w, out / f"console_{language}_{name}.png")
    return paths


def render_all(out: Path, data_root: Path, config: Config, traveller_languages: tuple[str, ...],
               console_languages: tuple[str, ...]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in traveller_languages:
        written += render_traveller(out, lang, data_root).values()
    for lang in console_languages:
        written += render_console(out, lang, data_root, config).values()
    return written
