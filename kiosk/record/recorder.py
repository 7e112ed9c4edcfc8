"""The recorder: a live session written as a bundle, step by step, while the engine runs it.

``RecordingDevices`` sits between the engine and the lane's devices: every answer a device gives
(a document, the traveller in the lane, a face clip, fingers, the traveller out) goes to the
bundle's timeline with ``after_s`` measured the way a replay plays it back (the traveller's delay
after the gate asked) and ``at_s`` (seconds since the session began); its media are written at
once. ``Recorder`` also hears every device event (``device`` entries of the timeline) and the
engine's events (stage times, prompts, doors, the decision). The manifest is replaced atomically
after every step with ``recording.status`` "recording"; the transaction's end makes it "complete",
or "incomplete" with the reason when a device dropped out, the transaction was aborted or the
recording was interrupted. A bundle whose status is not "complete" is refused by ``load_bundle``.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gate_io.events import DeviceEvent, EventKind
from kiosk.engine import events as ev
from kiosk.engine.clock import RealClock
from kiosk.engine.ports import Clip, Devices, FingerCapture, Presentation
from kiosk.engine.results import Transaction
from kiosk.record.writer import BundleWriter
from kiosk.replay.bundle import FORMAT, BundleError, load_bundle

log = logging.getLogger(__name__)

WALK_S = 0.8  # what a replay charges for walking out (kiosk.replay.devices), taken off a recorded exit
DROPOUTS = (EventKind.DISCONNECTED, EventKind.FAULT)


@dataclass(frozen=True)
class Setup:
    """What the recorded lane knew beside the traveller (enrolment, watch list, permit trust), copied
    into every bundle so a replay's fresh store and trust store hold the same."""

    source: Path
    manifest: dict[str, Any]

    @classmethod
    def from_bundle(cls, path: Path) -> Setup:
        load_bundle(path, partial=True)  # validated before anything is recorded against it
        raw = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        keep = {k: raw[k] for k in ("port", "trust", "enrolment", "watchlist") if raw.get(k)}
        return cls(path, keep)

    def files(self) -> list[str]:
        out: list[str] = []
        enrolment = self.manifest.get("enrolment") or {}
        if enrolment.get("face"):
            out.append(enrolment["face"])
        for finger in enrolment.get("fingers", []):
            out += list(finger.get("images", []))
        if (self.manifest.get("trust") or {}).get("revoked"):
            out.append(self.manifest["trust"]["revoked"])
        return out


@dataclass
class _Session:
    writer: BundleWriter
    started: float  # engine clock: the gate asked for this traveller's document
    started_utc: str
    timeline: list[dict[str, Any]] = field(default_factory=list)
    engine_events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    status: str = "recording"
    reason: str = ""
    observed: dict[str, Any] = field(default_factory=dict)

    def at(self, t: float) -> float:
        return round(t - self.started, 3)

    def media(self, kind: str) -> int:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        return n


class Recorder:
    """Writes each session that runs through the engine as one bundle under ``out``."""

    def __init__(self, out: Path, *, today: date, port: str, expected: str | None = None, case: str = "recorded",
                 setup: Setup | None = None, gate: dict[str, Any] | None = None, prefix: str = "rec") -> None:
        self.out = out
        self.today = today
        self.port = port
        self.expected = expected
        self.case = case
        self.setup = setup
        self.gate = gate or {}
        self.prefix = prefix
        self.bundles: list[Path] = []
        self._session: _Session | None = None
        self._pending: list[tuple[DeviceEvent, float]] = []  # device events between sessions
        self.errors: list[str] = []  # writes that failed (each also marks its session incomplete)
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="recorder", daemon=True)
        self._worker.start()

    # -- the writer thread: every write happens here, in the order the facts arrived ------------------

    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        self._jobs.put(lambda: fn(*args))

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                job()
            except Exception as exc:  # a failed write marks the session, never stops the lane
                log.exception("recorder: a write failed")
                self.errors.append(f"{type(exc).__name__}: {exc}")
                if self._session is not None:
                    self._session.problems.append(f"recorder write failed: {type(exc).__name__}: {exc}")
            finally:
                self._jobs.task_done()

    def flush(self) -> None:
        """Return when everything handed to the recorder so far is written."""
        self._jobs.join()

    def close(self) -> None:
        self.flush()
        self._jobs.put(None)
        self._worker.join(timeout=10.0)

    # -- wiring ---------------------------------------------------------------------------------

    def attach(self, bus: ev.EventBus) -> None:
        bus.subscribe(self._engine_event)

    def device_event(self, event: DeviceEvent) -> None:
        """A gate_io device's event (subscribe this to every device); ``t`` is time.monotonic()."""
        self._submit(self._on_device_event, event)

    def _on_device_event(self, event: DeviceEvent) -> None:
        session = self._session
        if session is None:
            self._pending = [*self._pending[-20:], (event, event.t)]
            return
        self._device_entry(session, event)
        if event.kind in DROPOUTS:
            session.problems.append(f"{event.device} {event.kind.value}: {event.detail}")
        self._save(session)

    @property
    def recording(self) -> bool:
        """A session is open (call ``flush`` first to see the writes handed over so far)."""
        return self._session is not None

    # -- steps from RecordingDevices ---------------------------------------------------------------

    # Called by RecordingDevices in the engine's thread with the times it measured; the media are
    # encoded and written by the recorder's thread, so recording does not slow the lane.

    def document(self, presentation: Presentation, asked: float, got: float) -> None:
        self._submit(self._document, presentation, asked, got)

    def entered(self, asked: float, got: float, ok: bool) -> None:
        self._submit(self._simple, "enter", asked, got, ok, {})

    def exited(self, via: str, asked: float, got: float, ok: bool) -> None:
        self._submit(self._simple, "exit", asked, got, ok, {"via": via})

    def face(self, clip: Clip | None, asked: float, got: float) -> None:
        self._submit(self._face, clip, asked, got)

    def fingers(self, capture: FingerCapture | None, asked: float, got: float) -> None:
        self._submit(self._fingers, capture, asked, got)

    def _document(self, presentation: Presentation, asked: float, got: float) -> None:
        session = self._session or self._begin(asked)
        n = session.media("document")
        name = "document" if presentation.kind == "page" else "permit"
        rel = session.writer.write_image(f"{name}.png" if n == 0 else f"{name}_{n}.png", presentation.image)
        self._step(session, {"event": "document", "after_s": round(got - asked, 3), "kind": presentation.kind,
                             "file": rel, "source": presentation.source}, got)

    def _face(self, clip: Clip | None, asked: float, got: float) -> None:
        session = self._session
        if session is None:
            return
        if clip is None:
            self._note(session, got, "camera", "no_frames", f"no face frames within {got - asked:.1f} s")
            return
        n = session.media("face")
        folder = "face" if n == 0 else f"face_{n}"
        names = [session.writer.write_image(f"{folder}/{i:03d}.png", frame) for i, frame in enumerate(clip.frames)]
        stamps = [round(t - clip.timestamps_s[0], 4) for t in clip.timestamps_s]
        after = max(0.0, got - asked - stamps[-1])
        self._step(session, {"event": "face", "after_s": round(after, 3), "frames": names, "timestamps_s": stamps,
                             "source": clip.source}, got)

    def _fingers(self, capture: FingerCapture | None, asked: float, got: float) -> None:
        session = self._session
        if session is None:
            return
        if capture is None:
            self._note(session, got, "finger_scanner", "no_fingers", f"no finger within {got - asked:.1f} s")
            return
        n = session.media("fingers")
        folder = "finger" if n == 0 else f"finger_{n}"
        items = [{"position": int(position),
                  "file": session.writer.write_image(f"{folder}/{int(position)}_{j}.png", image)}
                 for j, (position, image) in enumerate(capture.images.items())]
        self._step(session, {"event": "fingers", "after_s": round(got - asked, 3), "dpi": capture.dpi,
                             "fingers": items, "source": capture.source}, got)

    # -- the end of a session --------------------------------------------------------------------------

    def interrupt(self, reason: str) -> None:
        """The recording stopped mid-session (an exception, Ctrl-C): mark the bundle incomplete (waits)."""
        self._submit(self._interrupt, reason)
        self.flush()

    def _interrupt(self, reason: str) -> None:
        session = self._session
        if session is not None:
            session.problems.append(reason)
            self._finish(session)

    def _finish(self, session: _Session) -> Path:
        session.status = "incomplete" if session.problems else "complete"
        session.reason = "; ".join(session.problems)
        self._save(session, finished=True)
        if session.status == "complete":
            try:  # the bundle as written must load: never leave a bundle that only looks complete
                load_bundle(session.writer.root, partial=True)
            except BundleError as exc:
                session.status, session.reason = "incomplete", f"written bundle does not load: {exc}"
                self._save(session, finished=True)
        self._session = None
        self.bundles.append(session.writer.root)
        return session.writer.root

    def last_status(self) -> tuple[str, str]:
        self.flush()
        if not self.bundles:
            return "none", ""
        raw = json.loads((self.bundles[-1] / "manifest.json").read_text(encoding="utf-8"))
        return raw["recording"]["status"], raw["recording"].get("reason", "")

    # -- internals -------------------------------------------------------------------------------------

    def _begin(self, asked: float) -> _Session:
        stamp = datetime.now(UTC)
        n = len(self.bundles)
        while (self.out / (name := f"{self.prefix}_{stamp.strftime('%Y%m%dT%H%M%S')}_{n:03d}")).exists():
            n += 1
        writer = BundleWriter(self.out / name)
        session = _Session(writer, asked, stamp.isoformat(timespec="milliseconds"))
        if self.setup is not None:
            for rel in self.setup.files():
                writer.copy_file(self.setup.source / rel, rel)
            keys = (self.setup.manifest.get("trust") or {}).get("keys")
            if keys:
                writer.copy_tree(self.setup.source / keys, keys)
        for event, _ in self._pending:
            self._device_entry(session, event)
        self._pending = []
        self._session = session
        return session

    def _simple(self, kind: str, asked: float, got: float, ok: bool, extra: dict[str, str]) -> None:
        walk_s = WALK_S if kind == "exit" else 0.0
        session = self._session
        if session is None:
            return
        if not ok:  # the step did not come in time: a replay must time out there too
            self._step(session, {"event": kind, "after_s": round(got - asked + 1.0, 3), "came": False, **extra}, got)
            return
        self._step(session, {"event": kind, "after_s": round(max(0.0, got - asked - walk_s), 3), **extra}, got)

    def _step(self, session: _Session, entry: dict[str, Any], t: float) -> None:
        entry["at_s"] = session.at(t)
        session.timeline.append(entry)
        self._save(session)

    def _note(self, session: _Session, t: float, device: str, kind: str, detail: str) -> None:
        session.timeline.append({"event": "device", "at_s": session.at(t), "device": device, "kind": kind,
                                 "detail": detail})
        self._save(session)

    def _device_entry(self, session: _Session, event: DeviceEvent) -> None:
        session.timeline.append({"event": "device", "at_s": session.at(event.t), "device": event.device,
                                 "kind": event.kind.value, "detail": event.detail})

    def _engine_event(self, event: ev.Event) -> None:
        self._submit(self._on_engine_event, event)

    def _on_engine_event(self, event: ev.Event) -> None:
        session = self._session
        if session is None:
            return
        entry = _describe(event)
        entry["at_s"] = session.at(event.t)
        session.engine_events.append(entry)
        if isinstance(event, ev.DeviceFault):
            session.problems.append(f"{event.device} fault: {event.detail}")
        if isinstance(event, ev.TransactionEnded):
            session.observed = _observed(event.transaction)
            if event.transaction.aborted:
                reason = f"transaction aborted: {event.transaction.aborted}"
                if not any(event.transaction.aborted in p for p in session.problems):
                    session.problems.append(reason)
            self._finish(session)
        else:
            self._save(session)

    def _save(self, session: _Session, finished: bool = False) -> None:
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "case": self.case,
            "expected": self.expected,
            "today": self.today.isoformat(),
            "port": self.port,
            **{k: v for k, v in (self.setup.manifest if self.setup else {}).items() if k != "port"},
            "timeline": session.timeline,
            "notes": {"recorded": True, "setup": str(self.setup.source) if self.setup else None},
            "recording": {
                "status": session.status,
                "reason": session.reason,
                "started_utc": session.started_utc,
                "finished_utc": datetime.now(UTC).isoformat(timespec="milliseconds") if finished else None,
                "gate": self.gate,
                "observed": session.observed,
                "engine_events": session.engine_events,
            },
        }
        if self.setup is not None and self.setup.manifest.get("port"):
            manifest["port"] = self.setup.manifest["port"]
        session.writer.write_manifest(manifest)


class RecordingDevices:
    """The engine's devices with every answer also given to the recorder (the tap)."""

    def __init__(self, inner: Devices, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder
        self.clock = RealClock()

    def wait_document(self, timeout_s: float) -> Presentation | None:
        asked = self.clock.now()
        got = self.inner.wait_document(timeout_s)
        if got is not None:
            self.recorder.document(got, asked, self.clock.now())
        return got

    def wait_entered(self, timeout_s: float) -> bool:
        asked = self.clock.now()
        ok = self.inner.wait_entered(timeout_s)
        self.recorder.entered(asked, self.clock.now(), ok)
        return ok

    def capture_face(self, duration_s: float, timeout_s: float) -> Clip | None:
        asked = self.clock.now()
        clip = self.inner.capture_face(duration_s, timeout_s)
        self.recorder.face(clip, asked, self.clock.now())
        return clip

    def wait_fingers(self, count: int, timeout_s: float) -> FingerCapture | None:
        asked = self.clock.now()
        capture = self.inner.wait_fingers(count, timeout_s)
        self.recorder.fingers(capture, asked, self.clock.now())
        return capture

    def wait_exited(self, via: str, timeout_s: float) -> bool:
        asked = self.clock.now()
        ok = self.inner.wait_exited(via, timeout_s)
        self.recorder.exited(via, asked, self.clock.now(), ok)
        return ok


def _describe(event: ev.Event) -> dict[str, Any]:
    """An engine event as plain JSON (named fields only: never images or evidence objects)."""
    if isinstance(event, ev.StateChanged):
        return {"event": "state", "state": event.state, "previous": event.previous}
    if isinstance(event, ev.Prompt):
        return {"event": "prompt", "key": event.key}
    if isinstance(event, ev.StageDone):
        return {"event": "stage", "stage": event.stage, "status": event.status, "ms": round(event.ms, 1),
                "detail": event.detail}
    if isinstance(event, ev.DocumentRead):
        return {"event": "document_read", "kind": event.kind, "nationality": event.nationality}
    if isinstance(event, ev.DoorCommanded):
        return {"event": "door", "door": event.door, "open": event.open}
    if isinstance(event, ev.OfficerCommanded):
        return {"event": "officer", "command": event.command, "officer": event.officer}
    if isinstance(event, ev.DeviceFault):
        return {"event": "fault", "device": event.device, "detail": event.detail}
    if isinstance(event, ev.DecisionMade):
        return {"event": "decision", "outcome": event.outcome, "codes": list(event.codes)}
    if isinstance(event, ev.TransactionEnded):
        return {"event": "transaction_ended"}
    return {"event": type(event).__name__}


def _observed(tx: Transaction) -> dict[str, Any]:
    """What the gate concluded, as the manifest's ``recording.observed``."""
    document = None
    if tx.document is not None:
        d = tx.document
        document = {"kind": d.kind.value, "format": d.format, "issuing_state": d.issuing_state,
                    "number": d.document_number, "raw": list(d.raw)}  # MRZ lines or the barcode payload
    return {
        "decision": tx.decision.outcome,
        "reasons": [{"code": r.code, "detail": r.detail} for r in tx.decision.reasons],
        "scores": tx.scores,
        "aborted": tx.aborted,
        "officer": tx.officer,
        "prompts": list(tx.prompts),
        "stage_ms": tx.stage_ms,
        "state_s": tx.state_s,
        "engine_ms": tx.engine_ms,
        "lane_s": tx.lane_s,
        "transaction": tx.id,
        "document": document,
    }
