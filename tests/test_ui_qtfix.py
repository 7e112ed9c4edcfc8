"""PySide6 6.12 takes a reference from None on every void call (Python 3.11): the UI must survive that."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def test_a_long_running_kiosk_survives_pyside6_s_none_refcount_bug() -> None:
    """A million void Qt calls in a fresh process: without kiosk.ui.qtfix CPython aborts (none_dealloc)."""
    script = textwrap.dedent("""
        import sys
        from kiosk.ui.screenshots import application
        from PySide6.QtWidgets import QLabel
        application()
        label = QLabel()
        for _ in range(1_000_000):
            label.setText("x")
        print("alive", sys.getrefcount(None) > 2**59)
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).resolve().parent.parent, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["alive", "True"]
