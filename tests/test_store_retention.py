"""Retention: samples older than retention_days are purged (and audited); enrolment templates stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from biometrics.face.results import FaceTemplate
from kiosk.stores.crypto import generate_key
from kiosk.stores.enrolment import DocumentRecord
from kiosk.stores.errors import DecryptionFailed, StoreError
from kiosk.stores.gate import GateStore


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="microseconds")


def test_samples_are_sealed_and_read_back(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        tx = store.transactions.start("lane-1")
        sample = store.samples.add(tx, "face_frame", b"\xff\xd8 live frame jpeg", "jpeg")
        assert store.samples.read(sample) == b"\xff\xd8 live frame jpeg"
        blob = bytes(store.db.query("SELECT blob FROM samples")[0][0])
        assert b"live frame" not in blob
        other = store.transactions.start("lane-1")
        store.db.conn.execute("UPDATE samples SET transaction_id = ?", (other,))
        with pytest.raises(DecryptionFailed):
            store.samples.read(sample)


def test_purge_deletes_old_samples_only_and_keeps_enrolment_templates(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        store.enrolment.enrol("Tran", "Mai", "1990-01-01", "VNM", [DocumentRecord("P", "C1", "VNM")],
                              face=FaceTemplate(np.ones(128, np.float32), "enrolment"))
        tx = store.transactions.start("lane-1")
        old = [store.samples.add(tx, "face_frame", b"old", "jpeg", created_at=_ago(31)) for _ in range(3)]
        new = store.samples.add(tx, "finger:2", b"new", "png", created_at=_ago(29))
        result = store.purge_samples(30)
        assert result.deleted == 3
        assert [s.id for s in store.samples.for_transaction(tx)] == [new]
        for sample_id in old:
            with pytest.raises(StoreError, match="does not exist"):
                store.samples.read(sample_id)
        person = store.enrolment.by_document("C1")
        assert person is not None and person.face is not None
        last = store.audit.entries()[-1]
        assert (last.action, last.detail["deleted"]) == ("samples.purge", 3)
        assert store.audit.verify().intact


def test_purged_bytes_do_not_linger_in_the_file(tmp_path: Path) -> None:
    """The key is known here, so the plaintext cannot be searched; the ciphertext must be gone."""
    path = tmp_path / "gate.db"
    with GateStore.open(path, generate_key()) as store:
        tx = store.transactions.start("lane-1")
        sid = store.samples.add(tx, "face_frame", bytes(range(256)) * 64, "raw", created_at=_ago(40))
        blob = bytes(store.db.query("SELECT blob FROM samples WHERE id = ?", (sid,))[0][0])
        store.purge_samples(30)
    assert blob[100:164] not in path.read_bytes()
