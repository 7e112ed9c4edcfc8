"""The officer console: accounts and lockout, idle lock, roles, audited decisions, and every view rendered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kiosk.config import Config
from kiosk.stores.gate import GateStore
from kiosk.ui.console.accounts import AccountError, AccountStore, AuthError, Role
from kiosk.ui.console.audit import StoreAuditSink
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.gateway import GatewayError, InProcessGateway
from kiosk.ui.console.model import Decision, Door, LaneStatus
from kiosk.ui.console.session import NotAllowed, SessionLocked
from kiosk.ui.i18n import CONSOLE_LANGUAGES, catalogue
from kiosk.ui.samples import sample_gateway
from kiosk.ui.screenshots import CONSOLE_VIEWS, SAMPLE_OFFICER, SAMPLE_PASSWORD, console_rig
from tests.ui_images import assert_not_blank

PASSWORD = "correct horse battery"
# argon2id with a small cost keeps the tests quick on a shared two-core machine; the console uses
# argon2-cffi's default profile (RFC 9106), and the lockout logic does not depend on the cost.
FAST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.fixture
def accounts(tmp_path: Path) -> AccountStore:
    store = AccountStore(tmp_path / "console.db", max_failures=5, hasher=FAST_ARGON2)
    store.add("o.pham", "Phạm Minh Đức", Role.OFFICER, PASSWORD)
    store.add("s.le", "Lê Thu Hà", Role.SUPERVISOR, PASSWORD + "!")
    return store


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_passwords_are_stored_as_argon2id_hashes(accounts: AccountStore) -> None:
    import sqlite3

    with sqlite3.connect(accounts.path) as db:
        stored = db.execute("SELECT password_hash FROM officers WHERE username = 'o.pham'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_five_wrong_passwords_lock_the_account_across_restarts(accounts: AccountStore) -> None:
    for attempt in range(1, 5):
        with pytest.raises(AuthError) as exc:
            accounts.authenticate("o.pham", f"wrong {attempt}")
        assert exc.value.reason == "failed"
    with pytest.raises(AuthError) as exc:
        accounts.authenticate("o.pham", "wrong 5")
    assert exc.value.reason == "locked"
    reopened = AccountStore(accounts.path, max_failures=5, hasher=FAST_ARGON2)  # a restarted console
    assert reopened.status("o.pham") == (5, True)
    with pytest.raises(AuthError) as exc:
        reopened.authenticate("o.pham", PASSWORD)  # even the right password, while locked
    assert exc.value.reason == "locked"
    reopened.unlock("o.pham")
    assert reopened.authenticate("o.pham", PASSWORD).role is Role.OFFICER
    assert reopened.status("o.pham") == (0, False)


def test_a_right_password_resets_the_failure_count(accounts: AccountStore) -> None:
    for _ in range(4):
        with pytest.raises(AuthError):
            accounts.authenticate("o.pham", "nope")
    accounts.authenticate("o.pham", PASSWORD)
    assert accounts.status("o.pham") == (0, False)


def test_unknown_officer_and_wrong_password_get_the_same_answer(accounts: AccountStore) -> None:
    with pytest.raises(AuthError) as unknown:
        accounts.authenticate("nobody", PASSWORD)
    with pytest.raises(AuthError) as wrong:
        accounts.authenticate("o.pham", "nope")
    assert unknown.value.reason == wrong.value.reason == "failed"


def test_weak_passwords_and_duplicate_ids_are_refused(accounts: AccountStore) -> None:
    with pytest.raises(AccountError, match="at least"):
        accounts.add("x", "X", Role.OFFICER, "short")
    with pytest.raises(AccountError, match="already exists"):
        accounts.add("o.pham", "again", Role.OFFICER, PASSWORD)


def make_controller(accounts: AccountStore, tmp_path: Path, data_root: Path, config: Config,
                    clock: Clock) -> ConsoleController:
    store = GateStore.open(tmp_path / "gate.db", os.urandom(32), audit_hmac=True)
    gateway = sample_gateway(data_root, config)
    return ConsoleController(accounts, gateway, StoreAuditSink(store), idle_lock_s=120.0, clock=clock)


def test_the_console_locks_itself_when_idle(accounts: AccountStore, tmp_path: Path, data_root: Path,
                                            config: Config) -> None:
    clock = Clock()
    controller = make_controller(accounts, tmp_path, data_root, config, clock)
    controller.sign_in("o.pham", PASSWORD)
    clock.t += 100
    assert len(controller.lanes()) == 3  # a refresh is not activity ...
    clock.t += 30
    with pytest.raises(SessionLocked):
        controller.lanes()  # ... so 130 s after sign-in the session is locked
    assert [e.action for e in controller.audit.entries()][:2] == ["lock", "sign_in"]
    assert isinstance(controller.audit, StoreAuditSink) and controller.audit.store.audit.verify().intact


def test_officers_cannot_read_the_audit_log_and_supervisors_can(accounts: AccountStore, tmp_path: Path,
                                                                data_root: Path, config: Config) -> None:
    controller = make_controller(accounts, tmp_path, data_root, config, Clock())
    controller.sign_in("o.pham", PASSWORD)
    with pytest.raises(NotAllowed):
        controller.audit_entries()
    controller.sign_in("s.le", PASSWORD + "!")
    assert [e.actor for e in controller.audit_entries()] == ["s.le", "o.pham"]


def test_decisions_need_a_reason_and_failures_are_audited(accounts: AccountStore, tmp_path: Path,
                                                          data_root: Path, config: Config) -> None:
    controller = make_controller(accounts, tmp_path, data_root, config, Clock())
    controller.sign_in("o.pham", PASSWORD)
    case = controller.referrals()[0]
    with pytest.raises(GatewayError, match="reason"):
        controller.decide(case, Decision.APPROVE, "   ")
    with pytest.raises(GatewayError, match="no gate attached"):  # the sample lanes have no gate behind them
        controller.decide(case, Decision.APPROVE, "checked passport by hand")
    with pytest.raises(GatewayError, match="no gate attached"):
        controller.set_door("1", Door.EXIT, True)
    actions = [(e.action, e.target) for e in controller.audit.entries()]
    assert actions[:2] == [("open_exit_failed", "1"), ("approve_failed", "c-0001")]
    assert len(controller.referrals()) == 2  # nothing was decided


class RecordingLane:
    """A LaneControl that keeps the commands it got (the gateway's contract, not a gate)."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, ...]] = []

    def decide(self, case_id: str, decision: Decision, reason: str, officer: str) -> None:
        self.commands.append(("decide", case_id, decision.value, reason, officer))

    def set_door(self, door: Door, open_: bool) -> None:
        self.commands.append(("door", door.value, str(open_)))

    def emergency_open(self) -> None:
        self.commands.append(("emergency",))


def test_the_gateway_routes_commands_to_the_case_s_lane_and_clears_the_case(data_root: Path, config: Config) -> None:
    gw = sample_gateway(data_root, config)
    lane = RecordingLane()
    gw.attach(LaneStatus("9", "decision", "A B"), lane)
    case = next(c for c in gw.referrals() if c.lane_id == "1")
    gw.refer(type(case)(**{**case.__dict__, "case_id": "c-9", "lane_id": "9"}))
    gw.decide("c-9", Decision.REJECT, " forged visa ", "o.pham")
    gw.set_door("9", Door.ENTRY, False, "o.pham")
    gw.emergency_open("9", "o.pham")
    assert lane.commands == [("decide", "c-9", "reject", "forged visa", "o.pham"), ("door", "entry", "False"),
                             ("emergency",)]
    assert "c-9" not in [c.case_id for c in gw.referrals()]
    with pytest.raises(GatewayError, match="already decided"):
        gw.decide("c-9", Decision.REJECT, "again", "o.pham")
    with pytest.raises(GatewayError, match="no lane"):
        gw.set_door("7", Door.EXIT, True, "o.pham")


def test_transactions_are_found_by_name_document_or_lane(data_root: Path, config: Config) -> None:
    gw = sample_gateway(data_root, config)
    assert [t.transaction_id for t in gw.transactions("sok")] == ["t-103"]
    assert [t.transaction_id for t in gw.transactions("B7654321")] == ["t-104"]
    assert [t.transaction_id for t in gw.transactions("2")] == ["t-104", "t-102"]


@pytest.mark.parametrize("language", CONSOLE_LANGUAGES)
def test_every_console_view_renders_with_catalogue_text(language: str, data_root: Path, config: Config,
                                                        tmp_path: Path) -> None:
    cat = catalogue("console", language)
    with console_rig(language, data_root, config) as rig:
        w = rig.window
        assert w.login.title.text() == cat.text("login.title")
        w.login.username.setText(SAMPLE_OFFICER)
        w.login.password.setText("wrong password")
        w.login.submit.click()
        assert w.login.message.text() == "⚠ " + cat.text("login.failed")
        assert w.pages.currentWidget() is w.login
        assert_not_blank(w.grab().toImage())
        w.sign_in(SAMPLE_OFFICER, SAMPLE_PASSWORD)
        assert w.pages.currentWidget() is w.main
        for index, name in enumerate(CONSOLE_VIEWS[1:]):
            w.tabs.setCurrentIndex(index)
            w.refresh()
            shot = w.grab().toImage()
            assert_not_blank(shot)
            assert shot.save(str(tmp_path / f"{language}_{name}.png"))
        card = w.lanes.cards["3"]
        assert card.values["alarms"].text().startswith("⚠ ")
        assert card.values["entry_door"].text().endswith(cat.text("lane.door_fault"))
        assert w.tabs.tabText(1) == "● " + cat.text("tabs.referrals", n=2)
        detail = w.referrals.detail
        assert detail.case is not None and detail.case.case_id == "c-0001"
        assert detail.scores.item(0, 0).text() == cat.text("case.face_vs_document")
        assert detail.scores.item(0, 3).text() == "✗ " + cat.text("case.fail")
        assert detail.fingers.rowCount() == 2
        detail.approve.click()  # no reason given
        assert detail.feedback.text() == "⚠ " + cat.text("case.reason_required")
        assert w.transactions.count.text() == cat.text("transactions.count", n=4)
        assert w.audit.table.rowCount() >= 2  # the refused and the accepted sign-in


def test_the_lock_button_returns_to_sign_in_keeping_the_officer_id(data_root: Path, config: Config) -> None:
    with console_rig("en", data_root, config) as rig:
        w = rig.window
        w.sign_in(SAMPLE_OFFICER, SAMPLE_PASSWORD)
        w.lock_button.click()
        assert w.pages.currentWidget() is w.login
        assert w.login.username.text() == SAMPLE_OFFICER
        with pytest.raises(SessionLocked):
            rig.controller.lanes()


def test_the_window_locks_after_the_idle_time_and_says_why(accounts: AccountStore, tmp_path: Path,
                                                           data_root: Path, config: Config) -> None:
    from kiosk.ui.console.window import ConsoleWindow
    from kiosk.ui.screenshots import application

    application()
    clock = Clock()
    controller = make_controller(accounts, tmp_path, data_root, config, clock)
    window = ConsoleWindow(controller, "vi", refresh_ms=60_000)
    try:
        window.sign_in("o.pham", PASSWORD)
        assert window.pages.currentWidget() is window.main
        clock.t += 119
        window.tick()
        assert window.pages.currentWidget() is window.main
        clock.t += 2
        window.tick()
        assert window.pages.currentWidget() is window.login
        assert window.login.message.text() == "⚠ " + catalogue("console", "vi").text("login.idle_locked", minutes=2)
    finally:
        window.dispose()


def test_door_buttons_go_through_the_controller_and_emergency_needs_two_taps(accounts: AccountStore,
                                                                             tmp_path: Path,
                                                                             data_root: Path, config: Config) -> None:
    from kiosk.ui.console.window import ConsoleWindow
    from kiosk.ui.screenshots import application

    application()
    controller = make_controller(accounts, tmp_path, data_root, config, Clock())
    gateway = controller.gateway
    assert isinstance(gateway, InProcessGateway)
    lane = RecordingLane()
    gateway.attach(LaneStatus("4", "idle", None), lane)
    window = ConsoleWindow(controller, "en", refresh_ms=60_000)
    try:
        window.sign_in("o.pham", PASSWORD)
        window.refresh()
        card = window.lanes.cards["4"]
        card.buttons["open_exit"].click()
        card.emergency.click()
        assert lane.commands == [("door", "exit", "True")]  # the first emergency tap only arms it
        assert card.emergency.text().endswith(catalogue("console", "en").text("lane.emergency_confirm"))
        card.emergency.click()
        assert lane.commands == [("door", "exit", "True"), ("emergency",)]
        window.lanes.cards["1"].buttons["close_entry"].click()  # a sample lane: refused, shown, audited
        assert window.message.text().startswith("⚠ ")
        actions = [e.action for e in controller.audit.entries()]
        assert actions[:3] == ["close_entry_failed", "emergency_open", "open_exit"]
    finally:
        window.dispose()


def test_a_supervisor_unlocks_a_locked_officer_on_the_console(accounts: AccountStore, tmp_path: Path,
                                                              data_root: Path, config: Config) -> None:
    from kiosk.ui.console.window import ConsoleWindow
    from kiosk.ui.screenshots import application

    application()
    for _ in range(5):
        with pytest.raises(AuthError):
            accounts.authenticate("o.pham", "guess")
    assert accounts.status("o.pham") == (5, True)
    controller = make_controller(accounts, tmp_path, data_root, config, Clock())
    window = ConsoleWindow(controller, "vi", refresh_ms=60_000)
    try:
        window.login.username.setText("o.pham")
        window.login.password.setText(PASSWORD)
        window.login.submit.click()
        assert window.login.message.text() == "⚠ " + catalogue("console", "vi").text("login.locked")
        window.sign_in("s.le", PASSWORD + "!")
        window.tabs.setCurrentIndex(3)
        window.audit.unlock_id.setText("o.pham")
        window.audit.unlock_button.click()
        assert window.audit.unlock_message.text().startswith("✓ ")
        assert accounts.status("o.pham") == (0, False)
        assert [(e.actor, e.action, e.target) for e in controller.audit.entries("unlock")] == [
            ("s.le", "unlock_account", "o.pham")
        ]
    finally:
        window.dispose()
