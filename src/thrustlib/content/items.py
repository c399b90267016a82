"""One list of Setup, Execution, Tips or Common Mistakes -> its items, from the tokens.

An item's first paragraph is its text, with a bold lead-in (``**Grip**: ...``) taken as
its label; what follows in the item (sub-bullets, more paragraphs) stays part of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from thrustlib.content.blocks import TokenBlock, Warn, token_blocks
from thrustlib.content.markdown import (
    html_of_blocks,
    html_of_inline,
    plain_text,
    reference_markdown,
    render_inline,
)
from thrustlib.content.model import ListItem

if TYPE_CHECKING:
    from markdown_it.token import Token

# ``**Label**: text``, ``**Label:** text`` and the underscore forms.
LABEL_RE = re.compile(
    r"(?P<mark>\*\*|__)(?P<label>(?:(?!(?P=mark)).)+?)(?P=mark)\s*:\s*(?P<rest>.*)"
    r"|(?P<mark2>\*\*|__)(?P<label2>(?:(?!(?P=mark2)).)+?):(?P=mark2)\s*(?P<rest2>.*)",
    re.DOTALL,
)


def list_items(block: TokenBlock, line0: int, env: dict[str, Any], warn: Warn) -> list[ListItem]:
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
            # Here, not at the top: markdown-it-py is imported only once a body needs it.
            from markdown_it.common.utils import escapeHtml

            return ListItem(None, source, text.strip(), line, escapeHtml(text).strip())
    parts = token_blocks(inner)
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
            parsed = reference_markdown().parseInline(" ".join(code.split()), env)
            inline, rest = parsed[0], rest[1:]
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


def _item_source(block: TokenBlock) -> str:
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
