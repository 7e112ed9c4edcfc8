"""``kiosk demo``: the gate's main job, shown end to end (``make demo``).

Checks the models, generates a corpus of session bundles (genuine, impostor, attack, bad
document, watch-list, permits, border passes) unless one is already there, then runs a lane
through them with the relay simulator, the traveller window and the officer console; referrals
wait for the officer. Without a display it runs offscreen: screenshots of every traveller screen
and console view, the demo run's screenshots and the replay report go to ``--out``; the demo's officer
takes each referral on the console (signs in, opens it, approves or rejects with a typed reason) and its
referral views, with their evidence, go to ``--out``/screens.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kiosk.config import Config

DEMO_SEED = 2026


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="the gate demo: relay simulator, a lane, the kiosk and the console")
    parser.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder (default out/demo)")
    parser.add_argument("--n", type=int, default=14, help="session bundles to generate (cases cycled; default 14)")
    parser.add_argument("--offscreen", action="store_true",
                        help="no windows: write screenshots and the report (default when there is no display)")
    parser.add_argument("--realtime", action="store_true", help="human and door timings at real speed")
    parser.add_argument("--officer-s", type=float, default=120.0,
                        help="how long a referred traveller waits for the officer (s; default 120)")
    parser.set_defaults(handler=_demo)


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _sessions(folder: Path, n: int, config: Config) -> list[Path]:
    """The demo corpus: generated once, reused by later runs."""
    bundles = sorted(p for p in folder.glob("*") if (p / "manifest.json").is_file()) if folder.is_dir() else []
    if len(bundles) >= n:
        return bundles[:n]
    from kiosk.replay import synth

    status = synth.run(argparse.Namespace(out=folder, n=n, seed=DEMO_SEED, data=None, today=None, cases=None), config)
    if status != 0:
        return []
    return sorted(p for p in folder.glob("*") if (p / "manifest.json").is_file())[:n]


def _demo(args: argparse.Namespace, config: Config) -> int:
    from kiosk.runtime import session_factory
    from models.build import verify_all

    factory = session_factory(config)
    failed = [s for s in verify_all(factory.manifest, factory) if not s.ok]
    for model in failed:
        print(f"kiosk demo: model {model.name} is not usable: {model.detail}", file=sys.stderr)
    if failed:
        print("kiosk demo: run `make setup` (or `kiosk models build`) first", file=sys.stderr)
        return 1
    if not (config.data.root / "faces" / "london").is_dir():
        print(f"kiosk demo: no faces/london under the data root {config.data.root} (set KIOSK_DATA)", file=sys.stderr)
        return 2
    bundles = _sessions(args.out / "sessions", args.n, config)
    if not bundles:
        print("kiosk demo: could not generate the session bundles", file=sys.stderr)
        return 1
    offscreen = args.offscreen or not _has_display()
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from kiosk.ui.demo import run_demo

    print(f"kiosk demo: {len(bundles)} sessions from {args.out / 'sessions'}", flush=True)
    if not offscreen:
        return run_demo(config, bundles, None, realtime=args.realtime, officer_s=args.officer_s,
                        say=lambda text: print(text, flush=True))
    from kiosk.cli import replay_cmd
    from kiosk.ui.i18n import CONSOLE_LANGUAGES, TRAVELLER_LANGUAGES
    from kiosk.ui.screenshots import render_all

    screens = render_all(args.out / "screens", config.data.root, config, TRAVELLER_LANGUAGES, CONSOLE_LANGUAGES)
    print(f"kiosk demo: {len(screens)} screenshots of every traveller screen and console view in "
          f"{args.out / 'screens'}", flush=True)
    status = run_demo(config, bundles, args.out / "run", realtime=args.realtime, officer_s=args.officer_s,
                      say=lambda text: print(text, flush=True), screens=args.out / "screens")
    replay_status = replay_cmd.run(
        argparse.Namespace(paths=bundles, realtime=False, relay=None, report=args.out / "report", json=False), config
    )
    print(f"kiosk demo: the lane's screenshots in {args.out / 'run'}, the replay report in "
          f"{args.out / 'report' / 'index.html'}")
    return status or replay_status
