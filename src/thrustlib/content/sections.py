"""The names a body's known sections go by: built-in synonyms plus a site's own.

Real libraries head the same section many ways ("Setup", "Starting Position:",
"**Positioning**"), so a heading is matched by its normalized text (case, separators and a
trailing colon ignored) against these names. A site adds names in ``site.toml``::

    [sections]
    tips = ["Coaching Cues"]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from thrustlib.content.text import normalize

KINDS: tuple[str, ...] = ("setup", "execution", "tips", "mistakes")
"""The four known sections, in the order the model and the API list them."""

TITLES: Mapping[str, str] = MappingProxyType(
    {"setup": "Setup", "execution": "Execution", "tips": "Tips", "mistakes": "Common Mistakes"}
)
"""How the page heads each known section, whatever the file called it."""

BUILT_IN: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # The names real libraries use (FORMAT.md, "What real libraries look like"),
        # then the obvious variants authors reach for.
        "setup": (
            "Setup",
            "Set Up",
            "Starting Position",
            "Start Position",
            "Positioning",
            "Preparation",
        ),
        "execution": (
            "Execution",
            "Movement",
            "Execution Steps",
            "Steps",
            "Instructions",
            "How to Perform",
            "How To",
            "How to Do It",
            "Technique",
        ),
        "tips": (
            "Tips",
            "Key Points",
            "Tips for Proper Form",
            "Form Tips",
            "Key Tips",
            "Proper Form",
            "Coaching Tips",
            "Cues",
            "Tips and Cues",
        ),
        "mistakes": (
            "Common Mistakes",
            "Common Mistakes to Avoid",
            "Mistakes to Avoid",
            "Mistakes",
            "Common Errors",
            "Errors",
            "Common Faults",
        ),
    }
)


def heading_key(title: str) -> str:
    """A heading's text as it is matched: case and runs of separators folded as muscle
    names are (``Set-up`` is ``set up``), a trailing colon dropped."""
    return normalize(title.strip().rstrip(":"))


@dataclass(frozen=True, slots=True)
class SectionNames:
    """Which heading names which known section."""

    extra: tuple[tuple[str, str], ...] = ()
    """The site's own names, as ``(kind, name)`` pairs from ``[sections]``."""

    _kinds: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kinds = {heading_key(name): kind for kind, names in BUILT_IN.items() for name in names}
        kinds.update((heading_key(name), kind) for kind, name in self.extra)
        # Frozen dataclass: the lookup is set once here and never changes afterwards.
        object.__setattr__(self, "_kinds", kinds)

    def kind(self, title: str) -> str | None:
        """The known section a heading names (``"tips"``...), or ``None``."""
        return self._kinds.get(heading_key(title))

    def names(self, kinds: Iterable[str]) -> list[str]:
        """Every name of these kinds, built-in ones first: for messages."""
        wanted = tuple(kinds)
        built_in = [name for kind in wanted for name in BUILT_IN[kind]]
        return built_in + [name for kind, name in self.extra if kind in wanted]


DEFAULT_SECTIONS = SectionNames()
