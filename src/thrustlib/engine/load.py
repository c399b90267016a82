"""Read and parse every exercise file of a site, on every core and from the cache.

An entry per file: its parse result, or why it could not be read. The entries are in
the order :func:`thrustlib.content.files.walk` finds the files, however many processes
parsed them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib.config import SiteConfig
from thrustlib.config_tables import DEFAULT_MAX_FILE_SIZE
from thrustlib.content import files
from thrustlib.content.boundary import display_name
from thrustlib.content.files import Boundary, display_path, format_size
from thrustlib.content.model import Entry, Exercise
from thrustlib.content.result import ParseResult
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import fileindex, packing
from thrustlib.engine import workers as parallel
from thrustlib.errors import Problem, Problems

if TYPE_CHECKING:
    from thrustlib.engine.parsecache import ParseCache

log = logging.getLogger(__name__)

Loaded = ParseResult | packing.PackedResult | Problem
"""What one exercise file gave: its parse result (whole when parsed in this process,
packed when it came from another process or the cache), or why it was not read."""

PER_EXERCISE = 16 << 10
"""Memory a build takes per exercise file beside its bytes (:data:`PER_BYTE`). Builds of
10,000 real-shaped files (2 KiB each) and of 2,000 files ten times that size peaked at
7.4 KiB per file plus 5.3 bytes per byte of the files, over the 33 MiB of a build of one
file; the constants are about twice that, for the parsing processes beside the main
one and for libraries shaped otherwise."""

PER_BYTE = 8
"""Memory a build takes per byte of exercise files: the bytes, their text, the parsed
sections, the pages rendered from them (see :data:`PER_EXERCISE`)."""


@dataclass(frozen=True, slots=True)
class Rules:
    """What a site allows its exercise files (``[build]`` in site.toml)."""

    boundary: Boundary | None = None
    """Where the files may come from; ``None``: the site folder given to the reader."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    """The most bytes one file may have."""

    max_exercises: int | None = None
    """The most files a build takes; ``None``: as many as the memory is estimated to hold."""

    @classmethod
    def of(cls, config: SiteConfig) -> Rules:
        """The rules ``config`` sets."""
        return cls(config.boundary, config.max_file_size, config.max_exercises or None)


def estimate(count: int, size: int) -> int:
    """Bytes of memory a build of ``count`` exercise files of ``size`` bytes in all takes."""
    return count * PER_EXERCISE + size * PER_BYTE


def available_memory() -> int | None:
    """The memory the system can give without swapping (Linux's MemAvailable), or ``None``
    where it does not say."""
    try:
        with open("/proc/meminfo", "rb") as stream:  # noqa: PTH123 (one small read)
            for line in stream:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def capacity_problem(shown: Path, count: int, size: int, limit: int | None) -> Problem | None:
    """Why ``count`` files of ``size`` bytes in all are too many to build, or ``None``.

    With ``limit`` (``[build] max_exercises``) that is the limit; without, the memory the
    build is estimated to take (:func:`estimate`) against the memory available.
    """
    need = estimate(count, size)
    what = f"{count:,} exercise files ({format_size(size)})"
    if limit is not None:
        if count <= limit:
            return None
        message = (
            f"{what}, more than [build] max_exercises = {limit:,} (a build of them would take"
            f" about {format_size(need)} of memory); nothing was parsed"
        )
        return Problem(shown, None, message)
    available = available_memory()
    if available is None or need <= available:
        return None
    message = (
        f"{what} need about {format_size(need)} of memory to build, more than the"
        f" {format_size(available)} available (MemAvailable in /proc/meminfo); nothing was"
        " parsed (build on a machine with more memory, or set [build] max_exercises to"
        " choose the limit yourself)"
    )
    return Problem(shown, None, message)


def load_exercises(
    folder: Path,
    vocabulary: Vocabulary,
    problems: Problems,
    *,
    root: Path | None = None,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
    rules: Rules | None = None,
) -> list[Exercise]:
    """Parse every file in ``folder``; problems of all files are collected, none raised.

    :func:`read_entries`, then :func:`take_entries`: see them for ``cache``, ``jobs`` and
    ``rules``. Every exercise returned is whole.
    """
    if not folder.is_dir():
        problems.error(folder, None, "the exercises folder does not exist")
        return []
    entries = read_entries(
        folder, vocabulary, root=root, cache=cache, jobs=jobs, rules=rules, problems=problems
    )
    taken = take_entries([entry for _, entry in entries], problems)
    return [e for e in taken if isinstance(e, Exercise)]  # all of them, without ``packed``


def read_entries(
    folder: Path,
    vocabulary: Vocabulary,
    *,
    root: Path | None = None,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
    rules: Rules | None = None,
    problems: Problems | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[tuple[Path, Loaded]]:
    """``(file, entry)`` for every exercise file in ``folder``, in walk order.

    Files are found and read within ``rules`` (default: the site folder ``root``, or
    ``folder``, and the default limits): a file refused (a link out of the site, a
    special file, one too large) has its problem as its entry, a refused folder's goes
    into ``problems``, and so does the one problem of a library too large to build, which
    leaves no entries at all. With ``cache``, a file whose bytes were parsed before (with
    the same vocabulary and thrustlib) gives the stored result instead of being parsed
    again. The files left to parse may be shared among ``jobs`` processes (``None``: one
    per core); the results are the same, in the same order, however many ran.
    ``meanwhile()`` runs here, while other processes start on the files to parse or
    first (:func:`~thrustlib.engine.workers.map_items`); never for a library too large.
    """
    rules = rules or Rules()
    sink = problems if problems is not None else Problems()
    boundary = rules.boundary or Boundary.of(root or folder)
    if cache is not None:  # the walk the build hashed its inputs from, if it did
        names, refused = cache.files.walk(folder, boundary)
        found = [(Path(name), refusal) for name, refusal in names]
        sink.extend(refused)
    else:
        found = list(files.exercise_files(folder, boundary, sink))
    limit = rules.max_file_size
    sizes: list[int] = []
    seen = cache.files if cache is not None else None
    known: list[tuple[os.stat_result | None, bytes | None]] = []
    for path, refusal in found:
        info, digest = None, None
        try:
            if refusal is not None:
                sizes.append(0)
            elif seen is not None:
                # The stat the size comes from also tells whether the file is unchanged.
                info, digest = seen.lookup(path)
                sizes.append(info.st_size)
            else:
                sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # reading it says why
        known.append((info, digest))
    count = sum(1 for _, refusal in found if refusal is None)
    total = sum(size for size in sizes if size <= limit)  # the larger are never read
    shown_folder = display_path(folder, root) if root is not None else folder
    too_many = capacity_problem(shown_folder, count, total, rules.max_exercises)
    if too_many is not None:
        sink.extend([too_many])
        return []
    paths: list[Path] = []
    # One entry per file, in walk order: its parse result, or why it could not be read.
    entries: list[Loaded | None] = []
    misses: list[tuple[int, bytes]] = []  # (index in entries, cache key)
    unparsed: list[tuple[Path | str, bytes | Path]] = []
    # A file the cache has under the bytes the index knows needs its display path only as
    # text, for its key. The others are looked at as before.
    inside = f"{root}/" if root is not None else None
    for (path, refusal), size, (info, digest) in zip(found, sizes, known, strict=True):
        paths.append(path)
        text = display_name(str(path), inside) if inside is not None else None
        if (
            text is not None
            and cache is not None
            and digest is not None
            and refusal is None
            and size <= limit
            and (hit := cache.get(cache.key(text, digest))) is not None
        ):
            entries.append(hit)
            continue
        # What display_path gives, as text where it can be: made a Path by whichever
        # process parses the file, which reads it too (no serial pass over the disk).
        named = text if text is not None else display_path(path, root) if root is not None else path
        if refusal is not None or size > limit:
            # Told by its size: a file too large is never opened.
            entries.append(refusal or too_large(Path(named), size, limit))
            continue
        if cache is None:
            misses.append((len(entries), b""))
            unparsed.append((named, path))
            entries.append(None)  # replaced below
            continue
        shown = Path(named)
        data: bytes | None = None
        if digest is None:  # changed since the index saw it, or new
            started = fileindex.now()
            read = _read(shown, path, limit)  # checked above, and again as it is read
            if read is None or isinstance(read, Problem):
                entries.append(read)
                continue
            data = read
            if info is None:  # it appeared between the stat and the read: not recorded
                digest = fileindex.digest(data)
            else:
                digest = cache.files.record(path, info, data, started)
        key = cache.key(shown, digest)
        cached: Loaded | None = cache.get(key)
        if cached is None:
            # The bytes this build hashed as an input, if it did; else read now and filed
            # under the bytes read, not those the index remembers (see FileIndex.parsed).
            data = data if data is not None else cache.files.take(path)
            if data is None:
                read = _read(shown, path, limit)
                if not isinstance(read, bytes):
                    if read is None:  # gone since it was hashed
                        cache.files.lost()
                    entries.append(read)
                    continue
                data = read
                key = cache.key(shown, cache.files.parsed(path, data))
            misses.append((len(entries), key))
            unparsed.append((shown, data))
            cached = Problem(shown, None, "not parsed")  # replaced below
        entries.append(cached)
    fresh = _parse(
        unparsed, vocabulary, jobs, pack_here=cache is not None, limit=limit, meanwhile=meanwhile
    )
    for (index, key), parsed in zip(misses, fresh, strict=True):
        if cache is not None and parsed is not None and not isinstance(parsed, Problem):
            cache.put(key, parsed)
        entries[index] = parsed
    # A file removed since the walk is left out (``None``), as a walk now would leave it.
    return [(path, e) for path, e in zip(paths, entries, strict=True) if e is not None]


def parse_exercise(shown: Path, data: bytes, vocabulary: Vocabulary) -> ParseResult:
    """:func:`thrustlib.content.parse.parse_exercise`, the parser loaded by the first file
    parsed: a build or preview that finds every file in the cache never loads Markdown
    and YAML (0.06 s of its start)."""
    from thrustlib.content.parse import parse_exercise as parse

    return parse(shown, data, vocabulary)


def read_entry(
    shown: Path | str,
    source: bytes | Path,
    vocabulary: Vocabulary,
    limit: int | None = None,
) -> ParseResult | Problem | None:
    """What one file (its bytes, or the file to read them from, if at most ``limit``
    bytes: ``None`` when its size was checked already) gives, parsed here; ``None`` when
    the file is no longer there. ``shown`` is its display path (as text: made a Path here)."""
    shown = Path(shown) if isinstance(shown, str) else shown
    data = _read(shown, source, limit) if isinstance(source, Path) else source
    if data is None or isinstance(data, Problem):
        return data
    return parse_exercise(shown, data, vocabulary)


def take_entries(
    entries: Iterable[Loaded],
    problems: Problems,
    packed: dict[int, packing.PackedResult] | None = None,
) -> list[Entry]:
    """The exercises of ``entries``, in order, with every problem put in ``problems``.

    With ``packed``, an exercise that came from another process or from the cache is
    returned as its entry, and the packed result it came in (the whole exercise still
    packed, the entry's shape) is put in ``packed`` by the ``id`` of that entry, which
    ``entries`` keep alive (see :meth:`thrustlib.engine.packing.PackedContents.of`;
    hashing 10,000 paths for it was 0.03 s); without it, every exercise returned is
    whole.
    """
    exercises: list[Entry] = []
    for entry in entries:
        if isinstance(entry, Problem):
            problems.extend([entry])
            continue
        problems.extend(entry.problems)
        # Kept even when it has errors: cross-file checks still need it; the errors
        # already recorded stop the build.
        if isinstance(entry, ParseResult):
            if entry.exercise is not None:
                exercises.append(entry.exercise)
        elif entry.entry is not None and entry.data is not None:
            if packed is not None:
                packed[id(entry.entry)] = entry
                exercises.append(entry.entry)
            else:
                exercises.append(packing.unpack(entry.data))
    return exercises


def take_problems(entries: Iterable[Loaded], problems: Problems) -> None:
    """Put every problem of ``entries`` in ``problems``, in order, opening nothing packed."""
    for entry in entries:
        problems.extend([entry] if isinstance(entry, Problem) else entry.problems)


def too_large(shown: Path, size: int, limit: int) -> Problem:
    """The problem of the file ``shown``, ``size`` bytes, over the ``limit``."""
    return _refused(shown, files.TooLarge(size, limit))


def _refused(shown: Path, exc: files.Refused) -> Problem:
    hint = " (set [build] max_file_size to change the limit)"
    return Problem(shown, None, exc.message + (hint if isinstance(exc, files.TooLarge) else ""))


def _read(shown: Path, path: Path, limit: int | None) -> bytes | Problem | None:
    """The bytes of ``path``, why it cannot be read, or ``None`` when it is gone: removed
    since the walk found it (a checkout, say), it is left out as the walk would leave it
    a moment later, rather than failing the build."""
    try:
        # Told by its size as it is opened (not a byte read), and refused if it grows.
        return files.read_file(path, limit=limit)
    except files.Refused as exc:
        return _refused(shown, exc)
    except FileNotFoundError:
        log.debug("%s was removed since the walk found it; left out", shown)
        return None
    except OSError as exc:
        return Problem(shown, None, f"cannot read the file: {exc.strerror or exc}")


def _parse(
    files: list[tuple[Path | str, bytes | Path]],
    vocabulary: Vocabulary,
    jobs: int | None,
    *,
    pack_here: bool,
    limit: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Loaded | None]:
    """``parse_exercise`` of each (display path, bytes or the file to read them from),
    shared among processes if worth it (``meanwhile``: see :func:`read_entries`).

    Results parsed in another process come back packed (the entry to unpickle now, the
    rest as bytes; their shapes only for the cache). This process's own stay whole, unless
    ``pack_here`` (for the cache to store): packing here is shared work, at the end not.
    """

    def parse_one(file: tuple[Path | str, bytes | Path]) -> Loaded | None:
        # Sizes were checked by the walk; a file that grew since is refused as it is read.
        return read_entry(*file, vocabulary, limit)

    def packed(entry: Loaded | None) -> Loaded | None:
        return packing.pack(entry, shaped=pack_here) if isinstance(entry, ParseResult) else entry

    count = parallel.processes(jobs, len(files))
    if files:
        # Loaded before any fork, for the processes to share (not markdown-it-py's parser).
        import thrustlib.content.parse  # noqa: F401
    return parallel.map_items(
        parse_one,
        files,
        count,
        sent=packed,
        kept=packed if pack_here else None,
        meanwhile=meanwhile,
    )
