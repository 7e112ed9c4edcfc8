"""The console's logic without Qt: sign-in, permissions, commands to gates, and the audit trail.

Every action goes through here so that each is authenticated (a live session with the right
role) and written to the audit log, whatever widget triggered it; refused attempts are
audited too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.ui.console.accounts import AccountStore, AuthError, Officer
from kiosk.ui.console.audit import AuditSink
from kiosk.ui.console.gateway import Gateway, GatewayError
from kiosk.ui.console.model import AuditEntry, Case, Decision, Door, LaneStatus, TransactionRecord
from kiosk.ui.console.session import OfficerSession, SessionLocked


class ConsoleController:
    def __init__(
        self,
        accounts: AccountStore,
        gateway: Gateway,
        audit: AuditSink,
        idle_lock_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.accounts = accounts
        self.gateway = gateway
        self.audit = audit
        self.idle_lock_s = idle_lock_s
        self.clock = clock
        self.session: OfficerSession | None = None

    # -- sign-in ------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> Officer:
        """Start a session; AuthError (reason ``failed`` or ``locked``) otherwise. Both are audited."""
        try:
            officer = self.accounts.authenticate(username, password)
        except AuthError as exc:
            self.audit.append(username or "?", "sign_in_refused", "console", {"reason": exc.reason})
            raise
        self.session = OfficerSession(officer, self.idle_lock_s, clock=self.clock)
        self.audit.append(officer.username, "sign_in", "console", {"role": officer.role.value})
        return officer

    def lock(self, why: str = "manual") -> None:
        if self.session is not None and not self.session.locked:
            self.session.lock()
            self.audit.append(self.session.officer.username, "lock", "console", {"why": why})

    def check_idle(self) -> bool:
        """True while the session is usable; locks (and audits) it once it has been idle too long."""
        if self.session is None or self.session.locked:
            return False
        if not self.session.check():
            self.audit.append(self.session.officer.username, "lock", "console", {"why": "idle"})
            return False
        return True

    def _require(self, permission: str, activity: bool = True) -> Officer:
        if self.session is None:
            raise SessionLocked("nobody signed in")
        if self.session.locked or not self.check_idle():
            raise SessionLocked(self.session.officer.username)
        self.session.require(permission, activity)
        return self.session.officer

    # -- reading ------------------------------------------------------------------------
    def lanes(self) -> list[LaneStatus]:
        self._require("view", activity=False)
        return self.gateway.lanes()

    def referrals(self) -> list[Case]:
        self._require("view", activity=False)
        return self.gateway.referrals()

    def transactions(self, query: str = "") -> list[TransactionRecord]:
        self._require("search", activity=False)
        return self.gateway.transactions(query)

    def audit_entries(self, query: str = "") -> list[AuditEntry]:
        self._require("audit", activity=False)
        return self.audit.entries(query)

    def verify_audit(self) -> tuple[bool, str]:
        self._require("audit", activity=False)
        return self.audit.verify()

    # -- commands -----------------------------------------------------------------------
    def decide(self, case: Case, decision: Decision, reason: str) -> None:
        officer = self._require("decide")
        if not reason.strip():
            raise GatewayError("a decision needs a reason")
        details: dict[str, object] = {"lane": case.lane_id, "decision": decision.value, "reason": reason.strip(),
                                      "transaction": case.transaction_id}
        try:
            self.gateway.decide(case.case_id, decision, reason, officer.username)
        except GatewayError as exc:
            failed = {**details, "error": str(exc)}
            self.audit.append(officer.username, f"{decision.value}_failed", case.case_id, failed)
            raise
        self.audit.append(officer.username, decision.value, case.case_id, details)

    def set_door(self, lane_id: str, door: Door, open_: bool) -> None:
        officer = self._require("door")
        action = f"{'open' if open_ else 'close'}_{door.value}"
        try:
            self.gateway.set_door(lane_id, door, open_, officer.username)
        except GatewayError as exc:
            self.audit.append(officer.username, f"{action}_failed", lane_id, {"error": str(exc)})
            raise
        self.audit.append(officer.username, action, lane_id)

    def emergency_open(self, lane_id: str) -> None:
        officer = self._require("emergency")
        try:
            self.gateway.emergency_open(lane_id, officer.username)
        except GatewayError as exc:
            self.audit.append(officer.username, "emergency_open_failed", lane_id, {"error": str(exc)})
            raise
        self.audit.append(officer.username, "emergency_open", lane_id)

    def unlock_account(self, username: str) -> None:
        officer = self._require("unlock")
        self.accounts.unlock(username)
        self.audit.append(officer.username, "unlock_account", username)
