"""The one configured Markdown parser, shared by the parse and render stages.

Exercise files are untrusted content, so raw HTML is off (a ``<script>`` in a file is
text, not markup) and markdown-it-py's link validation drops ``javascript:``,
``vbscript:``, ``file:`` and non-image ``data:`` URLs.

markdown-it-py is imported when a parser is first made, not with this module: a build
whose every body the line scanner reads (:mod:`thrustlib.content.fastpath`) never needs
it, and importing it, before the build's processes fork, was 20 ms of every build.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


# A link to another exercise: ``exercise:hip-thrust`` (the short form), or its page's
# address as an author writes it from one exercise page (``../hip-thrust/``) or from the
# site's root (``/exercises/hip-thrust/``), each with an optional ``#part``.
_EXERCISE_LINK = re.compile(
    r"(?:exercise:(?P<named>[^#/]*)/?"
    r"|(?:\.\./|/exercises/)(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:/(?:index\.html)?)?)"
    r"(?:#(?P<anchor>.*))?"
)

LINKS = "exercise_links"
"""The key of the render ``env`` under which the links to other exercises are listed, as
``(slug, anchor or None, the address as written)``."""


def exercise_link(href: str) -> tuple[str, str | None] | None:
    """The exercise (and part of its page) ``href`` links to, if it is such a link.

    Anything after ``exercise:`` names an exercise, even one no slug looks like
    (``exercise:../x``), so the library reports it rather than the page keeping a link
    that leads nowhere.
    """
    found = _EXERCISE_LINK.fullmatch(href)
    if found is None:
        if href[:9].lower() == "exercise:":
            name, _, anchor = href[9:].partition("#")
            return name, anchor or None
        return None
    slug = found["named"] if found["named"] is not None else found["slug"]
    return slug, found["anchor"] or None


def _render_link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://", "//")):
        # Links out of an exercise page should not pass the reader's session to, or
        # vouch for, sites the content's authors chose.
        token.attrSet("rel", "nofollow noopener noreferrer")
    elif (linked := exercise_link(href)) is not None:
        # The text is shown on its exercise's page alone, one folder below exercises/,
        # so one relative address serves every form and works under any sub-path. The
        # library checks that the exercise (and the part) exists.
        slug, anchor = linked
        token.attrSet("href", f"../{slug}/" + (f"#{anchor}" if anchor else ""))
        env.setdefault(LINKS, []).append((slug, anchor, href))
    return renderer.renderToken(tokens, idx, options, env)


def make_markdown() -> MarkdownIt:
    """A CommonMark parser with tables and strikethrough, raw HTML off, safe links only.

    This is the reference reading: :mod:`thrustlib.content.fastpath` speeds a copy of it
    up and is tested to give the very same tokens.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.block.ruler.before(
        "paragraph", "howto_marker", _howto_marker, {"alt": ["paragraph", "reference"]}
    )
    md.add_render_rule("howto_marker", _render_nothing)
    md.add_render_rule("link_open", _render_link_open)
    return md


@functools.cache
def reference_markdown() -> MarkdownIt:
    """The reference parser, made once: the plain configuration without shortcuts, what
    every faster reading must match, and the renderer of all."""
    return make_markdown()


def render_block(text: str) -> str:
    """Markdown blocks to HTML."""
    html: str = reference_markdown().render(text)
    return html


def render_inline(text: str) -> str:
    """Inline Markdown (one list item, one label) to HTML without a paragraph around it."""
    html: str = reference_markdown().renderInline(text)
    return html


def html_of_blocks(tokens: Sequence[Token], env: EnvType) -> str:
    """HTML of block tokens the parser already produced (no second parse)."""
    md = reference_markdown()
    html: str = md.renderer.render(tokens, md.options, env)
    return html


def html_of_inline(tokens: Sequence[Token], env: EnvType) -> str:
    """HTML of inline tokens (one item's children) the parser already produced."""
    from markdown_it.renderer import RendererHTML

    md = reference_markdown()
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)  # the only renderer make_markdown sets up
    html: str = renderer.renderInline(tokens, md.options, env)
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
