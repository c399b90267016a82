"""The Markdown body -> lists, sections, summary and HowTo steps, from its top-level blocks.

The blocks (:mod:`thrustlib.content.blocks`) come from the line scanner when the body is
of the common shape, else from markdown-it-py's tokens; either way they are walked once.
Sections are headed as real files head them (``##``, ``###`` or a line of bold text) and
named by :class:`thrustlib.content.sections.SectionNames`; lists become items in
:mod:`thrustlib.content.items`. Problems here are warnings at their lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from thrustlib.content import fastpath
from thrustlib.content.blocks import (
    KNOWN_RANKS,
    Block,
    TokenBlock,
    Warn,
    heading_of,
    nest_headings,
    token_blocks,
)
from thrustlib.content.fastpath import ScannedBlock
from thrustlib.content.items import list_items
from thrustlib.content.markdown import LINKS, reference_markdown
from thrustlib.content.model import CrossLink, HowToStep, ListItem, Section
from thrustlib.content.sections import DEFAULT_SECTIONS, KINDS, SectionNames, heading_key
from thrustlib.content.text import slugify
from thrustlib.errors import Problems

LIST_KINDS: tuple[str, ...] = KINDS


@dataclass(slots=True)
class Body:
    """What the Markdown body held, before it is put into an Exercise."""

    h1: str | None = None
    intro: str = ""
    lists: dict[str, tuple[ListItem, ...]] = field(
        default_factory=lambda: dict.fromkeys(LIST_KINDS, ())
    )
    leads: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    summary_plain: str = ""
    rendered: dict[str, str] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()
    order: tuple[str, ...] = ()
    has_howto: bool = False
    howto: tuple[HowToStep, ...] = ()
    links: tuple[CrossLink, ...] = ()
    no_instructions_told: bool = False
    """Whether the warning that no section was read said the page has no instructions."""


def _source(lines: list[str], blocks: Sequence[Block]) -> str:
    """The Markdown source of consecutive blocks, exactly as written."""
    if not blocks:
        return ""
    return "\n".join(lines[blocks[0].start : blocks[-1].end]).strip("\n")


def _plain(blocks: Sequence[Block]) -> str:
    """Plain text of blocks (paragraphs, quotes, lists), one space between blocks."""
    return " ".join(part for b in blocks for part in b.parts() if part)


@dataclass(slots=True)
class _Chunk:
    """A section of the body: the heading that opens it and the blocks under it."""

    heading: Block | None
    rank: int = 0
    title: str = ""
    kind: str | None = None
    content: list[Block] = field(default_factory=list)


def parse_body(
    path: Path,
    body: str,
    line0: int,
    problems: Problems,
    names: SectionNames = DEFAULT_SECTIONS,
    *,
    fast: bool = True,
) -> Body:
    """Walk the top-level blocks: sections, their lists, summary, HowTo steps.

    ``fast`` (the one switch) lets :mod:`thrustlib.content.fastpath` read the body;
    ``fast=False`` reads it with the reference parser alone, which gives the same.
    """
    env: dict[str, Any] = {}
    lines = body.split("\n")
    scanned = fastpath.scan(body, line0, lines) if fast else None
    blocks: list[Block] = []
    if scanned is not None:
        blocks.extend(scanned)
    else:
        md = fastpath.markdown() if fast else reference_markdown()
        blocks.extend(token_blocks(md.parse(body, env)))
    out = Body()

    marker = next((i for i, b in enumerate(blocks) if b.kind == "howto_marker"), None)
    main, howto = (blocks, []) if marker is None else (blocks[:marker], blocks[marker + 1 :])
    out.has_howto = marker is not None
    howto, after_howto = _howto_part(howto)
    if main and main[0].kind == "heading_open" and main[0].tag == "h1":
        out.h1 = main[0].heading() or None  # a leading h1 is the title
        main = main[1:]

    chunks = _chunks(main, names)
    out.intro = _source(lines, chunks[0].content)
    if out.intro:
        out.rendered["intro"] = _html(chunks[0].content, env, 3)
    lists: dict[str, list[ListItem]] = {kind: [] for kind in LIST_KINDS}
    sections: list[Section] = []
    anchors: set[str] = {"setup", "execution", "tips", "mistakes", "summary", "howto"}
    order: list[str] = []
    seen: dict[str, tuple[int, str]] = {}

    def warn_at(line: int, message: str) -> None:
        problems.warning(path, line, message)

    def keep_prose(into: dict[str, str], name: str, kind: str, prose: list[Block]) -> None:
        """A known section's prose, after what an earlier heading of its kind had."""
        source = _source(lines, prose)
        into[kind] = f"{into[kind]}\n\n{source}" if kind in into else source
        key = f"{name}:{kind}"
        out.rendered[key] = out.rendered.get(key, "") + _html(prose, env, 3)

    # Sections after the HowTo part are read like the others; the closing summary is still
    # the prose after the last section before it.
    last = len(chunks) - 1
    tail = _chunks(after_howto, names)[1:] if after_howto else []
    for index, chunk in enumerate([*chunks[1:], *tail], 1):
        assert chunk.heading is not None
        title, content, kind = chunk.title, chunk.content, chunk.kind
        heading_line = line0 + chunk.heading.start + 1
        list_blocks = [b for b in content if b.kind in ("bullet_list_open", "ordered_list_open")]
        if kind is None:
            # A generic section; if it is the last one and ends in prose after a list, that
            # prose is still the closing summary.
            own, summary = content, []
            if index == last and list_blocks:
                cut = content.index(list_blocks[-1]) + 1
                own, summary = content[:cut], content[cut:]
            anchor = _unique(slugify(title) or "section", anchors)
            order.append(anchor)
            sections.append(
                Section(title, anchor, _source(lines, own), heading_line, _html(own, env, 3))
            )
            if summary:
                out.summary, out.summary_plain = _source(lines, summary), _plain(summary)
                out.rendered["summary"] = _html(summary, env, 3)
            continue
        # Items of a second heading of one kind follow the first's, under their own
        # heading's name when it differs ("Starting Position" after "Setup", which real
        # files do: nothing to warn of). The same heading twice is likely a slip.
        group: str | None = None
        if kind in seen:
            first_line, first_title = seen[kind]
            if heading_key(title) != heading_key(first_title):
                group = title
            else:
                problems.warning(
                    path,
                    heading_line,
                    f"a second '{title}' section (the first is at line {first_line});"
                    " its items are added to the first",
                )
        else:
            seen[kind] = (heading_line, title)
            order.append(kind)
        # A sub-heading (a deeper heading, or a bold line under a ``#`` heading) names the
        # list that follows it; one that heads no list stays in the section's prose.
        consumed: set[int] = set()
        had_items = bool(lists[kind])
        for n, block in enumerate(content):
            if block.kind in ("bullet_list_open", "ordered_list_open"):
                for item in _list_items(block, line0, env, warn_at):
                    lists[kind].append(item if group is None else replace(item, group=group))
            elif (sub := heading_of(block)) is not None and _heads_a_list(content, n):
                consumed.add(n)
                group = sub[1]
        if not list_blocks:
            problems.warning(
                path, heading_line, f"'{title}' should be a list ('- ...' or '1. ...' items)"
            )
        cut = content.index(list_blocks[-1]) + 1 if list_blocks else 0
        # Prose that opens the section ("Sit with your back to the bench.", then the list)
        # is shown above its items, where the file has it; prose after a list goes below.
        first = content.index(list_blocks[0]) if list_blocks and not had_items else 0
        lead = [b for n, b in enumerate(content[:first]) if n not in consumed]
        before = [
            b
            for n, b in enumerate(content[first:cut], first)
            if b not in list_blocks and n not in consumed
        ]
        after = content[cut:]
        if lead:
            keep_prose(out.leads, "lead", kind, lead)
        if index == last and list_blocks:
            out.summary, out.summary_plain = _source(lines, after), _plain(after)
            out.rendered["summary"] = _html(after, env, 3)
            prose = before
        else:
            prose = before + after
        if prose:
            keep_prose(out.notes, "note", kind, prose)
    out.lists = {kind: tuple(items) for kind, items in lists.items()}
    out.sections = tuple(sections)
    out.order = tuple(order)
    # An empty body has nothing that could have been missed (parse.py says the page has
    # no instructions); a body with text but no Setup or Execution may be headed in a way
    # thrustlib does not know, so say what it has.
    if main and not out.lists["setup"] and not out.lists["execution"]:
        message = _nothing_found(chunks, line0, names)
        if marker is None and not out.lists["execution"]:
            # One warning rather than two: with no HowTo part either, nothing gives steps.
            message += "; the page has no instructions"
            out.no_instructions_told = True
        problems.warning(path, line0 + main[0].start + 1, message)
    if marker is not None:
        marker_line = line0 + blocks[marker].start + 1
        out.howto = _howto_steps(path, howto, lines, line0, marker_line, problems, env)
    out.links = _cross_links(env.get(LINKS, ()), lines, line0)
    return out


def _cross_links(
    found: Sequence[tuple[str, str | None, str]], lines: list[str], line0: int
) -> tuple[CrossLink, ...]:
    """The links to other exercises the renderer met, each at the line it is written on.

    Inline tokens carry no lines, so each address is looked for in the text: the first
    line holding it that an earlier link of the same address has not taken.
    """
    out: dict[tuple[str, str | None], CrossLink] = {}
    taken: dict[str, int] = {}
    for slug, anchor, written in found:
        # The renderer sees the address percent-encoded (``#caf%C3%A9``); the file has
        # it as typed, and the library names it so too.
        slug, anchor, typed = unquote(slug), anchor and unquote(anchor), unquote(written)
        if (slug, anchor) in out:
            continue  # the same link again, or text rendered twice
        start = taken.get(typed, 0)
        line = next(
            (n for n in range(start, len(lines)) if typed in lines[n] or written in lines[n]),
            None,
        )
        if line is not None:
            taken[typed] = line + 1
        out[slug, anchor] = CrossLink(slug, anchor, line0 + (line or 0) + 1)
    return tuple(out.values())


def _chunks(blocks: list[Block], names: SectionNames) -> list[_Chunk]:
    """Split the body before ``<!-- howto -->`` into its intro and its sections.

    A heading starts a section when it names a known one (at ``##``, ``###`` or as a bold
    line), or when it is no deeper than the heading of the section it is in: in a file
    headed with ``###``, ``### Breathing`` is a section of its own, while under
    ``## Execution`` it is a sub-heading of Execution.
    """
    chunks = [_Chunk(None)]
    for block in blocks:
        head = heading_of(block)
        if head is not None:
            rank, title = head
            kind = names.kind(title) if rank in KNOWN_RANKS else None
            current = chunks[-1]
            # A stray "#" heading past the title stays in the text it stands in (demoted
            # on the page), unless it names a known section.
            opens = rank > 1 and (current.heading is None or rank <= current.rank)
            if kind is not None or opens:
                chunks.append(_Chunk(block, rank, title, kind))
                continue
        chunks[-1].content.append(block)
    return chunks


def _heads_a_list(content: list[Block], n: int) -> bool:
    """True when a list follows the sub-heading at ``content[n]`` before the next one."""
    for block in content[n + 1 :]:
        if block.kind in ("bullet_list_open", "ordered_list_open"):
            return True
        if heading_of(block) is not None:
            return False
    return False


def _nothing_found(chunks: list[_Chunk], line0: int, names: SectionNames) -> str:
    """The warning for a body in which no Setup or Execution section could be read."""
    headings = [
        f"'{c.title}' (line {line0 + c.heading.start + 1})"
        for c in chunks[1:]
        if c.heading is not None
    ]
    have = "the headings here are " + ", ".join(headings) if headings else "it has no headings"

    def one_of(kind: str) -> str:
        found = names.names((kind,))
        return ", ".join(found[:-1]) + f" or {found[-1]}" if len(found) > 1 else found[0]

    return (
        f"found no Setup or Execution section; {have}. Setup is read from a '##' or '###'"
        f" heading or a line of bold text named {one_of('setup')}; Execution from one named"
        f" {one_of('execution')} ([sections] in site.toml adds names)"
    )


def _unique(anchor: str, taken: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in taken:
        candidate, n = f"{anchor}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _list_items(block: Block, line0: int, env: dict[str, Any], warn: Warn) -> list[ListItem]:
    """A list block's items: read by the scanner already, or read from the tokens now."""
    if isinstance(block, ScannedBlock):
        return block.list_items
    assert isinstance(block, TokenBlock)
    return list_items(block, line0, env, warn)


def _html(blocks: Sequence[Block], env: dict[str, Any], top: int) -> str:
    """The HTML of blocks, one after the other (top-level blocks render independently),
    with their headings nested from ``top`` down (see :func:`nest_headings`)."""
    return nest_headings("".join(block.html(env) for block in blocks), top)


_STEP_TAGS = ("h2", "h3", "h4")


def _howto_part(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """The HowTo part, and what follows it: steps are headed at the level of the first
    heading after ``<!-- howto -->`` (``###``), and a heading above that level
    (``## Variations``) ends the part, so it is a section of the page, not a step."""
    ranks = [
        (n, int(b.tag[1]))
        for n, b in enumerate(blocks)
        if b.kind == "heading_open" and b.tag in _STEP_TAGS
    ]
    if not ranks:
        return blocks, []
    end = next((n for n, rank in ranks if rank < ranks[0][1]), len(blocks))
    return blocks[:end], blocks[end:]


def _howto_steps(
    path: Path,
    blocks: list[Block],
    lines: list[str],
    line0: int,
    marker_line: int,
    problems: Problems,
    env: dict[str, Any],
) -> tuple[HowToStep, ...]:
    steps: list[HowToStep] = []
    heading: Block | None = None
    content: list[Block] = []

    def flush() -> None:
        if heading is None:
            if content:
                problems.warning(
                    path,
                    line0 + content[0].start + 1,
                    "text after <!-- howto --> before the first '### Step' heading is ignored",
                )
            return
        name = heading.heading()
        text = _source(lines, content)
        plain = " ".join(part for block in content for part in block.parts()).strip()
        step_line = line0 + heading.start + 1
        if not text:
            problems.warning(path, step_line, f"HowTo step '{name}' has no text")
        steps.append(HowToStep(name, text, plain, step_line, _html(content, env, 4)))

    for block in blocks:
        if block.kind == "heading_open" and block.tag in _STEP_TAGS:
            flush()
            heading, content = block, []
        else:
            content.append(block)
    flush()
    if not steps:
        problems.warning(path, marker_line, "<!-- howto --> is followed by no '### Step' headings")
    return tuple(steps)
