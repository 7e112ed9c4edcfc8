"""``GateStore``: the one object the engine, console and commands use to reach the stores."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.stores.audit import HMAC_SHA256, SHA256, AuditLog
from kiosk.stores.crypto import StoreCipher
from kiosk.stores.database import Database
from kiosk.stores.enrolment import Enrolment
from kiosk.stores.errors import StoreKeyInvalid, StoreKeyMissing
from kiosk.stores.retention import PurgeResult, purge_samples
from kiosk.stores.samples import Samples
from kiosk.stores.schema import MIGRATIONS
from kiosk.stores.transactions import Transactions
from kiosk.stores.watchlist import Watchlist


def _meta(db: Database, key: str) -> str | None:
    rows = db.query("SELECT value FROM meta WHERE key = ?", (key,))
    return str(rows[0]["value"]) if rows else None


def _set_meta_once(db: Database, key: str, value: str) -> str:
    """Store ``value`` unless the key is already set; returns what is stored."""
    with db.write() as conn:
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return str(conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])


class GateStore:
    """Enrolment, watch list, transactions, samples and the audit log in one SQLite file."""

    def __init__(self, db: Database, cipher: StoreCipher | None, audit_algorithm: str) -> None:
        self.db = db
        self.cipher = cipher
        self.enrolment = Enrolment(db, cipher)
        self.watchlist = Watchlist(db)
        self.transactions = Transactions(db)
        self.samples = Samples(db, cipher)
        self.audit = AuditLog(db, audit_algorithm, cipher)

    @classmethod
    def open(cls, path: Path, key: bytes | None, audit_hmac: bool = True, create: bool = True) -> GateStore:
        """Open or create the store at ``path`` with the store key.

        ``key`` may be None only for work that needs no secret (transactions, watch list, an
        unkeyed audit log); templates and samples then raise StoreKeyMissing. A key other than
        the one the database was created with raises StoreKeyInvalid at once. ``audit_hmac``
        applies when the database is created; afterwards the database's own choice holds.
        Without ``create`` a missing file is an error instead of a new empty store.
        """
        db = Database.open(Path(path), MIGRATIONS, create=create)
        try:
            cipher = StoreCipher(key) if key is not None else None
            if cipher is not None:
                stored = _set_meta_once(db, "key_check", cipher.key_check)
                if stored != cipher.key_check:
                    raise StoreKeyInvalid(
                        f"{path}: this is not the key the database was created with "
                        f"(key check {cipher.key_check[:8]}..., database expects {stored[:8]}...)"
                    )
            algorithm = _meta(db, "audit_hash")
            if algorithm is None:
                if audit_hmac and cipher is None:
                    raise StoreKeyMissing(f"{path}: a new store with an HMAC-keyed audit log needs the store key")
                algorithm = _set_meta_once(db, "audit_hash", HMAC_SHA256 if audit_hmac else SHA256)
        except BaseException:
            db.close()
            raise
        # The configuration, outside the file, anchors the algorithm: someone who rewrites the
        # chain with plain SHA-256 and flips the meta row is caught by verify().
        problem: str | None = None
        if algorithm not in (SHA256, HMAC_SHA256):
            problem = f"unknown audit hash algorithm {algorithm!r} in the database (edited outside the gate)"
            algorithm = HMAC_SHA256
        elif audit_hmac and algorithm == SHA256:
            problem = ("the audit log is chained with plain SHA-256 but [stores] audit_hmac is on "
                       "(created without HMAC, or downgraded to forge the chain)")
        store = cls(db, cipher, algorithm)
        store.audit.algorithm_problem = problem
        return store

    @contextmanager
    def atomic(self) -> Iterator[GateStore]:
        """Group writes of several stores into one transaction (e.g. finish + audit)."""
        with self.db.write():
            yield self

    def purge_samples(self, retention_days: float, now: datetime | None = None) -> PurgeResult:
        return purge_samples(self.db, self.audit, retention_days, now)

    def integrity_check(self) -> str:
        return self.db.integrity_check()

    def info(self) -> Mapping[str, Any]:
        return {
            "path": str(self.db.path),
            "schema_version": self.db.version(),
            "audit_hash": self.audit.algorithm,
            "persons": self.enrolment.count(),
            "samples": self.samples.count(),
        }

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> GateStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
