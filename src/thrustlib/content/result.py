"""What reading one exercise file gives: :class:`ParseResult`.

Apart from :mod:`thrustlib.content.parse` so that what only carries results (the cache,
the packing between processes, the engine) does not load the parser, Markdown and YAML
with them: a build that finds every file in the cache parses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from thrustlib.content.model import Exercise
from thrustlib.errors import Problem


@dataclass(slots=True)
class ParseResult:
    """What one file gave: the exercise (``None`` when it could not be read) and problems."""

    exercise: Exercise | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file had no errors (warnings allowed)."""
        return self.exercise is not None and not any(p.severity == "error" for p in self.problems)
