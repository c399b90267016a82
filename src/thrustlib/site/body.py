"""An exercise's body as the page shows it: its known sections, the others, its steps.

Every piece of Markdown arrives here already rendered by the parser's safe renderer (or
is rendered now for a model built by hand), with any ``#`` heading demoted, since a
page has one h1: its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from thrustlib.content.anchors import section_ids, step_id
from thrustlib.content.markdown import render_block, render_inline
from thrustlib.content.model import Exercise, ListItem
from thrustlib.content.sections import TITLES as SECTION_TITLES
from thrustlib.frozen import quick_init

_H1 = re.compile(r"<(/?)h1>")


def markdown_block(text: str) -> Markup:
    """Markdown blocks as safe HTML; a stray ``#`` heading is demoted (one h1 per page)."""
    if not text.strip():
        return Markup("")
    return Markup(_H1.sub(r"<\1h2>", render_block(text)))


def markdown_inline(text: str) -> Markup:
    """Inline Markdown as safe HTML."""
    return Markup(render_inline(text))


def prerendered_block(html: str | None, text: str) -> Markup:
    """The parser's HTML of some blocks (rendered from its own tokens, so no file is parsed
    twice), or ``text`` rendered now for models built without it; h1 demoted either way."""
    if html is None or (not html and text.strip()):
        return markdown_block(text)
    return Markup(_H1.sub(r"<\1h2>", html) if "<h1>" in html else html)


@quick_init
@dataclass(frozen=True, slots=True)
class Item:
    """A list item: an optional plain-text label and its Markdown text as HTML."""

    label: str | None
    html: Markup


@quick_init
@dataclass(frozen=True, slots=True)
class ItemList:
    """A run of a section's items under one sub-heading (``title``), or under none."""

    title: str | None
    items: tuple[Item, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Block:
    """One of the four known sections (Setup, Execution, Tips, Common Mistakes)."""

    anchor: str
    title: str
    ordered: bool
    items: tuple[Item, ...]
    """Every item of the section, in file order."""
    lead: Markup
    """Prose the section opens with, before its first list."""
    note: Markup
    """Prose the file has in the section after (or between) its lists."""
    lists: tuple[ItemList, ...] = ()
    """``items`` split where their sub-heading changes (``Lowering Phase``...)."""


@quick_init
@dataclass(frozen=True, slots=True)
class Prose:
    """A titled piece of rendered Markdown: an extra section or a HowTo step."""

    anchor: str
    title: str
    html: Markup


def steps(e: Exercise) -> tuple[Prose, ...]:
    """The HowTo steps, each with the anchor its structured data links to."""
    return tuple(
        Prose(step_id(n), step.name, prerendered_block(step.html, step.text))
        for n, step in enumerate(e.howto, 1)
    )


# The known sections, and whether the page numbers their items.
_KNOWN = (("setup", True), ("execution", True), ("tips", False), ("mistakes", False))


def blocks(e: Exercise) -> dict[str, Block]:
    """The known sections that have items or prose, by kind."""
    out: dict[str, Block] = {}
    for kind, ordered in _KNOWN:
        items: tuple[ListItem, ...] = getattr(e, kind)
        lead, note = e.leads.get(kind, ""), e.notes.get(kind, "")
        if not items and not note and not lead:
            continue
        views = _items(items)
        runs: list[ItemList] = []
        if items and all(item.group is None for item in items):
            runs = [ItemList(None, views)]  # the common case: no sub-headings
        elif items:
            start = 0
            for n in range(1, len(items) + 1):
                if n == len(items) or items[n].group != items[start].group:
                    runs.append(ItemList(items[start].group, views[start:n]))
                    start = n
        out[kind] = Block(
            kind,
            SECTION_TITLES[kind],
            ordered,
            views,
            prerendered_block(e.rendered.get(f"lead:{kind}"), lead),
            prerendered_block(e.rendered.get(f"note:{kind}"), note),
            tuple(runs),
        )
    return out


def in_file_order(
    e: Exercise, blocks: dict[str, Block], sections: dict[str, Prose]
) -> tuple[Block | Prose, ...]:
    """Known and other sections in the order of :attr:`Exercise.order` (models built by
    hand have none: known sections first then)."""
    by_anchor: dict[str, Block | Prose] = {**blocks, **sections}
    order = [a for a in e.order if a in by_anchor] or list(by_anchor)
    return tuple(by_anchor[a] for a in dict.fromkeys([*order, *by_anchor]))


def _items(items: tuple[ListItem, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(item.label, Markup(item.html) if item.html else markdown_inline(item.text))
        for item in items
    )


def sections(e: Exercise) -> dict[str, Prose]:
    """Extra sections by their slug in the model, with anchors kept clear of the page's
    own ids."""
    out: dict[str, Prose] = {}
    ids = section_ids(section.slug for section in e.sections)
    for section, anchor in zip(e.sections, ids, strict=True):
        out[section.slug] = Prose(
            anchor, section.title, prerendered_block(section.html, section.text)
        )
    return out
