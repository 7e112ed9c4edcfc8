"""Sample content for screenshots of every screen before a live gate is attached.

The faces are real photographs from the data root (faces/london); the scores, names and
document fields are illustrative and labelled so: this module renders the screens, it does
not stand in for a gate (``SampleLane`` refuses every command with a clear reason).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from kiosk.config import Config
from kiosk.ui.console.gateway import GatewayError, InProcessGateway
from kiosk.ui.console.model import (
    Case,
    CaseReason,
    Decision,
    Door,
    DoorState,
    FingerResult,
    LaneStatus,
    Measure,
    TransactionRecord,
    WatchEntry,
)


class SampleLane:
    """A lane shown on the console with no gate behind it: every command is refused, loudly."""

    def __init__(self, lane_id: str) -> None:
        self.lane_id = lane_id

    def _refuse(self) -> None:
        raise GatewayError(f"lane {self.lane_id} is a sample with no gate attached")

    def decide(self, case_id: str, decision: Decision, reason: str, officer: str) -> None:
        self._refuse()

    def set_door(self, door: Door, open_: bool) -> None:
        self._refuse()

    def emergency_open(self) -> None:
        self._refuse()


def load_rgb(path: Path, max_side: int = 480) -> NDArray[np.uint8]:
    """An image file as RGB, shrunk to ``max_side``."""
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        rgb.thumbnail((max_side, max_side))
        return np.asarray(rgb, dtype=np.uint8).copy()


def face_pair(data_root: Path, identity: str = "001") -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """(document-style portrait, live-style frame) of one London identity."""
    folder = data_root / "faces" / "london" / identity
    return load_rgb(folder / "neutral.jpg"), load_rgb(folder / "smiling.jpg")


def sample_gateway(data_root: Path, config: Config, now: float | None = None) -> InProcessGateway:
    """Three lanes (one with a referral waiting, one with a fault) and a few transactions, shown against
    the running configuration's thresholds (as a gate running it would show them)."""
    face_t = config.face.verification.threshold
    live_t = config.face.liveness.model_threshold
    finger_t, fused_t = config.finger.threshold, config.finger.threshold_for(2)
    now = time.time() if now is None else now
    portrait, live = face_pair(data_root, "001")
    portrait2, live2 = face_pair(data_root, "014")
    gw = InProcessGateway()
    gw.attach(LaneStatus("1", "decision", "NGUYEN VAN AN", referral_id="c-0001", entry_door=DoorState.CLOSED,
                         exit_door=DoorState.CLOSED), SampleLane("1"))
    gw.attach(LaneStatus("2", "face", "CHEN MEI"), SampleLane("2"))
    gw.attach(LaneStatus("3", "idle", None, alarms=("relay: connection lost",), entry_door=DoorState.FAULT,
                         exit_door=DoorState.CLOSED, in_service=False), SampleLane("3"))
    gw.refer(Case(
        case_id="c-0001", lane_id="1", opened_at=now - 42, traveller="NGUYEN VAN AN",
        document=(("kind", "border_pass (TD1)"), ("number", "B1234567"), ("nationality", "VNM"),
                  ("surname", "NGUYEN"), ("given_names", "VAN AN"), ("birth_date", "1988-04-12"),
                  ("expiry", "2029-04-11"), ("checks", "✓")),
        portrait=portrait, live_face=live,
        face=Measure(0.512, face_t, False), liveness=Measure(0.91, live_t, True),
        fingers=(FingerResult("right_index", 0.41, finger_t, 62, True),
                 FingerResult("left_index", None, finger_t, 18, None)),
        watchlist=(),
        reasons=(CaseReason("FACE_MISMATCH", f"score 0.512 < threshold {face_t:.3f}", "REFER"),
                 CaseReason("FINGER_NOT_CAPTURED", "left index quality 18 after 1 retry", "REFER")),
        finger=Measure(0.41, fused_t, True), transaction_id="sample-0001", reference="document_page",
    ))
    gw.refer(Case(
        case_id="c-0002", lane_id="2", opened_at=now - 8, traveller="CHEN MEI",
        document=(("kind", "passport (TD3)"), ("number", "E98765432"), ("nationality", "CHN")),
        portrait=portrait2, live_face=live2,
        face=Measure(0.81, face_t, True), liveness=Measure(0.88, live_t, True), fingers=(),
        watchlist=(WatchEntry("banned_exit", "court order 2026/114", "name_birth_date", "CHEN MEI", "1990-02-01", "",
                              "ministry list 2026-11", "2026-11-20"),),
        reasons=(CaseReason("WATCHLIST_HIT", "banned_exit: court order 2026/114 (by name_birth_date)", "REFER"),),
        finger=Measure(None, fused_t, None), transaction_id="sample-0002", reference="document_page",
        fingers_required=0,
    ))
    rows = [
        ("t-101", now - 600, "1", "TRAN THI BINH", "C0456789", "ACCEPT", ()),
        ("t-102", now - 540, "2", "SOUVANNA PHOUMA", "P0123456", "ACCEPT", ()),
        ("t-103", now - 420, "1", "SOK DARA", "N0987654", "REJECT", ("DOC_EXPIRED: expired 2026-10-01",)),
        ("t-104", now - 300, "2", "LE VAN CUONG", "B7654321", "APPROVED",
         ("FACE_MISMATCH", "OFFICER_APPROVED: glasses, identity checked by hand")),
    ]
    for tid, t, lane, name, number, decision, reasons in rows:
        gw.record(TransactionRecord(tid, t, lane, name, number, decision, reasons))
    return gw
