"""Progressions: the "Easier" and "Harder" links within a variation family.

**Progressions** ("Easier" and "Harder") stay inside the variation family: easier is a
member of the highest level below the exercise's own, harder one of the lowest level
above it. Among the members at that level the closest in the tree wins (its distance is
the number of parent links between the two: 1 for the parent and the children, 2 for
siblings, grandparents and grandchildren, and so on), then the title, then the slug. A
member of the same level is neither easier nor harder, and an exercise without a level
(or whose family has no other level) has neither. Each member keeps the nearest member
of each level in its own subtree, so an answer is a walk up the exercise's ancestors
(:class:`Ladder`), however wide the family.

:func:`level_gaps` warns about families with a level on some members and not others:
the ladder of Easier/Harder links has a gap at each member without one.
"""

from __future__ import annotations

from collections.abc import Iterable

from thrustlib.content.model import Library
from thrustlib.content.vocabulary import LEVELS
from thrustlib.errors import Problems

RANK = {level: n for n, level in enumerate(LEVELS)}
"""Each level's place, easiest first."""

# The nearest family member of one level somewhere below a member: (links down to it,
# title sort key, slug).
_Found = tuple[int, str, str]


class Ladder:
    """Each family member's nearest member of every level below it, for the progressions.

    The distance between two members is least through their lowest common ancestor and
    longer through any ancestor above it, so the nearest member to an exercise is the
    best, over the exercise and each of its ancestors, of the nearest in that one's
    subtree plus the links up to it: a walk up the ancestors, however wide the family.
    """

    def __init__(self, library: Library, titles: dict[str, str]) -> None:
        """``titles`` holds every entry's title sort key, by slug."""
        variations = self._variations = library.variations
        depth: dict[str, int] = {
            slug: v.depth for slug, v in variations.items() if v.parent is not None or v.children
        }
        # A library made for a few pages' sake may hold the whole tree but only some
        # entries: the others still link the tree, as members without a level.
        entries = library.exercises
        # Per member, the nearest member of each level in its subtree (itself included),
        # listing only the levels found there: most members are leaves with one or none.
        self._below: dict[str, list[tuple[int, _Found]]] = {}
        for slug in sorted(depth, key=depth.__getitem__, reverse=True):  # children first
            best: dict[int, _Found] = {}
            for child in variations[slug].children:
                for level, (links, title, other) in self._below[child]:
                    found = (links + 1, title, other)
                    if level not in best or found < best[level]:
                        best[level] = found
            entry = entries.get(slug)
            if entry is not None and (own := RANK.get(entry.level or "")) is not None:
                best[own] = (0, titles[slug], slug)  # nothing is nearer than itself
            self._below[slug] = sorted(best.items())

    def nearest(self, slug: str, levels: Iterable[int]) -> str | None:
        """The closest member of ``slug``'s family at the first of ``levels`` any has."""
        if slug not in self._below:  # no family: a root without variations
            return None
        for level in levels:
            found = self._at(slug, level)
            if found is not None:
                return found[2]
        return None

    def _at(self, slug: str, level: int) -> _Found | None:
        """The member of ``level`` closest to ``slug`` in its family's tree."""
        best: _Found | None = None
        links = 0
        at: str | None = slug
        while at is not None:
            for found_level, (down, title, other) in self._below[at]:
                if found_level == level:
                    found = (links + down, title, other)
                    if best is None or found < best:
                        best = found
            links += 1
            at = self._variations[at].parent
        return best


def level_gaps(library: Library, problems: Problems) -> None:
    """Warn about each member without a level in a family where others have one."""
    for root in library.families:
        members = [library[slug] for slug, _ in library.family(root)]
        missing = [entry for entry in members if entry.level is None]
        if not missing or len(missing) == len(members):
            continue
        title = library[root].title
        for entry in missing:
            line = entry.source.line_of("level") or entry.source.line_of("variation_of") or 1
            problems.warning(
                entry.source.path,
                line,
                f"the Easier/Harder links of the '{title}' family skip this exercise, which"
                " has no level: add 'level:' (beginner, intermediate or advanced)",
                key="level",
            )
