"""The engine's doors over the relay driver: command a door, wait until it has moved, count lane time.

Opening returns when the door is passable (``passable`` of its opening time: the traveller starts
through a door still opening, as the relay simulator's lane model lets them at 70 %), and first waits
until the other door is closed (the interlock); closing returns at once, and ``settle`` waits until
the doors are closed. With a
simulated lane clock the doors of the simulator may move ``time_scale`` times faster than real
ones, while the lane clock is charged the real motion times: replays stay fast and honest.
"""

from __future__ import annotations

import time

from gate_io.relay.client import RelayClient, RelayStatus
from gate_io.relay.errors import RelayError
from kiosk.engine.clock import RealClock, SimClock


class RelayDoors:
    def __init__(
        self,
        client: RelayClient,
        clock: RealClock | SimClock,
        *,
        open_s: float = 1.2,
        close_s: float = 1.5,
        time_scale: float = 1.0,
        margin_s: float = 2.0,
        passable: float = 0.7,
    ) -> None:
        self.client = client
        self.clock = clock
        self.open_s = open_s
        self.close_s = close_s
        self.time_scale = time_scale
        self.margin_s = margin_s
        self.passable = passable  # fraction of the opening time after which a person fits through
        self._closing: dict[bool, float] = {}  # door (True = entry) -> clock time its close was commanded

    def _charge(self, seconds: float, real_elapsed: float) -> None:
        if isinstance(self.clock, SimClock):
            self.clock.sleep(seconds)
        else:
            self.clock.sleep(max(0.0, seconds - real_elapsed))

    def _open(self, entry: bool) -> None:
        self._settle(not entry)  # the interlock: the other door must be closed first
        start = time.monotonic()
        (self.client.open_entry if entry else self.client.open_exit)()
        time.sleep(self.open_s * self.passable * self.time_scale)
        self._charge(self.open_s * self.passable, time.monotonic() - start)

    def _close(self, entry: bool) -> None:
        """Command the door closed and return at once: the traveller's next step need not wait for it."""
        (self.client.close_entry if entry else self.client.close_exit)()
        self._closing[entry] = self.clock.now()

    def _settle(self, entry: bool) -> None:
        """Wait until a door commanded closed is closed; the lane clock is charged what is left of its motion."""
        since = self._closing.pop(entry, None)
        if since is None:
            return

        def closed(s: RelayStatus) -> bool:
            return s.entry_closed if entry else s.exit_closed

        self.client.wait_for(closed, self.close_s * self.time_scale + self.margin_s, require_healthy=False)
        if isinstance(self.clock, SimClock):
            self.clock.advance_to(since + self.close_s)

    def lane_problem(self) -> str | None:
        status = self.client.status()
        if status.multiple_persons:
            return "the lane sensors see more than one person"
        return None

    def ready(self) -> bool:
        status = self.client.status()
        return status.healthy and status.entry_closed and status.exit_closed

    def settle(self) -> None:
        """Wait until both doors commanded closed are closed (the lane is ready for the next traveller)."""
        self._settle(True)
        self._settle(False)

    def open_entry(self) -> None:
        self._open(True)

    def close_entry(self) -> None:
        self._close(True)

    def open_exit(self) -> None:
        self._open(False)

    def close_exit(self) -> None:
        self._close(False)

    def set_alarm(self, on: bool) -> None:
        self.client.set_alarm(on)

    def close_all(self) -> None:
        if not self.client.close_all():
            raise RelayError("close_all not delivered: the relay controller is unreachable")
