"""The site's boundary: which files and folders a build may read, and why not the others.

:class:`Boundary` holds the one policy for links and special files that the walker of
:mod:`thrustlib.content.files` applies to a site's own folders (the README's "Security"
section says it to authors): the site folder and what is inside it, but never the output
or cache folders, and outside it only by the site's opt-in.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from thrustlib.content.reading import special_kind
from thrustlib.errors import Problem, Severity

OPT_IN = "set [build] follow_external_symlinks = true to allow it"
"""How a site allows links out of it; every refusal says so."""


def display_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` when it is inside it, for short messages."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def display_name(name: str, inside: str) -> str | None:
    """What :func:`display_path` gives for the path ``name``, as text, when it is inside
    the folder ``inside`` (given as its path and a slash); ``None`` outside it.

    Plain strings, for what is done for every file of a library: pathlib's
    ``relative_to`` on each of 10,000 files cost 0.04 s.
    """
    return name[len(inside) :] if name.startswith(inside) else None


@dataclass(frozen=True, slots=True)
class Boundary:
    """Where a site's files may come from: the site folder, and outside it only by opt-in."""

    root: Path
    """The site folder as given, made absolute: problems name files relative to it."""

    real: str
    """The site folder with every link in its path resolved: targets are compared with it."""

    follow_external: bool = False
    """Follow links to files and folders outside the site (the site's opt-in)."""

    kept_out: tuple[str, ...] = ()
    """Resolved folders inside the site that are never read as content: the output
    (a link to it would publish the site into itself, again each build) and the cache."""

    @classmethod
    def of(
        cls, root: Path, *, follow_external: bool = False, kept_out: tuple[Path, ...] = ()
    ) -> Boundary:
        """The boundary of the site folder ``root``, with the folders ``kept_out``."""
        absolute = root.absolute()
        out = tuple(os.path.realpath(absolute / folder) for folder in kept_out)
        return cls(absolute, os.path.realpath(absolute), follow_external, out)

    def holds(self, real: str) -> bool:
        """True when the resolved path ``real`` is the site folder or inside it."""
        return _within(real, self.real)

    def allows(self, real: str) -> bool:
        """True when a file or folder really at ``real`` may be read."""
        return self.refusal(real) is None

    def refusal(self, real: str) -> str | None:
        """Why the file or folder really at ``real`` may not be read, or ``None``."""
        for folder in self.kept_out:
            if _within(real, folder):
                return (
                    f"a link to {self.target(real)}, in the site's output or cache folder,"
                    " which is never read as content; not followed"
                )
        if self.follow_external or self.holds(real):
            return None
        return outside_message(self.target(real))

    def shown(self, path: str | Path) -> Path:
        """``path`` as problems name it: relative to the site folder when inside it."""
        return display_path(Path(path).absolute(), self.root)

    def target(self, real: str) -> str:
        """A link's resolved target as messages name it."""
        return self.shown(real).as_posix() if self.holds(real) else real


def _within(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def outside_message(target: str) -> str:
    """The refusal of a link to ``target``, outside the site folder."""
    return (
        f"a link to {target}, outside the site folder; thrustlib does not publish files"
        f" from outside the site ({OPT_IN})"
    )


def check_file(path: Path, boundary: Boundary, *, missing: Severity = "error") -> Problem | None:
    """Why the file ``path`` may not be read, by the rules :func:`walk` follows, or ``None``.

    For a path named on its own rather than found by a walk (a file the preview saw
    change, a template asked for by name): a link anywhere in the path counts. A path
    that is not there at all, or is a folder, is none of this function's business.
    """
    name = str(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return unfollowable(name, exc, boundary, missing)
        return None
    if stat.S_ISDIR(mode):
        return None
    real = os.path.realpath(name)
    if (refusal := boundary.refusal(real)) is not None:
        return Problem(boundary.shown(name), None, refusal)
    if not stat.S_ISREG(mode):
        return special(name, mode, boundary, path.is_symlink(), real)
    return None


def unfollowable(name: str, exc: OSError, boundary: Boundary, missing: Severity) -> Problem:
    """The problem of a link that leads nowhere (its target is missing, or a link loop)."""
    try:
        written = str(Path(name).readlink())
    except OSError:
        written = "?"
    if isinstance(exc, FileNotFoundError):
        message = f"a link to {written}, which does not exist"
    else:
        message = f"a link to {written} that cannot be followed: {exc.strerror or exc}"
        missing = "warning"
    if missing == "warning":
        message += "; skipped"
    return Problem(boundary.shown(name), None, message, missing)


def special(name: str, mode: int, boundary: Boundary, is_link: bool, real: str) -> Problem:
    kind = special_kind(mode)
    what = f"a link to {boundary.target(real)}, {kind}" if is_link else kind
    return Problem(boundary.shown(name), None, f"{what}, not a regular file; skipped", "warning")
