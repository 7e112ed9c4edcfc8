"""The relay driver against the simulator over real Modbus TCP on 127.0.0.1 (ephemeral ports)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from pymodbus.client import ModbusTcpClient

from gate_io.events import DeviceEvent, EventKind
from gate_io.relay import RelayClient, RelayError, RelayStatus, RelayUnavailable
from gate_io.relay.lane import LaneModel
from gate_io.relay.registers import Coil, Holding, SimFault, TravellerCommand
from gate_io.relay.simulator import RelaySimulator
from tests.conftest import PROJECT_ROOT


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


def test_a_door_moves_through_closed_moving_open_moving_closed(client: RelayClient) -> None:
    client.open_entry()
    moving = client.status()
    assert not moving.entry_closed and not moving.entry_open  # left its closed position, not open yet
    opened = client.wait_for(lambda s: s.entry_open, timeout_s=4.0)
    assert not opened.entry_closed and opened.exit_closed
    client.close_entry()
    closing = client.status()
    assert not closing.entry_open and not closing.entry_closed  # closing takes time too
    closed = client.wait_for(lambda s: s.entry_closed, timeout_s=4.0)
    assert closed.healthy and not closed.entry_open and closed.exit_closed


def test_the_simulated_door_opens_faster_than_it_closes() -> None:
    lane, t0 = LaneModel(), 1000.0  # the lane model on its own clock: no waiting, no timing flakiness
    lane.set_coil(Coil.ENTRY_DOOR, True, t0)
    assert lane.door_position(Coil.ENTRY_DOOR, t0 + 0.6) == pytest.approx(0.5)
    assert lane.door_position(Coil.ENTRY_DOOR, t0 + 1.2) == 1.0
    lane.set_coil(Coil.ENTRY_DOOR, False, t0 + 2.0)
    assert lane.door_position(Coil.ENTRY_DOOR, t0 + 2.75) == pytest.approx(0.5)
    assert lane.door_position(Coil.ENTRY_DOOR, t0 + 3.5) == 0.0
    lane.set_coil(Coil.ENTRY_DOOR, True, t0 + 4.0)
    lane.set_coil(Coil.ENTRY_DOOR, False, t0 + 4.3)  # reversed a quarter open: closes from there
    assert lane.door_position(Coil.ENTRY_DOOR, t0 + 4.3 + 0.375) == pytest.approx(0.0)


def test_presence_follows_the_traveller_through_the_lane(client: RelayClient, sim: RelaySimulator) -> None:
    assert not sim.step_in()  # the entry door is closed: nobody gets in
    client.open_entry()
    client.wait_for(lambda s: sim.step_in(), timeout_s=4.0)
    alone = client.status()
    assert alone.entry_presence and not alone.multiple_persons
    sim.set_second_person(True)  # someone slipped in behind
    assert client.status().multiple_persons
    sim.set_second_person(False)
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
    client.wait_for(lambda s: s.entry_open, timeout_s=4.0)
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


def test_a_door_stuck_closed_is_a_fault_until_it_is_commanded_closed_again(
    client: RelayClient, sim: RelaySimulator, events: _Events
) -> None:
    sim.set_stuck("exit")
    client.open_exit()
    fault = events.wait(EventKind.FAULT)
    assert "exit door not open" in fault.detail
    events.wait(EventKind.RECOVERED)  # the driver closed it again, and closed is where it is
    assert not any(sim.coils()[:2]) and client.status().healthy


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


def test_controller_stopped_mid_transaction_fails_safe_and_recovers_on_the_same_port(events: _Events) -> None:
    # A controller without its own heartbeat watchdog: whatever closes the doors here is the driver.
    sim = RelaySimulator(port=0, watchdog=False)
    port = sim.start()
    relay = RelayClient("127.0.0.1", port, timeout_s=0.5, watchdog_s=0.1, door_timeout_s=2.5)
    relay.subscribe(events)
    try:
        relay.connect()
        relay.open_entry()
        sim.stop()  # the controller dies with the entry door opening
        lost = events.wait(EventKind.DISCONNECTED)
        assert "lost" in lost.detail
        assert not relay.status().healthy
        with pytest.raises(RelayUnavailable):
            relay.open_entry()  # the lane takes no traveller while the controller is gone
        assert sim.coils()[Coil.ENTRY_DOOR]  # nobody has told the (dead) controller anything yet
        assert sim.start() == port
        recovered = events.wait(EventKind.RECOVERED)
        assert not any(sim.coils()[:2]), "the driver commands both doors closed on reconnection"
        assert _all_closed(relay.status()) and relay.status().healthy
        kinds = events.kinds()
        assert kinds.index("disconnected") < kinds.index("connected", 1) < kinds.index("recovered")
        assert recovered.t > lost.t
    finally:
        relay.close()
        sim.stop()


def test_dropped_connections_are_reconnected(client: RelayClient, sim: RelaySimulator, events: _Events) -> None:
    sim.drop_connections()
    events.wait(EventKind.DISCONNECTED)
    events.wait(EventKind.RECOVERED)
    assert client.status().healthy


def test_a_hung_controller_is_a_fault(client: RelayClient, sim: RelaySimulator, events: _Events) -> None:
    sim.set_unresponsive(True)
    fault = events.wait(EventKind.FAULT)
    assert "lost" in fault.detail
    with pytest.raises(RelayUnavailable):
        client.open_entry()
    sim.set_unresponsive(False)
    events.wait(EventKind.RECOVERED)


def test_the_controller_closes_the_doors_itself_when_the_heartbeat_stops(sim: RelaySimulator) -> None:
    raw = ModbusTcpClient("127.0.0.1", port=sim.port, timeout=1, retries=0)
    assert raw.connect()
    try:
        assert not raw.write_register(int(Holding.WATCHDOG_MS), 300, device_id=1).isError()
        assert not raw.write_register(int(Holding.HEARTBEAT), 1, device_id=1).isError()
        assert not raw.write_coil(int(Coil.ENTRY_DOOR), True, device_id=1).isError()
        assert sim.coils()[Coil.ENTRY_DOOR]
        time.sleep(0.5)  # no heartbeat for longer than 300 ms
        assert not raw.read_coils(0, count=3, device_id=1).bits[Coil.ENTRY_DOOR]
        assert sim.lane.watchdog_trips == 1
    finally:
        raw.close()


def test_bad_requests_are_refused_and_the_simulator_keeps_serving(sim: RelaySimulator, events: _Events) -> None:
    raw = ModbusTcpClient("127.0.0.1", port=sim.port, timeout=1, retries=0)
    assert raw.connect()
    try:
        assert raw.write_coil(7, True, device_id=1).isError()  # no coil 7
        assert raw.write_coils(2, [True, True], device_id=1).isError()  # runs past the last coil
        assert raw.read_discrete_inputs(9, count=1, device_id=1).isError()
        assert raw.read_coils(40, count=1, device_id=1).isError()
        assert raw.write_register(50, 1, device_id=1).isError()  # no such holding register
        assert raw.write_register(int(Holding.SIM_TRAVELLER), 99, device_id=1).isError()  # no such command
        assert raw.write_register(int(Holding.SIM_FAULTS), 0x80, device_id=1).isError()  # no such fault bit
        # a legal command the lane does not allow now (the entry door is closed) is refused too
        assert raw.write_register(int(Holding.SIM_TRAVELLER), int(TravellerCommand.STEP_IN), device_id=1).isError()
        assert sim.coils() == [False, False, False]
    finally:
        raw.close()
    for garbage in (b"\x00" * 3, b"GET / HTTP/1.0\r\n\r\n", bytes(range(256)) * 4, b"\x00\x01\x00\x00\xff\xff\x01\x05"):
        with socket.create_connection(("127.0.0.1", sim.port), timeout=1) as s:
            s.sendall(garbage)
            s.settimeout(0.3)
            with contextlib.suppress(TimeoutError, ConnectionResetError):
                s.recv(512)  # an exception response, or the connection closed: either way, no crash
    relay = RelayClient("127.0.0.1", sim.port, timeout_s=0.5, watchdog_s=0.1)
    relay.subscribe(events)
    try:
        relay.connect()
        assert relay.status().healthy  # still serving after all that
    finally:
        relay.close()


def test_the_traveller_and_faults_can_be_driven_over_the_wire(client: RelayClient, sim: RelaySimulator) -> None:
    raw = ModbusTcpClient("127.0.0.1", port=sim.port, timeout=1, retries=0)
    assert raw.connect()
    try:
        client.open_entry()
        client.wait_for(lambda s: s.entry_open, timeout_s=4.0)
        assert not raw.write_register(int(Holding.SIM_TRAVELLER), int(TravellerCommand.STEP_IN), device_id=1).isError()
        assert client.status().entry_presence
        assert not raw.write_register(int(Holding.SIM_FAULTS), int(SimFault.EXIT_STUCK), device_id=1).isError()
        assert raw.read_holding_registers(int(Holding.SIM_TRAVELLER), count=2, device_id=1).registers == [
            int(TravellerCommand.STEP_IN),
            int(SimFault.EXIT_STUCK),
        ]
    finally:
        raw.close()


def test_kiosk_relay_sim_serves_the_driver() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "relay-sim", "--port", "0"],
        stdout=subprocess.PIPE, text=True, cwd=str(PROJECT_ROOT),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("relay-sim listening on 127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])
        with RelayClient("127.0.0.1", port, timeout_s=0.5, watchdog_s=0.1) as relay:
            relay.open_exit()
            assert not relay.status().exit_closed
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
