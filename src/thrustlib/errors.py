"""Problems found in content and configuration, and the one exception type that carries them.

Library code never prints or exits: it collects :class:`Problem` values and, when a
stage cannot go on, raises a :class:`ThrustlibError` subclass holding all of them. Only
the CLI turns them into text and an exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from thrustlib.frozen import quick_init

Severity = Literal["error", "warning"]


@quick_init
@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a look) in one place of one file."""

    path: Path | None
    """The file the problem is in; ``None`` for problems of the run as a whole."""

    line: int | None
    """1-based line in ``path``; ``None`` when the problem has no single line."""

    message: str
    """What is wrong, in one sentence, without the location."""

    severity: Severity = "error"
    """Errors stop the build; warnings stop it only under ``--strict``."""

    reasons: tuple[str, ...] = ()
    """Underlying causes (a parser's own message, say), printed as ``Reason:`` lines."""

    key: str | None = None
    """The front-matter or config key the problem is about, when there is one."""

    @property
    def location(self) -> str:
        """``path:line``, ``path`` or ``""``: the prefix editors and CI logs can jump to."""
        if self.path is None:
            return ""
        if self.line is None:
            return str(self.path)
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        location = self.location  # once: a report formats 15,000 of these at 10,000 files
        prefix = f"{location}: " if location else ""
        return f"{prefix}{self.severity}: {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        """Order problems by file, then line, so reports read top to bottom."""
        return (str(self.path or ""), self.line or 0, self.message)


@dataclass(slots=True)
class Problems:
    """A collector that stages append to, so one run can report every problem at once."""

    items: list[Problem] = field(default_factory=list)

    def error(
        self,
        path: Path | None,
        line: int | None,
        message: str,
        *,
        reasons: Iterable[str] = (),
        key: str | None = None,
    ) -> None:
        """Record an error."""
        self.items.append(Problem(path, line, message, "error", tuple(reasons), key))

    def warning(
        self,
        path: Path | None,
        line: int | None,
        message: str,
        *,
        reasons: Iterable[str] = (),
        key: str | None = None,
    ) -> None:
        """Record a warning."""
        self.items.append(Problem(path, line, message, "warning", tuple(reasons), key))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere."""
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """Only the errors."""
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Only the warnings."""
        return [p for p in self.items if p.severity == "warning"]

    def has_errors(self) -> bool:
        """True when at least one error was recorded."""
        return any(p.severity == "error" for p in self.items)

    def sorted(self) -> list[Problem]:
        """Every problem, by file and line."""
        return sorted(self.items, key=Problem.sort_key)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ThrustlibError(Exception):
    """The base of every error thrustlib raises on purpose; anything else is a bug."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, None, problems)]
        self.problems: tuple[Problem, ...] = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity error."""
        return tuple(p for p in self.problems if p.severity == "error")


class ContentError(ThrustlibError):
    """Exercise files that cannot be built; holds every problem of the run."""


class ConfigError(ThrustlibError):
    """A site.toml that cannot be used."""


class CacheChanged(ThrustlibError):
    """A file of the content cache changed while a build was reading it: another program
    wrote into it in place. Nothing is rendered from it; a build that meets it builds
    again without the parse cache (:func:`thrustlib.engine.build.build`)."""

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        self.reason = f"the cache file {path or '(unnamed)'} changed while it was read ({why})"
        """What happened, without the advice of the message."""
        super().__init__(f"{self.reason}; nothing was rendered from it: run the command again")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # to leave a worker process
        return CacheChanged, (self.path, self.why)


class ThemeError(ThrustlibError):
    """A template that does not load or render."""
