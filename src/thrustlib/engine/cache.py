"""The content cache kept between builds in ``.thrustlib-cache/`` in the site folder.

Six things are kept, all as signed pickles replaced atomically:

- ``parse/*.pickle``: each file's parse result, packed, by a key of the file's bytes, its
  display path, the vocabulary and thrustlib itself, so an unchanged file is not parsed
  again (:class:`~thrustlib.engine.parsecache.ParseCache`; the whole exercises in a
  ``parse/*.blobs`` file beside each).
- ``files.pickle``: each exercise file's digest by its stat
  (:class:`~thrustlib.engine.fileindex.FileIndex`), so an unchanged file is not even read.
- ``build-<output>.pickle``: what the last successful build into an output folder read
  (a fingerprint of every input) and wrote (a manifest of the folder), so a rebuild with
  nothing changed can stop before rendering.
- ``indexes.pickle``: the library's indexes, by the structure of every exercise
  (:mod:`thrustlib.engine.indexes`).
- ``search.pickle``: the name of the last search index made, by the files of its library
  (:class:`~thrustlib.engine.indexes.SearchNames`).
- ``templates/*.pickle``: the compiled templates
  (:class:`~thrustlib.engine.templates.TemplateCache`).

The cache never changes what a build produces, only how fast: every key covers
everything its entry depends on, and a cache that is missing, unreadable, corrupt or from
another version is ignored (and rebuilt). The folder is safe to delete at any time.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from thrustlib import __version__
from thrustlib.config import CACHE_DIR, SiteConfig
from thrustlib.content import files
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import libraries, packing, stored, workers
from thrustlib.engine.fileindex import FileIndex, now
from thrustlib.engine.incremental import SiteIndex
from thrustlib.engine.indexes import SearchNames
from thrustlib.errors import Problem, Problems
from thrustlib.site.write import parents

log = logging.getLogger(__name__)


FORMAT = 14
"""Bumped when what is stored changes shape; a cache of another format is ignored."""

PACKAGE_DIR = Path(__file__).parent.parent


def cache_folder(config: SiteConfig) -> Path:
    """The site's cache folder (which may not exist yet)."""
    return config.root / CACHE_DIR


@functools.cache  # a process runs one thrustlib: read its files once
def code_fingerprint() -> bytes:
    """What thrustlib's own behaviour depends on: its version, its files, Python, libraries.

    The package's files are hashed as well as its version, so an editable install whose
    code or theme changes without a version bump never reuses a stale entry. Libraries
    are known by their ``__init__.py``, which holds the version, found without importing
    them: a build with nothing to do loads neither Jinja nor the parser (0.1 s).
    """
    digest = hashlib.sha256()
    digest.update(repr((FORMAT, __version__, sys.version)).encode())
    for library in libraries.LIBRARIES:
        source = libraries.init_source(library)
        digest.update(framed(library.encode(), hashlib.sha256(source).digest()))
    for relative, data in _tree(PACKAGE_DIR, skip=("__pycache__",)):
        digest.update(framed(relative.encode(), hashlib.sha256(data).digest()))
    return digest.digest()


# -- parse results (kept by :mod:`thrustlib.engine.parsecache`) ------------------------


FILES = "files.pickle"
"""The :class:`FileIndex` of the exercise files, in the cache folder."""

INDEXES = "indexes.pickle"
"""The :class:`IndexCache` of the library, in the cache folder."""


def library_context(vocabulary: Vocabulary, drafts: bool | None = None) -> bytes:
    """What a parse (no ``drafts``) or a library depends on besides its files: thrustlib,
    the vocabulary and, for a library, whether drafts are shown."""
    found = code_fingerprint() + repr(vocabulary).encode()
    return found if drafts is None else found + repr(drafts).encode()


def search_names(config: SiteConfig, drafts: bool) -> SearchNames:
    """The name kept of the search index of a library of ``config``'s, by its files."""
    path = cache_folder(config) / "search.pickle"
    return SearchNames(path, library_context(config.vocabulary, drafts))


# -- whole builds --------------------------------------------------------------------

Manifest = tuple[tuple[str, int, int, int], ...]
"""Every file and folder of an output as (relative path, size, mtime_ns, inode)."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """Hashes of what a build reads, in the three parts that make different pages stale."""

    settings: bytes
    """thrustlib itself, the configuration, site.toml, the output folder, drafts."""

    theme: bytes
    """The templates and static folders."""

    exercises: bytes
    """Every exercise file, by path and bytes."""


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last successful build into one output folder read and wrote."""

    inputs: Inputs
    """The hashes of its inputs (see :func:`read_inputs`)."""

    manifest: Manifest
    """The output folder as the build left it."""

    pages: int
    """HTML pages written."""

    files: int
    """Files written in all."""

    exercises: int
    """Exercises in the library."""

    packed_warnings: bytes
    """:meth:`warnings`, packed: only a build that keeps the last one's library (nothing
    changed, or edits of text alone) reads them (a build that reads the files again has
    their warnings anew), and unpacking 15,000 of them was a tenth of a second of every
    other build."""

    packed_strict: bytes
    """:meth:`strict_warnings`, as plain values (``marshal``: four times as fast to
    write as pickled problems, and read only by a ``--strict`` build)."""

    site: SiteIndex | None = None
    """What its files were made from, for an incremental build to compare with."""

    @classmethod
    def of(
        cls,
        inputs: Inputs,
        manifest: Manifest,
        counts: tuple[int, int, int],
        warnings: Sequence[Problem],
        strict_warnings: Sequence[Problem],
        site: SiteIndex | None,
    ) -> BuildRecord:
        """The record of a build: ``counts`` are its pages, files and exercises."""
        # Signed with the record, and read only by the same Python (its version is in the
        # inputs), so marshal's format is safe here.
        strict = marshal.dumps(tuple(map(_plain, strict_warnings)))
        packed = packing.dumps(tuple(warnings))
        return cls(inputs, manifest, *counts, packed, strict, site)

    def warnings(self) -> tuple[Problem, ...]:
        """The build's warnings, reported again when a build is skipped."""
        found: tuple[Problem, ...] = packing.loads(self.packed_warnings)
        return found

    def strict_warnings(self) -> tuple[Problem, ...]:
        """The warnings only ``--strict`` reports: a strict build with nothing changed
        since this one fails on them, as a full one would."""
        return tuple(
            Problem(None if path is None else Path(path), *rest)
            for path, *rest in marshal.loads(self.packed_strict)
        )


def _plain(problem: Problem) -> tuple[str | int | tuple[str, ...] | None, ...]:
    path = None if problem.path is None else str(problem.path)
    return (path, problem.line, problem.message, problem.severity, problem.reasons, problem.key)


def file_index(config: SiteConfig) -> FileIndex:
    """The site's :class:`FileIndex`, as the last build with the cache left it."""
    return FileIndex(cache_folder(config) / FILES)


def read_inputs(
    config: SiteConfig, output: Path, *, drafts: bool, index: FileIndex | None = None
) -> Inputs | None:
    """The hashes of everything a build reads, or ``None`` when an input cannot be read.

    An exercise file that ``index`` knows by its stat is not read again. ``--strict`` is
    left out: it changes whether warnings fail, not what is written, and the recorded
    warnings are checked against it again.
    """
    index = index if index is not None else FileIndex(None)
    settings = hashlib.sha256(framed(code_fingerprint(), repr(config).encode()))
    settings.update(repr((str(output.absolute()), drafts)).encode())
    theme = hashlib.sha256()
    exercises = hashlib.sha256()
    # The build's own rules: what it may not read is not read here either.
    boundary, walked = config.boundary, Problems()
    try:
        if config.config_path is not None:
            settings.update(framed(b"config", config.config_path.read_bytes()))
        # Absolute, as the engine walks it: the engine reads this very walk (kept).
        folder = config.path(config.exercises_dir).absolute()
        found, refused = index.walk(folder, boundary, keep=True)
        walked.extend([*refused, *(refusal for _, refusal in found if refusal is not None)])
        for name in (name for name, refusal in found if refusal is None):
            info, digest = index.lookup(name)
            if digest is None:
                started = now()
                data = files.read_file(Path(name), limit=config.max_file_size)
                digest = index.record(name, info, data, started)
            elif info.st_size > config.max_file_size:
                raise files.TooLarge(info.st_size, config.max_file_size)
            exercises.update(framed(b"exercise", name.encode(), digest))
        for name in ("templates_dir", "static_dir"):
            for relative, data in _tree(config.path(getattr(config, name)), boundary, walked):
                theme.update(framed(name.encode(), relative.encode(), data))
    except (OSError, files.Refused) as exc:
        log.debug("cache: an input cannot be read (%s); building in full", exc)
        return None
    if walked.has_errors():
        return None  # the build reports them
    # What the walks skipped (a pipe, a loop) is reported by the build: a change in it is one.
    settings.update(repr([str(problem) for problem in walked]).encode())
    return Inputs(settings.digest(), theme.digest(), exercises.digest())


@dataclass(frozen=True, slots=True)
class LastBuild:
    """The record of the last build into an output folder, and whether the folder is
    still exactly as it left it: ``holds()``, which may still be being checked."""

    record: BuildRecord
    holds: Callable[[], bool]


def last_build(config: SiteConfig, output: Path, *, jobs: int | None = 1) -> LastBuild | None:
    """The record of the last build into ``output``, or ``None`` when there is none to
    go by; its folder is checked against it in a second process when ``jobs`` allows
    one and the folder is large (the check takes a stat of every file: 0.05 s at 20,000,
    which a build after an edit spends reading the parse cache meanwhile)."""
    record = _read(_record_path(config, output))
    if not isinstance(record, BuildRecord):
        return None
    # An empty manifest is a build that could not take one (an entry vanished): nothing
    # is known of the folder, not "a folder of nothing".
    if not record.manifest:
        return LastBuild(record, lambda: False)
    names = [entry[0] for entry in record.manifest]

    def unchanged() -> bool:
        return manifest(output, names) == record.manifest

    apart = workers.processes(jobs, len(names)) > 1
    return LastBuild(record, workers.in_background(unchanged, fork=apart))


def save_build(config: SiteConfig, output: Path, record: BuildRecord) -> None:
    """Record a successful build (its manifest taken from the folder as it now is)."""
    _write(_record_path(config, output), record)


def manifest(folder: Path, names: Iterable[str] | None = None) -> Manifest:
    """The stat of every entry of ``folder``; with ``names`` (relative, ``"."`` for the
    folder itself), of exactly those entries.

    Checking a recorded manifest stats each entry by name instead of listing folders,
    which is several times faster; a file added or removed anywhere still shows, as the
    mtime of the folder holding it.
    """
    if names is None:  # every file and folder: the folder's state is what it is about
        start = len(str(folder)) + 1
        walked = files.walk_names(folder, skip=lambda name: False, folders=True)
        names = (".", *(path[start:] for path in walked))
    # Strings and os.stat: at tens of thousands of files, pathlib's objects cost more
    # than the system calls.
    root = str(folder)
    entries = []
    for name in names:
        try:
            stat = os.stat(f"{root}/{name}")  # noqa: PTH116 (see above)
        except OSError:
            return ()
        entries.append((name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(entries)


def manifest_after(
    folder: Path, names: Iterable[str], last: Manifest, touched: Iterable[str]
) -> Manifest:
    """The manifest of ``folder`` (whose entries are ``names``) after files ``touched`` were
    written or removed in it, and nothing else changed since ``last`` was taken: only
    those and the folders holding them are looked at again."""
    again = {"."}
    for path in touched:
        again.add(path)
        again.update(parents(path))
    known = {entry[0]: entry for entry in last}
    fresh = manifest(folder, [name for name in names if name in again or name not in known])
    if not fresh:
        return ()  # an entry vanished meanwhile: no manifest, so the next build is whole
    found = {entry[0]: entry for entry in fresh}
    return tuple(found.get(name) or known[name] for name in names)


def _record_path(config: SiteConfig, output: Path) -> Path:
    key = hashlib.sha256(str(output.absolute()).encode()).hexdigest()[:16]
    return cache_folder(config) / f"build-{key}.pickle"


# -- files ---------------------------------------------------------------------------


def _tree(
    folder: Path,
    boundary: files.Boundary | None = None,
    problems: Problems | None = None,
    *,
    skip: tuple[str, ...] = (),
) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every file below ``folder`` that a build reads (editor
    leftovers and ``skip`` names left out, by ``boundary``'s rules), sorted; none if it
    is absent."""

    def skipped(name: str) -> bool:
        return name in skip or files.is_editor_leftover(name)

    for path in files.walk(folder, skip=skipped, boundary=boundary, problems=problems):
        yield path.relative_to(folder).as_posix(), files.read_file(path)


def framed(*parts: bytes) -> bytes:
    """``parts`` joined so that no two different lists of parts give the same bytes."""
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


_PLAIN = sys.implementation.cache_tag
"""What a record's plain values are marshalled by: marshal's format is the interpreter's."""


def _read(path: Path) -> BuildRecord | None:
    """The record stored at ``path``, or ``None`` when it is missing or not usable."""
    found = stored.read(path, FORMAT)
    if not (isinstance(found, tuple) and len(found) == 2 and found[0] == _PLAIN):
        return None
    try:
        inputs, listed, (pages, written, exercises), warned, strict, site = marshal.loads(found[1])
        index = None if site is None else SiteIndex(*site)
        return BuildRecord(
            Inputs(*inputs), listed, pages, written, exercises, warned, strict, index
        )
    except (TypeError, ValueError, EOFError) as exc:
        log.debug("cache: ignoring %s: %s", path, exc)
        return None


def _write(path: Path, record: BuildRecord) -> None:
    """Store ``record`` at ``path`` atomically; a cache that cannot be written is skipped.

    As plain values, marshalled (signed like every cache file): a record of 10,000
    exercises, rows and places of tuples and strings, is written in half the time a
    pickle takes and read in half, with no object made for each place in a family.
    """
    inputs, site = record.inputs, record.site
    values = (
        (inputs.settings, inputs.theme, inputs.exercises),
        record.manifest,
        (record.pages, record.files, record.exercises),
        record.packed_warnings,
        record.packed_strict,
        None
        if site is None
        else (
            dict(site.rows),
            dict(site.variations),
            site.families,
            site.paths,
            dict(site.spans),
            site.search_index,
            dict(site.sources),
        ),
    )
    stored.write(path, FORMAT, (_PLAIN, marshal.dumps(values)))
