"""What the console shows, as plain frozen data the gateway returns (no Qt, no engine types).

The engine adapter converts its results into these; the console never reads engine objects,
so a network transport can later carry the same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray


class Door(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class DoorState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    MOVING = "moving"
    FAULT = "fault"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class LaneStatus:
    lane_id: str
    state: str  # the engine's state name, shown as is
    traveller: str | None  # name on the document being processed
    alarms: tuple[str, ...] = ()
    entry_door: DoorState = DoorState.CLOSED
    exit_door: DoorState = DoorState.CLOSED
    referral_id: str | None = None  # the case waiting for an officer, if any
    in_service: bool = True
    refused: RefusedCommand | None = None  # the last officer command the lane refused, if any


@dataclass(frozen=True)
class RefusedCommand:
    """An approve or reject the lane did not apply (it named a transaction no longer waiting)."""

    command: str  # approve, reject
    transaction_id: str
    reason: str  # a console catalogue key under ``refused.``: no_transaction_id, not_current_transaction ...
    officer: str = ""


@dataclass(frozen=True)
class Measure:
    """One score against its threshold; ``passed`` is the engine's verdict, not recomputed here."""

    score: float | None
    threshold: float | None
    passed: bool | None  # None: not done


NOT_DONE = Measure(None, None, None)


@dataclass(frozen=True)
class FingerResult:
    finger: str  # ISO 19794-2 position name in lower case ("right_index"), a console catalogue key
    score: float | None
    threshold: float | None
    quality: int | None  # NFIQ 2 style 0-100
    matched: bool | None


@dataclass(frozen=True)
class CaseReason:
    """One reason of the decision: the stable code (its words come from the console catalogue, ``reason.<code>``),
    the engine's detail (numbers, names; shown as is) and the outcome the policy gives it."""

    code: str
    detail: str = ""
    outcome: str = ""  # ACCEPT, REFER, REJECT or INFO


@dataclass(frozen=True)
class WatchEntry:
    """A watch-list entry the traveller matched, as the officer must see it to judge the match."""

    list: str  # banned_exit, banned_entry, wanted (a console catalogue key under ``watch.``)
    reason: str
    matched_by: str  # document_number or name_birth_date
    name: str = ""
    birth_date: str = ""
    document_number: str = ""
    source: str = ""
    added_at: str = ""


@dataclass(frozen=True, eq=False)
class Case:
    """A referral: everything the officer needs to decide, side by side."""

    case_id: str
    lane_id: str
    opened_at: float  # epoch seconds
    traveller: str
    document: tuple[tuple[str, str], ...]  # (field, value) from the MRZ or the permit
    portrait: NDArray[np.uint8] | None  # RGB, from the document page or the enrolment
    live_face: NDArray[np.uint8] | None  # RGB, the best live frame
    face: Measure
    liveness: Measure
    fingers: tuple[FingerResult, ...]
    watchlist: tuple[WatchEntry, ...]  # the entries matched, empty when none
    reasons: tuple[CaseReason, ...]  # every reason of the policy's decision
    finger: Measure = field(default=NOT_DONE)  # the fused score of all fingers against its threshold
    transaction_id: str = ""  # the gate's transaction this case decides
    reference: str = ""  # what the live face was compared with: document_page, enrolment ("" unknown)
    fingers_required: int | None = None  # how many fingers the policy asked for (None: not known)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class TransactionRecord:
    transaction_id: str
    time: float  # epoch seconds
    lane_id: str
    name: str
    document_number: str
    decision: str  # ACCEPT, REFER, REJECT, or the officer's APPROVED / REJECTED
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: str  # "YYYY-MM-DD HH:MM:SS UTC"
    actor: str
    action: str
    target: str
    details: str
