"""Writing an MRZ from its fields: the inverse of parsing, used by the synthesizer and tests.

Follows ICAO 9303: names truncated to the field (secondary identifier first), fillers padded,
check digits computed from the layout table, and document numbers longer than nine characters
continued in the optional data (TD1, TD2) behind a ``<`` in the check-digit position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mrz.checkdigits import check_digit
from mrz.formats import LAYOUTS, Layout
from mrz.transliterate import mrz_name, transliterate


@dataclass(frozen=True)
class MrzFields:
    format: str  # "TD1", "TD2", "TD3", "MRV-A", "MRV-B"
    document_code: str  # "P", "I", "ID", "AB", "V", ...
    issuing_state: str  # "UTO", "D", "VNM"
    surname: str  # as printed (diacritics allowed); transliterated here
    given_names: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str  # "M", "F" or "X" ("X" is written "<")
    expiry_date: date
    optional_data: str = ""
    optional_data_2: str = ""  # TD1 line 2 only


def yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def _pad(text: str, length: int) -> str:
    if len(text) > length:
        raise ValueError(f"{text!r} does not fit in {length} characters")
    return text + "<" * (length - len(text))


def _name_field(surname: str, given_names: str, length: int) -> str:
    name = mrz_name(surname, given_names)
    if len(name) > length:  # part 3: the secondary identifier (written last) is truncated first
        name = name[:length] if "<<" in name[:length] else transliterate(surname)[:length]
    return _pad(name, length)


def compose_mrz(fields: MrzFields) -> tuple[str, ...]:
    """The MRZ lines of ``fields`` with every check digit computed."""
    layout = LAYOUTS[fields.format]
    lines = [["<"] * layout.length for _ in range(layout.lines)]

    def put(name: str, text: str) -> None:
        spec = layout.field(name)
        lines[spec.line][spec.start : spec.end] = list(_pad(text, spec.length))

    number = fields.document_number.upper()
    optional = fields.optional_data.upper()
    long_number = len(number) > 9
    if long_number:
        if layout.name not in ("TD1", "TD2"):
            raise ValueError(f"{layout.name} has no room for a document number longer than 9 characters")
        overflow = number[9:] + check_digit(number)
        optional = overflow + "<" + optional
        number = number[:9]
    put("document_code", fields.document_code.upper())
    put("issuing_state", fields.issuing_state.upper())
    put("name", _name_field(fields.surname, fields.given_names, layout.field("name").length))
    put("document_number", number)
    put("nationality", fields.nationality.upper())
    put("birth_date", yymmdd(fields.birth_date))
    put("sex", fields.sex.upper() if fields.sex.upper() in ("M", "F") else "<")
    put("expiry_date", yymmdd(fields.expiry_date))
    put("optional_data", optional)
    if fields.optional_data_2:
        put("optional_data_2", fields.optional_data_2.upper())
    _fill_checks(layout, lines, long_number)
    return tuple("".join(line) for line in lines)


def _fill_checks(layout: Layout, lines: list[list[str]], long_number: bool) -> None:
    for check in layout.checks:  # in table order: composite comes last and covers the others
        data = "".join("".join(lines[ln][a:b]) for ln, a, b in check.spans)
        overflowed = check.name == "document_number" and long_number
        filler = overflowed or (check.may_be_filler and set(data) == {"<"})
        lines[check.line][check.position] = "<" if filler else check_digit(data)
