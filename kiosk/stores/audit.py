"""The append-only audit log: every row chained to the one before by a hash.

Each entry is (seq, time, actor, action, subject, detail JSON, prev_hash, hash) with
``hash = H(canonical JSON of the other seven fields)``, ``prev_hash`` the previous entry's
hash (64 zeros for the first). ``H`` is SHA-256, or HMAC-SHA256 with a key derived from the
store key when the store was created with ``audit_hmac`` on: then nobody without the key can
recompute a consistent chain after an edit.

Two defences: SQL triggers refuse UPDATE and DELETE on the table (stops accidents and casual
edits), and ``verify()`` recomputes the chain from the rows alone, so it finds an edited,
deleted, reordered or inserted entry even if the triggers were dropped. A separate head row
(last seq and hash, MAC'd when keyed), written with each append, shows a truncated tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.stores import jsoncanon
from kiosk.stores.crypto import StoreCipher
from kiosk.stores.database import Database, utc_now
from kiosk.stores.errors import StoreKeyMissing

GENESIS = "0" * 64
SHA256 = "sha256"
HMAC_SHA256 = "hmac-sha256"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: str
    actor: str
    action: str
    subject: str
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditReport:
    """The verdict of ``AuditLog.verify``: intact, or the first entry that is not."""

    intact: bool
    entries: int
    algorithm: str
    first_bad_seq: int | None = None
    problem: str | None = None
    triggers_present: bool = True

    def message(self) -> str:
        if self.intact:
            note = "" if self.triggers_present else " (warning: the append-only triggers are missing)"
            return f"chain intact: {self.entries} entries ({self.algorithm}){note}"
        return f"chain broken at entry {self.first_bad_seq}: {self.problem}"


_FIELDS = ("time", "actor", "action", "subject", "detail", "prev_hash")


def _payload(seq: int, fields: tuple[str, ...]) -> bytes:
    """Canonical JSON of an entry without its hash: the bytes the hash is computed over."""
    row: dict[str, Any] = dict(zip(_FIELDS, fields, strict=True))
    row["seq"] = seq
    return jsoncanon.dumps(row, "audit entry").encode("utf-8")


class AuditLog:
    def __init__(self, db: Database, algorithm: str, cipher: StoreCipher | None) -> None:
        self.db = db
        self.algorithm = algorithm
        self._cipher = cipher
        self.algorithm_problem: str | None = None  # set by GateStore.open when config and file disagree

    def _digest(self, data: bytes) -> str:
        if self.algorithm == SHA256:
            return hashlib.sha256(data).hexdigest()
        if self._cipher is None:
            raise StoreKeyMissing("this audit log is HMAC-keyed: the store key is needed to append or verify it "
                "(set $KIOSK_STORE_KEY or [stores] key_file)")
        return self._cipher.mac(data)

    def _head_mac(self, seq: int, digest: str) -> str:
        return self._digest(f"head|{seq}|{digest}".encode()) if self.algorithm == HMAC_SHA256 else ""

    def append(self, actor: str, action: str, subject: str = "", detail: Mapping[str, Any] | None = None) -> AuditEntry:
        """Add one entry at the end of the chain (atomic with an enclosing ``db.write()``)."""
        detail_text = jsoncanon.dumps(dict(detail or {}), "audit detail")
        with self.db.write() as conn:
            last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (int(last["seq"]) + 1, str(last["hash"])) if last else (1, GENESIS)
            time = utc_now()
            digest = self._digest(_payload(seq, (time, actor, action, subject, detail_text, prev)))
            conn.execute(
                "INSERT INTO audit_log (seq, time, actor, action, subject, detail, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, time, actor, action, subject, detail_text, prev, digest),
            )
            conn.execute(
                "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
                (seq, digest, self._head_mac(seq, digest)),
            )
        return AuditEntry(seq, time, actor, action, subject, json.loads(detail_text), prev, digest)

    def entries(self, after_seq: int = 0, limit: int = 1000) -> list[AuditEntry]:
        rows = self.db.query("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit))
        return [
            AuditEntry(r["seq"], r["time"], r["actor"], r["action"], r["subject"], json.loads(r["detail"]),
                       r["prev_hash"], r["hash"])
            for r in rows
        ]

    def _triggers_present(self) -> bool:
        rows = self.db.query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )
        return {"audit_log_no_update", "audit_log_no_delete"} <= {r["name"] for r in rows}

    def verify(self) -> AuditReport:
        """Recompute the whole chain; report the first entry that is missing, altered or moved."""
        triggers = self._triggers_present()

        def broken(seq: int, problem: str, n: int) -> AuditReport:
            return AuditReport(False, n, self.algorithm, seq, problem, triggers)

        if self.algorithm_problem:
            return broken(1, self.algorithm_problem, 0)
        expected, prev, n = 1, GENESIS, 0
        with self.db.snapshot() as conn:
            cursor = conn.execute(
                "SELECT seq, time, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq"
            )
            for row in cursor:
                seq = row["seq"]
                if not isinstance(seq, int) or seq != expected:
                    if isinstance(seq, int) and seq > expected:
                        return broken(expected, f"entry {expected} is missing (the next entry is {seq})", n)
                    return broken(expected, f"entry {expected} has a malformed sequence number {seq!r}", n)
                fields = tuple(row[f] for f in _FIELDS)
                if not all(isinstance(f, str) for f in fields):
                    return broken(seq, "a field has the wrong type (edited outside the gate)", n)
                if row["prev_hash"] != prev:
                    problem = "its prev_hash does not match the entry before it (deleted, inserted or moved)"
                    return broken(seq, problem, n)
                digest = self._digest(_payload(seq, fields))
                if digest != row["hash"]:
                    return broken(seq, "its content does not match its hash (edited)", n)
                prev, expected, n = digest, expected + 1, n + 1
            head = conn.execute("SELECT seq, hash, mac FROM audit_head WHERE id = 1").fetchone()
        last = expected - 1
        if head is None:
            if n:
                return broken(1, "the chain head record is missing", n)
            return AuditReport(True, 0, self.algorithm, triggers_present=triggers)
        head_seq, head_hash = int(head["seq"]), str(head["hash"])
        if head["mac"] != self._head_mac(head_seq, head_hash):
            return broken(head_seq, "the chain head record was edited", n)
        if head_seq > last:
            return broken(last + 1, f"entries {last + 1}..{head_seq} are missing (deleted from the end)", n)
        if head_seq < last:
            return broken(head_seq + 1, f"entries after {head_seq} were added outside the gate", n)
        if head_hash != prev:
            return broken(last, "the last entry does not match the chain head (edited)", n)
        return AuditReport(True, n, self.algorithm, triggers_present=triggers)
