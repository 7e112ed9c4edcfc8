"""Several lanes writing at once (threads on one connection, two connections on one file): one chain."""

from __future__ import annotations

import threading
from pathlib import Path

from kiosk.stores.crypto import generate_key
from kiosk.stores.gate import GateStore


def test_concurrent_writers_keep_one_intact_chain_and_every_transaction(tmp_path: Path) -> None:
    key = generate_key()
    stores = [GateStore.open(tmp_path / "gate.db", key), GateStore.open(tmp_path / "gate.db", key)]
    errors: list[BaseException] = []
    per_writer = 25

    def lane(store: GateStore, name: str) -> None:
        try:
            for i in range(per_writer):
                tx = store.transactions.start(name)
                store.audit.append("engine", "transaction.start", f"tx:{tx}", {"i": i})
                with store.atomic():
                    store.transactions.finish(tx, "ACCEPT")
                    store.audit.append("engine", "transaction.finish", f"tx:{tx}", {"i": i})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=lane, args=(stores[k % 2], f"lane-{k}")) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    report = stores[0].audit.verify()
    assert report.intact and report.entries == 4 * per_writer * 2
    assert len(stores[1].transactions.recent(limit=1000)) == 4 * per_writer
    assert stores[1].transactions.open_ids() == []
    for store in stores:
        store.close()
