"""The five MRZ layouts of ICAO 9303 (parts 4, 5 and 7): where every field and check digit sits.

A ``Layout`` names each field's line, start and length and the character class it may hold
(used to repair OCR confusions), and each check digit with the spans it covers. The parser,
the composer and the repair step all read these tables, so a position is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CharClass(StrEnum):
    ALPHA = "alpha"  # A-Z and <  (codes, names)
    DIGIT = "digit"  # 0-9 (dates)
    ALNUM = "alnum"  # A-Z, 0-9 and < (document number, optional data)
    CHECK = "check"  # 0-9, or < where part 3 allows it for empty optional data
    SEX = "sex"  # M, F, X or <


@dataclass(frozen=True)
class FieldSpec:
    name: str
    line: int
    start: int
    length: int
    chars: CharClass

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class CheckSpec:
    """A check digit at (line, position) over the concatenation of ``spans`` (line, start, end)."""

    name: str
    spans: tuple[tuple[int, int, int], ...]
    line: int
    position: int
    may_be_filler: bool = False  # `<` allowed when every covered character is `<`


@dataclass(frozen=True)
class Layout:
    name: str
    lines: int
    length: int
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def char_class(self, line: int, position: int) -> CharClass:
        for spec in self.fields:
            if spec.line == line and spec.start <= position < spec.end:
                return spec.chars
        for check in self.checks:
            if check.line == line and check.position == position:
                return CharClass.CHECK
        raise KeyError((line, position))


def _f(name: str, line: int, start: int, length: int, chars: CharClass) -> FieldSpec:
    return FieldSpec(name, line, start, length, chars)


A, D, N, S = CharClass.ALPHA, CharClass.DIGIT, CharClass.ALNUM, CharClass.SEX


def _two_line(name: str, length: int, optional_end: int, composite: bool, optional_check: bool) -> Layout:
    """TD2, TD3, MRV-A and MRV-B share line 2 up to the expiry date's check digit."""
    optional_len = optional_end - 28
    fields = [
        _f("document_code", 0, 0, 2, A),
        _f("issuing_state", 0, 2, 3, A),
        _f("name", 0, 5, length - 5, A),
        _f("document_number", 1, 0, 9, N),
        _f("nationality", 1, 10, 3, A),
        _f("birth_date", 1, 13, 6, D),
        _f("sex", 1, 20, 1, S),
        _f("expiry_date", 1, 21, 6, D),
        _f("optional_data", 1, 28, optional_len, N),
    ]
    checks = [
        CheckSpec("document_number", ((1, 0, 9),), 1, 9),
        CheckSpec("birth_date", ((1, 13, 19),), 1, 19),
        CheckSpec("expiry_date", ((1, 21, 27),), 1, 27),
    ]
    if optional_check:
        checks.append(CheckSpec("optional_data", ((1, 28, optional_end),), 1, optional_end, may_be_filler=True))
    if composite:
        last = length - 1
        checks.append(CheckSpec("composite", ((1, 0, 10), (1, 13, 20), (1, 21, last)), 1, last))
    return Layout(name, 2, length, tuple(fields), tuple(checks))


TD1 = Layout(
    "TD1",
    3,
    30,
    (
        _f("document_code", 0, 0, 2, A),
        _f("issuing_state", 0, 2, 3, A),
        _f("document_number", 0, 5, 9, N),
        _f("optional_data", 0, 15, 15, N),
        _f("birth_date", 1, 0, 6, D),
        _f("sex", 1, 7, 1, S),
        _f("expiry_date", 1, 8, 6, D),
        _f("nationality", 1, 15, 3, A),
        _f("optional_data_2", 1, 18, 11, N),
        _f("name", 2, 0, 30, A),
    ),
    (
        CheckSpec("document_number", ((0, 5, 14),), 0, 14),
        CheckSpec("birth_date", ((1, 0, 6),), 1, 6),
        CheckSpec("expiry_date", ((1, 8, 14),), 1, 14),
        CheckSpec("composite", ((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)), 1, 29),
    ),
)
TD2 = _two_line("TD2", 36, 35, composite=True, optional_check=False)
TD3 = _two_line("TD3", 44, 42, composite=True, optional_check=True)
MRV_A = _two_line("MRV-A", 44, 44, composite=False, optional_check=False)
MRV_B = _two_line("MRV-B", 36, 36, composite=False, optional_check=False)

LAYOUTS = {layout.name: layout for layout in (TD1, TD2, TD3, MRV_A, MRV_B)}


def layout_for(line_count: int, length: int, document_code: str) -> Layout | None:
    """The layout of an MRZ with this shape; visas (code V...) use MRV-A/B, the rest TD1-3."""
    visa = document_code.startswith("V")
    if line_count == 3 and length == 30:
        return TD1
    if line_count == 2 and length == 44:
        return MRV_A if visa else TD3
    if line_count == 2 and length == 36:
        return MRV_B if visa else TD2
    return None
