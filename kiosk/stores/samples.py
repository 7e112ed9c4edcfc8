"""Biometric samples captured during transactions (face frames, finger images, probe templates).

Kept encrypted, each bound by its associated data to its own id, transaction and kind, and
only as long as the retention rule says (``retention.py``). Enrolment templates are not samples.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kiosk.stores.crypto import StoreCipher
from kiosk.stores.database import Database, utc_now
from kiosk.stores.errors import StoreError, StoreKeyMissing


@dataclass(frozen=True)
class SampleInfo:
    id: str
    transaction_id: int
    kind: str  # e.g. "face_frame", "finger:2"
    format: str  # e.g. "jpeg", "png", "iso19794-2:2005", "float32"
    created_at: str


def _associated(sample_id: str, transaction_id: int, kind: str) -> str:
    return f"sample|{sample_id}|{transaction_id}|{kind}"


class Samples:
    def __init__(self, db: Database, cipher: StoreCipher | None) -> None:
        self.db = db
        self._cipher = cipher

    def _need_cipher(self) -> StoreCipher:
        if self._cipher is None:
            raise StoreKeyMissing("the store key is needed to write or read biometric samples")
        return self._cipher

    def add(self, transaction_id: int, kind: str, data: bytes, format: str, created_at: str | None = None) -> str:
        """Seal and store one sample; returns its id."""
        sample_id = uuid.uuid4().hex
        blob = self._need_cipher().seal(bytes(data), _associated(sample_id, transaction_id, kind))
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO samples (id, transaction_id, kind, format, blob, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (sample_id, transaction_id, kind, format, blob, created_at or utc_now()),
            )
        return sample_id

    def read(self, sample_id: str) -> bytes:
        rows = self.db.query("SELECT transaction_id, kind, blob FROM samples WHERE id = ?", (sample_id,))
        if not rows:
            raise StoreError(f"sample {sample_id} does not exist (purged by retention?)")
        row = rows[0]
        return self._need_cipher().open(bytes(row["blob"]), _associated(sample_id, row["transaction_id"], row["kind"]))

    def for_transaction(self, transaction_id: int) -> list[SampleInfo]:
        rows = self.db.query(
            "SELECT id, transaction_id, kind, format, created_at FROM samples WHERE transaction_id = ?"
            " ORDER BY created_at",
            (transaction_id,),
        )
        return [SampleInfo(r["id"], r["transaction_id"], r["kind"], r["format"], r["created_at"]) for r in rows]

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM samples")[0][0])
