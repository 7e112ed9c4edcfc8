"""The lane's live devices as the engine's ``Devices``: a frame source, scanners, the lane sensors.

Each device is a gate_io device (a camera, stream, video file or image folder; scanners fed from
files; the presence sensors behind the relay controller). With the in-process relay simulator
nobody walks through the lane, so a :class:`SimTraveller` plays the traveller's steps to it once a
door is passable; with real hardware the sensors follow the real person.
"""

from __future__ import annotations

import logging
import time

from biometrics.finger.results import FingerPosition
from gate_io.frames import Frame, FrameSource
from gate_io.relay.simulator import RelaySimulator
from gate_io.scanners import DocumentScanner, FingerScanner, LaneSensors
from kiosk.engine.clock import RealClock
from kiosk.engine.ports import Clip, FingerCapture, Presentation
from kiosk.replay.bundle import MAX_FRAMES

log = logging.getLogger(__name__)


class SimTraveller:
    """A traveller for the relay simulator: steps through a door ``delay_s`` after it is passable."""

    def __init__(self, simulator: RelaySimulator, *, delay_s: float = 0.3, poll_s: float = 0.05) -> None:
        self.simulator = simulator
        self.delay_s = delay_s
        self.poll_s = poll_s

    def _move(self, move: str, timeout_s: float) -> bool:
        time.sleep(self.delay_s)
        deadline = time.monotonic() + max(0.0, timeout_s - self.delay_s)
        action = {"in": self.simulator.step_in, "exit": self.simulator.pass_exit,
                  "entry": self.simulator.step_back}[move]
        while not action():
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.poll_s)
        return True

    def step_in(self, timeout_s: float) -> bool:
        return self._move("in", timeout_s)

    def leave(self, via: str, timeout_s: float) -> bool:
        return self._move(via, timeout_s)


class LiveDevices:
    """What the engine asks of a lane, answered by live devices in real time.

    Finite sources (a video file, an image folder) have no clock of their own: their frames are
    read at ``fps`` and stamped ``i / fps``; a live camera's frames are stamped when read.
    """

    def __init__(
        self,
        lane: LaneSensors,
        *,
        camera: FrameSource | None = None,
        document: DocumentScanner | None = None,
        barcode: DocumentScanner | None = None,
        fingers: FingerScanner | None = None,
        traveller: SimTraveller | None = None,
        fps: float = 15.0,
        poll_s: float = 0.05,
    ) -> None:
        self.lane = lane
        self.camera = camera
        self.scanners = [s for s in (document, barcode) if s is not None]
        self.fingers = fingers
        self.traveller = traveller
        self.fps = fps
        self.poll_s = poll_s
        self.clock = RealClock()
        self._camera_open = False

    def open(self) -> list[str]:
        """Open every device now (not at the first traveller); the names of those that cannot be opened."""
        failed = [s.name for s in self.scanners if not s.open()]
        if self.fingers is not None and not self.fingers.open():
            failed.append(self.fingers.name)
        if self.camera is not None:
            self._camera_open = self.camera.open()
            if not self._camera_open:
                failed.append(self.camera.name)
        return failed

    @property
    def exhausted(self) -> bool:
        """Every document source is used up: no further traveller can come."""
        return all(s.exhausted for s in self.scanners)

    def wait_document(self, timeout_s: float) -> Presentation | None:
        deadline = self.clock.now() + timeout_s
        while True:
            for scanner in self.scanners:
                if scanner.exhausted:
                    continue
                scan = scanner.scan()
                if scan is not None:
                    return Presentation(scanner.kind, scan.image, scan.source)
            if self.exhausted or self.clock.now() >= deadline:
                return None
            self.clock.sleep(self.poll_s)

    def wait_entered(self, timeout_s: float) -> bool:
        start = self.clock.now()
        if self.traveller is not None and not self.traveller.step_in(timeout_s):
            return False
        return self.lane.wait(True, max(0.0, timeout_s - (self.clock.now() - start)))

    def capture_face(self, duration_s: float, timeout_s: float) -> Clip | None:
        camera = self.camera
        if camera is None:
            return None  # a lane without a camera: nothing will come
        if not self._camera_open:
            self._camera_open = camera.open()
            if not self._camera_open:
                return None
        live = bool(getattr(camera, "live", False))
        frames: list[Frame] = []
        stamps: list[float] = []
        deadline = self.clock.now() + timeout_s
        first: float | None = None
        while len(frames) < MAX_FRAMES:
            frame = camera.read()
            now = self.clock.now()
            if frame is None:
                if not live:
                    break  # a file or folder that ended (or an unreadable image): nothing more comes
                if (first is None and now >= deadline) or (first is not None and now - first > duration_s):
                    break
                self.clock.sleep(self.poll_s)
                continue
            if first is None:
                first = now
            t = now - first if live else len(frames) / self.fps
            if t > duration_s + 1e-6:
                break
            frames.append(frame)
            stamps.append(round(t, 4))
            if not live:
                self.clock.sleep(1.0 / self.fps)
        if not frames:
            return None
        return Clip(tuple(frames), tuple(stamps), getattr(camera, "name", "camera"))

    def wait_fingers(self, count: int, timeout_s: float) -> FingerCapture | None:
        if self.fingers is None:
            return None
        taken = self.fingers.capture(count)
        if taken is None:
            return None
        images = {FingerPosition(position): scan.image for position, scan in taken}
        return FingerCapture(images, self.fingers.dpi, ", ".join(scan.source for _, scan in taken))

    def wait_exited(self, via: str, timeout_s: float) -> bool:
        start = self.clock.now()
        if self.traveller is not None and not self.traveller.leave(via, timeout_s):
            return False
        return self.lane.wait(False, max(0.0, timeout_s - (self.clock.now() - start)))

    def close(self) -> None:
        if self.camera is not None and self._camera_open:
            self.camera.close()
            self._camera_open = False
