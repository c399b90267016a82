"""The only module that writes the site: every file into a temporary folder, then a swap.

The new site is written beside the output (same parent, so the renames stay on one file
system) under a hidden name, then swapped in: the old folder is renamed away, the new
one renamed in, and only then is the old one deleted. A build that fails or is killed
part-way leaves the last good site where it was, at worst with a hidden leftover
folder that the next build clears. An incremental build that renders a few files of a
large site writes them the same way, then moves each into the output in one rename
(``in_place``): swapping would mean linking every other file into the new folder first.

Since a build replaces its output folder as a whole, it refuses to replace a folder it
did not make: every output carries a :data:`MARKER` file, and an existing folder
without one (a home folder given as ``--out ~``, say) is left alone with an error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Protocol

from thrustlib.errors import Problem, ThrustlibError

log = logging.getLogger(__name__)

MARKER = ".thrustlib"
"""The file that marks a folder as thrustlib output, safe for a build to replace."""

MARKER_TEXT = (
    b"This folder is a site built by thrustlib. A build replaces it as a whole;\n"
    b"do not keep anything else in here.\n"
)
"""The marker's content: fixed, so rebuilds stay byte-identical."""


LEFTOVER_AGE = 300.0
"""Seconds after which a hidden temporary folder beside the output counts as abandoned."""


class WritableFile(Protocol):
    """What :func:`write_site` needs of a file (``render.OutputFile`` has it)."""

    @property
    def path(self) -> str: ...

    @property
    def data(self) -> bytes: ...


def is_output_folder(folder: Path) -> bool:
    """True when ``folder`` is missing, empty, or marked as thrustlib output."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


IN_PLACE_SHARE = 0.25
"""The largest share of a site's files an incremental build moves into the last output
one by one (:class:`OutputWriter`'s ``in_place``) rather than swapping in a new folder."""


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to the file ``path`` (the one place the site's files are written)."""
    # The bare system calls: a buffered file object costs four more (fstat, ioctl,
    # lseek...) and a few objects per file, which shows at tens of thousands of pages.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _safe_relative(path: str) -> str:
    """``path``, checked to be a relative path that cannot leave the output folder."""
    # A path with "a//b" or "a/./b" in it could land two outputs on one file once
    # normalized; such a path is a bug upstream, so it is refused rather than normalized.
    # Refusing those also makes equal strings the only way to name one file twice.
    if "\\" in path or any(segment in ("", ".", "..") for segment in path.split("/")):
        raise ThrustlibError(f"refusing to write outside the output folder: {path!r}")
    return path


class OutputWriter:
    """Writes a site file by file into a hidden folder beside ``target``, then swaps it in.

    ::

        with OutputWriter(target) as out:
            out.write("index.html", data)

    Leaving the block normally swaps the new site in; leaving it by an exception removes
    the new folder and leaves the last good site as it was. Files go to disk as they
    come, so a build never holds the whole rendered site in memory. A process forked
    inside the block may write through its copy of the writer; only the one that opened
    the block swaps or cleans up.
    """

    def __init__(self, target: Path, *, in_place: Iterable[str] | None = None) -> None:
        self.target = target.absolute()
        """The output folder to replace."""
        self.in_place = None if in_place is None else set(in_place)
        """The files of the site in ``target`` now (the last build's), when the new files
        are to be moved into it one by one (see :meth:`_update`) instead of the folder
        being swapped; ``None``: swapped."""
        self.folder: Path | None = None
        """The hidden folder being written, while the block runs."""
        self._seen: set[str] = set()
        self._made: set[str] = set()
        """Folders made so far, relative (``""`` is the new site's root)."""

    def __enter__(self) -> OutputWriter:
        _check_target(self.target)
        if self.in_place is not None and not (self.target / MARKER).is_file():
            self.in_place = None  # no site there to update (deleted meanwhile): a whole one
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        _clear_leftovers(parent, self.target.name)
        folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=parent))
        try:
            # The marker goes first, so a folder left by a killed build is known as ours.
            (folder / MARKER).write_bytes(MARKER_TEXT)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self.folder = folder
        self._made = {""}
        return self

    def write(self, path: str, data: bytes) -> None:
        """Write one file of the new site; ``path`` is relative, like ``a/index.html``."""
        write_file(self._place(path), data)

    def keep(self, path: str) -> None:
        """Put the file ``path`` of the site being replaced into the new one as it is.

        A hard link where the file system has them (nothing is copied, and the swap
        still replaces the folder as a whole: the old folder is only unlinked), else a
        copy.
        """
        if self.in_place is not None:
            self._check(path)  # already where it belongs
            return
        target = self._place(path)
        source = f"{self.target}/{path}"
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)

    def _place(self, path: str) -> str:
        """Where ``path`` goes in the new folder, its parent made; checked to be new."""
        if self.folder is None:
            raise RuntimeError("OutputWriter used outside its with block")
        relative = self._check(path)
        # Plain strings and os calls: a large site is tens of thousands of files, and
        # pathlib's objects cost more than the writes themselves.
        root = str(self.folder)
        parent = relative.rpartition("/")[0]
        if parent not in self._made:
            self._make(root, parent)
        return f"{root}/{relative}"

    def _make(self, root: str, folder: str) -> None:
        """Make ``folder`` (relative, not yet in ``_made``) and any parent it lacks.

        ``os.mkdir`` on each folder not made yet, since ``_made`` knows which those are:
        ``Path.mkdir(parents=True)`` cost twice the system call, once per page folder.
        """
        up = folder.rpartition("/")[0]
        if up not in self._made:
            self._make(root, up)
        path = f"{root}/{folder}"
        try:
            os.mkdir(path)  # noqa: PTH102 (strings: a folder per page)
        except FileExistsError:
            if not os.path.isdir(path):  # noqa: PTH112 (made by another process)
                raise
        self._made.add(folder)

    def _check(self, path: str) -> str:
        relative = _safe_relative(path)
        if relative in self._seen:
            raise ThrustlibError(f"two outputs would be written to {relative}")
        self._seen.add(relative)
        return relative

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        folder, self.folder = self.folder, None
        if folder is None:
            return
        if kind is not None:
            shutil.rmtree(folder, ignore_errors=True)
            return
        try:
            if self.in_place is not None:
                self._update(folder, self.in_place)
            else:
                # mkdtemp makes the folder private (0700); a site is meant to be served.
                folder.chmod(0o755)
                _swap(folder, self.target)
        finally:
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)

    def _update(self, folder: Path, before: set[str]) -> None:
        """Move the files written into ``folder`` into the output, each replacing its old
        copy in one rename, then remove the old files the new site does not have.

        For a build that renders a few files of a large site: linking every other file
        into a new folder, then deleting the old one, took longer than the rendering.
        Every file is rendered before the first is moved, so bad content still leaves
        the last good site as it was, and a reader never sees a file half written; what
        is given up is that the few files change one after another rather than at
        once. A build stopped part-way leaves the output unlike its record, which makes
        the next build a whole one. Two builds into one output at the same time could
        interleave their moves, where swaps came one after the other (the preview never
        writes an output; two ``thrustlib build`` runs at once would).
        """
        target = str(self.target)
        staged = str(folder)
        written = sorted(_files_below(staged) - {MARKER})
        # Not this process's record of what it wrote alone: forked workers wrote too.
        gone = sorted(before - self._seen - set(written))
        # The old files go first, and the folders they leave empty (an exercise's, say)
        # with them, so that a path that was a file and is now a folder, or the other way
        # round, is free when the new file comes.
        for relative in gone:
            Path(target, relative).unlink(missing_ok=True)
        for parent in sorted({p for r in gone for p in parents(r)}, key=len, reverse=True):
            with contextlib.suppress(OSError):  # not empty: other files are in it
                Path(target, parent).rmdir()
        made: set[str] = set()
        for relative in written:
            parent = relative.rpartition("/")[0]
            if parent and parent not in made:
                Path(target, parent).mkdir(parents=True, exist_ok=True)
                made.add(parent)
            Path(staged, relative).replace(Path(target, relative))


def _files_below(folder: str) -> set[str]:
    """Every file below ``folder``, by relative posix path."""
    found: set[str] = set()
    start = len(folder) + 1
    for top, _, names in os.walk(folder):
        found.update(f"{top}/{name}"[start:] for name in names)
    return found


def parents(relative: str) -> list[str]:
    """The folders holding ``relative``, innermost first (``a/b/c`` gives ``a/b``, ``a``)."""
    parts = relative.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def output_names(paths: Iterable[str]) -> list[str]:
    """Every entry of an output folder holding the files ``paths`` and the marker, by
    relative name (``"."`` for the folder itself), sorted: a manifest's names."""
    names = {".", MARKER}
    for path in paths:
        names.add(path)
        names.update(parents(path))
    return sorted(names)


def write_site(files: Iterable[WritableFile], target: Path) -> None:
    """Write ``files`` as the folder ``target``, replacing what is there in one swap."""
    _check_target(target.absolute())
    files = list(files)
    check_paths(f.path for f in files)  # before anything is made: a bad list leaves no trace
    with OutputWriter(target) as out:
        for file in files:
            out.write(file.path, file.data)


def check_paths(paths: Iterable[str]) -> None:
    """Raise the error :meth:`OutputWriter.write` would for any of ``paths``.

    For checking a whole site up front: when several processes write it, none of their
    writers sees the paths the others write.
    """
    seen: set[str] = set()
    for path in paths:
        relative = _safe_relative(path)
        if relative in seen:
            raise ThrustlibError(f"two outputs would be written to {relative}")
        seen.add(relative)


def _check_target(target: Path) -> None:
    if not is_output_folder(target):
        kind = "folder" if target.is_dir() else "file"
        raise ThrustlibError(
            [
                Problem(
                    target,
                    None,
                    f"will not replace this {kind}: it is not a thrustlib output folder"
                    f" (no {MARKER} file in it). Choose another output folder, or empty"
                    " this one if it really is meant for the site.",
                )
            ]
        )


def _swap(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; the old ``target`` is moved away first, then deleted."""
    if not target.exists():
        new.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()  # only the unique name was wanted; rename needs it not to exist
    target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        old.rename(target)  # put the last good site back before reporting the failure
        raise
    try:
        shutil.rmtree(old, ignore_errors=True)
    except KeyboardInterrupt:
        # The new site is in place: finish removing the old copy rather than leave a
        # second whole site beside the output, then let the interrupt through.
        shutil.rmtree(old, ignore_errors=True)
        raise


def _clear_leftovers(parent: Path, name: str) -> None:
    """Remove temporary folders an interrupted earlier build left beside the output.

    Only marked folders that have not changed for a while: a fresh one may belong to a
    build that is running right now (the preview server and a CLI build, say).
    """
    now = time.time()
    for prefix in (f".{name}.tmp-", f".{name}.old-"):
        for leftover in sorted(parent.glob(prefix + "*")):
            try:
                ours = leftover.is_dir() and (leftover / MARKER).is_file()
                stale = now - leftover.stat().st_mtime > LEFTOVER_AGE
            except OSError:
                continue
            if ours and stale:
                log.debug("removing leftover %s", leftover)
                shutil.rmtree(leftover, ignore_errors=True)
