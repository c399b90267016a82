"""The parser's shortcuts change its speed, never its tokens.

``make_markdown()`` routes block lines by their first character and skips inline parses
of text without punctuation (see thrustlib.content.markdown). Each test here parses the same
document with and without those shortcuts and compares every field of every token.
Generated documents are built from lines that sit on the rules' edges: list markers,
fences, tables, setext underlines, indented code, lazy continuations, the howto marker.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from tests.shared import SETTINGS, content_files
from thrustlib.content.fastpath.tokens import MD, _simple_list
from thrustlib.content.markdown import make_markdown

PLAIN = make_markdown()


def shape(tokens: list[Token] | None) -> list[Any] | None:
    """Every field of every token, children included, as comparable data."""
    if tokens is None:
        return None
    return [
        (
            t.type,
            t.tag,
            t.nesting,
            t.attrs,
            t.map,
            t.level,
            t.content,
            t.markup,
            t.info,
            t.meta,
            t.block,
            t.hidden,
            shape(t.children),
        )
        for t in tokens
    ]


def assert_same(text: str) -> None:
    fast, plain = MD.parse(text, {}), PLAIN.parse(text, {})
    assert shape(fast) == shape(plain)
    assert MD.renderer.render(fast, MD.options, {}) == PLAIN.renderer.render(
        plain, PLAIN.options, {}
    )


def test_shortcuts_are_on() -> None:
    """The fast parser really is a different configuration (or this file tests nothing)."""
    assert [r.name for r in MD.block.ruler.__rules__ if r.enabled] != [
        r.name for r in PLAIN.block.ruler.__rules__ if r.enabled
    ]


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("- a\n- **b**: c\n\nafter", True),
        ("1. a\n2. b\n", True),
        ("- a\n  b", False),
        ("- a\n\n- b", False),
        ("- a\n- - b", False),
        ("  - a", False),
    ],
)
def test_list_shortcut_is_taken(text: str, taken: bool) -> None:
    """The shortcut really runs on the lists exercise files are made of (so the
    comparisons above cover it), and steps aside otherwise."""
    state = StateBlock(text, MD, {}, [])
    assert (_simple_list(state, 0, state.lineMax) is not None) is taken
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain words only",
        "- one\n- two\n\n1. first\n2) second\n\n10. ten",
        "para\n===\n\npara\n---\n\n- item\n---",
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- x\n:--|--\n",
        "    code\n\n\tcode with tab\n\n> quote\nlazy\n\n```py\nx\n```\n\n~~~\ny\n~~~",
        "[ref]: https://example.org\n\n[ref] and [x]\n\n[x]: /y 'title'",
        "# h1\n## h2 ##\n#not a heading\n\n***\n___\n* * *\n- - -",
        "text\n<!-- howto -->\n### Step 1\ndo it\n\n  <!-- howto -->",
        "- a\n\n  continued\n- b\n\n      indented code in item\n\n+ other marker",
        "* one\n  * nested\n    1. deeper\n\n> - quoted list\n> > nested quote",
        "**bold**: rest, _em_, `code`, ~~gone~~, \\*escaped\\*, &amp; &copy;",
        "auto <https://example.org> and ![img](/a.png) and [link](javascript:x)",
        "tab\tinside\n  two spaces  \nhard break\\\nnext",
        "\u00a0nbsp lead and trailing\u00a0\n\u2003em space",
    ],
)
def test_edge_documents(text: str) -> None:
    assert_same(text)


def test_every_shipped_and_fixture_file() -> None:
    files = content_files()
    for path in files:
        assert_same(path.read_text("utf-8", errors="replace"))


_PIECES = [
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "  ",
    "    ",
    "\t",
    "> ",
    "# ",
    "## ",
    "### ",
    "```",
    "~~~",
    "---",
    "===",
    "***",
    "|",
    " | ",
    ":-:",
    "[a]: /x",
    "[a]",
    "<!-- howto -->",
    "<div>",
    "**",
    "__",
    "_",
    "*",
    "`",
    "~~",
    "\\",
    "&amp;",
    "[t](/u)",
    "![i](/i)",
    "<https://x.y>",
    "word",
    "Hip thrust",
    "ends.",
    ":",
    "\u00a0",
]
_LINE = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
_DOCUMENT = st.lists(st.one_of(_LINE, st.just("")), max_size=14).map("\n".join)


@SETTINGS
@given(_DOCUMENT)
def test_generated_documents(text: str) -> None:
    assert_same(text)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("-*+>#|:=`~[]()!\\_ \t\n.1a<")), max_size=80))
def test_punctuation_soup(text: str) -> None:
    assert_same(text)


_ITEM_LINE = st.tuples(
    st.sampled_from(["", " ", "  ", "    ", "\t"]),
    st.sampled_from(["-", "*", "+", "1.", "2.", "10)", "1)", "0.", "1234567890.", "-1."]),
    st.sampled_from(["", " ", "  ", "     ", "\t"]),
    st.sampled_from(
        [
            "x",
            "**Label**: text",
            "- nested",
            "* * *",
            "---",
            "# h",
            "> q",
            "```",
            "[a]: /b",
            "<!-- howto -->",
            "2. two",
            "3 sets",
            "_em_",
            "__",
            "+",
            "text\u00a0",
            "a  ",
        ]
    ),
).map("".join)
_LIST_DOCUMENT = st.lists(
    st.one_of(_ITEM_LINE, st.sampled_from(["", "", "para", "  cont", "==="])), max_size=10
).map("\n".join)


@SETTINGS
@given(_LIST_DOCUMENT)
def test_generated_lists(text: str) -> None:
    assert_same(text)


_IMPORTS = """
import sys
from pathlib import Path

from thrustlib.content.parse import parse_exercise
from thrustlib.content.vocabulary import Vocabulary

head = "---\\ntitle: Hip Thrust\\nvideo: dQw4w9WgXcQ\\nmuscles: [glutes]\\n---\\n"
body = sys.argv[1].replace("|", "\\n")
result = parse_exercise(Path("hip-thrust.md"), head + body, Vocabulary())
assert result.exercise is not None and result.exercise.setup, result.problems
print("markdown_it" in sys.modules)
"""


@pytest.mark.parametrize(
    ("body", "imported"),
    [
        ("## Setup|- Sit with your back on a bench.|- Feet flat.|", False),
        # A quote is not a shape the line scanner reads: markdown-it-py reads the body.
        ("## Setup|> Sit with your back on a bench.||- Feet flat.|", True),
    ],
)
def test_markdown_it_is_imported_only_by_a_body_the_scanner_declines(
    body: str, imported: bool
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _IMPORTS, body], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == str(imported)
