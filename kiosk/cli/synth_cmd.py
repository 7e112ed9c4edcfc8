"""``kiosk synth KIND --out DIR ...``: generate synthetic test data from the real data root.

Each generator module in ``SYNTHS`` has ``HELP``, ``add_arguments(parser)`` and
``run(args, config) -> exit status``.
"""

from __future__ import annotations

import argparse
import importlib
from functools import partial
from types import ModuleType
from typing import Any

from kiosk.config import Config

SYNTHS: dict[str, str] = {
    "documents": "kiosk.synth.documents",
    "sessions": "kiosk.replay.synth",
}


def register(sub: Any) -> None:
    parser = sub.add_parser("synth", help="generate synthetic documents, sessions and other test data")
    ssub = parser.add_subparsers(dest="synth", required=True, metavar="KIND")
    for name, module_name in SYNTHS.items():
        module = importlib.import_module(module_name)
        sparser = ssub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sparser)
        sparser.set_defaults(handler=partial(_run, module))


def _run(module: ModuleType, args: argparse.Namespace, config: Config) -> int:
    status: int = module.run(args, config)
    return status
