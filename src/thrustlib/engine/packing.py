"""Exercises packed as bytes: for the content cache, and between build processes.

A parsed exercise is mostly page content (lists, sections, steps, their HTML) that only
its own page and ``api/exercises.json`` read. Everything else (the library's indexes,
every list page) reads its :class:`~thrustlib.content.model.Entry`. So a result parsed
in a worker process, or read from the cache, travels as a :class:`PackedResult`: the
entry, and the whole exercise pickled, opened only by the process that renders a page
needing it (:class:`PackedContents`). Unpickling every exercise in the main process was
a serial second of a 10,000-exercise build; this way that work is spread over the
workers, and mostly skipped. Nothing outside this module sees the pickles.

The cache keeps the packed exercises out of its pickles, in a file beside each
(:class:`Blob`, :class:`BlobFile`): a build after an edit reads the entries of 10,000
exercises and opens the whole of one, so the other 40 megabytes are never read at all.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import operator
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PosixPath, PurePosixPath, PureWindowsPath, WindowsPath
from types import MappingProxyType
from typing import Any, BinaryIO, TypeAlias

from thrustlib.content.library import shape
from thrustlib.content.model import (
    Contents,
    CrossLink,
    Entry,
    Exercise,
    HowToStep,
    Library,
    ListItem,
    MuscleGroup,
    Section,
    Source,
    Variation,
)
from thrustlib.content.result import ParseResult
from thrustlib.engine import flat
from thrustlib.errors import CacheChanged, Problem


def blob_digest(data: bytes) -> bytes:
    """The digest a cache's pickle keeps of each packed exercise in its blob file, which
    is checked against it every time the exercise is read (:meth:`Blob.read`)."""
    return hashlib.blake2b(data, digest_size=16).digest()


class BlobFile:
    """An open file of packed exercises, each read by offset when it is opened.

    Read with ``pread``: the file's offset is shared with forked processes, which open
    exercises of the same file at once. The file stays open as long as an exercise in
    it may be opened; a file replaced meanwhile (by the next build) is still the one
    read, whole and as it was when checked.
    """

    __slots__ = ("_fd", "_lock", "path", "size")

    def __init__(self, fd: int, size: int, path: str = "") -> None:
        self._fd = fd
        self._lock = threading.Lock()  # only where there is no pread: one seek at a time
        self.size = size
        """The file's size when it was opened."""
        self.path = path
        """The file's path, for the message when it changed while open."""

    def read(self, offset: int, length: int) -> bytes:
        """``length`` bytes from ``offset``; :class:`~thrustlib.errors.CacheChanged` if the
        file is shorter (cut since it was checked)."""
        if hasattr(os, "pread"):
            data = os.pread(self._fd, length, offset)
        else:  # pragma: no cover (Windows, which never forks)
            with self._lock:
                os.lseek(self._fd, offset, os.SEEK_SET)
                data = os.read(self._fd, length)
        if len(data) != length:
            raise CacheChanged(self.path, f"it ends early ({len(data)} of {length} bytes)")
        return data

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


class Blob:
    """One packed exercise kept in a :class:`BlobFile`, read when it is opened.

    The file is not hashed whole when it is opened (only its tag is checked, to pair it
    with its pickle), and it stays open for the rest of the build or of the preview,
    where a program writing into it in place (``cp`` or ``rsync --inplace`` over the
    cache) changes what a later read returns. So every read is checked against the
    digest the signed pickle holds: a page is never rendered from bytes no build of this
    machine wrote.
    """

    __slots__ = ("digest", "file", "length", "offset")

    def __init__(self, file: BlobFile, offset: int, length: int, digest: bytes) -> None:
        self.file = file
        self.offset = offset
        self.length = length
        self.digest = digest

    def read(self) -> bytes:
        """The packed exercise's bytes; :class:`~thrustlib.errors.CacheChanged` when they
        are not the ones written."""
        data = self.file.read(self.offset, self.length)
        if blob_digest(data) != self.digest:
            raise CacheChanged(self.file.path, "its bytes are not the ones written")
        return data


Packed: TypeAlias = bytes | Blob
"""A packed exercise: its bytes, or where the cache keeps them."""


def packed_bytes(data: Packed) -> bytes:
    """The bytes of the packed exercise ``data``."""
    return data if isinstance(data, bytes) else data.read()


def stored_blob(offset: int, length: int, digest: bytes) -> Blob:
    """What a pickle of the cache names for each packed exercise it keeps in its blob
    file; an unpickler given that file builds the :class:`Blob` (:class:`Unpickler`'s
    ``blobs``). Any other unpickler refuses the name."""
    raise pickle.UnpicklingError("a packed exercise outside the cache's file")


@dataclass(frozen=True, slots=True)
class PackedResult:
    """What one file gave, as it crosses between processes or into the cache: the
    exercise's entry, the file's problems and the whole exercise packed."""

    entry: Entry | None
    """The exercise's index entry; ``None`` when the file could not be read."""

    problems: tuple[Problem, ...]
    """The file's problems."""

    data: Packed | None
    """The whole :class:`~thrustlib.content.model.Exercise`, packed (``None`` with no
    entry): the bytes, or where the cache keeps them."""

    shape: bytes | None
    """The entry's :func:`~thrustlib.content.library.shape` (``None`` with no entry, or
    packed for a build without the cache, which never asks)."""

    @property
    def ok(self) -> bool:
        """True when the file had no errors (warnings allowed)."""
        return self.entry is not None and not any(p.severity == "error" for p in self.problems)


def pack(result: ParseResult, *, shaped: bool = True) -> PackedResult:
    """``result`` with its exercise as an entry, and the whole exercise packed; with its
    shape unless not ``shaped`` (8 µs an exercise)."""
    exercise = result.exercise
    if exercise is None:
        return PackedResult(None, tuple(result.problems), None, None)
    entry = exercise.entry()
    found = shape(entry) if shaped else None
    return PackedResult(entry, tuple(result.problems), pack_exercise(exercise), found)


def pack_exercise(exercise: Exercise) -> bytes:
    """The whole exercise packed: marshalled (:mod:`thrustlib.engine.flat`), or pickled
    when it holds what marshal cannot write. :func:`unpack` opens either."""
    data = flat.dumps(exercise)
    return data if data is not None else dumps(exercise)


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
_DATA = (
    Entry,
    Exercise,
    Source,
    ListItem,
    HowToStep,
    Section,
    CrossLink,
    PackedResult,
    Problem,
    Variation,
    MuscleGroup,
)
"""thrustlib's own data classes: pickled by their fields, and rebuilt by the unpickler."""
for _cls in _DATA:
    _DISPATCH[_cls] = _by_fields(_cls)


def _reduce_result(result: PackedResult) -> tuple[Any, ...]:
    # A result the cache kept in its file travels with its bytes.
    data = None if result.data is None else packed_bytes(result.data)
    return PackedResult, (result.entry, result.problems, data, result.shape)


_DISPATCH[PackedResult] = _reduce_result


def stored_results(
    spans: Mapping[int, tuple[int, int, bytes]],
) -> dict[type, Callable[[Any], Any]]:
    """What :func:`dump` is given to pickle results whose packed exercises were written
    to a blob file: each result by its ``id`` has its exercise's (offset, length,
    :func:`blob_digest`) in ``spans``, pickled as a :func:`stored_blob` of them."""

    def reduce(result: PackedResult) -> tuple[Any, ...]:
        span = spans.get(id(result))
        data = _Span(*span) if span is not None else result.data
        return PackedResult, (result.entry, result.problems, data, result.shape)

    return {PackedResult: reduce, _Span: _reduce_span}


@dataclass(frozen=True, slots=True)
class _Span:
    offset: int
    length: int
    digest: bytes


def _reduce_span(span: _Span) -> tuple[Any, ...]:
    return stored_blob, (span.offset, span.length, span.digest)


def dump(
    value: object,
    stream: BinaryIO,
    dispatch: Mapping[type, Callable[[Any], Any]] | None = None,
) -> None:
    """Pickle ``value`` into ``stream``, read-only mappings (which exercises hold) included;
    ``dispatch`` overrides how some types are pickled (:func:`stored_results`)."""
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**_DISPATCH, **dispatch} if dispatch else _DISPATCH
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
    dt.datetime,
    dt.timedelta,
    dt.timezone,
)


class Unpickler(pickle.Unpickler):
    """An unpickler that builds only the classes it is given: :data:`ALLOWED`, the
    ``extra`` ones of its caller (the cache's own record) and, with ``blobs``, the
    cache's packed exercises in that file (:func:`stored_blob`)."""

    def __init__(
        self, stream: BinaryIO, extra: Iterable[type] = (), blobs: BlobFile | None = None
    ) -> None:
        super().__init__(stream)
        self.allowed = {**ALLOWED, **_allowed(*extra)} if extra or blobs else ALLOWED
        if blobs is not None:
            self.allowed[(stored_blob.__module__, stored_blob.__qualname__)] = functools.partial(
                Blob, blobs
            )

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")
        return found


def loads(data: bytes) -> Any:
    """The object :func:`dumps` packed (restricted as :class:`Unpickler` says)."""
    return Unpickler(io.BytesIO(data)).load()


def unpack(data: Packed) -> Exercise:
    """An exercise packed by :func:`pack_exercise` (or :func:`dumps`); ``TypeError`` if the
    bytes hold another thing."""
    found = packed_bytes(data)
    if found.startswith(flat.TAG):
        try:
            return flat.loads(found)
        except ValueError as exc:
            raise TypeError(str(exc)) from None
    exercise = loads(found)
    if not isinstance(exercise, Exercise):
        raise TypeError(f"packed bytes hold a {type(exercise).__name__}, not an Exercise")
    return exercise


@dataclass(frozen=True, slots=True)
class PackedContents:
    """Whole exercises kept packed by slug, each opened only when its page needs it, and
    the ones held whole (parsed in this process) in ``held``."""

    packed: Mapping[str, Packed]
    held: Contents
    _last: list[tuple[str, Exercise]] = dataclasses.field(
        default_factory=list, compare=False, repr=False
    )
    """The exercise last opened, by slug: a build renders an exercise's page and its
    piece of the API one after the other, and opening it once is half the cost."""

    @classmethod
    def of(cls, library: Library, by_entry: Mapping[int, PackedResult]) -> PackedContents:
        """``library``'s contents with the packed exercises of its entries added, from
        their packed results by the ``id`` of the entry (:func:`~thrustlib.engine.load.
        take_entries`: the library holds those very entries, alive as long as it is)."""
        found = ((slug, by_entry.get(id(e))) for slug, e in library.exercises.items())
        return cls(
            MappingProxyType(
                {slug: r.data for slug, r in found if r is not None and r.data is not None}
            ),
            library.contents,
        )

    def whole(self, slug: str) -> Exercise:
        data = self.packed.get(slug)
        if data is None:
            return self.held.whole(slug)
        last = self._last  # one slot, replaced whole: safe for threads without a lock
        if last and last[0][0] == slug:
            return last[0][1]
        exercise = unpack(data)
        last[:] = [(slug, exercise)]
        return exercise
