"""Imports of the third-party baselines our benchmarks run beside our own code.

``face_recognition`` reacts to a missing ``face_recognition_models`` by printing a hint and
calling ``quit()``, which exits the process with status 0: a broken install would look like
success. ``import_face_recognition`` turns that into a named error.
"""

from __future__ import annotations

import importlib
from types import ModuleType


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
