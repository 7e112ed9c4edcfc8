"""``kiosk bench barcode``: our decoder against pyzbar alone on the same photos of 2D codes.

DIR holds sub-folders of ``N.png|jpg`` with ``N.txt`` (the expected text) or ``N.bin`` (the
expected bytes), as ZXing's black-box sets do. An image counts as decoded when one of the codes
read equals the expectation; line endings are compared as LF because the expected files were
stored with LF while several codes carry CR LF. Also reports zxing-cpp's single plain pass, so
the effect of our retry passes is visible.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.bench.common import image_files, percentile, rounded, timed
from kiosk.config import Config

HELP = "2D barcodes (QR, DataMatrix, PDF417, Aztec): ours vs pyzbar, decoded fraction and speed per set"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, required=True, help="folder of sets with N.png + N.txt/N.bin")


def _expected(image: Path) -> tuple[str, str | bytes] | None:
    text, binary = image.with_suffix(".txt"), image.with_suffix(".bin")
    if text.is_file():
        return "text", text.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    if binary.is_file():
        return "raw", binary.read_bytes()
    return None


def _match(kind: str, expected: str | bytes, texts: list[str], raws: list[bytes]) -> bool:
    if kind == "text":
        return expected in [t.replace("\r\n", "\n") for t in texts]
    return expected in raws


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    import cv2
    import zxingcpp
    from pyzbar import pyzbar

    from mrz.barcodes import FORMATS, decode_barcodes

    def ours(gray: np.ndarray) -> tuple[list[str], list[bytes]]:
        codes = decode_barcodes(gray)
        return [c.text for c in codes], [c.raw for c in codes]

    def with_pyzbar(gray: np.ndarray) -> tuple[list[str], list[bytes]]:
        codes = pyzbar.decode(gray)
        return [c.data.decode("utf-8", "replace") for c in codes], [bytes(c.data) for c in codes]

    def zxing_single_pass(gray: np.ndarray) -> tuple[list[str], list[bytes]]:
        codes = zxingcpp.read_barcodes(gray, formats=FORMATS, text_mode=zxingcpp.TextMode.Plain)
        return [c.text for c in codes], [bytes(c.bytes) for c in codes]

    engines: dict[str, Callable[[np.ndarray], tuple[list[str], list[bytes]]]] = {
        "ours": ours, "pyzbar": with_pyzbar, "zxing_single_pass": zxing_single_pass,
    }
    results: dict[str, dict[str, list[Any]]] = {name: {"hits": [], "ms": []} for name in engines}
    per_set: dict[str, dict[str, int]] = {}
    images = [p for p in image_files(args.dir) if _expected(p) is not None]
    for path in images:
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        expectation = _expected(path)
        if gray is None or expectation is None:
            emit({"file": str(path), "skipped": "unreadable"})
            continue
        kind, expected = expectation
        set_name = path.parent.relative_to(args.dir).as_posix()
        counts = per_set.setdefault(set_name, {"n": 0, **{name: 0 for name in engines}})
        counts["n"] += 1
        record: dict[str, Any] = {"file": str(path)}
        for name, engine in engines.items():
            (texts, raws), ms = timed(partial(engine, gray))
            hit = _match(kind, expected, texts, raws)
            results[name]["hits"].append(hit)
            results[name]["ms"].append(ms)
            counts[name] += hit
            record[name] = hit
        emit(record)

    def summary(name: str) -> dict[str, Any]:
        hits = results[name]["hits"]
        return {"decoded": rounded(sum(hits) / len(hits)) if hits else None,
                "p50_ms": rounded(percentile(results[name]["ms"], 50), 1)}

    return {
        "n": len(results["ours"]["hits"]),
        "ours": summary("ours"),
        "pyzbar": summary("pyzbar"),
        "zxing_single_pass": summary("zxing_single_pass"),
        "sets": {name: {k: (rounded(v / c["n"]) if k != "n" else v) for k, v in c.items()}
                 for name, c in sorted(per_set.items())},
    }
