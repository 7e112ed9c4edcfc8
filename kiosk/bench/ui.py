"""``kiosk bench ui``: how long the kiosk and the console take to show a new state (offscreen).

The kiosk must never make a traveller wait: every engine event becomes a repaint. This measures
the Qt-thread time of ``show_view`` plus a full repaint for each screen and for live camera frames
(the preview's cost bounds its frame rate), and the console's refresh with lanes and referrals
waiting. No baseline: the figure to beat is a display refresh (16.7 ms at 60 Hz).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import Config

HELP = "kiosk repaint and console refresh times (offscreen Qt)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=200, help="repaints measured per kind")
    parser.add_argument("--data", type=Path, help="data root (default: configuration / KIOSK_DATA)")


def _ms(samples: list[float]) -> tuple[float, float]:
    a = np.array(samples) * 1000.0
    return round(float(np.percentile(a, 50)), 2), round(float(np.percentile(a, 95)), 2)


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    from kiosk.ui.screenshots import application, console_rig, dispose, sample_views
    from kiosk.ui.traveller.window import TravellerWindow
    from kiosk.ui.viewmodel import Screen, TravellerView

    if args.n < 1:
        raise ValueError("--n must be at least 1")
    data = (args.data or config.data.root).resolve()
    application()
    window = TravellerWindow(animate=False)
    window.resize(1920, 1080)
    window.show()
    views = list(sample_views("vi", data).values())
    screens: list[float] = []
    for i in range(args.n):
        start = time.perf_counter()
        window.show_view(views[i % len(views)])
        window.repaint()
        screens.append(time.perf_counter() - start)
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (720, 1280, 3), dtype=np.uint8) for _ in range(4)]
    preview: list[float] = []
    for i in range(args.n):
        view = TravellerView(Screen.LOOK_AT_CAMERA, "vi", hint="hold_still", countdown_s=5, frame=frames[i % 4],
                             face_box=(0.35, 0.2, 0.3, 0.45), face_ok=i % 2 == 0)
        start = time.perf_counter()
        window.show_view(view)
        window.repaint()
        preview.append(time.perf_counter() - start)
    dispose(window)
    refresh: list[float] = []
    with console_rig("vi", data, config) as rig:
        rig.window.sign_in("o.pham", "sample-only-password")
        for i in range(max(1, args.n // 4)):
            rig.window.tabs.setCurrentIndex(i % 2)
            start = time.perf_counter()
            rig.window.refresh()
            rig.window.repaint()
            refresh.append(time.perf_counter() - start)
    for name, samples in (("screen", screens), ("preview_1280x720", preview), ("console_refresh", refresh)):
        p50, p95 = _ms(samples)
        emit({"kind": name, "n": len(samples), "ms_p50": p50, "ms_p95": p95})
    s50, s95 = _ms(screens)
    f50, f95 = _ms(preview)
    c50, c95 = _ms(refresh)
    return {
        "n": args.n, "screen_ms_p50": s50, "screen_ms_p95": s95, "preview_ms_p50": f50, "preview_ms_p95": f95,
        "preview_fps_at_p95": round(1000.0 / f95, 1) if f95 > 0 else None,
        "console_refresh_ms_p50": c50, "console_refresh_ms_p95": c95, "window": "1920x1080 offscreen",
    }
