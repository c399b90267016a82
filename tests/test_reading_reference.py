"""Every faster reading of a body is held to plain markdown-it-py, not to another shortcut.

Three readings exist: the line scanner (``scan.py``), markdown-it-py with thrustlib's
shortcuts (``thrustlib.content.fastpath.markdown()``), and the reference,
``parse_body(fast=False)``, which reads with markdown-it-py's "commonmark" preset plus
tables and strikethrough, raw HTML off, and only the ``<!-- howto -->`` block rule
added. The tests here check, on generated documents in the shapes real libraries have
(``###`` and bold-line headings, sub-bullets, trailing spaces, labels, bold, emphasis
and links inside the text) and with non-ASCII digits, letters and punctuation:

- the reference configuration gives the tokens of a markdown-it-py set up from scratch;
- ``parse_body`` gives the same model and problems by every road;
- the HTML the model carries is what markdown-it-py renders from the model's Markdown;
- on a corpus of real-shaped files (:mod:`tests.realshape`) both roads agree, and the
  line scanner, the fastest, reads nearly every file.
"""

# The look-alike characters here (Arabic-Indic and full-width digits, Greek letters,
# curly quotes) are the point of these tests.
# ruff: noqa: RUF001

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.realshape import generate
from tests.shared import SETTINGS
from thrustlib.content.body import Body, nest_headings, parse_body
from thrustlib.content.fastpath import scan
from thrustlib.content.front_matter import split_front_matter
from thrustlib.content.markdown import reference_markdown
from thrustlib.errors import Problems

PATH = Path("x.md")


def plain_markdown_it() -> MarkdownIt:
    """markdown-it-py as its documentation sets it up, with nothing of thrustlib's."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md


PLAIN = plain_markdown_it()

# Words in several scripts, and the digits CommonMark does not count as digits.
_WORDS = [
    "Drive",
    "hips",
    "up",
    "slowly",
    "élan",
    "Straße",
    "Übung",
    "ναι",
    "да",
    "한국",
    "٣",
    "١.",
    "１.",
    "２)",
    "٢٠",
    "½",
    "“quoted”",
    "it’s",
    "—",
    "2-3",
    "90°",
    "*soft*",
    "**firm**",
    "`code`",
    "[link](https://example.org/x)",
    "a_b",
    "x > y",
    "&",
    # Bold, emphasis and links the scanner reads, and look-alikes it must leave alone.
    "__firm__",
    "_soft_",
    "*Übung*",
    "**Straße**",
    "*٣*",
    "*end*.",
    "**end**:",
    "*—*",
    "[notes](https://example.org/notes/a)",
    "**a*",
    "*a**b*",
    "a**b**c",
    "** x**",
    "_snake_case_",
    "x*y*z",
    "*word*s",
    "“*q*”",
    "![image](https://example.org/a.png)",
]
_TEXT = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)
_HEADINGS = [
    "Setup",
    "Starting Position",
    "Positioning",
    "Execution",
    "Movement",
    "Execution Steps",
    "Steps",
    "Instructions",
    "How to Perform",
    "Tips",
    "Key Points",
    "Tips for Proper Form",
    "Form Tips",
    "Common Mistakes",
    "Common Mistakes to Avoid",
    "Equipment Needed",
    "Breathing",
    "Lowering Phase",
    "Variations",
]
_HEADING_TEXT = st.tuples(st.sampled_from(_HEADINGS), st.sampled_from(["", ":", " :"])).map("".join)
_HEADING_LINE = st.one_of(
    st.tuples(st.sampled_from(["## ", "### ", "#### ", "# "]), _HEADING_TEXT).map("".join),
    _HEADING_TEXT.map(lambda t: f"**{t}**"),
    st.sampled_from(["**Setup**:", "**Tips**", "__Execution:__", "**Tips:** more text"]),
)
_MARKER = st.sampled_from(["- ", "* ", "1. ", "2. ", "3) ", "١. ", "１. ", "-     "])
_LABEL = st.sampled_from(
    ["", "**Grip**: ", "**Brace:** ", "**Ünter Zug**: ", "__Hold__: ", "**Set** : ", "**a:b**: "]
)
_TRAILING = st.sampled_from(["", " ", "  ", "   "])
_ITEM = st.tuples(_MARKER, _LABEL, _TEXT, _TRAILING).map("".join)
# Sub-bullets at the column of a "- " or a "1. " item's text, and at others.
_SUB_ITEM = st.tuples(
    st.sampled_from(["  - ", "   - ", "    - ", "  * ", " - ", "   1. "]), _TEXT, _TRAILING
).map("".join)
_LINE = st.one_of(
    _HEADING_LINE,
    _ITEM,
    _SUB_ITEM,
    _TEXT,
    _TEXT.map(lambda t: t + "  "),
    st.sampled_from(["", "", "<!-- howto -->", "### Hike the Bell", "---", "> quote", "| a |"]),
)
_DOCUMENT = st.lists(_LINE, max_size=18).map("\n".join)


def read(text: str, *, fast: bool) -> tuple[Body, list[str]]:
    problems = Problems()
    body = parse_body(PATH, text, 4, problems, fast=fast)
    return body, [str(p) for p in problems.items]


def _tokens(md: MarkdownIt, text: str) -> list[dict[str, object]]:
    return [_token_dict(t) for t in md.parse(text)]


def _token_dict(token: object) -> dict[str, object]:
    fields = dataclasses.asdict(token)  # type: ignore[call-overload]
    fields.pop("meta", None)
    return fields


@SETTINGS
@given(_DOCUMENT)
def test_reference_configuration_is_plain_markdown_it(text: str) -> None:
    """Without the marker, the reference reads exactly as markdown-it-py set up plainly."""
    text = text.replace("<!-- howto -->", "")
    assert _tokens(reference_markdown(), text) == _tokens(PLAIN, text)


@SETTINGS
@given(_DOCUMENT)
def test_every_road_gives_the_reference_model(text: str) -> None:
    assert read(text, fast=True) == read(text, fast=False)


_REL = re.compile(r' rel="nofollow noopener noreferrer"')


def _plain_html(markdown: str, top: int) -> str:
    # thrustlib adds rel= to outbound links when rendering; the parse is what is compared.
    return nest_headings(PLAIN.render(markdown), top)


@SETTINGS
@given(_DOCUMENT)
def test_model_html_is_markdown_it_html_of_the_model_text(text: str) -> None:
    body, _ = read(text, fast=True)
    for section in body.sections:
        assert _REL.sub("", section.html) == _plain_html(section.text, 3), section
    for kind, items in body.lists.items():
        for item in items:
            if item.label is None and "\n" not in item.text and item.text == item.plain:
                # One line of plain text: markdown-it-py renders it as the text, escaped.
                assert item.html == PLAIN.renderInline(item.text).strip(), (kind, item)
    if body.summary:
        assert _REL.sub("", body.rendered["summary"]) == _plain_html(body.summary, 3)
    for kind, lead in body.leads.items():
        assert _REL.sub("", body.rendered[f"lead:{kind}"]) == _plain_html(lead, 3), kind


@SETTINGS
@given(st.sampled_from(["١", "١٢", "１", "１２", "٣", "²", "߁", "໑"]), _TEXT)
def test_non_ascii_digits_never_start_a_list(digit: str, words: str) -> None:
    text = f"## Execution\n{digit}. {words}\n{digit}) {words}\n"
    body, _ = read(text, fast=True)
    assert not body.lists["execution"]
    assert not any(t.type == "ordered_list_open" for t in PLAIN.parse(text))
    assert read(text, fast=True) == read(text, fast=False)


def test_real_shaped_files_read_as_the_reference_and_mostly_by_the_scanner() -> None:
    files = generate(400)
    taken = 0
    for generated in files:
        path = Path("exercises") / generated.name
        split = split_front_matter(path, generated.text, Problems())
        assert split is not None, generated.name
        body, line0 = split[2], split[3]
        taken += scan(body, line0) is not None
        fast, reference = Problems(), Problems()
        assert parse_body(path, body, line0, fast, fast=True) == parse_body(
            path, body, line0, reference, fast=False
        ), generated.name
        assert fast.items == reference.items, generated.name
    # The scanner is what makes a build fast; a change that sends real-shaped files back
    # to markdown-it-py is a regression even when the model stays right.
    assert taken >= 0.85 * len(files), f"the scanner read {taken} of {len(files)} files"
