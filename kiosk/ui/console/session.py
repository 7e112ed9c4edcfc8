"""A signed-in officer's session: who, which role, and the idle lock.

The console calls ``touch`` on every input event and ``check`` from a timer; a session idle
for ``idle_lock_s`` locks and every action is refused until the officer signs in again.
The clock is injectable so the lock can be tested without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.ui.console.accounts import Officer, Role

# What each role may do. Emergency opening is every officer's (people's safety comes first);
# reading the audit log and unlocking accounts are the supervisor's.
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OFFICER: frozenset({"view", "decide", "door", "emergency", "search"}),
    Role.SUPERVISOR: frozenset({"view", "decide", "door", "emergency", "search", "audit", "unlock"}),
}


class SessionLocked(Exception):
    """The session is locked (idle or signed out): sign in again."""


class NotAllowed(Exception):
    """The officer's role does not allow this action."""


@dataclass
class OfficerSession:
    officer: Officer
    idle_lock_s: float
    clock: Callable[[], float] = time.monotonic
    last_activity: float = field(default=0.0)
    locked: bool = False

    def __post_init__(self) -> None:
        self.last_activity = self.clock()

    def touch(self) -> None:
        if not self.locked:
            self.last_activity = self.clock()

    def check(self) -> bool:
        """Lock when idle too long; True while the session is usable."""
        if not self.locked and self.clock() - self.last_activity >= self.idle_lock_s:
            self.locked = True
        return not self.locked

    def lock(self) -> None:
        self.locked = True

    def require(self, permission: str, activity: bool = True) -> None:
        """Raise unless the session is live and the role has ``permission``.

        A command counts as activity; the console's periodic refresh (``activity=False``) does not,
        or the idle lock would never fire."""
        if not self.check():
            raise SessionLocked(self.officer.username)
        if permission not in PERMISSIONS[self.officer.role]:
            raise NotAllowed(f"{self.officer.role.value} may not {permission}")
        if activity:
            self.touch()
