"""Reliability: a writer killed with SIGKILL loses nothing it committed and leaves a consistent store."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.stores.crypto import generate_key
from kiosk.stores.gate import GateStore
from kiosk.stores.transactions import CRASH_REASON
from tests.conftest import PROJECT_ROOT

HOLD_AFTER = 15  # complete transactions before the child stays mid-transaction
EXTRA_AUDIT = 20  # audit entries written while held before the kill


def test_sigkill_mid_transaction_loses_nothing_committed(tmp_path: Path) -> None:
    path, key = tmp_path / "gate.db", generate_key()
    GateStore.open(path, key).close()  # created (and migrated) before the child starts
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store_crash_child", str(path), base64.b64encode(key).decode(), str(HOLD_AFTER)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    opened: list[int] = []
    closed: dict[int, str] = {}
    audited: list[int] = []
    held: int | None = None
    after_hold = 0
    deadline = time.monotonic() + 17.0
    try:
        for line in child.stdout:
            word, *rest = line.split()
            if word == "tx-open":
                opened.append(int(rest[0]))
            elif word == "tx-closed":
                closed[int(rest[0])] = rest[1]
            elif word == "audit":
                audited.append(int(rest[0]))
                after_hold += held is not None
            elif word == "hold":
                held = int(rest[0])
            if after_hold >= EXTRA_AUDIT or time.monotonic() > deadline:
                break
        os.kill(child.pid, signal.SIGKILL)  # mid-write: the child is appending audit entries
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
        stderr = child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL, stderr
    assert held is not None and len(closed) == HOLD_AFTER, f"child did not reach the hold point: {stderr}"

    with GateStore.open(path, key) as store:
        assert store.integrity_check() == "ok"
        for tx, decision in closed.items():
            record = store.transactions.get(tx)
            assert (record.status, record.decision) == ("closed", decision)
        present = {r[0] for r in store.db.query("SELECT id FROM transactions")}
        assert set(opened) <= present
        seqs = {r[0] for r in store.db.query("SELECT seq FROM audit_log")}
        assert set(audited) <= seqs
        report = store.audit.verify()
        assert report.intact, report.message()
        assert report.entries >= len(audited)
        assert store.transactions.recover_open() == [held]
        aborted = store.transactions.get(held)
        assert (aborted.decision, aborted.reasons) == ("ABORTED", [CRASH_REASON])
