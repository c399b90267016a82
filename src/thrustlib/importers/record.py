"""The neutral record every source is turned into, and the helpers sources fill it with.

A source module reads its own shape and gives :class:`ImportRecord` values in
thrustlib's terms (a title, one-sentence description, muscle, equipment and level names,
the steps as plain text); :mod:`thrustlib.importers.write` does the rest. The helpers
here are the parts two sources would otherwise each write again: reading a JSON list
with the line of each item (the text helpers are in :mod:`thrustlib.importers.text`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from thrustlib.errors import Problems

ExtraValue = str | tuple[str, ...]
"""What an extra front-matter key may hold: text or a list of names, as templates show them."""


def _no_extra() -> Mapping[str, ExtraValue]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record is in its source file, so every message can point at it."""

    index: int
    """0-based position of the record in the file (``.[12]`` to jq)."""

    ident: str | None
    """The source's own identifier or name for it, when it has one."""

    line: int | None = None
    """1-based line the record starts on, when the source format has lines."""

    @property
    def label(self) -> str:
        """``record [12] 'Ab_Roller'``: how messages name the record."""
        return f"record [{self.index}]" + (f" {self.ident!r}" if self.ident else "")


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One exercise as a source gives it, in thrustlib's terms, before it is a file."""

    origin: Origin
    """Where it came from."""

    title: str
    """The exercise's name as the source spells it."""

    slug_text: str
    """The text the file name is made from (the source's stable identifier, or the title)."""

    description: str | None
    """One sentence for the meta description; ``None``: the writer makes one."""

    muscles: tuple[str, ...] = ()
    """Primary muscle names, matched against the site's vocabulary by the writer."""

    secondary_muscles: tuple[str, ...] = ()
    """Secondary muscle names, likewise."""

    equipment: tuple[str, ...] = ()
    """Equipment names (``bodyweight``, ``kettlebell``); unknown ones are kept, with a warning."""

    level: str | None = None
    """``beginner``, ``intermediate`` or ``advanced`` (or a name the vocabulary maps to one)."""

    execution: tuple[str, ...] = ()
    """The steps, as plain text: the writer escapes them into an ``## Execution`` list."""

    extra: Mapping[str, ExtraValue] = field(default_factory=_no_extra)
    """Other front-matter keys to keep (the source's category, its identifier)."""


@dataclass(frozen=True, slots=True)
class SourceRecords:
    """What a source read from one file."""

    records: tuple[ImportRecord, ...]
    """The records that are exercises, in the file's order."""

    unreadable: int = 0
    """Items that are no exercise (each reported as an error), so not imported."""


# -- reading JSON ---------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")


def json_items(path: Path, data: bytes, problems: Problems) -> list[tuple[int, object]] | None:
    """The items of the JSON list in ``data``, each with the line it starts on.

    ``None``, with an error at the line, when the file is not UTF-8, not JSON, or not a
    list. The list is read item by item so that each record's line is known; the items
    themselves are read by :mod:`json` as they are.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, f"the file is not valid UTF-8 (byte at offset {exc.start})")
        return None
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        _not_a_list(path, text, problems)
        return None
    items: list[tuple[int, object]] = []
    line, counted = 1, 0
    pos = _skip_space(text, pos + 1)
    try:
        if text.startswith("]", pos):
            pos += 1
        else:
            while True:
                line += text.count("\n", counted, pos)
                counted = pos
                value, pos = decoder.raw_decode(text, pos)
                items.append((line, value))
                pos = _skip_space(text, pos)
                if text.startswith(",", pos):
                    pos = _skip_space(text, pos + 1)
                elif text.startswith("]", pos):
                    pos += 1
                    break
                else:
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip_space(text, pos)
        if pos != len(text):
            raise json.JSONDecodeError("Extra data after the list", text, pos)
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, "the file is not valid JSON", reasons=[exc.msg])
        return None
    except RecursionError:
        problems.error(path, line, "the file's JSON is nested too deeply to read")
        return None
    return items


def _skip_space(text: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not JSON space."""
    found = _SPACE.match(text, pos)
    return found.end() if found else pos


def _not_a_list(path: Path, text: str, problems: Problems) -> None:
    """The error for a file that does not start with ``[``: not JSON, or another value."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, "the file is not valid JSON", reasons=[exc.msg])
        return
    except RecursionError:
        problems.error(path, 1, "the file's JSON is nested too deeply to read")
        return
    problems.error(path, 1, f"the file holds {json_kind(value)}, not a list of exercises")


def json_kind(value: object) -> str:
    """``an object``, ``a list``, ``text``...: a JSON value's kind, for messages."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return "a number"
