"""Translation catalogues: every text a traveller or officer reads lives in a TOML file here.

``traveller/<lang>.toml`` holds the kiosk's texts in the five languages of the gate's land
borders; ``console/<lang>.toml`` the officer console's. Keys are dotted paths
(``state.idle.title``); placeholders use ``str.format`` names (``{seconds}``).
A missing key is an error at load time (``check_complete``), never an empty label on screen.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

TRAVELLER_LANGUAGES = ("vi", "en", "zh", "lo", "km")
CONSOLE_LANGUAGES = ("vi", "en")
FALLBACK_LANGUAGE = "en"

# ICAO 9303 three-letter nationality codes whose travellers see their own language first.
NATIONALITY_LANGUAGE = {"VNM": "vi", "CHN": "zh", "LAO": "lo", "KHM": "km"}


class CatalogueError(ValueError):
    """A catalogue is missing, malformed, lacks a key or uses a placeholder the source does not."""


def language_for_nationality(nationality: str | None) -> str:
    """The kiosk language for a document's nationality code; English for everyone else."""
    if not nationality:
        return FALLBACK_LANGUAGE
    return NATIONALITY_LANGUAGE.get(nationality.strip().upper()[:3], FALLBACK_LANGUAGE)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, path + "."))
        elif isinstance(value, str):
            flat[path] = value
        else:
            raise CatalogueError(f"{path}: expected text, got {type(value).__name__}")
    return flat


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` fields of a message."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class Catalogue:
    """One language's texts for one screen family."""

    domain: str
    language: str
    texts: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        """The message for ``key`` with its placeholders filled; a missing key is a CatalogueError."""
        try:
            message = self.texts[key]
        except KeyError as exc:
            raise CatalogueError(f"{self.domain}/{self.language}: no text for {key!r}") from exc
        return message.format(**values) if values else message

    def __contains__(self, key: object) -> bool:
        return key in self.texts


@cache
def catalogue(domain: str, language: str) -> Catalogue:
    """The catalogue ``i18n/<domain>/<language>.toml`` (cached: catalogues never change at run time)."""
    resource = resources.files("kiosk.ui.i18n").joinpath(domain, f"{language}.toml")
    try:
        raw = tomllib.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogueError(f"no {domain} catalogue for language {language!r}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{domain}/{language}.toml: {exc}") from exc
    return Catalogue(domain, language, _flatten(raw))


def compare(reference: Catalogue, other: Catalogue) -> list[str]:
    """Keys missing from or unknown to ``other``, placeholders that differ, empty texts."""
    where = f"{other.domain}/{other.language}"
    problems = [f"{where}: missing {k}" for k in sorted(set(reference.texts) - set(other.texts))]
    problems += [f"{where}: unknown {k}" for k in sorted(set(other.texts) - set(reference.texts))]
    for key in sorted(set(reference.texts) & set(other.texts)):
        if placeholders(reference.texts[key]) != placeholders(other.texts[key]):
            problems.append(f"{where}: {key} placeholders differ from {reference.language}")
        if not other.texts[key].strip():
            problems.append(f"{where}: {key} is empty")
    return problems


def check_complete(domain: str, languages: tuple[str, ...], reference: str = FALLBACK_LANGUAGE) -> list[str]:
    """Every problem of every language's catalogue against the reference language's."""
    ref = catalogue(domain, reference)
    return [problem for lang in languages for problem in compare(ref, catalogue(domain, lang))]
