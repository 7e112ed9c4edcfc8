"""The watch list: travellers banned from exit or entry, or wanted.

An entry names a person by document number, or by name and birth date, or both. ``match``
finds entries by the folded document number and by the folded, order-tolerant name key
together with the birth date (``names.py``), so "Nguyễn Văn Đức" on a list matches
"NGUYEN<<VAN<DUC" read from an MRZ.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kiosk.stores.database import Database, utc_now
from kiosk.stores.errors import WatchlistInvalid
from kiosk.stores.names import document_key, name_key

LISTS = ("banned_exit", "banned_entry", "wanted")
CSV_COLUMNS = ("list", "document_number", "surname", "given_names", "birth_date", "reason", "source")
CSV_REQUIRED = ("list", "reason")


@dataclass(frozen=True)
class WatchlistEntry:
    id: int
    list: str
    document_number: str | None
    surname: str | None
    given_names: str | None
    birth_date: str | None  # ISO YYYY-MM-DD
    reason: str
    source: str
    added_at: str


@dataclass(frozen=True)
class WatchlistHit:
    entry: WatchlistEntry
    matched_by: str  # "document_number" or "name_birth_date"


@dataclass(frozen=True)
class ImportReport:
    added: int
    errors: list[str]  # "line N: what is wrong"


def _iso_date(text: str, field: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise WatchlistInvalid(f"{field} {text!r} is not a date YYYY-MM-DD") from exc


def _entry(r: sqlite3.Row) -> WatchlistEntry:
    return WatchlistEntry(
        r["id"], r["list"], r["document_number"], r["surname"], r["given_names"],
        r["birth_date"], r["reason"], r["source"], r["added_at"],
    )


class Watchlist:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        list_kind: str,
        reason: str,
        source: str,
        *,
        document_number: str | None = None,
        surname: str | None = None,
        given_names: str | None = None,
        birth_date: str | None = None,
    ) -> int:
        """Add an entry; WatchlistInvalid unless it has a document number or a name with a birth date."""
        if list_kind not in LISTS:
            raise WatchlistInvalid(f"list {list_kind!r} is not one of {', '.join(LISTS)}")
        if not reason.strip():
            raise WatchlistInvalid("an entry needs a reason")
        number = (document_number or "").strip() or None
        number_key = document_key(number) if number else None
        if number and not number_key:
            raise WatchlistInvalid(f"document number {document_number!r} has no letters or digits")
        names = [p for p in (surname or "", given_names or "") if p.strip()]
        key = name_key(*names) if names else None
        born = _iso_date(birth_date, "birth_date") if birth_date and birth_date.strip() else None
        if not number_key and not (key and born):
            raise WatchlistInvalid("an entry needs a document number, or a name and a birth date")
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO watchlist (list, document_number, number_key, surname, given_names, name_key, birth_date,"
                " reason, source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (list_kind, number, number_key, (surname or "").strip() or None, (given_names or "").strip() or None,
                 key or None, born, reason.strip(), source.strip() or "unknown", utc_now()),
            )
            return int(cursor.lastrowid or 0)

    def remove(self, entry_id: int) -> bool:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM watchlist WHERE id = ?", (entry_id,)).rowcount > 0

    def entries(self) -> list[WatchlistEntry]:
        return [_entry(r) for r in self.db.query("SELECT * FROM watchlist ORDER BY id")]

    def match(
        self,
        document_number: str | None = None,
        surname: str = "",
        given_names: str = "",
        birth_date: str | None = None,
    ) -> list[WatchlistHit]:
        """Every entry that names this traveller, by document number or by name and birth date."""
        hits: dict[int, WatchlistHit] = {}
        number_key = document_key(document_number) if document_number else ""
        if number_key:
            for row in self.db.query("SELECT * FROM watchlist WHERE number_key = ? ORDER BY id", (number_key,)):
                hits[row["id"]] = WatchlistHit(_entry(row), "document_number")
        key = name_key(surname, given_names)
        if key and birth_date:
            try:
                born = _iso_date(birth_date, "birth_date")
            except WatchlistInvalid:
                born = ""
            rows = self.db.query(
                "SELECT * FROM watchlist WHERE name_key = ? AND birth_date = ? ORDER BY id", (key, born)
            )
            for row in rows:
                hits.setdefault(row["id"], WatchlistHit(_entry(row), "name_birth_date"))
        return [hits[k] for k in sorted(hits)]

    def import_csv(self, text: str, source_name: str = "csv") -> ImportReport:
        """Add every good row of a CSV (header ``CSV_COLUMNS``); bad rows are reported by line, not fatal.

        All good rows are added in one transaction: an import is all-or-nothing against crashes.
        """
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in CSV_REQUIRED if c not in header]
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if missing or unknown:
            problems = []
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown column(s) {', '.join(unknown)}")
            return ImportReport(0, [f"line 1: {'; '.join(problems)} (columns: {', '.join(CSV_COLUMNS)})"])
        reader.fieldnames = header
        added, errors = 0, []
        with self.db.write():
            for row in reader:
                line = reader.line_num
                if None in row:
                    errors.append(f"line {line}: more fields than columns")
                    continue
                values = {k: (v or "").strip() for k, v in row.items()}
                try:
                    self.add(
                        values.get("list", ""), values.get("reason", ""), values.get("source") or source_name,
                        document_number=values.get("document_number") or None,
                        surname=values.get("surname") or None,
                        given_names=values.get("given_names") or None,
                        birth_date=values.get("birth_date") or None,
                    )
                    added += 1
                except WatchlistInvalid as exc:
                    errors.append(f"line {line}: {exc}")
        return ImportReport(added, errors)

    def import_file(self, path: Path) -> ImportReport:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return ImportReport(0, [f"{path}: cannot read ({exc})"])
        return self.import_csv(text, source_name=path.name)

