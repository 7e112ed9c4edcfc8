"""``kiosk barcode read IMAGE... --json``: every 2D code in each image, one JSON line per image."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("barcode", help="decode QR, DataMatrix, PDF417 and Aztec codes")
    bsub = parser.add_subparsers(dest="barcode_command", required=True, metavar="ACTION")
    read = bsub.add_parser("read", help="decode the codes in images")
    read.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    read.add_argument("--json", action="store_true", help="one JSON object per image")
    read.set_defaults(handler=_read)


def _read(args: argparse.Namespace, config: Config) -> int:
    from kiosk.images import read_image
    from mrz.barcodes import decode_barcodes
    from mrz.errors import DocumentError

    status = 0
    for path in args.images:
        start = time.perf_counter()
        record: dict[str, Any] = {"file": str(path)}
        try:
            codes = decode_barcodes(read_image(path))
            record["codes"] = [{"format": c.format, "text": c.text} for c in codes]
        except DocumentError as exc:
            record["codes"], record["error"] = [], str(exc)
            status = 1
        record["ms"] = round((time.perf_counter() - start) * 1000.0, 1)
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            found = "; ".join(f"{c['format']}: {c['text']!r}" for c in record["codes"])
            found = found or record.get("error", "no code")
            print(f"{path}: {found}")
    return status
