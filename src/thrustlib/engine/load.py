"""Find and read the exercise files of a site, then parse them all.

Walks are sorted so that every run sees the files in the same order, and editor
leftovers (dotfiles, ``~`` backups, ``#autosave#``, swap files) are never content.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib.content.model import Exercise
from thrustlib.content.parse import ParseResult, parse_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import packing
from thrustlib.engine import workers as parallel
from thrustlib.errors import Problem, Problems

if TYPE_CHECKING:
    from thrustlib.engine.cache import ParseCache

EXERCISE_SUFFIXES = (".md", ".markdown")


def is_editor_leftover(name: str) -> bool:
    """True for files an editor or OS leaves beside real ones (dotfiles, ``~`` backups,
    swap, autosave and merge leftovers): never part of a site, in any of its folders."""
    return name.startswith((".", "#")) or name.endswith(
        ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig")
    )


def is_ignored(name: str) -> bool:
    """True for names in the exercises folder that are never exercises: editor leftovers,
    and ``_`` names (set aside by their author)."""
    return name.startswith("_") or is_editor_leftover(name)


def find_exercise_files(folder: Path) -> Iterator[Path]:
    """Every exercise file below ``folder`` (recursively), in sorted order.

    A folder's files come before its subfolders', as ``os.walk`` lists them; links to
    folders are not followed (a link loop would never end), links to files are.
    """
    if folder.is_dir():
        yield from _walk(str(folder))


def _walk(top: str) -> Iterator[Path]:
    try:
        with os.scandir(top) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # a folder that cannot be listed has no files to give, as with os.walk
    folders = []
    for entry in entries:
        if is_ignored(entry.name):
            continue
        # Only regular files: reading a named pipe or device would block the build. The
        # entry's own type answers for most files without another system call.
        if entry.is_dir():
            if not entry.is_symlink():
                folders.append(entry.path)
        elif entry.name.endswith(EXERCISE_SUFFIXES) and entry.is_file():
            yield Path(entry.path)
    for path in folders:
        yield from _walk(path)


def display_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` when it is inside it, for short messages."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


Entry = packing.Packed | Problem
"""What one exercise file gave: its parse result (with the whole exercise packed beside
its outline when it came from another process or the cache), or why it was not read."""


def load_exercises(
    folder: Path,
    vocabulary: Vocabulary,
    problems: Problems,
    *,
    root: Path | None = None,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
    packed: dict[Path, bytes] | None = None,
) -> list[Exercise]:
    """Parse every file in ``folder``; problems of all files are collected, none raised.

    :func:`read_entries`, then :func:`take_entries`: see them for ``cache``, ``jobs`` and
    ``packed``.
    """
    if not folder.is_dir():
        problems.error(folder, None, "the exercises folder does not exist")
        return []
    entries = read_entries(folder, vocabulary, root=root, cache=cache, jobs=jobs)
    return take_entries([entry for _, entry in entries], problems, packed)


def read_entries(
    folder: Path,
    vocabulary: Vocabulary,
    *,
    root: Path | None = None,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
) -> list[tuple[Path, Entry]]:
    """``(file, entry)`` for every exercise file in ``folder``, in walk order.

    With ``cache``, a file whose bytes were parsed before (with the same vocabulary and
    thrustlib) gives the stored result instead of being parsed again. The files left to
    parse may be shared among ``jobs`` processes (``None``: one per core); the results
    are the same, in the same order, however many ran.
    """
    files: list[Path] = []
    # One entry per file, in walk order: its parse result, or why it could not be read.
    entries: list[Entry] = []
    misses: list[tuple[int, bytes]] = []  # (index in entries, cache key)
    unparsed: list[tuple[Path, bytes | Path]] = []
    for path in find_exercise_files(folder):
        files.append(path)
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
        cached = cache.get(key)
        if cached is None:
            misses.append((len(entries), key))
            unparsed.append((shown, data))
            cached = (ParseResult(None), None)  # replaced below
        entries.append(cached)
    fresh = _parse(unparsed, vocabulary, jobs, pack_here=cache is not None)
    for (index, key), parsed in zip(misses, fresh, strict=True):
        if cache is not None and not isinstance(parsed, Problem):
            parsed = cache.put(key, parsed)
        entries[index] = parsed
    return list(zip(files, entries, strict=True))


def read_entry(path: Path, shown: Path, vocabulary: Vocabulary) -> Entry:
    """The entry of one file, parsed in this process (the preview's edits)."""
    data = _read(shown, path)
    if isinstance(data, Problem):
        return data
    return parse_exercise(shown, data, vocabulary), None


def take_entries(
    entries: Iterable[Entry], problems: Problems, packed: dict[Path, bytes] | None = None
) -> list[Exercise]:
    """The exercises of ``entries``, in order, with every problem put in ``problems``.

    With ``packed``, an exercise that came from another process or from the cache is
    returned as its outline, and the whole of it, still packed, is put in ``packed`` by
    its display path (see :mod:`thrustlib.engine.packing`); without it, every exercise returned
    is whole.
    """
    exercises: list[Exercise] = []
    for entry in entries:
        if isinstance(entry, Problem):
            problems.extend([entry])
            continue
        result, packed_whole = entry
        problems.extend(result.problems)
        # Kept even when it has errors: cross-file checks still need it; the errors
        # already recorded stop the build.
        if result.exercise is None:
            continue
        if packed_whole is None or not packing.is_outline(result.exercise):
            exercises.append(result.exercise)
        elif packed is not None:
            packed[result.exercise.source.path] = packed_whole
            exercises.append(result.exercise)
        else:
            exercises.append(packing.unpack(packed_whole))
    return exercises


def walk_order(path: Path, folder: Path) -> tuple[tuple[int, str], ...]:
    """A sort key that puts files in :func:`find_exercise_files`'s order: a folder's own
    files by name, then its subfolders' by name."""
    parts = path.relative_to(folder).parts
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


def read_file(path: Path) -> bytes:
    """The bytes of the file ``path``."""
    # The bare system calls: a buffered file object costs several more per file (fstat,
    # ioctl, lseek) and a few objects, which shows at ten thousand files.
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _read(shown: Path, path: Path) -> bytes | Problem:
    try:
        return read_file(path)
    except OSError as exc:
        return Problem(shown, None, f"cannot read the file: {exc.strerror or exc}")


def _parse(
    files: list[tuple[Path, bytes | Path]],
    vocabulary: Vocabulary,
    jobs: int | None,
    *,
    pack_here: bool,
) -> list[packing.Packed | Problem]:
    """``parse_exercise`` of each (display path, bytes or the file to read them from),
    shared among processes if worth it.

    Results parsed in another process come back packed (an outline to unpickle now, the
    rest as bytes). This process's own stay whole, with the bytes beside them when
    ``pack_here`` (for the cache to store): packing them here is shared work, packing
    them at the end would not be.
    """

    def parse_one(file: tuple[Path, bytes | Path]) -> packing.Packed | Problem:
        shown, source = file
        data = _read(shown, source) if isinstance(source, Path) else source
        if isinstance(data, Problem):
            return data
        result = parse_exercise(shown, data, vocabulary)
        if parallel.in_child():
            return packing.pack(result)
        if pack_here and result.exercise is not None:
            return result, packing.dumps(result.exercise)
        return result, None

    count = parallel.processes(jobs, len(files))
    return parallel.map_items(parse_one, files, count)
