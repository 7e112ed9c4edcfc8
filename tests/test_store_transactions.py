"""Transactions: open at start, finalised once, crash leftovers closed as ABORTED; no raw biometrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.stores.crypto import generate_key
from kiosk.stores.errors import StoreError, TransactionStateError
from kiosk.stores.gate import GateStore
from kiosk.stores.transactions import CRASH_REASON


def test_a_transaction_is_open_until_finished_with_its_evidence(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        tx = store.transactions.start("lane-2", {"kind": "P", "issuing_state": "VNM", "number": "C1234567"})
        assert store.transactions.get(tx).status == "open" and store.transactions.open_ids() == [tx]
        store.transactions.update(tx, scores={"face": 0.81}, stage_ms={"document": 310.5})
        record = store.transactions.finish(tx, "REFER", ["watchlist_hit"], scores={"finger": 0.4},
                                           stage_ms={"face": 820.0})
    assert record.status == "closed" and record.decision == "REFER" and record.ended_at is not None
    assert record.reasons == ["watchlist_hit"]
    assert record.scores == {"face": 0.81, "finger": 0.4}
    assert record.stage_ms == {"document": 310.5, "face": 820.0}
    assert record.document["number"] == "C1234567"


def test_a_transaction_cannot_be_finished_twice(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        tx = store.transactions.start("lane-1")
        store.transactions.finish(tx, "ACCEPT")
        with pytest.raises(TransactionStateError, match="already closed"):
            store.transactions.finish(tx, "REJECT")
        assert store.transactions.get(tx).decision == "ACCEPT"
        with pytest.raises(TransactionStateError, match="does not exist"):
            store.transactions.finish(999, "ACCEPT")


def test_an_unknown_decision_is_refused(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        tx = store.transactions.start("lane-1")
        with pytest.raises(TransactionStateError, match="unknown decision"):
            store.transactions.finish(tx, "MAYBE")


def test_raw_biometrics_are_refused_in_transaction_rows(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        tx = store.transactions.start("lane-1")
        with pytest.raises(StoreError, match=r"scores\.face_vector: ndarray"):
            store.transactions.finish(tx, "ACCEPT", scores={"face_vector": np.zeros(128, np.float32)})
        with pytest.raises(StoreError, match="bytes is not plain JSON"):
            store.transactions.update(tx, document={"portrait": b"\x89PNG"})
        with pytest.raises(StoreError, match="not a finite number"):
            store.transactions.update(tx, scores={"face": float("nan")})
        assert store.transactions.get(tx).status == "open"


def test_recover_open_closes_leftovers_as_aborted_with_the_reason(tmp_path: Path) -> None:
    key = generate_key()
    with GateStore.open(tmp_path / "gate.db", key) as store:
        done = store.transactions.start("lane-1")
        store.transactions.finish(done, "ACCEPT")
        left = store.transactions.start("lane-1")
        store.transactions.update(left, stage_ms={"document": 300.0})
    with GateStore.open(tmp_path / "gate.db", key) as store:
        assert store.transactions.recover_open() == [left]
        record = store.transactions.get(left)
        assert (record.status, record.decision, record.reasons) == ("closed", "ABORTED", [CRASH_REASON])
        assert record.stage_ms == {"document": 300.0}
        assert store.transactions.get(done).decision == "ACCEPT"
        assert store.transactions.recover_open() == []
