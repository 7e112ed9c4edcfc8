"""``kiosk relay-sim --port N``: a simulated gate relay controller on Modbus TCP, until interrupted.

The simulator speaks the register map of ``gate_io/relay/registers.py`` with realistic door timing;
a tester drives the traveller and faults over the wire through its simulator-only holding registers.
It prints one line ``relay-sim listening on HOST:PORT`` (port 0 picks a free port) once it serves.
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("relay-sim", help="run the gate relay controller simulator (Modbus TCP)")
    parser.add_argument("--port", type=int, default=5020, help="TCP port (default 5020; 0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--open-s", type=float, default=1.2, help="door opening time in seconds (default 1.2)")
    parser.add_argument("--close-s", type=float, default=1.5, help="door closing time in seconds (default 1.5)")
    parser.add_argument("--walk-s", type=float, default=0.8, help="time to walk through a door zone (default 0.8)")
    parser.add_argument("--no-watchdog", action="store_true", help="ignore the driver's heartbeat (no fail-safe)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace, config: Config) -> int:
    import sys

    from gate_io.relay.lane import DoorTiming
    from gate_io.relay.simulator import RelaySimulator

    if not 0 <= args.port <= 65535 or min(args.open_s, args.close_s, args.walk_s) <= 0:
        print("kiosk relay-sim: --port must be 0..65535 and the times positive", file=sys.stderr)
        return 2
    timing = DoorTiming(open_s=args.open_s, close_s=args.close_s, walk_s=args.walk_s)
    simulator = RelaySimulator(args.host, args.port, timing=timing, watchdog=not args.no_watchdog)
    try:
        port = simulator.start()
    except (OSError, RuntimeError) as exc:
        print(f"kiosk relay-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"relay-sim listening on {args.host}:{port}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        simulator.stop()
    return 0
