"""Property tests: no input, however malformed, gets anything but ContentError out of the parser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import SETTINGS
from thrustlib.content.model import Exercise
from thrustlib.content.parse import KNOWN_KEYS, load_exercise, parse_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import ContentError

VOCABULARY = Vocabulary()
PATH = Path("exercises/fuzzed-exercise.md")


def check(data: bytes | str) -> None:
    """The two promises: parse_exercise never raises, load_exercise raises only ContentError."""
    result = parse_exercise(PATH, data, VOCABULARY)
    assert result.exercise is None or isinstance(result.exercise, Exercise)
    for problem in result.problems:
        assert problem.path == PATH
        assert problem.line is None or problem.line >= 1
        assert problem.message
    if result.exercise is None:
        assert any(p.severity == "error" for p in result.problems)
    try:
        exercise = load_exercise(PATH, data, VOCABULARY)
    except ContentError as exc:
        assert exc.errors, "a ContentError must carry at least one error"
        assert not result.ok
    else:
        assert result.ok
        assert exercise == result.exercise


# -- unstructured input -----------------------------------------------------------------


@SETTINGS
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    check(text)


@SETTINGS
@given(st.binary())
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@SETTINGS
@given(st.text())
def test_arbitrary_text_after_front_matter_marker(text: str) -> None:
    check("---\n" + text)
    check(("---\r\n" + text).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.text(), st.text())
def test_arbitrary_front_matter_and_body(front: str, body: str) -> None:
    check(f"---\n{front}\n---\n{body}")


# -- structured input -------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
    | st.dates()
    | st.datetimes()
    | st.sampled_from(
        [
            "glutes",
            "Lower-Back",
            "lower_back",
            "glutez",
            "Xq9_aB3-k7Z",
            "https://youtu.be/Xq9_aB3-k7Z",
            "https://www.youtube.com/watch?v=Xq9_aB3-k7Z&t=3",
            "beginner",
            "Expert",
            "hip-thrust",
            "Hip Thrust",
            "2024-05-31",
            "",
            "-",
        ]
    )
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.sampled_from([*KNOWN_KEYS, "titel", "muscle", "Video", "x-custom"]) | st.text(
    min_size=1, max_size=12
)
front_matter = st.dictionaries(keys, values, max_size=8)

headings = st.sampled_from(
    [
        "Setup",
        "Execution",
        "Instructions",
        "Steps",
        "Tips",
        "Common Mistakes",
        "Mistakes",
        "common errors",
        "Why It Works",
        "",
    ]
)
inline = st.sampled_from(
    [
        "plain text",
        "**Label**: text",
        "**Label:** text",
        "**Label**:",
        "** **: odd",
        "*em* and `code`",
        "[link](https://example.org)",
        "[bad](javascript:alert(1))",
        "<script>alert(1)</script>",
        "__Under__: score",
        "",
    ]
) | st.text(max_size=30)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["section", "list", "para", "marker", "step", "h1", "raw"]))
        if kind == "section":
            parts.append(f"## {draw(headings)}")
        elif kind == "list":
            ordered = draw(st.booleans())
            items = draw(st.lists(inline, min_size=1, max_size=4))
            parts.append(
                "\n".join((f"{n}. " if ordered else "- ") + item for n, item in enumerate(items, 1))
            )
        elif kind == "para":
            parts.append(draw(inline))
        elif kind == "marker":
            parts.append(
                draw(st.sampled_from(["<!-- howto -->", "<!--HOWTO-->", "    <!-- howto -->"]))
            )
        elif kind == "step":
            parts.append(f"### {draw(inline)}\n{draw(inline)}")
        elif kind == "h1":
            parts.append(f"# {draw(inline)}")
        else:
            parts.append(draw(st.text(max_size=40)))
    separator = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\r"]))
    return separator.join(parts)


def dump(meta: dict[str, Any]) -> str:
    return yaml.safe_dump(meta, allow_unicode=True, default_flow_style=False, sort_keys=False)


@SETTINGS
@given(front_matter, bodies())
def test_structured_front_matter_and_body(meta: dict[str, Any], body: str) -> None:
    text = f"---\n{dump(meta)}---\n{body}"
    check(text)
    check(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(front_matter, bodies(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_line_endings_and_bom_do_not_change_the_model(
    meta: dict[str, Any], body: str, newline: str, bom: bool
) -> None:
    text = f"---\n{dump(meta)}---\n{body}".replace("\r\n", "\n").replace("\r", "\n")
    try:
        lf = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # lone surrogates cannot be written to a file at all
    other = ("\ufeff" if bom else "") + text.replace("\n", newline)
    first = parse_exercise(PATH, lf, VOCABULARY)
    second = parse_exercise(PATH, other.encode("utf-8"), VOCABULARY)
    assert first.exercise == second.exercise
    assert [str(p) for p in first.problems] == [str(p) for p in second.problems]


@SETTINGS
@given(
    st.fixed_dictionaries(
        {"description": st.text(max_size=60)},
        optional={
            "title": st.text(min_size=1, max_size=30),
            "video": st.text(max_size=50),
            "muscles": st.lists(st.text(max_size=15), max_size=3),
            "level": st.text(max_size=15),
            "video_uploaded": st.dates() | st.text(max_size=12),
            "draft": st.booleans() | st.text(max_size=5),
        },
    ),
    bodies(),
)
def test_well_formed_front_matter(meta: dict[str, Any], body: str) -> None:
    text = f"---\n{dump(meta)}---\n{body}"
    check(text)
    result = parse_exercise(PATH, text, VOCABULARY)
    if result.exercise is not None:
        exercise = result.exercise
        assert exercise.slug == "fuzzed-exercise"
        assert exercise.title
        assert exercise.video is None or len(exercise.video) == 11
        if isinstance(meta.get("video_uploaded"), dt.date):
            assert exercise.video_uploaded == meta["video_uploaded"]


@pytest.mark.parametrize(
    "text",
    [
        "---\n? [a, b]\n: c\n---\n",  # an unhashable key
        "---\na: &x [*x]\n---\n",  # a recursive alias
        "---\n!!python/object:os.system {}\n---\n",  # an unsafe tag
        "---\ndescription: !!binary aGVsbG8=\n---\n",  # bytes, not text
        "---\n\x00\n---\n",  # a character YAML refuses
        "---\n" + "[" * 200 + "\n---\n",  # deep nesting that never closes
        "---\nmuscles: {a: b}\nvideo: [1]\nvideo_uploaded: 99999999999999999999\n---\n",
    ],
)
def test_hostile_front_matter(text: str) -> None:
    check(text)
