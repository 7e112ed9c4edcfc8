"""Reader for dlib's binary serialisation (``dlib::serialize``), enough to read DNN files.

dlib writes every value with its own small codec, not as raw bytes, so a model file can only
be read value by value in the order the C++ code wrote it. The primitives are:

* integers: a header byte whose low nibble is the byte count and whose bit 0x80 marks a
  negative value, then the little-endian magnitude (zero is ``01 00``);
* scalar floats: an int64 mantissa and an int16 exponent, value = m * 2**e, with exponents
  32000/32001/32002 standing for +inf/-inf/NaN;
* strings: a length (an integer as above) then the bytes;
* bools: the ASCII characters ``'0'`` or ``'1'``;
* tensors: version 2, four dimensions (samples, k, rows, columns), then raw float32 values;
* alias tensors: version 1 and four dimensions, no data (a view into a layer's params).
"""

from __future__ import annotations

import math

import numpy as np

_FLOAT_SPECIALS = {32000: math.inf, 32001: -math.inf, 32002: math.nan}


class DlibFormatError(ValueError):
    """The bytes do not follow dlib's serialisation where the reader expected them to."""


class DlibReader:
    """Sequential reader over one dlib-serialised byte string."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self.pos

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self._data):
            raise DlibFormatError(f"unexpected end of data at byte {self.pos} (wanted {n} bytes)")
        chunk = self._data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def read_int(self) -> int:
        header = self._take(1)[0]
        size = header & 0x0F
        if size > 8:
            raise DlibFormatError(f"integer of {size} bytes at byte {self.pos - 1}")
        magnitude = int.from_bytes(self._take(size), "little")
        return -magnitude if header & 0x80 else magnitude

    def read_float(self) -> float:
        mantissa = self.read_int()
        exponent = self.read_int()
        if exponent in _FLOAT_SPECIALS:
            return _FLOAT_SPECIALS[exponent]
        return math.ldexp(mantissa, exponent)

    def read_string(self) -> str:
        length = self.read_int()
        return self._take(length).decode("latin-1")

    def read_bool(self) -> bool:
        char = self._take(1)
        if char not in (b"0", b"1"):
            raise DlibFormatError(f"bool expected at byte {self.pos - 1}, found {char!r}")
        return char == b"1"

    def expect_int(self, expected: int, what: str) -> None:
        start = self.pos
        value = self.read_int()
        if value != expected:
            raise DlibFormatError(f"{what}: expected {expected}, found {value} at byte {start}")

    def read_tensor(self) -> np.ndarray:
        """A dlib ``resizable_tensor`` as a float32 array of shape (samples, k, rows, cols)."""
        self.expect_int(2, "tensor version")
        dims = tuple(self.read_int() for _ in range(4))
        if any(d < 0 for d in dims):
            raise DlibFormatError(f"negative tensor dimension {dims} at byte {self.pos}")
        count = dims[0] * dims[1] * dims[2] * dims[3]
        raw = self._take(4 * count)
        return np.frombuffer(raw, dtype="<f4").reshape(dims).astype(np.float32)

    def read_alias_tensor(self) -> tuple[int, int, int, int]:
        """A dlib ``alias_tensor``: only its shape is stored."""
        self.expect_int(1, "alias_tensor version")
        n, k, nr, nc = (self.read_int() for _ in range(4))
        return (n, k, nr, nc)
