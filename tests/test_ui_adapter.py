"""Engine events to the kiosk and console, and the whole loop: a referral approved on the console opens
the exit door of the relay simulator and lands in the audit log."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from argon2 import PasswordHasher

from gate_io.relay.registers import Coil
from kiosk.config import Config
from kiosk.engine import events as ev
from kiosk.engine.clock import SimClock
from kiosk.engine.settings import EngineSettings
from kiosk.engine.stages.face import FaceStage
from kiosk.replay.bundle import load_bundle
from kiosk.replay.devices import ReplayDevices
from kiosk.replay.runner import Replayer, relay
from kiosk.ui.adapter import LaneAdapter, TravellerAdapter
from kiosk.ui.console.accounts import AccountStore, Role
from kiosk.ui.console.audit import StoreAuditSink
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.gateway import InProcessGateway
from kiosk.ui.console.model import Decision, Door, RefusedCommand
from kiosk.ui.i18n import language_for_nationality
from kiosk.ui.screenshots import application
from kiosk.ui.viewmodel import Screen, TravellerModel
from tests.conftest import replay_lane, wide_budgets, without_liveness, write_session


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_engine_events_drive_the_traveller_screens() -> None:
    bus = ev.EventBus()
    model = TravellerModel()
    clock = Clock()
    TravellerAdapter(model, EngineSettings(), clock).attach(bus)
    screens: list[tuple[str, str | None]] = []
    model.subscribe(lambda v: screens.append((v.screen.value, v.hint)))
    for event in (
        ev.StateChanged(0, "document", "idle"),
        ev.Prompt(0, "present_document_again"),
        ev.StateChanged(1, "entry", "document"),
        ev.Prompt(1, "step_in"),
        ev.StateChanged(3, "face", "entry"),
        ev.Prompt(3, "look_at_camera"),
        ev.Prompt(4, "come_closer"),
        ev.StateChanged(5, "fingers", "face"),
        ev.Prompt(5, "place_finger"),
        ev.Prompt(6, "clean_glass"),
        ev.DecisionMade(7, "ACCEPT"),
        ev.StateChanged(7, "exit", "decision"),
        ev.Prompt(7, "proceed"),
    ):
        bus.publish(event)
    assert [s for s in screens if s[1] is not None] == [
        ("idle", "document_unreadable"), ("look_at_camera", "come_closer"), ("place_fingers", "clean_glass"),
    ]
    assert model.view.screen is Screen.PROCEED and model.view.countdown_s == 8
    bus.publish(ev.StateChanged(9, "idle", "exit"))
    assert model.view.screen is Screen.IDLE and model.view.hint is None


def test_the_countdown_follows_the_stage_budget() -> None:
    bus = ev.EventBus()
    model = TravellerModel()
    clock = Clock()
    adapter = TravellerAdapter(model, EngineSettings(face_s=6.0), clock)
    adapter.attach(bus)
    bus.publish(ev.StateChanged(0, "face", "entry"))
    assert model.view.countdown_s == 6
    clock.t = 2.2
    adapter.tick()
    assert model.view.countdown_s == 4
    clock.t = 30.0
    adapter.tick()
    assert model.view.countdown_s == 0


def test_the_finger_instruction_follows_what_the_engine_asks() -> None:
    """One finger keeps the plain instruction; both index fingers say so; another number says how many."""
    bus = ev.EventBus()
    model = TravellerModel()
    TravellerAdapter(model, EngineSettings()).attach(bus)
    asked = []
    for fingers, positions in (((1, (2,)), (2, (2, 7)), (3, (2, 3, 7)), (2, (2, 3)))):
        bus.publish(ev.StateChanged(0, "fingers", "face"))
        bus.publish(ev.Prompt(0, "place_finger", fingers, positions))
        bus.publish(ev.Prompt(1, "clean_glass", fingers, positions))  # a retry keeps the count
        asked.append((model.view.fingers_asked, model.view.instruction, model.view.hint))
        bus.publish(ev.StateChanged(2, "idle", "fingers"))
        assert model.view.fingers_asked == 0  # the next traveller starts from nothing asked
    assert asked == [(1, "state.place_fingers", "clean_glass"),
                     (2, "state.place_fingers.both_index", "clean_glass"),
                     (3, "state.place_fingers.many", "clean_glass"),
                     (2, "state.place_fingers.many", "clean_glass")]


def test_a_referral_and_a_fault_reach_the_traveller() -> None:
    bus = ev.EventBus()
    model = TravellerModel()
    adapter = TravellerAdapter(model, EngineSettings())
    adapter.attach(bus)
    bus.publish(ev.DecisionMade(0, "REFER", ("FACE_MISMATCH",)))
    assert model.view.screen is Screen.WAIT_OFFICER
    bus.publish(ev.DeviceFault(1, "relay", "connection lost"))
    bus.publish(ev.StateChanged(1, "idle", "face"))
    assert model.view.screen is Screen.OUT_OF_SERVICE  # not back to idle while the relay is gone
    adapter.recovered()
    assert model.view.screen is Screen.IDLE
    bus.publish(ev.Prompt(2, "lane_closed"))  # the engine refuses travellers: relay not healthy
    assert model.view.screen is Screen.OUT_OF_SERVICE
    bus.publish(ev.StateChanged(3, "document", "idle"))  # a traveller taken again: the lane is back
    assert model.view.screen is Screen.IDLE
    bus.publish(ev.DocumentRead(4, "border_pass", "LAO"))
    assert model.view.language == "lo"
    bus.publish(ev.StateChanged(5, "idle", "exit"))  # the next traveller starts in the default language
    assert model.view.language == "en"


def test_camera_frames_reach_the_preview_and_bad_ones_are_dropped() -> None:
    model = TravellerModel()
    adapter = TravellerAdapter(model, EngineSettings())
    grey = np.full((48, 64), 128, np.uint8)
    adapter.frame(grey, (0.3, 0.2, 0.4, 0.5), True)
    assert model.view.frame is not None and model.view.frame.shape == (48, 64, 3)
    adapter.frame(np.zeros((48, 64, 3), np.float32), None, None)  # wrong type: dropped, the last frame stays
    adapter.frame(np.zeros((48, 64, 4), np.uint8), None, None)  # RGBA: dropped
    assert model.view.frame is not None and model.view.frame.dtype == np.uint8 and model.view.face_ok is True


class CommandLog:
    """Records what would be queued on Engine.command (the routing under test, not a gate)."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, str, str]] = []

    def command(self, command: str, officer: str = "", transaction_id: str = "") -> None:
        self.commands.append((command, officer, transaction_id))


def test_only_a_case_the_engine_waits_on_is_decided_through_the_engine() -> None:
    bus = ev.EventBus()
    gateway = InProcessGateway()
    engine = CommandLog()
    LaneAdapter(gateway, "1", engine).attach(bus)
    bus.publish(ev.StateChanged(0, "document", "idle"))
    bus.publish(ev.DecisionMade(1, "REFER", ("FACE_MISMATCH",), transaction_id="t-1"))
    (case,) = gateway.referrals()
    assert case.codes == ("FACE_MISMATCH",) and gateway.lanes()[0].referral_id == case.case_id
    assert case.transaction_id == "t-1"
    gateway.set_door("1", Door.ENTRY, True, "o.pham")
    gateway.decide(case.case_id, Decision.APPROVE, "checked by hand", "o.pham")
    # the decision names the transaction it decides; a door command is for the lane
    assert engine.commands == [("open_entry", "", ""), ("approve", "o.pham", "t-1")]
    bus.publish(ev.DecisionMade(2, "ACCEPT", ("OFFICER_APPROVED",), transaction_id="t-1"))
    assert gateway.referrals() == [] and gateway.lanes()[0].referral_id is None
    bus.publish(ev.CommandRefused(2, "approve", "o.pham", "t-0", "t-1", "not_current_transaction"))
    assert gateway.lanes()[0].refused == RefusedCommand("approve", "t-0", "not_current_transaction", "o.pham")
    bus.publish(ev.DeviceFault(3, "relay", "connection lost"))
    assert gateway.lanes()[0].alarms == ("relay: connection lost",) and not gateway.lanes()[0].in_service


# -- the whole loop: engine, relay simulator over Modbus, SQLite store, console window ------------------

class PacedClock(SimClock):
    """Simulated lane time, except that the engine's short waits for the officer also let a little real
    time pass, so the console (driven by this test) can answer within the engine's officer budget."""

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if 0 < seconds <= 0.05:
            time.sleep(0.01)


@pytest.fixture(scope="module")
def impostor_bundle(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(data_root, tmp_path_factory.mktemp("sessions"), "permit_impostor", seed=11)


@pytest.fixture(scope="module")
def replayer(config: Config) -> Iterator[Replayer]:
    lax = without_liveness(config)  # these tests are about the face-mismatch referral reaching the console
    with relay(None, False, lax.engine.door_open_s, lax.engine.door_close_s) as (client, sim, scale):
        yield Replayer(lax, client, time_scale=scale, simulator=sim)


def test_an_officer_approves_a_referral_on_the_console_and_the_exit_door_opens(
    replayer: Replayer, impostor_bundle: Path, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.console.window import ConsoleWindow

    application()
    bundle = load_bundle(impostor_bundle)
    clock = PacedClock()
    bus = ev.EventBus()
    store = replayer.store(bundle)
    engine = replayer.engine(bundle, clock, store, bus, dataclasses.replace(replayer.config.engine, officer_s=120.0))
    sim = replayer.simulator
    assert sim is not None
    gateway = InProcessGateway()
    LaneAdapter(gateway, "1", engine).attach(bus)
    exit_coil: list[bool] = []
    bus.subscribe(lambda e: exit_coil.append(sim.coils()[Coil.EXIT_DOOR]) if e.door == "exit" and e.open else None,
                  ev.DoorCommanded)
    fast = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    accounts = AccountStore(tmp_path / "console.db", hasher=fast)
    accounts.add("o.pham", "Phạm Minh Đức", Role.OFFICER, "correct horse battery")
    controller = ConsoleController(accounts, gateway, StoreAuditSink(store), idle_lock_s=300.0)
    window = ConsoleWindow(controller, "en", refresh_ms=100)
    window.resize(1400, 900)
    window.show()
    result: dict[str, object] = {}
    devices = ReplayDevices(bundle, clock, sim, time_scale=replayer.time_scale)
    lane = threading.Thread(target=lambda: result.update(tx=engine.run_one(devices, bundle.today)))
    try:
        window.login.username.setText("o.pham")
        window.login.password.setText("correct horse battery")
        window.login.submit.click()
        assert window.pages.currentWidget() is window.main
        lane.start()
        deadline = time.monotonic() + 60.0
        while not gateway.referrals() and lane.is_alive() and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)
        window.tabs.setCurrentIndex(1)
        window.refresh()
        detail = window.referrals.detail
        assert detail.case is not None, "no referral reached the console"
        assert "FACE_MISMATCH" in detail.case.codes
        detail.reason.setText("old passport photo; identity confirmed at the desk")
        detail.approve.click()
        assert detail.feedback.text().startswith("✓")
        lane.join(60.0)
    finally:
        window.dispose()
        if lane.is_alive():
            lane.join(60.0)
        engine.close()
    tx = result.get("tx")
    try:
        assert tx is not None and tx.decision.outcome == "ACCEPT" and tx.officer == "approve"  # type: ignore[attr-defined]
        assert exit_coil == [True]  # the simulator's exit door coil was energised
        approvals = [e for e in store.audit.entries() if e.action == "approve"]
        assert [(e.actor, e.detail["reason"]) for e in approvals] == [
            ("o.pham", "old passport photo; identity confirmed at the desk")
        ]
        assert store.audit.verify().intact
        assert gateway.transactions()[0].decision == "APPROVED"
    finally:
        store.close()


def test_a_referral_left_open_by_the_engine_reaches_the_desk_with_its_evidence(
    replayer: Replayer, impostor_bundle: Path
) -> None:
    gateway = InProcessGateway()
    commands = CommandLog()
    with replay_lane(replayer, impostor_bundle, dataclasses.replace(replayer.config.engine, officer_s=0.0)) as lane:
        LaneAdapter(gateway, "1", commands).attach(lane.bus)
        tx = lane.run()
    assert tx is not None and tx.decision.outcome == "REFER"
    (case,) = gateway.referrals()
    assert tx.face is not None
    assert (case.face.score, case.face.threshold, case.face.passed) == (tx.face.score, tx.face.threshold, False)
    fields = dict(case.document)
    assert tx.document is not None and fields["number"] == tx.document.document_number
    assert "FACE_MISMATCH" in case.codes
    assert gateway.transactions()[0].decision == "REFER"
    gateway.decide(case.case_id, Decision.REJECT, "seen at the desk: not the holder", "o.pham")
    assert commands.commands == []  # the engine has moved on: nothing may reach the next traveller


@pytest.fixture(scope="module")
def border_pass_bundle(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(data_root, tmp_path_factory.mktemp("sessions"), "border_pass_impostor", seed=13)


def test_a_referral_shows_both_faces_every_score_against_its_threshold_and_each_finger(
    config: Config, replayer: Replayer, border_pass_bundle: Path, tmp_path: Path
) -> None:
    """A border-pass holder whose finger is someone else's, through the real engine (liveness on): the
    referral the engine publishes reaches the console with the page's portrait beside the live face, the
    face, liveness and finger scores against the thresholds of the configuration, and the reasons."""
    from kiosk.ui.console.window import ConsoleWindow
    from kiosk.ui.i18n import catalogue
    from tests.ui_images import assert_not_blank

    application()
    referred: list[ev.DecisionMade] = []
    replayer_lax = replayer
    lax = replayer_lax.config
    replayer = Replayer.__new__(Replayer)  # the same relay and models, with liveness on as configured
    replayer.__dict__.update(replayer_lax.__dict__)
    replayer.config = config
    replayer.face = FaceStage(replayer.factory, config.face)
    sim = replayer.simulator
    assert sim is not None and lax.face != config.face
    bundle = load_bundle(border_pass_bundle)
    clock = SimClock()
    bus = ev.EventBus()
    store = replayer.store(bundle)  # closed after the console has audited on it, below
    engine = replayer.engine(bundle, clock, store, bus, wide_budgets(config.engine, officer_s=0.0))
    gateway = InProcessGateway()
    LaneAdapter(gateway, "1", engine).attach(bus)
    live_cases: list[list[object]] = []
    bus.subscribe(lambda e: (referred.append(e), live_cases.append(list(gateway.referrals())))
                  if e.outcome == "REFER" else None, ev.DecisionMade)
    try:
        tx = engine.run_one(ReplayDevices(bundle, clock, sim, time_scale=replayer.time_scale), bundle.today)
    finally:
        engine.close()
    assert tx is not None and tx.decision.outcome == "REFER" and "FINGER_MISMATCH" in tx.decision.codes
    assert len(referred) == 1 and referred[0].evidence is not None and referred[0].transaction_id == tx.id
    assert live_cases[0] and isinstance(live_cases[0][0], type(gateway.referrals()[0]))
    (case,) = gateway.referrals()  # the live case, kept with its evidence for the desk
    assert case.transaction_id == tx.id and case.reference == "enrolment"
    assert case.fingers_required == config.policy.fingers_required["border_pass"] == 2
    assert case.portrait is not None and case.portrait.shape == (300, 240, 3)  # cut from the document page
    assert case.live_face is not None and case.live_face.shape == (300, 240, 3)  # the best live frame
    assert tx.face is not None and tx.face.liveness is not None and tx.fingers is not None
    assert (case.face.score, case.face.threshold) == (tx.face.score, config.face.verification.threshold)
    assert case.face.passed is (tx.face.score >= tx.face.threshold)
    assert (case.liveness.score, case.liveness.threshold) == (tx.face.liveness.score,
                                                              config.face.liveness.model_threshold)
    assert case.liveness.passed is tx.face.liveness.live
    assert [(f.finger, f.threshold, f.matched) for f in case.fingers] == [
        ("right_index", config.finger.threshold, False), ("left_index", config.finger.threshold, False)]
    assert set(tx.decision.codes) - {"OFFICER_APPROVED"} <= set(case.codes)

    accounts = AccountStore(tmp_path / "console.db", hasher=PasswordHasher(time_cost=1, memory_cost=8192,
                                                                           parallelism=1))
    accounts.add("o.pham", "Phạm Minh Đức", Role.OFFICER, "correct horse battery")
    controller = ConsoleController(accounts, gateway, StoreAuditSink(store), idle_lock_s=300.0)
    window = ConsoleWindow(controller, "en", refresh_ms=60_000)
    cat = catalogue("console", "en")
    try:
        window.resize(1500, 960)
        window.show()
        window.sign_in("o.pham", "correct horse battery")
        window.tabs.setCurrentIndex(1)
        window.refresh()
        detail = window.referrals.detail
        assert detail.case is case
        assert not detail.portrait.image.pixmap().isNull() and not detail.live.image.pixmap().isNull()
        rows = [[detail.scores.item(r, c).text() for c in range(4)] for r in range(detail.scores.rowCount())]
        mark = {True: "✓ " + cat.text("case.pass"), False: "✗ " + cat.text("case.fail")}
        assert rows == [
            [cat.text("case.face_vs_enrolment"), f"{tx.face.score:.3f}", f"{config.face.verification.threshold:.3f}",
             mark[case.face.passed]],
            [cat.text("case.liveness"), f"{tx.face.liveness.score:.3f}",
             f"{config.face.liveness.model_threshold:.3f}", mark[tx.face.liveness.live]],
            [cat.text("case.finger_fused"), f"{tx.fingers.score:.3f}", f"{tx.fingers.threshold:.3f}", mark[False]],
        ]
        assert [[detail.fingers.item(r, c).text() for c in (0, 3, 4)] for r in range(detail.fingers.rowCount())] == [
            [cat.text(f"finger.{name}"), f"{config.finger.threshold:.3f}", mark[False]]
            for name in ("right_index", "left_index")]
        assert cat.text("reason.FINGER_MISMATCH") in detail.reasons.text()
        fields = {detail.document.item(r, 0).text(): detail.document.item(r, 1).text()
                  for r in range(detail.document.rowCount())}
        assert tx.document is not None and fields[cat.text("doc.number")] == tx.document.document_number
        shot = window.grab().toImage()
        assert_not_blank(shot)
    finally:
        window.dispose()
        store.close()


@pytest.fixture(scope="module")
def genuine_border_pass_bundle(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(data_root, tmp_path_factory.mktemp("sessions"), "border_pass", seed=17)


def test_a_border_pass_holder_is_asked_for_both_index_fingers_by_the_real_engine(
    config: Config, replayer: Replayer, genuine_border_pass_bundle: Path
) -> None:
    """The count on the traveller screen is the engine's, from a real run of a synthetic border pass (the
    policy asks two; the bundle enrols right and left index), not a number the UI assumed."""
    settings = wide_budgets(replayer.config.engine, officer_s=0.0)
    model = TravellerModel()
    prompts: list[ev.Prompt] = []
    shown: list[tuple[Screen, int, tuple[int, ...], str]] = []
    model.subscribe(lambda v: shown.append((v.screen, v.fingers_asked, v.finger_positions, v.instruction)))
    languages: list[tuple[Screen, str]] = []
    model.subscribe(lambda v: languages.append((v.screen, v.language)))
    with replay_lane(replayer, genuine_border_pass_bundle, settings) as lane:
        TravellerAdapter(model, settings).attach(lane.bus)
        lane.bus.subscribe(prompts.append, ev.Prompt)
        read: list[ev.DocumentRead] = []
        lane.bus.subscribe(read.append, ev.DocumentRead)
        tx = lane.run()
    assert tx is not None and tx.fingers is not None
    needed = config.policy.fingers_required["border_pass"]
    assert needed == 2
    finger_prompts = [p for p in prompts if p.key == "place_finger"]
    assert finger_prompts and all((p.fingers, p.positions) == (needed, (2, 7)) for p in finger_prompts)
    assert all(p.fingers == 0 for p in prompts if p.key != "place_finger" and p.key not in ("clean_glass",))
    on_fingers = [s for s in shown if s[0] is Screen.PLACE_FINGERS]
    assert on_fingers[-1] == (Screen.PLACE_FINGERS, 2, (2, 7), "state.place_fingers.both_index")
    assert shown[-1][0] is not Screen.PLACE_FINGERS and shown[-1][1] == 0  # asked of this traveller only
    # the kiosk spoke the holder's language from the document on (the engine's DocumentRead)
    assert tx.document is not None
    assert [(e.kind, e.nationality) for e in read] == [("border_pass", tx.document.nationality)]
    holder = language_for_nationality(tx.document.nationality)
    assert (Screen.PLACE_FINGERS, holder) in languages
