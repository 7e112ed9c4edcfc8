"""``kiosk watchlist add|import|match``: the watch list (banned from exit or entry, wanted).

CSV for ``import`` (UTF-8, header row required, columns in any order)::

    list,document_number,surname,given_names,birth_date,reason,source
    banned_exit,C1234567,,,,court order 12/2026,court
    wanted,,Nguyễn,Văn Đức,1980-01-02,warrant 55,police

``list`` is banned_exit, banned_entry or wanted; ``reason`` is required; each row needs a
document number, or a name (surname and/or given names) with ``birth_date`` (YYYY-MM-DD);
``source`` defaults to the file name. Good rows are added together; each bad row is reported
as "line N: what is wrong" and the command exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk.cli.store_cmd import add_db_argument, open_for_cli, store_error
from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("watchlist", help="add, import and match watch-list entries")
    wsub = parser.add_subparsers(dest="watchlist_command", required=True, metavar="ACTION")

    add = wsub.add_parser("add", help="add one entry")
    add_db_argument(add)
    add.add_argument("--list", dest="list_kind", required=True, choices=("banned_exit", "banned_entry", "wanted"))
    add.add_argument("--reason", required=True)
    add.add_argument("--source", default="officer")
    add.add_argument("--document-number")
    add.add_argument("--surname")
    add.add_argument("--given-names")
    add.add_argument("--birth-date", help="YYYY-MM-DD")
    add.set_defaults(handler=_add)

    imp = wsub.add_parser("import", help="add the entries of a CSV file (columns: see `kiosk watchlist import -h`)",
                          description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_argument(imp)
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.set_defaults(handler=_import)

    match = wsub.add_parser("match", help="the entries that name a traveller (JSON lines)")
    add_db_argument(match)
    match.add_argument("--document-number")
    match.add_argument("--surname", default="")
    match.add_argument("--given-names", default="")
    match.add_argument("--birth-date")
    match.set_defaults(handler=_match)


def _add(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    try:
        with open_for_cli(args, config, need_key=False) as store, store.atomic():
            entry_id = store.watchlist.add(
                args.list_kind, args.reason, args.source, document_number=args.document_number,
                surname=args.surname, given_names=args.given_names, birth_date=args.birth_date,
            )
            store.audit.append(f"cli:{args.source}", "watchlist.add", f"watchlist:{entry_id}",
                               {"list": args.list_kind, "reason": args.reason})
    except StoreError as exc:
        return store_error("watchlist add", exc)
    print(json.dumps({"added": entry_id}))
    return 0


def _import(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    try:
        with open_for_cli(args, config, need_key=False) as store, store.atomic():
            report = store.watchlist.import_file(args.file)
            if report.added:
                store.audit.append("cli", "watchlist.import", str(args.file.name),
                                   {"added": report.added, "rejected": len(report.errors)})
    except StoreError as exc:
        return store_error("watchlist import", exc)
    for error in report.errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    print(json.dumps({"added": report.added, "rejected": len(report.errors)}))
    return 1 if report.errors else 0


def _match(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    try:
        with open_for_cli(args, config, need_key=False, create=False) as store:
            hits = store.watchlist.match(args.document_number, args.surname, args.given_names, args.birth_date)
    except StoreError as exc:
        return store_error("watchlist match", exc)
    for hit in hits:
        print(json.dumps({"matched_by": hit.matched_by, **asdict(hit.entry)}, ensure_ascii=False))
    return 0
