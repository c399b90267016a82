"""The common shape of an exercise body, read line by line instead of by markdown-it-py.

Nearly every body is made of the same few things: ``#`` headings, tight lists of
one-line items (``- text``, ``1. **Label**: text``) with one level of one-line
sub-bullets, paragraphs of sentences, lines of bold text heading a section, and the
``<!-- howto -->`` marker; their text holds bold, emphasis and links of the simple kind
:mod:`.inline` reads, and lines may end in spaces. :func:`scan` reads a body of that
shape straight into the blocks :mod:`thrustlib.content.body` walks, with the HTML and
plain text markdown-it-py would give and the list items :mod:`thrustlib.content.items`
would make of its tokens. It gives up (``None``) at the first line it is not certain
about, and the body then goes through markdown-it-py; ``tests/test_scan.py`` and
``tests/test_reading_reference.py`` check on generated and real documents that both
roads give the reference's result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from thrustlib.content.fastpath.inline import SPECIAL, escape, inline
from thrustlib.content.items import LABEL_RE
from thrustlib.content.markdown import HOWTO_MARKER
from thrustlib.content.model import ListItem

# Tabs, control characters and line separators other than LF: no shortcut for them.
_AWKWARD = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]")
_HEADING = re.compile(r"(#{1,6}) (.+)")
# Only ASCII digits number a list item (CommonMark); Python's ``\d`` takes any script's.
_ITEM = re.compile(r"(?:([-*+])|([0-9]{1,9})([.)])) (.+)")
# A sub-bullet: its indent is checked against its item's text column.
_SUB_ITEM = re.compile(r"( +)([-*+]) (.+)")
# A line of a paragraph, or an item's text, starts with a letter, a digit or one of
# these; anything else could start a block of its own or an inline construct. ("*" and
# "_" start one only with a space or nothing after them, or in a thematic break, none of
# which :func:`.inline` takes.)
_SAFE_LEADS = frozenset("(\"'*_")
_DIGITS = frozenset("0123456789")
ORDERED_LEAD = re.compile(r"[0-9]{1,9}[.)](?:[ \t]|$)")
"""``1.`` or ``1)`` then a space, a tab or nothing: an ordered list item, text or not."""
_ITEM_LEADS = frozenset("-*+0123456789")
# An item's bold lead-in, ``**Label**: text`` or ``**Label:** text`` (``__`` too), read
# as ``content.items.LABEL_RE`` reads it: a label with no colon, no edge space and
# nothing special; then the colon and spaces (groups 3, or 4 and 5) before the text.
_NAME = r"[^\s\\`~*_\[<&:](?:[^\\`~*_\[<&:]*[^\s\\`~*_\[<&:])?"
_LABEL = re.compile(rf"(\*\*|__)({_NAME})(?:\1( *: *)|(:)\1( +|$))")
# A paragraph that is one line of bold text alone, with a colon inside or after it.
_BOLD_LINE = re.compile(r"(\*\*|__)([^*_]+)\1 *:?")


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
    """The plain text of each paragraph, item or sub-item, as :func:`..markdown.plain_text`
    gives it."""

    markup: str = ""
    """The block's HTML, as markdown-it-py's renderer writes it."""

    list_items: list[ListItem] = field(default_factory=list)
    """A list's items, with their lines in the file."""

    bold: str | None = None
    """A paragraph's title when it is one line of bold text (``**Setup:**``), else ``None``."""

    def heading(self) -> str:
        return self.text

    def parts(self) -> list[str]:
        return self.plains

    def html(self, env: dict[str, Any]) -> str:
        return self.markup

    def bold_line(self) -> str | None:
        return self.bold


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
        lead = line[0]
        if lead.isspace():
            return None
        if lead == "#":
            found = _HEADING.fullmatch(line.rstrip(" "))
            if found is None:
                return None
            text = found[2]  # without the spaces after it, which markdown-it drops
            if text[0].isspace() or text[-1] == "#" or text[-1].isspace() or SPECIAL.search(text):
                return None
            tag = f"h{len(found[1])}"
            markup = f"<{tag}>{escape(text)}</{tag}>\n"
            blocks.append(ScannedBlock("heading_open", tag, n, n + 1, text, [text], markup))
            n += 1
        elif lead == "<":
            if not HOWTO_MARKER.fullmatch(line.rstrip(" ")):
                return None
            blocks.append(ScannedBlock("howto_marker", "", n, n + 1))
            n += 1
        elif lead in _ITEM_LEADS and (found := _ITEM.fullmatch(line)) is not None:
            n = _list(lines, n, found, line0, blocks)
            if n < 0:
                return None
        else:
            n = _paragraph(lines, n, blocks)
            if n < 0:
                return None
    return blocks


def _paragraph(lines: list[str], start: int, blocks: list[ScannedBlock]) -> int:
    """Read a paragraph into ``blocks``; the line after it, or -1."""
    count = len(lines)
    html: list[str] = []
    plains: list[str] = []
    trailing = 0
    n = start
    while n < count and (line := lines[n]):
        lead = line[0]
        if n > start:
            if lead in "#<":
                break  # a heading or the marker ends a paragraph (checked by the caller)
            if lead.isspace():
                return -1
            if lead in _ITEM_LEADS and (found := _ITEM.fullmatch(line)) is not None:
                if found[2] is None or int(found[2]) == 1:
                    break  # so does a bullet item, or an item numbered 1
                return -1  # "2. text" goes on with the paragraph
            # Two spaces or more before a line break make a hard break; markdown-it drops
            # the spaces, and one space before a soft break.
            html.append("<br />\n" if trailing > 1 else "\n")
        text = line.rstrip(" ")
        trailing = len(line) - len(text)
        parsed = _text(text)
        if parsed is None:
            return -1
        html.append(parsed[0])
        plains.append(parsed[1])
        n += 1
    bold = None
    if n == start + 1 and (found := _BOLD_LINE.fullmatch(text)) is not None:
        bold = found[2].strip().rstrip(":").rstrip() or None  # as TokenBlock.bold_line
    markup = f"<p>{''.join(html)}</p>\n"
    plain = " ".join(plains)
    blocks.append(ScannedBlock("paragraph_open", "p", start, n, "", [plain], markup, bold=bold))
    return n


def _list(
    lines: list[str], start: int, first: re.Match[str], line0: int, blocks: list[ScannedBlock]
) -> int:
    """Read a tight list of one-line items, each with its sub-bullets, into ``blocks``;
    the line after it, or -1."""
    marker = first[1] or first[3]
    ordered = first[2] is not None
    count = len(lines)
    items: list[ListItem] = []
    plains: list[str] = []
    markup: list[str] = []
    n = start
    found = first
    while True:
        if (found[1] or found[3]) != marker or (found[2] is not None) != ordered:
            return -1  # another marker: another list
        own = found[4].rstrip(" ")
        if not own:
            return -1
        line = n
        n += 1
        # Sub-bullets start at the column of the item's text; any other indent, a
        # deeper list or a second marker among them is for markdown-it-py.
        subs: list[tuple[str, str, str]] = []
        sub_marker = ""
        while n < count and lines[n].startswith(" "):
            sub = _SUB_ITEM.fullmatch(lines[n].rstrip(" "))
            if sub is None or len(sub[1]) != found.start(4) or sub_marker not in ("", sub[2]):
                return -1
            sub_marker = sub[2]
            parsed = _text(sub[3])
            if parsed is None:
                return -1
            subs.append((sub[3], *parsed))
            n += 1
        item = _item(own, sub_marker, subs, line0 + line + 1)
        if item is None:
            return -1
        items.append(item[0])
        plains.append(item[1])
        if subs:
            plains.extend(plain for _, _, plain in subs)
        markup.append(item[2])
        if n >= count or not (text := lines[n]):
            break
        if text[0] in "#<":
            break  # a heading or the marker ends the list (both checked by the caller)
        following = _ITEM.fullmatch(text)
        if following is None:
            return -1  # a lazy continuation line
        found = following
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


def _text(text: str) -> tuple[str, str] | None:
    """``(html, plain)`` of a paragraph's line, an item's or a sub-item's text (without
    the spaces it ends in), or ``None`` when it could start a block of its own or holds
    more than :func:`.inline` reads."""
    lead = text[0]
    if not (lead.isalnum() or lead in _SAFE_LEADS) or text[-1].isspace():
        return None
    if lead in _DIGITS and ORDERED_LEAD.match(text):
        return None  # an ordered list item ("1." alone, or "- 1. text")
    return inline(text)


def _item(
    own: str, sub_marker: str, subs: list[tuple[str, str, str]], line: int
) -> tuple[ListItem, str, str] | None:
    """``(item, its plain text, its <li>)`` for the item whose text is ``own`` and whose
    sub-bullets are ``subs`` (``(text, html, plain)`` each), as ``content.items`` makes
    them of the tokens: the sub-bullets' Markdown, plain text and HTML follow the
    item's own, and a bold lead-in becomes the label."""
    labelled = _LABEL.match(own) if own[0] in "*_" else None
    if labelled is None:
        if own[0] in "*_" and LABEL_RE.fullmatch(own):
            return None  # a label of another shape ("**a:b**: text")
        parsed = _text(own)
        if parsed is None:
            return None
        own_html, own_plain = parsed
        label, text, html, plain = None, own, own_html, own_plain
    else:
        # markdown-it reads the label as one strong run whatever the text after it holds
        # (the run's delimiters are paired before any of the text's), so the text is
        # read on its own. A second colon is left to LABEL_RE and the tokens.
        text = own[labelled.end() :]
        if text[:1] == ":" or text[:1].isspace():
            return None
        parsed = _text(text) if text else ("", "")
        if parsed is None:
            return None
        html, plain = parsed
        label = labelled[2]
        inside = labelled[4] or ""  # **Label:** keeps its colon in the bold run
        between = labelled[3] or labelled[5]
        own_html = f"<strong>{escape(label + inside)}</strong>{between}{html}"
        own_plain = f"{label}{inside}{between}{plain}"
    if subs:
        more_md = "\n".join(f"{sub_marker} {sub}" for sub, _, _ in subs)
        more_html = "".join(f"<li>{sub_html}</li>\n" for _, sub_html, _ in subs)
        more_html = f"<ul>\n{more_html}</ul>\n"
        text = f"{text}\n\n{more_md}" if text else more_md
        more_plain = " ".join(sub_plain for _, _, sub_plain in subs)
        plain = f"{plain} {more_plain}" if plain else more_plain
        li = f"<li>{own_html}\n{more_html}</li>\n"
        html = (html + more_html).strip()
    else:
        li = f"<li>{own_html}</li>\n"
    return ListItem(label, text, plain, line, html), own_plain, li
