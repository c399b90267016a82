"""Exercises packed as bytes: for the content cache, and between build processes.

A parsed exercise is mostly page content (lists, sections, steps, their HTML) that only
its own page and ``api/exercises.json`` read. Everything else (the library's indexes,
every list page) needs the outline: title, muscles, equipment, parent, description. So a
result parsed in a worker process, or read from the cache, travels as its outline plus
the whole exercise pickled, and the pickle is opened only by the process that renders a
page needing it. Unpickling every exercise in the main process was a serial second of a
10,000-exercise build; this way that work is spread over the workers, and mostly skipped.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import io
import operator
import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PosixPath, PurePosixPath, PureWindowsPath, WindowsPath
from types import MappingProxyType
from typing import Any, BinaryIO

from thrustlib.content.model import Exercise, HowToStep, Library, ListItem, Section, Source
from thrustlib.content.parse import ParseResult
from thrustlib.errors import Problem

# The fields only an exercise's own page and the JSON API read; see outline().
PAGE_FIELDS: dict[str, Any] = {
    "intro": "",
    "setup": (),
    "execution": (),
    "tips": (),
    "mistakes": (),
    "notes": MappingProxyType({}),
    "summary": "",
    "summary_plain": "",
    "rendered": MappingProxyType({}),
    "sections": (),
    "order": (),
    "howto": (),
}


def outline(exercise: Exercise) -> Exercise:
    """``exercise`` without its page content: what indexes and list pages read."""
    return dataclasses.replace(exercise, **PAGE_FIELDS)


Packed = tuple[ParseResult, bytes | None]
"""A parse result and, when given, its whole exercise packed; the result's exercise is
then either that whole exercise or its outline (see :func:`is_outline`)."""


def pack(result: ParseResult) -> Packed:
    """``result`` with its exercise cut to the outline, and the whole exercise packed."""
    if result.exercise is None:
        return result, None
    return ParseResult(outline(result.exercise), result.problems), dumps(result.exercise)


def is_outline(exercise: Exercise) -> bool:
    """True when ``exercise`` has no page content (an outline, or an empty exercise, which
    is its own outline)."""
    return all(getattr(exercise, name) == empty for name, empty in PAGE_FIELDS.items())


def _proxy(items: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(items)


def _reduce_proxy(proxy: MappingProxyType[str, Any]) -> tuple[Any, ...]:
    return _proxy, (dict(proxy),)


def _by_fields(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """Pickle a dataclass as a call of its class with its field values.

    The standard way for a frozen, slotted dataclass calls ``dataclasses.fields`` and
    sets each field through ``object.__setattr__`` in a Python loop, both ways; packing
    and opening exercises cost a build's processes about a second between them.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    assert all(f.init for f in dataclasses.fields(cls)), cls  # every field is an argument
    values = operator.attrgetter(*names)

    def reduce(obj: Any) -> tuple[Any, ...]:
        return cls, values(obj)

    return reduce


_DISPATCH: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    MappingProxyType: _reduce_proxy,
}
_DATA = (Exercise, Source, ListItem, HowToStep, Section, ParseResult, Problem)
"""thrustlib's own data classes: pickled by their fields, and rebuilt by the unpickler."""
for _cls in _DATA:
    _DISPATCH[_cls] = _by_fields(_cls)


def dump(value: object, stream: BinaryIO) -> None:
    """Pickle ``value`` into ``stream``, read-only mappings (which exercises hold) included."""
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)


def dumps(value: object) -> bytes:
    """``value`` pickled, as :func:`dump` writes it."""
    buffer = io.BytesIO()
    dump(value, buffer)
    return buffer.getvalue()


def _allowed(*found: Callable[..., Any]) -> dict[tuple[str, str], Callable[..., Any]]:
    return {(f.__module__, f.__qualname__): f for f in found}


# The cache is a file in the site folder, and a pickle planted there must not be able to
# call anything but the constructors of thrustlib's own data: exactly these (module,
# name) pairs are rebuilt, not whatever else their modules hold.
ALLOWED = _allowed(
    *_DATA,
    _proxy,
    PurePosixPath,
    PosixPath,
    PureWindowsPath,
    WindowsPath,
    dt.date,
)


class Unpickler(pickle.Unpickler):
    """An unpickler that builds only the classes it is given: :data:`ALLOWED`, and the
    ``extra`` ones of its caller (the cache's own record)."""

    def __init__(self, stream: BinaryIO, extra: Iterable[type] = ()) -> None:
        super().__init__(stream)
        self.allowed = {**ALLOWED, **_allowed(*extra)} if extra else ALLOWED

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")
        return found


def loads(data: bytes) -> Any:
    """The object :func:`dumps` packed (restricted as :class:`Unpickler` says)."""
    return Unpickler(io.BytesIO(data)).load()


def unpack(data: bytes) -> Exercise:
    """An exercise packed with :func:`dumps`; ``TypeError`` if the bytes hold another thing."""
    exercise = loads(data)
    if not isinstance(exercise, Exercise):
        raise TypeError(f"packed bytes hold a {type(exercise).__name__}, not an Exercise")
    return exercise


@dataclass(frozen=True, slots=True)
class PackedContents:
    """Whole exercises kept packed by slug, each opened only when its page needs it."""

    packed: Mapping[str, bytes]

    @classmethod
    def of(cls, library: Library, by_path: Mapping[Path, bytes]) -> PackedContents:
        """The packed exercises of ``library``'s outlines, from their bytes by file."""
        return cls(
            MappingProxyType(
                {
                    slug: by_path[e.source.path]
                    for slug, e in library.exercises.items()
                    if e.source.path in by_path
                }
            )
        )

    def whole(self, slug: str) -> Exercise | None:
        data = self.packed.get(slug)
        return None if data is None else unpack(data)

    def without(self, slugs: Iterable[str]) -> PackedContents:
        """These contents less ``slugs`` (exercises the library now holds whole)."""
        gone = set(slugs)
        return PackedContents({s: d for s, d in self.packed.items() if s not in gone})
