"""One row per traveller: inserted when the transaction starts, finalised with its decision.

Inserting at the start means a process killed mid-transaction leaves an ``open`` row instead
of nothing; ``recover_open()`` (run at start-up) closes such rows as ABORTED with the reason
"process ended mid-transaction". Rows hold decisions, reasons, scores, stage times and a
document summary as JSON; raw biometrics are refused (they go, encrypted, to ``samples``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.stores import jsoncanon
from kiosk.stores.database import Database, utc_now
from kiosk.stores.errors import TransactionStateError

DECISIONS = ("ACCEPT", "REFER", "REJECT", "ABORTED")
CRASH_REASON = "process ended mid-transaction"


@dataclass(frozen=True)
class TransactionRecord:
    id: int
    lane: str
    started_at: str
    ended_at: str | None
    status: str  # "open" or "closed"
    decision: str | None
    reasons: list[Any]
    scores: dict[str, Any]
    stage_ms: dict[str, Any]
    document: dict[str, Any]


def _decision(value: Any) -> str:
    text = str(getattr(value, "value", value)).upper()
    if text not in DECISIONS:
        raise TransactionStateError(f"unknown decision {value!r}; expected one of {', '.join(DECISIONS)}")
    return text


def _record(row: Any) -> TransactionRecord:
    return TransactionRecord(
        row["id"], row["lane"], row["started_at"], row["ended_at"], row["status"], row["decision"],
        json.loads(row["reasons"]), json.loads(row["scores"]), json.loads(row["stage_ms"]), json.loads(row["document"]),
    )


class Transactions:
    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, lane: str, document: Mapping[str, Any] | None = None) -> int:
        """Insert the open row now (committed on return); its id identifies the traveller's transaction."""
        doc = jsoncanon.dumps(dict(document or {}), "document")
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO transactions (lane, started_at, status, document) VALUES (?, ?, 'open', ?)",
                (lane, utc_now(), doc),
            )
            return int(cursor.lastrowid or 0)

    def _open_row(self, conn: Any, tx_id: int) -> Any:
        row = conn.execute("SELECT * FROM transactions WHERE id = ?", (tx_id,)).fetchone()
        if row is None:
            raise TransactionStateError(f"transaction {tx_id} does not exist")
        if row["status"] != "open":
            raise TransactionStateError(f"transaction {tx_id} is already closed ({row['decision']})")
        return row

    def update(
        self,
        tx_id: int,
        *,
        document: Mapping[str, Any] | None = None,
        scores: Mapping[str, Any] | None = None,
        stage_ms: Mapping[str, Any] | None = None,
    ) -> None:
        """Record evidence gathered so far on an open transaction (merged into what is there)."""
        with self.db.write() as conn:
            row = self._open_row(conn, tx_id)
            merged = {
                "document": {**json.loads(row["document"]), **dict(document or {})},
                "scores": {**json.loads(row["scores"]), **dict(scores or {})},
                "stage_ms": {**json.loads(row["stage_ms"]), **dict(stage_ms or {})},
            }
            conn.execute(
                "UPDATE transactions SET document = ?, scores = ?, stage_ms = ? WHERE id = ?",
                (*(jsoncanon.dumps(merged[k], k) for k in ("document", "scores", "stage_ms")), tx_id),
            )

    def finish(
        self,
        tx_id: int,
        decision: Any,
        reasons: Sequence[Any] = (),
        *,
        scores: Mapping[str, Any] | None = None,
        stage_ms: Mapping[str, Any] | None = None,
        document: Mapping[str, Any] | None = None,
    ) -> TransactionRecord:
        """Close the transaction with its decision; a second finish is an error, never an overwrite."""
        text = _decision(decision)
        with self.db.write() as conn:
            row = self._open_row(conn, tx_id)
            doc = {**json.loads(row["document"]), **dict(document or {})}
            all_scores = {**json.loads(row["scores"]), **dict(scores or {})}
            times = {**json.loads(row["stage_ms"]), **dict(stage_ms or {})}
            conn.execute(
                "UPDATE transactions SET status = 'closed', ended_at = ?, decision = ?, reasons = ?, scores = ?,"
                " stage_ms = ?, document = ? WHERE id = ?",
                (utc_now(), text, jsoncanon.dumps(list(reasons), "reasons"), jsoncanon.dumps(all_scores, "scores"),
                 jsoncanon.dumps(times, "stage_ms"), jsoncanon.dumps(doc, "document"), tx_id),
            )
            return _record(conn.execute("SELECT * FROM transactions WHERE id = ?", (tx_id,)).fetchone())

    def get(self, tx_id: int) -> TransactionRecord:
        rows = self.db.query("SELECT * FROM transactions WHERE id = ?", (tx_id,))
        if not rows:
            raise TransactionStateError(f"transaction {tx_id} does not exist")
        return _record(rows[0])

    def recent(self, limit: int = 100, lane: str | None = None) -> list[TransactionRecord]:
        if lane is None:
            rows = self.db.query("SELECT * FROM transactions ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self.db.query("SELECT * FROM transactions WHERE lane = ? ORDER BY id DESC LIMIT ?", (lane, limit))
        return [_record(r) for r in rows]

    def open_ids(self) -> list[int]:
        return [int(r["id"]) for r in self.db.query("SELECT id FROM transactions WHERE status = 'open' ORDER BY id")]

    def recover_open(self, reason: str = CRASH_REASON) -> list[int]:
        """Close every open row as ABORTED with ``reason`` (call at start-up, before any lane runs)."""
        with self.db.write() as conn:
            rows = conn.execute("SELECT id, reasons FROM transactions WHERE status = 'open' ORDER BY id").fetchall()
            now = utc_now()
            for row in rows:
                reasons = [*json.loads(row["reasons"]), reason]
                conn.execute(
                    "UPDATE transactions SET status = 'closed', decision = 'ABORTED', ended_at = ?, reasons = ?"
                    " WHERE id = ?",
                    (now, jsoncanon.dumps(reasons, "reasons"), row["id"]),
                )
        return [int(r["id"]) for r in rows]
