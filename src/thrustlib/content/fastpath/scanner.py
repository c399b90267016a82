"""The common shape of an exercise body, read line by line instead of by markdown-it-py.

Nearly every tidy body is made of the same few things: ``#`` headings, tight lists of
one-line items (``- text``, ``1. **Label**: text``), paragraphs of plain sentences and
the ``<!-- howto -->`` marker. :func:`scan` reads a body of that shape straight into the
blocks :mod:`thrustlib.content.body` walks, with the HTML and plain text markdown-it-py
would give. It gives up (``None``) at the first line it is not certain about, and the
body then goes through markdown-it-py; ``tests/test_scan.py`` and
``tests/test_reading_reference.py`` check on generated and real documents that both
roads give the reference's result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from thrustlib.content.fastpath.tokens import ORDERED_LEAD
from thrustlib.content.markdown import HOWTO_MARKER
from thrustlib.content.model import ListItem

# Characters at which one of the enabled inline rules (escape, code, strikethrough,
# emphasis, link, image, autolink, entity) can start. Text without them is one text
# token, whatever else it holds ("2-3 sets: slow!" is plain).
_INLINE_SPECIAL = re.compile(r"[\\`~*_\[<&]")
# Tabs, control characters and line separators other than LF: no shortcut for them.
_AWKWARD = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]")
_HEADING = re.compile(r"(#{1,6}) (.+)")
# Only ASCII digits number a list item (CommonMark); Python's ``\d`` takes any script's.
_ITEM = re.compile(r"(?:([-*+])|([0-9]{1,9})([.)])) (.+)")
# A line of a paragraph, or an item's text, starts with a letter, a digit or one of
# these; anything else could start a block of its own or an inline construct.
_SAFE_LEADS = frozenset("(\"'")
# A whole item line of the common shape, checked in one match: the marker, one space,
# an optional ``**Label**:`` or ``**Label:**`` (no colon or edge space in the label),
# then text that starts like a paragraph line (see _lead_is_safe), holds nothing
# special and does not end in white space.
_TEXT = rf"(?!{ORDERED_LEAD.pattern})(?:[^\W_]|[\"'(])[^\\`~*_\[<&]*(?<!\s)"
_NAME = r"[^\s\\`~*_\[<&:](?:[^\\`~*_\[<&:]*[^\s\\`~*_\[<&:])?"
_PLAIN_ITEM = re.compile(
    rf"(?:([-*+])|([0-9]{{1,9}})([.)])) (?:\*\*({_NAME})(?:(:)\*\*|\*\*(:)) )?({_TEXT})"
)


@dataclass(slots=True)
class ScannedBlock:
    """One top-level block, with what :mod:`thrustlib.content.body` asks of a block."""

    kind: str
    """markdown-it-py's name for the block's first token (``heading_open``...)."""

    tag: str
    """The block's HTML tag (``h2``, ``ul``, ``p``; ``""`` for the marker)."""

    start: int
    """0-based first line of the block in the body."""

    end: int
    """0-based line after the block (a list's trailing blank lines included)."""

    text: str = ""
    """A heading's plain text."""

    plains: list[str] = field(default_factory=list)
    """The plain text of each paragraph or item, as :func:`..markdown.plain_text` gives it."""

    markup: str = ""
    """The block's HTML, as markdown-it-py's renderer writes it."""

    list_items: list[ListItem] = field(default_factory=list)
    """A list's items, with their lines in the file."""

    def heading(self) -> str:
        return self.text

    def parts(self) -> list[str]:
        return self.plains

    def html(self, env: dict[str, Any]) -> str:
        return self.markup

    def bold_line(self) -> str | None:
        return None  # the scanner takes no bold text but labels, and no label is alone


def _escape(text: str) -> str:
    """markdown-it-py's ``escapeHtml`` for text with no ``&`` or ``<`` (those are special)."""
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def _lead_is_safe(text: str) -> bool:
    """True when ``text`` (a line, or an item's text) cannot start a block of its own."""
    lead = text[0]
    return (lead.isalnum() or lead in _SAFE_LEADS) and not ORDERED_LEAD.match(text)


def scan(body: str, line0: int, lines: list[str] | None = None) -> list[ScannedBlock] | None:
    """The top-level blocks of ``body``, or ``None`` when it is not of the common shape.

    ``line0`` is the body's first line in the file, less one, for the items' lines;
    ``lines`` is ``body.split("\\n")`` when the caller has it already.
    """
    if _AWKWARD.search(body):
        return None
    if lines is None:
        lines = body.split("\n")
    count = len(lines)
    blocks: list[ScannedBlock] = []
    n = 0
    while n < count:
        line = lines[n]
        if not line:
            n += 1
            continue
        if line[0].isspace() or line[-1].isspace():
            return None
        lead = line[0]
        if lead == "#":
            found = _HEADING.fullmatch(line)
            if found is None:
                return None
            text = found[2]
            if text[0].isspace() or text.endswith("#") or _INLINE_SPECIAL.search(text):
                return None
            tag = f"h{len(found[1])}"
            markup = f"<{tag}>{_escape(text)}</{tag}>\n"
            blocks.append(ScannedBlock("heading_open", tag, n, n + 1, text, [text], markup))
            n += 1
        elif lead == "<":
            if not HOWTO_MARKER.fullmatch(line):
                return None
            blocks.append(ScannedBlock("howto_marker", "", n, n + 1))
            n += 1
        elif (found := _ITEM.fullmatch(line)) is not None:
            n = _list(lines, n, found, line0, blocks)
            if n < 0:
                return None
        elif _lead_is_safe(line):
            start = n
            while n < count and lines[n]:
                line = lines[n]
                if line[0] in "#<":
                    break  # a heading or the marker ends a paragraph (checked above)
                if not _lead_is_safe(line) or line[-1].isspace() or _INLINE_SPECIAL.search(line):
                    return None
                n += 1
            text = "\n".join(lines[start:n])
            plain = text.replace("\n", " ")
            markup = f"<p>{_escape(text)}</p>\n"
            blocks.append(ScannedBlock("paragraph_open", "p", start, n, "", [plain], markup))
        else:
            return None
    return blocks


def _list(
    lines: list[str], start: int, first: re.Match[str], line0: int, blocks: list[ScannedBlock]
) -> int:
    """Read a tight list of one-line items into ``blocks``; the line after it, or -1."""
    marker = first[1] or first[3]
    ordered = first[2] is not None
    count = len(lines)
    items: list[ListItem] = []
    plains: list[str] = []
    markup: list[str] = []
    n = start
    while True:
        found = _PLAIN_ITEM.fullmatch(lines[n])
        if found is None or (found[1] or found[3]) != marker or (found[2] is not None) != ordered:
            return -1  # an item of another shape, or another marker (another list)
        text = found[7]
        html = _escape(text)
        if found[4] is None:
            items.append(ListItem(None, text, text, line0 + n + 1, html))
            plains.append(text)
        else:
            colon = found[6] or ""  # after the label (**Label**:), or within it (**Label:**)
            label = found[4] + (found[5] or "")
            items.append(ListItem(found[4], text, text, line0 + n + 1, html))
            plains.append(f"{label}{colon} {text}")
            html = f"<strong>{_escape(label)}</strong>{colon} {html}"
        markup.append(f"<li>{html}</li>\n")
        n += 1
        if n >= count or not lines[n]:
            break
        if lines[n][0] in "#<":
            break  # a heading or the marker ends the list (both checked by the caller)
        if _ITEM.fullmatch(lines[n]) is None:
            return -1  # a lazy continuation line
    end = n
    while end < count and not lines[end]:
        end += 1
    if end < count and end > n and (_ITEM.fullmatch(lines[end]) or lines[end][0].isspace()):
        return -1  # a loose list, or an item continued after a blank line
    tag = "ol" if ordered else "ul"
    number = int(first[2]) if ordered else 1
    open_tag = f'<ol start="{number}">\n' if number != 1 else f"<{tag}>\n"
    html = f"{open_tag}{''.join(markup)}</{tag}>\n"
    kind = "ordered_list_open" if ordered else "bullet_list_open"
    blocks.append(ScannedBlock(kind, tag, start, end, "", plains, html, items))
    return end
