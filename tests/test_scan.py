"""The line scanner gives the body markdown-it-py gives, or steps aside.

``thrustlib.content.fastpath.scan`` reads bodies of the common shape without
markdown-it-py. Each test parses a body both ways (the second with the scanner switched
off) and compares the whole result: lists and their items, HTML, plain text, sections,
summary, HowTo steps, lines and warnings. Where the scanner takes a body, each block it
reads is also compared with the block markdown-it-py's tokens make: kind, lines, plain
text, HTML, bold line and list items. Documents are generated from the lines exercise
files are made of and from lines on the edges of the shape (lazy continuations, loose
lists, setext underlines, numbered text, labels with odd punctuation, trailing spaces,
bold and emphasis that do and do not pair, links, sub-bullets at every indent).
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.realshape import generate
from tests.shared import SETTINGS, content_files
from thrustlib.content.blocks import token_blocks
from thrustlib.content.body import Body, parse_body
from thrustlib.content.fastpath import scan
from thrustlib.content.front_matter import split_front_matter
from thrustlib.content.items import list_items
from thrustlib.content.markdown import reference_markdown
from thrustlib.errors import Problem, Problems

PATH = Path("x.md")


def both(
    text: str, line0: int = 5
) -> tuple[tuple[Body, list[Problem]], tuple[Body, list[Problem]]]:
    fast_problems, slow_problems = Problems(), Problems()
    fast = parse_body(PATH, text, line0, fast_problems)
    with mock.patch("thrustlib.content.fastpath.scan", return_value=None):
        slow = parse_body(PATH, text, line0, slow_problems)
    return (fast, fast_problems.items), (slow, slow_problems.items)


def assert_same(text: str) -> None:
    fast, slow = both(text)
    assert fast == slow
    assert_same_blocks(text)


def assert_same_blocks(text: str) -> None:
    """When the scanner takes ``text``, each of its blocks answers as the reference's."""
    scanned = scan(text, 5)
    if scanned is None:
        return
    env: dict[str, object] = {}
    tokens = token_blocks(reference_markdown().parse(text, env))
    lines = text.split("\n")

    def source(start: int, end: int) -> str:
        # The scanner counts a list's trailing blank lines at the end of the body in it.
        return "\n".join(lines[start:end]).strip("\n")

    assert [(b.kind, b.tag, b.start) for b in scanned] == [(b.kind, b.tag, b.start) for b in tokens]
    for mine, theirs in zip(scanned, tokens, strict=True):
        assert source(mine.start, mine.end) == source(theirs.start, theirs.end)
        if mine.kind == "howto_marker":
            continue
        assert mine.parts() == theirs.parts()
        assert mine.html(env) == theirs.html(env)
        if mine.kind == "heading_open":
            assert mine.heading() == theirs.heading()
        if mine.kind == "paragraph_open":
            assert mine.bold_line() == theirs.bold_line()
        if mine.kind in ("bullet_list_open", "ordered_list_open"):
            assert mine.list_items == list_items(theirs, 5, env, lambda line, message: None)


CANONICAL = """
## Setup
1. **Brace Grip**: Reset the knees with intent. Lower the grip with intent.
2. **Brace Core:** Breathe the knees slowly, "tall" (not 'short').

## Execution
1. **Drive Knees**: Press the heels with intent!
2. Pause 2-3 seconds: then 90° back > start.

## Tips
- Press the shoulders with intent.
- Squeeze the ribs under control.

## Common Mistakes
* Breathe the core under control.

Breathe the heels for a count of two.
Drive the feet for a count of two.

<!-- howto -->

### Step 1
Breathe the feet slowly.

### Step 2
Pause the shoulders for a count of two.
"""


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        (CANONICAL, True),
        ("# Title\n\nIntro line.\n\n## Other\nText.\n\n3. three\n4. four", True),
        ("- a\n- b\n\n## Notes\n\nSome prose.", True),
        ("", True),
        ("- a\n\n- b", False),  # loose
        ("- a\nlazy", False),  # lazy continuation
        ("para\n- item", True),  # a bullet list interrupts a paragraph
        ("para\n1) item", True),  # so does an ordered list starting at 1
        ("para\n2. item", False),  # but not one starting elsewhere: more paragraph
        ("- a\n* b", False),  # another marker, another list
        ("  indented", False),
        ("Setext\n===", False),
        ("Setext  \n---", False),
        ("- 1. nested", False),
        ("1.", False),
        ("#hashtag", False),
        ("## closed ##", False),
        ("## closed #  ", False),
        ("tab\there", False),
        # Trailing spaces: dropped at the end of a block, a hard break (two or more) or
        # a soft break (one) inside a paragraph.
        ("trailing  ", True),
        ("hard  \nbreak   \nand soft \nbreak  ", True),
        ("## Setup   \n- item  \n- other \n\n### Step 1 \nDo it.  ", True),
        ("<!-- howto -->  ", True),
        ("nbsp\u00a0\nbreak", False),
        ("- nbsp\u00a0", False),
        ("   \n", False),
        # Bold and emphasis, where the delimiters can only open or only close.
        ("text with *emphasis*", True),
        ("- **Label**: *em* and **strong** words, _em_ and __strong__.", True),
        ("- **Bold** words", True),
        ("- Words *in*, *a* (row) *of*; *em*: *x*! *y*? *z*' *w*\" end", True),
        ("- *ünïcode* **Straße** *٣* *a—* *90°*", True),
        ("- **a:b**: c", False),  # a colon in a label: LABEL_RE's to read
        ("- **Label**:: text", False),
        ("- **Label:**: text", False),
        ("- **Label:**text", False),  # ":**t" closes nothing
        ("- **a*", False),
        ("- *a**b*", False),
        ("- a**b**c", False),
        ("- ** x**", False),
        ("- _snake_case_", False),
        ("- snake_case", False),
        ("- intra*word*", False),
        ("- *word*s", False),
        ("- ***both***", False),
        ("- *nested **strong** em*", False),
        ("- (*paren*)", False),
        ("- *a*\u00a0b", False),
        ("- `code`", False),
        ("- a & b", False),
        ("- ~~struck~~", False),
        # Lines of bold text heading what follows.
        ("**Setup:**\n1. a\n2. b", True),
        ("**Setup**:\n- a", True),
        ("**Tips**  \n- a", True),
        ("__Execution:__\n\n- a", True),
        ("**Setup** :\n- a", True),
        ("**Tips:** more text\n- a", True),
        ("**Tips** **more**\n- a", True),
        ("**Setup:**\nand a second line", True),
        ("*Setup*\n- a", True),
        # Sub-bullets at the column of their item's text, one level.
        ("1. **Grip**: Hold it.\n   - Wrists straight\n   - Elbows in  \n2. Next", True),
        ("- Item\n  - sub\n  - sub *em*\n- Item\n  * other marker, other item", True),
        ("10. Item\n    - sub", True),
        ("1. **Tip:**\n   - only sub-bullets", True),
        ("1. Item\n  - too little indent", False),
        ("1. Item\n    - too much indent", False),
        ("- Item\n   - too much indent", False),
        ("- Item\n  - sub\n  * another sub-list", False),
        ("- Item\n  - sub\n    - deeper", False),
        ("- Item\n  - sub\n    continued", False),
        ("- Item\n  - sub\nlazy", False),
        ("- Item\n  - sub\n\n  after a blank line", False),
        ("- Item\n  1. ordered sub-list", False),
        ("- Item\n  - - nested twice", False),
        ("- Item\n  - # heading", False),
        # Links to plain https addresses.
        ("- Read the [notes](https://example.org/notes/squat) first.", True),
        ("See [a](http://a.example/b_c-d.e/) too", True),
        ("- [notes](https://example.org) at the start", False),
        ("- an ![image](https://example.org/a.png)", False),
        ("- a [relative](/notes) link", False),
        ("- an [Upper](https://Example.org) host", False),
        ("- a [query](https://example.org/?q=1) link", False),
        ("- a [*marked*](https://example.org) text", False),
        ("- a [spaced] (https://example.org) link", False),
    ],
)
def test_scanner_takes_the_common_shape_only(text: str, taken: bool) -> None:
    assert (scan(text, 0) is not None) is taken
    assert_same(text)


def test_canonical_body_in_detail() -> None:
    (body, problems), _ = both(CANONICAL)
    assert problems == []
    assert [i.label for i in body.lists["setup"]] == ["Brace Grip", "Brace Core"]
    assert (
        body.lists["setup"][1].html == "Breathe the knees slowly, &quot;tall&quot; (not 'short')."
    )
    assert body.lists["execution"][1].label is None
    assert body.lists["execution"][1].line == 5 + 8  # body line 8 (1-based), after 5
    assert body.summary_plain.startswith("Breathe the heels for a count of two. Drive")
    assert [s.name for s in body.howto] == ["Step 1", "Step 2"]
    assert_same(CANONICAL)


def test_every_real_shaped_body_block_by_block() -> None:
    """Files shaped like real libraries' (``tests.realshape``): the scanner's blocks are
    the reference's wherever it reads one."""
    for generated in generate(200, seed=1):
        split = split_front_matter(Path(generated.name), generated.text, Problems())
        assert split is not None
        assert_same_blocks(split[2])


def test_every_shipped_and_fixture_body() -> None:
    files = content_files()
    taken = 0
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        split = split_front_matter(path, text, Problems())
        body = split[2] if split is not None else text
        taken += scan(body, 0) is not None
        assert_same(body)
    assert taken > 0


_TEXTS = [
    "Press the heels",
    "2-3 sets: slow!",
    '"quoted" (brackets)',
    "x > y",
    "3 sets",
    "1. nested",
    "2) nested",
    "10.",
    "- nested",
    "* * *",
    "**Label**: text",
    "**Label:** text",
    "**Label**:text",
    "**Label** : text",
    "**Bold** text",
    "**Bold:**: text",
    "**Bold**:: text",
    "**La:bel**: text",
    "**Label(s)**: text",
    "**Label.**: text",
    "** Label**: text",
    "**Label**: ",
    "**Label**: *em*",
    "**Label**: - dash",
    "__Label__: text",
    "*em* text",
    "`code`",
    "a & b",
    "[link](/x)",
    "<!-- howto -->",
    "text  ",
    "text\u00a0",
    "é accents ünïcode",
    "#5",
    # Inline markup, taken where its delimiters pair for certain and declined elsewhere.
    "text *em*, **strong** and _em_ __strong__.",
    "**Label**: text with **bold** in it",
    "**Label:** *em* (then) *more*; *x*! *y*' *z*\"",
    "*Ünïcode* **Straße** *٣* *a—* *90°*",
    "**Setup:**",
    "**Setup**:",
    "**Tips**",
    "**Tips** :",
    "*Tips*",
    "**a*",
    "*a**b*",
    "a**b**c",
    "** x**",
    "**x **",
    "_snake_case_",
    "snake_case words",
    "x*y*z",
    "*word*s",
    "***both***",
    "*a **b** c*",
    "(*paren*)",
    "“*quoted*”",
    "[notes](https://example.org/notes/a) first",
    "read [notes](https://example.org/notes/a-b_c.d/) first",
    "an ![image](https://example.org/a.png)",
    "a [link](https://Example.org) host",
    "a [link](https://example.org/?q=1) query",
]
# Spaces a line may end in: none, a soft break, hard breaks.
_TRAILING = st.sampled_from(["", "", " ", "  ", "   "])
_LINE = st.one_of(
    st.tuples(
        st.sampled_from(["- ", "* ", "+ ", "1. ", "2. ", "3) ", "-  "]), st.sampled_from(_TEXTS)
    ).map("".join),
    st.tuples(st.sampled_from(["# ", "## ", "### ", "#### ", "##"]), st.sampled_from(_TEXTS)).map(
        "".join
    ),
    st.sampled_from(_TEXTS),
    st.sampled_from(
        [
            "## Setup",
            "## Execution",
            "## Tips",
            "## Common Mistakes",
            "## Notes",
            "### Step 1",
            "<!-- howto -->",
            "<!--howto-->",
            "===",
            "---",
            "  indented",
            "    code",
            "\tTab",
            "> quote",
            "| a | b |",
        ]
    ),
    # Sub-bullets at every indent, right under an item or not.
    st.tuples(
        st.sampled_from([" ", "  ", "   ", "    ", "     "]),
        st.sampled_from(["- ", "* ", "+ ", "1. "]),
        st.sampled_from(_TEXTS),
    ).map("".join),
    st.just(""),
)
_DOCUMENT = st.lists(
    st.tuples(_LINE, _TRAILING).map(lambda t: t[0] + t[1] if t[0] else ""), max_size=16
).map("\n".join)


@SETTINGS
@given(_DOCUMENT)
def test_generated_bodies(text: str) -> None:
    assert_same(text)


_SHAPED_TEXTS = _TEXTS[:7] + _TEXTS[10:18] + _TEXTS[34:38]


@st.composite
def _shaped_list(draw: st.DrawFn) -> str:
    """A section as real files write it: a heading (``##`` or a bold line), then items
    with their sub-bullets at the column of the item's text, lines ending in spaces."""
    lines = [draw(st.sampled_from(["## Setup", "## Tips", "**Execution:**", "**Tips**"]))]
    marker = draw(st.sampled_from(["1. ", "- ", "* "]))
    for _ in range(draw(st.integers(0, 4))):
        lines.append(marker + draw(st.sampled_from(_SHAPED_TEXTS)) + draw(_TRAILING))
        for _ in range(draw(st.integers(0, 2))):
            sub = draw(st.sampled_from(["- ", "* "])) + draw(st.sampled_from(_SHAPED_TEXTS))
            lines.append(" " * len(marker) + sub + draw(_TRAILING))
    return "\n".join(lines) + "\n"


_SHAPED = st.lists(
    st.one_of(
        _shaped_list(),
        st.sampled_from(
            [
                "Closing words.",
                "Two lines  \nof prose.",
                "Two lines \nof *prose*.",
                "<!-- howto -->",
                "### Step 1\nDo it.",
            ]
        ),
    ),
    max_size=8,
).map("\n".join)


@SETTINGS
@given(_SHAPED)
def test_generated_exercise_shaped_bodies(text: str) -> None:
    """Bodies close to the real shape, where the scanner is taken most often."""
    assert_same(text)
