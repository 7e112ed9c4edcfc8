"""The engine end to end: synthetic bundles through the real stages, a real SQLite store and the relay
simulator over Modbus TCP. Stages whose models are not built must show up as such in the reasons."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from gate_io.relay.registers import Coil
from kiosk.config import Config
from kiosk.engine import events as ev
from kiosk.engine.clock import SimClock
from kiosk.replay.bundle import load_bundle
from kiosk.replay.devices import ReplayDevices
from kiosk.replay.runner import Replayer, relay
from kiosk.replay.synth import SessionWriter, find_sources

CASES = ("permit_valid", "permit_impostor", "permit_forged", "genuine")


@pytest.fixture(scope="session")
def bundles(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    writer = SessionWriter(find_sources(data_root), tmp_path_factory.mktemp("sessions"), date(2026, 12, 2),
                           np.random.default_rng(7))
    return {case: writer.write(i, case) for i, case in enumerate(CASES)}


@pytest.fixture(scope="module")
def lax_config(config: Config) -> Config:
    """Liveness not required: isolates document -> face -> decision from the liveness model's presence."""
    return dataclasses.replace(config, policy=dataclasses.replace(config.policy, liveness_required=False))


@pytest.fixture(scope="module")
def replayer(lax_config: Config) -> Replayer:
    with relay(None, False, lax_config.engine.door_open_s, lax_config.engine.door_close_s) as (client, sim, scale):
        yield Replayer(lax_config, client, time_scale=scale, simulator=sim)


def _model_built(config: Config, name: str) -> bool:
    from models.manifest import load_manifest

    manifest = load_manifest(config.models.manifest)
    try:
        entry = manifest.get(name)
    except Exception:
        return False
    return (config.models.dir / entry.file).is_file()


def test_genuine_permit_holder_is_accepted(replayer: Replayer, bundles: dict[str, Path]) -> None:
    result = replayer.replay(bundles["permit_valid"])
    tx = result.transaction
    assert tx is not None and tx.decision.outcome == "ACCEPT", tx and tx.decision.reasons
    assert tx.scores["face"] >= tx.scores["face_threshold"]
    assert {"document", "face"} <= set(tx.stage_ms)
    assert tx.lane_s > 4.0  # doors and human steps are on the lane clock


def test_impostor_is_referred_for_the_face(replayer: Replayer, bundles: dict[str, Path]) -> None:
    tx = replayer.replay(bundles["permit_impostor"]).transaction
    assert tx is not None and tx.decision.outcome == "REFER"
    assert "FACE_MISMATCH" in tx.decision.codes
    assert tx.scores["face"] < tx.scores["face_threshold"]


def test_forged_permit_is_rejected_before_the_lane(replayer: Replayer, bundles: dict[str, Path]) -> None:
    tx = replayer.replay(bundles["permit_forged"]).transaction
    assert tx is not None and tx.decision.codes == ("PERMIT_FORGED",) and tx.decision.outcome == "REJECT"
    assert "entry" not in tx.state_s and tx.face is None


def test_passport_needs_the_mrz_reader(replayer: Replayer, bundles: dict[str, Path], lax_config: Config) -> None:
    tx = replayer.replay(bundles["genuine"]).transaction
    assert tx is not None
    if _model_built(lax_config, "mrz_recognizer"):
        assert tx.decision.outcome == "ACCEPT", tx.decision.reasons
    else:  # the missing capability is reported, never faked
        assert tx.decision.outcome == "REFER"
        assert any(r.code == "CAPABILITY_MISSING" and "MRZ" in r.detail for r in tx.decision.reasons)


def test_liveness_required_without_its_model_refers(config: Config, bundles: dict[str, Path]) -> None:
    with relay(None, False, config.engine.door_open_s, config.engine.door_close_s) as (client, sim, scale):
        tx = Replayer(config, client, time_scale=scale, simulator=sim).replay(bundles["permit_valid"]).transaction
    assert tx is not None
    if _model_built(config, "face_pad"):
        assert tx.decision.outcome in ("ACCEPT", "REFER")
        assert tx.face is not None and tx.face.liveness is not None
    else:
        assert tx.decision.outcome == "REFER" and "LIVENESS_UNAVAILABLE" in tx.decision.codes


def test_officer_approves_a_referral_and_the_exit_opens(replayer: Replayer, bundles: dict[str, Path]) -> None:
    bundle = load_bundle(bundles["permit_impostor"])
    clock = SimClock()
    bus = ev.EventBus()
    store = replayer.store(bundle)
    settings = dataclasses.replace(replayer.config.engine, officer_s=10.0)
    engine = replayer.engine(bundle, clock, store, bus, settings)
    exit_coil: list[bool] = []
    assert replayer.simulator is not None
    sim = replayer.simulator

    def on_decision(event: ev.DecisionMade) -> None:
        if event.outcome == "REFER":
            engine.command("approve", officer="officer-1")

    def on_door(event: ev.DoorCommanded) -> None:
        if event.door == "exit" and event.open:
            exit_coil.append(sim.coils()[Coil.EXIT_DOOR])

    bus.subscribe(on_decision, ev.DecisionMade)
    bus.subscribe(on_door, ev.DoorCommanded)
    try:
        tx = engine.run_one(ReplayDevices(bundle, clock, sim, time_scale=replayer.time_scale), bundle.today)
    finally:
        engine.close()
        store.close()
    assert tx is not None and tx.decision.outcome == "ACCEPT" and tx.officer == "approve"
    assert {"OFFICER_APPROVED", "FACE_MISMATCH"} <= set(tx.decision.codes)
    assert exit_coil == [True]  # the simulator's exit door coil was on


def test_relay_killed_mid_transaction_aborts_with_doors_closed(replayer: Replayer, bundles: dict[str, Path]) -> None:
    bundle = load_bundle(bundles["permit_valid"])
    clock = SimClock()
    bus = ev.EventBus()
    store = replayer.store(bundle)
    engine = replayer.engine(bundle, clock, store, bus)
    sim = replayer.simulator
    assert sim is not None
    faults: list[ev.DeviceFault] = []
    stopped = threading.Event()

    def on_state(event: ev.StateChanged) -> None:
        if event.state == "face" and not stopped.is_set():
            stopped.set()
            sim.stop()

    bus.subscribe(on_state, ev.StateChanged)
    bus.subscribe(faults.append, ev.DeviceFault)
    try:
        tx = engine.run_one(ReplayDevices(bundle, clock, sim, time_scale=replayer.time_scale), bundle.today)
    finally:
        engine.close()
        store.close()
        sim.start()
    assert tx is not None and tx.aborted is not None
    assert tx.decision.outcome == "REFER" and "DEVICE_FAULT" in tx.decision.codes
    assert len(faults) == 1
    status = replayer.client.wait_for(lambda s: s.healthy and s.entry_closed and s.exit_closed, 15.0,
                                      require_healthy=False)
    assert status.healthy  # the lane recovered with both doors closed
    assert not any(sim.coils()[:2])
