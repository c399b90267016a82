"""Read and parse every exercise file of a site, on every core and from the cache.

An entry per file: its parse result, or why it could not be read. The entries are in
the order :func:`thrustlib.content.files.walk` finds the files, however many processes
parsed them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib.content import files
from thrustlib.content.files import display_path, find_exercise_files
from thrustlib.content.model import Entry, Exercise
from thrustlib.content.parse import ParseResult, parse_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import packing
from thrustlib.engine import workers as parallel
from thrustlib.errors import Problem, Problems

if TYPE_CHECKING:
    from thrustlib.engine.cache import ParseCache

Loaded = ParseResult | packing.PackedResult | Problem
"""What one exercise file gave: its parse result (whole when parsed in this process,
packed when it came from another process or the cache), or why it was not read."""


def load_exercises(
    folder: Path,
    vocabulary: Vocabulary,
    problems: Problems,
    *,
    root: Path | None = None,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
) -> list[Exercise]:
    """Parse every file in ``folder``; problems of all files are collected, none raised.

    :func:`read_entries`, then :func:`take_entries`: see them for ``cache`` and ``jobs``.
    Every exercise returned is whole.
    """
    if not folder.is_dir():
        problems.error(folder, None, "the exercises folder does not exist")
        return []
    entries = read_entries(folder, vocabulary, root=root, cache=cache, jobs=jobs)
    taken = take_entries([entry for _, entry in entries], problems)
    return [e for e in taken if isinstance(e, Exercise)]  # all of them, without ``packed``


def read_entries(
    folder: Path,
    vocabulary: Vocabulary,
    *,
    root: Path | None = None,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
) -> list[tuple[Path, Loaded]]:
    """``(file, entry)`` for every exercise file in ``folder``, in walk order.

    With ``cache``, a file whose bytes were parsed before (with the same vocabulary and
    thrustlib) gives the stored result instead of being parsed again. The files left to
    parse may be shared among ``jobs`` processes (``None``: one per core); the results
    are the same, in the same order, however many ran.
    """
    paths: list[Path] = []
    # One entry per file, in walk order: its parse result, or why it could not be read.
    entries: list[Loaded] = []
    misses: list[tuple[int, bytes]] = []  # (index in entries, cache key)
    unparsed: list[tuple[Path, bytes | Path]] = []
    for path in find_exercise_files(folder):
        paths.append(path)
        shown = display_path(path, root) if root is not None else path
        if cache is None:
            # Read by whichever process parses the file: no serial pass over the disk.
            misses.append((len(entries), b""))
            unparsed.append((shown, path))
            entries.append(Problem(shown, None, "not parsed"))  # replaced below
            continue
        data = _read(shown, path)
        if isinstance(data, Problem):
            entries.append(data)
            continue
        key = cache.key(shown, data)
        cached: Loaded | None = cache.get(key)
        if cached is None:
            misses.append((len(entries), key))
            unparsed.append((shown, data))
            cached = Problem(shown, None, "not parsed")  # replaced below
        entries.append(cached)
    fresh = _parse(unparsed, vocabulary, jobs, pack_here=cache is not None)
    for (index, key), parsed in zip(misses, fresh, strict=True):
        if cache is not None and not isinstance(parsed, Problem):
            cache.put(key, parsed)
        entries[index] = parsed
    return list(zip(paths, entries, strict=True))


def read_entry(shown: Path, source: bytes | Path, vocabulary: Vocabulary) -> ParseResult | Problem:
    """What one file (its bytes, or the file to read them from) gives, parsed here."""
    data = _read(shown, source) if isinstance(source, Path) else source
    if isinstance(data, Problem):
        return data
    return parse_exercise(shown, data, vocabulary)


def take_entries(
    entries: Iterable[Loaded], problems: Problems, packed: dict[Path, bytes] | None = None
) -> list[Entry]:
    """The exercises of ``entries``, in order, with every problem put in ``problems``.

    With ``packed``, an exercise that came from another process or from the cache is
    returned as its entry, and the whole of it, still packed, is put in ``packed`` by
    its display path (see :mod:`thrustlib.engine.packing`); without it, every exercise
    returned is whole.
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
                packed[entry.entry.source.path] = entry.data
                exercises.append(entry.entry)
            else:
                exercises.append(packing.unpack(entry.data))
    return exercises


def take_problems(entries: Iterable[Loaded], problems: Problems) -> None:
    """Put every problem of ``entries`` in ``problems``, in order, opening nothing packed."""
    for entry in entries:
        problems.extend([entry] if isinstance(entry, Problem) else entry.problems)


def _read(shown: Path, path: Path) -> bytes | Problem:
    try:
        return files.read_file(path)
    except OSError as exc:
        return Problem(shown, None, f"cannot read the file: {exc.strerror or exc}")


def _parse(
    files: list[tuple[Path, bytes | Path]],
    vocabulary: Vocabulary,
    jobs: int | None,
    *,
    pack_here: bool,
) -> list[Loaded]:
    """``parse_exercise`` of each (display path, bytes or the file to read them from),
    shared among processes if worth it.

    Results parsed in another process come back packed (the entry to unpickle now, the
    rest as bytes). This process's own stay whole, unless ``pack_here`` (for the cache to
    store): packing them here is shared work, packing them at the end would not be.
    """

    def parse_one(file: tuple[Path, bytes | Path]) -> Loaded:
        return read_entry(*file, vocabulary)

    def packed(entry: Loaded) -> Loaded:
        return packing.pack(entry) if isinstance(entry, ParseResult) else entry

    count = parallel.processes(jobs, len(files))
    return parallel.map_items(
        parse_one, files, count, sent=packed, kept=packed if pack_here else None
    )
