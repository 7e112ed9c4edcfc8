"""ICAO 9303 part 3 check digits: weights 7-3-1, digits as themselves, A-Z as 10-35, ``<`` as 0."""

from __future__ import annotations

MRZ_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
_WEIGHTS = (7, 3, 1)


def char_value(char: str) -> int:
    """The numeric value ICAO assigns to one MRZ character (ValueError for anything else)."""
    if len(char) != 1:
        raise ValueError(f"expected one character, got {char!r}")
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"{char!r} is not an MRZ character")


def check_digit(data: str) -> str:
    """The check digit (``"0"``..``"9"``) of ``data``."""
    total = sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data))
    return str(total % 10)


def is_valid(data: str, digit: str) -> bool:
    """Whether ``digit`` is the check digit of ``data``; ``<`` counts as 0, as part 3 allows."""
    if digit == "<":
        digit = "0"
    try:
        return check_digit(data) == digit
    except ValueError:
        return False
