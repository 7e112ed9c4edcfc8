"""The ``kiosk`` command line: one entry point, a subcommand per module in ``COMMANDS``.

Each command module has ``register(subparsers)`` which adds its parser and sets ``handler``
to a function ``(args, config) -> exit status``. Modules import heavy libraries inside their
handlers so that ``kiosk --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# The gate multiplies small matrices (fingerprint cylinders); BLAS thread pools on a shared
# two-core machine cost far more than they save, so numpy's BLAS runs single-threaded unless
# the operator says otherwise. Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from kiosk.config import ConfigError, load_config

COMMANDS = (
    "kiosk.cli.models_cmd",
    "kiosk.cli.bench_cmd",
    "kiosk.cli.synth_cmd",
    "kiosk.cli.finger_cmd",
    "kiosk.cli.demo_cmd",
    "kiosk.cli.mrz_cmd",
    "kiosk.cli.barcode_cmd",
    "kiosk.cli.permit_cmd",
    "kiosk.cli.face_cmd",
    "kiosk.cli.replay_cmd",
    "kiosk.cli.relay_sim_cmd",
    "kiosk.cli.store_cmd",
    "kiosk.cli.enrol_cmd",
    "kiosk.cli.watchlist_cmd",
    "kiosk.cli.audit_cmd",
    "kiosk.cli.ui_cmd",
    "kiosk.cli.record_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Automated border-control gate.")
    parser.add_argument("--config", type=Path, help="deployment configuration TOML (default: $KIOSK_CONFIG)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    status: int = args.handler(args, config)
    return status
