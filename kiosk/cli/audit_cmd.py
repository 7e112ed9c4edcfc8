"""``kiosk audit verify [--db FILE]``: recompute the audit log's hash chain."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.cli.store_cmd import add_db_argument, open_for_cli, store_error
from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help="the tamper-evident audit log")
    asub = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = asub.add_parser("verify", help="check the hash chain: exit 0 if intact, 1 naming the first bad entry")
    add_db_argument(verify)
    verify.add_argument("--json", action="store_true", help="one JSON object on stdout")
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace, config: Config) -> int:
    from kiosk.stores.errors import StoreError

    try:
        with open_for_cli(args, config, need_key=False, create=False) as store:
            report = store.audit.verify()
    except StoreError as exc:
        return store_error("audit verify", exc)
    if args.json:
        print(json.dumps({
            "intact": report.intact, "entries": report.entries, "algorithm": report.algorithm,
            "first_bad_seq": report.first_bad_seq, "problem": report.problem,
            "triggers_present": report.triggers_present,
        }))
    else:
        print(report.message(), file=sys.stdout if report.intact else sys.stderr)
    return 0 if report.intact else 1
