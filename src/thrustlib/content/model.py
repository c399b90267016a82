"""The typed model every later stage works from. Pure data: no I/O, no rendering.

Following Zola's split of ``FileInfo`` / front matter / ``Page``, an :class:`Exercise`
keeps apart where it came from (:class:`Source`), what the file says, and what thrustlib
derived (``inferred`` names every field whose value the file did not state).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from thrustlib.content.text import sort_key
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.frozen import quick_init

_empty = functools.partial(MappingProxyType, {})  # one empty read-only mapping, shared


@dataclass(frozen=True, slots=True)
class Source:
    """Where an exercise came from."""

    path: Path
    """The file as it was found (relative to the site folder when found by the loader)."""

    key_lines: Mapping[str, int] = field(default_factory=_empty)
    """1-based line of each front-matter key, so later checks can point at it."""

    body_line: int = 1
    """1-based line where the Markdown body starts."""

    digest: bytes = b""
    """A hash of the file's text (``b""`` for models built by hand): two entries that are
    equal come from the same text at the same path, so their pages are the same too."""

    def line_of(self, key: str) -> int | None:
        """The line a front-matter key is on, if the file has it."""
        return self.key_lines.get(key)


@quick_init
@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of Setup, Execution, Tips or Common Mistakes."""

    label: str | None
    """The bold lead-in before the colon (``**Grip**: ...`` gives ``Grip``), as plain text."""

    text: str
    """The item's text after the label, with its inline Markdown kept."""

    plain: str
    """``text`` with the Markdown removed, for JSON, meta tags and structured data."""

    line: int
    """1-based line of the item in its file."""

    html: str = ""
    """``text`` as safe HTML, rendered from the parser's own tokens so that no file's
    Markdown is parsed twice (``""`` for models built by hand: render ``text`` then)."""

    group: str | None = None
    """The sub-heading the item stands under inside its section (``Lowering Phase``, or
    ``Starting Position`` for a second Setup heading), or ``None``."""


@quick_init
@dataclass(frozen=True, slots=True)
class HowToStep:
    """One schema.org ``HowToStep``."""

    name: str
    """The step's heading (or the Execution label it was taken from)."""

    text: str
    """The step's Markdown (one or more paragraphs)."""

    plain: str
    """``text`` as plain text, as structured data wants it."""

    line: int
    """1-based line of the step's heading (or item) in its file."""

    html: str = ""
    """``text`` as safe HTML, from the parser's tokens (``""``: render ``text``)."""

    start: int | None = None
    """Second of the video the step starts at (``### Drive Up (0:42)``), or ``None``."""


@dataclass(frozen=True, slots=True)
class Section:
    """A section that is not one of the four known lists, kept as written."""

    title: str
    """The heading text."""

    slug: str
    """An anchor id for the heading, unique on the page."""

    text: str
    """The section's Markdown source, rendered with the same safe settings as the rest."""

    line: int
    """1-based line of the heading."""

    html: str = ""
    """``text`` as safe HTML, from the parser's tokens (``""``: render ``text``)."""


@dataclass(frozen=True, slots=True)
class CrossLink:
    """A link in an exercise's text to another exercise's page."""

    slug: str
    """The exercise linked to, as the link names it."""

    anchor: str | None
    """The part of its page linked to (the address's ``#...``), or ``None``."""

    line: int
    """1-based line of the link in its file."""


@quick_init
@dataclass(frozen=True, slots=True)
class Entry:
    """An exercise's index entry: what the library, list pages, feeds and indexes read.

    Its page content is kept apart, in the :class:`Exercise` that :attr:`Library.contents`
    gives for its page and the API: indexes never move what only one page reads."""

    source: Source
    """Where the exercise came from."""

    slug: str
    """URL-safe identifier, unique in the library; from ``slug`` or the file name."""

    title: str
    """Display name; from ``title`` or the file name."""

    description: str
    """One sentence: meta description, card text, HowTo and video description."""

    video: str | None = None
    """YouTube video ID (11 characters), or ``None`` for no player."""

    video_uploaded: dt.date | None = None
    """When the video was published, for ``VideoObject.uploadDate``."""

    video_duration: int | None = None
    """The video's length in seconds (``video_duration``): ``VideoObject.duration``."""

    video_start: int | None = None
    """Second the player starts at (``video_start``, or a pasted URL's ``t=``), or ``None``."""

    muscles: tuple[str, ...] = ()
    """Primary muscle keys, in the order the file gives them."""

    secondary_muscles: tuple[str, ...] = ()
    """Secondary muscle keys (never repeating a primary one)."""

    equipment: tuple[str, ...] = ()
    """Equipment keys (``barbell``, ``bench``...), in the order the file gives them."""

    level: str | None = None
    """``beginner``, ``intermediate`` or ``advanced``, when given."""

    variation_of: str | None = None
    """Slug of the parent exercise as the file states it; the library's
    :class:`Variation` holds the resolved parent (checked, or inferred from titles)."""

    variation_of_null: bool = False
    """The file says ``variation_of: null``: no parent, and no inference."""

    aliases: tuple[str, ...] = ()
    """Other names the exercise goes by."""

    draft: bool = False
    """Drafts are left out of the site unless drafts are asked for."""

    redirect_from: tuple[str, ...] = ()
    """Slugs it had before: each old address gets a page that sends the reader here."""

    links: tuple[CrossLink, ...] = ()
    """The links of its text to other exercises, for the library to check."""

    anchors: tuple[str, ...] = ()
    """The ids of the parts of its page a link may name (``setup``, ``step-2``...)."""

    extra: Mapping[str, Any] = field(default_factory=_empty)
    """Front-matter keys thrustlib does not know, kept for templates."""

    inferred: frozenset[str] = frozenset()
    """Names of the fields whose values were derived rather than stated in the file
    (an inferred parent is marked on the library's :class:`Variation` instead)."""

    def is_inferred(self, field_name: str) -> bool:
        """True when ``field_name`` was derived, not written in the file."""
        return field_name in self.inferred


@quick_init
@dataclass(frozen=True, slots=True)
class Exercise(Entry):
    """One exercise file whole, parsed and normalized: its entry and its page content."""

    intro: str = ""
    """Markdown before the first ``##`` heading, if any (most files have none)."""

    setup: tuple[ListItem, ...] = ()
    """Items of ``## Setup``."""

    execution: tuple[ListItem, ...] = ()
    """Items of ``## Execution`` (or Instructions, Steps)."""

    tips: tuple[ListItem, ...] = ()
    """Items of ``## Tips``."""

    mistakes: tuple[ListItem, ...] = ()
    """Items of ``## Common Mistakes`` (or Mistakes, Common Errors)."""

    leads: Mapping[str, str] = field(default_factory=_empty)
    """Prose a known section opens with, before its first list, by kind (``"setup"``...)."""

    notes: Mapping[str, str] = field(default_factory=_empty)
    """Prose inside a known section after or between its lists, by kind (``"tips"``...)."""

    summary: str = ""
    """The closing paragraphs (Markdown) between the last list and ``<!-- howto -->``."""

    summary_plain: str = ""
    """``summary`` as plain text (taken from the tokens the parser already has)."""

    rendered: Mapping[str, str] = field(default_factory=_empty)
    """``intro``, ``summary``, each lead and note (``lead:setup``, ``note:tips``...) as safe
    HTML, from the parser's tokens; a missing entry means: render the Markdown source."""

    sections: tuple[Section, ...] = ()
    """Sections that are none of the four known ones, in file order."""

    order: tuple[str, ...] = ()
    """The anchors of the body's sections in file order: a known one's kind (``setup``)
    or a generic one's :attr:`Section.slug`."""

    howto: tuple[HowToStep, ...] = ()
    """HowTo steps: from ``<!-- howto -->``, else derived from Execution."""

    def entry(self) -> Entry:
        """The index entry of this exercise, without its page content."""
        return Entry(*_entry_values(self))


ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(Entry))
"""The fields an :class:`Entry` has (an :class:`Exercise` has these and its content)."""
_entry_values = operator.attrgetter(*ENTRY_FIELDS)


@dataclass(frozen=True, slots=True)
class MuscleGroup:
    """The exercises that work one muscle; slugs only (groups hold keys, not copies)."""

    primary: tuple[str, ...]
    """Slugs of exercises with this muscle as a primary muscle, sorted by title."""

    secondary: tuple[str, ...]
    """Slugs of exercises that work it as a secondary muscle only, sorted by title."""

    @property
    def count(self) -> int:
        """How many exercises work the muscle at all."""
        return len(self.primary) + len(self.secondary)


@dataclass(frozen=True, slots=True)
class Variation:
    """An exercise's place in its variation family."""

    parent: str | None
    """Slug of the exercise this is a variation of, or ``None`` for a root."""

    children: tuple[str, ...]
    """Slugs of its direct variations, sorted by title."""

    root: str
    """Slug of the family's root (itself for a root)."""

    depth: int
    """0 for a root, 1 for its variations, and so on."""

    inferred: bool = False
    """True when ``parent`` was inferred from the titles rather than stated."""


class Contents(Protocol):
    """The whole exercises behind a library's entries, opened one at a time by slug."""

    def whole(self, slug: str) -> Exercise:
        """The whole exercise of the library's entry ``slug``; ``KeyError`` if none."""


@dataclass(frozen=True, slots=True)
class HeldContents:
    """Whole exercises held as they are, by slug, in front of ``rest`` (if any)."""

    exercises: Mapping[str, Exercise]
    rest: Contents | None = None

    def whole(self, slug: str) -> Exercise:
        found = self.exercises.get(slug)
        if found is not None:
            return found
        if self.rest is None:
            raise KeyError(slug)
        return self.rest.whole(slug)

    @classmethod
    def over(cls, contents: Contents, exercises: Mapping[str, Exercise]) -> HeldContents:
        """``contents`` with ``exercises`` (parsed again) in front of what it had for them."""
        if isinstance(contents, HeldContents):  # one level, however many edits
            return cls(MappingProxyType({**contents.exercises, **exercises}), contents.rest)
        return cls(MappingProxyType(dict(exercises)), contents)


NO_CONTENTS: Contents = HeldContents(MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Library:
    """Every exercise of a site as an entry, the indexes over them, and their contents."""

    exercises: Mapping[str, Entry]
    """Entries by slug, in slug order."""

    vocabulary: Vocabulary
    """The muscle vocabulary the library was checked against."""

    muscles: Mapping[str, MuscleGroup]
    """Muscle key to the exercises working it; only muscles with exercises, vocabulary order."""

    equipment: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Equipment key to slugs of exercises using it, in key order; slugs by title."""

    variations: Mapping[str, Variation] = field(default_factory=dict)
    """Every exercise's place in its family, by slug."""

    families: tuple[str, ...] = ()
    """Slugs of the roots that have at least one variation, sorted by title."""

    levels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Level to slugs of the exercises at that level, easiest first; slugs by title."""

    redirects: Mapping[str, str] = field(default_factory=dict)
    """Each old slug (an exercise's ``redirect_from``) to its slug now, by old slug."""

    contents: Contents = field(default_factory=lambda: NO_CONTENTS)
    """The whole exercise behind each entry (held, or packed as a process or the cache gave it)."""

    def __len__(self) -> int:
        return len(self.exercises)

    def __getitem__(self, slug: str) -> Entry:
        return self.exercises[slug]

    def whole(self, slug: str) -> Exercise:
        """The exercise ``slug`` with its page content, for its page and the API."""
        return self.contents.whole(slug)

    def a_to_z(self) -> list[Entry]:
        """Every entry by title (folded by :func:`.sort_key`), then slug: every A-Z list's."""
        return sorted(self.exercises.values(), key=lambda e: (sort_key(e.title), e.slug))

    def pick(self, slugs: tuple[str, ...] | list[str]) -> list[Entry]:
        """The entries for ``slugs``, in the order given."""
        return [self.exercises[s] for s in slugs]

    def lineage(self, slug: str) -> list[str]:
        """Slugs from the family root down to ``slug`` itself."""
        chain = [slug]
        while (parent := self.variations[chain[-1]].parent) is not None:
            chain.append(parent)
        return chain[::-1]

    def family(self, root: str) -> list[tuple[str, int]]:
        """The family under ``root`` depth-first, as ``(slug, depth)`` pairs."""
        out: list[tuple[str, int]] = []
        stack = [root]
        while stack:
            slug = stack.pop()
            out.append((slug, self.variations[slug].depth))
            stack.extend(reversed(self.variations[slug].children))
        return out
