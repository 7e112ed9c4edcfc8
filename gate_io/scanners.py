"""Capture devices beside the camera: document scanner, barcode reader, fingerprint scanner, lane sensors.

The scanners here are fed from files (one image, or a folder of images taken in name order), the
way a test lab drives a gate without the hardware; a vendor driver would satisfy the same small
interface. Like the frame sources they never raise on an ordinary failure: they return None and
report why as a :class:`~gate_io.events.DeviceEvent` (``connected`` once, ``error`` for an
unreadable file, ``end`` when the files are exhausted).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from gate_io.events import EventCallback, EventEmitter, EventKind
from gate_io.frames import IMAGE_SUFFIXES
from gate_io.relay.client import RelayClient, RelayStatus

Image = NDArray[np.uint8]
_POSITION = re.compile(r"(?:^|pos)(10|[1-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class Scan:
    """One image taken by a scanner, with the file or device it came from."""

    image: Image
    source: str


class _ImageFeed:
    """The images of one file or folder, one per ``take()``; ``end`` once they are used up."""

    def __init__(self, path: Path, events: EventEmitter, *, grey: bool) -> None:
        self.path = path
        self.grey = grey
        self._events = events
        self._files: list[Path] | None = None
        self._ended = False

    def open(self) -> bool:
        if self.path.is_file():
            self._files = [self.path]
        elif self.path.is_dir():
            self._files = sorted(p for p in self.path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            self._events.emit(EventKind.ERROR, f"not found: {self.path}")
            return False
        if not self._files:
            self._events.emit(EventKind.ERROR, f"no images in {self.path}")
            return False
        self._events.emit(EventKind.CONNECTED, f"{self.path} ({len(self._files)} images)")
        return True

    @property
    def exhausted(self) -> bool:
        return self._files is not None and not self._files

    def take(self) -> Scan | None:
        if self._files is None and not self.open():
            self._files, self._ended = [], True  # the failure to open was the event
            return None
        assert self._files is not None
        if not self._files:
            if not self._ended:
                self._ended = True
                self._events.emit(EventKind.END, f"{self.path}: no more images")
            return None
        path = self._files.pop(0)
        data = np.fromfile(str(path), np.uint8) if path.is_file() else np.zeros(0, np.uint8)
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE if self.grey else cv2.IMREAD_COLOR) if data.size else None
        if image is None:
            self._events.emit(EventKind.ERROR, f"unreadable image: {path}")
            return None
        return Scan(np.asarray(image, dtype=np.uint8), str(path))


class DocumentScanner:
    """A page scanner (``kind="page"``) or a barcode reader (``kind="barcode"``) fed from a file or folder.

    ``scan()`` is "a document is present": the next image, or None when there is none.
    """

    def __init__(self, path: str | Path, *, kind: str = "page", name: str | None = None) -> None:
        if kind not in ("page", "barcode"):
            raise ValueError(f"kind must be page or barcode, got {kind!r}")
        self.kind = kind
        self.name = name or ("document_scanner" if kind == "page" else "barcode_reader")
        self._events = EventEmitter(self.name)
        self._feed = _ImageFeed(Path(path), self._events, grey=False)

    def subscribe(self, callback: EventCallback) -> None:
        self._events.subscribe(callback)

    def open(self) -> bool:
        return self._feed.open()

    @property
    def exhausted(self) -> bool:
        return self._feed.exhausted

    def scan(self) -> Scan | None:
        return self._feed.take()


def finger_position(path: str | Path) -> int:
    """The ISO finger position (1-10) a file name gives (``2.png``, ``right_index_pos2.png``), else 0 (unknown:
    compared with every enrolled finger). FVC-style ``103_3`` (finger 103, impression 3) is unknown."""
    match = _POSITION.search(Path(path).stem)
    return int(match.group(1)) if match else 0


class FingerScanner:
    """A fingerprint scanner fed from a file or folder of grey finger images.

    ``capture(count)`` takes the next ``count`` images; each one's finger position is read from its
    file name (:func:`finger_position`).
    """

    def __init__(self, path: str | Path, *, dpi: int = 500, name: str = "finger_scanner") -> None:
        if not 250 <= dpi <= 1000:
            raise ValueError(f"dpi must be 250..1000, got {dpi}")
        self.dpi = dpi
        self.name = name
        self._events = EventEmitter(name)
        self._feed = _ImageFeed(Path(path), self._events, grey=True)

    def subscribe(self, callback: EventCallback) -> None:
        self._events.subscribe(callback)

    def open(self) -> bool:
        return self._feed.open()

    def capture(self, count: int) -> list[tuple[int, Scan]] | None:
        taken: list[tuple[int, Scan]] = []
        for _ in range(max(count, 1)):
            scan = self._feed.take()
            if scan is None:
                break
            taken.append((finger_position(scan.source), scan))
        return taken or None


class PresenceSensor(Protocol):
    def status(self) -> RelayStatus: ...


class LaneSensors:
    """The lane's presence sensors, read through the relay controller's inputs.

    Waiting polls the controller; a controller that is gone is reported once as ``error`` (its own
    ``fault`` events come from the relay driver) and the wait gives up.
    """

    def __init__(self, relay: RelayClient | PresenceSensor, *, poll_s: float = 0.05, name: str = "lane_sensors"):
        self.relay = relay
        self.poll_s = poll_s
        self.name = name
        self._events = EventEmitter(name)

    def subscribe(self, callback: EventCallback) -> None:
        self._events.subscribe(callback)

    def wait(self, occupied: bool, timeout_s: float) -> bool:
        """Wait until somebody is in the lane (``occupied``) or nobody is; False on timeout or fault."""
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.relay.status()
            if not status.healthy:
                self._events.emit(EventKind.ERROR, f"presence unknown: {status.fault}")
                return False
            someone = status.entry_presence or status.exit_presence
            if someone == occupied:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.poll_s)
