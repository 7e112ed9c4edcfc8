"""The transaction engine: one traveller from document to exit, with budgets, retries and officer commands.

States and their allowed transitions are ``kiosk/engine/states.py``; this module performs the side
effects: it asks the devices for input, runs the stage adapters in a thread pool (the MRZ read and
the document portrait in parallel; face verification while the traveller places a finger), commands
the doors, applies the policy and publishes events. Any door fault aborts the transaction with the
doors closed (DEVICE_FAULT), and the engine returns to idle.

An officer's approve or reject names the transaction it is for and is applied only while that
transaction waits for an officer; any other (a late approve after the lane moved on) is refused
with a ``CommandRefused`` event. Door commands are for the lane, whoever is in it.
"""

from __future__ import annotations

import itertools
import logging
import queue
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

import numpy as np

from biometrics.face.results import FaceTemplate, FaceVerification
from biometrics.finger.results import FingerVerification
from kiosk.engine import events as ev
from kiosk.engine.clock import Job, RealClock, SimClock, submit
from kiosk.engine.ports import Clip, Devices, DoorController, EnrolledPerson, Enrolment, Presentation, WatchList
from kiosk.engine.results import Transaction
from kiosk.engine.settings import EngineSettings
from kiosk.engine.stages.document import DocumentRead, DocumentStage
from kiosk.engine.stages.face import FaceStage
from kiosk.engine.stages.finger import FingerStage
from kiosk.engine.states import State, check
from kiosk.policy.decide import Decision, decide
from kiosk.policy.evidence import Evidence, Finding, WatchlistMatch
from kiosk.policy.settings import PolicySettings
from mrz.document import Document

log = logging.getLogger(__name__)

T = TypeVar("T")
OFFICER_COMMANDS = ("approve", "reject", "open_entry", "close_entry", "open_exit", "close_exit", "close_all")
DECISIONS = ("approve", "reject")  # the commands that belong to one transaction


class DoorFault(RuntimeError):
    """A door command failed: the relay or the controller is gone or refused."""


@dataclass(frozen=True)
class Stages:
    document: DocumentStage
    face: FaceStage
    finger: FingerStage


@dataclass
class _Run:
    """Mutable working state of one transaction."""

    id: str
    today: date
    started: float
    state: State = State.IDLE
    state_started: float = 0.0
    state_s: dict[str, float] = field(default_factory=dict)
    stage_ms: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    document: Document | None = None
    person: EnrolledPerson | None = None
    watch_hits: tuple[WatchlistMatch, ...] = ()
    enrolled: bool | None = None
    face: FaceVerification | None = None
    fingers: FingerVerification | None = None
    entered: bool = False
    officer: str | None = None
    aborted: str | None = None
    presentation_s: float = 0.0
    page: np.ndarray | None = None  # the document page read (for the portrait an officer looks at)
    portrait: Job[tuple[FaceTemplate | None, tuple[Finding, ...]]] | None = None  # the page's reference job
    clip: Clip | None = None  # the clip the face was verified on (for the best live frame)
    reference: str = ""  # what the live face was compared with: "document_page" or "enrolment"
    referred: bool = False  # waiting for an officer's approve or reject right now
    images: ev.CaseImages | None = None


class Engine:
    def __init__(
        self,
        settings: EngineSettings,
        policy: PolicySettings,
        stages: Stages,
        doors: DoorController,
        *,
        enrolment: Enrolment | None = None,
        watchlist: WatchList | None = None,
        clock: RealClock | SimClock | None = None,
        bus: ev.EventBus | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.stages = stages
        self.doors = doors
        self.enrolment = enrolment
        self.watchlist = watchlist
        self.clock = clock or RealClock()
        self.bus = bus or ev.EventBus()
        self.pool = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="engine")
        self._commands: queue.Queue[tuple[str, str, str]] = queue.Queue()
        self.state = State.IDLE

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    # -- officer commands -----------------------------------------------------------------

    def command(self, command: str, officer: str = "", transaction_id: str = "") -> None:
        """Queue an officer command (thread-safe); it takes effect at the engine's next step.

        ``approve`` and ``reject`` name the transaction they decide (``DecisionMade.transaction_id``);
        they are applied only if it is the one waiting for an officer then, else refused
        (``CommandRefused``). Door commands act on the lane and need no transaction."""
        if command not in OFFICER_COMMANDS:
            raise ValueError(f"unknown officer command {command!r} (one of {', '.join(OFFICER_COMMANDS)})")
        self._commands.put((command, officer, transaction_id))

    def _poll(self, run: _Run) -> None:
        while True:
            try:
                command, officer, transaction_id = self._commands.get_nowait()
            except queue.Empty:
                return
            if command not in DECISIONS:
                self._emit(ev.OfficerCommanded(self.clock.now(), command, officer))
                self._door(command)
                continue
            refused = _refusal(run, transaction_id)
            if refused is not None:
                reason, detail = refused
                log.warning("officer %s's %s for transaction %r refused: %s", officer or "?", command,
                            transaction_id, detail)
                self._emit(ev.CommandRefused(self.clock.now(), command, officer, transaction_id, run.id, reason,
                                             detail))
                continue
            self._emit(ev.OfficerCommanded(self.clock.now(), command, officer, transaction_id))
            run.officer = command

    # -- helpers ------------------------------------------------------------------------------

    def _emit(self, event: ev.Event) -> None:
        self.bus.publish(event)

    def _enter(self, run: _Run, target: State) -> None:
        check(run.state, target)
        now = self.clock.now()
        if run.state is not State.IDLE:
            run.state_s[run.state.value] = run.state_s.get(run.state.value, 0.0) + now - run.state_started
        self._emit(ev.StateChanged(now, target.value, run.state.value))
        run.state, run.state_started = target, now
        self.state = target

    def _prompt(self, run: _Run, key: str, fingers: int = 0, positions: tuple[int, ...] = ()) -> None:
        run.prompts.append(key)
        self._emit(ev.Prompt(self.clock.now(), key, fingers, positions))

    def _door(self, command: str) -> None:
        """Perform a door command (it returns when the door has moved); DoorFault when the controller fails."""
        action = {
            "open_entry": self.doors.open_entry, "close_entry": self.doors.close_entry,
            "open_exit": self.doors.open_exit, "close_exit": self.doors.close_exit,
            "close_all": self.doors.close_all,
        }[command]
        door = command.split("_", 1)[1]
        try:
            action()
        except Exception as exc:  # any relay error is a fault: the lane must fail safe
            raise DoorFault(f"{command} failed: {type(exc).__name__}: {exc}") from exc
        self._emit(ev.DoorCommanded(self.clock.now(), door, command.startswith("open")))

    def _alarm(self, on: bool) -> None:
        try:
            self.doors.set_alarm(on)
        except Exception as exc:  # any relay error is a fault: the lane must fail safe
            raise DoorFault(f"set_alarm({on}) failed: {type(exc).__name__}: {exc}") from exc

    def _wait(self, run: _Run, job: Job[T], stage: str, budget_s: float) -> T | None:
        """A job's result within its stage budget (STAGE_TIMEOUT finding otherwise)."""
        try:
            value = job.wait(self.clock, timeout_s=budget_s)
        except FutureTimeout:
            run.findings.append(Finding("STAGE_TIMEOUT", f"{stage} took more than {budget_s:.1f} s", stage))
            self._emit(ev.StageDone(self.clock.now(), stage, "timeout", budget_s * 1000.0))
            return None
        run.stage_ms[stage] = run.stage_ms.get(stage, 0.0) + job.take_compute_s() * 1000.0
        return value

    # -- the transaction ------------------------------------------------------------------------

    def run_one(self, devices: Devices, today: date | None = None) -> Transaction | None:
        """Wait for a traveller's document and take them through the lane.

        None if nobody came, or if the lane is not ready (a relay fault not yet recovered): the lane
        takes no traveller then.
        """
        today = today or date.today()
        try:
            self._poll(_Run("", today, 0.0))  # door commands given between travellers
        except DoorFault as exc:
            self._emit(ev.DeviceFault(self.clock.now(), "relay", str(exc)))
        if not self.doors.ready():
            self._emit(ev.Prompt(self.clock.now(), "lane_closed"))
            self.clock.sleep(self.settings.document_s)
            return None
        asked = self.clock.now()
        presentation = devices.wait_document(self.settings.document_s)
        if presentation is None:
            return None
        run = _Run(uuid.uuid4().hex[:12], today, self.clock.now(), state_started=self.clock.now())
        run.presentation_s = run.started - asked
        try:
            self._enter(run, State.DOCUMENT)
            self._document(run, devices, presentation)
            self._poll(run)
            if self._document_refused(run):
                self._enter(run, State.DECISION)
            else:
                reference = self._page_portrait(run)
                self._entry(run, devices)
                self._poll(run)
                if run.entered and run.officer is None:  # an officer's word ends the biometrics
                    self._biometrics(run, devices, reference)
                self._enter(run, State.DECISION)
            decision = self._decide(run)
            self._leave(run, devices, decision)
        except DoorFault as exc:
            decision = self._abort(run, "relay", str(exc))
        except Exception as exc:  # a bug must still leave the lane safe and the transaction recorded
            log.exception("transaction %s failed", run.id)
            decision = self._abort(run, "engine", f"{type(exc).__name__}: {exc}", "INTERNAL_ERROR")
        transaction = self._transaction(run, decision)
        self._emit(ev.TransactionEnded(self.clock.now(), transaction))
        self.state = State.IDLE
        return transaction

    def _document(self, run: _Run, devices: Devices, presentation: Presentation) -> None:
        """Read the document (MRZ or permit) and look its holder up; retry if unreadable."""
        current: Presentation | None = presentation
        read: DocumentRead | None = None
        for attempt in itertools.count():
            assert current is not None
            job = submit(self.pool, self.clock, self.stages.document.read, current, run.today)
            run.page = current.image if current.kind == "page" else None
            read = self._wait(run, job, "document", self.settings.document_s)
            if read is None or not read.retryable or attempt >= self.settings.document_retries:
                break
            self._prompt(run, "present_document_again")
            run.findings.append(Finding("RETRIED", f"document: {read.findings[0].detail}", "document"))
            current = devices.wait_document(self.settings.document_s)
            if current is None:
                break
        if read is not None:
            run.document = read.document
            run.findings += read.findings
            self._emit(ev.StageDone(self.clock.now(), "document", "ok" if read.document else "failed", read.ms,
                                    "; ".join(f.code for f in read.findings)))
        if run.document is not None:
            self._emit(ev.DocumentRead(self.clock.now(), run.document.kind.value, run.document.nationality or ""))
            self._lookups(run)

    def _page_portrait(self, run: _Run) -> Job[tuple[FaceTemplate | None, tuple[Finding, ...]]] | None:
        """Start cutting the reference portrait from the page, unless the traveller's enrolled face is the
        reference (a border-pass holder's): it then runs while the traveller walks into the lane."""
        if run.page is None or (run.person is not None and run.person.face is not None):
            return None
        run.portrait = submit(self.pool, self.clock, self.stages.face.reference_from_page, run.page)
        return run.portrait

    def _lookups(self, run: _Run) -> None:
        document = run.document
        assert document is not None
        start = time.perf_counter()
        try:
            if self.watchlist is not None:
                run.watch_hits = self.watchlist.check(document)
            if self.enrolment is not None:
                run.person = self.enrolment.lookup(document)
                run.enrolled = run.person is not None
        except Exception as exc:  # a watch list that cannot be read must never let a traveller through
            log.error("lookup failed for transaction %s: %s", run.id, exc)
            run.findings.append(Finding("LOOKUP_FAILED", f"{type(exc).__name__}: {exc}", "document"))
        run.stage_ms["lookup"] = (time.perf_counter() - start) * 1000.0

    def _document_refused(self, run: _Run) -> bool:
        if run.document is None:
            return True
        decision = decide(self._evidence(run), self.policy)
        return decision.outcome == "REJECT"

    def _entry(self, run: _Run, devices: Devices) -> None:
        self._enter(run, State.ENTRY)
        self._prompt(run, "step_in")
        self._door("open_entry")
        run.entered = devices.wait_entered(self.settings.entry_s)
        self._door("close_entry")
        if not run.entered:
            detail = f"not in the lane within {self.settings.entry_s} s"
            run.findings.append(Finding("TRAVELLER_ABSENT", detail, "entry"))
            return
        try:
            problem = self.doors.lane_problem()
        except Exception as exc:  # the sensors come through the relay: its failure is a fault
            raise DoorFault(f"lane sensors unreadable: {type(exc).__name__}: {exc}") from exc
        if problem is not None:
            run.findings.append(Finding("LANE_NOT_CLEAR", problem, "entry"))

    def _biometrics(self, run: _Run, devices: Devices, portrait: Job[tuple[FaceTemplate | None,
                                                                           tuple[Finding, ...]]] | None) -> None:
        self._enter(run, State.FACE)
        self._poll(run)
        reference: FaceTemplate | None = None
        if run.person is not None and run.person.face is not None:
            reference = run.person.face
            run.reference = "enrolment"
        elif portrait is not None:
            got = self._wait(run, portrait, "portrait", self.settings.face_s)
            if got is not None:
                reference, problems = got
                run.findings += problems
                run.reference = "document_page" if reference is not None else ""
        elif not any(f.stage == "face" for f in run.findings):
            run.findings.append(Finding("FACE_NO_REFERENCE", "no portrait and no enrolled face", "face"))
        face_job = self._face(run, devices, reference) if reference is not None else None
        needed = self._fingers_needed(run)
        finger_job = None
        if needed:
            self._enter(run, State.FINGERS)
            finger_job = self._capture_fingers(run, devices, needed)
        for attempt in itertools.count():
            if face_job is None or reference is None:
                break
            got_face = self._wait(run, face_job, "face", self.settings.face_s)
            if got_face is None:
                break
            run.face, problems = got_face
            if run.face is None or run.face.frames_used > 0 or attempt >= self.settings.face_retries:
                run.findings += problems
                break
            run.findings.append(Finding("RETRIED", f"face: {run.face.reason}", "face"))
            self._prompt(run, run.face.quality.prompt or "look_at_camera")
            face_job = self._face(run, devices, reference)
        if finger_job is not None:
            got_fingers = self._wait(run, finger_job, "fingers", self.settings.fingers_s)
            if got_fingers is not None:
                run.fingers, problems = got_fingers
                run.findings += problems

    def _face(self, run: _Run, devices: Devices, reference: FaceTemplate) -> Job[
        tuple[FaceVerification | None, tuple[Finding, ...]]
    ] | None:
        """Capture a clip and start verifying it (the result is awaited later, after the fingers).

        A camera that gives nothing is asked again (``face_retries``), then the face is not captured.
        """
        clip = None
        for attempt in range(self.settings.face_retries + 1):
            self._prompt(run, "look_at_camera")
            clip = devices.capture_face(self.settings.face_clip_s, self.settings.face_s)
            if clip is not None:
                break
            if attempt < self.settings.face_retries:
                run.findings.append(Finding("RETRIED", "face: the camera gave no frames", "face"))
        if clip is None:
            run.findings.append(Finding("FACE_NOT_CAPTURED", "the camera gave no frames", "face"))
            return None
        n = len(clip.frames)
        if n > self.settings.face_max_frames:
            keep = sorted({round(i * (n - 1) / (self.settings.face_max_frames - 1)) for i in
                           range(self.settings.face_max_frames)}) if self.settings.face_max_frames > 1 else [0]
            clip = Clip(tuple(clip.frames[i] for i in keep), tuple(clip.timestamps_s[i] for i in keep), clip.source)
        run.clip = clip
        return submit(self.pool, self.clock, self.stages.face.verify, clip, reference)

    def _fingers_needed(self, run: _Run) -> int:
        if run.document is None:
            return 0
        return self.policy.fingers_required.get(run.document.kind.value, 0)

    def _capture_fingers(self, run: _Run, devices: Devices, needed: int) -> Job[
        tuple[FingerVerification | None, tuple[Finding, ...]]
    ] | None:
        enrolled = run.person.fingers if run.person is not None else {}
        if not enrolled:
            return None  # the policy says FINGER_NOT_ENROLLED; nothing to compare with
        job = None
        asked = tuple(sorted(map(int, enrolled), key=lambda p: (p not in (2, 7), p)))[:needed]  # index first
        for attempt in itertools.count():
            self._prompt(run, "place_finger", needed, asked)
            capture = devices.wait_fingers(needed, self.settings.fingers_s)
            if capture is None:
                run.findings.append(Finding("FINGER_NOT_CAPTURED", f"no finger within {self.settings.fingers_s} s",
                                            "fingers"))
                return job
            job = submit(self.pool, self.clock, self.stages.finger.verify, capture, enrolled)
            if attempt >= self.settings.finger_retries:
                return job
            got = self._wait(run, job, "fingers", self.settings.fingers_s)
            if got is None:
                return None
            result, _ = got
            if result is None or result.same or result.reason not in ("place_finger", "clean_glass"):
                return job
            run.findings.append(Finding("RETRIED", f"fingers: {result.reason}", "fingers"))
            self._prompt(run, result.reason or "place_finger", needed, asked)
        return job

    def _evidence(self, run: _Run) -> Evidence:
        return Evidence(
            today=run.today, document=run.document, watchlist_hits=tuple(m.describe() for m in run.watch_hits),
            watchlist_entries=run.watch_hits, enrolled=run.enrolled,
            enrolled_fingers=len(run.person.fingers) if run.person is not None else 0,
            face=run.face, fingers=run.fingers, findings=tuple(run.findings), officer=run.officer,
        )

    def _decide(self, run: _Run) -> Decision:
        start = time.perf_counter()
        self._poll(run)
        if self.clock.now() - run.started > self.settings.total_s:
            detail = f"{self.clock.now() - run.started:.1f} s > {self.settings.total_s} s"
            run.findings.append(Finding("TOTAL_BUDGET_EXCEEDED", detail, "decision"))
        evidence = self._evidence(run)
        decision = decide(evidence, self.policy)
        run.stage_ms["decision"] = (time.perf_counter() - start) * 1000.0
        if decision.outcome == "REFER" and run.officer is None:
            run.images = self._case_images(run)
            self._decided(run, evidence, decision)
            decision = self._await_officer(run, decision)
        else:
            self._decided(run, evidence, decision)
        return decision

    def _decided(self, run: _Run, evidence: Evidence, decision: Decision) -> None:
        """Publish a decision with everything it was made on (and the faces, for a referral)."""
        face, finger = self.stages.face.settings, self.stages.finger.settings
        thresholds = {"face": face.verification.threshold, "liveness": face.liveness.model_threshold,
                      "finger": finger.threshold}
        tx = Transaction.scores_of(run.face, run.fingers)
        self._emit(ev.DecisionMade(self.clock.now(), decision.outcome, decision.codes, tx, run.id, evidence,
                                   decision, thresholds, run.reference, run.images, self._fingers_needed(run)))

    def _case_images(self, run: _Run) -> ev.CaseImages | None:
        """The document portrait and the best live face, cropped for the officer (in the pool, within the
        face budget); None when neither can be had. Never fatal: a referral without pictures still goes out."""
        frame = None
        live_marks: tuple[tuple[float, float], ...] = ()  # known only for the frame verification chose
        if run.clip is not None and run.face is not None and 0 <= run.face.best_frame < len(run.clip.frames):
            frame = run.clip.frames[run.face.best_frame]
            live_marks = run.face.best_landmarks
        elif run.clip is not None and run.clip.frames:  # not verified (timeout, no usable face): the middle frame
            frame = run.clip.frames[len(run.clip.frames) // 2]
        if run.page is None and frame is None:
            return None
        job = submit(self.pool, self.clock, self.stages.face.display_crops, run.page, frame,
                     self._page_landmarks(run), live_marks)
        try:
            portrait, live = job.wait(self.clock, timeout_s=self.settings.face_s)
        except FutureTimeout:
            log.warning("transaction %s: the faces for the officer took more than %.1f s", run.id, self.settings.face_s)
            return None
        run.stage_ms["case_images"] = job.compute_s() * 1000.0
        return ev.CaseImages(portrait, live) if portrait is not None or live is not None else None

    def _page_landmarks(self, run: _Run) -> tuple[tuple[float, float], ...]:
        """Where the portrait lies on the page, if the page's reference job found it: the officer's picture
        is then cropped without detecting again (an enrolled traveller's page is not searched before: their
        reference is the enrolled face, so a referral's picture of the page costs one detection then)."""
        if run.portrait is None or not run.portrait.finished():
            return ()
        template, _ = run.portrait.future.result()[0]
        return template.landmarks if template is not None else ()

    def _await_officer(self, run: _Run, decision: Decision) -> Decision:
        """Alert the officer and wait up to ``officer_s`` for an approve or reject naming this transaction."""
        self._alarm(True)
        run.referred = True
        deadline = self.clock.now() + self.settings.officer_s
        try:
            while run.officer is None and self.clock.now() < deadline:
                self._poll(run)
                if run.officer is None:
                    self.clock.sleep(0.05)
        finally:
            run.referred = False
        self._alarm(False)
        if run.officer is None:
            return decision
        evidence = self._evidence(run)
        final = decide(evidence, self.policy)
        self._decided(run, evidence, final)
        return final

    def _leave(self, run: _Run, devices: Devices, decision: Decision) -> None:
        """ACCEPT: through the exit door. Otherwise back out through the entry door if inside."""
        self._enter(run, State.EXIT)
        self._poll(run)
        if decision.outcome == "ACCEPT":
            self._prompt(run, "proceed")
            self._door("open_exit")
            left = devices.wait_exited("exit", self.settings.exit_s)
            self._door("close_exit")
        elif run.entered:
            self._prompt(run, "see_officer" if decision.outcome == "REFER" else "go_back")
            self._door("open_entry")
            left = devices.wait_exited("entry", self.settings.exit_s)
            self._door("close_entry")
        else:
            self._prompt(run, "see_officer" if decision.outcome == "REFER" else "go_back")
            left = True
        try:
            self.doors.settle()
        except Exception as exc:  # a door that does not close is a fault
            raise DoorFault(f"doors did not close: {type(exc).__name__}: {exc}") from exc
        if not left:
            log.warning("transaction %s: traveller did not leave the lane within %s s", run.id, self.settings.exit_s)
        self._enter(run, State.IDLE)

    def _abort(self, run: _Run, device: str, detail: str, code: str = "DEVICE_FAULT") -> Decision:
        """A device fault: doors closed (best effort), transaction recorded as aborted."""
        self._emit(ev.DeviceFault(self.clock.now(), device, detail))
        run.aborted = detail
        try:
            self.doors.close_all()
        except Exception as exc:  # the relay may be gone; its own watchdog closes the doors
            log.error("close_all after a fault failed too: %s", exc)
        run.findings.append(Finding(code, detail, run.state.value))
        evidence = self._evidence(run)
        decision = decide(evidence, self.policy)
        if decision.outcome == "ACCEPT":  # never let an aborted transaction through
            decision = replace(decision, outcome="REFER")
        self._decided(run, evidence, decision)
        if run.state is not State.IDLE:
            now = self.clock.now()
            run.state_s[run.state.value] = run.state_s.get(run.state.value, 0.0) + now - run.state_started
            self._emit(ev.StateChanged(now, State.IDLE.value, run.state.value))
            run.state = State.IDLE
        return decision

    def _transaction(self, run: _Run, decision: Decision) -> Transaction:
        # a portrait job never awaited (nobody entered, an officer's word) still ran
        if run.portrait is not None and (unawaited_s := run.portrait.take_compute_s()):
            run.stage_ms["portrait"] = run.stage_ms.get("portrait", 0.0) + unawaited_s * 1000.0
        compute = {k: v for k, v in run.stage_ms.items()}
        return Transaction(
            id=run.id, decision=decision, document=run.document, face=run.face, fingers=run.fingers,
            stage_ms={k: round(v, 1) for k, v in compute.items()},
            state_s={k: round(v, 3) for k, v in run.state_s.items()},
            engine_ms=round(sum(compute.values()), 1), lane_s=round(self.clock.now() - run.started, 3),
            aborted=run.aborted, officer=run.officer, prompts=tuple(run.prompts),
            presentation_s=round(run.presentation_s, 3),
            # in memory only, for the officer's desk: the store and the replay report never write these
            extra={"portrait": run.images.portrait, "live_face": run.images.live_face} if run.images else {},
        )


def _refusal(run: _Run, transaction_id: str) -> tuple[str, str] | None:
    """Why an approve or reject naming ``transaction_id`` must not decide ``run`` (None: it may)."""
    if not transaction_id:
        return "no_transaction_id", "an approve or reject must name the transaction it decides"
    if transaction_id != run.id:
        where = f"the lane is on transaction {run.id}" if run.id else "the lane has no traveller"
        return "not_current_transaction", f"transaction {transaction_id} is over; {where}"
    if not run.referred:
        return "not_referred", f"transaction {transaction_id} is not waiting for an officer"
    return None
