"""``kiosk bench mrz``: our MRZ reader against PassportEye on the same page images, in one run.

TRUTH is JSON ``{relative image path: [MRZ lines]}``. For each image both readers get the file;
their MRZ lines are compared with the truth:

* ``exact``: the fraction of images whose every line equals the truth (no read = wrong);
* ``char_acc``: per image, ``1 - edit distance / truth length`` over the lines joined with a
  newline (floored at 0; no read = 0), averaged over images;
* ``checks_pass``: the fraction of images whose lines, as read (no repair), pass every check
  digit of their layout;
* ``p50_ms`` / ``p95_ms``: wall time per image from the file (decoding included), after one
  warm-up image per reader.

PassportEye's lines are its ``aux["text"]`` (its cleaned OCR text).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from kiosk.bench.common import percentile, rounded, timed
from kiosk.config import Config

HELP = "MRZ reading: ours vs PassportEye, exact full-MRZ reads, character accuracy, checks, speed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--images", type=Path, required=True, help="folder the truth's paths are relative to")
    parser.add_argument("--truth", type=Path, required=True, help='JSON {"relative/path.jpg": ["line 1", ...]}')
    parser.add_argument("--engines", default="ours,passporteye", help="comma-separated subset of ours,passporteye")


def edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def char_accuracy(read: Sequence[str], truth: Sequence[str]) -> float:
    expected = "\n".join(truth)
    return max(0.0, 1.0 - edit_distance("\n".join(read), expected) / max(len(expected), 1))


def check_digits_pass(lines: Sequence[str]) -> bool:
    """Whether the lines as given (no repair) pass every check digit of their layout."""
    from mrz.formats import layout_for
    from mrz.repair import check_passes

    if not lines or len({len(line) for line in lines}) != 1:
        return False
    layout = layout_for(len(lines), len(lines[0]), lines[0][:1])
    if layout is None:
        return False
    grid = [list(line) for line in lines]
    return bool(layout.checks) and all(check_passes(c, grid) for c in layout.checks)


def _ours(config: Config) -> Callable[[Path], list[str]]:
    from kiosk.images import read_image
    from kiosk.runtime import session_factory
    from mrz.errors import DocumentError
    from mrz.reader import read_mrz

    factory = session_factory(config)

    def read(path: Path) -> list[str]:
        try:
            return list(read_mrz(read_image(path), factory=factory).raw)
        except DocumentError:
            return []

    return read


def _passporteye() -> Callable[[Path], list[str]]:
    from passporteye import read_mrz

    logging.getLogger("passporteye").setLevel(logging.ERROR)

    def read(path: Path) -> list[str]:
        try:
            found = read_mrz(str(path))
        except Exception:  # PassportEye raises assorted errors on images it cannot handle
            return []
        return [] if found is None else [line for line in str(found.aux.get("text", "")).split("\n") if line]

    return read


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    import warnings

    warnings.filterwarnings("ignore")  # PassportEye's dependencies warn about deprecated APIs on every call
    truth: dict[str, list[str]] = json.loads(args.truth.read_text(encoding="utf-8"))
    items = [(args.images / rel, lines) for rel, lines in sorted(truth.items())]
    missing = [str(p) for p, _ in items if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} truth image(s) not found, first: {missing[0]}")
    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = sorted(set(names) - {"ours", "passporteye"})
    if unknown or not names:
        raise ValueError(f"unknown engine(s) {', '.join(unknown) or '(none)'}; choose from ours, passporteye")
    builders = {"ours": lambda: _ours(config), "passporteye": _passporteye}
    engines = {name: builders[name]() for name in ("ours", "passporteye") if name in names}
    results: dict[str, list[dict[str, Any]]] = {}
    for name, engine in engines.items():
        engine(items[0][0])  # warm-up: model loading, first tesseract start
        rows = []
        for path, lines in items:
            read, ms = timed(partial(engine, path))
            row = {"exact": read == lines, "char_acc": char_accuracy(read, lines),
                   "checks_pass": check_digits_pass(read), "ms": ms}
            rows.append(row)
            emit({"file": str(path), "engine": name, "read": read, **{k: v for k, v in row.items() if k != "ms"},
                  "ms": round(ms, 1)})
        results[name] = rows

    def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(rows)
        return {
            "exact": rounded(sum(r["exact"] for r in rows) / n),
            "char_acc": rounded(sum(r["char_acc"] for r in rows) / n),
            "checks_pass": rounded(sum(r["checks_pass"] for r in rows) / n),
            "p50_ms": rounded(percentile([r["ms"] for r in rows], 50), 1),
            "p95_ms": rounded(percentile([r["ms"] for r in rows], 95), 1),
        }

    return {"n": len(items), **{name: summary(rows) for name, rows in results.items()}}
