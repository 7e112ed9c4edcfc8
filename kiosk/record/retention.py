"""Retention of recorded bundles: like the store's samples, recordings are biometric data with an age limit.

Only folders this recorder wrote are touched: a ``manifest.json`` with a ``recording`` block and its
``started_utc``. Synthetic bundles, unrelated folders and manifests that cannot be read are left
alone (and reported), so a mistyped folder never loses a tester's data.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class RecordingPurge:
    deleted: tuple[str, ...]
    kept: int
    skipped: tuple[str, ...]  # folders that are not recognisable recordings (with why)
    cutoff: str


def _started(manifest: Path) -> datetime:
    raw = json.loads(manifest.read_text(encoding="utf-8"))
    started = datetime.fromisoformat(raw["recording"]["started_utc"])
    return started if started.tzinfo else started.replace(tzinfo=UTC)


def purge_recordings(root: Path, retention_days: float, now: datetime | None = None) -> RecordingPurge:
    """Delete the recorded bundles directly under ``root`` that started more than ``retention_days`` ago."""
    if retention_days < 0:
        raise ValueError(f"retention_days must be >= 0, got {retention_days}")
    if not root.is_dir():
        raise FileNotFoundError(f"recordings folder not found: {root}")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    deleted: list[str] = []
    skipped: list[str] = []
    kept = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            skipped.append(f"{folder.name}: no manifest.json")
            continue
        try:
            started = _started(manifest)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            skipped.append(f"{folder.name}: not a recording ({type(exc).__name__}: {exc})")
            continue
        if started < cutoff:
            shutil.rmtree(folder)
            deleted.append(folder.name)
        else:
            kept += 1
    return RecordingPurge(tuple(deleted), kept, tuple(skipped), cutoff.isoformat(timespec="seconds"))
