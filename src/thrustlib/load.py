"""Find and read the exercise files of a site, then parse them all.

Walks are sorted so that every run sees the files in the same order, and editor
leftovers (dotfiles, ``~`` backups, ``#autosave#``, swap files) are never content.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib import parallel
from thrustlib.errors import Problem, Problems
from thrustlib.model import Exercise
from thrustlib.parse import ParseResult, parse_exercise
from thrustlib.vocabulary import Vocabulary

if TYPE_CHECKING:
    from thrustlib.cache import ParseCache

EXERCISE_SUFFIXES = (".md", ".markdown")


def is_ignored(name: str) -> bool:
    """True for files an editor or OS leaves beside content, which are never exercises."""
    return (
        name.startswith((".", "#", "_"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig"))
        or name.startswith(".#")
    )


def find_exercise_files(folder: Path) -> Iterator[Path]:
    """Every exercise file below ``folder`` (recursively), in sorted order."""
    if not folder.is_dir():
        return
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        for name in sorted(files):
            path = Path(current) / name
            # Only regular files: reading a named pipe or device would block the build.
            if name.endswith(EXERCISE_SUFFIXES) and not is_ignored(name) and path.is_file():
                yield path


def display_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` when it is inside it, for short messages."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


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

    With ``cache``, a file whose bytes were parsed before (with the same vocabulary and
    thrustlib) gives the stored result instead of being parsed again. The files left to
    parse may be shared among ``jobs`` processes (``None``: one per core); the results
    are the same, in the same order, however many ran.
    """
    exercises: list[Exercise] = []
    if not folder.is_dir():
        problems.error(folder, None, "the exercises folder does not exist")
        return exercises
    # One entry per file, in walk order: its parse result, or why it could not be read.
    entries: list[ParseResult | Problem] = []
    misses: list[tuple[int, bytes]] = []  # (index in entries, cache key)
    unparsed: list[tuple[Path, bytes]] = []
    for path in find_exercise_files(folder):
        shown = display_path(path, root) if root is not None else path
        try:
            data = path.read_bytes()
        except OSError as exc:
            entries.append(Problem(shown, None, f"cannot read the file: {exc.strerror or exc}"))
            continue
        key = cache.key(shown, data) if cache is not None else b""
        cached = cache.get(key) if cache is not None else None
        if cached is None:
            misses.append((len(entries), key))
            unparsed.append((shown, data))
            cached = ParseResult(None)  # replaced below
        entries.append(cached)
    for (index, key), result in zip(misses, _parse(unparsed, vocabulary, jobs), strict=True):
        entries[index] = result if cache is None else cache.put(key, result)
    for entry in entries:
        found = [entry] if isinstance(entry, Problem) else entry.problems
        problems.extend(found)
        # Kept even when it has errors: cross-file checks still need it; the errors
        # already recorded stop the build.
        if isinstance(entry, ParseResult) and entry.exercise is not None:
            exercises.append(entry.exercise)
    return exercises


def _parse(
    files: list[tuple[Path, bytes]], vocabulary: Vocabulary, jobs: int | None
) -> list[ParseResult]:
    """``parse_exercise`` of each (display path, bytes), shared among processes if worth it."""

    def parse_share(share: Sequence[tuple[Path, bytes]]) -> list[ParseResult]:
        return [parse_exercise(shown, data, vocabulary) for shown, data in share]

    count = parallel.processes(jobs, len(files))
    return parallel.merge(parallel.run(parse_share, parallel.shares(files, count)))
