"""``kiosk bench store``: what the stores cost a traveller, with every write fsynced.

Per traveller, the writes the engine makes: open the transaction, three audit entries, one
sealed 30 KB face sample, then finish + audit in one atomic unit; plus the enrolment lookup
(decrypting a face and two finger templates) and a watch-list match against ``--watchlist``
entries. Also the audit verification rate. Runs on a fresh database in ``--dir`` (a temporary
folder by default: put it on the gate's real disk to measure that disk).
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from biometrics.face.results import FaceTemplate
from biometrics.finger.results import FingerPosition, FingerTemplate, Minutia
from kiosk.bench.common import percentile, rounded
from kiosk.config import Config
from kiosk.stores.crypto import generate_key
from kiosk.stores.enrolment import DocumentRecord
from kiosk.stores.gate import GateStore

HELP = "stores: per-traveller write cost (fsynced), enrolment lookup, watch-list match, audit verify rate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=200, help="travellers to simulate (default 200)")
    parser.add_argument("--watchlist", type=int, default=10000, help="watch-list entries (default 10000)")
    parser.add_argument("--dir", type=Path, help="folder for the database (default: a temporary folder)")


def _finger(position: FingerPosition, rng: np.random.Generator) -> FingerTemplate:
    minutiae = tuple(
        Minutia(float(rng.uniform(20, 280)), float(rng.uniform(20, 380)), float(rng.uniform(0, 6.28)), "ending", 60)
        for _ in range(60)
    )
    return FingerTemplate(position, minutiae, 300, 400)


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def _travel(store: GateStore, i: int, sample: bytes) -> None:
    tx = store.transactions.start("lane-1", {"kind": "P", "issuing_state": "VNM", "number": f"C{i:07d}"})
    for stage in ("document", "face", "fingers"):
        store.audit.append("engine", f"{stage}.done", f"tx:{tx}", {"ms": 100.0})
    store.samples.add(tx, "face_frame", sample, "jpeg")
    with store.atomic():
        store.transactions.finish(tx, "ACCEPT", ["ok"], scores={"face": 0.8}, stage_ms={"face": 400.0})
        store.audit.append("engine", "transaction.finish", f"tx:{tx}", {"decision": "ACCEPT"})


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "bench.db"
        with GateStore.open(path, generate_key()) as store:
            n_people = max(args.n, 1)
            for i in range(n_people):
                vector = rng.normal(size=128).astype(np.float32)
                store.enrolment.enrol(
                    "Nguyen", f"Van {i}", "1980-01-02", "VNM", [DocumentRecord("P", f"C{i:07d}", "VNM")],
                    face=FaceTemplate(vector, "enrolment"),
                    fingers={p: _finger(p, rng) for p in (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX)},
                )
            with store.atomic():
                for i in range(args.watchlist):
                    store.watchlist.add("wanted", "bench", "bench", document_number=f"W{i:08d}",
                                        surname="Trần", given_names=f"Thị {i}", birth_date="1970-01-01")
            sample = secrets.token_bytes(30_000)
            write_ms = [_ms(partial(_travel, store, i, sample)) for i in range(args.n)]
            lookup_ms = [_ms(partial(store.enrolment.by_document, f"C{i:07d}")) for i in range(args.n)]
            match_ms = [_ms(partial(store.watchlist.match, f"C{i:07d}", "NGUYEN", f"VAN {i}", "1980-01-02"))
                        for i in range(args.n)]
            start = time.perf_counter()
            report = store.audit.verify()
            verify_s = time.perf_counter() - start
        for name, values in (("writes", write_ms), ("lookup", lookup_ms), ("watchlist", match_ms)):
            p50, p95 = percentile(values, 50), percentile(values, 95)
            emit({"measure": name, "ms_p50": rounded(p50), "ms_p95": rounded(p95)})
    return {
        "n": args.n,
        "watchlist_entries": args.watchlist,
        "traveller_writes_ms_p50": rounded(percentile(write_ms, 50), 2),
        "traveller_writes_ms_p95": rounded(percentile(write_ms, 95), 2),
        "enrolment_lookup_ms_p50": rounded(percentile(lookup_ms, 50), 3),
        "enrolment_lookup_ms_p95": rounded(percentile(lookup_ms, 95), 3),
        "watchlist_match_ms_p50": rounded(percentile(match_ms, 50), 3),
        "watchlist_match_ms_p95": rounded(percentile(match_ms, 95), 3),
        "audit_entries": report.entries,
        "audit_intact": report.intact,
        "audit_verify_entries_per_s": round(report.entries / verify_s) if verify_s > 0 else None,
    }
