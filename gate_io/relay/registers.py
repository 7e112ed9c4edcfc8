"""The gate relay controller's Modbus register map (protocol version ``MAP_VERSION``).

One controller drives one lane: two motorised doors (entry, exit) with end-position switches, an
alarm light, and the lane's presence sensors. It answers on unit id ``UNIT_ID`` (any id works on the
simulator). Addresses are zero-based protocol addresses, as sent on the wire.

Coils (read/write, function codes 1, 5, 15) - outputs, True = energised:

    0  ENTRY_DOOR    True = open the entry door, False = close it
    1  EXIT_DOOR     True = open the exit door,  False = close it
    2  ALARM_LIGHT   True = alarm light on

Discrete inputs (read only, function code 2):

    0  ENTRY_CLOSED      entry door at its closed end position (False while moving or open)
    1  EXIT_CLOSED       exit door at its closed end position
    2  ENTRY_PRESENCE    someone is in the lane's entry zone (stepped in through the entry door)
    3  EXIT_PRESENCE     someone is in the lane's exit zone (passing the exit door)
    4  MULTIPLE_PERSONS  the one-person check sees more than one person in the lane
    5  ENTRY_OPEN        entry door at its open end position (a traveller can pass)
    6  EXIT_OPEN         exit door at its open end position

Holding registers (read/write, function codes 3, 6, 16):

    0  HEARTBEAT    written by the driver on every poll (any changing value). Once written, the
                    controller closes both doors by itself if it does not change for WATCHDOG_MS:
                    the doors fail safe closed even if the gate PC dies.
    1  WATCHDOG_MS  the controller-side watchdog period in ms (0 = off); default DEFAULT_WATCHDOG_MS

Input registers (read only, function code 4):

    0  MAP_VERSION  this register map's version; the driver refuses a controller with another one

Simulator only (a real controller has none of these; they let a tester drive the simulator over
the wire, e.g. from another process):

    holding 100  SIM_TRAVELLER  write a ``TravellerCommand`` (step in, pass the exit, ...)
    holding 101  SIM_FAULTS     ``SimFault`` bits: a door stuck where it is

Any other address, or a value out of range, is answered with a Modbus exception (illegal address
or illegal value) and changes nothing.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag

UNIT_ID = 1
MAP_VERSION = 1
DEFAULT_WATCHDOG_MS = 3000


class Coil(IntEnum):
    ENTRY_DOOR = 0
    EXIT_DOOR = 1
    ALARM_LIGHT = 2


COIL_COUNT = len(Coil)


class Input(IntEnum):
    ENTRY_CLOSED = 0
    EXIT_CLOSED = 1
    ENTRY_PRESENCE = 2
    EXIT_PRESENCE = 3
    MULTIPLE_PERSONS = 4
    ENTRY_OPEN = 5
    EXIT_OPEN = 6


INPUT_COUNT = len(Input)


class Holding(IntEnum):
    HEARTBEAT = 0
    WATCHDOG_MS = 1
    SIM_TRAVELLER = 100
    SIM_FAULTS = 101


class InputRegister(IntEnum):
    MAP_VERSION = 0


class TravellerCommand(IntEnum):
    """Values of ``Holding.SIM_TRAVELLER`` (reads back the last command accepted)."""

    NONE = 0
    STEP_IN = 1  # step through the open entry door into the lane
    PASS_EXIT = 2  # walk out through the open exit door
    STEP_BACK = 3  # go back out through the open entry door (sent back)
    SECOND_PERSON_ON = 4  # a second person is in the lane (tailgating)
    SECOND_PERSON_OFF = 5


class SimFault(IntFlag):
    """Bits of ``Holding.SIM_FAULTS``: a set bit freezes that door where it is."""

    NONE = 0
    ENTRY_STUCK = 1
    EXIT_STUCK = 2
