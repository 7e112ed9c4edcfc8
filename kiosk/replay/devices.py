"""Replay devices: a bundle's timeline played to the engine as the lane's capture devices.

Each step comes ``after_s`` seconds (of the engine's clock) after the gate asked for it; a step
slower than the engine's timeout does not come (the engine sees None and acts on it). With a relay
simulator the traveller's steps are also played to the lane model (step in, pass the exit, step
back), so the presence sensors and door interlocks are the simulator's, not assumed.
"""

from __future__ import annotations

import time
from collections import deque

from biometrics.finger.results import FingerPosition
from gate_io.relay.simulator import RelaySimulator
from kiosk.engine.clock import RealClock, SimClock
from kiosk.engine.ports import Clip, FingerCapture, Presentation
from kiosk.replay.bundle import Bundle, TimelineEvent


class ReplayDevices:
    def __init__(
        self,
        bundle: Bundle,
        clock: RealClock | SimClock,
        simulator: RelaySimulator | None = None,
        *,
        walk_s: float = 0.8,
        time_scale: float = 1.0,
    ) -> None:
        self.bundle = bundle
        self.clock = clock
        self.simulator = simulator
        self.walk_s = walk_s
        self.time_scale = time_scale
        self._queues: dict[str, deque[TimelineEvent]] = {}
        for event in bundle.timeline:
            self._queues.setdefault(event.event, deque()).append(event)

    def _next(self, kind: str, timeout_s: float) -> TimelineEvent | None:
        queue = self._queues.get(kind)
        if not queue:
            self.clock.sleep(timeout_s)
            return None
        event = queue.popleft()
        if event.after_s > timeout_s:
            self.clock.sleep(timeout_s)
            return None
        self.clock.sleep(event.after_s)
        return event

    def wait_document(self, timeout_s: float) -> Presentation | None:
        event = self._next("document", timeout_s)
        if event is None or event.image is None:
            return None
        return Presentation(event.kind, event.image, f"{self.bundle.name}/{event.files[0]}")

    def wait_entered(self, timeout_s: float) -> bool:
        event = self._next("enter", timeout_s)
        if event is None:
            return False
        if self.simulator is not None:
            return self.simulator.step_in()
        return True

    def capture_face(self, duration_s: float, timeout_s: float) -> Clip | None:
        event = self._next("face", timeout_s)
        if event is None:
            return None
        keep = [i for i, t in enumerate(event.timestamps_s) if t - event.timestamps_s[0] <= duration_s + 1e-6]
        frames = tuple(event.frames[i] for i in keep)
        stamps = tuple(event.timestamps_s[i] for i in keep)
        self.clock.sleep(stamps[-1] - stamps[0])  # the clip takes its own time to capture
        return Clip(frames, stamps, f"{self.bundle.name}/{event.files[0]}")

    def wait_fingers(self, count: int, timeout_s: float) -> FingerCapture | None:
        event = self._next("fingers", timeout_s)
        if event is None:
            return None
        images = {FingerPosition(position): image for position, image in event.fingers[:max(count, 1)]}
        return FingerCapture(images, event.dpi, f"{self.bundle.name}/{event.files[0]}")

    def wait_exited(self, via: str, timeout_s: float) -> bool:
        event = self._next("exit", timeout_s)
        if event is None:
            return False
        if self.simulator is not None:
            moved = self.simulator.pass_exit() if via == "exit" else self.simulator.step_back()
            if not moved:
                return False
            time.sleep(self.walk_s * self.time_scale)
        self.clock.sleep(self.walk_s)
        return True
