"""``kiosk ui``: the traveller kiosk and officer console windows, screenshots, officer accounts.

``kiosk ui screenshots --out DIR`` renders every traveller screen and console view to PNGs
(offscreen when there is no display). ``kiosk ui officer add|unlock|list`` manages the
console's accounts (the password is read from the terminal or, for scripts, stdin).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("ui", help="traveller kiosk and officer console: screenshots, officer accounts")
    ui_sub = parser.add_subparsers(dest="ui_command", required=True, metavar="ACTION")

    shots = ui_sub.add_parser("screenshots", help="render every traveller screen and console view to PNG files")
    shots.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    shots.add_argument("--languages", default="vi,en,zh,lo,km", help="traveller languages (comma-separated)")
    shots.add_argument("--console-languages", default="vi,en", help="console languages (comma-separated)")
    shots.set_defaults(handler=_screenshots)

    demo = ui_sub.add_parser("demo", help="session bundles through the engine, shown on the kiosk and the console")
    demo.add_argument("bundles", type=Path, nargs="+", metavar="BUNDLE", help="bundle folders (kiosk synth sessions)")
    demo.add_argument("--out", type=Path, help="run offscreen: write screenshots and demo.jsonl here; a scripted "
                      "officer takes each referral on the console (typed reason); stop at the end")
    demo.add_argument("--realtime", action="store_true", help="human and door timings at real speed")
    demo.add_argument("--officer-s", type=float, default=60.0, help="how long a referred traveller waits (s)")
    demo.set_defaults(handler=_demo)

    officer = ui_sub.add_parser("officer", help="officer accounts of the console")
    officer_sub = officer.add_subparsers(dest="officer_command", required=True, metavar="ACTION")
    add = officer_sub.add_parser("add", help="create an account (password from the terminal or stdin)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name shown on the console")
    add.add_argument("--role", choices=("officer", "supervisor"), default="officer")
    add.set_defaults(handler=_officer_add)
    unlock = officer_sub.add_parser("unlock", help="clear an account's lockout")
    unlock.add_argument("username")
    unlock.set_defaults(handler=_officer_unlock)
    listing = officer_sub.add_parser("list", help="accounts with their role and lockout status")
    listing.set_defaults(handler=_officer_list)


def _languages(text: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    chosen = tuple(x.strip() for x in text.split(",") if x.strip())
    unknown = [x for x in chosen if x not in allowed]
    if unknown:
        raise ValueError(f"unknown language(s) {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return chosen


def _screenshots(args: argparse.Namespace, config: Config) -> int:
    from kiosk.ui.i18n import CONSOLE_LANGUAGES, TRAVELLER_LANGUAGES
    from kiosk.ui.screenshots import render_all

    try:
        kiosk_langs = _languages(args.languages, TRAVELLER_LANGUAGES)
        console_langs = _languages(args.console_languages, CONSOLE_LANGUAGES)
    except ValueError as exc:
        print(f"kiosk ui screenshots: {exc}", file=sys.stderr)
        return 2
    if not (config.data.root / "faces" / "london").is_dir():
        print(f"kiosk ui screenshots: no faces/london under the data root {config.data.root} (set KIOSK_DATA)",
              file=sys.stderr)
        return 2
    paths = render_all(args.out, config.data.root, config, kiosk_langs, console_langs)
    print(f"{len(paths)} screenshots in {args.out}")
    return 0


def _demo(args: argparse.Namespace, config: Config) -> int:
    import os

    from kiosk.ui.demo import run_demo

    bundles = [p for p in args.bundles if (p / "manifest.json").is_file()]
    for path in sorted(set(args.bundles) - set(bundles)):
        print(f"kiosk ui demo: {path}: not a session bundle (no manifest.json)", file=sys.stderr)
    if not bundles:
        return 2
    if args.out is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return run_demo(config, sorted(bundles), args.out, realtime=args.realtime, officer_s=args.officer_s,
                    say=lambda text: print(text, flush=True))


def _accounts(config: Config) -> Any:
    from kiosk.ui.console.accounts import AccountStore

    return AccountStore(config.ui.accounts, max_failures=config.ui.max_failures)


def _officer_add(args: argparse.Namespace, config: Config) -> int:
    from kiosk.ui.console.accounts import AccountError, Role

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("kiosk ui officer add: the passwords differ", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        _accounts(config).add(args.username, args.name, Role(args.role), password)
    except AccountError as exc:
        print(f"kiosk ui officer add: {exc}", file=sys.stderr)
        return 2
    print(f"officer {args.username} ({args.role}) added")
    return 0


def _officer_unlock(args: argparse.Namespace, config: Config) -> int:
    from kiosk.ui.console.accounts import AccountError

    try:
        _accounts(config).unlock(args.username)
    except AccountError as exc:
        print(f"kiosk ui officer unlock: {exc}", file=sys.stderr)
        return 2
    print(f"officer {args.username} unlocked")
    return 0


def _officer_list(args: argparse.Namespace, config: Config) -> int:
    store = _accounts(config)
    for officer in store.officers():
        failures, locked = store.status(officer.username)
        state = "LOCKED" if locked else f"{failures} recent failures"
        print(f"{officer.username}\t{officer.role.value}\t{officer.display_name}\t{state}")
    return 0
