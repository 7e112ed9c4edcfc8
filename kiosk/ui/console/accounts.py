"""Officer accounts in SQLite: argon2id password hashes, roles, and a persisted lockout.

After ``max_failures`` wrong passwords in a row an account is locked until a supervisor
unlocks it; the count survives restarts, so killing the console does not reset it. An
unknown officer id costs the same hash verification as a known one and gets the same
answer, so the sign-in screen does not tell which ids exist.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

SCHEMA = """
CREATE TABLE IF NOT EXISTS officers (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor')),
    password_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    last_login REAL
);
"""
MIN_PASSWORD_LENGTH = 10


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"


class AuthError(Exception):
    """Sign-in refused; ``reason`` is ``failed`` or ``locked`` (console catalogue keys)."""

    def __init__(self, reason: str, username: str) -> None:
        super().__init__(f"sign-in refused for {username!r}: {reason}")
        self.reason = reason
        self.username = username


class AccountError(ValueError):
    """An account cannot be created or changed as asked (duplicate id, weak password, unknown id)."""


@dataclass(frozen=True)
class Officer:
    username: str
    display_name: str
    role: Role


class AccountStore:
    """The officer table of one SQLite file; each call is its own short transaction."""

    def __init__(self, path: Path, max_failures: int = 5, hasher: PasswordHasher | None = None) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        self.path = path
        self.max_failures = max_failures
        # argon2-cffi's defaults are RFC 9106's second recommended argon2id profile (64 MiB, t=3).
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None  # hashed on first use: verified against for unknown ids
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def add(self, username: str, display_name: str, role: Role, password: str) -> Officer:
        username = username.strip()
        if not username:
            raise AccountError("officer id must not be empty")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO officers (username, display_name, role, password_hash, created)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (username, display_name, Role(role).value, self.hasher.hash(password), time.time()),
                )
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"officer {username!r} already exists") from exc
        return Officer(username, display_name, Role(role))

    def authenticate(self, username: str, password: str) -> Officer:
        """The officer when the password is right and the account unlocked; else AuthError."""
        with self._connect() as db:
            row = db.execute(
                "SELECT display_name, role, password_hash, failures, locked FROM officers WHERE username = ?",
                (username,),
            ).fetchone()
        if row is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash("not the password of anyone")
            self._verify(self._dummy, password)
            raise AuthError("failed", username)
        display_name, role, stored, failures, locked = row
        if locked:
            raise AuthError("locked", username)
        if not self._verify(stored, password):
            failures += 1
            lock = failures >= self.max_failures
            with self._connect() as db:
                db.execute(
                    "UPDATE officers SET failures = ?, locked = ? WHERE username = ?", (failures, int(lock), username)
                )
            raise AuthError("locked" if lock else "failed", username)
        with self._connect() as db:
            new_hash = self.hasher.hash(password) if self.hasher.check_needs_rehash(stored) else stored
            db.execute(
                "UPDATE officers SET failures = 0, last_login = ?, password_hash = ? WHERE username = ?",
                (time.time(), new_hash, username),
            )
        return Officer(username, display_name, Role(role))

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(stored, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def unlock(self, username: str) -> None:
        """Clear the lockout and the failure count (a supervisor's action)."""
        with self._connect() as db:
            cur = db.execute("UPDATE officers SET failures = 0, locked = 0 WHERE username = ?", (username,))
        if cur.rowcount == 0:
            raise AccountError(f"no officer {username!r}")

    def status(self, username: str) -> tuple[int, bool]:
        """(consecutive failures, locked) of an account."""
        with self._connect() as db:
            row = db.execute("SELECT failures, locked FROM officers WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise AccountError(f"no officer {username!r}")
        return int(row[0]), bool(row[1])

    def officers(self) -> list[Officer]:
        with self._connect() as db:
            rows = db.execute("SELECT username, display_name, role FROM officers ORDER BY username").fetchall()
        return [Officer(u, d, Role(r)) for u, d, r in rows]
