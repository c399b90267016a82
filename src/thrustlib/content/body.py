"""The Markdown body -> lists, sections, summary and HowTo steps, from its top-level blocks.

The blocks come from :func:`thrustlib.content.scan.scan` when the body is of the common shape,
else from markdown-it-py's tokens (token.map gives every item its line); either way they
are walked once. Sections are headed as real files head them (``##``, ``###`` or a line
of bold text) and named by :class:`thrustlib.content.sections.SectionNames`. Problems here are
warnings at their lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from thrustlib.content.markdown import (
    MD,
    html_of_blocks,
    html_of_inline,
    plain_text,
    reference_markdown,
    render_inline,
)
from thrustlib.content.model import HowToStep, ListItem, Section
from thrustlib.content.scan import scan
from thrustlib.content.sections import DEFAULT_SECTIONS, KINDS, SectionNames, heading_key
from thrustlib.content.vocabulary import slugify
from thrustlib.errors import Problems

LIST_KINDS: tuple[str, ...] = KINDS

Warn = Callable[[int, str], None]
"""Report a warning at a line of the file."""

# ``**Label**: text``, ``**Label:** text`` and the underscore forms.
LABEL_RE = re.compile(
    r"(?P<mark>\*\*|__)(?P<label>(?:(?!(?P=mark)).)+?)(?P=mark)\s*:\s*(?P<rest>.*)"
    r"|(?P<mark2>\*\*|__)(?P<label2>(?:(?!(?P=mark2)).)+?):(?P=mark2)\s*(?P<rest2>.*)",
    re.DOTALL,
)


@dataclass(slots=True)
class Body:
    """What the Markdown body held, before it is put into an Exercise."""

    h1: str | None = None
    intro: str = ""
    lists: dict[str, tuple[ListItem, ...]] = field(
        default_factory=lambda: dict.fromkeys(LIST_KINDS, ())
    )
    notes: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    summary_plain: str = ""
    rendered: dict[str, str] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()
    order: tuple[str, ...] = ()
    has_howto: bool = False
    howto: tuple[HowToStep, ...] = ()


class Block(Protocol):
    """One top-level block of the body, as :func:`parse_body` walks it.

    Made from markdown-it-py's tokens (:class:`_Block`) or, for bodies of the common
    shape, read straight from the lines (:class:`thrustlib.content.scan.ScannedBlock`).
    """

    kind: str
    tag: str
    start: int
    end: int

    def heading(self) -> str: ...

    def parts(self) -> list[str]: ...

    def html(self, env: dict[str, Any]) -> str: ...

    def bold_line(self) -> str | None: ...

    def items(self, line0: int, env: dict[str, Any], warn: Warn) -> list[ListItem]: ...


class _Block:
    """One top-level block from markdown-it-py: its tokens and the 0-based lines it spans."""

    __slots__ = ("end", "kind", "start", "tag", "tokens")

    def __init__(self, tokens: list[Token], start: int, end: int) -> None:
        self.tokens = tokens
        self.start = start
        self.end = end
        self.kind = tokens[0].type
        self.tag = tokens[0].tag

    def heading(self) -> str:
        """A heading's plain text."""
        inline = self.tokens[1] if len(self.tokens) > 1 else None
        return plain_text(inline.children).strip() if inline is not None else ""

    def parts(self) -> list[str]:
        """The plain text of each inline run (paragraph, item, heading) in the block."""
        return [plain_text(t.children).strip() for t in self.tokens if t.type == "inline"]

    def html(self, env: dict[str, Any]) -> str:
        """The block's HTML, from its tokens (the file's Markdown is never parsed twice)."""
        return html_of_blocks(self.tokens, env)

    def bold_line(self) -> str | None:
        """A paragraph's text when it is one line of bold text alone (``**Setup:**``,
        ``**Setup**:``), without the colon; else ``None``."""
        inline = self.tokens[1] if len(self.tokens) == 3 else None
        if inline is None or "\n" in inline.content or inline.content[:2] not in ("**", "__"):
            return None
        # markdown-it leaves empty text tokens around a delimiter run; they do not count.
        children = [t for t in inline.children or [] if t.type != "text" or t.content]
        if len(children) < 3 or children[0].type != "strong_open":
            return None
        depth, close = 0, None
        for n, token in enumerate(children):
            depth += token.nesting if token.type in ("strong_open", "strong_close") else 0
            if depth == 0:
                close = n
                break
        if close is None:
            return None
        tail = children[close + 1 :]
        if any(t.type != "text" for t in tail) or "".join(t.content for t in tail).strip() not in (
            "",
            ":",
        ):
            return None  # more than a colon after the bold text: a paragraph
        title = plain_text(children[1:close]).strip().rstrip(":").rstrip()
        return title or None

    def items(self, line0: int, env: dict[str, Any], warn: Warn) -> list[ListItem]:
        """A list's items; nested lists stay part of their item."""
        return _items(self, line0, env, warn)


def _blocks(tokens: list[Token]) -> list[_Block]:
    """Group the token stream into top-level blocks (level 0 open ... close)."""
    blocks: list[_Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        j = i
        if token.nesting == 1:
            depth = 0
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        start, end = token.map if token.map else (0, 0)
        blocks.append(_Block(tokens[i : j + 1], start, end))
        i = j + 1
    return blocks


def _source(lines: list[str], blocks: Sequence[Block]) -> str:
    """The Markdown source of consecutive blocks, exactly as written."""
    if not blocks:
        return ""
    return "\n".join(lines[blocks[0].start : blocks[-1].end]).strip("\n")


def _plain(blocks: Sequence[Block]) -> str:
    """Plain text of blocks (paragraphs, quotes, lists), one space between blocks."""
    return " ".join(part for b in blocks for part in b.parts() if part)


BOLD_RANK = 7
"""The rank of a line of bold text used as a heading: below every ``#`` level."""

_KNOWN_RANKS = frozenset({1, 2, 3, BOLD_RANK})
"""Heading ranks at which a known name starts a section: ``##`` and ``###`` (files that
have no ``##`` head their sections with ``###``), a bold line, and a stray ``#``."""

_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


@dataclass(slots=True)
class _Chunk:
    """A section of the body: the heading that opens it and the blocks under it."""

    heading: Block | None
    rank: int = 0
    title: str = ""
    kind: str | None = None
    content: list[Block] = field(default_factory=list)


def heading_of(block: Block) -> tuple[int, str] | None:
    """``(rank, text)`` when ``block`` heads what follows: an ``#`` heading, or a
    paragraph of one line that is only bold text (``**Setup:**``); else ``None``."""
    if block.kind == "heading_open":
        return int(block.tag[1]), block.heading()
    if block.kind == "paragraph_open":
        title = block.bold_line()
        if title:
            return BOLD_RANK, title
    return None


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

    ``fast`` lets bodies of the common shape be read by :func:`thrustlib.content.scan.scan` and
    the rest by the shortcut markdown-it-py configuration; ``fast=False`` reads every
    body with plain markdown-it-py, the reference both must agree with.
    """
    env: dict[str, Any] = {}
    lines = body.split("\n")
    scanned = scan(body, line0, lines) if fast else None
    blocks: list[Block] = []
    if scanned is not None:
        blocks.extend(scanned)
    else:
        blocks.extend(_blocks((MD if fast else reference_markdown()).parse(body, env)))
    out = Body()

    marker = next((i for i, b in enumerate(blocks) if b.kind == "howto_marker"), None)
    main, howto = (blocks, []) if marker is None else (blocks[:marker], blocks[marker + 1 :])
    out.has_howto = marker is not None
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

    last = len(chunks) - 1
    for index, chunk in enumerate(chunks[1:], 1):
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
        # heading's name when it differs ("Starting Position" after "Setup").
        group: str | None = None
        if kind in seen:
            first_line, first_title = seen[kind]
            problems.warning(
                path,
                heading_line,
                f"a second '{title}' section (the first is at line {first_line});"
                " its items are added to the first",
            )
            if heading_key(title) != heading_key(first_title):
                group = title
        else:
            seen[kind] = (heading_line, title)
            order.append(kind)
        # A sub-heading (a deeper heading, or a bold line under a ``#`` heading) names the
        # list that follows it; one that heads no list stays in the section's prose.
        consumed: set[int] = set()
        for n, block in enumerate(content):
            if block.kind in ("bullet_list_open", "ordered_list_open"):
                for item in block.items(line0, env, warn_at):
                    lists[kind].append(item if group is None else replace(item, group=group))
            elif (sub := heading_of(block)) is not None and _heads_a_list(content, n):
                consumed.add(n)
                group = sub[1].strip().rstrip(":").rstrip()
        if not list_blocks:
            problems.warning(
                path, heading_line, f"'{title}' should be a list ('- ...' or '1. ...' items)"
            )
        cut = content.index(list_blocks[-1]) + 1 if list_blocks else 0
        before = [
            b for n, b in enumerate(content[:cut]) if b not in list_blocks and n not in consumed
        ]
        after = content[cut:]
        if index == last and list_blocks:
            out.summary, out.summary_plain = _source(lines, after), _plain(after)
            out.rendered["summary"] = _html(after, env, 3)
            prose = before
        else:
            prose = before + after
        if prose:
            note = _source(lines, prose)
            out.notes[kind] = f"{out.notes[kind]}\n\n{note}" if kind in out.notes else note
            key = f"note:{kind}"
            out.rendered[key] = out.rendered.get(key, "") + _html(prose, env, 3)
    out.lists = {kind: tuple(items) for kind, items in lists.items()}
    out.sections = tuple(sections)
    out.order = tuple(order)
    # An empty body has nothing that could have been missed (parse.py says the page has
    # no instructions); a body with text but no Setup or Execution may be headed in a way
    # thrustlib does not know, so say what it has.
    if main and not out.lists["setup"] and not out.lists["execution"]:
        problems.warning(path, line0 + main[0].start + 1, _nothing_found(chunks, line0, names))
    if marker is not None:
        marker_line = line0 + blocks[marker].start + 1
        out.howto = _howto_steps(path, howto, lines, line0, marker_line, problems, env)
    return out


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
            rank, title = head[0], head[1].rstrip(":").rstrip()  # "### Breathing:"
            kind = names.kind(title) if rank in _KNOWN_RANKS else None
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


def _html(blocks: Sequence[Block], env: dict[str, Any], top: int) -> str:
    """The HTML of blocks, one after the other (top-level blocks render independently),
    with their headings nested from ``top`` down (see :func:`nest_headings`)."""
    return nest_headings("".join(block.html(env) for block in blocks), top)


def nest_headings(html: str, top: int) -> str:
    """``html`` with its headings renumbered so the first is ``<h{top}>`` and none is
    more than one level below the one it stands under (WCAG 1.3.1: a page's outline
    never skips a level, whatever levels the file used)."""
    if "<h" not in html:
        return html
    stack: list[tuple[int, int]] = []  # (level in the file, level on the page)

    def renumber(found: re.Match[str]) -> str:
        level = int(found[2])
        if found[1]:  # a closing tag closes the heading opened last
            return f"</h{stack[-1][1]}>"
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, min(stack[-1][1] + 1 if stack else top, 6)))
        return f"<h{stack[-1][1]}>"

    # Escaped text never holds "<h", so every match is a tag the renderer wrote.
    return _HEADING_TAG.sub(renumber, html)


def _items(block: _Block, line0: int, env: dict[str, Any], warn: Warn) -> list[ListItem]:
    """The items of one list; nested lists stay part of their item."""
    items: list[ListItem] = []
    depth = 0
    current: list[Token] | None = None
    start = 0
    for token in block.tokens[1:-1]:
        if token.type == "list_item_open" and depth == 0:
            current, start = [], token.map[0] if token.map else 0
        if current is not None:
            current.append(token)
        depth += token.nesting
        if token.type == "list_item_close" and depth == 0 and current is not None:
            item = _item(current, start + line0 + 1, env, warn)
            if item is not None:
                items.append(item)
            current = None
    return items


def _item(tokens: list[Token], line: int, env: dict[str, Any], warn: Warn) -> ListItem | None:
    """One list item from its tokens (``list_item_open`` ... ``list_item_close``).

    The item's first paragraph is its text (and label); what follows it in the item
    (sub-bullets, further paragraphs) is kept: in the HTML as blocks, in the Markdown
    source and the plain text after the paragraph's.
    """
    inner = tokens[1:-1]
    if (
        len(inner) == 3
        and inner[0].type == "paragraph_open"
        and "**" not in inner[1].content
        and "__" not in inner[1].content
    ):
        # The commonest item: one paragraph of plain text, no label. Its HTML is the
        # escaped text, as markdown-it's renderer would write it, without the walk.
        children = inner[1].children or []
        if len(children) == 1 and children[0].type == "text":
            source = inner[1].content.strip()
            text = children[0].content
            if not source:
                return None
            return ListItem(None, source, text.strip(), line, escapeHtml(text).strip())
    parts = _blocks(inner)
    first = parts[0] if parts and parts[0].kind == "paragraph_open" else None
    rest = parts[1:] if first is not None else parts
    inline = first.tokens[1] if first is not None else None
    if first is None and rest and rest[0].kind == "code_block":
        # "-     text": four spaces past the item's content column make an indented code
        # block, which markdown-it keeps out of the item's text. The author meant text:
        # read it as the item's text, and say so.
        code = rest[0].tokens[0].content.strip()
        if code:
            warn(
                line,
                "this list item is indented as code (four or more spaces after the marker),"
                " so Markdown would show it as a code block; it is read as text: put one"
                " space after the marker",
            )
            inline, rest = MD.parseInline(" ".join(code.split()), env)[0], rest[1:]
    own = inline.content.strip() if inline is not None else ""
    own_plain = plain_text(inline.children).strip() if inline is not None else ""
    more_md = [_item_source(b) for b in rest]
    more_plain = [part for b in rest for part in b.parts() if part]
    more_html = "".join(html_of_blocks(b.tokens, env) for b in rest)
    source = "\n\n".join(part for part in [own, *more_md] if part).strip()
    plain = " ".join(part for part in [own_plain, *more_plain] if part).strip()
    if not source:
        return None
    own_html = html_of_inline(inline.children or [], env).strip() if inline is not None else ""
    found = LABEL_RE.fullmatch(own) if own else None
    label = ""
    if found is not None and inline is not None:
        label_md = found["label"] or found["label2"]
        # markdown-it leaves an empty text token before a leading delimiter run; skip it.
        lead = [t for t in inline.children or [] if t.type != "text" or t.content]
        # The label's plain text is what sits between the first strong_open and close.
        if len(lead) >= 3 and lead[0].type == "strong_open":
            close = next((i for i, t in enumerate(lead) if t.type == "strong_close"), None)
            label = plain_text(lead[1:close]).strip() if close else ""
        label = (label or label_md).strip().rstrip(":").strip()
    if not label or found is None or inline is None:
        return ListItem(None, source, plain, line, (own_html + more_html).strip())
    rest_md = (found["rest"] if found["label"] is not None else found["rest2"]) or ""
    rest_plain = (
        own_plain[own_plain.find(label) + len(label) :] if label in own_plain else own_plain
    )
    rest_plain = rest_plain.lstrip().removeprefix(":").strip()
    text = "\n\n".join(part for part in [rest_md.strip(), *more_md] if part)
    plain = " ".join(part for part in [rest_plain, *more_plain] if part)
    return ListItem(label, text, plain, line, (_rest_html(inline, env) + more_html).strip())


def _item_source(block: _Block) -> str:
    """The Markdown of a block inside a list item (a sub-list, a paragraph), as the
    tokens give it back: sub-items one per line with their markers."""
    if block.kind not in ("bullet_list_open", "ordered_list_open"):
        return "\n\n".join(t.content.strip() for t in block.tokens if t.type == "inline")
    lines: list[str] = []
    depth = 0
    for token in block.tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            marker = f"{token.info}{token.markup}" if token.info else token.markup
            lines.append(f"{'    ' * (depth - 1)}{marker} ")
        elif token.type == "inline" and lines:
            if lines[-1].endswith(" "):
                lines[-1] += token.content.strip()
            else:
                lines.append(f"{'    ' * depth}{token.content.strip()}")
    return "\n".join(lines)


def _rest_html(inline: Token, env: dict[str, Any]) -> str:
    """HTML of a labelled item's first paragraph after its label: the tokens past the
    bold lead-in, with the colon that separates them dropped."""
    children = inline.children or []
    close = next((i for i, t in enumerate(children) if t.type == "strong_close"), None)
    if close is None:  # the label was found in the source but not as one strong run
        return render_inline(LABEL_RE.sub(r"\g<rest>\g<rest2>", inline.content)).strip()
    rest = list(children[close + 1 :])
    if rest and rest[0].type == "text":
        lead = rest[0].copy()
        lead.content = lead.content.lstrip().removeprefix(":").lstrip()
        rest[0] = lead
    return html_of_inline(rest, env).strip()


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
        if block.kind == "heading_open" and block.tag in ("h2", "h3", "h4"):
            flush()
            heading, content = block, []
        else:
            content.append(block)
    flush()
    if not steps:
        problems.warning(path, marker_line, "<!-- howto --> is followed by no '### Step' headings")
    return tuple(steps)
