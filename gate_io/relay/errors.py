"""Relay errors, in domain words the engine maps to an aborted transaction with a reason."""

from __future__ import annotations


class RelayError(Exception):
    """The relay controller refused or failed a command (e.g. the door interlock)."""


class RelayUnavailable(RelayError):
    """The controller cannot be used now: not connected, or the lane is in a fault state."""


class RelayTimeout(RelayError):
    """A awaited lane condition (door closed, traveller present) did not come in time."""
