"""The site's files: one walker, and one rule for editor leftovers, links and special files.

Every folder a build reads (exercises, templates, static, the theme) and every folder it
checks (the output, for the cache) is walked by :func:`walk`: sorted, so every run sees
the files in the same order, and only regular files given (opening a named pipe would
block the build).

A site's own folders are walked within its :class:`Boundary`, which holds the one policy
for links and special files (the README's "Security" section says it to authors):

- a link whose real target is outside the site folder is an error naming the link and
  its target, unless the site opts in with ``[build] follow_external_symlinks``;
- links to files and folders inside the site are followed; a link to a folder that holds
  it (a loop) is named and not followed, and so is a second link to a folder already
  followed (or a few links could make a walk of astronomical length);
- special files (named pipes, devices, sockets) and links to them are named and skipped,
  never opened;
- a dangling link is named: an error where a build would read it as an exercise, a
  warning elsewhere.

Without a boundary (the package's own theme, the output folder) links to folders are not
followed and nothing is reported. A file is read by :func:`read_file` (from
:mod:`thrustlib.content.reading`, named here too), which checks again what it opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from thrustlib.content.boundary import OPT_IN as OPT_IN
from thrustlib.content.boundary import Boundary as Boundary
from thrustlib.content.boundary import check_file as check_file
from thrustlib.content.boundary import display_path as display_path
from thrustlib.content.boundary import outside_message as outside_message
from thrustlib.content.boundary import special, unfollowable
from thrustlib.content.reading import Refused as Refused
from thrustlib.content.reading import TooLarge as TooLarge
from thrustlib.content.reading import format_size as format_size
from thrustlib.content.reading import read_file as read_file
from thrustlib.content.reading import special_kind as special_kind
from thrustlib.errors import Problem, Problems, Severity

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


def is_exercise_name(name: str) -> bool:
    """True for the names of exercise files (``.md`` and ``.markdown``)."""
    return name.endswith(EXERCISE_SUFFIXES)


MAX_DEPTH = 64
"""Deepest folder nesting walked: far beyond any real site, and far inside what Python's
recursion allows (a tree a thousand folders deep would otherwise end the build)."""


@dataclass(slots=True)
class _Walk:
    """One walk below one folder: the rules, and the folders followed through links."""

    skip: Callable[[str], bool]
    want: Callable[[str], bool]
    folders: bool
    boundary: Boundary | None
    problems: Problems
    missing: Severity
    followed: dict[str, str] = field(default_factory=dict)
    """The real path of each folder followed through a link, to the link's shown name."""

    def below(self, top: str, stack: tuple[str, ...]) -> Iterator[tuple[str, Problem | None]]:
        """``(path, None)`` for every file to give below ``top`` (really at
        ``stack[-1]``), ``(path, problem)`` for every wanted file refused; each folder too
        (with ``None``) when asked. ``stack`` holds the real path of each folder walked
        down to here."""
        if len(stack) > MAX_DEPTH:
            if self.boundary is not None:
                self.problems.extend(
                    [
                        Problem(
                            self.boundary.shown(top),
                            None,
                            f"folders nested more than {MAX_DEPTH} deep; not walked further",
                            "warning",
                        )
                    ]
                )
            return
        try:
            with os.scandir(top) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            # Its files would be missing without a word.
            if self.boundary is not None:
                reason = exc.strerror or str(exc)
                self.problems.extend(
                    [
                        Problem(
                            self.boundary.shown(top),
                            None,
                            f"the folder cannot be read ({reason}); its files are left out",
                            "warning",
                        )
                    ]
                )
            return
        below: list[tuple[str, str]] = []
        skip, want = self.skip, self.want  # looked up once: tens of thousands of files
        for entry in entries:
            if skip(entry.name):
                continue
            # The entry's own type answers for most files without another system call.
            if entry.is_symlink():
                if self.boundary is None:
                    if entry.is_file() and want(entry.name):
                        yield entry.path, None
                    continue
                found = self.link(entry, stack)
                if isinstance(found, str):
                    below.append((entry.path, found))
                elif found is not None:
                    yield found
            elif entry.is_dir(follow_symlinks=False):
                below.append((entry.path, f"{stack[-1]}{os.sep}{entry.name}"))
            elif entry.is_file(follow_symlinks=False):
                if want(entry.name):
                    yield entry.path, None
            elif self.boundary is not None and want(entry.name):
                mode = entry.stat(follow_symlinks=False).st_mode
                yield entry.path, special(entry.path, mode, self.boundary, False, "")
        for path, real in below:
            if self.folders:
                yield path, None
            yield from self.below(path, (*stack, real))

    def link(
        self, entry: os.DirEntry[str], stack: tuple[str, ...]
    ) -> str | tuple[str, Problem | None] | None:
        """What the link ``entry`` gives: the real path of a folder to walk, a file (or a
        wanted file's refusal) to yield, or ``None`` (a refused folder is reported here)."""
        assert self.boundary is not None
        boundary, path, wanted = self.boundary, entry.path, self.want(entry.name)
        try:
            mode = Path(path).stat().st_mode  # links are few: the object costs nothing
        except OSError as exc:
            return (path, unfollowable(path, exc, boundary, self.missing)) if wanted else None
        is_folder = stat.S_ISDIR(mode)
        if not (is_folder or wanted):
            return None
        real = os.path.realpath(path)
        shown = boundary.shown(path)
        if (refusal := boundary.refusal(real)) is not None:
            problem = Problem(shown, None, refusal)
        elif not is_folder:
            if stat.S_ISREG(mode):
                return path, None
            problem = special(path, mode, boundary, True, real)
        elif any(real == s or s.startswith(real.rstrip(os.sep) + os.sep) for s in stack):
            problem = Problem(
                shown,
                None,
                f"a link to the folder {boundary.target(real)}, which holds the link itself"
                " (a loop); not followed",
                "warning",
            )
        elif real in self.followed:
            problem = Problem(
                shown,
                None,
                f"a link to the folder {boundary.target(real)}, already included as"
                f" {self.followed[real]}; not followed again",
                "warning",
            )
        else:
            self.followed[real] = shown.as_posix()
            return real
        if is_folder:
            self.problems.extend([problem])
            return None
        return path, problem


def walk_checked(
    folder: Path,
    boundary: Boundary | None,
    problems: Problems,
    *,
    skip: Callable[[str], bool] = is_editor_leftover,
    want: Callable[[str], bool] = lambda name: True,
    missing: Severity = "warning",
    folders: bool = False,
) -> Iterator[tuple[str, Problem | None]]:
    """``(file, None)`` for every file below ``folder`` to read, in sorted order (a
    folder's files by name, then each of its subfolders' in turn), and ``(file,
    problem)`` for each file ``want`` asks for that ``boundary`` refuses; none when
    ``folder`` is not a folder.

    A name ``skip`` is true of is left out, with everything below it; a file whose name
    ``want`` is false of too (unreported). A refused folder, and ``folder`` itself if it
    is out of bounds, go into ``problems``. A dangling link to a wanted name is a problem
    of severity ``missing``. With ``folders``, each subfolder is given too, before what
    it holds. Files are named by strings (absolute when ``folder`` is): a walk of
    10,000 files made into paths takes a third longer.
    """
    top = str(folder)
    if not folder.is_dir():
        if boundary is not None and folder.is_symlink() and not folder.exists():
            problems.extend([unfollowable(top, FileNotFoundError(), boundary, "warning")])
        return
    real = os.path.realpath(top)
    if boundary is not None and (refusal := boundary.refusal(real)) is not None:
        if folder.is_symlink() or boundary.holds(real):
            message = refusal
        else:
            message = (
                f"the folder is {real}, outside the site folder; thrustlib does not publish"
                f" files from outside the site ({OPT_IN})"
            )
        problems.extend([Problem(boundary.shown(top), None, message)])
        return
    walker = _Walk(skip, want, folders, boundary, problems, missing)
    yield from walker.below(top, (real,))


def walk(
    folder: Path,
    *,
    skip: Callable[[str], bool] = is_editor_leftover,
    folders: bool = False,
    boundary: Boundary | None = None,
    problems: Problems | None = None,
) -> Iterator[Path]:
    """Every regular file below ``folder`` to read, in sorted order: :func:`walk_checked`
    with every refusal put in ``problems`` (dropped without it)."""
    sink = problems if problems is not None else Problems()
    for path, problem in walk_checked(folder, boundary, sink, skip=skip, folders=folders):
        if problem is None:
            yield Path(path)
        else:
            sink.extend([problem])


def walk_names(
    folder: Path, *, skip: Callable[[str], bool] = is_editor_leftover, folders: bool = False
) -> Iterator[str]:
    """:func:`walk` without a boundary, as strings (``folder``'s own, then ``/`` and the
    names below it): for the output folder's tens of thousands of files, where paths as
    objects cost more than the listing."""
    if folder.is_dir():
        walker = _Walk(skip, lambda name: True, folders, None, Problems(), "warning")
        for path, _ in walker.below(str(folder), (str(folder),)):
            yield path


def exercise_files(
    folder: Path, boundary: Boundary, problems: Problems
) -> Iterator[tuple[Path, Problem | None]]:
    """:func:`exercise_names` as paths."""
    for name, problem in exercise_names(folder, boundary, problems):
        yield Path(name), problem


def exercise_names(
    folder: Path, boundary: Boundary, problems: Problems
) -> Iterator[tuple[str, Problem | None]]:
    """:func:`walk_checked` of an exercises folder: exercise files only, ``_`` names set
    aside, and a dangling link named like an exercise file an error (an exercise the
    author meant to publish would be missing without a word)."""
    return walk_checked(
        folder, boundary, problems, skip=is_ignored, want=is_exercise_name, missing="error"
    )


def find_exercise_files(
    folder: Path, boundary: Boundary | None = None, problems: Problems | None = None
) -> Iterator[Path]:
    """Every exercise file below ``folder`` (recursively) that may be read, in walk order.

    ``boundary`` defaults to ``folder`` itself; refusals go into ``problems`` if given.
    """
    sink = problems if problems is not None else Problems()
    for path, problem in exercise_files(folder, boundary or Boundary.of(folder), sink):
        if problem is None:
            yield path
        else:
            sink.extend([problem])


def walk_order(path: Path, folder: Path) -> tuple[tuple[int, str], ...]:
    """A sort key that puts files below ``folder`` in :func:`walk`'s order."""
    parts = path.relative_to(folder).parts
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))
