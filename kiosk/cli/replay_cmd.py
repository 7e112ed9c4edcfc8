"""``kiosk replay PATH... [--realtime] [--relay HOST:PORT] [--report DIR] --json``: bundles through the engine.

One JSON line per bundle (``bundle, case, expected, decision, reasons, scores, stage_ms, total_ms``),
then the summary line (``n, correct, by_case, engine_ms_p50/p95, lane_s_p50/p95, travellers_per_hour``).
A bundle that fails validation is reported with its error (decision ERROR) and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("replay", help="replay session bundles through the gate engine")
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="bundle folders")
    parser.add_argument("--realtime", action="store_true", help="replay at real speed (human delays, door motions)")
    parser.add_argument("--relay", metavar="HOST:PORT", help="relay controller (default: an in-process simulator)")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write an HTML report with plots here")
    parser.add_argument("--json", action="store_true", help="JSON lines; the summary is the last line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from kiosk.replay.runner import Replayer, relay, summary

    bundles = [p for p in args.paths if p.is_dir()]
    missing = [p for p in args.paths if not p.is_dir()]
    for path in missing:
        print(f"kiosk replay: {path}: not a bundle folder", file=sys.stderr)
    results = []
    with relay(args.relay, args.realtime, config.engine.door_open_s, config.engine.door_close_s) as (
        client, simulator, scale
    ):
        replayer = Replayer(config, client, realtime=args.realtime, time_scale=scale, simulator=simulator)
        for path in sorted(bundles):
            result = replayer.replay(path)
            results.append(result)
            record = result.record()
            if args.json:
                print(json.dumps(record, default=str), flush=True)
            else:
                mark = "ok " if result.correct else "BAD"
                print(f"{mark} {result.bundle}: expected {result.expected}, got {result.decision} "
                      f"{record.get('error') or ' '.join(record['reasons'])}", flush=True)
    totals = summary(results)
    if args.report is not None:
        from kiosk.replay.report import write_report

        write_report(args.report, [r.record() for r in results], totals)
    print(json.dumps(totals) if args.json else json.dumps(totals, indent=2))
    return 1 if missing or any(r.transaction is None for r in results) else 0
