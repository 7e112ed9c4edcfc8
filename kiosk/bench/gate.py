"""``kiosk bench gate --n N``: generate N synthetic sessions and replay them through the engine in one run.

The summary is ``kiosk replay``'s (correct per case class, engine compute p50/p95, simulated lane time
p50/p95, travellers per hour). There is no software baseline to run: today's gates are measured at
13-15 s per traveller (EasyPASS 18 s), figures quoted, not run here.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import Config

HELP = "synthetic sessions through the whole gate engine: decisions, compute and lane time"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=36, help="number of sessions (case classes cycled)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the sessions")
    parser.add_argument("--data", type=Path, help="data root (default: configuration / KIOSK_DATA)")
    parser.add_argument("--keep", type=Path, help="write the sessions here and keep them (default: a temp folder)")


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    from kiosk.replay.runner import Replayer, relay, summary
    from kiosk.replay.synth import CASES, SessionWriter, find_sources, trained_on

    if args.n < 1:
        raise ValueError("--n must be at least 1")
    sources = find_sources((args.data or config.data.root).resolve(), trained_on(config))
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-gate-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        writer = SessionWriter(sources, out, date.today(), np.random.default_rng(args.seed), config)
        cases = list(CASES)
        paths = [writer.write(i, cases[i % len(cases)]) for i in range(args.n)]
        results = []
        with relay(None, False, config.engine.door_open_s, config.engine.door_close_s) as (client, sim, scale):
            replayer = Replayer(config, client, time_scale=scale, simulator=sim)
            for path in paths:
                result = replayer.replay(path)
                results.append(result)
                emit(result.record())
    totals = summary(results)
    totals["baseline_lane_s"] = "13-15 (today's gates, quoted); EasyPASS 18 (quoted)"
    return totals
