"""The one configured Markdown parser, shared by the parse and render stages.

Exercise files are untrusted content, so raw HTML is off (a ``<script>`` in a file is
text, not markup) and markdown-it-py's link validation drops ``javascript:``,
``vbscript:``, ``file:`` and non-image ``data:`` URLs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

HOWTO_MARKER = re.compile(r"<!--\s*howto\s*-->", re.IGNORECASE)


def _howto_marker(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Block rule: a line holding only ``<!-- howto -->`` becomes a ``howto_marker`` token.

    With raw HTML disabled markdown-it would otherwise fold the comment into a
    paragraph; a rule of its own keeps it a separate token with a line number, and lets
    it end a paragraph that runs straight into it.
    """
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    line = state.src[pos : state.eMarks[start]]
    if not HOWTO_MARKER.fullmatch(line.strip()):
        return False
    if silent:
        return True
    token = state.push("howto_marker", "", 0)
    token.map = [start, start + 1]
    token.markup = line
    state.line = start + 1
    return True


def _render_nothing(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return ""


def _render_link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Links out of an exercise page should not pass the reader's session to, or vouch
    # for, sites the content's authors chose.
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://", "//")):
        token.attrSet("rel", "nofollow noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


def make_markdown() -> MarkdownIt:
    """A CommonMark parser with tables and strikethrough, raw HTML off, safe links only.

    This is the reference reading: :mod:`thrustlib.content.fastpath` speeds a copy of it
    up and is tested to give the very same tokens.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.block.ruler.before(
        "paragraph", "howto_marker", _howto_marker, {"alt": ["paragraph", "reference"]}
    )
    md.add_render_rule("howto_marker", _render_nothing)
    md.add_render_rule("link_open", _render_link_open)
    return md


MD = make_markdown()
"""The reference parser: what every faster reading must match, and the renderer of all."""


def reference_markdown() -> MarkdownIt:
    """:data:`MD`, the plain configuration without shortcuts."""
    return MD


def render_block(text: str) -> str:
    """Markdown blocks to HTML."""
    html: str = MD.render(text)
    return html


def render_inline(text: str) -> str:
    """Inline Markdown (one list item, one label) to HTML without a paragraph around it."""
    html: str = MD.renderInline(text)
    return html


def html_of_blocks(tokens: Sequence[Token], env: EnvType) -> str:
    """HTML of block tokens the parser already produced (no second parse)."""
    html: str = MD.renderer.render(tokens, MD.options, env)
    return html


def html_of_inline(tokens: Sequence[Token], env: EnvType) -> str:
    """HTML of inline tokens (one item's children) the parser already produced."""
    renderer = MD.renderer
    assert isinstance(renderer, RendererHTML)  # the only renderer make_markdown sets up
    html: str = renderer.renderInline(tokens, MD.options, env)
    return html


def plain_text(tokens: Sequence[Token] | None) -> str:
    """The readable text of inline tokens: what a screen shows, without the markup."""
    out: list[str] = []
    for token in tokens or ():
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "image" or token.children:
            out.append(plain_text(token.children))
    return "".join(out)
