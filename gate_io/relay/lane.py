"""The physical lane the relay simulator pretends to be: two doors that take time to move, presence
sensors that follow a traveller, and the controller-side heartbeat watchdog.

Pure and lazy: nothing runs in the background. Every query takes the current ``time.monotonic()``
and the state is computed for that instant, so a stopped simulator still "ages" correctly (a door
that was closing has closed; a watchdog that expired closed the doors at the moment it expired).
Thread-safe: the Modbus server thread and the test or replay thread share one model.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum

from gate_io.relay.registers import DEFAULT_WATCHDOG_MS, Coil, Input, SimFault, TravellerCommand

_log = logging.getLogger(__name__)

_PASSABLE = 0.7  # a person fits through a door opened this far (0 = closed, 1 = open)


@dataclass(frozen=True)
class DoorTiming:
    """Door and walking times in seconds (defaults: a typical swing-door lane)."""

    open_s: float = 1.2
    close_s: float = 1.5
    walk_s: float = 0.8  # a traveller crossing a door zone


class Traveller(Enum):
    OUTSIDE = "outside"  # no one in the lane
    IN_LANE = "in_lane"  # stepped in, standing at the capture position (entry zone)
    EXITING = "exiting"  # walking out through the exit door (exit zone)
    LEAVING_BACK = "leaving_back"  # sent back, walking out through the entry door (entry zone)


class _Door:
    """Position 0 (closed) .. 1 (open), moving at a constant rate towards its target."""

    def __init__(self, timing: DoorTiming) -> None:
        self._timing = timing
        self._p0 = 0.0
        self._t0 = 0.0
        self.target = 0.0
        self.stuck = False

    def position(self, now: float) -> float:
        if self.stuck:
            return self._p0
        dt = max(0.0, now - self._t0)
        if self.target > self._p0:
            return min(self.target, self._p0 + dt / self._timing.open_s)
        return max(self.target, self._p0 - dt / self._timing.close_s)

    def command(self, open_: bool, t: float) -> None:
        t = max(t, self._t0)
        self._p0 = self.position(t)
        self._t0 = t
        self.target = 1.0 if open_ else 0.0

    def set_stuck(self, stuck: bool, now: float) -> None:
        self._p0 = self.position(now)
        self._t0 = max(now, self._t0)
        self.stuck = stuck


class LaneModel:
    """State of one simulated lane; every method takes ``now`` (monotonic seconds)."""

    def __init__(self, timing: DoorTiming | None = None, *, watchdog: bool = True) -> None:
        self.timing = timing or DoorTiming()
        self._watchdog_enabled = watchdog
        self._lock = threading.Lock()
        self._doors = {Coil.ENTRY_DOOR: _Door(self.timing), Coil.EXIT_DOOR: _Door(self.timing)}
        self._alarm = False
        self._traveller = Traveller.OUTSIDE
        self._walk_until = 0.0
        self._second_person = False
        self._last_command = TravellerCommand.NONE
        self._heartbeat = 0
        self._heartbeat_t: float | None = None  # None: watchdog not armed (no heartbeat yet)
        self.watchdog_ms = DEFAULT_WATCHDOG_MS
        self.watchdog_trips = 0

    # -- what the controller reports --------------------------------------------------------

    def coils(self, now: float) -> list[bool]:
        with self._lock:
            self._age(now)
            return [self._doors[Coil.ENTRY_DOOR].target > 0, self._doors[Coil.EXIT_DOOR].target > 0, self._alarm]

    def inputs(self, now: float) -> list[bool]:
        with self._lock:
            self._age(now)
            t = self._traveller
            bits = [False] * len(Input)
            bits[Input.ENTRY_CLOSED] = self._doors[Coil.ENTRY_DOOR].position(now) <= 0.0
            bits[Input.EXIT_CLOSED] = self._doors[Coil.EXIT_DOOR].position(now) <= 0.0
            bits[Input.ENTRY_PRESENCE] = t in (Traveller.IN_LANE, Traveller.LEAVING_BACK) or self._second_person
            bits[Input.EXIT_PRESENCE] = t == Traveller.EXITING
            bits[Input.MULTIPLE_PERSONS] = self._second_person
            bits[Input.ENTRY_OPEN] = self._doors[Coil.ENTRY_DOOR].position(now) >= 1.0
            bits[Input.EXIT_OPEN] = self._doors[Coil.EXIT_DOOR].position(now) >= 1.0
            return bits

    def door_position(self, coil: Coil, now: float) -> float:
        with self._lock:
            self._age(now)
            return self._doors[coil].position(now)

    def traveller(self, now: float) -> Traveller:
        with self._lock:
            self._age(now)
            return self._traveller

    def holding(self, now: float) -> dict[int, int]:
        with self._lock:
            self._age(now)
            faults = SimFault.NONE
            if self._doors[Coil.ENTRY_DOOR].stuck:
                faults |= SimFault.ENTRY_STUCK
            if self._doors[Coil.EXIT_DOOR].stuck:
                faults |= SimFault.EXIT_STUCK
            return {0: self._heartbeat, 1: self.watchdog_ms, 100: int(self._last_command), 101: int(faults)}

    # -- what the driver commands -----------------------------------------------------------

    def set_coil(self, coil: Coil, on: bool, now: float) -> None:
        with self._lock:
            self._age(now)
            if coil == Coil.ALARM_LIGHT:
                self._alarm = on
            else:
                self._doors[coil].command(on, now)

    def heartbeat(self, value: int, now: float) -> None:
        with self._lock:
            self._age(now)
            self._heartbeat = value
            self._heartbeat_t = now

    def set_watchdog_ms(self, value: int, now: float) -> None:
        with self._lock:
            self._age(now)
            self.watchdog_ms = value

    # -- the traveller and faults (in-process API, or the SIM_* holding registers) ----------

    def traveller_command(self, command: TravellerCommand, now: float) -> bool:
        """Apply one traveller move; False (and nothing changes) if the lane does not allow it."""
        with self._lock:
            self._age(now)
            ok = self._move(command, now)
            if ok:
                self._last_command = command
            else:
                _log.info("simulated traveller cannot %s now (%s)", command.name, self._traveller.value)
            return ok

    def set_stuck(self, coil: Coil, stuck: bool, now: float) -> None:
        with self._lock:
            self._age(now)
            self._doors[coil].set_stuck(stuck, now)

    def set_faults(self, faults: SimFault, now: float) -> None:
        self.set_stuck(Coil.ENTRY_DOOR, bool(faults & SimFault.ENTRY_STUCK), now)
        self.set_stuck(Coil.EXIT_DOOR, bool(faults & SimFault.EXIT_STUCK), now)

    # -- internals --------------------------------------------------------------------------

    def _passable(self, coil: Coil, now: float) -> bool:
        return self._doors[coil].position(now) >= _PASSABLE

    def _move(self, command: TravellerCommand, now: float) -> bool:
        walk_done = now + self.timing.walk_s
        if command == TravellerCommand.STEP_IN:
            if self._traveller != Traveller.OUTSIDE or not self._passable(Coil.ENTRY_DOOR, now):
                return False
            self._traveller = Traveller.IN_LANE
        elif command in (TravellerCommand.PASS_EXIT, TravellerCommand.STEP_BACK):
            door = Coil.EXIT_DOOR if command == TravellerCommand.PASS_EXIT else Coil.ENTRY_DOOR
            if self._traveller != Traveller.IN_LANE or not self._passable(door, now):
                return False
            self._traveller = Traveller.EXITING if door == Coil.EXIT_DOOR else Traveller.LEAVING_BACK
            self._walk_until = walk_done
        elif command == TravellerCommand.SECOND_PERSON_ON:
            self._second_person = True
        elif command == TravellerCommand.SECOND_PERSON_OFF:
            self._second_person = False
        return command != TravellerCommand.NONE

    def _age(self, now: float) -> None:
        """Bring time-driven state up to ``now``: finished walks, an expired watchdog."""
        if self._traveller in (Traveller.EXITING, Traveller.LEAVING_BACK) and now >= self._walk_until:
            self._traveller = Traveller.OUTSIDE
        if self._watchdog_enabled and self._heartbeat_t is not None and self.watchdog_ms > 0:
            expired_at = self._heartbeat_t + self.watchdog_ms / 1000.0
            if now >= expired_at:
                if any(door.target > 0 for door in self._doors.values()):
                    _log.warning("controller watchdog: no heartbeat for %d ms, closing the doors", self.watchdog_ms)
                for door in self._doors.values():
                    door.command(False, expired_at)
                self._heartbeat_t = None  # disarmed until the next heartbeat
                self.watchdog_trips += 1
