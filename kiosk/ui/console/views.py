"""The console's views: sign-in, lanes overview, referral queue with case detail, transactions, audit.

Views read through the ``ConsoleController`` only and show its errors in words; none of them
blocks on a gate (commands return at once; the gateway's lanes act in their own threads).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import theme
from kiosk.ui.console.accounts import AccountError
from kiosk.ui.console.controller import ConsoleController
from kiosk.ui.console.gateway import GatewayError
from kiosk.ui.console.model import Case, Decision, Door, DoorState, LaneStatus
from kiosk.ui.console.session import NotAllowed, SessionLocked
from kiosk.ui.console.widgets import FacePanel, fill, fit_height, fmt, table, verdict
from kiosk.ui.i18n import Catalogue

DOOR_SYMBOL = {DoorState.OPEN: "▯ ", DoorState.CLOSED: "▮ ", DoorState.MOVING: "↔ ", DoorState.FAULT: "⚠ "}


def when(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def heading(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name or "heading")
    label.setStyleSheet("font-size: 18px; font-weight: bold;")
    return label


class LoginPage(QWidget):
    submitted = Signal(str, str)

    def __init__(self, cat: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("login_box")
        box.setMaximumWidth(520)
        form = QVBoxLayout(box)
        self.title = heading(cat.text("login.title"), "login_title")
        self.title.setStyleSheet("font-size: 26px; font-weight: bold;")
        self.username_label = QLabel(cat.text("login.username"))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password_label = QLabel(cat.text("login.password"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton(cat.text("login.submit"))
        self.submit.setObjectName("submit")
        self.message = QLabel("")
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.WARN.name()}; font-size: 16px;")
        for w in (self.title, self.username_label, self.username, self.password_label, self.password, self.submit,
                  self.message):
            form.addWidget(w)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        self.submitted.emit(self.username.text().strip(), self.password.text())
        self.password.clear()

    def show_message(self, text: str) -> None:
        self.message.setText(("⚠ " + text) if text else "")


class LaneCard(QFrame):
    """One lane: state, traveller, alarms, doors, and the door commands."""

    def __init__(self, cat: Catalogue, lane_id: str, controller: ConsoleController,
                 act: Callable[[str, Callable[[], None]], None]) -> None:
        super().__init__()
        self.cat, self.lane_id, self._controller = cat, lane_id, controller
        self.setObjectName(f"lane_{lane_id}")
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet(f"QFrame#lane_{lane_id} {{ border: 2px solid {theme.MUTED.name()}; border-radius: 8px; }}")
        grid = QGridLayout(self)
        self.title = heading(cat.text("lane.title", lane=lane_id), "lane_title")
        grid.addWidget(self.title, 0, 0, 1, 2)
        self.values: dict[str, QLabel] = {}
        for r, key in enumerate(("state", "traveller", "alarms", "entry_door", "exit_door"), start=1):
            grid.addWidget(QLabel(cat.text(f"lane.{key}")), r, 0)
            value = QLabel()
            value.setObjectName(f"lane_{key}")
            value.setWordWrap(True)
            self.values[key] = value
            grid.addWidget(value, r, 1)
        self.referral = QLabel()
        self.referral.setObjectName("lane_referral")
        grid.addWidget(self.referral, 6, 0, 1, 2)
        self.refused = QLabel()
        self.refused.setObjectName("lane_refused")
        self.refused.setWordWrap(True)
        self.refused.setStyleSheet(f"color: {theme.WARN.name()};")
        grid.addWidget(self.refused, 8, 0, 1, 2)
        buttons = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        commands: list[tuple[str, Door, bool]] = [
            ("open_entry", Door.ENTRY, True), ("close_entry", Door.ENTRY, False),
            ("open_exit", Door.EXIT, True), ("close_exit", Door.EXIT, False),
        ]
        for i, (key, door, open_) in enumerate(commands):
            b = QPushButton(cat.text(f"lane.{key}"))
            b.setObjectName(key)
            b.clicked.connect(lambda _=False, d=door, o=open_: act(self.lane_id, self._door_command(d, o)))
            buttons.addWidget(b, i // 2, i % 2)
            self.buttons[key] = b
        self.emergency = QPushButton("⚠ " + cat.text("lane.emergency"))
        self.emergency.setObjectName("emergency")
        self.emergency.setStyleSheet(f"background: {theme.BAD.name()}; color: black; font-weight: bold; padding: 8px;")
        self._armed_until = 0.0
        self.emergency.clicked.connect(lambda: self._emergency(act))
        buttons.addWidget(self.emergency, 2, 0, 1, 2)
        grid.addLayout(buttons, 7, 0, 1, 2)

    def _door_command(self, door: Door, open_: bool) -> Callable[[], None]:
        return lambda: self._controller.set_door(self.lane_id, door, open_)

    def _emergency(self, act: Callable[[str, Callable[[], None]], None]) -> None:
        """Two taps within five seconds: an emergency opening must not happen by a stray touch."""
        now = time.monotonic()
        if now > self._armed_until:
            self._armed_until = now + 5.0
            self.emergency.setText("⚠ " + self.cat.text("lane.emergency_confirm"))
            QTimer.singleShot(5000, self._disarm)
            return
        self._disarm()
        act(self.lane_id, lambda: self._controller.emergency_open(self.lane_id))

    def _disarm(self) -> None:
        self._armed_until = 0.0
        self.emergency.setText("⚠ " + self.cat.text("lane.emergency"))

    def show_status(self, s: LaneStatus) -> None:
        c = self.cat
        state_key = f"state.{s.state}"
        state = c.text(state_key) if state_key in c else s.state
        if not s.in_service:
            state = "⛔ " + c.text("lane.out_of_service") + f" ({state})"
        self.values["state"].setText(state)
        self.values["traveller"].setText(s.traveller or c.text("lane.none"))
        self.values["alarms"].setText(("⚠ " + "; ".join(s.alarms)) if s.alarms else ("✓ " + c.text("lane.no_alarms")))
        self.values["alarms"].setStyleSheet(f"color: {(theme.BAD if s.alarms else theme.TEXT).name()};")
        for key, state in (("entry_door", s.entry_door), ("exit_door", s.exit_door)):
            self.values[key].setText(DOOR_SYMBOL[state] + c.text(f"lane.door_{state.value}"))
        self.referral.setText(("● " + c.text("lane.referral_waiting")) if s.referral_id else "")
        r = s.refused
        self.refused.setText("" if r is None else "⚠ " + c.text(
            "lane.command_refused", transaction=r.transaction_id or "–",
            command=c.text(f"command.{r.command}") if f"command.{r.command}" in c else r.command,
            reason=c.text(f"refused.{r.reason}") if f"refused.{r.reason}" in c else r.reason))
        self.referral.setStyleSheet(f"color: {theme.ACCENT.name()}; font-weight: bold;")


class LanesView(QWidget):
    def __init__(self, cat: Catalogue, controller: ConsoleController, report: Callable[[str], None]) -> None:
        super().__init__()
        self.cat, self.controller, self.report = cat, controller, report
        outer = QVBoxLayout(self)
        self.grid = QGridLayout()
        outer.addLayout(self.grid)
        outer.addStretch(1)
        self.cards: dict[str, LaneCard] = {}

    def _act(self, lane_id: str, command: Callable[[], None]) -> None:
        try:
            command()
        except (GatewayError, NotAllowed, SessionLocked) as exc:
            self.report(self.cat.text("error.action_failed", reason=str(exc)))
        self.refresh()

    def refresh(self) -> None:
        try:
            lanes = self.controller.lanes()
        except SessionLocked:
            return
        if [s.lane_id for s in lanes] != list(self.cards):
            for card in self.cards.values():
                card.setParent(None)
            self.cards = {}
            for i, s in enumerate(lanes):
                card = LaneCard(self.cat, s.lane_id, self.controller, self._act)
                self.cards[s.lane_id] = card
                self.grid.addWidget(card, i // 3, i % 3)
        for s in lanes:
            self.cards[s.lane_id].show_status(s)


def _text_section(column: QVBoxLayout, title: str, name: str) -> QLabel:
    """A titled panel holding one wrapped rich-text label (watch list, reasons), added to ``column``."""
    box, inner = _section(title)
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    inner.addWidget(label)
    column.addWidget(box)
    return label


def _section(title: str) -> tuple[QFrame, QVBoxLayout]:
    """A titled panel of the case view."""
    box = QFrame()
    box.setObjectName("section")
    box.setStyleSheet(f"QFrame#section {{ background: {theme.PANEL.name()}; border-radius: 8px; }}"
                      "QFrame#section QLabel { background: transparent; }")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(12, 8, 12, 10)
    layout.setSpacing(6)
    layout.addWidget(heading(title))
    return box, layout


class CaseDetail(QWidget):
    """Everything about one referral, side by side, and the decision with its required reason.

    Left: the document portrait beside the live face, and the document's fields. Right: every score
    against the threshold the gate used (pass or fail said in words and a symbol), each finger, the
    watch-list entries and the policy's reasons in the officer's language. Below: the decision."""

    decided = Signal()

    def __init__(self, cat: Catalogue, controller: ConsoleController) -> None:
        super().__init__()
        self.cat, self.controller = cat, controller
        self.case: Case | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.setContentsMargins(6, 0, 6, 0)
        self.header = heading(cat.text("case.select"), "case_header")
        self.header.setStyleSheet("font-size: 22px; font-weight: bold;")
        self.subheader = QLabel()
        self.subheader.setObjectName("case_subheader")
        self.subheader.setStyleSheet(f"color: {theme.MUTED.name()};")
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        left = QVBoxLayout()
        faces = QHBoxLayout()
        self.portrait = FacePanel(cat.text("case.portrait"))
        self.portrait.setObjectName("portrait")
        self.live = FacePanel(cat.text("case.live_face"))
        self.live.setObjectName("live_face")
        faces.addWidget(self.portrait)
        faces.addWidget(self.live)
        faces.addStretch(1)
        left.addLayout(faces)
        doc_box, doc_layout = _section(cat.text("case.document"))
        self.document = table([cat.text("case.document"), ""], "document_fields")
        self.document.horizontalHeader().setVisible(False)
        doc_layout.addWidget(self.document)
        left.addWidget(doc_box)
        left.addStretch(1)
        columns.addLayout(left)
        right = QVBoxLayout()
        right.setSpacing(10)
        box, inner = _section(cat.text("case.scores"))
        self.scores = table(
            [cat.text("case.measure"), cat.text("case.score"), cat.text("case.threshold"), cat.text("case.result")],
            "scores",
        )
        inner.addWidget(self.scores)
        right.addWidget(box)
        box, inner = _section(cat.text("case.fingers"))
        self.fingers = table(
            [cat.text("case.finger"), cat.text("case.quality"), cat.text("case.score"), cat.text("case.threshold"),
             cat.text("case.result")],
            "fingers",
        )
        inner.addWidget(self.fingers)
        self.fingers_none = QLabel("– " + cat.text("case.not_done"))
        self.fingers_none.setObjectName("fingers_none")
        inner.addWidget(self.fingers_none)
        right.addWidget(box)
        self.watchlist = _text_section(right, cat.text("case.watchlist"), "watchlist")
        self.reasons = _text_section(right, cat.text("case.reasons"), "reasons")
        right.addStretch(1)
        columns.addLayout(right, 1)
        layout.addLayout(columns)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(cat.text("case.reason"))
        self.reason.setMinimumHeight(44)
        row = QHBoxLayout()
        row.addWidget(self.reason, 3)
        self.approve = QPushButton("✓ " + cat.text("case.approve"))
        self.approve.setObjectName("approve")
        self.reject = QPushButton("✗ " + cat.text("case.reject"))
        self.reject.setObjectName("reject")
        for b in (self.approve, self.reject):
            b.setMinimumHeight(44)
            row.addWidget(b, 1)
        layout.addLayout(row)
        self.feedback = QLabel()
        self.feedback.setObjectName("case_feedback")
        self.feedback.setWordWrap(True)
        layout.addWidget(self.feedback)
        layout.addStretch(1)
        self.approve.clicked.connect(lambda: self._decide(Decision.APPROVE))
        self.reject.clicked.connect(lambda: self._decide(Decision.REJECT))
        self.show_case(None)

    def show_case(self, case: Case | None) -> None:
        c = self.cat
        self.case = case
        for w in (self.approve, self.reject, self.reason):
            w.setEnabled(case is not None)
        if case is None:
            self.header.setText(c.text("case.select"))
            self.subheader.setText("")
            for panel in (self.portrait, self.live):
                panel.set_image(None, c.text("case.no_image"))
            for t in (self.document, self.scores, self.fingers):
                t.setRowCount(0)
            self.fingers_none.setVisible(False)
            self.watchlist.setText("")
            self.reasons.setText("")
            return
        waited = max(0, round(time.time() - case.opened_at))
        self.header.setText(case.traveller)
        sub = c.text("case.waiting_since", lane=case.lane_id, seconds=waited)
        if case.transaction_id:
            sub += " · " + c.text("case.transaction", transaction=case.transaction_id)
        self.subheader.setText(sub)
        no_portrait = c.text("case.portrait_template") if case.reference == "enrolment" else c.text("case.no_image")
        self.portrait.set_image(case.portrait, no_portrait)
        self.live.set_image(case.live_face, c.text("case.no_live_face" if case.reference else "case.no_image"))
        fill(self.document, [[c.text(f"doc.{k}") if f"doc.{k}" in c else k, v or "–"] for k, v in case.document])
        fit_height(self.document)
        face_label = {"document_page": "case.face_vs_document", "enrolment": "case.face_vs_enrolment"}.get(
            case.reference, "case.face_match")
        rows: list[list[str | tuple[str, str]]] = []
        not_asked = case.fingers_required == 0 and not case.fingers
        for key, m in ((face_label, case.face), ("case.liveness", case.liveness), ("case.finger_fused", case.finger)):
            result = verdict(c, m.passed)
            if key == "case.finger_fused" and not_asked:
                result = ("– " + c.text("case.not_required"), theme.MUTED.name())
            rows.append([c.text(key), fmt(m.score), fmt(m.threshold), result])
        fill(self.scores, rows)
        fit_height(self.scores)
        fill(self.fingers, [
            [c.text(f"finger.{f.finger}") if f"finger.{f.finger}" in c else f.finger,
             "–" if f.quality is None else str(f.quality), fmt(f.score), fmt(f.threshold),
             verdict(c, f.matched)]
            for f in case.fingers
        ])
        fit_height(self.fingers)
        self.fingers.setVisible(bool(case.fingers))
        self.fingers_none.setVisible(not case.fingers)
        self.fingers_none.setText("– " + c.text("case.not_required" if not_asked else "case.not_done"))
        self._show_watchlist(case)
        self.reasons.setText(self._reasons_html(case))
        self.feedback.setText("")

    def _show_watchlist(self, case: Case) -> None:
        """Each entry matched: which list (symbol and word), why it is listed, who, how it matched, from where."""
        c = self.cat
        if not case.watchlist:
            self.watchlist.setText(escape("✓ " + c.text("case.watchlist_none")))
            return
        muted, bad = theme.MUTED.name(), theme.BAD.name()
        lines = []
        for w in case.watchlist:
            listed = c.text(f"watch.{w.list}") if f"watch.{w.list}" in c else "⚠ " + (w.list or "?")
            matched = c.text(f"watch.by_{w.matched_by}") if f"watch.by_{w.matched_by}" in c else w.matched_by
            facts = [(c.text("watch.name"), w.name), (c.text("watch.birth_date"), w.birth_date),
                     (c.text("watch.document"), w.document_number), (c.text("watch.matched_by"), matched),
                     (c.text("watch.source"), w.source)]
            known = " · ".join(f"{escape(k)}: {escape(v)}" for k, v in facts if v)
            lines.append(f"<p style='margin:0 0 6px 0'><b style='color:{bad}'>{escape(listed)}</b>&nbsp; "
                         f"{escape(w.reason)}<br><span style='color:{muted}'>{known}</span></p>")
        self.watchlist.setText("".join(lines))

    def _reasons_html(self, case: Case) -> str:
        """Each reason in the officer's language, with its outcome (symbol and word) and the gate's detail."""
        c = self.cat
        colours = {"REJECT": theme.BAD, "REFER": theme.ACCENT, "ACCEPT": theme.GOOD}
        lines = []
        for r in case.reasons:
            words = c.text(f"reason.{r.code}") if f"reason.{r.code}" in c else r.code
            outcome = c.text(f"outcome.{r.outcome}") if f"outcome.{r.outcome}" in c else ""
            colour = colours.get(r.outcome, theme.MUTED).name()
            detail = f"<br><span style='color:{theme.MUTED.name()}'>{escape(r.detail)} · {r.code}</span>" if (
                r.detail) else f"<br><span style='color:{theme.MUTED.name()}'>{r.code}</span>"
            lines.append(f"<p style='margin:0 0 6px 0'><b style='color:{colour}'>{escape(outcome)}</b>&nbsp; "
                         f"{escape(words)}{detail}</p>")
        return "".join(lines)

    def _decide(self, decision: Decision) -> None:
        if self.case is None:
            return
        reason = self.reason.text().strip()
        if not reason:
            self.feedback.setText("⚠ " + self.cat.text("case.reason_required"))
            self.reason.setFocus()
            return
        try:
            self.controller.decide(self.case, decision, reason)
        except (GatewayError, NotAllowed, SessionLocked) as exc:
            self.feedback.setText("⚠ " + self.cat.text("error.action_failed", reason=str(exc)))
            return
        self.reason.clear()
        self.feedback.setText("✓ " + self.cat.text("case.decided", decision=self.cat.text(f"case.{decision.value}")))
        self.decided.emit()


class ReferralsView(QWidget):
    count_changed = Signal(int)

    def __init__(self, cat: Catalogue, controller: ConsoleController) -> None:
        super().__init__()
        self.cat, self.controller = cat, controller
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.queue = QListWidget()
        self.queue.setObjectName("queue")
        self.queue.setMaximumWidth(320)
        self.empty = QLabel(cat.text("case.queue_empty"))
        self.empty.setObjectName("queue_empty")
        left.addWidget(self.queue)
        left.addWidget(self.empty)
        layout.addLayout(left)
        self.detail = CaseDetail(cat, controller)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.detail)
        layout.addWidget(scroll, 1)
        self._cases: dict[str, Case] = {}
        self.queue.currentItemChanged.connect(self._select)
        self.detail.decided.connect(self.refresh)

    def refresh(self) -> None:
        try:
            cases = self.controller.referrals()
        except SessionLocked:
            return
        ids = [c.case_id for c in cases]
        if ids != list(self._cases):
            current = self.detail.case.case_id if self.detail.case else None
            self._cases = {c.case_id: c for c in cases}
            self.queue.blockSignals(True)
            self.queue.clear()
            for case in cases:
                item = QListWidgetItem(f"{self.cat.text('lane.title', lane=case.lane_id)} · {case.traveller}")
                item.setData(256, case.case_id)
                self.queue.addItem(item)
                if case.case_id == current:
                    self.queue.setCurrentItem(item)
            self.queue.blockSignals(False)
            if current not in self._cases:
                if cases:
                    self.queue.setCurrentRow(0)
                else:
                    self.detail.show_case(None)
        self.empty.setVisible(not cases)
        self.count_changed.emit(len(cases))

    def _select(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        self.detail.show_case(None if item is None else self._cases.get(str(item.data(256))))

    def select(self, case_id: str) -> None:
        for i in range(self.queue.count()):
            if self.queue.item(i).data(256) == case_id:
                self.queue.setCurrentRow(i)


class TransactionsView(QWidget):
    def __init__(self, cat: Catalogue, controller: ConsoleController) -> None:
        super().__init__()
        self.cat, self.controller = cat, controller
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setObjectName("transaction_query")
        self.query.setPlaceholderText(cat.text("transactions.search"))
        self.find_button = QPushButton(cat.text("transactions.find"))
        self.find_button.setObjectName("find")
        row.addWidget(self.query, 1)
        row.addWidget(self.find_button)
        layout.addLayout(row)
        keys = ("time", "lane", "name", "document", "decision", "reasons")
        self.table = table([cat.text(f"transactions.{k}") for k in keys], "transactions")
        layout.addWidget(self.table)
        self.count = QLabel()
        self.count.setObjectName("transaction_count")
        layout.addWidget(self.count)
        self.find_button.clicked.connect(self.refresh)
        self.query.returnPressed.connect(self.refresh)

    def refresh(self) -> None:
        try:
            rows = self.controller.transactions(self.query.text())
        except (SessionLocked, NotAllowed):
            return
        fill(self.table, [
            [when(t.time), t.lane_id, t.name, t.document_number, t.decision, "; ".join(t.reasons)] for t in rows
        ])
        self.count.setText(self.cat.text("transactions.count", n=len(rows)))


class AuditView(QWidget):
    def __init__(self, cat: Catalogue, controller: ConsoleController) -> None:
        super().__init__()
        self.cat, self.controller = cat, controller
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setObjectName("audit_query")
        self.query.setPlaceholderText(cat.text("audit.filter"))
        row.addWidget(self.query, 1)
        row.addSpacing(24)
        self.unlock_id = QLineEdit()
        self.unlock_id.setObjectName("unlock_id")
        self.unlock_id.setPlaceholderText(cat.text("audit.unlock_id"))
        self.unlock_id.setMinimumWidth(260)
        self.unlock_button = QPushButton(cat.text("audit.unlock"))
        self.unlock_button.setObjectName("unlock")
        row.addWidget(self.unlock_id)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.unlock_message = QLabel()
        self.unlock_message.setObjectName("unlock_message")
        layout.addWidget(self.unlock_message)
        self.unlock_button.clicked.connect(self._unlock)
        keys = ("time", "officer", "action", "target", "details")
        self.table = table([cat.text(f"audit.{k}") for k in keys], "audit")
        layout.addWidget(self.table)
        self.count = QLabel()
        self.count.setObjectName("audit_count")
        layout.addWidget(self.count)
        self.query.returnPressed.connect(self.refresh)

    def _unlock(self) -> None:
        """A supervisor clears an officer's lockout (audited by the controller)."""
        username = self.unlock_id.text().strip()
        if not username:
            return
        try:
            self.controller.unlock_account(username)
        except (AccountError, NotAllowed, SessionLocked) as exc:
            self.unlock_message.setText("⚠ " + self.cat.text("error.action_failed", reason=str(exc)))
            return
        self.unlock_id.clear()
        self.unlock_message.setText("✓ " + self.cat.text("audit.unlocked", officer=username))
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = self.controller.audit_entries(self.query.text())
        except NotAllowed:
            self.table.setRowCount(0)
            self.count.setText(self.cat.text("audit.supervisor_only"))
            return
        except SessionLocked:
            return
        fill(self.table, [[e.time, e.actor, e.action, e.target, e.details] for e in entries])
        intact, words = self.controller.verify_audit()
        mark = "✓ " + self.cat.text("audit.intact") if intact else "⚠ " + self.cat.text("audit.broken")
        self.count.setText(f"{self.cat.text('audit.count', n=len(entries))} · {mark} ({words})")
        self.count.setStyleSheet("" if intact else f"color: {theme.BAD.name()}; font-weight: bold;")
