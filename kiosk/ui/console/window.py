"""The officer console window: sign-in, then tabs for lanes, referrals, transactions and audit.

A one-second timer refreshes the views from the gateway and applies the idle lock; any key
or pointer event counts as activity. Locking returns to the sign-in page, which keeps the
officer id filled in.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import theme
from kiosk.ui.console.accounts import AuthError
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.views import AuditView, LanesView, LoginPage, ReferralsView, TransactionsView
from kiosk.ui.i18n import catalogue

ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.Wheel,
})

STYLE = f"""
QWidget {{ background: {theme.BACKGROUND.name()}; color: {theme.TEXT.name()}; font-size: 15px; }}
QLineEdit, QTableWidget, QListWidget {{ background: {theme.PANEL.name()}; border: 1px solid {theme.MUTED.name()};
    padding: 4px; }}
QHeaderView::section {{ background: {theme.PANEL.name()}; color: {theme.TEXT.name()}; font-weight: bold;
    border: 1px solid {theme.MUTED.name()}; padding: 4px; }}
QPushButton {{ background: {theme.PANEL.name()}; border: 2px solid {theme.MUTED.name()}; border-radius: 6px;
    padding: 6px 12px; }}
QPushButton:disabled {{ color: {theme.MUTED.name()}; border-style: dashed; }}
QTabBar::tab {{ background: {theme.PANEL.name()}; padding: 8px 18px; border: 1px solid {theme.MUTED.name()}; }}
QTabBar::tab:selected {{ background: {theme.ACCENT.name()}; color: {theme.BACKGROUND.name()}; font-weight: bold; }}
QListWidget::item:selected {{ background: {theme.ACCENT.name()}; color: {theme.BACKGROUND.name()}; }}
"""


class ConsoleWindow(QWidget):
    def __init__(self, controller: ConsoleController, language: str = "vi", refresh_ms: int = 1000) -> None:
        super().__init__()
        self.controller = controller
        self.cat = cat = catalogue("console", language)
        self.setWindowTitle(cat.text("login.title"))
        self.setObjectName("console")
        self.setStyleSheet(STYLE)
        self.pages = QStackedWidget()
        self.login = LoginPage(cat)
        self.main = QWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.pages.addWidget(self.login)
        self.pages.addWidget(self.main)

        main = QVBoxLayout(self.main)
        top = QHBoxLayout()
        self.who = QLabel()
        self.who.setObjectName("who")
        self.who.setStyleSheet("font-size: 17px; font-weight: bold;")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(f"color: {theme.WARN.name()};")
        self.lock_button = QPushButton("🔒 " + cat.text("top.lock"))
        self.lock_button.setObjectName("lock")
        top.addWidget(self.who)
        top.addSpacing(20)
        top.addWidget(self.message, 1)
        top.addWidget(self.lock_button)
        main.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.lanes = LanesView(cat, controller, self.report)
        self.referrals = ReferralsView(cat, controller)
        self.transactions = TransactionsView(cat, controller)
        self.audit = AuditView(cat, controller)
        self.tabs.addTab(self.lanes, cat.text("tabs.lanes"))
        self.tabs.addTab(self.referrals, cat.text("tabs.referrals", n=0))
        self.tabs.addTab(self.transactions, cat.text("tabs.transactions"))
        self.tabs.addTab(self.audit, cat.text("tabs.audit"))
        main.addWidget(self.tabs)

        self.login.submitted.connect(self.sign_in)
        self.lock_button.clicked.connect(lambda: self.lock("manual"))
        self.referrals.count_changed.connect(
            lambda n: self.tabs.setTabText(1, ("● " if n else "") + cat.text("tabs.referrals", n=n))
        )
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def dispose(self) -> None:
        """Stop the timer, leave the application's event filter and delete the window."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.close()
        self.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in ACTIVITY_EVENTS and self.controller.session is not None:
            self.controller.session.touch()
        return False

    def report(self, text: str) -> None:
        self.message.setText(("⚠ " + text) if text else "")

    def sign_in(self, username: str, password: str) -> None:
        try:
            officer = self.controller.sign_in(username, password)
        except AuthError as exc:
            self.login.show_message(self.cat.text(f"login.{exc.reason}"))
            return
        self.login.show_message("")
        role = self.cat.text(f"top.role_{officer.role.value}")
        self.who.setText(self.cat.text("top.signed_in", name=officer.display_name, role=role))
        self.report("")
        self.pages.setCurrentWidget(self.main)
        self.refresh()

    def lock(self, why: str) -> None:
        self.controller.lock(why)
        self._show_login(why)

    def _show_login(self, why: str) -> None:
        session = self.controller.session
        if session is not None:
            self.login.username.setText(session.officer.username)
        if why == "idle":
            minutes = max(1, round(self.controller.idle_lock_s / 60))
            self.login.show_message(self.cat.text("login.idle_locked", minutes=minutes))
        self.pages.setCurrentWidget(self.login)
        self.login.password.setFocus()

    def tick(self) -> None:
        if self.pages.currentWidget() is not self.main:
            return
        if not self.controller.check_idle():
            self._show_login("idle")
            return
        self.refresh()

    def refresh(self) -> None:
        """Refresh the referral count and the visible tab (the others refresh when shown)."""
        if self.controller.session is None or self.controller.session.locked:
            return
        self.referrals.refresh()
        current = self.tabs.currentWidget()
        if current is self.lanes:
            self.lanes.refresh()
        elif current is self.transactions:
            self.transactions.refresh()
        elif current is self.audit:
            self.audit.refresh()
