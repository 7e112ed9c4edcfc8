"""The stores' schema as ordered migrations: append a function, never edit one that shipped.

Each migration receives a connection already inside a transaction and runs plain statements
(never ``executescript``, which would commit half-way).
"""

from __future__ import annotations

import sqlite3

from kiosk.stores.database import Migration


def _run(conn: sqlite3.Connection, *statements: str) -> None:
    for statement in statements:
        conn.execute(statement)


def m001_initial(conn: sqlite3.Connection) -> None:
    """Meta, enrolment, watch list, transactions, samples and the audit log."""
    _run(
        conn,
        # Small facts about this database: the key check value, the audit hash algorithm.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # Enrolment. Persons have random text ids so a template's associated data is known
        # before its row exists.
        """CREATE TABLE persons (
            id TEXT PRIMARY KEY,
            surname TEXT NOT NULL,
            given_names TEXT NOT NULL,
            birth_date TEXT NOT NULL,
            nationality TEXT NOT NULL,
            name_key TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            number TEXT NOT NULL,
            number_key TEXT NOT NULL,
            issuing_state TEXT NOT NULL,
            expiry TEXT,
            UNIQUE (number_key, issuing_state))""",
        "CREATE INDEX documents_number ON documents(number_key)",
        """CREATE TABLE templates (
            person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            format TEXT NOT NULL,
            blob BLOB NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (person_id, kind))""",
        # Watch list.
        """CREATE TABLE watchlist (
            id INTEGER PRIMARY KEY,
            list TEXT NOT NULL CHECK (list IN ('banned_exit', 'banned_entry', 'wanted')),
            document_number TEXT,
            number_key TEXT,
            surname TEXT,
            given_names TEXT,
            name_key TEXT,
            birth_date TEXT,
            reason TEXT NOT NULL,
            source TEXT NOT NULL,
            added_at TEXT NOT NULL,
            CHECK (number_key IS NOT NULL OR (name_key IS NOT NULL AND birth_date IS NOT NULL)))""",
        "CREATE INDEX watchlist_number ON watchlist(number_key)",
        "CREATE INDEX watchlist_name ON watchlist(name_key, birth_date)",
        # Transactions: one row per traveller, inserted open, finalised once.
        """CREATE TABLE transactions (
            id INTEGER PRIMARY KEY,
            lane TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            decision TEXT CHECK (decision IN ('ACCEPT', 'REFER', 'REJECT', 'ABORTED')),
            reasons TEXT NOT NULL DEFAULT '[]',
            scores TEXT NOT NULL DEFAULT '{}',
            stage_ms TEXT NOT NULL DEFAULT '{}',
            document TEXT NOT NULL DEFAULT '{}',
            CHECK ((status = 'open') = (decision IS NULL)))""",
        "CREATE INDEX transactions_open ON transactions(status) WHERE status = 'open'",
        # Biometric samples captured during transactions (encrypted), purged by retention.
        """CREATE TABLE samples (
            id TEXT PRIMARY KEY,
            transaction_id INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            format TEXT NOT NULL,
            blob BLOB NOT NULL,
            created_at TEXT NOT NULL)""",
        "CREATE INDEX samples_created ON samples(created_at)",
        # The audit log: append-only, hash-chained.
        """CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE forbidden'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE forbidden'); END""",
        # The chain's head, written with each append: a truncated tail shows as missing entries.
        """CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            mac TEXT NOT NULL)""",
    )


MIGRATIONS: tuple[Migration, ...] = (m001_initial,)
