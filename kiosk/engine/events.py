"""Typed events the engine publishes, and a small synchronous event bus.

Subscribers (UI, console, store, recorder, replay report) register for event types; a subscriber
that raises is logged and dropped from that delivery, never allowed to stop the lane.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from kiosk.policy.decide import Decision
from kiosk.policy.evidence import Evidence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    t: float  # engine clock, seconds


@dataclass(frozen=True)
class StateChanged(Event):
    state: str
    previous: str


@dataclass(frozen=True)
class Prompt(Event):
    key: str  # a prompt key the UI translates (present_document, step_in, look_at_camera ...)
    fingers: int = 0  # place_finger: how many fingers the policy asks at once (0: not a finger prompt)
    positions: tuple[int, ...] = ()  # place_finger: the ISO/IEC 19794-2 positions asked (2, 7: both index)


@dataclass(frozen=True)
class StageDone(Event):
    stage: str
    status: str  # "ok", "failed", "missing", "timeout", "skipped"
    ms: float
    detail: str = ""


@dataclass(frozen=True)
class DocumentRead(Event):
    """A document was read: what the traveller's screen needs of it (the kiosk speaks the holder's
    language), nothing that identifies the holder."""

    kind: str  # passport, border_pass, permit ...
    nationality: str  # ICAO three-letter code as read ("" if the document has none)


@dataclass(frozen=True)
class DoorCommanded(Event):
    door: str  # "entry", "exit", "all"
    open: bool


@dataclass(frozen=True)
class OfficerCommanded(Event):
    command: str  # approve, reject, open_entry, open_exit, close_entry, close_exit, close_all
    officer: str = ""
    transaction_id: str = ""  # the transaction an approve or reject was for (door commands: "")


@dataclass(frozen=True)
class CommandRefused(Event):
    """An officer's approve or reject that was not for the transaction waiting on an officer (a late
    command after the lane moved on, a command without a transaction id): not applied, and audited."""

    command: str
    officer: str
    transaction_id: str  # what the command named
    current: str  # the transaction the lane is on ("" between travellers)
    reason: str  # "no_transaction_id", "not_current_transaction" or "not_referred"
    detail: str = ""


@dataclass(frozen=True)
class DeviceFault(Event):
    device: str
    detail: str


@dataclass(frozen=True, eq=False)
class CaseImages:
    """The faces an officer compares by eye, held in memory only (never written to disk by the engine).

    Both are upright BGR uint8 crops at one scale (``FacePipeline.display_crop``); None when there is
    nothing to show (a permit has no page; no face in the clip)."""

    portrait: np.ndarray | None = None  # the portrait on the document page
    live_face: np.ndarray | None = None  # the face in the best live frame (the one the score came from)


@dataclass(frozen=True)
class DecisionMade(Event):
    """The policy's decision with what it decided on: the evidence, every reason, and the thresholds of
    the configuration the engine ran with. ``images`` come with a referral (an officer will look)."""

    outcome: str
    codes: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    transaction_id: str = ""
    evidence: Evidence | None = None
    decision: Decision | None = None  # the reasons with their outcome, text and detail
    thresholds: dict[str, float] = field(default_factory=dict)  # face, liveness, finger (configured)
    reference: str = ""  # what the live face was compared with: "document_page" or "enrolment"
    images: CaseImages | None = None
    fingers_required: int = 0  # how many fingers the policy asks of this document's holder


@dataclass(frozen=True)
class TransactionEnded(Event):
    transaction: Any  # kiosk.engine.results.Transaction


E = TypeVar("E", bound=Event)


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[tuple[type[Event], Callable[[Any], None]]] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Callable[[E], None], kind: type[E] = Event) -> Callable[[], None]:  # type: ignore[assignment]
        """Call ``handler`` with every event of ``kind`` (default all); returns an unsubscribe function."""
        entry = (kind, handler)
        with self._lock:
            self._subscribers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subscribers:
                    self._subscribers.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            targets = [h for kind, h in self._subscribers if isinstance(event, kind)]
        for handler in targets:
            try:
                handler(event)
            except Exception:  # a broken subscriber must not stop the lane
                log.exception("event subscriber %r failed on %s", handler, type(event).__name__)
