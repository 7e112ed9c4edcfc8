"""The gate demo with its faces: recorded sessions through the real engine, shown on the kiosk and console.

A worker thread takes each session bundle through the engine (real stages, a fresh SQLite store per
bundle, the relay simulator over Modbus TCP) while the traveller window follows the engine's events
and the officer console shows the lane, the referrals and the transactions. With a display a person
signs in (the account and its one-time password are printed) and decides the referrals; offscreen
the demo writes a screenshot of every new traveller screen and of the console at each referral,
approves referrals itself (with a reason, audited) and stops when the bundles are done.
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

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.config import Config
from kiosk.engine import events as ev
from kiosk.engine.clock import RealClock, SimClock
from kiosk.stores.gate import GateStore
from kiosk.ui.adapter import LaneAdapter, TravellerAdapter
from kiosk.ui.console.accounts import AccountStore, Role
from kiosk.ui.console.audit import StoreAuditSink
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.gateway import InProcessGateway
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.screenshots import application, dispose, grab
from kiosk.ui.speech import Speaker
from kiosk.ui.traveller.window import TravellerWindow
from kiosk.ui.viewmodel import Screen, TravellerModel, TravellerView

log = logging.getLogger(__name__)
LANE = "1"
DEMO_OFFICER = "demo"
DEMO_REASON = "demo: identity confirmed by the officer"  # what the demo types as the officer


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


def run_demo(config: Config, bundles: list[Path], out: Path | None, *, realtime: bool, officer_s: float,
             say: Callable[[str], None] = log.info) -> int:
    """Run the bundles through the gate with both windows; returns 0 when every bundle ran.

    ``say`` receives what the person running the demo must read (the console's one-time
    password, where the screenshots went, one JSON line per bundle)."""
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

    def on_referral() -> None:
        """A referral the engine waits on: offscreen, photograph it and approve it (with a reason)."""
        console.refresh()
        if not offscreen or out is None:
            return
        console.tabs.setCurrentIndex(1)
        console.refresh()
        shots.append(grab(console, out / f"{next(numbers):03d}_console_{current['bundle']}_referral.png"))
        detail = console.referrals.detail
        if detail.case is not None and detail.case.case_id == gateway.lanes()[0].referral_id:
            detail.reason.setText(DEMO_REASON)
            detail.approve.click()

    def on_end() -> None:
        """A transaction ended: offscreen, photograph the desk's queue when a referral was left open."""
        console.refresh()
        if offscreen and out is not None and gateway.referrals():
            console.tabs.setCurrentIndex(1)
            console.refresh()
            shots.append(grab(console, out / f"{next(numbers):03d}_console_{current['bundle']}_desk.png"))

    if offscreen:
        console.sign_in(DEMO_OFFICER, password)
    else:
        say(f"console account: {DEMO_OFFICER} / {password} (this run only)")
    for window, size in ((kiosk, (1600, 900)), (console, (1500, 960))):
        window.resize(*size)
        window.show()

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
                                "codes": list(tx.decision.codes) if tx else [], "officer": tx.officer if tx else None})
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

