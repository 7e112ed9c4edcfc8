"""One recording lane: the real engine, the relay, live devices and the recorder, wired together.

The engine, its stages and store are the replay runner's (``kiosk.replay.runner.Replayer``) so a
recording and its replay run the very same code; only the devices differ (live here, the bundle's
timeline there) and the clock (real time here). Whatever stops a session half-way (a device
exception, a relay fault, Ctrl-C) leaves the doors commanded closed and the bundle marked incomplete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from gate_io.frames import FrameSource
from gate_io.relay.client import RelayClient
from gate_io.relay.simulator import RelaySimulator
from gate_io.scanners import DocumentScanner, FingerScanner, LaneSensors
from kiosk.config import Config
from kiosk.engine.clock import RealClock
from kiosk.engine.engine import Engine
from kiosk.engine.events import EventBus
from kiosk.engine.store_ports import StoreRecorder
from kiosk.record.live import LiveDevices, SimTraveller
from kiosk.record.recorder import Recorder, RecordingDevices, Setup
from kiosk.record.writer import private_dir
from kiosk.replay.bundle import Bundle
from kiosk.replay.runner import Replayer, relay
from kiosk.stores.gate import GateStore

log = logging.getLogger(__name__)


class DeviceNotReady(RuntimeError):
    """A device given for the recording cannot be opened: nothing is recorded."""


class RecordingLane:
    def __init__(self, config: Config, out: Path, *, camera: FrameSource | None = None,
                 document: DocumentScanner | None = None, barcode: DocumentScanner | None = None,
                 fingers: FingerScanner | None = None, fps: float = 15.0, expected: str | None = None,
                 case: str = "recorded", setup: Path | None = None, today: date | None = None) -> None:
        self.config = config
        self.camera, self.document, self.barcode, self.fingers = camera, document, barcode, fingers
        self.fps = fps
        self.today = today or date.today()
        self.setup = Setup.from_bundle(setup) if setup is not None else None
        self.out = private_dir(out)
        port = (self.setup.manifest.get("port") if self.setup else None) or config.documents.port
        gate = {"relay": None, "camera": getattr(camera, "name", None), "config": list(config.source),
                "devices": {"document": str(document.kind) if document else None,
                            "barcode": barcode is not None, "fingers": fingers.dpi if fingers else None}}
        self.recorder = Recorder(self.out, today=self.today, port=str(port), expected=expected, case=case,
                                 setup=self.setup, gate=gate)
        self.last_decision: str | None = None
        self._engine: Engine | None = None
        self._devices: RecordingDevices | None = None
        self._live: LiveDevices | None = None
        self._client: RelayClient | None = None
        self.simulator: RelaySimulator | None = None  # while running without --relay
        self.bus: EventBus | None = None  # the engine's events while running

    @property
    def exhausted(self) -> bool:
        return self._live is not None and self._live.exhausted

    def _context(self) -> Bundle:
        """The bundle the replay runner builds the store and trust from: the setup's, or an empty one."""
        from kiosk.replay.bundle import load_bundle

        if self.setup is not None:
            return load_bundle(self.setup.source, partial=True)
        return Bundle(self.out, "recorded", "", self.today, ())

    @contextmanager
    def running(self, address: str | None) -> Iterator[RecordingLane]:
        """Connect the relay (or start the simulator), open the models and store, and wire the recorder."""
        settings = self.config.engine
        with relay(address, True, settings.door_open_s, settings.door_close_s) as (client, simulator, _scale):
            self.recorder.gate["relay"] = address or "in-process simulator"
            replayer = Replayer(self.config, client, realtime=True, simulator=simulator)
            context = self._context()
            store: GateStore = replayer.store(context)
            bus = EventBus()
            StoreRecorder(store, "record").attach(bus)
            self.recorder.attach(bus)
            clock = RealClock()
            self._engine = replayer.engine(context, clock, store, bus)
            lane = LaneSensors(client)
            traveller = SimTraveller(simulator) if simulator is not None else None
            self._live = LiveDevices(lane, camera=self.camera, document=self.document, barcode=self.barcode,
                                     fingers=self.fingers, traveller=traveller, fps=self.fps)
            devices: list[Any] = [client, lane, self.camera, self.document, self.barcode, self.fingers]
            for device in devices:
                if device is not None:
                    device.subscribe(self.recorder.device_event)
            failed = self._live.open()
            if failed:
                self._engine.close()
                self.recorder.close()
                store.close()
                raise DeviceNotReady(f"cannot open {', '.join(failed)} (see the device errors above)")
            self._devices = RecordingDevices(self._live, self.recorder)
            self._client, self.simulator, self.bus = client, simulator, bus
            try:
                yield self
            finally:
                self._engine.close()
                self._live.close()
                self.recorder.close()  # everything handed over is written
                store.close()
                self._engine = self._devices = self._client = self.simulator = self.bus = None

    def run_one(self) -> None:
        """One traveller through the engine (or nobody, if no document came), recorded."""
        assert self._engine is not None and self._devices is not None and self._client is not None
        self.last_decision = None
        try:
            tx = self._engine.run_one(self._devices, self.today)
        except BaseException as exc:  # Ctrl-C, or anything the engine let through: doors closed, bundle marked
            self._client.close_all()
            try:
                self.recorder.interrupt(f"recording interrupted: {type(exc).__name__}: {exc}")
            except Exception:  # the disk may be what failed; the manifest then still says "recording"
                log.exception("could not mark the interrupted recording")
            raise
        if tx is not None:
            self.last_decision = tx.decision.outcome
        self.recorder.flush()
        if self.recorder.recording:  # the transaction's end could not be written (see the log)
            self._client.close_all()
            self.recorder.interrupt("the recording could not be finalised at the end of the transaction")
