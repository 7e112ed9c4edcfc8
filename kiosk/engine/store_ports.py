"""The engine's ports over the SQLite stores: enrolment lookup, watch list, transaction recorder."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.engine import events as ev
from kiosk.engine.ports import EnrolledPerson
from kiosk.engine.results import Transaction
from kiosk.policy.evidence import WatchlistMatch
from kiosk.stores.gate import GateStore
from mrz.document import Document

log = logging.getLogger(__name__)


class StoreEnrolment:
    def __init__(self, store: GateStore) -> None:
        self.store = store

    def lookup(self, document: Document) -> EnrolledPerson | None:
        person = self.store.enrolment.by_document(document.document_number, document.issuing_state or None)
        if person is None:
            return None
        return EnrolledPerson(person.id, person.face, dict(person.fingers))


class StoreWatchList:
    def __init__(self, store: GateStore) -> None:
        self.store = store

    def check(self, document: Document) -> tuple[WatchlistMatch, ...]:
        birth = document.birth_date.isoformat() if document.birth_date else None
        hits = self.store.watchlist.match(document.document_number, document.surname, document.given_names, birth)
        return tuple(
            WatchlistMatch(h.entry.list, h.entry.reason, h.matched_by, h.entry.surname, h.entry.given_names,
                           h.entry.birth_date, h.entry.document_number, h.entry.source, h.entry.added_at)
            for h in hits
        )


def document_summary(document: Document | None) -> dict[str, Any]:
    if document is None:
        return {}
    return {"kind": document.kind.value, "number": document.document_number, "state": document.issuing_state,
            "surname": document.surname, "given_names": document.given_names}


class StoreRecorder:
    """Writes each transaction to the store: an open row when a document arrives, closed at the end.

    An open row left by a crash is turned into ABORTED by ``transactions.recover_open()`` at start-up.
    """

    def __init__(self, store: GateStore, lane: str) -> None:
        self.store = store
        self.lane = lane
        self._open: int | None = None
        self.last: int | None = None  # id of the last transaction closed

    def attach(self, bus: ev.EventBus) -> None:
        bus.subscribe(self._on_state, ev.StateChanged)
        bus.subscribe(self._on_end, ev.TransactionEnded)
        bus.subscribe(self._on_officer, ev.OfficerCommanded)
        bus.subscribe(self._on_refused, ev.CommandRefused)

    def _on_state(self, event: ev.StateChanged) -> None:
        if event.state == "document" and event.previous == "idle":
            self._open = self.store.transactions.start(self.lane)

    def _on_officer(self, event: ev.OfficerCommanded) -> None:
        detail = {"transaction": event.transaction_id} if event.transaction_id else None
        self.store.audit.append(event.officer or "officer", event.command, f"lane {self.lane}", detail)

    def _on_refused(self, event: ev.CommandRefused) -> None:
        """A stale or unaddressed approve/reject: the refusal is part of the record, like the command."""
        self.store.audit.append(event.officer or "officer", f"{event.command}_refused", f"lane {self.lane}", {
            "transaction": event.transaction_id, "current": event.current, "reason": event.reason,
            "detail": event.detail,
        })

    def _on_end(self, event: ev.TransactionEnded) -> None:
        tx: Transaction = event.transaction
        if self._open is None:
            self._open = self.store.transactions.start(self.lane)
        outcome = "ABORTED" if tx.aborted else tx.decision.outcome
        with self.store.atomic():
            self.store.transactions.finish(
                self._open, outcome, [r.as_dict() for r in tx.decision.reasons], scores=tx.scores,
                stage_ms=tx.stage_ms, document=document_summary(tx.document),
            )
            self.store.audit.append("gate", "decision", f"transaction {self._open}",
                                    {"decision": outcome, "codes": list(tx.decision.codes)})
        self.last, self._open = self._open, None
