"""The site's files: one walker, one rule for editor leftovers, one way to read a file.

Every folder a build reads (exercises, templates, static, the theme) and every folder it
checks (the output, for the cache) is walked by :func:`walk`: sorted, so every run sees
the files in the same order, with links to folders never followed (a link loop would
never end) and only regular files given (reading a named pipe would block the build).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

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


def walk(
    folder: Path, *, skip: Callable[[str], bool] = is_editor_leftover, folders: bool = False
) -> Iterator[Path]:
    """Every regular file below ``folder``, in sorted order: a folder's files by name,
    then each of its subfolders' in turn; none when ``folder`` is not a folder.

    A name ``skip`` is true of is left out, with everything below it. With ``folders``,
    each subfolder is given too, before what it holds.
    """
    return map(Path, walk_names(folder, skip=skip, folders=folders))


def walk_names(
    folder: Path, *, skip: Callable[[str], bool] = is_editor_leftover, folders: bool = False
) -> Iterator[str]:
    """:func:`walk` as strings (``folder``'s own, then ``/`` and the names below it): for
    the output folder's tens of thousands of files, where paths as objects cost more
    than the listing."""
    if folder.is_dir():
        yield from _walk(str(folder), skip, folders)


def _walk(top: str, skip: Callable[[str], bool], folders: bool) -> Iterator[str]:
    try:
        with os.scandir(top) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # a folder that cannot be listed has no files to give, as with os.walk
    below = []
    for entry in entries:
        if skip(entry.name):
            continue
        # The entry's own type answers for most files without another system call.
        if entry.is_dir():
            if not entry.is_symlink():
                below.append(entry.path)
        elif entry.is_file():
            yield entry.path
    for path in below:
        if folders:
            yield path
        yield from _walk(path, skip, folders)


def find_exercise_files(folder: Path) -> Iterator[Path]:
    """Every exercise file below ``folder`` (recursively), in :func:`walk` order."""
    return (p for p in walk(folder, skip=is_ignored) if p.name.endswith(EXERCISE_SUFFIXES))


def walk_order(path: Path, folder: Path) -> tuple[tuple[int, str], ...]:
    """A sort key that puts files below ``folder`` in :func:`walk`'s order."""
    parts = path.relative_to(folder).parts
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


def display_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` when it is inside it, for short messages."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


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
