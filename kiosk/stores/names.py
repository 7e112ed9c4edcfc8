"""Folding names and document numbers into keys that match across scripts and MRZ spelling.

"Nguyễn Văn Đức", "NGUYEN VAN DUC", "NGUYEN<<VAN<DUC" and "Văn Đức Nguyễn" all fold to the
same key: Unicode NFD, combining marks dropped (ễ -> e, ư -> u), Đ/đ -> D (it has no
decomposition), upper case, ``<`` / punctuation / whitespace as separators, and the tokens
sorted, because surname and given-name order differs between documents and lists.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"Đ": "D", "đ": "D", "Ð": "D", "ð": "D", "Ø": "O", "ø": "O", "Ł": "L", "ł": "L", "ß": "SS"})
_SEPARATORS = re.compile(r"[^0-9A-Z]+")


def fold_text(text: str) -> str:
    """Upper-case ASCII letters and digits, separators collapsed to single spaces."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.upper()).strip()


def name_tokens(*parts: str) -> list[str]:
    return [token for part in parts for token in fold_text(part).split()]


def name_key(*parts: str) -> str:
    """Order-tolerant key of a full name (surname and given names in any order or split)."""
    return " ".join(sorted(name_tokens(*parts)))


def document_key(number: str) -> str:
    """A document number without filler, spaces or dashes, upper case ("c 0123-456<" -> "C0123456")."""
    return fold_text(number).replace(" ", "")
