"""Repairing OCR confusions in MRZ text, first by field type, then by check digits.

Step 1 (``by_field_type``): a character that its field cannot hold is replaced by its look-alike
of the right class (``O`` in a date becomes ``0``, ``5`` in a name becomes ``S``).
Step 2 (``by_check_digits``): when check digits fail, single (then double) substitutions of
look-alikes (``0/O/Q/D``, ``1/I``, ``5/S``, ``8/B``, ``2/Z``, ``6/G``) and of the OCR's own
second choices are tried at the positions those checks cover. A repair is made only when
exactly one candidate makes every check pass: a true confusion always passes, so a unique
passing candidate is the true one; when several pass, nothing is changed and the checks fail.
Every change is returned as a ``Repair`` so the caller can report it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mrz.checkdigits import is_valid
from mrz.formats import CharClass, CheckSpec, Layout

_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "J": "1", "T": "7", "Z": "2",
             "S": "5", "B": "8", "G": "6", "A": "4", "E": "3"}
_TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "4": "A", "7": "T", "3": "E"}
_LOOK_ALIKES = ("0OQD", "1I", "5S", "8B", "2Z", "6G")
_ALLOWED = {
    CharClass.ALPHA: set("ABCDEFGHIJKLMNOPQRSTUVWXYZ<"),
    CharClass.DIGIT: set("0123456789"),
    CharClass.ALNUM: set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"),
    CharClass.CHECK: set("0123456789<"),
    CharClass.SEX: set("MFX<"),
}
MAX_DOUBLE_CANDIDATES = 4000  # bound on pairs tried, so a garbage read cannot take long


@dataclass(frozen=True)
class Repair:
    line: int
    position: int
    read: str
    written: str
    reason: str  # "field type" or "check digits"


def allowed(chars: CharClass) -> set[str]:
    return _ALLOWED[chars]


def by_field_type(layout: Layout, lines: list[list[str]]) -> list[Repair]:
    """Replace characters their field cannot hold by look-alikes of the right class (in place)."""
    repairs = []
    for li, line in enumerate(lines):
        for pos, char in enumerate(line):
            chars = layout.char_class(li, pos)
            if char in _ALLOWED[chars]:
                continue
            table = _TO_DIGIT if chars in (CharClass.DIGIT, CharClass.CHECK) else _TO_LETTER
            if chars is CharClass.SEX:
                table = {"H": "M", "N": "M", "P": "F", "E": "F", "K": "<"}
            fixed = table.get(char)
            if fixed is not None:
                line[pos] = fixed
                repairs.append(Repair(li, pos, char, fixed, "field type"))
    return repairs


def check_passes(check: CheckSpec, lines: Sequence[Sequence[str]]) -> bool:
    data = "".join("".join(lines[ln][a:b]) for ln, a, b in check.spans)
    digit = lines[check.line][check.position]
    if digit == "<":
        return check.may_be_filler and set(data) <= {"<"}
    return is_valid(data, digit)


def _look_alikes(char: str) -> str:
    for group in _LOOK_ALIKES:
        if char in group:
            return group.replace(char, "")
    return ""


def _covered_positions(layout: Layout, checks: Sequence[CheckSpec]) -> list[tuple[int, int]]:
    positions: dict[tuple[int, int], None] = {}
    for check in checks:
        for ln, a, b in check.spans:
            positions.update(dict.fromkeys((ln, p) for p in range(a, b)))
        positions[(check.line, check.position)] = None
    return list(positions)


def by_check_digits(
    layout: Layout, lines: list[list[str]], alternatives: Mapping[tuple[int, int], str] | None = None,
    long_number: Callable[[Sequence[Sequence[str]]], bool] | None = None,
) -> list[Repair]:
    """Make every check pass by the one unambiguous look-alike substitution, if there is one (in place).

    ``alternatives`` maps (line, position) to the OCR's other candidates for that character.
    ``long_number`` says whether the document-number check is carried in the optional data, in
    which case that check is left to the caller.
    """
    checks = [c for c in layout.checks if not (c.name == "document_number" and long_number and long_number(lines))]
    failing = [c for c in checks if not check_passes(c, lines)]
    if not failing:
        return []
    options: list[tuple[int, int, str]] = []
    for ln, pos in _covered_positions(layout, failing):
        chars = layout.char_class(ln, pos)
        current = lines[ln][pos]
        pool = (alternatives or {}).get((ln, pos), "")
        if chars is CharClass.ALNUM:
            pool += _look_alikes(current)
        for cand in dict.fromkeys(pool):
            if cand != current and cand in _ALLOWED[chars]:
                options.append((ln, pos, cand))

    def all_pass(subs: Sequence[tuple[int, int, str]]) -> bool:
        trial = [list(line) for line in lines]
        for ln, pos, cand in subs:
            trial[ln][pos] = cand
        return all(check_passes(c, trial) for c in checks)

    winners: list[tuple[tuple[int, int, str], ...]] = [(s,) for s in options if all_pass((s,))]
    if not winners:
        pairs = [p for p in itertools.combinations(options, 2) if p[0][:2] != p[1][:2]]
        if len(pairs) <= MAX_DOUBLE_CANDIDATES:
            winners = [p for p in pairs if all_pass(p)]
    if len(winners) != 1:
        return []
    repairs = []
    for ln, pos, cand in winners[0]:
        repairs.append(Repair(ln, pos, lines[ln][pos], cand, "check digits"))
        lines[ln][pos] = cand
    return repairs
