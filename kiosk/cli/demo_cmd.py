"""``kiosk demo``: the gate's main job. For now it checks the models and says what is missing."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="run the gate demo (models check until the gate core lands)")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, config: Config) -> int:
    from kiosk.runtime import session_factory
    from models.build import verify_all

    factory = session_factory(config)
    statuses = verify_all(factory.manifest, factory)
    for s in statuses:
        print(f"{'OK  ' if s.ok else 'FAIL'} model {s.name}")
    print(
        "Not built yet: document reading (issue 3), face pipeline (issue 4), fingerprints (issue 5), "
        "gate core with relay simulator and replay (issue 6), kiosk UI and officer console (issue 7)."
    )
    return 0 if all(s.ok for s in statuses) else 1
