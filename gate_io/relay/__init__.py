"""The gate relay controller: its Modbus register map, the driver (``RelayClient``) that real
hardware uses, and a simulator speaking the same protocol (``RelaySimulator``)."""

from gate_io.relay.client import RelayClient, RelayStatus
from gate_io.relay.errors import RelayError, RelayTimeout, RelayUnavailable

__all__ = ["RelayClient", "RelayError", "RelayStatus", "RelayTimeout", "RelayUnavailable"]
