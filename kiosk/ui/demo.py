"""The gate demo with its faces: recorded sessions through the real engine, shown on the kiosk and console.

A worker thread takes each session bundle through the engine (real stages, a fresh SQLite store per
bundle, the relay simulator over Modbus TCP) while the traveller window follows the engine's events
and the officer console shows the lane, the referrals and the transactions. With a display a person
signs in (the account and its one-time password are printed) and decides the referrals, which wait
in the console's queue; offscreen the demo plays the officer through the console's own widgets (types
the officer id and password, opens the referral, photographs its evidence, types a reason and presses
approve or reject: ``DemoOfficer``), writes a screenshot of every new traveller screen, and stops when
the bundles are done.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from kiosk.engine import events as ev
from kiosk.engine.clock import RealClock, SimClock
from kiosk.stores.gate import GateStore
from kiosk.ui.adapter import LaneAdapter, TravellerAdapter
from kiosk.ui.console.accounts import AccountStore, Role
from kiosk.ui.console.audit import StoreAuditSink
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.gateway import InProcessGateway
from kiosk.ui.console.model import Case
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.screenshots import application, dispose, grab
from kiosk.ui.speech import Speaker
from kiosk.ui.traveller.window import TravellerWindow
from kiosk.ui.viewmodel import Screen, TravellerModel, TravellerView

log = logging.getLogger(__name__)
LANE = "1"
DEMO_OFFICER = "demo"
# What the demo's officer types: it approves a traveller whose face was verified live (and fingers, where
# asked) and who is on no watch list, and rejects the others: a suspected photo or screen goes to the desk.
APPROVE_REASON = "demo officer: live face matches, no watch-list entry; identity confirmed"
REJECT_REASON = "demo officer: {why}; traveller sent back to the desk"


class PacedClock(SimClock):
    """Lane time simulated, but the engine's short polling waits (for the officer) take a little real
    time, so the console can answer within the engine's officer budget."""

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if 0 < seconds <= 0.05:
            time.sleep(0.01)


class _Relay(QObject):
    """Carries a call from the lane thread to Qt's thread."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(lambda fn: fn())


class DemoOfficer:
    """The officer of the offscreen demo, working the console through its widgets as a person would."""

    def __init__(self, console: ConsoleWindow, shots: Path, language: str) -> None:
        self.console = console
        self.shots = shots
        self.language = language
        self.decisions: dict[str, tuple[str, str]] = {}  # transaction id -> (decision, reason typed)

    def sign_in(self, username: str, password: str) -> None:
        login = self.console.login
        login.username.clear()
        QTest.keyClicks(login.username, username)
        QTest.keyClicks(login.password, password)
        QTest.mouseClick(login.submit, Qt.MouseButton.LeftButton)

    def take(self, case_id: str, name: str) -> Path | None:
        """Open the referral ``case_id``, photograph its evidence, decide it with a typed reason."""
        console = self.console
        console.tabs.setCurrentIndex(1)
        console.refresh()
        console.referrals.select(case_id)
        for _ in range(3):  # let the word-wrapped labels take their height before the photograph
            QApplication.processEvents()
        detail = console.referrals.detail
        case = detail.case
        if case is None or case.case_id != case_id:
            return None
        why = _refusal(case)
        QTest.keyClicks(detail.reason, APPROVE_REASON if why is None else REJECT_REASON.format(why=why))
        detail.reason.setCursorPosition(0)  # the start of the reason is what reads in the photograph
        shot = grab(console, self.shots / f"console_{self.language}_referral_{name}.png")
        button = detail.approve if why is None else detail.reject
        self.decisions[case.transaction_id] = ("approve" if why is None else "reject", detail.reason.text())
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        return shot


def _refusal(case: Case) -> str | None:
    """Why the demo's officer rejects a case (None: approves): anything not verified, including a live-face
    check that failed (a photo or screen may be in front of the camera)."""
    if case.watchlist:
        return "watch-list entry " + "; ".join(w.reason for w in case.watchlist)
    if case.face.passed is None:
        return "the face could not be verified"
    if not case.face.passed:
        return "the live face does not match the reference"
    if case.liveness.passed is not True:
        return "the live-face check failed (photo or screen suspected)"
    if case.fingers_required != 0 and case.finger.passed is not True:
        return "the fingerprints do not match" if case.finger.passed is False else "the fingerprints were not verified"
    return None


def run_demo(config: Config, bundles: list[Path], out: Path | None, *, realtime: bool, officer_s: float,
             say: Callable[[str], None] = log.info, screens: Path | None = None) -> int:
    """Run the bundles through the gate with both windows; returns 0 when every bundle ran.

    ``say`` receives what the person running the demo must read (the console's one-time
    password, where the screenshots went, one JSON line per bundle). Offscreen (``out`` given),
    the referral views the demo's officer saw go to ``screens`` (default ``out``)."""
    from kiosk.replay.bundle import BundleError, load_bundle
    from kiosk.replay.devices import ReplayDevices
    from kiosk.replay.runner import Replayer, relay

    offscreen = out is not None
    app = application()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    accounts = AccountStore(workdir / "console.db", max_failures=config.ui.max_failures)
    password = secrets.token_urlsafe(12)
    accounts.add(DEMO_OFFICER, "Demo Officer", Role.SUPERVISOR, password)
    console_store = GateStore.open(workdir / "console-audit.db", os.urandom(32), audit_hmac=True)
    gateway = InProcessGateway()
    controller = ConsoleController(accounts, gateway, StoreAuditSink(console_store), config.ui.idle_lock_s)
    console = ConsoleWindow(controller, config.ui.console_language, refresh_ms=500)
    model = TravellerModel(default_language=config.ui.language)
    kiosk = TravellerWindow(Speaker(config.ui.speech and not offscreen, config.ui.voices))
    kiosk.language_chosen.connect(model.choose_language)
    model.subscribe(kiosk.post)
    to_qt = _Relay()
    shots: list[Path] = []
    numbers = itertools.count()
    results: list[dict[str, Any]] = []
    current = {"bundle": "", "last": ""}

    def shoot_view(view: TravellerView) -> None:
        key = f"{current['bundle']}_{view.screen.value}"
        if offscreen and out is not None and key != current["last"]:
            current["last"] = key
            shots.append(grab(kiosk, out / f"{next(numbers):03d}_traveller_{key}.png"))

    kiosk.view_posted.connect(shoot_view)  # after show_view, which was connected first

    officer = DemoOfficer(console, screens or out, config.ui.console_language) if out is not None else None

    def on_referral() -> None:
        """A referral the engine waits on: offscreen, the demo's officer takes it on the console."""
        console.refresh()
        case_id = gateway.lanes()[0].referral_id
        if officer is None or case_id is None:
            return  # with a display, the referral waits in the console's queue for a person
        shot = officer.take(case_id, current["bundle"])
        if shot is not None:
            shots.append(shot)

    def on_end() -> None:
        """A transaction ended: offscreen, photograph the desk's queue when a referral was left open."""
        console.refresh()
        if offscreen and out is not None and gateway.referrals():
            console.tabs.setCurrentIndex(1)
            console.refresh()
            shots.append(grab(console, out / f"{next(numbers):03d}_console_{current['bundle']}_desk.png"))

    for window, size in ((kiosk, (1600, 900)), (console, (1500, 960))):
        window.resize(*size)
        window.show()
    if officer is not None:
        (screens or out or Path(".")).mkdir(parents=True, exist_ok=True)
        officer.sign_in(DEMO_OFFICER, password)
        if console.pages.currentWidget() is not console.main:
            raise RuntimeError(f"the demo officer could not sign in: {console.login.message.text()}")
    else:
        say(f"console account: {DEMO_OFFICER} / {password} (this run only)")

    def lane_loop() -> None:
        with relay(None, realtime, config.engine.door_open_s, config.engine.door_close_s) as (client, sim, scale):
            replayer = Replayer(config, client, realtime=realtime, time_scale=scale, simulator=sim)
            settings = dataclasses.replace(config.engine, officer_s=officer_s)
            for path in bundles:
                try:
                    bundle = load_bundle(path)
                except BundleError as exc:
                    results.append({"bundle": path.name, "error": str(exc)})
                    continue
                current["bundle"] = bundle.name
                clock: RealClock | SimClock = RealClock() if realtime else PacedClock()
                store = replayer.store(bundle)
                bus = ev.EventBus()
                traveller = TravellerAdapter(model, settings, clock.now)
                traveller.attach(bus)
                engine = replayer.engine(bundle, clock, store, bus, settings)
                LaneAdapter(gateway, LANE, engine).attach(bus)
                bus.subscribe(lambda e: to_qt.call.emit(on_referral) if e.outcome == "REFER" else None,
                              ev.DecisionMade)
                bus.subscribe(lambda e: to_qt.call.emit(on_end), ev.TransactionEnded)
                ticker = threading.Event()
                threading.Thread(target=_tick, args=(traveller, ticker), daemon=True).start()
                try:
                    client.wait_for(lambda s: s.healthy and s.entry_closed and s.exit_closed, 5.0)
                    tx = engine.run_one(ReplayDevices(bundle, clock, sim, time_scale=scale), bundle.today)
                finally:
                    ticker.set()
                    engine.close()
                    store.close()
                results.append({"bundle": bundle.name, "case": bundle.case, "expected": bundle.expected,
                                "decision": tx.decision.outcome if tx else "ERROR",
                                "codes": list(tx.decision.codes) if tx else [], "officer": tx.officer if tx else None,
                                "officer_reason": officer.decisions.get(tx.id, ("", ""))[1]
                                if officer is not None and tx else None})
                model.show(Screen.IDLE)
                time.sleep(0.3 if realtime else 0.05)
        if offscreen:
            to_qt.call.emit(app.quit)

    worker = threading.Thread(target=lane_loop, name="lane-1", daemon=True)
    QTimer.singleShot(0, worker.start)
    app.exec()
    worker.join(timeout=5.0)
    console.dispose()
    kiosk.animation.stop()
    dispose(kiosk)
    console_store.close()
    if out is not None:
        (out / "demo.jsonl").write_text("".join(json.dumps(r) + "\n" for r in results), encoding="utf-8")
        say(f"{len(shots)} screenshots and demo.jsonl in {out}")
    for r in results:
        say(json.dumps(r))
    return 0 if results and all("error" not in r for r in results) else 1


def _tick(adapter: TravellerAdapter, stop: threading.Event, every_s: float = 0.5) -> None:
    while not stop.wait(every_s):
        adapter.tick()

