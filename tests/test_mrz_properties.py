"""Property tests of the MRZ parser: valid MRZs round-trip; corruptions are caught or repaired.

ICAO's 7-3-1 mod-10 check digit cannot see a substitution whose values differ by a multiple of
ten (``G``=16 for ``6``, ``A``=10 for ``0``, ``K``=20 for ``A``...): no parser can catch those in
a field that may hold letters and digits, so the properties below exclude exactly them, and
``test_icao_check_digits_cannot_see_g_for_6`` records the blind spot.

A look-alike (``0/O``, ``1/I``, ``5/S``, ``8/B``, ``2/Z``, ``6/G``) anywhere except where ICAO
gives no check at all (MRV optional data) must be repaired back or caught by a failing check.
Any other single-character change that a check digit can see must never pass silently: either
the fields come back right, or a check fails, or the repair is written in the document
(``extra["repairs"]``) for the policy to see.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mrz.checkdigits import char_value
from mrz.compose import MrzFields, compose_mrz
from mrz.formats import LAYOUTS, CharClass
from mrz.parse import parse_mrz

TODAY = date(2026, 1, 1)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"
LOOK_ALIKES = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2",
               "6": "G", "G": "6"}
CHECK_NAMES = ("document_number_check", "birth_date_check", "expiry_date_check", "optional_data_check",
               "composite_check")


@st.composite
def mrz_fields(draw: st.DrawFn) -> MrzFields:
    fmt = draw(st.sampled_from(sorted(LAYOUTS)))
    code = {"TD3": "P", "MRV-A": "V", "MRV-B": "V"}.get(fmt) or draw(st.sampled_from(["I", "ID", "AC", "AB"]))
    word = st.text(LETTERS, min_size=1, max_size=8)  # names that fit untruncated in the shortest field
    optional_room = {"TD1": 15, "TD2": 7, "TD3": 14, "MRV-A": 16, "MRV-B": 8}[fmt]
    number_max = 9 if fmt not in ("TD1", "TD2") else 9 + max(0, min(optional_room - 3, 4))
    number = draw(st.text(ALNUM, min_size=1, max_size=number_max))
    optional = "" if len(number) > 9 else draw(st.text(ALNUM, max_size=optional_room))
    return MrzFields(
        fmt, code, draw(st.sampled_from(["UTO", "D", "VNM", "GBR", "FRA"])), draw(word),
        " ".join(draw(st.lists(word, max_size=2))), number, draw(st.sampled_from(["UTO", "D", "VNM", "XXA"])),
        draw(st.dates(date(1930, 1, 1), date(2025, 12, 31))), draw(st.sampled_from(["M", "F", "X"])),
        draw(st.dates(date(2026, 1, 1), date(2050, 12, 31))), optional,
    )


def _invisible(a: str, b: str) -> bool:
    """Whether no 7-3-1 mod-10 check digit can tell ``a`` from ``b`` (values differ by a multiple of 10)."""
    return (char_value(a) - char_value(b)) % 10 == 0


def _key_fields(lines: tuple[str, ...]) -> tuple[object, ...]:
    doc = parse_mrz(lines, TODAY)
    return (doc.document_type, doc.issuing_state, doc.document_number, doc.surname, doc.given_names,
            doc.nationality, doc.birth_date, doc.sex, doc.expiry_date, doc.optional_data)


@settings(max_examples=300, deadline=None)
@given(mrz_fields())
def test_a_composed_mrz_parses_back_to_its_fields_with_every_check_passing(fields: MrzFields) -> None:
    lines = compose_mrz(fields)
    doc = parse_mrz(lines, TODAY)
    assert doc.all_checks_passed, doc.failed_checks
    assert doc.document_number == fields.document_number
    assert (doc.surname, doc.given_names) == (fields.surname, fields.given_names)
    assert (doc.birth_date, doc.expiry_date, doc.sex) == (fields.birth_date, fields.expiry_date, fields.sex)
    assert doc.nationality == fields.nationality and doc.raw == lines


def _corrupt(lines: tuple[str, ...], line: int, pos: int, char: str) -> tuple[str, ...]:
    out = list(lines)
    out[line] = out[line][:pos] + char + out[line][pos + 1 :]
    return tuple(out)


@settings(max_examples=400, deadline=None)
@given(mrz_fields(), st.data())
def test_a_look_alike_is_repaired_or_caught(fields: MrzFields, data: st.DataObject) -> None:
    lines = compose_mrz(fields)
    layout = LAYOUTS[fields.format]
    def testable(li: int, p: int) -> bool:
        char, chars = lines[li][p], layout.char_class(li, p)
        unchecked = layout.name.startswith("MRV") and li == 1 and p >= 28
        invisible = chars is CharClass.ALNUM and _invisible(char, LOOK_ALIKES[char])
        return not unchecked and not invisible

    positions = [(li, p) for li, line in enumerate(lines) for p, c in enumerate(line) if c in LOOK_ALIKES
                 and testable(li, p)]
    if not positions:
        return
    li, pos = data.draw(st.sampled_from(positions))
    corrupted = _corrupt(lines, li, pos, LOOK_ALIKES[lines[li][pos]])
    doc = parse_mrz(corrupted, TODAY)
    assert _key_fields(corrupted) == _key_fields(lines) or doc.failed_checks


@settings(max_examples=400, deadline=None)
@given(mrz_fields(), st.data())
def test_any_change_where_a_check_digit_looks_never_passes_silently(fields: MrzFields, data: st.DataObject) -> None:
    lines = compose_mrz(fields)
    layout = LAYOUTS[fields.format]
    covered = sorted({(ln, p) for c in layout.checks for ln, a, b in c.spans for p in range(a, b)}
                     | {(c.line, c.position) for c in layout.checks})
    li, pos = data.draw(st.sampled_from(covered))
    char = data.draw(st.sampled_from([c for c in ALNUM + "<" if not _invisible(c, lines[li][pos])]))
    corrupted = _corrupt(lines, li, pos, char)
    doc = parse_mrz(corrupted, TODAY)
    digit_checks = [c for c in doc.checks if c.name in CHECK_NAMES]
    assert (_key_fields(corrupted) == _key_fields(lines) or not all(c.passed for c in digit_checks)
            or "repairs" in doc.extra), (lines, corrupted)


def test_icao_check_digits_cannot_see_g_for_6() -> None:
    fields = MrzFields("TD3", "P", "UTO", "A", "", "G1234567", "UTO", date(1980, 1, 1), "M", date(2030, 1, 1))
    line1, line2 = compose_mrz(fields)
    doc = parse_mrz((line1, "6" + line2[1:]), TODAY)
    assert doc.document_number == "61234567" and doc.all_checks_passed
