"""ICAO 9303 MRZ parsing and validation: TD1, TD2, TD3, MRV-A and MRV-B lines into a ``Document``.

``parse_mrz`` takes lines as typed or OCRed, repairs look-alike confusions (``mrz.repair``),
reads every field and records every check it makes, passed or failed: check digits (a repaired
check says which characters it changed), composite, dates (real calendar dates, birth in the
past, expiry with the right century), state codes, sex, character set. Real documents'
habits are accepted: ``<`` as the check digit of empty optional data, TD1/TD2 document numbers
longer than nine characters continued in the optional data, and the Vietnamese CCCD (TD1
issued by VNM) whose number field holds the last nine digits of the 12-digit ID that stands in
full in the optional data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from mrz.checkdigits import check_digit
from mrz.countries import is_known_code
from mrz.document import Check, Document, DocumentKind, DocumentSource
from mrz.errors import DocumentUnreadable
from mrz.formats import Layout, layout_for
from mrz.repair import Repair, allowed, by_check_digits, by_field_type, check_passes

MAX_VALIDITY_YEARS = 30  # an expiry more than this far ahead is read in the previous century
_CLEANUP = str.maketrans({"«": "<", "‹": "<", "〈": "<", "(": "<", "[": "<", "{": "<"})
BORDER_PASS_CODES = frozenset({"AB"})  # the project's border passes (see kiosk.synth.documents)
REPAIRED_CONFIDENCE = 0.5  # confidence of a character changed by repair without an OCR score


def _kind(code: str) -> DocumentKind:
    if code in BORDER_PASS_CODES:
        return DocumentKind.BORDER_PASS
    return {"P": DocumentKind.PASSPORT, "V": DocumentKind.VISA, "I": DocumentKind.ID_CARD,
            "A": DocumentKind.ID_CARD, "C": DocumentKind.ID_CARD}.get(code[:1], DocumentKind.UNKNOWN)


def normalise(lines: Sequence[str]) -> list[str]:
    """Upper case, spaces removed, bracket-like fillers mapped to ``<``, blank lines dropped."""
    out = []
    for line in lines:
        text = "".join(line.split()).upper().translate(_CLEANUP)
        if text:
            out.append(text)
    return out


def _date(text: str, kind: str, today: date) -> date | None:
    if not text.isdigit():
        return None
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:6])
    for century in (2000, 1900):
        try:
            value = date(century + yy, mm, dd)
        except ValueError:
            return None
        if kind == "birth" and value <= today:
            return value
        if kind == "expiry" and value.year <= today.year + MAX_VALIDITY_YEARS:
            return value
    return None


def _names(field: str) -> tuple[str, str]:
    primary, _, secondary = field.rstrip("<").partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def _field(layout: Layout, lines: Sequence[Sequence[str]], name: str) -> str:
    spec = layout.field(name)
    return "".join(lines[spec.line][spec.start : spec.end])


def _long_number(layout: Layout, lines: Sequence[Sequence[str]]) -> bool:
    """TD1/TD2: a ``<`` in the number's check digit means the number goes on in the optional data."""
    if layout.name not in ("TD1", "TD2"):
        return False
    check = next(c for c in layout.checks if c.name == "document_number")
    optional = _field(layout, lines, "optional_data")
    return lines[check.line][check.position] == "<" and optional[:1] not in ("<", "")


def _document_number(layout: Layout, lines: Sequence[Sequence[str]]) -> tuple[str, str, Check]:
    """(number, optional data left over, its check)."""
    number = _field(layout, lines, "document_number").rstrip("<")
    optional = _field(layout, lines, "optional_data")
    if _long_number(layout, lines):
        overflow, _, rest = optional.partition("<")
        full, digit = number + overflow[:-1], overflow[-1:]
        passed = digit.isdigit() and check_digit(full) == digit
        return full, rest.rstrip("<"), Check("document_number_check", passed, "long number continued in optional data")
    check = next(c for c in layout.checks if c.name == "document_number")
    return number, optional.rstrip("<"), Check("document_number_check", check_passes(check, lines))


def _repair_note(r: Repair) -> str:
    return f"line {r.line + 1} position {r.position + 1}: {r.read!r} read as {r.written!r} ({r.reason})"


def _repair_notes(repairs: Sequence[Repair], layout: Layout) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for r in repairs:
        owners = (f.name for f in layout.fields if f.line == r.line and f.start <= r.position < f.end)
        notes.setdefault(next(owners, "check digit"), []).append(_repair_note(r))
    return notes


def _confidences(
    layout: Layout, repairs: Sequence[Repair], scores: Sequence[Sequence[float]] | None,
) -> dict[str, float]:
    repaired = {(r.line, r.position) for r in repairs}
    result = {}
    for spec in layout.fields:
        values = []
        for pos in range(spec.start, spec.end):
            score = scores[spec.line][pos] if scores is not None else 1.0
            values.append(min(score, REPAIRED_CONFIDENCE) if (spec.line, pos) in repaired else score)
        result[spec.name] = round(min(values), 4)
    return result


def parse_mrz(lines: Sequence[str], today: date | None = None) -> Document:
    """The document in these MRZ lines (as typed or OCRed), with every check made.

    Raises ``DocumentUnreadable`` when the lines match no ICAO layout (count and length).
    """
    return parse_read(lines, today)


def parse_read(
    lines: Sequence[str],
    today: date | None = None,
    scores: Sequence[Sequence[float]] | None = None,
    alternatives: Mapping[tuple[int, int], str] | None = None,
) -> Document:
    """``parse_mrz`` for an OCR read: per-character ``scores`` (0..1) become field confidences and
    ``alternatives`` ((line, position) -> other candidate characters) widen the check-digit repair."""
    today = today or date.today()
    text = normalise(lines)
    lengths = sorted({len(t) for t in text})
    layout = layout_for(len(text), lengths[0], text[0][:1]) if len(lengths) == 1 else None
    if layout is None:
        shape = ", ".join(str(len(t)) for t in text) or "none"
        raise DocumentUnreadable(f"{len(text)} MRZ line(s) of length {shape} match no ICAO 9303 layout")
    grid = [list(t) for t in text]
    repairs = by_field_type(layout, grid)
    repairs += by_check_digits(layout, grid, alternatives, lambda g: _long_number(layout, g))
    return _document(layout, grid, repairs, scores, today)


def _document(
    layout: Layout, grid: list[list[str]], repairs: list[Repair], scores: Sequence[Sequence[float]] | None,
    today: date,
) -> Document:
    notes = _repair_notes(repairs, layout)
    checks: list[Check] = []
    number, optional, number_check = _document_number(layout, grid)
    checks.append(number_check)
    for spec in layout.checks:
        if spec.name != "document_number":
            checks.append(Check(f"{spec.name}_check", check_passes(spec, grid)))
    checks = [_with_notes(c, notes) for c in checks]

    code = _field(layout, grid, "document_code").rstrip("<")
    state = _field(layout, grid, "issuing_state").replace("<", "")
    nationality = _field(layout, grid, "nationality").replace("<", "")
    birth = _date(_field(layout, grid, "birth_date"), "birth", today)
    expiry = _date(_field(layout, grid, "expiry_date"), "expiry", today)
    sex_char = _field(layout, grid, "sex")
    surname, given = _names(_field(layout, grid, "name"))
    bad_chars = [
        f"line {li + 1} position {pos + 1}: {c!r}"
        for li, line in enumerate(grid) for pos, c in enumerate(line) if c not in allowed(layout.char_class(li, pos))
    ]
    checks += [
        Check("birth_date_valid", birth is not None, "" if birth else "not a calendar date in the past"),
        Check("expiry_date_valid", expiry is not None, "" if expiry else "not a calendar date"),
        Check("not_expired", expiry is not None and expiry >= today, f"expiry {expiry}, today {today}"),
        Check("issuing_state_known", is_known_code(state), state),
        Check("nationality_known", is_known_code(nationality), nationality),
        Check("sex_valid", sex_char in ("M", "F", "<", "X"), sex_char),
        Check("characters_valid", not bad_chars, "; ".join(bad_chars)),
    ]
    extra: dict[str, str] = {}
    personal = ""
    if layout.name == "TD1":
        second = _field(layout, grid, "optional_data_2").rstrip("<")
        if second:
            extra["optional_data_2"] = second
        if state == "VNM" and optional[:12].isdigit() and len(optional) >= 12:
            personal = optional[:12]
            matches = personal[3:] == number
            checks.append(Check("cccd_number_consistent", matches,
                                f"number field {number}, 12-digit ID {personal} in optional data"))
    if notes:
        extra["repairs"] = " | ".join(n for field_notes in notes.values() for n in field_notes)
    return Document(
        kind=_kind(code),
        source=DocumentSource.MRZ,
        format=layout.name,
        document_type=code,
        issuing_state=state,
        document_number=number,
        surname=surname,
        given_names=given,
        nationality=nationality,
        birth_date=birth,
        sex={"M": "M", "F": "F"}.get(sex_char, "X"),
        expiry_date=expiry,
        optional_data=optional,
        personal_number=personal,
        checks=tuple(checks),
        field_confidence=_confidences(layout, repairs, scores),
        raw=tuple("".join(line) for line in grid),
        extra=extra,
        check_digit_repairs=tuple(_repair_note(r) for r in repairs if r.reason == "check digits"),
    )


_CHECK_FIELDS = {
    "document_number_check": ("document_number", "check digit"),
    "birth_date_check": ("birth_date", "check digit"),
    "expiry_date_check": ("expiry_date", "check digit"),
    "optional_data_check": ("optional_data", "check digit"),
    "composite_check": ("document_number", "birth_date", "expiry_date", "optional_data", "optional_data_2",
                        "check digit"),
}


def _with_notes(check: Check, notes: Mapping[str, list[str]]) -> Check:
    fields = _CHECK_FIELDS.get(check.name, ())
    found = [n for f in fields for n in notes.get(f, [])]
    if not found:
        return check
    detail = "; ".join(filter(None, [check.detail, "repaired " + ", ".join(found)]))
    return Check(check.name, check.passed, detail)
