"""The gate's stores in one SQLite file (WAL, schema migrations).

Public API (what the engine, console and commands call)::

    store = GateStore.open(path, key)          # key: 32 bytes from load_key(...); see crypto.py
    store = open_store(config)                 # the same from [stores] config + $KIOSK_STORE_KEY

    store.enrolment.enrol(surname, given_names, birth_date, nationality, [DocumentRecord(...)],
                          face=FaceTemplate, fingers={FingerPosition: FingerTemplate})
    store.enrolment.by_document(number, issuing_state=None) -> EnrolledPerson | None

    store.watchlist.add(list_kind, reason, source, document_number=..., surname=..., given_names=...,
                        birth_date="YYYY-MM-DD")
    store.watchlist.match(document_number, surname, given_names, birth_date) -> [WatchlistHit]

    tx = store.transactions.start(lane, document={...})          # committed open row
    store.transactions.update(tx, scores={...}, stage_ms={...})  # optional, while open
    store.transactions.finish(tx, "ACCEPT" | "REFER" | "REJECT" | "ABORTED", reasons,
                                 scores={...}, stage_ms={...}, document={...})
    store.transactions.recover_open() -> [ids]                   # at start-up: open rows -> ABORTED

    store.samples.add(tx, kind, data_bytes, format) -> sample id  # encrypted; purged by retention
    store.audit.append(actor, action, subject, detail) -> AuditEntry
    store.audit.verify() -> AuditReport (.intact, .first_bad_seq, .message())

    with store.atomic():        # several writes, one transaction
        store.transactions.finish(...); store.audit.append(...)

    store.purge_samples(retention_days) -> PurgeResult

All errors derive from ``kiosk.stores.errors.StoreError``. ``GateStore`` is thread-safe (one
connection behind a lock); several processes may share the file (SQLite locking, busy timeout).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kiosk.config import Config
from kiosk.stores.crypto import KEY_ENV, load_key
from kiosk.stores.enrolment import DocumentRecord, EnrolledPerson
from kiosk.stores.errors import StoreError
from kiosk.stores.gate import GateStore

__all__ = ["DocumentRecord", "EnrolledPerson", "GateStore", "StoreError", "open_store", "store_key"]


def store_key(config: Config, environ: Mapping[str, str] | None = None) -> bytes:
    """The store key from ``$KIOSK_STORE_KEY`` or ``[stores] key_file`` (StoreKeyMissing if neither)."""
    env = os.environ if environ is None else environ
    return load_key(config.stores.key_file, env.get(KEY_ENV))


def open_store(
    config: Config,
    environ: Mapping[str, str] | None = None,
    need_key: bool = True,
    database: Path | None = None,
    create: bool = True,
) -> GateStore:
    """Open the configured store (or ``database``); without ``need_key`` a missing key is tolerated."""
    from kiosk.stores.errors import StoreKeyMissing

    try:
        key: bytes | None = store_key(config, environ)
    except StoreKeyMissing:
        if need_key:
            raise
        key = None
    return GateStore.open(database or config.stores.database, key, audit_hmac=config.stores.audit_hmac, create=create)
