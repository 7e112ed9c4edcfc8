"""Retention: biometric samples older than ``retention_days`` are deleted (and audited).

Deletion runs with ``secure_delete`` on (set by ``database.py``) and is followed by a WAL
checkpoint, so the purged images do not linger in free pages or the write-ahead log.
Enrolment templates are not samples and are never purged here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.stores.audit import AuditLog
from kiosk.stores.database import Database


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    cutoff: str  # samples created before this time were deleted
    retention_days: float


def purge_samples(
    db: Database, audit: AuditLog, retention_days: float, now: datetime | None = None, actor: str = "retention"
) -> PurgeResult:
    if retention_days < 0:
        raise ValueError(f"retention_days must be >= 0, got {retention_days}")
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=retention_days)).isoformat(timespec="microseconds")
    with db.write() as conn:
        deleted = conn.execute("DELETE FROM samples WHERE created_at < ?", (cutoff,)).rowcount
        audit.append(actor, "samples.purge", "samples",
                     {"deleted": deleted, "cutoff": cutoff, "retention_days": retention_days})
    with db.read() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return PurgeResult(deleted, cutoff, retention_days)
