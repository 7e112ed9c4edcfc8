"""ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 minutiae records: layout, round trips, bad bytes."""

from __future__ import annotations

import contextlib
import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biometrics.finger import iso19794
from biometrics.finger.errors import TemplateInvalid
from biometrics.finger.results import FingerPosition, FingerQuality, FingerTemplate, Minutia


def _template(position: FingerPosition = FingerPosition.RIGHT_INDEX) -> FingerTemplate:
    minutiae = (
        Minutia(x=10, y=20, angle=0.0, kind="ending", quality=90),
        Minutia(x=300, y=400, angle=math.pi / 2, kind="bifurcation", quality=55),
        Minutia(x=16383, y=5, angle=math.radians(359.5), kind="other", quality=0),
    )
    return FingerTemplate(position, minutiae, 16384, 480, FingerQuality(score=77, acceptable=True))


def test_iso_record_header_and_first_minutia_bytes() -> None:
    data = iso19794.encode([_template()], iso19794.ISO)
    assert data[:8] == b"FMR\x00 20\x00"
    assert struct.unpack(">I", data[8:12])[0] == len(data) == 24 + 4 + 3 * 6 + 2
    assert struct.unpack(">HHHHHBB", data[12:24]) == (0, 16384, 480, 197, 197, 1, 0)
    assert data[24:28] == bytes([2, 0, 77, 3])  # right index, view 0, quality 77, 3 minutiae
    # ending = type 01 in the top two bits of x; angle 0; quality 90
    assert data[28:34] == struct.pack(">HHBB", (1 << 14) | 10, 20, 0, 90)


def test_iso_angles_are_in_units_of_360_over_256_degrees() -> None:
    data = iso19794.encode([_template()], iso19794.ISO)
    assert data[34 + 4] == 64  # 90 degrees
    assert data[40 + 4] == 0  # 359.5 degrees rounds to 256, which wraps to 0


def test_ansi_record_has_a_two_byte_length_and_two_degree_angles() -> None:
    data = iso19794.encode([_template()], iso19794.ANSI)
    assert struct.unpack(">H", data[8:10])[0] == len(data) == 26 + 4 + 3 * 6 + 2
    assert data[10:14] == b"\x00\x00\x00\x00"  # CBEFF product id
    assert data[30 + 6 + 4] == 45  # 90 degrees / 2


@pytest.mark.parametrize("fmt", iso19794.FORMATS)
def test_round_trip_keeps_positions_kinds_qualities_and_angles(fmt: str) -> None:
    original = _template()
    info, (decoded,) = iso19794.decode(iso19794.encode([original], fmt))
    assert info.format == fmt and (info.width, info.height) == (16384, 480)
    assert decoded.position == FingerPosition.RIGHT_INDEX
    assert decoded.quality is not None and decoded.quality.score == 77
    step = math.radians(360 / 256 if fmt == iso19794.ISO else 2)
    for a, b in zip(original.minutiae, decoded.minutiae, strict=True):
        assert (b.x, b.y, b.kind, b.quality) == (a.x, a.y, a.kind, a.quality)
        assert abs(math.remainder(a.angle - b.angle, 2 * math.pi)) <= step / 2 + 1e-9


def test_several_finger_views_in_one_record() -> None:
    views = [_template(FingerPosition.RIGHT_INDEX), _template(FingerPosition.LEFT_INDEX)]
    _, decoded = iso19794.decode(iso19794.encode(views))
    assert [t.position for t in decoded] == [FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX]


def test_a_record_at_another_resolution_is_read_at_500_dpi() -> None:
    data = bytearray(iso19794.encode([_template()]))
    data[18:22] = struct.pack(">HH", 394, 394)  # 1000 dpi
    _, (decoded,) = iso19794.decode(bytes(data))
    assert (decoded.minutiae[1].x, decoded.minutiae[1].y) == (150.0, 200.0)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: b"XYZ\x00" + d[4:], "format identifier"),
        (lambda d: d[:4] + b" 30\x00" + d[8:], "version"),
        (lambda d: d + b"\x00", "length"),
        (lambda d: d[:-1], "length"),
        (lambda d: d[:18] + b"\x00\x00" + d[20:], "resolution"),
        (lambda d: d[:24] + b"\x0c" + d[25:], "finger position"),
        (lambda d: d[:26] + b"\xff" + d[27:], "finger quality"),
    ],
)
def test_malformed_records_are_refused_with_a_reason(mutate: object, message: str) -> None:
    data = iso19794.encode([_template()])
    with pytest.raises(TemplateInvalid, match=message):
        iso19794.decode(mutate(data))  # type: ignore[operator]


def test_an_ansi_angle_code_above_179_is_refused() -> None:
    data = bytearray(iso19794.encode([_template()], iso19794.ANSI))
    data[30 + 4] = 200
    with pytest.raises(TemplateInvalid, match="angle"):
        iso19794.decode(bytes(data))


def test_a_record_claiming_more_minutiae_than_it_holds_is_truncated() -> None:
    data = bytearray(iso19794.encode([_template()]))
    data[27] = 9
    with pytest.raises(TemplateInvalid, match="truncated"):
        iso19794.decode(bytes(data), iso19794.ISO)


def test_minutiae_outside_14_bit_coordinates_cannot_be_written() -> None:
    bad = FingerTemplate(FingerPosition.UNKNOWN, (Minutia(20000, 1, 0.0, "ending"),), 100, 100)
    with pytest.raises(TemplateInvalid, match="14-bit"):
        iso19794.encode([bad])


minutia_strategy = st.builds(
    Minutia,
    x=st.integers(0, 2000).map(float),
    y=st.integers(0, 2000).map(float),
    angle=st.floats(0, 2 * math.pi, allow_nan=False, exclude_max=True),
    kind=st.sampled_from(["ending", "bifurcation", "other"]),
    quality=st.integers(0, 100),
)
template_strategy = st.builds(
    FingerTemplate,
    position=st.sampled_from(list(FingerPosition)),
    minutiae=st.lists(minutia_strategy, max_size=40).map(tuple),
    width=st.integers(1, 2001),
    height=st.integers(1, 2001),
)


@settings(max_examples=60, deadline=None)
@given(templates=st.lists(template_strategy, min_size=1, max_size=3), fmt=st.sampled_from(iso19794.FORMATS))
def test_encode_decode_encode_is_byte_identical(templates: list[FingerTemplate], fmt: str) -> None:
    data = iso19794.encode(templates, fmt)
    _, decoded = iso19794.decode(data)
    assert iso19794.encode(decoded, fmt) == data


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=120))
def test_random_bytes_never_raise_anything_but_template_invalid(data: bytes) -> None:
    with contextlib.suppress(TemplateInvalid):
        iso19794.decode(b"FMR\x00 20\x00" + data)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, 24 + 4 + 18 + 1))
def test_every_truncation_is_template_invalid(cut: int) -> None:
    data = iso19794.encode([_template()])
    with pytest.raises(TemplateInvalid):
        iso19794.decode(data[:cut])
