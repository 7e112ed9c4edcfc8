"""Child process of test_store_crash.py: writes transactions and audit entries until killed.

Usage: python -m tests.store_crash_child DB KEY_BASE64 HOLD_AFTER
Prints one line per committed write, flushed at once: ``tx-open ID``, ``audit SEQ``,
``tx-closed ID DECISION``. After HOLD_AFTER complete transactions it opens one more, prints
``hold ID`` and keeps appending audit entries (a traveller mid-transaction) until killed.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

from kiosk.stores.gate import GateStore

DECISIONS = ("ACCEPT", "REFER", "REJECT")


def main() -> None:
    path, key, hold_after = Path(sys.argv[1]), base64.b64decode(sys.argv[2]), int(sys.argv[3])
    out = sys.stdout
    store = GateStore.open(path, key)
    i = 0
    while True:
        tx = store.transactions.start("lane-1", {"kind": "P", "number": f"C{i:07d}"})
        print(f"tx-open {tx}", file=out, flush=True)
        entry = store.audit.append("engine", "transaction.start", f"tx:{tx}", {"i": i})
        print(f"audit {entry.seq}", file=out, flush=True)
        if i >= hold_after:
            print(f"hold {tx}", file=out, flush=True)
            while True:
                entry = store.audit.append("engine", "face.attempt", f"tx:{tx}", {"score": 0.5})
                print(f"audit {entry.seq}", file=out, flush=True)
        decision = DECISIONS[i % 3]
        with store.atomic():
            store.transactions.finish(tx, decision, [f"reason-{i}"], scores={"face": 0.9}, stage_ms={"face": 1.0})
            entry = store.audit.append("engine", "transaction.finish", f"tx:{tx}", {"decision": decision})
        print(f"audit {entry.seq}", file=out, flush=True)
        print(f"tx-closed {tx} {decision}", file=out, flush=True)
        i += 1


if __name__ == "__main__":
    main()
