"""Shared fixtures: the data root (KIOSK_DATA), configuration, the model session factory, synthetic sessions.

Under ``make test`` (KIOSK_REQUIRE_DATA=1) missing data fails the run loudly; a developer
running pytest by hand without the data gets skips that say what is missing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from gate_io.relay.simulator import RelaySimulator
from kiosk.config import Config, load_config
from kiosk.engine import events as ev
from kiosk.engine.clock import SimClock
from kiosk.engine.engine import Engine
from kiosk.engine.results import Transaction
from kiosk.engine.settings import EngineSettings
from kiosk.replay.bundle import Bundle, load_bundle
from kiosk.replay.devices import ReplayDevices
from kiosk.replay.runner import Replayer
from kiosk.replay.synth import SessionWriter, find_sources
from kiosk.runtime import session_factory
from kiosk.stores.gate import GateStore
from models.sessions import SessionFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SESSIONS_TODAY = date(2026, 12, 2)  # the synthetic sessions' date in tests


def _data_root() -> Path:
    return Path(os.environ.get("KIOSK_DATA", PROJECT_ROOT.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def data_root() -> Path:
    root = _data_root()
    if not (root / "DATA.md").is_file():
        message = f"test data not found at {root} (set KIOSK_DATA)"
        if os.environ.get("KIOSK_REQUIRE_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return root


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture(scope="session")
def factory(config: Config) -> SessionFactory:
    return session_factory(config)


def without_liveness(config: Config) -> Config:
    """Liveness off and not required: tests of the rest of the gate do not depend on the liveness
    signals (the synthetic live clips are a rendered head, kiosk.synth.live_head, not a real one)."""
    face = dataclasses.replace(config.face, liveness=dataclasses.replace(config.face.liveness, enabled=False))
    return dataclasses.replace(config, face=face, policy=dataclasses.replace(config.policy, liveness_required=False))


def write_session(data_root: Path, folder: Path, case: str, seed: int, index: int = 0) -> Path:
    """One synthetic bundle of ``case`` (kiosk.replay.synth) in ``folder``, dated SESSIONS_TODAY."""
    writer = SessionWriter(find_sources(data_root), folder, SESSIONS_TODAY, np.random.default_rng(seed))
    return writer.write(index, case)


def wide_budgets(settings: EngineSettings, **changes: float) -> EngineSettings:
    """Stage budgets no loaded machine runs past: they are wall-clock compute (a finger stage can pass its
    8 s under load), and these tests check decisions, not speed (that is `kiosk bench gate`)."""
    return dataclasses.replace(settings, document_s=120.0, entry_s=120.0, face_s=120.0, fingers_s=120.0,
                               exit_s=120.0, total_s=600.0, **changes)


@dataclasses.dataclass
class ReplayLane:
    """One bundle on the replayer's lane, for a test: its store and engine on a simulated clock, with an
    event bus the test subscribes to before it runs the traveller."""

    replayer: Replayer
    bundle: Bundle
    clock: SimClock
    bus: ev.EventBus
    store: GateStore
    engine: Engine
    sim: RelaySimulator

    def devices(self, kind: type[ReplayDevices] = ReplayDevices) -> ReplayDevices:
        return kind(self.bundle, self.clock, self.sim, time_scale=self.replayer.time_scale)

    def run(self, kind: type[ReplayDevices] = ReplayDevices) -> Transaction | None:
        """The bundle's traveller through the engine (``kind``: the devices, e.g. one that breaks)."""
        return self.engine.run_one(self.devices(kind), self.bundle.today)


@contextmanager
def replay_lane(replayer: Replayer, bundle_dir: Path, settings: EngineSettings | None = None) -> Iterator[ReplayLane]:
    """A ``ReplayLane`` whose engine and store are closed when the test is done with it."""
    bundle = load_bundle(bundle_dir)
    clock, bus = SimClock(), ev.EventBus()
    store = replayer.store(bundle)
    engine = replayer.engine(bundle, clock, store, bus, settings)
    assert replayer.simulator is not None, "the replayer must run its own relay simulator"
    try:
        yield ReplayLane(replayer, bundle, clock, bus, store, engine, replayer.simulator)
    finally:
        engine.close()
        store.close()
