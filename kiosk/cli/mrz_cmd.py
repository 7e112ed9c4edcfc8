"""``kiosk mrz read IMAGE... --json``: the MRZ of each image, one JSON line per image.

The JSON shape is a contract other tools rely on: ``file``, ``ok``, ``format``, ``lines``,
``fields`` (document_type, issuing_state, document_number, surname, given_names, nationality,
birth_date and expiry_date as YYYY-MM-DD, sex, optional_data), ``checks`` ({name: passed}),
``ms``; an image without a readable MRZ gives ``"ok": false`` and an ``error``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config
from mrz.document import Document


def register(sub: Any) -> None:
    parser = sub.add_parser("mrz", help="read machine-readable zones from page images")
    msub = parser.add_subparsers(dest="mrz_command", required=True, metavar="ACTION")
    read = msub.add_parser("read", help="read the MRZ of page photos or scans")
    read.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    read.add_argument("--json", action="store_true", help="one JSON object per image")
    read.set_defaults(handler=_read)


def document_record(doc: Document) -> dict[str, Any]:
    """The contract's ``format``/``lines``/``fields``/``checks`` of a document."""
    return {
        "format": doc.format,
        "lines": list(doc.raw),
        "fields": {
            "document_type": doc.document_type,
            "issuing_state": doc.issuing_state,
            "document_number": doc.document_number,
            "surname": doc.surname,
            "given_names": doc.given_names,
            "nationality": doc.nationality,
            "birth_date": doc.birth_date.isoformat() if doc.birth_date else None,
            "sex": doc.sex,
            "expiry_date": doc.expiry_date.isoformat() if doc.expiry_date else None,
            "optional_data": doc.optional_data,
        },
        "checks": {c.name: c.passed for c in doc.checks},
    }


def _read(args: argparse.Namespace, config: Config) -> int:
    from kiosk.images import read_image
    from kiosk.runtime import session_factory
    from mrz.errors import DocumentError
    from mrz.reader import read_mrz

    factory = session_factory(config)
    status = 0
    for path in args.images:
        start = time.perf_counter()
        record: dict[str, Any] = {"file": str(path)}
        try:
            doc = read_mrz(read_image(path), factory=factory)
            record.update({"ok": True, **document_record(doc)})
        except DocumentError as exc:
            record.update({"ok": False, "error": str(exc)})
            status = 1
        record["ms"] = round((time.perf_counter() - start) * 1000.0, 1)
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        elif record["ok"]:
            print(f"{path}: {record['format']} " + " / ".join(record["lines"]))
        else:
            print(f"{path}: no MRZ: {record['error']}")
    return status
