"""Frame sources behind one small interface: a camera index, an RTSP or HTTP stream, a video file,
or a folder of images (the replay source of recorded sessions follows the same interface).

A source never raises on an ordinary failure: ``read()`` returns ``None`` and the reason goes out as
a :class:`~gate_io.events.DeviceEvent` (``error`` for one dropped frame or unreadable image,
``disconnected`` after several in a row, ``recovered`` when a live source comes back, ``end`` when a
file or folder is exhausted). Frames are BGR ``uint8`` arrays, as OpenCV gives them.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from gate_io.events import EventCallback, EventEmitter, EventKind

_log = logging.getLogger(__name__)

Frame = NDArray[np.uint8]
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".pgm", ".ppm", ".tif", ".tiff", ".webp"})
_LIVE_PREFIXES = ("rtsp://", "rtsps://", "http://", "https://")


class FrameSource(Protocol):
    """What the engine needs from a camera."""

    name: str

    def open(self) -> bool:
        """Start the source; False (with an ``error`` event) if it cannot."""
        ...

    def read(self) -> Frame | None:
        """The next frame, or None (with an event saying why)."""
        ...

    def close(self) -> None: ...

    def subscribe(self, callback: EventCallback) -> None: ...


class CaptureSource:
    """An OpenCV ``VideoCapture``: camera index, stream URL (live) or video file (finite).

    A live source that drops ``max_failures`` frames in a row is reported ``disconnected`` and
    reopened, at most every ``reopen_s`` seconds, on later ``read()`` calls.
    """

    def __init__(self, target: int | str, *, name: str | None = None, max_failures: int = 5, reopen_s: float = 1.0):
        self.target = target
        self.live = isinstance(target, int) or str(target).lower().startswith(_LIVE_PREFIXES)
        self.name = name or (f"camera{target}" if isinstance(target, int) else Path(str(target)).name or str(target))
        self.max_failures = max_failures
        self.reopen_s = reopen_s
        self._events = EventEmitter(self.name)
        self._capture: cv2.VideoCapture | None = None
        self._failures = 0
        self._lost = False
        self._ended = False
        self._next_open = 0.0
        self._closed = False
        self._said_closed = False

    def subscribe(self, callback: EventCallback) -> None:
        self._events.subscribe(callback)

    def open(self) -> bool:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
        self._closed, self._said_closed = False, False
        self._next_open = time.monotonic() + self.reopen_s
        if not self.live and not Path(str(self.target)).is_file():
            self._events.emit(EventKind.ERROR, f"video file not found: {self.target}")
            return False
        try:
            capture = cv2.VideoCapture(self.target)
            opened = bool(capture.isOpened())
        except cv2.error as exc:
            self._events.emit(EventKind.ERROR, f"cannot open {self.target}: {exc}")
            return False
        if not opened:
            capture.release()
            self._events.emit(EventKind.ERROR, f"cannot open {self.target}")
            return False
        self._capture, self._failures, self._ended = capture, 0, False
        if self._lost:
            self._lost = False
            self._events.emit(EventKind.RECOVERED, f"{self.target} reopened")
        else:
            self._events.emit(EventKind.CONNECTED, str(self.target))
        return True

    def read(self) -> Frame | None:
        if self._capture is None:
            if self.live and not self._closed and time.monotonic() >= self._next_open:
                self.open()  # a camera that comes back: ``recovered`` (or ``error`` again)
            elif not self.live and not self._said_closed:
                self._said_closed = True
                self._events.emit(EventKind.ERROR, f"{self.target} is not open")
            return None
        try:
            ok, frame = self._capture.read()
        except cv2.error as exc:
            ok, frame = False, None
            _log.debug("read failed on %s: %s", self.name, exc)
        if ok and frame is not None:
            self._failures = 0
            return np.asarray(frame, dtype=np.uint8)
        if not self.live:
            if not self._ended:
                self._ended = True
                self._events.emit(EventKind.END, f"{self.target}: no more frames")
            return None
        self._failures += 1
        self._events.emit(EventKind.ERROR, f"frame dropped ({self._failures} in a row)")
        if self._failures >= self.max_failures:
            self._capture.release()
            self._capture, self._lost = None, True
            self._next_open = time.monotonic() + self.reopen_s
            self._events.emit(
                EventKind.DISCONNECTED, f"{self._failures} frames dropped in a row; reopening every {self.reopen_s} s"
            )
        return None

    def close(self) -> None:
        self._closed = True
        if self._capture is not None:
            self._capture.release()
            self._capture = None
            self._events.emit(EventKind.DISCONNECTED, "closed")


class ImageFolderSource:
    """The images of a folder in name order, one per ``read()`` (``loop`` starts over at the end)."""

    def __init__(self, folder: str | Path, *, name: str | None = None, loop: bool = False) -> None:
        self.folder = Path(folder)
        self.name = name or self.folder.name or str(self.folder)
        self.loop = loop
        self._events = EventEmitter(self.name)
        self._files: list[Path] = []
        self._next = 0
        self._ended = False

    def subscribe(self, callback: EventCallback) -> None:
        self._events.subscribe(callback)

    def open(self) -> bool:
        if not self.folder.is_dir():
            self._events.emit(EventKind.ERROR, f"image folder not found: {self.folder}")
            return False
        self._files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        self._next, self._ended = 0, False
        if not self._files:
            self._events.emit(EventKind.ERROR, f"no images in {self.folder}")
            return False
        self._events.emit(EventKind.CONNECTED, f"{self.folder} ({len(self._files)} images)")
        return True

    def read(self) -> Frame | None:
        if self._next >= len(self._files):
            if self.loop and self._files:
                self._next = 0
            else:
                if not self._ended and self._files:
                    self._ended = True
                    self._events.emit(EventKind.END, f"{self.folder}: no more images")
                return None
        path = self._files[self._next]
        self._next += 1
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            self._events.emit(EventKind.ERROR, f"unreadable image: {path}")
            return None
        return np.asarray(image, dtype=np.uint8)

    def close(self) -> None:
        self._files, self._next = [], 0


def open_frame_source(spec: int | str | Path, *, name: str | None = None) -> FrameSource:
    """The source a spec names (not yet opened): an int or digits = camera index, ``rtsp://`` or
    ``http(s)://`` = stream, a folder = image folder, anything else = video file."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CaptureSource(int(spec), name=name)
    text = str(spec)
    if text.lower().startswith(_LIVE_PREFIXES):
        return CaptureSource(text, name=name)
    if Path(text).is_dir():
        return ImageFolderSource(text, name=name)
    return CaptureSource(text, name=name)
