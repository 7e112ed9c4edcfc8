"""A guard against PySide6 6.12's reference-count bug on Python 3.11.

Every PySide6 6.12 method that returns nothing (``setText``, ``update``, ``processEvents`` ...)
takes one reference from ``None`` without having given it (shiboken returns ``None`` as if it
were immortal, which it is only from Python 3.12 on). A kiosk repaints thousands of times an
hour, so after a few hundred screens the count reaches zero and CPython aborts with "none_dealloc:
deallocating None". Measured here: one ``show_view`` costs about 72 references, and
``kiosk bench ui --n 200`` aborted before the fix.

``keep_none_alive`` gives ``None`` a reference count so large that no run can use it up (2**60:
at a million Qt calls a second, 36 000 years), which is what Python 3.12 does for ``None``.
It is called before any Qt object is made (``kiosk.ui.theme`` and ``application``).
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 60
_done = False


def keep_none_alive() -> None:
    """Make ``None`` effectively immortal on Python < 3.12 (idempotent)."""
    global _done  # noqa: PLW0603 - a once-per-process switch
    if _done or sys.version_info >= (3, 12):
        return
    # ob_refcnt is the first field of every object in CPython's release builds.
    ctypes.c_ssize_t.from_address(id(None)).value += RESERVE
    _done = True
