"""The top-level blocks of a body, whichever reading made them, and their headings.

A body is walked as a list of blocks (a heading, a paragraph, a list...). They come from
markdown-it-py's tokens (:class:`TokenBlock`) or, for bodies of the common shape, from
the line scanner (:class:`thrustlib.content.fastpath.ScannedBlock`); both answer the same
questions. A block heads what follows when it is a ``#`` heading or a line of bold text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from thrustlib.content.markdown import html_of_blocks, plain_text

if TYPE_CHECKING:
    from markdown_it.token import Token

Warn = Callable[[int, str], None]
"""Report a warning at a line of the file."""


class Block(Protocol):
    """One top-level block of the body, as :func:`parse_body` walks it.

    Made from markdown-it-py's tokens (:class:`TokenBlock`) or, for bodies of the common
    shape, read straight from the lines (:class:`thrustlib.content.fastpath.ScannedBlock`).
    """

    kind: str
    tag: str
    start: int
    end: int

    def heading(self) -> str: ...

    def parts(self) -> list[str]: ...

    def html(self, env: dict[str, Any]) -> str: ...

    def bold_line(self) -> str | None: ...


class TokenBlock:
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


def token_blocks(tokens: list[Token]) -> list[TokenBlock]:
    """Group the token stream into top-level blocks (level 0 open ... close)."""
    blocks: list[TokenBlock] = []
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
        blocks.append(TokenBlock(tokens[i : j + 1], start, end))
        i = j + 1
    return blocks


BOLD_RANK = 7
"""The rank of a line of bold text used as a heading: below every ``#`` level."""

KNOWN_RANKS = frozenset({1, 2, 3, BOLD_RANK})
"""Heading ranks at which a known name starts a section: ``##`` and ``###`` (files that
have no ``##`` head their sections with ``###``), a bold line, and a stray ``#``."""

_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def heading_of(block: Block) -> tuple[int, str] | None:
    """``(rank, text)`` when ``block`` heads what follows: an ``#`` heading, or a
    paragraph of one line that is only bold text (``**Setup:**``); else ``None``. The
    text is without a trailing colon (``### Breathing:``), as a bold line's is."""
    if block.kind == "heading_open":
        return int(block.tag[1]), block.heading().rstrip(":").rstrip()
    if block.kind == "paragraph_open":
        title = block.bold_line()
        if title:
            return BOLD_RANK, title
    return None


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
