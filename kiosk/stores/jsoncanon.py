"""Canonical JSON: one byte string per value, so hashes over it are reproducible."""

from __future__ import annotations

import json
import math
from typing import Any

from kiosk.stores.errors import StoreError


def _check(value: Any, where: str) -> None:
    if isinstance(value, bool | int | str) or value is None:
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StoreError(f"{where}: {value} is not a finite number")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise StoreError(f"{where}: key {key!r} is not a string")
            _check(item, f"{where}.{key}")
        return
    # bytes, arrays, images: raw biometrics and binary blobs never go into JSON columns.
    raise StoreError(f"{where}: {type(value).__name__} is not plain JSON data (no raw biometrics in records)")


def dumps(value: Any, where: str = "value") -> str:
    """Sorted keys, no spaces, UTF-8 kept; bytes, arrays and NaN are refused with where they are."""
    _check(value, where)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
