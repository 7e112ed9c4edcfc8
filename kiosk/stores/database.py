"""One SQLite file for the gate's stores: WAL, full sync, foreign keys, ordered migrations.

Durability first: ``journal_mode=WAL`` with ``synchronous=FULL`` means a transaction that
returned from COMMIT survives a SIGKILL or a power cut; ``secure_delete`` overwrites deleted
biometric samples instead of leaving them in free pages. Every write goes through
``Database.write()``, a re-entrant ``BEGIN IMMEDIATE ... COMMIT`` (so several stores can share
one atomic unit, e.g. finalising a transaction and auditing it).

The schema is a list of migration functions; ``schema_version`` records which ran. Each runs
in its own transaction, so a crash mid-migration leaves the previous version intact. A database
whose version is newer than the code knows is refused (``SchemaTooNew``): old code must not
write into a schema it does not understand.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.stores.errors import SchemaTooNew, StoreConstraintFailed, StoreDatabaseError, StoreError

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]


def _domain_error(exc: sqlite3.Error, path: Path) -> StoreError:
    if isinstance(exc, sqlite3.IntegrityError):
        return StoreConstraintFailed(f"{path}: {exc}")
    return StoreDatabaseError(f"{path}: {type(exc).__name__}: {exc}")


def utc_now() -> str:
    """ISO 8601 UTC time with microseconds: sorts as text, readable in any SQL client."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Database:
    """A connection to the gate's database, shared by the stores; thread-safe through one lock."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0

    @classmethod
    def open(
        cls, path: Path, migrations: Sequence[Migration], busy_timeout_ms: int = 5000, create: bool = True
    ) -> Database:
        """Open (creating it if needed and ``create``) and migrate the database at ``path``."""
        path = Path(path)
        if not create and not path.is_file():
            raise StoreDatabaseError(f"{path}: no database there (check --db or [stores] database)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreDatabaseError(f"{path}: cannot create its folder ({exc})") from exc
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise StoreDatabaseError(f"{path}: cannot open ({exc})") from exc
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreDatabaseError(f"{path}: cannot switch to WAL journal mode (got {mode!r})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreDatabaseError(f"{path}: not a usable SQLite database ({exc})") from exc
        except StoreError:
            conn.close()
            raise
        db = cls(conn, path)
        try:
            db.migrate(migrations)
        except BaseException:
            conn.close()
            raise
        return db

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outermost one (all or nothing).

        SQLite errors leave as ``StoreConstraintFailed`` / ``StoreDatabaseError`` (StoreError).
        """
        with self._lock:
            outermost = self._depth == 0
            try:
                if outermost:
                    self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _domain_error(exc, self.path) from exc
            self._depth += 1
            try:
                yield self.conn
            except BaseException as exc:
                self._depth -= 1
                if outermost and self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _domain_error(exc, self.path) from exc
                raise
            self._depth -= 1
            if outermost:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise _domain_error(exc, self.path) from exc

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection for reading, held against concurrent use by other threads."""
        with self._lock:
            try:
                yield self.conn
            except sqlite3.Error as exc:
                raise _domain_error(exc, self.path) from exc

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A separate read-only connection on one consistent snapshot (WAL readers never block writers).

        For long reads such as verifying the whole audit chain while lanes keep writing.
        """
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False,
                                   isolation_level=None)
        except sqlite3.Error as exc:
            raise _domain_error(exc, self.path) from exc
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("BEGIN")
            yield conn
        except sqlite3.Error as exc:
            raise _domain_error(exc, self.path) from exc
        finally:
            conn.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.read() as conn:
            return list(conn.execute(sql, params).fetchall())

    # -- schema ---------------------------------------------------------------------------

    def version(self) -> int:
        with self.read() as conn:
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if not exists:
                return 0
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            return int(row[0] or 0)

    def migrate(self, migrations: Sequence[Migration]) -> int:
        """Run the migrations this database has not seen, each in its own transaction."""
        known = len(migrations)
        try:
            with self.write() as conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            current = self.version()
        except StoreDatabaseError as exc:
            raise StoreDatabaseError(f"{self.path}: not a usable SQLite database ({exc.__cause__})") from exc
        if current > known:
            raise SchemaTooNew(
                f"{self.path}: schema version {current} is newer than this code's {known}; "
                "upgrade the gate software (never write to it with older code)"
            )
        for version in range(current + 1, known + 1):
            migration = migrations[version - 1]
            with self.write() as conn:
                # Re-check inside the lock: another process may have migrated meanwhile.
                row = conn.execute("SELECT 1 FROM schema_version WHERE version = ?", (version,)).fetchone()
                if row:
                    continue
                migration(conn)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, migration.__name__, utc_now()),
                )
            log.info("%s: migrated to schema version %d (%s)", self.path, version, migration.__name__)
        return known

    def integrity_check(self) -> str:
        """SQLite's own structural check: "ok" or the first problems it found."""
        rows = self.query("PRAGMA integrity_check")
        return "; ".join(str(r[0]) for r in rows)
