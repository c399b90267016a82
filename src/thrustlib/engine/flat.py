"""A parsed exercise as plain values, marshalled: how :func:`thrustlib.engine.packing.pack`
packs the whole exercise that crosses between processes and lies in the cache.

Pickling an exercise walks its tree of records in Python code, and opening it calls the
unpickler's checks and a constructor for each record: about 35 µs each way, and a build
of 10,000 exercises packs and opens half of them (those parsed by the other process).
``marshal`` writes and reads the plain values (tuples, strings, numbers, dictionaries)
in C; only the records themselves are made here, by their constructors: about 20 µs
each way. An exercise holding what ``marshal`` cannot write (a date, in its video's
upload date or in a front-matter key of the author's own) is pickled as before.

``marshal`` runs no code, but its format is the interpreter's and it trusts its input:
these bytes only ever come from this machine's own processes, or from the cache, whose
packed exercises are checked against the digest its signed pickle holds before they are
opened (:meth:`~thrustlib.engine.packing.Blob.read`), as its marshalled records are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from thrustlib.content.model import CrossLink, Exercise, HowToStep, ListItem, Section, Source

TAG = b"M"
"""The first byte of a marshalled exercise (a pickle's is ``0x80``)."""

Plain = tuple[Any, ...]

# The fields, in order, that _plain writes and _exercise reads for each record. A model
# that gains, loses or reorders a field fails here at import, instead of packing an
# exercise that opens as another.
_LAYOUT = {
    Source: "path key_lines body_line digest",
    ListItem: "label text plain line html group",
    HowToStep: "name text plain line html start",
    Section: "title slug text line html",
    CrossLink: "slug anchor line",
    Exercise: (
        "source slug title description video video_uploaded video_duration video_start"
        " muscles secondary_muscles equipment level variation_of variation_of_null aliases"
        " draft redirect_from links anchors extra inferred intro setup execution tips"
        " mistakes leads notes summary summary_plain rendered sections order howto"
    ),
}
for _record, _names in _LAYOUT.items():
    if tuple(f.name for f in dataclasses.fields(_record)) != tuple(_names.split()):
        raise TypeError(f"thrustlib.engine.flat does not know {_record.__name__}'s fields")


def dumps(exercise: Exercise) -> bytes | None:
    """``exercise`` marshalled after :data:`TAG`; ``None`` when it holds a value marshal
    cannot write (the caller pickles it then)."""
    if exercise.video_uploaded is not None:
        return None  # a date: as rare in files as it is awkward here
    try:
        return TAG + marshal.dumps(_plain(exercise))
    except ValueError:  # a value of the author's own keys (a date, say)
        return None


def loads(data: bytes) -> Exercise:
    """The exercise :func:`dumps` wrote; ``ValueError`` for bytes of any other shape."""
    try:
        return _exercise(marshal.loads(memoryview(data)[len(TAG) :]))
    except (TypeError, ValueError, EOFError) as exc:  # cut short, or of another layout
        raise ValueError(f"not a marshalled exercise: {exc}") from None


def _plain(e: Exercise) -> Plain:
    source = e.source
    return (
        str(source.path),
        dict(source.key_lines),
        source.body_line,
        source.digest,
        e.slug,
        e.title,
        e.description,
        e.video,
        e.video_duration,
        e.video_start,
        e.muscles,
        e.secondary_muscles,
        e.equipment,
        e.level,
        e.variation_of,
        e.variation_of_null,
        e.aliases,
        e.draft,
        e.redirect_from,
        tuple((link.slug, link.anchor, link.line) for link in e.links),
        e.anchors,
        dict(e.extra),
        e.inferred,
        e.intro,
        _items(e.setup),
        _items(e.execution),
        _items(e.tips),
        _items(e.mistakes),
        dict(e.leads),
        dict(e.notes),
        e.summary,
        e.summary_plain,
        dict(e.rendered),
        tuple((s.title, s.slug, s.text, s.line, s.html) for s in e.sections),
        e.order,
        tuple((s.name, s.text, s.plain, s.line, s.html, s.start) for s in e.howto),
    )


def _items(items: tuple[ListItem, ...]) -> Plain:
    return tuple((i.label, i.text, i.plain, i.line, i.html, i.group) for i in items)


def _exercise(plain: Plain) -> Exercise:
    (
        path,
        key_lines,
        body_line,
        digest,
        slug,
        title,
        description,
        video,
        video_duration,
        video_start,
        muscles,
        secondary_muscles,
        equipment,
        level,
        variation_of,
        variation_of_null,
        aliases,
        draft,
        redirect_from,
        links,
        anchors,
        extra,
        inferred,
        intro,
        setup,
        execution,
        tips,
        mistakes,
        leads,
        notes,
        summary,
        summary_plain,
        rendered,
        sections,
        order,
        howto,
    ) = plain
    uploaded: dt.date | None = None  # never marshalled (see dumps)
    return Exercise(
        Source(Path(path), MappingProxyType(key_lines), body_line, digest),
        slug,
        title,
        description,
        video,
        uploaded,
        video_duration,
        video_start,
        muscles,
        secondary_muscles,
        equipment,
        level,
        variation_of,
        variation_of_null,
        aliases,
        draft,
        redirect_from,
        tuple([CrossLink(*link) for link in links]),
        anchors,
        MappingProxyType(extra),
        inferred,
        intro,
        tuple([ListItem(*item) for item in setup]),
        tuple([ListItem(*item) for item in execution]),
        tuple([ListItem(*item) for item in tips]),
        tuple([ListItem(*item) for item in mistakes]),
        MappingProxyType(leads),
        MappingProxyType(notes),
        summary,
        summary_plain,
        MappingProxyType(rendered),
        tuple([Section(*section) for section in sections]),
        order,
        tuple([HowToStep(*step) for step in howto]),
    )
