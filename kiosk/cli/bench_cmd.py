"""``kiosk bench NAME ... --json``: benchmarks that run ours and the named baseline in one run.

Each benchmark module in ``BENCHES`` has ``HELP``, ``add_arguments(parser)`` and
``run(args, config, emit) -> summary``. With ``--json`` every per-item record passed to
``emit`` is printed as one JSON line and the summary is the last line of stdout; without it
the summary is printed indented.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from functools import partial
from types import ModuleType
from typing import Any

from kiosk.config import Config

BENCHES = {
    "embed": "kiosk.bench.embed",
    "barcode": "kiosk.bench.barcode",
    "mrz": "kiosk.bench.mrz",
    "face": "kiosk.bench.face",
    "finger": "kiosk.bench.finger",
    "store": "kiosk.bench.store",
    "gate": "kiosk.bench.gate",
    "pad": "kiosk.bench.pad",
    "ui": "kiosk.bench.ui",
}


def register(sub: Any) -> None:
    parser = sub.add_parser("bench", help="measure accuracy and speed against a baseline")
    bsub = parser.add_subparsers(dest="bench", required=True, metavar="NAME")
    for name, module_name in BENCHES.items():
        module = importlib.import_module(module_name)
        bparser = bsub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(bparser)
        bparser.add_argument("--json", action="store_true", help="JSON lines; the summary is the last line")
        bparser.set_defaults(handler=partial(_run, module))


def _run(module: ModuleType, args: argparse.Namespace, config: Config) -> int:
    def emit(record: dict[str, Any]) -> None:
        if args.json:
            print(json.dumps(record, default=str), flush=True)

    try:
        summary = module.run(args, config, emit)
    except Exception as exc:  # a benchmark that cannot run must say why, not dump a trace
        print(f"kiosk bench {args.bench}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary, default=str) if args.json else json.dumps(summary, indent=2, default=str))
    return 0
