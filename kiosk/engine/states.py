"""The transaction's states and the transitions allowed between them (the state machine as data).

``engine.py`` performs the side effects; this table is what it may do. Every state may go to
``decision`` (a refusal or an officer's word ends the biometrics) and to ``idle`` (an abort).
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    IDLE = "idle"
    DOCUMENT = "document"
    ENTRY = "entry"
    FACE = "face"
    FINGERS = "fingers"
    DECISION = "decision"
    EXIT = "exit"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.IDLE: frozenset({State.DOCUMENT}),
    State.DOCUMENT: frozenset({State.ENTRY, State.DECISION, State.IDLE}),
    State.ENTRY: frozenset({State.FACE, State.DECISION, State.IDLE}),
    State.FACE: frozenset({State.FINGERS, State.DECISION, State.IDLE}),
    State.FINGERS: frozenset({State.DECISION, State.IDLE}),
    State.DECISION: frozenset({State.EXIT, State.IDLE}),
    State.EXIT: frozenset({State.IDLE}),
}


class IllegalTransition(RuntimeError):
    """The engine tried a transition the table does not allow (a bug, never input)."""


def check(current: State, target: State) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(f"{current} -> {target} is not a transition of the gate")
