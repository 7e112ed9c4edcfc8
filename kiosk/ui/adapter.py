"""Engine events in, traveller views and console records out: the only bridge from engine to UI.

``TravellerAdapter`` turns state changes, prompts, decisions and faults into the kiosk's
``TravellerModel``; ``LaneAdapter`` publishes a lane's status, referrals and transactions into the
console's ``InProcessGateway`` and carries the officer's commands back to the engine
(``EngineLaneControl``). Both subscribe to the engine's ``EventBus`` and run in the engine's
thread; neither imports Qt.

A referral reaches the console with what the policy decided on (``DecisionMade`` carries the
evidence, the reasons, the thresholds of the engine's configuration and the two faces), and the
officer's approve or reject goes back naming the transaction it decides, so the engine can refuse
one that arrives after the lane moved on. What the engine's events do not carry is left out, never
invented: live camera frames arrive through ``TravellerAdapter.frame`` from the camera's reader. The
document's nationality comes with ``DocumentRead``, so the kiosk speaks the holder's language.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from kiosk.engine import events as ev
from kiosk.engine.settings import EngineSettings
from kiosk.policy.evidence import WatchlistMatch
from kiosk.ui.console.gateway import GatewayError, InProcessGateway
from kiosk.ui.console.model import (
    NOT_DONE,
    Case,
    CaseReason,
    Decision,
    Door,
    DoorState,
    FingerResult,
    LaneStatus,
    Measure,
    RefusedCommand,
    TransactionRecord,
    WatchEntry,
)
from kiosk.ui.viewmodel import FACE_HINTS, FINGER_HINTS, Box, Screen, TravellerModel

log = logging.getLogger(__name__)

# Engine prompts that name the next screen; other prompt keys are quality hints.
PROMPT_SCREENS = {
    "step_in": Screen.STEP_IN,
    "look_at_camera": Screen.LOOK_AT_CAMERA,
    "place_finger": Screen.PLACE_FINGERS,
    "proceed": Screen.PROCEED,
    "see_officer": Screen.WAIT_OFFICER,
    "go_back": Screen.TAKE_DOCUMENT,
}
PROMPT_HINTS = {"present_document_again": "document_unreadable"}
LANE_CLOSED = "lane_closed"  # the engine refuses travellers until the relay is healthy again
STATE_SCREENS = {
    "idle": Screen.IDLE,
    "entry": Screen.STEP_IN,
    "face": Screen.LOOK_AT_CAMERA,
    "fingers": Screen.PLACE_FINGERS,
}


class TravellerAdapter:
    """Keeps the kiosk's view in step with one lane's engine, with a countdown of each stage's budget."""

    def __init__(self, model: TravellerModel, settings: EngineSettings, clock: Callable[[], float] = time.monotonic):
        self.model = model
        self.clock = clock
        self.budgets = {
            Screen.STEP_IN: settings.entry_s, Screen.LOOK_AT_CAMERA: settings.face_s,
            Screen.PLACE_FINGERS: settings.fingers_s, Screen.PROCEED: settings.exit_s,
        }
        self._deadline: float | None = None
        self._retried: set[Screen] = set()
        self._lock = threading.Lock()

    def attach(self, bus: ev.EventBus) -> None:
        bus.subscribe(self._on_state, ev.StateChanged)
        bus.subscribe(self._on_prompt, ev.Prompt)
        bus.subscribe(self._on_document, ev.DocumentRead)
        bus.subscribe(self._on_decision, ev.DecisionMade)
        bus.subscribe(self._on_fault, ev.DeviceFault)

    def _show(self, screen: Screen) -> None:
        with self._lock:
            budget = self.budgets.get(screen)
            self._deadline = None if budget is None else self.clock() + budget
        # The scanner takes the fingers asked at once (``Prompt.fingers``): no "finger n of m".
        self.model.show(screen, countdown_s=None if budget is None else round(budget))

    def _on_state(self, event: ev.StateChanged) -> None:
        screen = STATE_SCREENS.get(event.state)
        if self.model.view.screen is Screen.OUT_OF_SERVICE:
            if event.state != "document":
                return  # out of service until the lane takes a traveller again (or ``recovered``)
            screen = Screen.IDLE
        if screen is Screen.IDLE:
            self._retried.clear()
        # idle is shown again even over idle: it forgets the last traveller's language
        if screen is not None and (screen is not self.model.view.screen or screen is Screen.IDLE):
            self._show(screen)

    def _on_prompt(self, event: ev.Prompt) -> None:
        if event.key == LANE_CLOSED:
            if self.model.view.screen is not Screen.OUT_OF_SERVICE:
                self._show(Screen.OUT_OF_SERVICE)
            return
        screen = PROMPT_SCREENS.get(event.key)
        current = self.model.view.screen
        if screen is not None and screen is not current:
            self._show(screen)
        elif screen is not None:  # the same instruction again: a retry, so say what to change
            if screen in self._retried:
                self.model.set_hint("look_at_camera" if screen is Screen.LOOK_AT_CAMERA else None)
            self._retried.add(screen)
        elif event.key in PROMPT_HINTS:
            self.model.set_hint(PROMPT_HINTS[event.key])
        elif event.key in FACE_HINTS | FINGER_HINTS:
            self.model.set_hint(event.key)
        self._ask_fingers(event)

    def _ask_fingers(self, event: ev.Prompt) -> None:
        """A place-finger prompt says how many fingers and which: the instruction follows it."""
        view = self.model.view
        if view.screen is Screen.PLACE_FINGERS and event.fingers and (
                (event.fingers, event.positions) != (view.fingers_asked, view.finger_positions)):
            self.model.ask_fingers(event.fingers, event.positions)

    def _on_decision(self, event: ev.DecisionMade) -> None:
        if event.outcome == "REFER":
            self._show(Screen.WAIT_OFFICER)

    def _on_fault(self, event: ev.DeviceFault) -> None:
        self._show(Screen.OUT_OF_SERVICE)

    def recovered(self) -> None:
        """The faulty device is back (e.g. the relay's ``recovered`` event): the lane takes travellers again."""
        self._show(Screen.IDLE)

    def _on_document(self, event: ev.DocumentRead) -> None:
        """The document was read: the kiosk switches to the holder's language (unless they chose one)."""
        self.model.set_nationality(event.nationality or None)

    def frame(self, rgb: NDArray[np.uint8] | None, face_box: Box | None, face_ok: bool | None) -> None:
        """A live camera frame for the preview (from the camera's reader, not the engine).

        A grey frame is shown in grey; anything else that is not an RGB image is dropped with a
        warning (the preview keeps its last frame; the gate goes on)."""
        if rgb is not None and rgb.ndim == 2 and rgb.dtype == np.uint8:
            rgb = np.repeat(rgb[..., None], 3, axis=2)
        try:
            self.model.set_frame(rgb, face_box, face_ok)
        except ValueError as exc:
            log.warning("camera preview frame dropped: %s", exc)

    def tick(self) -> None:
        """Called about twice a second (a UI timer): count the stage's budget down, in whole seconds."""
        with self._lock:
            deadline = self._deadline
        if deadline is None:
            return
        left = max(0, round(deadline - self.clock()))
        if left != self.model.view.countdown_s:
            self.model.set_countdown(left)


class EngineCommands(Protocol):
    def command(self, command: str, officer: str = "", transaction_id: str = "") -> None: ...


class EngineLaneControl:
    """The officer's commands to one lane's engine (``Engine.command``, queued, thread-safe).

    A decision on the case the engine waits on goes to the engine naming that case's transaction;
    should it arrive after the engine gave up waiting, the engine refuses it (``CommandRefused``)
    rather than apply it to whoever is in the lane then. A case the engine has already closed (the
    traveller was sent to the officer's desk) is decided at the desk: nothing goes to the engine.
    """

    def __init__(self, engine: EngineCommands, lane: LaneAdapter) -> None:
        self.engine = engine
        self.lane = lane

    def decide(self, case_id: str, decision: Decision, reason: str, officer: str) -> None:
        transaction = self.lane.live_transaction(case_id)
        if transaction is None:
            return  # decided at the desk; the console's audit entry is the record
        self.engine.command("approve" if decision is Decision.APPROVE else "reject", officer, transaction)

    def set_door(self, door: Door, open_: bool) -> None:
        self.engine.command(f"{'open' if open_ else 'close'}_{door.value}", "")

    def emergency_open(self) -> None:
        # The relay map has no emergency release and the driver's interlock never opens both
        # doors: the way out (the exit door) is what can be opened.
        self.engine.command("open_exit", "emergency")


def _rgb(bgr_or_rgb: Any) -> NDArray[np.uint8] | None:
    if not isinstance(bgr_or_rgb, np.ndarray) or bgr_or_rgb.ndim not in (2, 3):
        return None
    if bgr_or_rgb.ndim == 2:
        return np.ascontiguousarray(np.repeat(bgr_or_rgb[..., None], 3, axis=2)).astype(np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(bgr_or_rgb, cv2.COLOR_BGR2RGB)).astype(np.uint8)


def document_fields(document: Any) -> tuple[tuple[str, str], ...]:
    """The MRZ or permit fields an officer compares with the person: (console catalogue key under
    ``doc.``, or the permit's own field name; value)."""
    if document is None:
        return ()
    fields = [
        ("kind", f"{document.kind.value} ({document.format})"), ("number", document.document_number),
        ("issuing_state", document.issuing_state), ("nationality", document.nationality),
        ("surname", document.surname), ("given_names", document.given_names),
        ("birth_date", document.birth_date.isoformat() if document.birth_date else "–"),
        ("sex", document.sex), ("expiry", document.expiry_date.isoformat() if document.expiry_date else "–"),
    ]
    failed = [c.name for c in document.failed_checks]
    fields.append(("checks", "✓" if document.all_checks_passed else "✗ " + ", ".join(failed)))
    fields += [(k, str(v)) for k, v in dict(document.extra).items()]
    return tuple(fields)


class LaneAdapter:
    """Publishes one lane into the console's gateway and owns its referral while the engine waits."""

    def __init__(self, gateway: InProcessGateway, lane_id: str, engine: EngineCommands,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.gateway = gateway
        self.lane_id = lane_id
        self.wall_clock = wall_clock
        self.live_case: str | None = None
        self._live: Case | None = None  # the referral the engine waits on, with its evidence
        self._status = LaneStatus(lane_id, "idle", None)
        self._lock = threading.Lock()
        gateway.attach(self._status, EngineLaneControl(engine, self))

    def attach(self, bus: ev.EventBus) -> None:
        bus.subscribe(self._on_state, ev.StateChanged)
        bus.subscribe(self._on_door, ev.DoorCommanded)
        bus.subscribe(self._on_decision, ev.DecisionMade)
        bus.subscribe(self._on_fault, ev.DeviceFault)
        bus.subscribe(self._on_refused, ev.CommandRefused)
        bus.subscribe(self._on_end, ev.TransactionEnded)

    def live_transaction(self, case_id: str) -> str | None:
        """The transaction id of ``case_id`` while the engine waits on it (None: not a live case)."""
        with self._lock:
            live = self._live
        return live.transaction_id if live is not None and live.case_id == case_id else None

    def _publish(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)
            status = self._status
        self.gateway.publish(status)

    def _on_state(self, event: ev.StateChanged) -> None:
        if event.state == "document" and event.previous == "idle":
            self._publish(state=event.state, traveller=None, alarms=())
        else:
            self._publish(state=event.state)

    def _on_door(self, event: ev.DoorCommanded) -> None:
        state = DoorState.OPEN if event.open else DoorState.CLOSED
        if event.door == "all":
            self._publish(entry_door=state, exit_door=state)
        elif event.door in ("entry", "exit"):
            self._publish(**{f"{event.door}_door": state})

    def _on_fault(self, event: ev.DeviceFault) -> None:
        self._publish(alarms=(*self._status.alarms, f"{event.device}: {event.detail}"), in_service=False)

    def _on_refused(self, event: ev.CommandRefused) -> None:
        log.warning("lane %s refused %s for transaction %r: %s", self.lane_id, event.command, event.transaction_id,
                    event.detail)
        self._publish(refused=RefusedCommand(event.command, event.transaction_id, event.reason, event.officer))

    def _on_decision(self, event: ev.DecisionMade) -> None:
        if event.outcome == "REFER" and self.live_case is None:
            case = self.case_from_decision(event)
            with self._lock:
                self._live = case
            self.live_case = case.case_id
            self.gateway.refer(case)
            self._publish(referral_id=case.case_id, traveller=case.traveller if case.traveller != "?" else None)
        elif self.live_case is not None and event.outcome != "REFER":  # the officer's word reached the engine
            self.gateway.withdraw(self.live_case)
            self._drop_live()
            self._publish(referral_id=None)

    def _drop_live(self) -> None:
        with self._lock:
            self._live = None
        self.live_case = None

    def _on_end(self, event: ev.TransactionEnded) -> None:
        tx = event.transaction
        with self._lock:
            live = self._live
        if self.live_case is not None:
            self.gateway.withdraw(self.live_case)
            self._drop_live()
        doc = tx.document
        name = _name(doc)
        reasons = tuple(f"{r.code}: {r.detail}" if r.detail else r.code for r in tx.decision.reasons)
        outcome = "ABORTED" if tx.aborted else tx.decision.outcome
        if tx.officer:
            outcome = {"approve": "APPROVED", "reject": "REJECTED"}.get(tx.officer, outcome)
        self.gateway.record(TransactionRecord(tx.id, self.wall_clock(), self.lane_id, name,
                                              doc.document_number if doc is not None else "", outcome, reasons))
        referral_id = None
        if tx.decision.outcome == "REFER" and not tx.officer:  # the traveller goes to the officer's desk
            desk = live if live is not None and live.transaction_id == tx.id else None
            case = self.case_from(f"{self.lane_id}-{tx.id}", tx, name) if desk is None else replace(
                desk, reasons=_reasons(tx.decision.reasons))
            try:
                self.gateway.refer(case)
                referral_id = case.case_id
            except GatewayError:
                referral_id = None
        self._publish(traveller=name if doc is not None else None, referral_id=referral_id)

    def case_from_decision(self, event: ev.DecisionMade) -> Case:
        """The referral the engine waits on, from what the policy decided on."""
        case_id = f"{self.lane_id}-{event.transaction_id or 'unknown'}"
        evidence = event.evidence
        if evidence is None:  # an engine that publishes codes only: say what is known, nothing more
            reasons = tuple(CaseReason(code) for code in event.codes)
            return Case(case_id, self.lane_id, self.wall_clock(), self._status.traveller or "?", (), None, None,
                        NOT_DONE, NOT_DONE, (), (), reasons, transaction_id=event.transaction_id)
        images = event.images
        watch = tuple(_watch_entry(m) for m in evidence.watchlist_entries) or tuple(
            WatchEntry("", hit, "") for hit in evidence.watchlist_hits)
        reasons = _reasons(event.decision.reasons) if event.decision is not None else tuple(
            CaseReason(code) for code in event.codes)
        return self._case(case_id, _name(evidence.document), document=evidence.document, face=evidence.face,
                          fingers=evidence.fingers, reasons=reasons, watch=watch,
                          portrait=images.portrait if images else None, live=images.live_face if images else None,
                          thresholds=event.thresholds, transaction_id=event.transaction_id,
                          reference=event.reference, fingers_required=event.fingers_required)

    def case_from(self, case_id: str, tx: Any, name: str) -> Case:
        """A referral with the transaction's record, for the officer at the desk."""
        watch = tuple(WatchEntry("", r.detail, "") for r in tx.decision.reasons if r.code.startswith("WATCHLIST"))
        return self._case(case_id, name, document=tx.document, face=tx.face, fingers=tx.fingers,
                          reasons=_reasons(tx.decision.reasons), watch=watch, portrait=tx.extra.get("portrait"),
                          live=tx.extra.get("live_face"), thresholds={}, transaction_id=tx.id, reference="",
                          fingers_required=None)

    def _case(self, case_id: str, name: str, *, document: Any, face: Any, fingers: Any,
              reasons: tuple[CaseReason, ...], watch: tuple[WatchEntry, ...], portrait: Any, live: Any,
              thresholds: Mapping[str, float], transaction_id: str, reference: str,
              fingers_required: int | None) -> Case:
        liveness = face.liveness if face is not None else None
        per_finger = tuple(
            FingerResult(m.position.name.lower(), m.score, m.threshold,
                         m.quality.score if m.quality is not None else None, m.matched)
            for m in (fingers.per_finger if fingers is not None else ())
        )
        if face is not None and face.frames_used > 0:
            face_measure = Measure(face.score, face.threshold, face.score >= face.threshold)
        else:
            face_measure = Measure(None, face.threshold if face is not None else thresholds.get("face"), None)
        if liveness is not None:
            live_measure = Measure(liveness.score, liveness.threshold, liveness.live)
        else:
            live_measure = Measure(None, thresholds.get("liveness"), None)
        if fingers is not None:
            finger_measure = Measure(fingers.score, fingers.threshold, fingers.same)
        else:
            finger_measure = Measure(None, thresholds.get("finger"), None)
        return Case(
            case_id, self.lane_id, self.wall_clock(), name, document_fields(document), _rgb(portrait), _rgb(live),
            face_measure, live_measure, per_finger, watch, reasons, finger=finger_measure,
            transaction_id=transaction_id, reference=reference, fingers_required=fingers_required,
        )


def _name(document: Any) -> str:
    return f"{document.surname} {document.given_names}".strip() if document is not None else "?"


def _reasons(reasons: Any) -> tuple[CaseReason, ...]:
    return tuple(CaseReason(r.code, r.detail, r.outcome) for r in reasons)


def _watch_entry(m: WatchlistMatch) -> WatchEntry:
    name = " ".join(p for p in (m.surname, m.given_names) if p)
    return WatchEntry(m.list, m.reason, m.matched_by, name, m.birth_date or "", m.document_number or "", m.source,
                      m.added_at)
