"""The relay driver against the simulator over real Modbus TCP on 127.0.0.1 (ephemeral ports)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from gate_io.events import DeviceEvent, EventKind
from gate_io.relay import RelayClient, RelayError, RelayStatus, RelayUnavailable
from gate_io.relay.registers import Coil
from gate_io.relay.simulator import RelaySimulator


class _Events:
    """Collects a client's events; ``wait`` blocks until one of a kind arrives."""

    def __init__(self) -> None:
        self.events: list[DeviceEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self) -> list[str]:
        with self._cond:
            return [e.kind.value for e in self.events]

    def wait(self, kind: EventKind, timeout_s: float = 8.0) -> DeviceEvent:
        with self._cond:
            found = self._cond.wait_for(lambda: any(e.kind == kind for e in self.events), timeout=timeout_s)
            assert found, f"no {kind.value} event within {timeout_s} s; got {self.kinds()}"
            return next(e for e in self.events if e.kind == kind)


@pytest.fixture
def sim() -> Iterator[RelaySimulator]:
    simulator = RelaySimulator(port=0)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def events() -> _Events:
    return _Events()


@pytest.fixture
def client(sim: RelaySimulator, events: _Events) -> Iterator[RelayClient]:
    relay = RelayClient("127.0.0.1", sim.port, timeout_s=0.5, watchdog_s=0.1, door_timeout_s=2.5)
    relay.subscribe(events)
    relay.connect()
    yield relay
    relay.close()


def _all_closed(s: RelayStatus) -> bool:
    return s.entry_closed and s.exit_closed


def test_a_fresh_lane_is_healthy_with_both_doors_closed(client: RelayClient, events: _Events) -> None:
    status = client.status()
    assert status == RelayStatus(True, True, False, False, False, healthy=True, fault=None)
    assert events.kinds()[0] == "connected"


def test_entry_door_leaves_closed_at_once_and_closes_only_after_its_travel(
    client: RelayClient, sim: RelaySimulator
) -> None:
    client.open_entry()
    assert not client.status().entry_closed  # the door left its closed end position
    assert sim.lane.door_position(Coil.ENTRY_DOOR, _now()) < 1.0  # ... but is not open yet
    client.wait_for(lambda s: sim.lane.door_position(Coil.ENTRY_DOOR, _now()) >= 1.0, timeout_s=4.0)
    client.close_entry()
    assert not client.status().entry_closed  # closing takes time: still not closed right after the command
    closed = client.wait_for(lambda s: s.entry_closed, timeout_s=4.0)
    assert closed.healthy and closed.exit_closed


def test_presence_follows_the_traveller_through_the_lane(client: RelayClient, sim: RelaySimulator) -> None:
    assert not sim.step_in()  # the entry door is closed: nobody gets in
    client.open_entry()
    client.wait_for(lambda s: sim.step_in(), timeout_s=4.0)
    assert client.status().entry_presence
    client.close_entry()
    client.wait_for(_all_closed, timeout_s=4.0)
    assert not sim.pass_exit()  # exit door closed
    client.open_exit()
    client.wait_for(lambda s: sim.pass_exit(), timeout_s=4.0)
    passing = client.status()
    assert passing.exit_presence and not passing.entry_presence
    client.wait_for(lambda s: not s.exit_presence, timeout_s=4.0)
    client.close_exit()
    assert client.wait_for(_all_closed, timeout_s=4.0).healthy


def test_the_doors_interlock(client: RelayClient) -> None:
    client.open_entry()
    with pytest.raises(RelayError, match="interlock"):
        client.open_exit()


def test_a_stuck_door_is_a_fault_and_the_lane_refuses_until_it_closes(
    client: RelayClient, sim: RelaySimulator, events: _Events
) -> None:
    client.open_entry()
    client.wait_for(lambda s: sim.lane.door_position(Coil.ENTRY_DOOR, _now()) >= 1.0, timeout_s=4.0)
    sim.set_stuck("entry")
    client.close_entry()
    fault = events.wait(EventKind.FAULT)
    assert "entry door not closed" in fault.detail
    status = client.status()
    assert not status.healthy and status.fault is not None and "entry door" in status.fault
    with pytest.raises(RelayUnavailable, match="entry door"):
        client.open_entry()
    sim.set_stuck("entry", False)  # freed: the door finishes closing and the lane recovers
    events.wait(EventKind.RECOVERED)
    assert client.status().healthy


def _now() -> float:
    import time

    return time.monotonic()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connecting_to_no_controller_raises_relay_unavailable() -> None:
    relay = RelayClient("127.0.0.1", _free_port(), timeout_s=0.3, watchdog_s=0.1)
    try:
        with pytest.raises(RelayUnavailable):
            relay.connect()
        assert not relay.status().healthy
    finally:
        relay.close()
