"""Device events shared by every device (cameras, scanners, the relay controller).

Devices never raise on an ordinary failure at run time (a dropped frame, a lost connection): they
report it as a :class:`DeviceEvent` to their subscribers and return a neutral value, so the
transaction engine, the console and the recorder all see the same facts in the same order.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

_log = logging.getLogger(__name__)


class EventKind(StrEnum):
    """What happened to a device (a ``StrEnum``: compares equal to its plain string)."""

    CONNECTED = "connected"  # the device answered for the first time
    DISCONNECTED = "disconnected"  # the device stopped answering
    ERROR = "error"  # one operation failed (a dropped frame, a missing file); the device may go on
    FAULT = "fault"  # the device is unsafe or unusable until it recovers (stuck door, lost controller)
    RECOVERED = "recovered"  # back to normal after a disconnect or fault
    END = "end"  # a finite source (video file, image folder) has no more data


@dataclass(frozen=True)
class DeviceEvent:
    """One thing that happened to one device; ``t`` is ``time.monotonic()`` when it was seen."""

    device: str
    kind: EventKind
    detail: str = ""
    t: float = field(default_factory=time.monotonic)


EventCallback = Callable[[DeviceEvent], None]


class EventEmitter:
    """Subscriber list for one device. A failing subscriber is logged and never breaks the device."""

    def __init__(self, device: str) -> None:
        self.device = device
        self._callbacks: list[EventCallback] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: EventCallback) -> None:
        with self._lock:
            self._callbacks.append(callback)

    def unsubscribe(self, callback: EventCallback) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def emit(self, kind: EventKind, detail: str = "") -> DeviceEvent:
        """Build the event, log it and hand it to every subscriber (in the caller's thread)."""
        event = DeviceEvent(self.device, kind, detail)
        level = logging.WARNING if kind in (EventKind.ERROR, EventKind.FAULT, EventKind.DISCONNECTED) else logging.INFO
        _log.log(level, "%s %s %s", self.device, kind.value, detail)
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                _log.exception("event subscriber failed on %s", event)
        return event
