"""What the traveller screen shows, as plain data the engine adapter fills from engine events.

The kiosk window renders a ``TravellerView`` and nothing else, so it never depends on the
engine's internals: an adapter (engine events in, views out) is the only bridge. No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from kiosk.ui.i18n import TRAVELLER_LANGUAGES, language_for_nationality


class Screen(StrEnum):
    """One instruction per state, mirroring the engine's traveller-facing states."""

    IDLE = "idle"  # place the document or show the permit
    STEP_IN = "step_in"
    LOOK_AT_CAMERA = "look_at_camera"
    PLACE_FINGERS = "place_fingers"
    PROCEED = "proceed"
    WAIT_OFFICER = "wait_officer"
    TAKE_DOCUMENT = "take_document"
    OUT_OF_SERVICE = "out_of_service"


class Step(StrEnum):
    """The progress bar's steps, in order."""

    DOCUMENT = "document"
    FACE = "face"
    FINGERS = "fingers"
    EXIT = "exit"


STEP_OF_SCREEN: dict[Screen, Step | None] = {
    Screen.IDLE: Step.DOCUMENT,
    Screen.STEP_IN: Step.FACE,
    Screen.LOOK_AT_CAMERA: Step.FACE,
    Screen.PLACE_FINGERS: Step.FINGERS,
    Screen.PROCEED: Step.EXIT,
    Screen.WAIT_OFFICER: None,
    Screen.TAKE_DOCUMENT: None,  # the way back: no progress to show
    Screen.OUT_OF_SERVICE: None,
}

# Screens that show the live camera.
PREVIEW_SCREENS = frozenset({Screen.LOOK_AT_CAMERA, Screen.STEP_IN})

# Hints (catalogue keys under ``hint.``) that make sense on each screen: the face and
# finger quality prompts of biometrics/, and the document reader's retry prompt.
FACE_HINTS = frozenset(
    {"come_closer", "look_at_camera", "remove_obstruction", "more_light", "less_light", "hold_still", "only_one_person"}
)
FINGER_HINTS = frozenset({"place_finger", "press_harder", "press_lighter", "center_finger", "clean_glass"})
DOCUMENT_HINTS = frozenset({"document_unreadable"})
ALL_HINTS = FACE_HINTS | FINGER_HINTS | DOCUMENT_HINTS

Box = tuple[float, float, float, float]  # x, y, width, height as fractions of the frame
BOTH_INDEX = (2, 7)  # ISO/IEC 19794-2 right and left index: "both index fingers", as on a dual-finger scanner


def finger_instruction(count: int, positions: tuple[int, ...]) -> str:
    """The catalogue section of the place-fingers instruction for what the engine asks: one finger keeps
    the plain text; two index fingers say so; any other number says how many."""
    if count <= 1:
        return f"state.{Screen.PLACE_FINGERS.value}"
    if count == len(BOTH_INDEX) and tuple(sorted(positions)) == BOTH_INDEX:
        return f"state.{Screen.PLACE_FINGERS.value}.both_index"
    return f"state.{Screen.PLACE_FINGERS.value}.many"


@dataclass(frozen=True, eq=False)
class TravellerView:
    """Everything the traveller screen needs for one paint."""

    screen: Screen = Screen.IDLE
    language: str = "en"
    hint: str | None = None  # a key of ALL_HINTS, or None
    countdown_s: int | None = None  # seconds left in this stage, shown calmly; None hides it
    fingers: tuple[int, int] | None = None  # (current finger, fingers asked), 1-based
    frame: NDArray[np.uint8] | None = None  # live camera frame, RGB, HxWx3
    face_box: Box | None = None  # where the detector found the face in ``frame``
    face_ok: bool | None = None  # the quality check's verdict on the face in ``frame``
    fingers_asked: int = 0  # how many fingers the engine asks at once (0 or 1: one finger)
    finger_positions: tuple[int, ...] = ()  # which (ISO/IEC 19794-2 positions), when the engine says

    def __post_init__(self) -> None:
        if self.language not in TRAVELLER_LANGUAGES:
            raise ValueError(f"unknown traveller language {self.language!r}")
        if self.fingers_asked < 0:
            raise ValueError(f"fingers asked must be >= 0, got {self.fingers_asked}")
        if self.hint is not None and self.hint not in ALL_HINTS:
            raise ValueError(f"unknown hint {self.hint!r}")
        f = self.frame
        if f is not None and (f.ndim != 3 or f.shape[2] != 3 or f.dtype != np.uint8):
            raise ValueError(f"preview frame must be HxWx3 RGB uint8, got {f.dtype} {f.shape}")

    @property
    def step(self) -> Step | None:
        return STEP_OF_SCREEN[self.screen]

    @property
    def instruction(self) -> str:
        """The catalogue section (``state.<screen>`` or a variant) whose title and detail this view shows."""
        if self.screen is Screen.PLACE_FINGERS:
            return finger_instruction(self.fingers_asked, self.finger_positions)
        return f"state.{self.screen.value}"


Listener = Callable[[TravellerView], None]


@dataclass
class TravellerModel:
    """The current view plus the language rules; thread-safe, notifies listeners on change.

    The language comes from the document's nationality until the traveller touches a language
    button; their choice then holds until the lane returns to idle (the next traveller).
    """

    default_language: str = "en"
    _view: TravellerView = field(default_factory=TravellerView)
    _chosen: str | None = None
    _listeners: list[Listener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._view = replace(self._view, language=self.default_language)

    @property
    def view(self) -> TravellerView:
        with self._lock:
            return self._view

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)
        listener(self.view)

    def _set(self, view: TravellerView) -> None:
        with self._lock:
            self._view = view
        for listener in list(self._listeners):
            listener(view)

    def show(self, screen: Screen, *, countdown_s: int | None = None, fingers: tuple[int, int] | None = None) -> None:
        """Move to ``screen``; hints and the preview belong to one screen and are cleared."""
        view = self.view
        language = view.language
        if screen is Screen.IDLE:  # a new traveller: forget the previous one's language
            self._chosen = None
            language = self.default_language
        self._set(TravellerView(screen=screen, language=language, countdown_s=countdown_s, fingers=fingers))

    def set_nationality(self, nationality: str | None) -> None:
        """The document was read: speak the holder's language unless they already chose one."""
        if self._chosen is None:
            self._set(replace(self.view, language=language_for_nationality(nationality)))

    def choose_language(self, language: str) -> None:
        """The traveller touched a language button."""
        if language not in TRAVELLER_LANGUAGES:
            raise ValueError(f"unknown traveller language {language!r}")
        self._chosen = language
        self._set(replace(self.view, language=language))

    def ask_fingers(self, count: int, positions: tuple[int, ...]) -> None:
        """The engine says how many fingers (and which) it wants on the scanner at once."""
        self._set(replace(self.view, fingers_asked=count, finger_positions=positions))

    def set_hint(self, hint: str | None) -> None:
        self._set(replace(self.view, hint=hint))

    def set_countdown(self, seconds: int | None) -> None:
        self._set(replace(self.view, countdown_s=seconds))

    def set_frame(self, frame: NDArray[np.uint8] | None, face_box: Box | None, face_ok: bool | None) -> None:
        self._set(replace(self.view, frame=frame, face_box=face_box, face_ok=face_ok))
