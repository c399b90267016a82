"""The plain front-matter reader gives PyYAML's values, or steps aside.

``thrustlib.plain_yaml`` reads front matter of the common shape without PyYAML. Each
test splits the same file both ways (the second with the reader switched off) and
compares values, key lines, body and problems. Generated front matter mixes the shapes
the reader takes with YAML's surprises: words YAML 1.1 reads as booleans, comments,
colons, numbers, dates, escapes, nested blocks, duplicate keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import SETTINGS, content_files
from thrustlib import plain_yaml
from thrustlib.errors import Problems
from thrustlib.front_matter import split_front_matter

PATH = Path("x.md")


def both(text: str) -> tuple[Any, Any]:
    fast_problems, slow_problems = Problems(), Problems()
    fast = split_front_matter(PATH, text, fast_problems)
    with mock.patch("thrustlib.plain_yaml.read", return_value=None):
        slow = split_front_matter(PATH, text, slow_problems)
    return (fast, fast_problems.items), (slow, slow_problems.items)


def assert_same(text: str) -> None:
    fast, slow = both(text)
    assert fast == slow
    # Types too: True == 1 and 1.0 == 1 would hide a wrong reading.
    if fast[0] is not None:
        assert [type(v) for v in fast[0][0].values()] == [type(v) for v in slow[0][0].values()]


COMMON = """---
title: "Barbell Hip Thrust"
video: "dQw4w9WgXcQ"
description: 'Drive through the heels; squeeze at the top.'
muscles: [glutes, hamstrings]
secondary_muscles: []
equipment: [barbell, bench, hip thrust pad]
level: intermediate
variation_of: null
aliases: [Hip thrust, Bench hip thrust]
draft: false

---
## Setup
"""


@pytest.mark.parametrize(
    ("front", "taken"),
    [
        (COMMON.split("---")[1], True),
        ("\ntitle: Hip Thrust\n", True),
        ("\n", True),
        ("\ndraft: yes\n", False),
        ("\nlevel: 3\n", False),
        ("\nvideo_uploaded: 2024-01-02\n", False),
        ('\ntitle: "a \\" b"\n', False),
        ("\ntitle: a # comment\n", False),
        ("\ntitle: a: b\n", False),
        ("\ntitle: x\ntitle: y\n", False),
        ("\nmuscles:\n  - glutes\n", False),
        ("\non: x\n", False),
        ("\ntitle: tab\there\n", False),
        ("\ntitle: [a, on]\n", False),
    ],
)
def test_reader_takes_the_common_shape_only(front: str, taken: bool) -> None:
    assert (plain_yaml.read(front) is not None) is taken
    assert_same(f"---{front}---\nbody\n")


def test_common_front_matter_in_detail() -> None:
    (split, problems), _ = both(COMMON)
    assert problems == []
    assert split is not None
    values, lines, body, line0 = split
    assert values["equipment"] == ["barbell", "bench", "hip thrust pad"]
    assert values["variation_of"] is None and values["draft"] is False
    assert lines["title"] == 2 and lines["draft"] == 11
    assert body.startswith("\n## Setup") and line0 == 12  # the closing line, 0-based
    assert_same(COMMON)


def test_every_shipped_and_fixture_file() -> None:
    files = content_files()
    taken = 0
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        taken += bool(text.startswith("---")) and plain_yaml.read(text.split("---")[1]) is not None
        assert_same(text)
    assert taken > 20


_KEYS = ["title", "muscles", "level", "draft", "on", "Title", "x_y", "1a", "a b", "é"]
_VALUES = [
    "",
    " ",
    "Hip Thrust",
    "hip thrust pad",
    "don't (ever) stop.",
    "a/b - c",
    "a  b",
    "a ",
    "a #b",
    "a#b",
    "a: b",
    "a:b",
    "yes",
    "No",
    "ON",
    "y",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "3",
    "0o17",
    "1:30",
    "1e3",
    ".inf",
    "2024-02-30",
    "&a x",
    "*a",
    "!!str x",
    "|",
    ">",
    '"quoted"',
    '"with \\" escape"',
    "'single'",
    "'it''s'",
    '"unclosed',
    "[]",
    "[a, b]",
    "[ a ,b ]",
    "[a, [b]]",
    "[a, yes]",
    "[a b, c-d]",
    "{a: b}",
    "- x",
    "%x",
    "@x",
    "`x`",
    "é",
    "\u00a0x",
    "x\u2028y",
]
_LINE = st.one_of(
    st.tuples(
        st.sampled_from(_KEYS), st.sampled_from([": ", ":", " : "]), st.sampled_from(_VALUES)
    ).map("".join),
    st.sampled_from(["", "# comment", "  - item", "  nested: x", "...", "\t", " "]),
)
_FRONT = st.lists(_LINE, max_size=8).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\nbody\n")


@SETTINGS
@given(_FRONT)
def test_generated_front_matter(text: str) -> None:
    assert_same(text)


_TAKEN_VALUES = [v for v in _VALUES if plain_yaml.read(f"k: {v}") is not None]
_SHAPED = st.dictionaries(
    st.sampled_from(["title", "muscles", "level", "draft", "aliases", "variation_of", "x"]),
    st.one_of(
        st.sampled_from(_TAKEN_VALUES), st.sampled_from(_TAKEN_VALUES), st.sampled_from(_VALUES)
    ),
    max_size=7,
).map(lambda d: "---\n" + "\n".join(f"{k}: {v}" for k, v in d.items()) + "\n---\nbody\n")


@SETTINGS
@given(_SHAPED)
def test_generated_front_matter_of_the_common_shape(text: str) -> None:
    """Mostly lines the reader takes, where a wrong value would show."""
    assert_same(text)
