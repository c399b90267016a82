"""markdown-it-py configured as the reference, with shortcuts that change only how long
parsing takes: block lines routed by their first character, tight lists of plain
one-line items emitted directly, inline parses skipped where the result is one text
token. ``tests/test_markdown.py`` compares the tokens with the reference's.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.parser_block import RuleFuncBlockType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from thrustlib.content.fastpath.scanner import ORDERED_LEAD
from thrustlib.content.markdown import make_markdown

# -- shortcuts -------------------------------------------------------------------------
#
# markdown-it-py asks every block rule, in order, whether it starts at each line, and
# runs a full inline parse for every paragraph and list item. On exercise files (short
# lists of plain sentences) most of those questions have an answer that one character
# gives away. The shortcuts below only skip calls whose answer is certainly "no" and
# inline parses whose result is certainly one text token, so the tokens are those of the
# plain configuration (tests/test_markdown.py checks this on generated documents).

# The first non-blank character a line must start with for each rule to match there.
# Rules not named here (lheading, paragraph) may match at any line.
_LEAD_CHARS: dict[str, str] = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "heading": "#",
    "howto_marker": "<",
}
# A table starts on the line above its delimiter row, which starts with one of these.
_TABLE_DELIMITER_CHARS = "|-:"
_BLOCK_CHAINS = ("", "paragraph", "reference", "blockquote", "list")
_NO_CHAR = ""


def speed_up(md: MarkdownIt) -> MarkdownIt:
    """``md`` with each block line routed to the rules its first character allows, and
    no inline parse of text with no Markdown punctuation."""
    # With the html option off these rules can only ever decline; asking them costs time.
    md.disable(["html_block", "html_inline"])
    ruler = md.block.ruler
    names = {rule.fn: rule.name for rule in ruler.__rules__ if rule.enabled}
    chains = {chain: list(ruler.getRules(chain)) for chain in _BLOCK_CHAINS}
    # "code" stays enabled: markdown-it asks whether it is (to tell indented code from
    # a deeper list item). It is never called: the main router, placed before it, always
    # matches, since paragraph accepts any line.
    ruler.disable([name for name in names.values() if name != "code"])
    for chain, rules in chains.items():
        named = [(names[fn], _tight_list(fn) if names[fn] == "list" else fn) for fn in rules]
        alt = [chain] if chain else []
        ruler.before("code", f"routed_{chain or 'main'}", _router(named), {"alt": alt})
    md.core.ruler.at("inline", _inline)
    return md


def _router(rules: list[tuple[str, RuleFuncBlockType]]) -> RuleFuncBlockType:
    """One block rule that asks, in their order, only the ``rules`` that can match."""
    leads = set("".join(_LEAD_CHARS.values()))
    everything = tuple(fn for _, fn in rules)
    table: dict[tuple[str, bool], tuple[RuleFuncBlockType, ...]] = {}
    for lead in [*leads, _NO_CHAR]:
        for delimiter_below in (False, True):
            table[lead, delimiter_below] = tuple(
                fn
                for name, fn in rules
                if (name != "table" or delimiter_below)
                and name != "code"  # indented code is taken care of below
                and (name not in _LEAD_CHARS or lead in _LEAD_CHARS[name])
            )

    def routed(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.sCount[start] - state.blkIndent >= 4:
            candidates = everything  # indented code, or a lazy line: no shortcut
        else:
            pos = state.bMarks[start] + state.tShift[start]
            lead = state.src[pos] if pos < state.eMarks[start] else _NO_CHAR
            below = False
            if start + 1 < end:
                pos = state.bMarks[start + 1] + state.tShift[start + 1]
                below = pos < state.eMarks[start + 1] and state.src[pos] in _TABLE_DELIMITER_CHARS
            candidates = table[lead if lead in leads else _NO_CHAR, below]
        for fn in candidates:  # noqa: SIM110 - a loop: no generator on the hottest path
            if fn(state, start, end, silent):
                return True
        return False

    return routed


# A list item marker at the start of a line: ``-``, ``*``, ``+``, ``1.`` or ``1)``.
# Only ASCII digits: CommonMark numbers items with 0-9 alone, and Python's ``\d`` would
# also take Arabic-Indic or full-width digits, which markdown-it-py's list rule does not.
_ITEM_MARKER = re.compile(r"([-*+])|([0-9]{1,9})([.)])")
# First characters after which an item's text might be a block of its own (a heading, a
# quote, a fence, a nested list, a rule, a reference, the howto marker): no shortcut.
_BLOCK_LEADS = frozenset("`~>#[<")
# Characters that start a nested bullet item or a thematic break (``***``, ``- - -``,
# ``___``) when a space or nothing else follows; before other text they are inline.
_ITEM_OR_RULE = frozenset("*-+_")


def _tight_list(list_rule: RuleFuncBlockType) -> RuleFuncBlockType:
    """markdown-it's list rule, with a shortcut for the commonest list of all: a
    top-level, tight list of one-line items, each a plain paragraph.

    The items are emitted as the rule itself would emit them; anything else (a nested
    block, a continuation line, a loose list, a check the caller wants silently) goes
    to the rule.
    """

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent or state.parentType != "root" or state.level != 0 or state.blkIndent != 0:
            return list_rule(state, start, end, silent)
        found = _simple_list(state, start, end)
        if found is None:
            return list_rule(state, start, end, silent)
        ordered, marker, items, after = found
        tag = "ol" if ordered else "ul"
        token = state.push("ordered_list_open" if ordered else "bullet_list_open", tag, 1)
        if ordered and int(items[0][1]) != 1:
            token.attrs = {"start": int(items[0][1])}
        token.map = [start, after]
        token.markup = marker
        for index, (line, number, content) in enumerate(items):
            token = state.push("list_item_open", "li", 1)
            token.markup = marker
            token.map = [line, items[index + 1][0] if index + 1 < len(items) else after]
            if ordered:
                token.info = number
            token = state.push("paragraph_open", "p", 1)
            token.map = [line, line + 1]
            token.hidden = True
            token = state.push("inline", "", 0)
            token.content = content
            token.map = [line, line + 1]
            token.children = []
            token = state.push("paragraph_close", "p", -1)
            token.hidden = True
            token = state.push("list_item_close", "li", -1)
            token.markup = marker
        token = state.push("ordered_list_close" if ordered else "bullet_list_close", tag, -1)
        token.markup = marker
        state.line = after
        return True

    return rule


def _simple_list(
    state: StateBlock, start: int, end: int
) -> tuple[bool, str, list[tuple[int, str, str]], int] | None:
    """(ordered, marker, [(line, number, text)], line after the list) when the lines
    from ``start`` are a tight list of plain one-line items, else ``None``."""
    src = state.src
    items: list[tuple[int, str, str]] = []
    ordered = False
    marker = ""
    line = start
    while True:
        if state.sCount[line] != 0 or state.tShift[line] != 0:
            return None
        text = src[state.bMarks[line] : state.eMarks[line]]
        found = _ITEM_MARKER.match(text)
        if found is None:
            return None
        this_marker = found[1] or found[3]
        if items and (this_marker != marker or ordered != (found[2] is not None)):
            return None
        marker, ordered = this_marker, found[2] is not None
        raw = text[found.end() :]
        # Exactly one space after the marker, then text: the content starts one column on.
        if raw[:1] != " " or raw[1:2] in ("", " ", "\t"):
            return None
        raw = raw[1:]
        lead = raw[0]
        if lead in _BLOCK_LEADS or lead.isspace():
            return None
        if lead in _ITEM_OR_RULE and (raw[1:2] in ("", " ", "\t") or not raw.strip(lead + " \t")):
            return None  # a nested list item, or a thematic break
        if lead.isdigit() and ORDERED_LEAD.match(raw):
            return None  # a nested ordered list
        content = raw.strip(" \t")
        if raw.strip() != content:
            return None  # other white space at an end: trimming rules differ by version
        items.append((line, found[2] or "", content))
        line += 1
        if line >= end:
            return ordered, marker, items, end
        if state.isEmpty(line):
            while line < end and state.isEmpty(line):
                line += 1
            # After the blank lines, an indented line continues the last item and another
            # item with this marker makes the list loose: both are the rule's to parse.
            if line < end:
                first = src[state.bMarks[line] + state.tShift[line]]
                if state.sCount[line] != 0 or first == marker or first.isdigit():
                    return None
            return ordered, marker, items, line


# Characters at which some inline rule could start (markdown-it-py's text terminators).
_INLINE_RULE_LEADS = re.compile(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")


def _inline(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, minus the parse of text with no punctuation:
    such text is one text token whatever the rules."""
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if _INLINE_RULE_LEADS.search(token.content) is None:
            if token.content:
                text = Token("text", "", 0)
                text.content = token.content
                token.children.append(text)
        else:
            md.inline.parse(token.content, md, state.env, token.children)


MD = speed_up(make_markdown())
"""The reference parser with the shortcuts: the same tokens, sooner."""
