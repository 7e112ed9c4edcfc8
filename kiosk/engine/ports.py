"""What the engine needs from the world, as small protocols: doors, lane, capture devices, stores.

The engine depends only on these; the relay driver (gate_io), the SQLite stores and the replay or
live devices are adapters that satisfy them. Capture calls take a timeout in seconds of the
engine's clock and return None when nothing came in time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from biometrics.face.results import FaceTemplate
from biometrics.finger.results import FingerPosition, FingerTemplate
from kiosk.policy.evidence import WatchlistMatch
from mrz.document import Document


class DoorController(Protocol):
    """The gate relay: doors and alarm (``relay_doors.RelayDoors`` over gate_io's RelayClient). Any may raise."""

    def open_entry(self) -> None: ...
    def close_entry(self) -> None: ...
    def open_exit(self) -> None: ...
    def close_exit(self) -> None: ...
    def set_alarm(self, on: bool) -> None: ...
    def close_all(self) -> None: ...
    def lane_problem(self) -> str | None:
        """What the lane sensors object to now (more than one person), or None."""
        ...
    def ready(self) -> bool:
        """The lane may take a traveller (the controller is healthy, the doors closed)."""
        ...
    def settle(self) -> None:
        """Return when every door commanded closed is closed."""
        ...


@dataclass(frozen=True)
class Presentation:
    """A document laid on the scanner (a page image) or a barcode shown to the reader."""

    kind: str  # "page" or "barcode"
    image: np.ndarray
    source: str = ""  # file or device it came from, for reports


@dataclass(frozen=True)
class Clip:
    frames: tuple[np.ndarray, ...]  # BGR uint8
    timestamps_s: tuple[float, ...]
    source: str = ""


@dataclass(frozen=True)
class FingerCapture:
    images: dict[FingerPosition, np.ndarray]  # grey uint8 per finger position
    dpi: int = 500
    source: str = ""


class Devices(Protocol):
    """The capture side of one lane: document scanner, lane sensors, face camera, finger scanner."""

    def wait_document(self, timeout_s: float) -> Presentation | None: ...
    def wait_entered(self, timeout_s: float) -> bool: ...
    def capture_face(self, duration_s: float, timeout_s: float) -> Clip | None: ...
    def wait_fingers(self, count: int, timeout_s: float) -> FingerCapture | None: ...
    def wait_exited(self, via: str, timeout_s: float) -> bool:
        """The traveller left the lane through the ``exit`` door, or back through the ``entry`` door."""
        ...


@dataclass(frozen=True)
class EnrolledPerson:
    """What the enrolment store holds about a document's holder, as the engine needs it."""

    person_id: str
    face: FaceTemplate | None = None
    fingers: dict[FingerPosition, FingerTemplate] = field(default_factory=dict)


class Enrolment(Protocol):
    def lookup(self, document: Document) -> EnrolledPerson | None: ...


class WatchList(Protocol):
    def check(self, document: Document) -> tuple[WatchlistMatch, ...]:
        """The entries this document or holder matches (empty: no hit)."""
        ...

