"""Unit tests of parse.py: one file's bytes to an Exercise, and every way that can fail."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import SETTINGS
from thrustlib.content import titles
from thrustlib.content.parse import (
    decode_text,
    load_exercise,
    parse_exercise,
    title_from_filename,
)
from thrustlib.content.text import fold
from thrustlib.content.titles import JOINERS
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import ContentError

PATH = Path("exercises/kettlebell-swing.md")

# The complete example of FORMAT.md, line for line.
EXAMPLE = """\
---
video: "Xq9_aB3-k7Z"
description: "Build hip drive with the Kettlebell Swing, hinging and snapping the hips forward to float the bell to chest height."
---

## Setup
1. **Stance**: Stand with feet a little wider than the hips, the bell a foot in front of you.
2. **Grip**: Hinge and hold the handle with both hands, thumbs wrapped.

## Execution
1. **Hike**: Pull the bell back between the thighs like a football snap.
2. **Drive**: Stand up hard by squeezing the glutes; let the arms stay loose.
3. **Float**: Let the bell rise to chest height on the momentum alone.
4. **Return**: Hinge again as the bell falls, keeping the back flat.

## Tips
- Breathe out sharply at the top.
- **Neutral Neck**: Keep the gaze a few metres ahead on the floor.

## Common Mistakes
- Squatting the bell up instead of hinging.
- Lifting with the arms.

Practise the hinge unloaded first, and the swing becomes a powerful hip builder.

<!-- howto -->

### Hike the Bell
Hinge at the hips and pull the bell back between your thighs.

### Snap the Hips
Drive the hips forward and squeeze the glutes so the bell floats up.

### Control the Descent
Hinge as the bell falls and guide it back between the legs.
"""  # noqa: E501


def parse(text: str | bytes, path: Path = PATH):  # type: ignore[no-untyped-def]
    return parse_exercise(path, text if isinstance(text, bytes) else text.encode(), Vocabulary())


def messages(text: str | bytes, path: Path = PATH) -> list[str]:
    return [str(p) for p in parse(text, path).problems]


def errors(text: str | bytes, path: Path = PATH) -> list[str]:
    return [str(p) for p in parse(text, path).problems if p.severity == "error"]


# -- the FORMAT.md example -----------------------------------------------------------


def test_format_example_reads_completely() -> None:
    result = parse(EXAMPLE)
    assert result.ok
    exercise = result.exercise
    assert exercise is not None
    assert exercise.slug == "kettlebell-swing"
    assert exercise.title == "Kettlebell Swing"
    assert exercise.video == "Xq9_aB3-k7Z"
    assert exercise.description.startswith("Build hip drive with the Kettlebell Swing")
    assert [i.label for i in exercise.setup] == ["Stance", "Grip"]
    assert [i.label for i in exercise.execution] == ["Hike", "Drive", "Float", "Return"]
    assert [i.label for i in exercise.tips] == [None, "Neutral Neck"]
    assert [i.text for i in exercise.mistakes] == [
        "Squatting the bell up instead of hinging.",
        "Lifting with the arms.",
    ]
    assert exercise.summary == (
        "Practise the hinge unloaded first, and the swing becomes a powerful hip builder."
    )
    assert [s.name for s in exercise.howto] == [
        "Hike the Bell",
        "Snap the Hips",
        "Control the Descent",
    ]
    assert exercise.howto[1].text == (
        "Drive the hips forward and squeeze the glutes so the bell floats up."
    )
    assert exercise.sections == ()
    assert exercise.extra == {}
    assert exercise.inferred == {"title", "slug", "muscles"}
    assert exercise.muscles == ("glutes", "hamstrings")
    assert [str(p) for p in result.problems] == [
        "exercises/kettlebell-swing.md:1: warning: no 'muscles': inferred glutes, hamstrings"
        " from the title and description"
    ]


def test_line_numbers_of_keys_items_and_steps() -> None:
    exercise = parse(EXAMPLE).exercise
    assert exercise is not None
    assert dict(exercise.source.key_lines) == {"video": 2, "description": 3}
    assert exercise.source.line_of("video") == 2
    assert exercise.source.line_of("muscles") is None
    assert exercise.source.body_line == 5
    assert [i.line for i in exercise.setup] == [7, 8]
    assert [i.line for i in exercise.execution] == [11, 12, 13, 14]
    assert [i.line for i in exercise.tips] == [17, 18]
    assert [i.line for i in exercise.mistakes] == [21, 22]
    assert [s.line for s in exercise.howto] == [28, 31, 34]
    lines = EXAMPLE.splitlines()
    for item in (*exercise.setup, *exercise.execution, *exercise.tips, *exercise.mistakes):
        assert item.text in lines[item.line - 1]
    for step in exercise.howto:
        assert lines[step.line - 1] == f"### {step.name}"


def test_line_numbers_with_a_multiline_front_matter_value() -> None:
    text = (
        "---\n"
        "description: >\n"
        "  Folded over\n"
        "  two lines.\n"
        "muscles:\n"
        "  - glutes\n"
        "level: beginner\n"
        "---\n"
        "## Execution\n"
        "1. Go.\n"
    )
    exercise = parse(text).exercise
    assert exercise is not None
    assert exercise.description == "Folded over two lines."
    assert dict(exercise.source.key_lines) == {"description": 2, "muscles": 5, "level": 7}
    assert exercise.execution[0].line == 10


def test_derived_howto_keeps_execution_lines() -> None:
    text = EXAMPLE.split("<!-- howto -->")[0]
    exercise = parse(text).exercise
    assert exercise is not None
    assert [(s.name, s.line) for s in exercise.howto] == [
        ("Hike", 11),
        ("Drive", 12),
        ("Float", 13),
        ("Return", 14),
    ]
    assert exercise.is_inferred("howto")


# -- line endings and encodings --------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        EXAMPLE.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + EXAMPLE.encode(),
        b"\xef\xbb\xbf" + EXAMPLE.replace("\n", "\r\n").encode(),
        EXAMPLE.replace("\n", "\r").encode(),
    ],
    ids=["crlf", "bom", "bom-crlf", "cr-only"],
)
def test_line_endings_and_bom_give_the_same_model(data: bytes) -> None:
    lf = parse(EXAMPLE)
    other = parse(data)
    assert other.exercise is not None
    assert other.exercise == lf.exercise
    assert [str(p) for p in other.problems] == [str(p) for p in lf.problems]
    assert "\r" not in other.exercise.summary
    assert all("\r" not in i.text for i in other.exercise.execution)


def test_text_input_is_normalized_like_bytes() -> None:
    assert decode_text("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"
    as_text = parse_exercise(PATH, "\ufeff" + EXAMPLE.replace("\n", "\r\n"), Vocabulary())
    assert as_text.exercise == parse(EXAMPLE).exercise


def test_a_bom_before_missing_front_matter_is_still_no_front_matter() -> None:
    assert errors(b"\xef\xbb\xbf# Title\n") == [
        "exercises/kettlebell-swing.md:1: error: no front matter: the file must start with a"
        " '---' line, then YAML with at least 'description:', then another '---' line"
    ]


# -- bad input: each case names the file and line --------------------------------------


def test_no_front_matter() -> None:
    assert errors("## Setup\n- Stand.\n") == [
        "exercises/kettlebell-swing.md:1: error: no front matter: the file must start with a"
        " '---' line, then YAML with at least 'description:', then another '---' line"
    ]


def test_front_matter_not_at_the_start() -> None:
    found = errors("\n---\ndescription: x\n---\n")
    assert len(found) == 1
    assert found[0].startswith("exercises/kettlebell-swing.md:1: error: no front matter")


def test_unclosed_front_matter() -> None:
    assert errors("---\ndescription: x\nmuscles: [glutes]\n") == [
        "exercises/kettlebell-swing.md:1: error: the front matter is not closed:"
        " add a '---' line after it"
    ]


def test_yaml_that_does_not_parse_names_the_line_and_reason() -> None:
    result = parse('---\ndescription: "ok"\nmuscles: [glutes\nlevel: beginner\n---\n')
    assert result.exercise is None
    (problem,) = result.problems
    assert problem.path == PATH
    assert problem.line == 3  # where the '[' opens, not where PyYAML gave up
    assert problem.message == "the front matter is not valid YAML"
    assert problem.reasons == ("did not find expected ',' or ']', for the '[' opened on this line",)


@pytest.mark.parametrize(
    ("front", "line", "reason"),
    [
        (
            'description: "ok\nmuscles: [glutes]\n',
            2,
            "a quoted value starts here and is never closed",
        ),
        (
            "a: 1\nb: {x: 1\nc: 2\n",
            3,
            "did not find expected ',' or '}', for the '{' opened on this line",
        ),
        # a problem where it is: its own line
        ("a: 1\n b: 2\n", 3, "mapping values are not allowed"),
    ],
)
def test_yaml_error_names_the_line_where_the_mistake_is(front: str, line: int, reason: str) -> None:
    (problem,) = parse(f"---\n{front}---\n").problems
    assert problem.line == line
    assert len(problem.reasons) == 1 and problem.reasons[0].startswith(reason)


def test_a_key_given_twice_warns_at_the_value_used() -> None:
    result = parse(
        '---\ndescription: "A"\nmuscles: [glutes]\ndescription: "B"\n---\n## Execution\n1. Go.\n'
    )
    assert result.exercise is not None and result.exercise.description == "B"
    assert [str(p) for p in result.problems] == [
        "exercises/kettlebell-swing.md:4: warning: 'description' is given twice (first at line 2):"
        " this value is used; remove the other"
    ]


def test_keys_merged_from_an_anchor_are_not_given_twice() -> None:
    text = (
        "---\ndescription: x\nbase: &b {level: beginner, equipment: [bench]}\n<<: *b\n"
        "level: advanced\nmuscles: [glutes]\n---\n## Execution\n1. Go.\n"
    )
    result = parse(text)
    assert result.exercise is not None and result.exercise.level == "advanced"
    assert not [p for p in result.problems if "twice" in p.message]


def test_yaml_error_line_counts_from_the_file_start() -> None:
    result = parse("---\na: 1\nb: 2\nc: : :\n---\n")
    (problem,) = result.problems
    assert problem.line == 4


def test_non_utf8_byte_names_its_line() -> None:
    data = EXAMPLE.encode().replace(b"Lifting with", b"Lifting \xe9with")
    offset = data.index(b"\xe9")
    assert errors(data) == [
        "exercises/kettlebell-swing.md:22: error: the file is not valid UTF-8"
        f" (byte 0xe9 at offset {offset}); save it as UTF-8"
    ]


def test_latin1_file_is_not_guessed() -> None:
    result = parse("---\ndescription: Caf\xe9\n---\n".encode("latin-1"))
    assert result.exercise is None
    assert [p.line for p in result.problems] == [2]


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf", b"\r\n"])
def test_empty_file(data: bytes) -> None:
    assert errors(data) == [
        "exercises/kettlebell-swing.md:1: error: the file is empty;"
        " an exercise needs front matter and a body"
    ]


@pytest.mark.parametrize("value", ['""', "''", "", "'   '"], ids=repr)
def test_an_empty_description_is_a_warning_at_its_line(value: str) -> None:
    result = parse(f"---\nmuscles: [glutes]\ndescription: {value}\n---\n## Execution\n1. Go.\n")
    assert result.ok
    assert [str(p) for p in result.problems] == [
        "exercises/kettlebell-swing.md:3: warning: 'description' is empty: the page gets no"
        " meta description"
    ]


@pytest.mark.parametrize(
    ("written", "known"),
    [
        ("dumbell", "dumbbell"),
        ("Barbel", "barbell"),
        ("kettlebel", "kettlebell"),
        ("smith machin", "smith-machine"),
    ],
)
def test_equipment_one_slip_from_a_known_name_is_a_warning(written: str, known: str) -> None:
    result = parse(
        f"---\ndescription: x\nmuscles: [glutes]\nequipment: [bench, {written}]\n---\n"
        "## Execution\n1. Go.\n"
    )
    assert result.ok
    assert [str(p) for p in result.problems] == [
        f"exercises/kettlebell-swing.md:4: warning: equipment {written!r} is not one thrustlib"
        f" knows and would get a page of its own; did you mean {known!r}?"
    ]


@pytest.mark.parametrize("written", ["landmine", "trap bar", "sled", "rings", "resistance band"])
def test_other_equipment_is_taken_as_it_is(written: str) -> None:
    result = parse(
        f"---\ndescription: x\nmuscles: [glutes]\nequipment: [{written}]\n---\n"
        "## Execution\n1. Go.\n"
    )
    assert result.ok
    assert result.problems == []


@pytest.mark.parametrize("front", ["- a\n- b", "just words", "42", "[description, x]"], ids=str)
def test_front_matter_not_a_mapping(front: str) -> None:
    assert errors(f"---\n{front}\n---\n") == [
        "exercises/kettlebell-swing.md:2: error: the front matter must be a mapping of keys"
        " to values"
    ]


def test_empty_front_matter_is_a_mapping_with_warnings() -> None:
    result = parse("---\n---\n## Execution\n1. Go.\n")
    assert result.ok
    assert [str(p) for p in result.problems] == [
        "exercises/kettlebell-swing.md:1: warning: no 'description': the page gets no meta"
        " description or card text",
        "exercises/kettlebell-swing.md:1: warning: no 'muscles': inferred glutes, hamstrings"
        " from the title and description",
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('"Xq9_aB3-k7"', "'Xq9_aB3-k7' (10 characters)"),
        ('"Xq9_aB3-k7Z1"', "'Xq9_aB3-k7Z1' (12 characters)"),
        ('"Xq9 aB3-k7Z"', "'Xq9 aB3-k7Z' (11 characters)"),
        ('"https://vimeo.com/12345"', "'https://vimeo.com/12345' (23 characters)"),
        ('"https://www.youtube.com/watch?v=short"', "'https://www.youtube.com/watch?v=short'"),
    ],
)
def test_invalid_video_id(value: str, shown: str) -> None:
    found = errors(f"---\ndescription: x\nvideo: {value}\nmuscles: [glutes]\n---\n")
    assert len(found) == 1
    assert found[0].startswith(
        "exercises/kettlebell-swing.md:3: error: 'video' must be a YouTube video ID:"
        " exactly 11 characters of A-Z a-z 0-9 _ -, got "
    )
    assert shown in found[0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("[Xq9_aB3-k7Z]", "a list"),
        ("{id: Xq9_aB3-k7Z}", "a mapping"),
        ("true", "true/false (true)"),
    ],
)
def test_video_of_the_wrong_type(value: str, shown: str) -> None:
    assert errors(f"---\ndescription: x\nmuscles: [glutes]\nvideo: {value}\n---\n") == [
        f"exercises/kettlebell-swing.md:4: error: 'video' must be a YouTube video ID, not {shown}"
    ]


def test_unknown_muscle_suggests_the_closest() -> None:
    assert errors("---\ndescription: x\nmuscles: [glutez, hamstrings]\n---\n") == [
        "exercises/kettlebell-swing.md:3: error: unknown muscle 'glutez' in 'muscles';"
        " did you mean 'glutes'? (muscles can be added in site.toml under [muscles])"
    ]


def test_unknown_secondary_muscle_is_reported_at_its_key() -> None:
    text = "---\ndescription: x\nmuscles: [glutes]\nsecondary_muscles:\n  - hamstrung\n---\n"
    assert errors(text) == [
        "exercises/kettlebell-swing.md:4: error: unknown muscle 'hamstrung' in"
        " 'secondary_muscles'; did you mean 'hamstrings'? (muscles can be added in site.toml"
        " under [muscles])"
    ]


def test_muscle_with_nothing_close_has_no_suggestion() -> None:
    assert errors("---\ndescription: x\nmuscles: [zzzzqqq]\n---\n") == [
        "exercises/kettlebell-swing.md:3: error: unknown muscle 'zzzzqqq' in 'muscles'"
        " (muscles can be added in site.toml under [muscles])"
    ]


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("expert-ish", "unknown level 'expert-ish'; use beginner, intermediate or advanced"),
        (
            "intermediat",
            "unknown level 'intermediat'; use beginner, intermediate or advanced"
            " (did you mean 'intermediate'?)",
        ),
    ],
)
def test_bad_level(level: str, message: str) -> None:
    assert errors(f"---\ndescription: x\nmuscles: [glutes]\nlevel: {level}\n---\n") == [
        f"exercises/kettlebell-swing.md:4: error: {message}"
    ]


@pytest.mark.parametrize(
    ("slug", "hint"),
    [
        ("Hip Thrust", "hip-thrust"),
        ("hip--thrust", "hip-thrust"),
        ("-x-", "x"),
        ("é", "e"),  # accents fold away, as in slugs from file names
        ("日本", "hip-thrust"),
    ],
)
def test_bad_slug(slug: str, hint: str) -> None:
    assert errors(f'---\ndescription: x\nmuscles: [glutes]\nslug: "{slug}"\n---\n') == [
        f"exercises/kettlebell-swing.md:4: error: slug {slug!r} must be lower-case letters and"
        f" digits joined by single hyphens (for example {hint!r})"
    ]


def test_file_name_without_slug_characters_needs_a_slug() -> None:
    found = errors("---\ndescription: x\nmuscles: [glutes]\n---\n", Path("exercises/___.md"))
    assert found == ["exercises/___.md: error: cannot make a slug from the file name; add 'slug:'"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("draft: yes please", "'draft' must be true or false, got 'yes please'"),
        (
            "video_uploaded: last week",
            "'video_uploaded' must be an ISO date such as 2024-05-31, got 'last week'",
        ),
        ("title: [a, b]", "'title' must be text, not a list"),
        ("description: {a: 1}", "'description' must be text, not a mapping"),
        ("variation_of: true", "'variation_of' must be text, not true/false (true)"),
        ("equipment: [[barbell]]", "'equipment' must be a list of names, not a list"),
        ("aliases: [{a: 1}]", "'aliases' must be a list of names, not a mapping"),
        ("cues: &x [*x]", "'cues' refers to itself (a YAML alias inside its own anchor)"),
        ("cues: " + "[" * 60 + "]" * 60, "'cues' is nested more than 50 levels deep"),
    ],
)
def test_values_of_the_wrong_type(line: str, message: str) -> None:
    text = f"---\nmuscles: [glutes]\n{line}\n---\n"
    assert errors(text) == [f"exercises/kettlebell-swing.md:3: error: {message}"]


def test_non_string_key_is_an_error() -> None:
    assert errors("---\ndescription: x\nmuscles: [glutes]\n42: answer\n---\n") == [
        "exercises/kettlebell-swing.md:4: error: front-matter key 42 is not a name"
    ]


def test_every_problem_of_one_file_is_reported() -> None:
    text = (
        "---\n"
        'video: "nope"\n'
        "muscles: [glutez]\n"
        "level: expertly\n"
        'slug: "Bad Slug"\n'
        "draft: maybe\n"
        "---\n"
    )
    result = parse(text)
    assert result.exercise is None
    assert [(p.line, p.key) for p in result.problems if p.severity == "error"] == [
        (5, "slug"),
        (3, "muscles"),
        (4, "level"),
        (6, "draft"),
        (2, "video"),
    ]


def test_load_exercise_raises_content_error_with_every_problem() -> None:
    with pytest.raises(ContentError) as info:
        load_exercise(PATH, b"---\nvideo: nope\nmuscles: [glutez]\n---\n")
    assert [p.line for p in info.value.errors] == [2, 3]
    text = str(info.value)
    assert "exercises/kettlebell-swing.md:2: error: 'video' must be" in text
    assert "exercises/kettlebell-swing.md:3: error: unknown muscle 'glutez'" in text


def test_load_exercise_returns_the_exercise_despite_warnings() -> None:
    exercise = load_exercise(PATH, EXAMPLE.encode())
    assert exercise.slug == "kettlebell-swing"


# -- other values -----------------------------------------------------------------------


# -- inferred muscles ------------------------------------------------------------------


def test_inferred_secondary_muscles_are_marked_and_named() -> None:
    text = '---\ndescription: "Drive the hips up from a bench; the hamstrings help."\n---\n'
    result = parse(text, Path("exercises/hip-thrust.md"))
    exercise = result.exercise
    assert exercise is not None
    assert (exercise.muscles, exercise.secondary_muscles) == (("glutes",), ("hamstrings",))
    assert {"muscles", "secondary_muscles"} <= exercise.inferred
    assert [str(p) for p in result.problems if "'muscles'" in p.message] == [
        "exercises/hip-thrust.md:1: warning: no 'muscles': inferred glutes (secondary:"
        " hamstrings) from the title and description"
    ]


@pytest.mark.parametrize(
    ("stated", "secondary"),
    [("[quads, Glutes]", ("quadriceps",)), ("[]", ()), ("null", ())],
)
def test_stated_secondary_muscles_stay_when_primary_ones_are_inferred(
    stated: str, secondary: tuple[str, ...]
) -> None:
    text = (
        '---\ndescription: "Drive the hips up from a bench; the hamstrings help."\n'
        f"secondary_muscles: {stated}\n---\n"
    )
    result = parse(text, Path("exercises/hip-thrust.md"))
    exercise = result.exercise
    assert exercise is not None
    # glutes, inferred as primary, is never secondary too; hamstrings is not guessed
    assert (exercise.muscles, exercise.secondary_muscles) == (("glutes",), secondary)
    assert "secondary_muscles" not in exercise.inferred
    assert [str(p) for p in result.problems if "'muscles'" in p.message] == [
        "exercises/hip-thrust.md:1: warning: no 'muscles': inferred glutes from the title and"
        " description"
    ]


def test_stated_muscles_are_never_inferred_nor_their_secondary_ones() -> None:
    text = '---\ndescription: "Drive the hips up; the hamstrings help."\nmuscles: [glutes]\n---\n'
    exercise = parse(text, Path("exercises/hip-thrust.md")).exercise
    assert exercise is not None
    assert (exercise.muscles, exercise.secondary_muscles) == (("glutes",), ())
    assert not {"muscles", "secondary_muscles"} & exercise.inferred


# -- titles -----------------------------------------------------------------------------


def test_title_from_filename() -> None:
    assert title_from_filename(Path("leverage-machine-hip-thrust.md")) == (
        "Leverage Machine Hip Thrust"
    )
    assert title_from_filename(Path("x/band_hip--thrust.markdown")) == "Band Hip Thrust"
    assert title_from_filename(Path("90-90-hip-lift.md")) == "90 90 Hip Lift"


def _title_of(name: str, description: str, extra: str = "") -> tuple[str, list[str]]:
    """The title a file of this name and description gets, and its messages about titles."""
    text = (
        f'---\ndescription: "{description}"\nmuscles: [glutes]\n{extra}---\n## Execution\n1. Go.\n'
    )
    result = parse(text, Path("exercises") / name)
    assert result.exercise is not None
    return result.exercise.title, [str(p) for p in result.problems if "'title'" in p.message]


@pytest.mark.parametrize(
    ("name", "description", "title"),
    [
        (
            "behindtheneckpress_smith.md",
            "Build pressing strength with the Smith Machine Behind the Neck Press, using a fixed"
            " bar path.",
            "Smith Machine Behind the Neck Press",
        ),
        (
            "hipthrust_barbell.md",
            "Load the glutes with the Barbell Hip Thrust from a bench.",
            "Barbell Hip Thrust",
        ),
        # the name's parts in another order: exercisename_equipment
        (
            "swing_kettlebell.md",
            "Learn the Kettlebell Swing before the snatch.",
            "Kettlebell Swing",
        ),
        # a sentence's first word is capitalised as a sentence's, not as a name's
        (
            "hipthrust_barbell.md",
            "Master the Barbell Hip Thrust to build the glutes.",
            "Barbell Hip Thrust",
        ),
        ("pushup.md", "The Push-Up builds the chest.", "Push-Up"),
        (
            "singleleghipthrust.md",
            "Shift the load to one side in the Single-Leg Hip Thrust.",
            "Single-Leg Hip Thrust",
        ),
        # the description leaves out the file name's last part (its equipment)
        (
            "singleleghipthrust_bodyweight.md",
            "Shift the load to one side in the Single-Leg Hip Thrust, shoulders on a bench.",
            "Single-Leg Hip Thrust",
        ),
        ("pushup_bodyweight.md", "Press the floor away in the Push-Up.", "Push-Up"),
        ("tbarrow_machine.md", "Pull the chest pad close in the T-Bar Row.", "T-Bar Row"),
    ],
)
def test_a_run_together_file_name_takes_the_description_phrase(
    name: str, description: str, title: str
) -> None:
    got, messages = _title_of(name, description)
    assert got == title
    assert messages == [
        f"exercises/{name}:1: warning: no 'title': took {title!r} from the description;"
        " add 'title:' to choose another"
    ]


@pytest.mark.parametrize(
    ("name", "description", "title"),
    [
        # a file name with its words apart is taken at its word
        (
            "leverage-machine-hip-thrust.md",
            "Drive the hips with the Leverage Machine Hip Thrust.",
            "Leverage Machine Hip Thrust",
        ),
        (
            "leverage-machine-hip-thrust.md",
            "Drive the hips with the Plate-Loaded Leverage Machine Hip Thrust.",
            "Leverage Machine Hip Thrust",
        ),
        ("plank.md", "Hold a Side-Plank, then switch sides.", "Plank"),
        ("hip-thrust.md", "The Barbell Hip Thrust loads the glutes.", "Hip Thrust"),
        # no phrase holds every part of the name
        ("hipthrust_barbell.md", "Drive the hips up from a bench.", "Hipthrust Barbell"),
        ("hipthrust_smith.md", "Drive the Barbell Hip Thrust up.", "Hipthrust Smith"),
        # without the last part, only a phrase of exactly the name's letters
        ("pushup_bodyweight.md", "The Push-Up Plus works the serratus.", "Pushup Bodyweight"),
        ("hipthrust_smith.md", "Press up from the Hip Thrust Machine.", "Hipthrust Smith"),
        # a name with its words apart never loses a part
        ("hip-thrust_bench.md", "Drive the Hip Thrust up.", "Hip Thrust Bench"),
    ],
)
def test_a_tidy_file_name_keeps_its_title(name: str, description: str, title: str) -> None:
    assert _title_of(name, description) == (title, [])


@SETTINGS
@given(st.text())
def test_a_words_letters_are_what_isalnum_keeps(text: str) -> None:
    """Titles compare the letters and digits of words: a regular expression takes them,
    held here to ``str.isalnum``, character by character, for any text."""
    assert titles._letters(text) == "".join(c for c in fold(text) if c.isalnum())


def _reference_phrases(text: str) -> Iterator[list[str]]:
    """:func:`titles._phrases` as first written: every word's gap and opening looked at."""
    run: list[str] = []
    opens = False
    end = 0
    for match in titles._WORD.finditer(text):
        word, gap = match.group(), text[end : match.start()]
        first = end == 0
        end = match.end()
        capital = word[0].isupper() or word[0].isdigit()
        if run and not gap.strip() and (capital or word in JOINERS):
            run.append(word)
            continue
        yield from titles._candidates(run, opens)
        run = [word] if capital else []
        opens = first or titles._SENTENCE_END.search(gap) is not None
    yield from titles._candidates(run, opens)


_PIECES = st.sampled_from(
    [
        *("Barbell", "Hip", "Thrust", "Single-Leg", "Farmer's", "Élan", "90", "İnce", "Straße"),
        *("the", "with", "a", "of", "press", "slowly", "leg", "thrust", "-x", "_", "'s"),
        *(" ", "  ", ". ", ", ", "! ", ": ", "; ", " - ", "\n", "(", ")", "\u2019"),
    ]
)
"""Words of names, joiners, lower-case words and the gaps between them, tricky ones too."""


@SETTINGS
@given(st.lists(_PIECES | st.text(max_size=3), max_size=30), st.data())
def test_title_phrases_are_read_as_the_reference_reads_them(
    pieces: list[str], data: st.DataObject
) -> None:
    description = " ".join(pieces) if data.draw(st.booleans()) else "".join(pieces)
    assert list(titles._phrases(description)) == list(_reference_phrases(description))
    words = re.findall(r"[^\W_]+", description) or ["x"]
    chosen = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
    stem = "".join(chosen).lower() + data.draw(st.sampled_from(["", "_smith", "_barbell"]))
    path = Path(f"{stem or 'x'}.md")
    parts = [p for p in map(titles._letters, stem.split("_")) if p]
    phrases = list(_reference_phrases(description))

    def is_name_alone(phrase: list[str]) -> bool:
        """Exactly the name without its last part, and more words than it has parts."""
        words = [w for w in map(titles._letters, re.split(r"[\s-]+", " ".join(phrase))) if w]
        return len(parts) > 1 and len(words) >= len(parts) and "".join(words) == "".join(parts[:-1])

    expected = next((p for p in phrases if titles._names(p, parts)), None) or next(
        (p for p in phrases if is_name_alone(p)), None
    )
    got = titles.title_from_description(path, description)
    assert got == (" ".join(expected) if expected is not None else None)


def test_a_long_run_together_name_with_no_phrase_gets_a_warning() -> None:
    title, messages = _title_of("kettlebellswing.md", "Swing the bell between the legs.")
    assert title == "Kettlebellswing"
    assert messages == [
        "exercises/kettlebellswing.md:1: warning: no 'title': made 'Kettlebellswing' from the"
        " file name, whose 'kettlebellswing' looks like words run together; add 'title:' to"
        " name it"
    ]


def test_a_stated_title_or_heading_is_never_replaced() -> None:
    description = "Build pressing strength with the Smith Machine Behind the Neck Press."
    name = "behindtheneckpress_smith.md"
    assert _title_of(name, description, 'title: "BTN Press"\n') == ("BTN Press", [])
    text = f'---\ndescription: "{description}"\nmuscles: [shoulders]\n---\n# BTN Press\n'
    exercise = parse(text, Path("exercises") / name).exercise
    assert exercise is not None
    assert (exercise.title, exercise.is_inferred("title")) == ("BTN Press", False)


def test_an_inferred_title_feeds_the_muscles() -> None:
    text = (
        '---\ndescription: "Build pressing strength with the Smith Machine Behind the Neck'
        ' Press, keeping the neck neutral."\n---\n## Execution\n1. Press.\n'
    )
    result = parse(text, Path("exercises/behindtheneckpress_smith.md"))
    exercise = result.exercise
    assert exercise is not None
    assert exercise.title == "Smith Machine Behind the Neck Press"
    assert exercise.slug == "behindtheneckpress-smith"
    assert {"title", "muscles"} <= exercise.inferred
    assert (exercise.muscles, exercise.secondary_muscles) == (("shoulders",), ())


DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
EQUIPMENT_FIRST = ("barbell", "dumbbell", "kettlebell", "cable", "smith", "band", "lever")


def _db_names() -> list[str]:
    """The Free Exercise DB's exercise names that are plain title case ("Barbell Hip Thrust")."""
    path = DATA / "free-exercise-db.json"
    if not path.is_file():
        pytest.skip(f"no Free Exercise DB at {path}")
    word = re.compile(r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)*")
    names = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        words = entry["name"].split()
        plain = all(word.fullmatch(w) or w in JOINERS for w in words)
        if plain and words[0] not in JOINERS and words[-1] not in JOINERS:
            names.append(entry["name"])
    return names


def test_run_together_names_from_a_real_library_get_their_titles_back() -> None:
    """Each DB name, written as an export script would name its file, is found again."""
    names = _db_names()
    assert len(names) > 700
    for name in names:
        words = name.lower().split()
        if words[0] in EQUIPMENT_FIRST and len(words) > 1:  # "hipthrust_barbell.md"
            stem = "".join(re.findall("[a-z]", "".join(words[1:]))) + "_" + words[0]
        else:
            stem = "".join(re.findall("[a-z]", "".join(words)))
        description = f"Practise the {name} slowly at first, then with intent."
        title, _ = _title_of(f"{stem}.md", description)
        assert title == name, stem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-31", dt.date(2024, 5, 31)),
        ('"2024-05-31"', dt.date(2024, 5, 31)),
        ("2024-05-31T10:00:00Z", dt.date(2024, 5, 31)),
        ('""', None),
    ],
)
def test_video_uploaded(value: str, expected: dt.date | None) -> None:
    text = f"---\ndescription: x\nmuscles: [glutes]\nvideo_uploaded: {value}\n---\n"
    exercise = parse(text).exercise
    assert exercise is not None
    assert exercise.video_uploaded == expected


def test_variation_of() -> None:
    base = "---\ndescription: x\nmuscles: [glutes]\n"
    stated = parse(base + "variation_of: hip-thrust\n---\n").exercise
    assert stated is not None
    assert (stated.variation_of, stated.variation_of_null) == ("hip-thrust", False)
    titled = parse(base + "variation_of: Hip Thrust\n---\n").exercise
    assert titled is not None
    assert titled.variation_of == "hip-thrust"
    for null in ("null", "~", '""', ""):
        none = parse(base + f"variation_of: {null}\n---\n").exercise
        assert none is not None
        assert (none.variation_of, none.variation_of_null) == (None, True)
    absent = parse(base + "---\n").exercise
    assert absent is not None
    assert (absent.variation_of, absent.variation_of_null) == (None, False)


def test_draft() -> None:
    exercise = parse("---\ndescription: x\nmuscles: [glutes]\ndraft: true\n---\n").exercise
    assert exercise is not None
    assert exercise.draft is True


def test_description_missing_is_a_warning() -> None:
    result = parse("---\nmuscles: [glutes]\n---\n## Execution\n1. Go.\n")
    assert result.ok
    assert result.exercise is not None
    assert result.exercise.description == ""
    assert [str(p) for p in result.problems] == [
        "exercises/kettlebell-swing.md:1: warning: no 'description': the page gets no meta"
        " description or card text"
    ]


def test_body_thematic_break_is_not_a_front_matter_boundary() -> None:
    text = "---\ndescription: x\nmuscles: [glutes]\n---\n## Execution\n1. Go.\n\n---\n\nMore.\n"
    exercise = parse(text).exercise
    assert exercise is not None
    assert exercise.summary == "---\n\nMore."
    assert [i.text for i in exercise.execution] == ["Go."]


def test_script_in_description_is_kept_as_text() -> None:
    text = '---\ndescription: "</script><script>alert(1)</script>"\nmuscles: [glutes]\n---\n'
    exercise = parse(text).exercise
    assert exercise is not None
    assert exercise.description == "</script><script>alert(1)</script>"


def _shipped_and_fixture_files() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    return sorted([*(root / "exercises").glob("*.md"), *(root / "tests/sites/basic").rglob("*.md")])


@pytest.mark.parametrize("path", _shipped_and_fixture_files(), ids=lambda p: p.name)
def test_html_from_the_parsers_tokens_equals_rendering_the_source(path: Path) -> None:
    """The parser renders from the tokens it has (no second parse); same HTML as before."""
    from thrustlib.content.markdown import render_block, render_inline

    result = parse_exercise(path, path.read_bytes(), Vocabulary())
    exercise = result.exercise
    assert exercise is not None
    for item in (*exercise.setup, *exercise.execution, *exercise.tips, *exercise.mistakes):
        assert item.html == render_inline(item.text).strip(), item.line
    for step in exercise.howto:
        assert step.html == render_block(step.text), step.line
    for section in exercise.sections:
        assert section.html == render_block(section.text), section.line
    for key, source in (("intro", exercise.intro), ("summary", exercise.summary)):
        assert exercise.rendered.get(key, "") == (render_block(source) if source else "")
    for kind, note in exercise.notes.items():
        assert exercise.rendered[f"note:{kind}"] == render_block(note)
    for kind, lead in exercise.leads.items():
        assert exercise.rendered[f"lead:{kind}"] == render_block(lead)
