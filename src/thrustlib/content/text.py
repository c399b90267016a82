"""Text as names are matched and sorted: case, separators and accents folded.

Muscle, equipment and level names, headings and titles all go through these, so that
``Lower-Back`` is ``lower back`` everywhere and ``Élan`` sorts under E.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s_\-]+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def normalize(name: str) -> str:
    """Fold case and runs of spaces, hyphens and underscores into one space."""
    # Cached: a library names the same few muscles, levels and headings thousands of times.
    return normalize_text(name)


def normalize_text(text: str) -> str:
    """:func:`normalize` without the cache, for text that is seldom seen twice."""
    return _SEPARATORS.sub(" ", text.strip().casefold()).strip()


def title_words(title: str) -> tuple[str, ...]:
    """``normalize_text(title).split()``, in a fifth of the time: the words of 10,000
    titles are looked up in each other when variations are inferred."""
    return tuple(title.casefold().replace("-", " ").replace("_", " ").split())


def fold(text: str) -> str:
    """``text`` without accents and case, for sorting and slugs (``Élan`` -> ``elan``)."""
    if text.isascii():
        return text.lower()  # the same, without a look at each character
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(title: str) -> str:
    """How titles sort A-Z: accents and case ignored, so ``Élan`` files under E."""
    return fold(title)


def slugify(text: str) -> str:
    """A URL-safe ``[a-z0-9]+(-[a-z0-9]+)*`` form of ``text`` (may be empty)."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name``, for 'did you mean' hints, or ``None``."""
    found = difflib.get_close_matches(normalize(name), sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


# Values YAML reads back as the same plain string: keys, slugs, levels (not the words
# YAML 1.1 reads as null or true/false). Here, not beside the YAML reader: what writes
# exercise files (the importer, `thrustlib new`) needs no YAML library to do it.
_PLAIN_SCALAR = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_YAML_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})


def yaml_scalar(value: str, *, text: bool = False) -> str:
    """``value`` as a YAML scalar that reads back as the same string: plain for a key or
    slug (unless ``text``), else double-quoted."""
    if not text and _PLAIN_SCALAR.fullmatch(value) and value not in _YAML_WORDS:
        return value
    # A JSON string is a YAML double-quoted one: colons, quotes, '#' and a leading '-'
    # stay text, and every escape JSON writes means the same in YAML.
    return json.dumps(value, ensure_ascii=False)
