"""The audit log's hash chain: any edit, deletion, reordering or insertion is found and named."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.stores.crypto import generate_key
from kiosk.stores.gate import GateStore

KEY = generate_key()


def _store(tmp_path: Path, n: int = 8, hmac: bool = True) -> GateStore:
    store = GateStore.open(tmp_path / "gate.db", KEY, audit_hmac=hmac)
    for i in range(1, n + 1):
        store.audit.append("officer:lan", "door.open", f"lane-{i % 3}", {"i": i, "note": "Đức"})
    return store


def _drop_triggers(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")


def test_an_untouched_chain_verifies(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        report = store.audit.verify()
    assert report.intact and report.entries == 8 and report.first_bad_seq is None
    assert report.message() == "chain intact: 8 entries (hmac-sha256)"


def test_an_empty_log_verifies(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", KEY) as store:
        assert store.audit.verify().message() == "chain intact: 0 entries (hmac-sha256)"


def test_the_chain_links_each_entry_to_the_previous_one(tmp_path: Path) -> None:
    with _store(tmp_path, n=3) as store:
        first, second, third = store.audit.entries()
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)


def test_update_and_delete_are_refused_by_the_database(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.conn.execute("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.conn.execute("DELETE FROM audit_log WHERE seq = 3")
        assert store.audit.verify().intact


def test_an_edited_entry_is_named_even_with_the_triggers_dropped(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        _drop_triggers(store.db.conn)
        store.db.conn.execute("UPDATE audit_log SET detail = '{\"i\":5,\"note\":\"Duc\"}' WHERE seq = 5")
        report = store.audit.verify()
    assert not report.intact and report.first_bad_seq == 5 and "edited" in (report.problem or "")
    assert not report.triggers_present
    assert report.message().startswith("chain broken at entry 5:")


def test_an_entry_deleted_from_the_middle_is_named(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        _drop_triggers(store.db.conn)
        store.db.conn.execute("DELETE FROM audit_log WHERE seq = 4")
        report = store.audit.verify()
    assert report.first_bad_seq == 4 and "missing" in (report.problem or "")


def test_entries_deleted_from_the_end_are_named(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        _drop_triggers(store.db.conn)
        store.db.conn.execute("DELETE FROM audit_log WHERE seq >= 7")
        report = store.audit.verify()
    assert report.first_bad_seq == 7 and "deleted from the end" in (report.problem or "")


def test_reordered_entries_are_named(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        _drop_triggers(store.db.conn)
        conn = store.db.conn
        conn.execute("UPDATE audit_log SET seq = -1 WHERE seq = 3")
        conn.execute("UPDATE audit_log SET seq = 3 WHERE seq = 4")
        conn.execute("UPDATE audit_log SET seq = 4 WHERE seq = -1")
        report = store.audit.verify()
    assert report.first_bad_seq == 3


def test_an_inserted_entry_is_named(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        _drop_triggers(store.db.conn)
        conn = store.db.conn
        conn.execute("UPDATE audit_log SET seq = seq + 100 WHERE seq > 5")
        conn.execute("UPDATE audit_log SET seq = seq - 99 WHERE seq > 100")
        prev = conn.execute("SELECT hash FROM audit_log WHERE seq = 5").fetchone()[0]
        conn.execute(
            "INSERT INTO audit_log VALUES (6, '2026-12-02T00:00:00+00:00', 'intruder', 'door.open', 'lane-1', '{}',"
            " ?, ?)",
            (prev, "f" * 64),
        )
        report = store.audit.verify()
    assert report.first_bad_seq == 6


def test_a_recomputed_sha256_chain_is_caught_by_the_hmac(tmp_path: Path) -> None:
    """Someone without the key edits entry 2 and rebuilds every later hash with plain SHA-256."""
    with _store(tmp_path, n=4) as store:
        _drop_triggers(store.db.conn)
        conn = store.db.conn
        rows = conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
        prev = rows[0]["hash"]
        for row in rows[1:]:
            actor = "forger" if row["seq"] == 2 else row["actor"]
            payload = {"seq": row["seq"], "time": row["time"], "actor": actor, "action": row["action"],
                       "subject": row["subject"], "detail": row["detail"], "prev_hash": prev}
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False).encode()).hexdigest()
            conn.execute("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (actor, prev, digest, row["seq"]))
            prev = digest
        conn.execute("UPDATE audit_head SET hash = ?", (prev,))
        assert store.audit.verify().first_bad_seq == 2


def test_downgrading_the_chain_to_plain_sha256_is_caught(tmp_path: Path) -> None:
    with _store(tmp_path, n=3) as store:
        _drop_triggers(store.db.conn)
        conn = store.db.conn
        conn.execute("UPDATE meta SET value = 'sha256' WHERE key = 'audit_hash'")
        prev = "0" * 64
        for row in conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall():
            payload = {"seq": row["seq"], "time": row["time"], "actor": row["actor"], "action": row["action"],
                       "subject": row["subject"], "detail": row["detail"], "prev_hash": prev}
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False).encode()).hexdigest()
            conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row["seq"]))
            prev = digest
        conn.execute("UPDATE audit_head SET hash = ?, mac = ''", (prev,))
    with GateStore.open(tmp_path / "gate.db", KEY, audit_hmac=True) as store:
        report = store.audit.verify()
    assert not report.intact and "audit_hmac is on" in (report.problem or "")


def test_without_hmac_the_same_forgery_is_undetectable_so_hmac_is_the_default(tmp_path: Path) -> None:
    """Documents the limit of a plain hash chain; the default configuration keys it."""
    with _store(tmp_path, n=2, hmac=False) as store:
        assert store.audit.algorithm == "sha256" and store.audit.verify().intact
    with GateStore.open(tmp_path / "other.db", KEY) as store:
        assert store.audit.algorithm == "hmac-sha256"


def test_raw_bytes_are_refused_in_audit_details(tmp_path: Path) -> None:
    from kiosk.stores.errors import StoreError

    with _store(tmp_path, n=1) as store, pytest.raises(StoreError, match="no raw biometrics"):
        store.audit.append("engine", "face.capture", "tx:1", {"frame": b"\xff\xd8jpeg"})
