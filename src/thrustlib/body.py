"""The Markdown body -> lists, sections, summary and HowTo steps, from its top-level blocks.

The blocks come from :func:`thrustlib.scan.scan` when the body is of the common shape,
else from markdown-it-py's tokens (token.map gives every item its line); either way they
are walked once: ``##`` headings pick a section by its synonyms. Problems here are
warnings at their lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from thrustlib.errors import Problems
from thrustlib.markdown import MD, html_of_blocks, html_of_inline, plain_text, render_inline
from thrustlib.model import HowToStep, ListItem, Section
from thrustlib.scan import scan
from thrustlib.vocabulary import normalize, slugify

# Heading text (normalized) -> section kind. Real files use these synonyms.
SECTION_KINDS: Mapping[str, str] = {
    "setup": "setup",
    "set up": "setup",
    "starting position": "setup",
    "start position": "setup",
    "preparation": "setup",
    "execution": "execution",
    "instructions": "execution",
    "steps": "execution",
    "how to": "execution",
    "how to do it": "execution",
    "technique": "execution",
    "tips": "tips",
    "coaching tips": "tips",
    "cues": "tips",
    "coaching cues": "tips",
    "tips and cues": "tips",
    "common mistakes": "mistakes",
    "mistakes": "mistakes",
    "common errors": "mistakes",
    "errors": "mistakes",
    "common faults": "mistakes",
    "mistakes to avoid": "mistakes",
}
LIST_KINDS: tuple[str, ...] = ("setup", "execution", "tips", "mistakes")

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
    has_howto: bool = False
    howto: tuple[HowToStep, ...] = ()


class Block(Protocol):
    """One top-level block of the body, as :func:`parse_body` walks it.

    Made from markdown-it-py's tokens (:class:`_Block`) or, for bodies of the common
    shape, read straight from the lines (:class:`thrustlib.scan.ScannedBlock`).
    """

    kind: str
    tag: str
    start: int
    end: int

    def heading(self) -> str: ...

    def parts(self) -> list[str]: ...

    def html(self, env: dict[str, Any]) -> str: ...

    def items(self, line0: int, env: dict[str, Any]) -> list[ListItem]: ...


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

    def items(self, line0: int, env: dict[str, Any]) -> list[ListItem]:
        """A list's items; nested lists stay part of their item's text."""
        return _items(self, line0, env)


def _blocks(tokens: list[Token]) -> list[Block]:
    """Group the token stream into top-level blocks (level 0 open ... close)."""
    blocks: list[Block] = []
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


def parse_body(path: Path, body: str, line0: int, problems: Problems) -> Body:
    """Walk the top-level blocks: ``##`` sections, their lists, summary, HowTo steps."""
    env: dict[str, Any] = {}
    lines = body.split("\n")
    scanned = scan(body, line0, lines)
    blocks: list[Block] = list(scanned) if scanned is not None else _blocks(MD.parse(body, env))
    out = Body()

    marker = next((i for i, b in enumerate(blocks) if b.kind == "howto_marker"), None)
    main, howto = (blocks, []) if marker is None else (blocks[:marker], blocks[marker + 1 :])
    out.has_howto = marker is not None

    # Split the main part at each h2; a leading h1 is the title.
    chunks: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in main:
        if block.kind == "heading_open" and block.tag == "h2":
            chunks.append((block, []))
        elif block.kind == "heading_open" and block.tag == "h1" and out.h1 is None:
            if len(chunks) == 1 and not chunks[0][1]:
                out.h1 = block.heading() or None
            else:
                chunks[-1][1].append(block)
        else:
            chunks[-1][1].append(block)

    out.intro = _source(lines, chunks[0][1])
    if out.intro:
        out.rendered["intro"] = _html(chunks[0][1], env)
    lists: dict[str, list[ListItem]] = {kind: [] for kind in LIST_KINDS}
    sections: list[Section] = []
    anchors: set[str] = {"setup", "execution", "tips", "mistakes", "summary", "howto"}
    seen: dict[str, int] = {}
    last = len(chunks) - 1
    for index, (heading, content) in enumerate(chunks[1:], 1):
        assert heading is not None
        title = heading.heading()
        heading_line = line0 + heading.start + 1
        kind = SECTION_KINDS.get(normalize(title.rstrip(":")))
        list_blocks = [b for b in content if b.kind in ("bullet_list_open", "ordered_list_open")]
        if kind is None:
            # A generic section; if it is the last one and ends in prose after a list, that
            # prose is still the closing summary.
            own, summary = content, []
            if index == last and list_blocks:
                cut = content.index(list_blocks[-1]) + 1
                own, summary = content[:cut], content[cut:]
            anchor = _unique(slugify(title) or "section", anchors)
            sections.append(
                Section(title, anchor, _source(lines, own), heading_line, _html(own, env))
            )
            if summary:
                out.summary, out.summary_plain = _source(lines, summary), _plain(summary)
                out.rendered["summary"] = _html(summary, env)
            continue
        if kind in seen:
            problems.warning(
                path,
                heading_line,
                f"a second '{title}' section (the first is at line {seen[kind]});"
                " its items are added to the first",
            )
        seen.setdefault(kind, heading_line)
        for block in list_blocks:
            lists[kind].extend(block.items(line0, env))
        if not list_blocks:
            problems.warning(
                path, heading_line, f"'{title}' should be a list ('- ...' or '1. ...' items)"
            )
        cut = content.index(list_blocks[-1]) + 1 if list_blocks else 0
        before = [b for b in content[:cut] if b not in list_blocks]
        after = content[cut:]
        if index == last and list_blocks:
            out.summary, out.summary_plain = _source(lines, after), _plain(after)
            out.rendered["summary"] = _html(after, env)
            prose = before
        else:
            prose = before + after
        if prose:
            note = _source(lines, prose)
            out.notes[kind] = f"{out.notes[kind]}\n\n{note}" if kind in out.notes else note
            key = f"note:{kind}"
            out.rendered[key] = out.rendered.get(key, "") + _html(prose, env)
    out.lists = {kind: tuple(items) for kind, items in lists.items()}
    out.sections = tuple(sections)
    if marker is not None:
        marker_line = line0 + blocks[marker].start + 1
        out.howto = _howto_steps(path, howto, lines, line0, marker_line, problems, env)
    return out


def _unique(anchor: str, taken: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in taken:
        candidate, n = f"{anchor}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _html(blocks: Sequence[Block], env: dict[str, Any]) -> str:
    """The HTML of blocks, one after the other (top-level blocks render independently)."""
    return "".join(block.html(env) for block in blocks)


def _items(block: _Block, line0: int, env: dict[str, Any]) -> list[ListItem]:
    """The items of one list; nested lists stay part of their item's text."""
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
            item = _item(current, start + line0 + 1, env)
            if item is not None:
                items.append(item)
            current = None
    return items


def _item(tokens: list[Token], line: int, env: dict[str, Any]) -> ListItem | None:
    inlines = [t for t in tokens if t.type == "inline"]
    if not inlines:
        return None
    if len(inlines) == 1 and "**" not in inlines[0].content and "__" not in inlines[0].content:
        # The commonest item: one paragraph of plain text, no label. Its HTML is the
        # escaped text, as markdown-it's renderer would write it, without the walk.
        children = inlines[0].children or []
        if len(children) == 1 and children[0].type == "text":
            source = inlines[0].content.strip()
            text = children[0].content
            if not source:
                return None
            return ListItem(None, source, text.strip(), line, escapeHtml(text).strip())
    source = "\n\n".join(t.content for t in inlines).strip()
    plain = " ".join(plain_text(t.children).strip() for t in inlines).strip()
    if not source:
        return None
    html = "\n\n".join(html_of_inline(t.children or [], env) for t in inlines).strip()
    found = LABEL_RE.fullmatch(source)
    if found is None:
        return ListItem(None, source, plain, line, html)
    label_md = found["label"] or found["label2"]
    rest = (found["rest"] if found["label"] is not None else found["rest2"]) or ""
    # markdown-it leaves an empty text token before a leading delimiter run; skip it.
    first = [t for t in inlines[0].children or [] if t.type != "text" or t.content]
    # The label's plain text is what sits between the first strong_open and strong_close.
    label = ""
    if len(first) >= 3 and first[0].type == "strong_open":
        close = next((i for i, t in enumerate(first) if t.type == "strong_close"), None)
        label = plain_text(first[1:close]).strip() if close else ""
    label = (label or label_md).strip().rstrip(":").strip()
    rest_plain = plain[plain.find(label) + len(label) :] if label in plain else plain
    rest_plain = rest_plain.lstrip().removeprefix(":").strip()
    if not label:
        return ListItem(None, source, plain, line, html)
    return ListItem(label, rest.strip(), rest_plain, line, _rest_html(inlines, env))


def _rest_html(inlines: list[Token], env: dict[str, Any]) -> str:
    """HTML of a labelled item after its label: the tokens past the bold lead-in, with
    the colon that separates them dropped."""
    children = inlines[0].children or []
    close = next((i for i, t in enumerate(children) if t.type == "strong_close"), None)
    if close is None:  # the label was found in the source but not as one strong run
        return render_inline(LABEL_RE.sub(r"\g<rest>\g<rest2>", inlines[0].content)).strip()
    rest = list(children[close + 1 :])
    if rest and rest[0].type == "text":
        lead = rest[0].copy()
        lead.content = lead.content.lstrip().removeprefix(":").lstrip()
        rest[0] = lead
    parts = [
        html_of_inline(rest, env),
        *(html_of_inline(t.children or [], env) for t in inlines[1:]),
    ]
    return "\n\n".join(parts).strip()


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
        steps.append(HowToStep(name, text, plain, step_line, _html(content, env)))

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
