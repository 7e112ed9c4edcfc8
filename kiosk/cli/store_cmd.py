"""``kiosk store keygen|purge|info|recover``: the store key, retention purge and the database's state."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config

if TYPE_CHECKING:
    from kiosk.stores.gate import GateStore


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, help="database file (default: [stores] database)")


def open_for_cli(args: argparse.Namespace, config: Config, need_key: bool = True, create: bool = True) -> GateStore:
    """The store named by ``--db`` or the configuration (StoreError to the caller)."""
    from kiosk.stores import open_store

    return open_store(config, need_key=need_key, database=getattr(args, "db", None), create=create)


def store_error(command: str, exc: Exception) -> int:
    print(f"kiosk {command}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 2


def register(sub: Any) -> None:
    parser = sub.add_parser("store", help="the gate database: key, retention purge, state")
    ssub = parser.add_subparsers(dest="store_command", required=True, metavar="ACTION")

    keygen = ssub.add_parser("keygen", help="write a new store key file (mode 0600)")
    keygen.add_argument("--out", type=Path, help="key file to write (default: [stores] key_file)")
    keygen.add_argument("--force", action="store_true", help="replace an existing key file (its data is lost)")
    keygen.set_defaults(handler=_keygen)

    purge = ssub.add_parser("purge", help="delete biometric samples older than the retention period")
    add_db_argument(purge)
    purge.add_argument("--days", type=float, help="retention in days (default: [stores] retention_days)")
    purge.add_argument("--recordings", type=Path, action="append", default=[], metavar="DIR",
                       help="also delete recorded bundles (kiosk record --out DIR) older than the retention")
    purge.set_defaults(handler=_purge)

    info = ssub.add_parser("info", help="schema version, counts, integrity check")
    add_db_argument(info)
    info.set_defaults(handler=_info)

    recover = ssub.add_parser("recover", help="close transactions left open by a crash as ABORTED")
    add_db_argument(recover)
    recover.set_defaults(handler=_recover)


def _keygen(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.crypto import write_key_file
    from kiosk.stores.errors import StoreError

    out: Path = args.out or config.stores.key_file
    try:
        write_key_file(out, overwrite=args.force)
    except (StoreError, OSError) as exc:
        return store_error("store keygen", exc)
    print(f"wrote a new store key to {out} (mode 0600); keep it out of the repository and of database backups")
    return 0


def _purge(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    days = config.stores.retention_days if args.days is None else args.days
    if days < 0:
        return store_error("store purge", ValueError(f"--days must be >= 0, got {days}"))
    recordings = []
    if args.recordings:
        from kiosk.record.retention import purge_recordings

        try:
            recordings = [dict(folder=str(d), **vars(purge_recordings(d, days))) for d in args.recordings]
        except (OSError, ValueError) as exc:
            return store_error("store purge", exc)
    try:
        with open_for_cli(args, config, need_key=False, create=False) as store:
            result = store.purge_samples(days)
            for purged in recordings:
                store.audit.append("retention", "recordings.purge", purged["folder"],
                                   {"deleted": list(purged["deleted"]), "cutoff": purged["cutoff"]})
    except StoreError as exc:
        if recordings:
            print(json.dumps({"recordings": recordings}, default=list))
        return store_error("store purge", exc)
    out: dict[str, Any] = {"deleted": result.deleted, "cutoff": result.cutoff, "retention_days": days}
    if recordings:
        out["recordings"] = recordings
    print(json.dumps(out, default=list))
    return 0


def _info(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    try:
        with open_for_cli(args, config, need_key=False, create=False) as store:
            info = dict(store.info())
            info["integrity"] = store.integrity_check()
            info["open_transactions"] = store.transactions.open_ids()
    except StoreError as exc:
        return store_error("store info", exc)
    print(json.dumps(info))
    return 0 if info["integrity"] == "ok" else 1


def _recover(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    try:
        with open_for_cli(args, config, need_key=False, create=False) as store, store.atomic():
            ids = store.transactions.recover_open()
            if ids:
                store.audit.append("system", "transactions.recover", "transactions", {"aborted": ids})
    except StoreError as exc:
        return store_error("store recover", exc)
    print(json.dumps({"aborted": ids}))
    return 0
