"""``RelayClient``: the Modbus TCP driver for the gate relay controller (real hardware or simulator).

Fail-safe by construction:

* a watchdog thread polls the controller every ``watchdog_s`` (inputs + heartbeat write);
* any fault (connection lost, controller not answering, a door that does not reach its commanded
  position within ``door_timeout_s``) makes the client unhealthy with the reason, emits ``fault``
  and commands both doors closed;
* while unhealthy the client refuses to open a door (``RelayUnavailable``), so the lane takes no new
  traveller; closing is always attempted;
* it reconnects with backoff; once connected it commands the doors closed and becomes healthy again
  only when both doors report closed, emitting ``recovered``;
* the controller's own watchdog (``Holding.HEARTBEAT``) closes the doors if this process dies.

A two-door lane is an interlock: a door opens only while the other reports closed.
All methods are thread-safe; subscriber callbacks run in the thread that saw the event.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from gate_io.events import DeviceEvent, EventEmitter, EventKind
from gate_io.relay.errors import RelayError, RelayTimeout, RelayUnavailable
from gate_io.relay.registers import (
    INPUT_COUNT,
    MAP_VERSION,
    UNIT_ID,
    Coil,
    Holding,
    Input,
    InputRegister,
)

_log = logging.getLogger(__name__)

_BACKOFF_START_S = 0.1
_BACKOFF_MAX_S = 2.0
_POLL_WAIT_S = 0.05


@dataclass(frozen=True)
class RelayStatus:
    """The lane as last seen. When not connected, the door and presence fields are the last known.

    A door is ``closed`` or ``open`` at its end positions, neither while it moves (or is stuck
    half-way). ``healthy`` False means the lane must take no new traveller; ``fault`` says why.
    """

    entry_closed: bool
    exit_closed: bool
    entry_presence: bool
    exit_presence: bool
    multiple_persons: bool
    healthy: bool
    fault: str | None
    entry_open: bool = False
    exit_open: bool = False


_UNKNOWN = RelayStatus(True, True, False, False, False, healthy=False, fault="not connected")
_DOORS = {
    Coil.ENTRY_DOOR: ("entry", Input.ENTRY_CLOSED, Input.ENTRY_OPEN),
    Coil.EXIT_DOOR: ("exit", Input.EXIT_CLOSED, Input.EXIT_OPEN),
}


class RelayClient:
    """Driver of one lane's relay controller over Modbus TCP (see ``gate_io.relay.registers``)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout_s: float = 1.0,
        watchdog_s: float = 0.5,
        door_timeout_s: float = 3.0,
        name: str = "relay",
    ) -> None:
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self.watchdog_s = watchdog_s
        self.door_timeout_s = door_timeout_s
        self._events = EventEmitter(name)
        self._io = threading.RLock()  # one Modbus exchange at a time
        self._state = threading.Lock()
        self._modbus: Any = None
        self._connected = False
        self._ever_connected = False
        self._status = _UNKNOWN
        self._fault: str | None = "not connected"
        self._ever_healthy = False  # "recovered" only after having been healthy once
        self._connecting = threading.Lock()
        self._commanded: dict[Coil, tuple[bool, float]] = {}  # door -> (open?, monotonic time)
        self._heartbeat = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_attempt = 0.0
        self._backoff = _BACKOFF_START_S

    # -- lifecycle ---------------------------------------------------------------------------

    def connect(self) -> None:
        """Connect and start the watchdog. Raises ``RelayUnavailable`` if the controller cannot be
        reached now; the watchdog keeps trying in the background either way (``close()`` stops it)."""
        self._stop.clear()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._watchdog, name=f"{self._events.device}-watchdog", daemon=True)
            self._thread.start()
        if not self._try_connect():
            raise RelayUnavailable(self._fault or "relay controller unavailable")

    def close(self) -> None:
        """Close the doors (best effort), stop the watchdog and drop the connection."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.timeout_s + self.watchdog_s + 1.0)
        self._thread = None
        if self._connected:
            self.close_all()
        with self._io:
            self._drop_connection()
        with self._state:
            self._connected = False
            self._fault = "closed"
            self._status = replace(self._status, healthy=False, fault="closed")

    def __enter__(self) -> RelayClient:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subscribe(self, callback: Callable[[DeviceEvent], None]) -> None:
        """Receive ``connected``, ``disconnected``, ``fault``, ``recovered`` and ``error`` events."""
        self._events.subscribe(callback)

    @property
    def healthy(self) -> bool:
        with self._state:
            return self._fault is None

    # -- commands ----------------------------------------------------------------------------

    def open_entry(self) -> None:
        """Open the entry door. Refused while unhealthy or while the exit door is not closed."""
        self._open(Coil.ENTRY_DOOR)

    def open_exit(self) -> None:
        """Open the exit door. Refused while unhealthy or while the entry door is not closed."""
        self._open(Coil.EXIT_DOOR)

    def close_entry(self) -> None:
        """Close the entry door (always attempted, healthy or not)."""
        self._write_doors({Coil.ENTRY_DOOR: False})

    def close_exit(self) -> None:
        """Close the exit door (always attempted, healthy or not)."""
        self._write_doors({Coil.EXIT_DOOR: False})

    def set_alarm(self, on: bool) -> None:
        self._write_coil(Coil.ALARM_LIGHT, on)

    def close_all(self) -> bool:
        """Fail-safe: command both doors closed. Never raises; False if the command did not get through."""
        try:
            self._write_doors({Coil.ENTRY_DOOR: False, Coil.EXIT_DOOR: False})
        except RelayError as exc:
            _log.warning("close_all not delivered: %s", exc)
            return False
        return True

    # -- status ------------------------------------------------------------------------------

    def status(self) -> RelayStatus:
        """A fresh reading of the lane (the last known one, unhealthy, if the controller is gone). Never raises."""
        if self._connected:
            self._poll()
        with self._state:
            return self._status

    def wait_for(
        self, predicate: Callable[[RelayStatus], bool], timeout_s: float, *, require_healthy: bool = True
    ) -> RelayStatus:
        """Poll until ``predicate(status)`` holds and return that status.

        Raises ``RelayTimeout`` after ``timeout_s``; with ``require_healthy`` (default) raises
        ``RelayUnavailable`` as soon as the lane is unhealthy and the predicate does not hold.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.status()
            if predicate(status):
                return status
            if require_healthy and not status.healthy:
                raise RelayUnavailable(status.fault or "relay unhealthy")
            if time.monotonic() >= deadline:
                raise RelayTimeout(f"lane condition not met within {timeout_s:.1f} s (last: {status})")
            time.sleep(min(_POLL_WAIT_S, max(0.0, deadline - time.monotonic())))

    # -- internals: commands -----------------------------------------------------------------

    def _open(self, coil: Coil) -> None:
        status = self.status()
        if not status.healthy:
            raise RelayUnavailable(f"lane not healthy: {status.fault}")
        entry = coil == Coil.ENTRY_DOOR
        other_coil, other = (Coil.EXIT_DOOR, "exit") if entry else (Coil.ENTRY_DOOR, "entry")
        other_closed = status.exit_closed if entry else status.entry_closed
        with self._state:
            other_commanded_open = self._commanded.get(other_coil, (False, 0.0))[0]
        if not other_closed or other_commanded_open:
            raise RelayError(f"interlock: the {other} door is not closed")
        self._write_doors({coil: True})

    def _write_doors(self, doors: dict[Coil, bool]) -> None:
        now = time.monotonic()
        for coil, value in sorted(doors.items()):
            self._write_coil(coil, value)
            with self._state:
                previous = self._commanded.get(coil)
                if previous is None or previous[0] != value:
                    self._commanded[coil] = (value, now)

    def _write_coil(self, coil: Coil, value: bool) -> None:
        if not self._connected:
            raise RelayUnavailable(self._fault or "relay controller not connected")
        try:
            with self._io:
                if self._modbus is None:
                    raise RelayUnavailable("relay controller not connected")
                response = self._modbus.write_coil(int(coil), value, device_id=UNIT_ID)
        except RelayUnavailable:
            raise
        except Exception as exc:
            self._connection_lost(f"relay controller lost: write {coil.name} failed: {_describe(exc)}")
            raise RelayUnavailable(f"relay controller lost: {_describe(exc)}") from exc
        _check(response, f"write coil {coil.name}")

    # -- internals: connection and watchdog --------------------------------------------------

    def _try_connect(self) -> bool:
        with self._connecting:
            return self._connected or self._connect_once()

    def _connect_once(self) -> bool:
        from pymodbus.client import ModbusTcpClient

        with self._io:
            self._drop_connection()
            client: Any = ModbusTcpClient(self.host, port=self.port, timeout=self.timeout_s, retries=0)
            try:
                if not client.connect():
                    raise RelayUnavailable(f"no relay controller at {self.host}:{self.port}")
                version = client.read_input_registers(int(InputRegister.MAP_VERSION), count=1, device_id=UNIT_ID)
                _check(version, "read map version")
                if version.registers[0] != MAP_VERSION:
                    raise RelayError(f"controller speaks register map {version.registers[0]}, driver {MAP_VERSION}")
                watchdog_ms = int(max(1000.0, 4 * self.watchdog_s * 1000 + self.timeout_s * 1000))
                _check(client.write_register(int(Holding.WATCHDOG_MS), watchdog_ms, device_id=UNIT_ID), "set watchdog")
                _check(client.write_coils(0, [False, False], device_id=UNIT_ID), "close doors")
            except Exception as exc:
                client.close()
                reason = str(exc) if isinstance(exc, RelayError) else f"cannot reach relay controller: {_describe(exc)}"
                with self._state:
                    self._fault = reason if self._fault in (None, "not connected", "closed") else self._fault
                    self._status = replace(self._status, healthy=False, fault=self._fault)
                    self._next_attempt = time.monotonic() + self._backoff
                    self._backoff = min(self._backoff * 2, _BACKOFF_MAX_S)
                return False
            self._modbus = client
        now = time.monotonic()
        with self._state:
            self._connected = True
            self._backoff = _BACKOFF_START_S
            self._commanded = {Coil.ENTRY_DOOR: (False, now), Coil.EXIT_DOOR: (False, now)}
            first = not self._ever_connected
            self._ever_connected = True
        self._events.emit(EventKind.CONNECTED, f"{self.host}:{self.port}" + ("" if first else " (reconnected)"))
        self._poll()
        return True

    def _drop_connection(self) -> None:
        if self._modbus is not None:
            try:
                self._modbus.close()
            except Exception:  # closing a broken socket must not mask the fault being handled
                _log.debug("closing modbus client failed", exc_info=True)
        self._modbus = None

    def _watchdog(self) -> None:
        while not self._stop.wait(self.watchdog_s):
            try:
                if self._connected:
                    self._poll()
                elif time.monotonic() >= self._next_attempt:
                    self._try_connect()
            except Exception:  # the watchdog must outlive any bug in one round
                _log.exception("relay watchdog round failed")

    def _poll(self) -> None:
        """One exchange: heartbeat, inputs; then supervise the doors."""
        try:
            with self._io:
                if self._modbus is None:
                    return
                self._heartbeat = (self._heartbeat + 1) & 0xFFFF
                _check(
                    self._modbus.write_register(int(Holding.HEARTBEAT), self._heartbeat, device_id=UNIT_ID),
                    "heartbeat",
                )
                response = self._modbus.read_discrete_inputs(0, count=INPUT_COUNT, device_id=UNIT_ID)
                _check(response, "read inputs")
                bits = list(response.bits[:INPUT_COUNT])
        except Exception as exc:
            self._connection_lost(f"relay controller lost: {_describe(exc)}")
            return
        self._supervise(bits)

    def _supervise(self, bits: list[bool]) -> None:
        now = time.monotonic()
        fault: str | None = None
        recovered = False
        with self._state:
            for coil, (name, closed_input, open_input) in _DOORS.items():
                want_open, since = self._commanded.get(coil, (False, now))
                late = now - since > self.door_timeout_s
                if late and not want_open and not bits[closed_input]:
                    fault = f"{name} door not closed {self.door_timeout_s:.1f} s after the command (stuck?)"
                elif late and want_open and not bits[open_input]:
                    fault = f"{name} door not open {self.door_timeout_s:.1f} s after the command (stuck?)"
            all_closed = bits[Input.ENTRY_CLOSED] and bits[Input.EXIT_CLOSED]
            commanded_closed = not any(v[0] for v in self._commanded.values())
            new_fault = fault is not None and fault != self._fault
            if fault is None and self._fault is not None and all_closed and commanded_closed:
                recovered = self._ever_healthy
                self._ever_healthy = True
                self._fault = None
            elif fault is not None:
                self._fault = fault
            self._status = RelayStatus(
                entry_closed=bits[Input.ENTRY_CLOSED],
                exit_closed=bits[Input.EXIT_CLOSED],
                entry_presence=bits[Input.ENTRY_PRESENCE],
                exit_presence=bits[Input.EXIT_PRESENCE],
                multiple_persons=bits[Input.MULTIPLE_PERSONS],
                healthy=self._fault is None,
                fault=self._fault,
                entry_open=bits[Input.ENTRY_OPEN],
                exit_open=bits[Input.EXIT_OPEN],
            )
        if new_fault and fault is not None:
            self._events.emit(EventKind.FAULT, fault)
            self.close_all()
        if recovered:
            self._events.emit(EventKind.RECOVERED, "doors closed, lane ready")

    def _connection_lost(self, reason: str) -> None:
        with self._io:
            self._drop_connection()
        with self._state:
            was_connected = self._connected
            self._connected = False
            self._fault = reason
            self._status = replace(self._status, healthy=False, fault=reason)
            self._next_attempt = time.monotonic() + self._backoff
        if was_connected:
            self._events.emit(EventKind.DISCONNECTED, reason)
            self._events.emit(EventKind.FAULT, reason)


def _check(response: Any, what: str) -> None:
    if response is None or response.isError():
        raise RelayError(f"{what}: controller answered {response}")




def _describe(exc: Exception) -> str:
    """A one-line reason without pymodbus's client repr (it repeats host, port and socket)."""
    text = " ".join(str(exc).split())
    if "]" in text and text.startswith("Modbus Error"):
        text = text.split("]", 1)[1].strip()
    return text[:160] or type(exc).__name__
