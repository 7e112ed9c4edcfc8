"""Where the console writes every officer action: the gate's hash-chained audit log (kiosk/stores).

``AuditSink`` is what the controller needs; ``StoreAuditSink`` puts it on ``GateStore.audit``,
so console actions sit in the same tamper-evident chain as the gate's decisions and
``kiosk audit verify`` covers them.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from kiosk.stores.gate import GateStore
from kiosk.ui.console.model import AuditEntry


class AuditSink(Protocol):
    def append(self, actor: str, action: str, target: str, details: dict[str, Any] | None = None) -> AuditEntry: ...

    def entries(self, query: str = "", limit: int = 500) -> list[AuditEntry]: ...

    def verify(self) -> tuple[bool, str]: ...


def _entry(e: Any) -> AuditEntry:
    detail = json.dumps(dict(e.detail), ensure_ascii=False, sort_keys=True) if e.detail else ""
    when = str(e.time)[:19].replace("T", " ") + " UTC"
    return AuditEntry(int(e.seq), when, e.actor, e.action, e.subject, detail)


class StoreAuditSink:
    """The console's view of the gate store's audit log."""

    def __init__(self, store: GateStore) -> None:
        self.store = store

    def append(self, actor: str, action: str, target: str, details: dict[str, Any] | None = None) -> AuditEntry:
        return _entry(self.store.audit.append(actor, action, target, details or {}))

    def entries(self, query: str = "", limit: int = 500) -> list[AuditEntry]:
        """Newest first; ``query`` keeps entries whose officer, action, target or details contain it."""
        q = query.strip().casefold()
        found: list[AuditEntry] = []
        after = 0
        while True:
            batch = self.store.audit.entries(after_seq=after, limit=1000)
            if not batch:
                break
            after = batch[-1].seq
            for raw in batch:
                entry = _entry(raw)
                text = f"{entry.actor} {entry.action} {entry.target} {entry.details}".casefold()
                if not q or q in text:
                    found.append(entry)
        return found[::-1][:limit]

    def verify(self) -> tuple[bool, str]:
        """Whether the whole chain verifies, and the store's words for it."""
        report = self.store.audit.verify()
        return report.intact, report.message()
