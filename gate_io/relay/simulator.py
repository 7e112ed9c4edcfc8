"""A relay controller simulator: a real Modbus TCP server (pymodbus) in front of a ``LaneModel``.

It speaks exactly the register map of ``gate_io.relay.registers``, so the driver cannot tell it from
hardware. Run it in-process (``RelaySimulator(port=0).start()`` returns the ephemeral port; the
replay engine and the tests do this) or as ``kiosk relay-sim --port N``.

The traveller and the faults are driven in-process through methods (``step_in``, ``pass_exit``,
``set_stuck``, ``stop``, ``drop_connections``, ``set_unresponsive``) or over the wire through the
simulator-only holding registers.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from gate_io.relay.lane import DoorTiming, LaneModel, Traveller
from gate_io.relay.registers import (
    COIL_COUNT,
    INPUT_COUNT,
    MAP_VERSION,
    Coil,
    Holding,
    SimFault,
    TravellerCommand,
)

_log = logging.getLogger(__name__)

# Function codes by table.
_COILS = (1, 5, 15)
_INPUTS = (2,)
_HOLDING = (3, 6, 16, 22, 23)
_INPUT_REGS = (4,)
_SIM_FAULT_MASK = int(SimFault.ENTRY_STUCK | SimFault.EXIT_STUCK)


def _bits_to_register(bits: list[bool]) -> int:
    return sum(1 << i for i, bit in enumerate(bits) if bit)


class RelaySimulator:
    """One simulated lane controller listening on ``host:port`` (port 0 = pick a free one)."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, timing: DoorTiming | None = None, watchdog: bool = True
    ) -> None:
        """``watchdog=False`` simulates a controller without a heartbeat watchdog (it ignores the
        heartbeat), so a test can see what the driver alone does."""
        self.host = host
        self._port = port
        self.lane = LaneModel(timing, watchdog=watchdog)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._unresponsive = False
        self.requests = 0  # Modbus requests served (for tests and the CLI's log)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The listening port (after ``start``); a restart reuses it."""
        return self._port

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> int:
        """Start serving in a background thread; returns the port. A stopped simulator restarts on
        the same port with the same lane (doors and traveller where they were)."""
        if self.running:
            return self._port
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=self._run_loop, args=(loop,), name=f"relay-sim-{self._port}", daemon=True)
        thread.start()
        try:
            self._server = asyncio.run_coroutine_threadsafe(self._listen(), loop).result(timeout=10)
        except Exception:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
            raise
        self._loop, self._thread = loop, thread
        _log.info("relay simulator listening on %s:%d", self.host, self._port)
        return self._port

    def stop(self) -> None:
        """Stop serving: every client connection drops and new ones are refused (a dead controller)."""
        loop, thread, server = self._loop, self._thread, self._server
        if loop is None or thread is None:
            return
        if server is not None:
            try:
                asyncio.run_coroutine_threadsafe(server.shutdown(), loop).result(timeout=5)
            except Exception:
                _log.exception("relay simulator shutdown failed")
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()
        self._loop = self._thread = self._server = None
        _log.info("relay simulator on port %d stopped", self._port)

    def __enter__(self) -> RelaySimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- faults ------------------------------------------------------------------------------

    def drop_connections(self) -> None:
        """Cut every open client connection but keep listening (a network glitch)."""
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        def _drop() -> None:
            for connection in list(server.active_connections.values()):
                connection.close()

        loop.call_soon_threadsafe(_drop)

    def set_unresponsive(self, on: bool) -> None:
        """While on, requests are read but never answered (a hung controller)."""
        self._unresponsive = on

    def set_stuck(self, door: str, stuck: bool = True) -> None:
        """Freeze the ``"entry"`` or ``"exit"`` door where it is (or free it again)."""
        self.lane.set_stuck(_door(door), stuck, time.monotonic())

    # -- the traveller -----------------------------------------------------------------------

    def step_in(self) -> bool:
        """The traveller steps through the open entry door; False if the door is not open enough."""
        return self.lane.traveller_command(TravellerCommand.STEP_IN, time.monotonic())

    def pass_exit(self) -> bool:
        """The traveller walks out through the open exit door (exit presence for ``walk_s``)."""
        return self.lane.traveller_command(TravellerCommand.PASS_EXIT, time.monotonic())

    def step_back(self) -> bool:
        """The traveller is sent back out through the open entry door."""
        return self.lane.traveller_command(TravellerCommand.STEP_BACK, time.monotonic())

    def set_second_person(self, on: bool) -> None:
        """A second person in the lane (tailgating) or not."""
        command = TravellerCommand.SECOND_PERSON_ON if on else TravellerCommand.SECOND_PERSON_OFF
        self.lane.traveller_command(command, time.monotonic())

    def traveller(self) -> Traveller:
        return self.lane.traveller(time.monotonic())

    def inputs(self) -> list[bool]:
        """The discrete inputs as the driver would read them now."""
        return self.lane.inputs(time.monotonic())

    def coils(self) -> list[bool]:
        return self.lane.coils(time.monotonic())

    # -- the Modbus server -------------------------------------------------------------------

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    async def _listen(self) -> Any:
        from pymodbus.server import ModbusTcpServer
        from pymodbus.simulator import DataType, SimData, SimDevice

        device = SimDevice(
            id=0,  # answer any unit id
            simdata=(
                [SimData(0, values=[False] * COIL_COUNT, datatype=DataType.BITS)],
                [SimData(0, values=[False] * INPUT_COUNT, datatype=DataType.BITS)],
                [
                    SimData(int(Holding.HEARTBEAT), count=2, datatype=DataType.REGISTERS),
                    SimData(int(Holding.SIM_TRAVELLER), count=2, datatype=DataType.REGISTERS),
                ],
                [SimData(0, values=MAP_VERSION, datatype=DataType.REGISTERS)],
            ),
            action=self._action,
        )
        server = ModbusTcpServer(device, address=(self.host, self._port))
        await server.serve_forever(background=True)
        listener: Any = server.transport  # an asyncio.Server once listening
        self._port = int(listener.sockets[0].getsockname()[1])
        return server

    async def _action(  # noqa: PLR0917 - pymodbus calls actions with six positional arguments
        self,
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        values: list[int] | list[bool] | None,
    ) -> Any:
        """Called by pymodbus on every request before it reads or writes ``registers`` (modified in
        place); returning an exception code refuses the request."""
        from pymodbus.constants import ExcCodes

        while self._unresponsive and self._server is not None:
            await asyncio.sleep(0.05)
        self.requests += 1
        now = time.monotonic()
        try:
            # For bit tables pymodbus passes ``count`` in 16-bit words, so a read inside the first
            # word (addresses 0..15) is checked by its first address only and returns False past the
            # map; writes carry their bits and are checked exactly.
            if function_code in _COILS:
                if address + len(values or [None]) > COIL_COUNT:
                    return ExcCodes.ILLEGAL_ADDRESS
                for offset, value in enumerate(values or []):
                    self.lane.set_coil(Coil(address + offset), bool(value), now)
                registers[0] = _bits_to_register(self.lane.coils(now))
            elif function_code in _INPUTS:
                if address >= INPUT_COUNT:
                    return ExcCodes.ILLEGAL_ADDRESS
                registers[0] = _bits_to_register(self.lane.inputs(now))
            elif function_code in _HOLDING:
                if values:
                    refused = self._write_holding(address, [int(v) for v in values], now)
                    if refused is not None:
                        return refused
                for register, value in self.lane.holding(now).items():
                    registers[register - start_address] = value
            elif function_code in _INPUT_REGS:
                registers[0] = MAP_VERSION
        except Exception:
            _log.exception("relay simulator: request fc=%d address=%d failed", function_code, address)
            return ExcCodes.DEVICE_FAILURE
        return None

    def _write_holding(self, address: int, values: list[int], now: float) -> Any:
        from pymodbus.constants import ExcCodes

        for offset, value in enumerate(values):
            register = address + offset
            if register == Holding.SIM_TRAVELLER and value not in TravellerCommand._value2member_map_:
                return ExcCodes.ILLEGAL_VALUE
            if register == Holding.SIM_FAULTS and value & ~_SIM_FAULT_MASK:
                return ExcCodes.ILLEGAL_VALUE
        for offset, value in enumerate(values):
            register = address + offset
            if register == Holding.HEARTBEAT:
                self.lane.heartbeat(value, now)
            elif register == Holding.WATCHDOG_MS:
                self.lane.set_watchdog_ms(value, now)
            elif register == Holding.SIM_TRAVELLER:
                if not self.lane.traveller_command(TravellerCommand(value), now):
                    return ExcCodes.DEVICE_FAILURE  # the lane does not allow that move now
            elif register == Holding.SIM_FAULTS:
                self.lane.set_faults(SimFault(value), now)
        return None


def _door(name: str) -> Coil:
    doors = {"entry": Coil.ENTRY_DOOR, "exit": Coil.EXIT_DOOR}
    if name not in doors:
        raise ValueError(f"unknown door {name!r} (expected 'entry' or 'exit')")
    return doors[name]
