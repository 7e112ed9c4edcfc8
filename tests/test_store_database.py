"""The database file: WAL, full sync, foreign keys, migrations from empty, re-open, newer schema refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.stores.crypto import generate_key
from kiosk.stores.database import Database
from kiosk.stores.errors import SchemaTooNew, StoreConstraintFailed, StoreDatabaseError, StoreError
from kiosk.stores.gate import GateStore
from kiosk.stores.schema import MIGRATIONS


def test_a_new_database_is_migrated_from_empty_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "sub" / "gate.db", MIGRATIONS)
    assert db.version() == len(MIGRATIONS)
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert db.query("PRAGMA synchronous")[0][0] == 2  # FULL
    assert db.query("PRAGMA foreign_keys")[0][0] == 1
    tables = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"schema_version", "persons", "documents", "templates", "watchlist", "transactions", "samples",
            "audit_log", "audit_head", "meta"} <= tables
    db.close()


def test_reopening_keeps_the_data_and_runs_no_migration_twice(tmp_path: Path) -> None:
    key = generate_key()
    with GateStore.open(tmp_path / "gate.db", key) as store:
        tx = store.transactions.start("lane-1")
    with GateStore.open(tmp_path / "gate.db", key) as store:
        assert store.transactions.get(tx).status == "open"
        rows = store.db.query("SELECT version, name FROM schema_version ORDER BY version")
        assert [(r[0], r[1]) for r in rows] == [(1, "m001_initial")]


def test_a_later_migration_runs_on_an_existing_database(tmp_path: Path) -> None:
    Database.open(tmp_path / "gate.db", MIGRATIONS).close()

    def m002_lane_names(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE lanes (id TEXT PRIMARY KEY)")

    db = Database.open(tmp_path / "gate.db", (*MIGRATIONS, m002_lane_names))
    assert db.version() == 2
    assert db.query("SELECT name FROM schema_version WHERE version = 2")[0][0] == "m002_lane_names"
    db.close()


def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    Database.open(tmp_path / "gate.db", MIGRATIONS).close()

    def m002_broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (id INTEGER)")
        conn.execute("THIS IS NOT SQL")

    with pytest.raises(StoreDatabaseError, match="syntax error"):
        Database.open(tmp_path / "gate.db", (*MIGRATIONS, m002_broken))
    db = Database.open(tmp_path / "gate.db", MIGRATIONS)
    assert db.version() == 1
    assert not db.query("SELECT name FROM sqlite_master WHERE name = 'half_done'")
    db.close()


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    def m002_future(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE future (id INTEGER)")

    Database.open(tmp_path / "gate.db", (*MIGRATIONS, m002_future)).close()
    with pytest.raises(SchemaTooNew, match="schema version 2 is newer than this code's 1"):
        Database.open(tmp_path / "gate.db", MIGRATIONS)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "gate.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Database.open(path, MIGRATIONS)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store, pytest.raises(
        StoreConstraintFailed, match="FOREIGN KEY"
    ):
        store.samples.add(12345, "face_frame", b"jpeg bytes", "jpeg")


def test_nested_writes_are_one_transaction(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        with pytest.raises(RuntimeError), store.atomic():
            tx = store.transactions.start("lane-1")
            store.audit.append("engine", "transaction.start", str(tx))
            raise RuntimeError("crash between the two writes")
        assert store.transactions.recent() == []
        assert store.audit.entries() == []
