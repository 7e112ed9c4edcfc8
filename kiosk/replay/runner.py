"""Replay bundles through the full engine: real stages, a real SQLite store, the relay over Modbus.

Each bundle gets a fresh store (its enrolment and watch-list entries only) and its own permit trust
store, so bundles never see each other's data. The models are opened once for the whole run. The
relay is a simulator started in-process unless a controller address is given; in simulated time
its doors move ``time_scale`` times faster than real ones while the lane clock is charged the real
motion times.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from biometrics.finger.results import FingerPosition
from gate_io.relay.client import RelayClient
from gate_io.relay.errors import RelayError
from gate_io.relay.lane import DoorTiming
from gate_io.relay.simulator import RelaySimulator
from kiosk.config import Config
from kiosk.engine.clock import RealClock, SimClock
from kiosk.engine.engine import Engine, Stages
from kiosk.engine.events import EventBus
from kiosk.engine.relay_doors import RelayDoors
from kiosk.engine.results import Transaction
from kiosk.engine.settings import EngineSettings
from kiosk.engine.stages.document import DocumentStage
from kiosk.engine.stages.face import FaceStage
from kiosk.engine.stages.finger import FingerStage
from kiosk.engine.store_ports import StoreEnrolment, StoreRecorder, StoreWatchList
from kiosk.replay.bundle import Bundle, BundleError, load_bundle
from kiosk.runtime import session_factory
from kiosk.stores.enrolment import DocumentRecord
from kiosk.stores.gate import GateStore
from mrz.permits import PermitTrust

log = logging.getLogger(__name__)

FAST_TIME_SCALE = 0.1  # simulator doors at a tenth of their real times when replaying in simulated time


@dataclass(frozen=True)
class ReplayResult:
    bundle: str
    case: str
    expected: str
    transaction: Transaction | None
    error: str | None = None

    @property
    def decision(self) -> str:
        if self.transaction is None:
            return "ERROR"
        return self.transaction.decision.outcome

    @property
    def correct(self) -> bool:
        return self.decision == self.expected

    def record(self) -> dict[str, Any]:
        tx = self.transaction
        if tx is None:
            return {"bundle": self.bundle, "case": self.case, "expected": self.expected, "decision": "ERROR",
                    "reasons": [], "scores": {}, "stage_ms": {}, "total_ms": 0.0, "error": self.error}
        return {
            "bundle": self.bundle, "case": self.case, "expected": self.expected, "decision": tx.decision.outcome,
            "reasons": [f"{r.code}: {r.detail}" if r.detail else r.code for r in tx.decision.reasons],
            "scores": tx.scores, "stage_ms": tx.stage_ms, "total_ms": tx.engine_ms, "lane_s": round(tx.cycle_s, 3),
            "state_s": tx.state_s,
            "aborted": tx.aborted,
        }


class Replayer:
    """Holds what a whole replay run shares: configuration, models, the relay."""

    def __init__(self, config: Config, client: RelayClient, *, realtime: bool = False, time_scale: float = 1.0,
                 simulator: RelaySimulator | None = None) -> None:
        self.config = config
        self.client = client
        self.simulator = simulator
        self.realtime = realtime
        self.time_scale = time_scale
        self.factory = session_factory(config)
        self.face = FaceStage(self.factory, config.face)
        self.finger = FingerStage(self.factory, config.finger)
        self.workdir = Path(tempfile.mkdtemp(prefix="kiosk-replay-"))

    def store(self, bundle: Bundle) -> GateStore:
        """A fresh store holding only this bundle's enrolment and watch-list entries."""
        path = self.workdir / f"{bundle.name}-{time.monotonic_ns()}.db"
        store = GateStore.open(path, os.urandom(32), audit_hmac=True)
        enrol = bundle.enrolment
        if enrol is not None:
            face = None
            if enrol.face is not None:
                pipeline, _ = self.face.pipeline()
                face = pipeline.reference_from_image(enrol.face, "enrolment")
            fingers = {}
            if enrol.fingers:
                impressions = {FingerPosition(p): list(images) for p, images in enrol.fingers}
                fingers = self.finger.pipeline().enrol(impressions, enrol.dpi)
            docs = [DocumentRecord(d["kind"], d["number"], d.get("issuing_state", ""), d.get("expiry") or None)
                    for d in enrol.documents]
            store.enrolment.enrol(enrol.surname, enrol.given_names, enrol.birth_date, enrol.nationality, docs,
                                  face=face, fingers=fingers)
        for entry in bundle.watchlist:
            store.watchlist.add(entry.get("list", "wanted"), entry.get("reason", "replay"), "bundle",
                                document_number=entry.get("document_number") or None,
                                surname=entry.get("surname") or None, given_names=entry.get("given_names") or None,
                                birth_date=entry.get("birth_date") or None)
        return store

    def _trust(self, bundle: Bundle) -> PermitTrust | None:
        if bundle.trust_keys is not None:
            return PermitTrust.from_files(bundle.trust_keys, bundle.revocation_list)
        keys = self.config.documents.permit_keys
        if keys.is_dir():
            return PermitTrust.from_files(keys, self.config.documents.permit_revocation_list)
        return None

    def engine(self, bundle: Bundle, clock: RealClock | SimClock, store: GateStore,
               bus: EventBus | None = None, settings: EngineSettings | None = None) -> Engine:
        """The engine for one bundle (``settings`` overrides the configuration's [engine])."""
        settings = settings or self.config.engine
        doors = RelayDoors(self.client, clock, open_s=settings.door_open_s, close_s=settings.door_close_s,
                           time_scale=self.time_scale)
        port = bundle.port or self.config.documents.port
        stages = Stages(DocumentStage(self.factory, self._trust(bundle), port), self.face, self.finger)
        return Engine(settings, self.config.policy, stages, doors, enrolment=StoreEnrolment(store),
                      watchlist=StoreWatchList(store), clock=clock, bus=bus)

    def replay(self, path: Path) -> ReplayResult:
        from kiosk.replay.devices import ReplayDevices

        try:
            bundle = load_bundle(path)
        except BundleError as exc:
            return ReplayResult(path.name, "invalid", "-", None, str(exc))
        clock: RealClock | SimClock = RealClock() if self.realtime else SimClock()
        try:
            store = self.store(bundle)
        except Exception as exc:  # enrolment data the pipelines refuse: the bundle is unusable
            return ReplayResult(bundle.name, bundle.case, bundle.expected, None,
                                f"bundle {path}: enrolment failed: {type(exc).__name__}: {exc}")
        bus = EventBus()
        StoreRecorder(store, "replay").attach(bus)
        engine = self.engine(bundle, clock, store, bus)
        devices = ReplayDevices(bundle, clock, self.simulator, walk_s=0.8, time_scale=self.time_scale)
        try:
            self.client.wait_for(lambda s: s.healthy and s.entry_closed and s.exit_closed, 5.0,
                                 require_healthy=False)
        except RelayError as exc:
            log.error("relay not ready before %s: %s", bundle.name, exc)  # the engine will refuse the traveller
        try:
            tx = engine.run_one(devices, bundle.today)
        finally:
            engine.close()
            store.close()
        if tx is None:
            why = "the lane was not ready (relay fault)" if not engine.doors.ready() else "no document in the timeline"
            return ReplayResult(bundle.name, bundle.case, bundle.expected, None, why)
        return ReplayResult(bundle.name, bundle.case, bundle.expected, tx)


@contextmanager
def relay(address: str | None, realtime: bool, door_open_s: float, door_close_s: float) -> Iterator[
    tuple[RelayClient, RelaySimulator | None, float]
]:
    """A connected relay client: to ``host:port`` if given, else to an in-process simulator."""
    simulator = None
    scale = 1.0
    if address is None:
        scale = 1.0 if realtime else FAST_TIME_SCALE
        timing = DoorTiming(open_s=door_open_s * scale, close_s=door_close_s * scale, walk_s=0.8 * scale)
        simulator = RelaySimulator(timing=timing)
        simulator.start()
        host, port = simulator.host, simulator.port
    else:
        host, _, port_text = address.rpartition(":")
        port = int(port_text)
    client = RelayClient(host, port, watchdog_s=0.2)
    try:
        client.connect()
        client.wait_for(lambda s: s.healthy, 5.0)
        yield client, simulator, scale
    finally:
        client.close()
        if simulator is not None:
            simulator.stop()


def summary(results: list[ReplayResult]) -> dict[str, Any]:
    """The last line of ``kiosk replay --json``."""
    by_case: dict[str, dict[str, int]] = {}
    for r in results:
        entry = by_case.setdefault(r.case, {"n": 0, "correct": 0})
        entry["n"] += 1
        entry["correct"] += int(r.correct)
    done = [r.transaction for r in results if r.transaction is not None]
    engine_ms = np.array([t.engine_ms for t in done]) if done else np.zeros(1)
    lane_s = np.array([t.cycle_s for t in done]) if done else np.zeros(1)
    # Throughput from the travellers who went through the lane (a document refused at the reader
    # takes the lane for a moment only and would flatter the figure).
    through = [t.cycle_s for t in done if "entry" in t.state_s]
    mean_lane = float(np.mean(through)) if through else 0.0
    missing: dict[str, int] = {}
    for t in done:
        for why in t.decision.reasons:
            if why.code in ("CAPABILITY_MISSING", "LIVENESS_UNAVAILABLE"):
                what = why.detail.split(":", 1)[0] if why.code == "CAPABILITY_MISSING" else "liveness"
                missing[what] = missing.get(what, 0) + 1
    return {
        "n": len(results), "correct": sum(r.correct for r in results), "by_case": by_case,
        "engine_ms_p50": round(float(np.percentile(engine_ms, 50)), 1),
        "engine_ms_p95": round(float(np.percentile(engine_ms, 95)), 1),
        "lane_s_p50": round(float(np.percentile(lane_s, 50)), 2),
        "lane_s_p95": round(float(np.percentile(lane_s, 95)), 2),
        "travellers_per_hour": round(3600.0 / mean_lane, 1) if mean_lane > 0 else 0.0,
        "errors": sum(r.transaction is None for r in results),
        "capability_missing": missing,  # bundles decided without a stage whose model is not built
    }
