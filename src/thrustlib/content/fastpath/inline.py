"""The inline text of the common shape, read without markdown-it-py's inline parser.

One line of an item or a paragraph is plain words, ``**bold**`` and ``*emphasis*`` runs
(``__``/``_`` too) whose delimiters can only open or only close, and ``[text](https://...)``
links whose address markdown-it-py keeps as written. :func:`inline` gives the HTML and
plain text markdown-it-py would give such a line, and ``None`` for anything else: a
delimiter run inside a word, emphasis nested or left open, code, escapes, entities,
images, autolinks, other addresses.
"""

from __future__ import annotations

import re

# Characters at which one of the enabled inline rules (escape, code, strikethrough,
# emphasis, link, image, autolink, entity) can start. Text without them is one text
# token, whatever else it holds ("2-3 sets: slow!" is plain).
SPECIAL = re.compile(r"[\\`~*_\[<&]")
# What a span may hold: anything but those characters (and, inside a link's text, "]").
_BODY = r"[^\\`~*_\[<&]"
_EDGE = r"[^\s\\`~*_\[<&]"
# A delimiter run that certainly opens: after a space or at the start of the line
# (white space to markdown-it), before a letter or a digit; so left-flanking and not
# right-flanking. One that certainly closes: after anything but white space, before a
# space, the end of the line or one of these ASCII punctuation characters; so
# right-flanking, and for "_" either not left-flanking or before punctuation. (After
# and before punctuation it could open too, but it is paired as a closer first.) The
# content holds no other delimiter, so each closer pairs with the opener before it and
# only the runs' lengths could disagree: the closer repeats the opener exactly, and
# lengths 1 and 2 never trip the "multiple of 3" rule.
_FOLLOWS_CLOSER = r"(?![^ .,:;!?)'\"])"
_EMPHASIS = rf"(?<![^ ])(\*\*?|__?)([^\W_](?:{_BODY}*{_EDGE})?)\1{_FOLLOWS_CLOSER}"
# A link to an http(s) address of plain ASCII that markdown-it-py's normalizeLink and
# escapeHtml return unchanged (lower-case host, no query, no percent signs), with text
# that has no markup, no edge space and no bracket; not an image ("!["). Its rel= is
# the one thrustlib.content.markdown's link_open rule gives every http(s) address.
_LINK_EDGE = r"[^\s\\`~*_\[\]<&]"
_LINK = (
    rf"(?<!!)\[({_LINK_EDGE}(?:[^\\`~*_\[\]<&]*{_LINK_EDGE})?)\]"
    r"\((https?://[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[A-Za-z0-9._/-]*)?)\)"
)
_SPAN = re.compile(f"{_EMPHASIS}|{_LINK}")
_TAG = {"*": "em", "_": "em", "**": "strong", "__": "strong"}


def escape(text: str) -> str:
    """markdown-it-py's ``escapeHtml`` for text with no ``&`` or ``<`` (those are special)."""
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def inline(text: str) -> tuple[str, str] | None:
    """``(html, plain)`` of one line of inline Markdown, as markdown-it-py renders it
    and :func:`thrustlib.content.markdown.plain_text` reads it; ``None`` when the line
    holds anything this module is not certain about.

    ``text`` starts and ends with no white space. The start of the line stands for what
    is before it in its paragraph: a line break, a list marker and its space, or (for an
    item's text after its label) a space or a colon, before which an opener followed by
    a letter or a digit opens all the same.
    """
    # Most lines hold none of the special characters; looking for each in turn is
    # three times as fast as SPECIAL.search on lines of this length.
    if not (
        "*" in text
        or "_" in text
        or "[" in text
        or "`" in text
        or "\\" in text
        or "~" in text
        or "<" in text
        or "&" in text
    ):
        return escape(text), text
    html: list[str] = []
    plain: list[str] = []
    pos = 0
    for found in _SPAN.finditer(text):
        before = text[pos : found.start()]
        if SPECIAL.search(before) is not None:
            return None  # a delimiter that opens or closes nothing certain, or a construct
        html.append(escape(before))
        plain.append(before)
        mark = found[1]
        if mark is not None:
            tag, content = _TAG[mark], found[2]
            html.append(f"<{tag}>{escape(content)}</{tag}>")
        else:
            content = found[3]
            html.append(f'<a href="{found[4]}" rel="nofollow noopener noreferrer">')
            html.append(f"{escape(content)}</a>")
        plain.append(content)
        pos = found.end()
    rest = text[pos:]
    if SPECIAL.search(rest) is not None:
        return None
    html.append(escape(rest))
    plain.append(rest)
    return "".join(html), "".join(plain)
