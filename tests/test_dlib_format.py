"""dlib's serialisation primitives, written out byte by byte as dlib writes them."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from models.dlib_format import DlibFormatError, DlibReader


def test_integers_use_a_size_nibble_and_a_sign_bit() -> None:
    reader = DlibReader(bytes([0x01, 0x00, 0x01, 0x96, 0x02, 0x80, 0x12, 0x81, 0x04]))
    assert [reader.read_int(), reader.read_int(), reader.read_int(), reader.read_int()] == [0, 150, 4736, -4]
    assert reader.remaining == 0


def test_floats_are_mantissa_times_two_to_the_exponent() -> None:
    # 0x99999a * 2**-24 is how dlib stores 0.6 (the face distance threshold)
    reader = DlibReader(bytes([0x03, 0x9A, 0x99, 0x99, 0x81, 0x18, 0x01, 0x10, 0x81, 0x04]))
    assert reader.read_float() == pytest.approx(0.6, abs=1e-7)
    assert reader.read_float() == 1.0


def test_float_special_exponents_mean_inf_and_nan() -> None:
    def special(exponent: int) -> bytes:
        return bytes([0x01, 0x00, 0x02]) + exponent.to_bytes(2, "little")

    reader = DlibReader(special(32000) + special(32001) + special(32002))
    assert reader.read_float() == math.inf
    assert reader.read_float() == -math.inf
    assert math.isnan(reader.read_float())


def test_strings_and_ascii_bools() -> None:
    reader = DlibReader(bytes([0x01, 0x05]) + b"relu_" + b"10")
    assert reader.read_string() == "relu_"
    assert reader.read_bool() is True
    assert reader.read_bool() is False


def test_tensor_is_version_two_four_dims_then_float32() -> None:
    values = [1.5, -2.0, 0.25, 8.0, 3.0, 4.0]
    data = bytes([0x01, 0x02, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x01])
    data += struct.pack("<6f", *values)
    tensor = DlibReader(data).read_tensor()
    assert tensor.shape == (1, 2, 3, 1)
    np.testing.assert_array_equal(tensor.reshape(-1), np.array(values, dtype=np.float32))


def test_truncated_data_is_a_format_error_naming_the_position() -> None:
    reader = DlibReader(bytes([0x01, 0x02, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x01, 0x00]))
    with pytest.raises(DlibFormatError, match="unexpected end of data"):
        reader.read_tensor()


def test_a_non_ascii_bool_is_rejected() -> None:
    with pytest.raises(DlibFormatError, match="bool expected"):
        DlibReader(b"x").read_bool()


def test_wrong_tensor_version_is_rejected() -> None:
    with pytest.raises(DlibFormatError, match="tensor version"):
        DlibReader(bytes([0x01, 0x03])).read_tensor()
