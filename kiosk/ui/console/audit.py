"""Where the console writes every officer action: a small append-only SQLite log with a hash chain.

Each row stores the SHA-256 of the previous row's hash and its own fields, so ``verify``
finds an edited or deleted row. The gate's full audit store (kiosk/stores, issue 6) will
take this role; the console only needs ``AuditSink``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

from kiosk.ui.console.model import AuditEntry

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS console_audit_no_update BEFORE UPDATE ON console_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS console_audit_no_delete BEFORE DELETE ON console_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
GENESIS = "0" * 64


class AuditSink(Protocol):
    def append(self, actor: str, action: str, target: str, details: dict[str, object] | None = None) -> AuditEntry: ...

    def entries(self, query: str = "", limit: int = 500) -> list[AuditEntry]: ...


def _digest(prev: str, t: float, fields: tuple[str, str, str, str]) -> str:
    """SHA-256 over the previous hash, the time and (actor, action, target, details)."""
    payload = json.dumps([prev, repr(t), *fields], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SqliteAuditLog:
    """The console's audit table in one SQLite file (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def append(self, actor: str, action: str, target: str, details: dict[str, object] | None = None) -> AuditEntry:
        text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True)
        now = time.time()
        with self._lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT hash FROM console_audit ORDER BY seq DESC LIMIT 1").fetchone()
            prev = row[0] if row else GENESIS
            digest = _digest(prev, now, (actor, action, target, text))
            cur = db.execute(
                "INSERT INTO console_audit (time, actor, action, target, details, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now, actor, action, target, text, prev, digest),
            )
            seq = int(cur.lastrowid or 0)
        return AuditEntry(seq, now, actor, action, target, text)

    def entries(self, query: str = "", limit: int = 500) -> list[AuditEntry]:
        """Newest first; ``query`` filters on actor, action, target or details (substring)."""
        like = f"%{query.strip()}%"
        with self._connect() as db:
            rows = db.execute(
                "SELECT seq, time, actor, action, target, details FROM console_audit"
                " WHERE actor LIKE ? OR action LIKE ? OR target LIKE ? OR details LIKE ?"
                " ORDER BY seq DESC LIMIT ?",
                (like, like, like, like, limit),
            ).fetchall()
        return [AuditEntry(int(s), float(t), a, ac, tg, d) for s, t, a, ac, tg, d in rows]

    def verify(self) -> list[str]:
        """Every break in the chain (edited row, removed row), empty when intact."""
        problems: list[str] = []
        prev = GENESIS
        with self._connect() as db:
            rows = db.execute(
                "SELECT seq, time, actor, action, target, details, prev_hash, hash FROM console_audit ORDER BY seq"
            ).fetchall()
        for seq, t, actor, action, target, details, prev_hash, digest in rows:
            if prev_hash != prev:
                problems.append(f"entry {seq}: previous entry missing or changed")
            if _digest(prev_hash, t, (actor, action, target, details)) != digest:
                problems.append(f"entry {seq}: contents changed")
            prev = digest
        return problems
