"""The one interface between the console and the gates, and its in-process implementation.

``Gateway`` is what the console calls; a network transport will implement the same
protocol later. ``InProcessGateway`` is the demo's: each lane's engine attaches a
``LaneControl`` (what the officer can command) and publishes its status, referrals and
transactions into the gateway, which the console reads.
"""

from __future__ import annotations

import threading
from typing import Protocol

from kiosk.ui.console.model import Case, Decision, Door, LaneStatus, TransactionRecord


class GatewayError(Exception):
    """A command could not be carried out (unknown lane or case, lane fault); the message says why."""


class Gateway(Protocol):
    def lanes(self) -> list[LaneStatus]: ...

    def referrals(self) -> list[Case]: ...

    def decide(self, case_id: str, decision: Decision, reason: str, officer: str) -> None: ...

    def set_door(self, lane_id: str, door: Door, open_: bool, officer: str) -> None: ...

    def emergency_open(self, lane_id: str, officer: str) -> None: ...

    def transactions(self, query: str = "", limit: int = 200) -> list[TransactionRecord]: ...


class LaneControl(Protocol):
    """What a lane's engine does on the officer's command; raises on failure."""

    def decide(self, case_id: str, decision: Decision, reason: str, officer: str) -> None: ...

    def set_door(self, door: Door, open_: bool) -> None: ...

    def emergency_open(self) -> None: ...


class InProcessGateway:
    """Lanes in this process. Thread-safe: engines publish from their threads, the console reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._controls: dict[str, LaneControl] = {}
        self._status: dict[str, LaneStatus] = {}
        self._cases: dict[str, Case] = {}
        self._transactions: list[TransactionRecord] = []

    # -- the engine's side --------------------------------------------------------------
    def attach(self, status: LaneStatus, control: LaneControl) -> None:
        with self._lock:
            self._controls[status.lane_id] = control
            self._status[status.lane_id] = status

    def publish(self, status: LaneStatus) -> None:
        with self._lock:
            if status.lane_id not in self._controls:
                raise GatewayError(f"lane {status.lane_id!r} is not attached")
            self._status[status.lane_id] = status

    def refer(self, case: Case) -> None:
        with self._lock:
            if case.lane_id not in self._controls:
                raise GatewayError(f"lane {case.lane_id!r} is not attached")
            self._cases[case.case_id] = case

    def withdraw(self, case_id: str) -> None:
        """The lane resolved the case itself (timeout, traveller left)."""
        with self._lock:
            self._cases.pop(case_id, None)

    def record(self, transaction: TransactionRecord) -> None:
        with self._lock:
            self._transactions.append(transaction)

    # -- the console's side (Gateway) ---------------------------------------------------
    def lanes(self) -> list[LaneStatus]:
        with self._lock:
            return [self._status[k] for k in sorted(self._status)]

    def referrals(self) -> list[Case]:
        with self._lock:
            return sorted(self._cases.values(), key=lambda c: c.opened_at)

    def _control(self, lane_id: str) -> LaneControl:
        with self._lock:
            control = self._controls.get(lane_id)
        if control is None:
            raise GatewayError(f"no lane {lane_id!r}")
        return control

    def decide(self, case_id: str, decision: Decision, reason: str, officer: str) -> None:
        if not reason.strip():
            raise GatewayError("a decision needs a reason")
        with self._lock:
            case = self._cases.get(case_id)
        if case is None:
            raise GatewayError(f"no referral {case_id!r} waiting (already decided?)")
        self._control(case.lane_id).decide(case_id, decision, reason.strip(), officer)
        self.withdraw(case_id)

    def set_door(self, lane_id: str, door: Door, open_: bool, officer: str) -> None:
        self._control(lane_id).set_door(door, open_)

    def emergency_open(self, lane_id: str, officer: str) -> None:
        self._control(lane_id).emergency_open()

    def transactions(self, query: str = "", limit: int = 200) -> list[TransactionRecord]:
        q = query.strip().casefold()
        with self._lock:
            rows = list(self._transactions)
        hits = [
            t for t in reversed(rows)
            if not q or q in t.name.casefold() or q in t.document_number.casefold() or q == t.lane_id.casefold()
        ]
        return hits[:limit]
