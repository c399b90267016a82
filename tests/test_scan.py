"""The line scanner gives the body markdown-it-py gives, or steps aside.

``thrustlib.content.fastpath.scan`` reads bodies of the common shape without
markdown-it-py. Each test parses a body both ways (the second with the scanner switched
off) and compares the whole result: lists and their items, HTML, plain text, sections,
summary, HowTo steps, lines and warnings. Documents are generated from the lines
exercise files are made of and from lines on the edges of the shape (lazy
continuations, loose lists, setext underlines, numbered text, labels with odd
punctuation).
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import SETTINGS, content_files
from thrustlib.content.body import Body, parse_body
from thrustlib.content.fastpath import scan
from thrustlib.content.front_matter import split_front_matter
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
        ("para\n- item", False),  # a list interrupting a paragraph
        ("- a\n* b", False),  # another marker, another list
        ("text with *emphasis*", False),
        ("  indented", False),
        ("trailing  ", False),
        ("Setext\n===", False),
        ("- 1. nested", False),
        ("1.", False),
        ("- **Label**: *em*", False),
        ("- **a:b**: c", False),
        ("- **Bold** words", False),
        ("#hashtag", False),
        ("## closed ##", False),
        ("tab\there", False),
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
]
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
    st.just(""),
)
_DOCUMENT = st.lists(_LINE, max_size=16).map("\n".join)


@SETTINGS
@given(_DOCUMENT)
def test_generated_bodies(text: str) -> None:
    assert_same(text)


_SHAPED = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["## Setup", "## Execution", "## Tips", "## Common Mistakes"]),
            st.sampled_from(["1. ", "- ", "* "]),
            st.lists(st.sampled_from(_TEXTS[:7] + _TEXTS[10:18]), min_size=0, max_size=4),
        ).map(lambda t: "\n".join([t[0], *(t[1] + x for x in t[2])]) + "\n"),
        st.sampled_from(
            ["Closing words.", "Two lines\nof prose.", "<!-- howto -->", "### Step 1\nDo it."]
        ),
    ),
    max_size=8,
).map("\n".join)


@SETTINGS
@given(_SHAPED)
def test_generated_exercise_shaped_bodies(text: str) -> None:
    """Bodies close to the real shape, where the scanner is taken most often."""
    assert_same(text)
