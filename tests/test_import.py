"""``thrustlib import``: records of another library -> exercise files that build.

Unit tests use small records written here; the end-to-end test reads the Free Exercise
DB from the shared data folder when it is there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thrustlib import cli
from thrustlib.config import load_config
from thrustlib.content.model import Exercise
from thrustlib.content.muscles import DEFAULT_MUSCLES, Muscle
from thrustlib.content.parse import parse_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import build
from thrustlib.errors import Problem, Problems
from thrustlib.importers import (
    SOURCES,
    ImportFailed,
    ImportRecord,
    ImportResult,
    Origin,
    SourceRecords,
    import_file,
)
from thrustlib.importers.text import clean_step, first_sentence, markdown_text, sentences
from thrustlib.importers.write import slug_of

FREE_EXERCISE_DB = Path("/work/shared/data/free-exercise-db.json")
VOCABULARY = Vocabulary()


def rec(ident: str = "Wall_Sit_Hold", name: str = "Wall Sit Hold", **fields: Any) -> dict[str, Any]:
    """A Free Exercise DB record with every field, written for these tests."""
    record: dict[str, Any] = {
        "id": ident,
        "name": name,
        "force": "static",
        "level": "beginner",
        "mechanic": "isolation",
        "equipment": "body only",
        "primaryMuscles": ["quadriceps"],
        "secondaryMuscles": ["glutes"],
        "instructions": [
            "Lean your back flat against a wall and walk the feet out a stride.",
            "Slide down until the thighs are level with the floor, then hold.",
        ],
        "category": "strength",
        "images": [f"{ident}/0.jpg"],
    }
    record.update(fields)
    return record


def run(tmp_path: Path, records: object, folder: str = "exercises") -> ImportResult:
    source = tmp_path / "db.json"
    source.write_text(json.dumps(records, indent=2), encoding="utf-8")
    return import_file("free-exercise-db", source, tmp_path / folder, VOCABULARY)


def parsed(path: Path, vocabulary: Vocabulary = VOCABULARY) -> tuple[Exercise, list[Problem]]:
    result = parse_exercise(path, path.read_bytes(), vocabulary)
    assert result.exercise is not None, result.problems
    return result.exercise, result.problems


def messages(result: ImportResult, severity: str = "warning") -> list[str]:
    return [p.message for p in result.problems if p.severity == severity]


# -- mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [("beginner", "beginner"), ("intermediate", "intermediate"), ("expert", "advanced")],
)
def test_level_maps_to_the_sites_three(tmp_path: Path, level: str, expected: str) -> None:
    result = run(tmp_path, [rec(level=level)])
    assert parsed(result.written[0])[0].level == expected
    assert messages(result) == []


def test_unknown_level_is_left_out_with_a_warning(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(level="wizard")])
    assert parsed(result.written[0])[0].level is None
    assert messages(result) == [
        "record [0] 'Wall_Sit_Hold': level 'wizard' is not beginner, intermediate or"
        " advanced; left out"
    ]


@pytest.mark.parametrize(
    ("equipment", "expected"),
    [
        ("body only", ("bodyweight",)),
        ("kettlebells", ("kettlebell",)),
        ("e-z curl bar", ("ez-curl-bar",)),
        ("bands", ("band",)),
        ("medicine ball", ("medicine-ball",)),
        ("exercise ball", ("exercise-ball",)),
        ("foam roll", ("foam-roll",)),
        ("cable", ("cable",)),
        (None, ()),
    ],
)
def test_equipment_maps_to_the_vocabulary(
    tmp_path: Path, equipment: str | None, expected: tuple[str, ...]
) -> None:
    result = run(tmp_path, [rec(equipment=equipment)])
    assert parsed(result.written[0])[0].equipment == expected
    assert messages(result) == []


def test_equipment_other_is_left_out_with_a_warning_naming_the_record(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(), rec("Odd_Thing", "Odd Thing", equipment="other")])
    exercise, _ = parsed(tmp_path / "exercises" / "odd-thing.md")
    assert exercise.equipment == ()
    [problem] = result.problems
    assert problem.path == tmp_path / "db.json"
    assert problem.line is not None and problem.line > 1  # the second record's line
    assert problem.message == (
        "record [1] 'Odd_Thing': equipment 'other' names no equipment in particular; left out"
    )


def test_unknown_equipment_is_kept_with_a_warning(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(equipment="Sled Harness")])
    assert parsed(result.written[0])[0].equipment == ("sled-harness",)
    assert messages(result) == [
        "record [0] 'Wall_Sit_Hold': equipment 'Sled Harness' is not one thrustlib knows;"
        " kept as 'sled-harness'"
    ]


def test_muscles_map_to_vocabulary_keys(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        [rec(primaryMuscles=["middle back", "lats"], secondaryMuscles=["lower back", "lats"])],
    )
    exercise, problems = parsed(result.written[0])
    assert exercise.muscles == ("middle-back", "lats")
    assert exercise.secondary_muscles == ("lower-back",)  # a primary one is not repeated
    assert problems == []
    assert messages(result) == []


def test_unknown_muscle_is_left_out_with_a_warning(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(secondaryMuscles=["hip flexors", "glutes"])])
    assert parsed(result.written[0])[0].secondary_muscles == ("glutes",)
    [message] = messages(result)
    assert message.startswith("record [0] 'Wall_Sit_Hold': secondary muscle 'hip flexors'")
    assert "not in the site's muscle vocabulary; left out" in message


def test_a_muscle_the_site_adds_is_mapped(tmp_path: Path) -> None:
    flexors = Muscle("hip-flexors", "Hip Flexors", "Legs & Hips", aliases=("psoas",))
    vocabulary = Vocabulary(muscles=(*DEFAULT_MUSCLES, flexors))
    source = tmp_path / "db.json"
    source.write_text(json.dumps([rec(primaryMuscles=["hip flexors"])]), encoding="utf-8")
    result = import_file("free-exercise-db", source, tmp_path / "exercises", vocabulary)
    assert parsed(result.written[0], vocabulary)[0].muscles == ("hip-flexors",)
    assert messages(result) == []


def test_no_known_primary_muscle_leaves_them_to_the_build(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(primaryMuscles=["tongue"])])
    assert "\nmuscles:" not in result.written[0].read_text("utf-8")
    assert any("'muscles' left out, so the build infers them" in m for m in messages(result))
    _, problems = parsed(result.written[0])
    [problem] = problems  # the one build warning the import announced
    assert problem.message.startswith("no 'muscles': inferred quadriceps")


# -- description -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grip the bar. Then pull.", "Grip the bar."),
        ("  grip the bar   with both hands  ", "Grip the bar with both hands."),
        ("Hold light plates, e.g. 5 kg ones. Then lift.", "Hold light plates, e.g. 5 kg ones."),
        ("Is the bench stable? Check it first.", "Is the bench stable?"),
        ("Stand tall (feet under the hips). Breathe.", "Stand tall (feet under the hips)."),
        ("Lift 2.5 kg more each week. Rest.", "Lift 2.5 kg more each week."),
        ("End on a colon:", "End on a colon."),
    ],
)
def test_description_is_the_first_sentence(text: str, expected: str) -> None:
    assert first_sentence(text) == expected


def test_long_description_loses_asides_then_the_clause_after_a_semicolon() -> None:
    aside = "Sit tall on the bench (a flat one, without a back rest, set at about knee height)"
    middle = " and hold both handles with a relaxed grip while both feet stay planted wide apart"
    assert len(aside + middle) > 160
    assert first_sentence(aside + middle + ".") == (
        "Sit tall on the bench and hold both handles with a relaxed grip while both feet"
        " stay planted wide apart."
    )
    clauses = "Brace as for a heavy lift, keeping the ribs down and the neck long; " * 3
    described = first_sentence(clauses + "then go.")
    assert len(described) <= 160
    assert described.endswith("long.")
    # With nowhere to end, the sentence is kept whole, never cut mid-clause.
    whole = "Walk " + "and walk " * 30 + "on."
    assert first_sentence(whole) == whole


def test_sentences_split_at_stops_only() -> None:
    assert sentences("One two. Three, vs. four. 5 sets!") == [
        "One two.",
        "Three, vs. four.",
        "5 sets!",
    ]


def test_description_comes_from_the_first_instruction(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(instructions=["Kneel tall. Then sit back.", "Rise."])])
    assert parsed(result.written[0])[0].description == "Kneel tall."


def test_no_instructions_gives_a_made_description_and_a_warning(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(instructions=[], level="expert", equipment="kettlebells")])
    exercise, problems = parsed(result.written[0])
    assert exercise.description == (
        "Wall Sit Hold: an advanced exercise for the quadriceps, with a kettlebell."
    )
    assert exercise.execution == ()
    [message] = messages(result)
    assert message.startswith("record [0] 'Wall_Sit_Hold': no instructions")
    # The one build warning the import announced.
    assert [p.message for p in problems] == [
        "no Execution list and no HowTo steps: the page has no instructions"
    ]


def test_numbers_typed_into_a_step_are_dropped() -> None:
    assert clean_step(" 6.  Rise\nslowly. ") == "Rise slowly."
    assert clean_step("2.5 kg plates go on.") == "2.5 kg plates go on."


# -- files: names, text, round trip ------------------------------------------------------


def test_file_name_from_the_id_and_title_only_when_needed(tmp_path: Path) -> None:
    result = run(tmp_path, [rec(), rec("1_2_Kneel-Rise", "1/2 Kneel-Rise")])
    plain, made = result.written
    assert plain.name == "wall-sit-hold.md"
    assert "title:" not in plain.read_text("utf-8")  # the file name gives the same title
    assert made.name == "1-2-kneel-rise.md"
    assert 'title: "1/2 Kneel-Rise"' in made.read_text("utf-8")
    assert [parsed(p)[0].title for p in result.written] == ["Wall Sit Hold", "1/2 Kneel-Rise"]


def test_title_is_stated_where_the_parser_would_make_another_or_warn(tmp_path: Path) -> None:
    records = [
        # The description names "Smith Machine Calf Raise", which the parser would take.
        rec(
            "Calfraise_Smith", "Calfraise Smith", instructions=["Use the Smith Machine Calf Raise."]
        ),
        # A file name that runs words together draws a warning unless the title is given.
        rec("Legpressmachine", "Legpressmachine"),
    ]
    result = run(tmp_path, records)
    for path, record in zip(result.written, records, strict=True):
        assert f'title: "{record["name"]}"' in path.read_text("utf-8")
        exercise, problems = parsed(path)
        assert (exercise.title, problems) == (record["name"], [])


def test_what_the_import_warns_about_builds_without_a_warning(tmp_path: Path) -> None:
    records = [
        rec("A1", "Alpha One", equipment="other"),
        rec("A2", "Alpha Two", equipment="sandbag"),
        rec("A3", "Alpha Three", level="guru"),
        rec("A4", "Alpha Four", secondaryMuscles=["spleen"]),
        rec("A-4", "Alpha Four Again"),
        {k: v for k, v in rec("A5", "Alpha Five").items() if k not in ("level", "equipment")},
    ]
    result = run(tmp_path, records)
    assert len(messages(result)) >= len(records)
    for path in result.written:
        assert parsed(path)[1] == [], path


def test_same_slug_is_suffixed_in_record_order_with_a_warning(tmp_path: Path) -> None:
    records = [rec("Cat_Arch", "Cat Arch"), rec("Cat-Arch", "Cat Arch"), rec("cat arch 2", "X")]
    result = run(tmp_path, records)
    assert [p.name for p in result.written] == ["cat-arch.md", "cat-arch-3.md", "cat-arch-2.md"]
    assert messages(result) == [
        "record [1] 'Cat-Arch': its file name cat-arch.md is record [0] 'Cat_Arch''s already;"
        " written as cat-arch-3.md"
    ]
    assert parsed(result.written[1])[0].title == "Cat Arch"


def test_long_names_are_cut_at_a_hyphen() -> None:
    slug = slug_of("Very " * 40)
    assert len(slug) <= 80
    assert slug.endswith("very") and "--" not in slug


def test_record_without_letters_for_a_name_is_an_error(tmp_path: Path) -> None:
    result = run(tmp_path, [rec("---", "???"), rec()])
    assert result.failed == 1
    assert [p.name for p in result.written] == ["wall-sit-hold.md"]
    assert messages(result, "error") == [
        "record [0] '---': no letters or digits to make a file name of; not imported"
    ]


TRICKY = [
    rec("Colon_Case", "Hold: The Line", primaryMuscles=["chest"]),
    rec("Quote_Case", 'Farmer\'s "Big" Carry', equipment="dumbbell"),
    rec("Hash_Case", "# Not a Comment - really"),
    rec("Null_Case", "null"),
    rec("Yes_Case", "yes", level="expert"),
    rec("Dash_Case", "- Dash First"),
    rec("Accent_Case", "Élan Squat \u2013 Side\u00a0Step"),
    rec("Number_Case", "1:30"),
    rec(
        "Markup_Case",
        "Markup *Steps*",
        instructions=[
            "Keep *both* feet_down and `still`, see [this](javascript:alert(1)).",
            "<b>Bold</b> &amp; <script>x</script> ~~gone~~",
            "1. Starts with a number",
            "# Starts like a heading",
            "- starts like a list; > and + too",
            "+ plus",
            "> quote",
            "== equals",
            "Back\\slash at the end\\",
        ],
    ),
]


def test_every_file_parses_back_to_what_was_imported(tmp_path: Path) -> None:
    result = run(tmp_path, TRICKY)
    assert result.failed == 0 and len(result.written) == len(TRICKY)
    for path, record in zip(result.written, TRICKY, strict=True):
        exercise, problems = parsed(path)
        assert problems == [], path
        assert exercise.title == " ".join(record["name"].split())
        assert exercise.muscles == tuple(record["primaryMuscles"])
        assert exercise.secondary_muscles == tuple(record["secondaryMuscles"])
        assert exercise.level == {"expert": "advanced"}.get(record["level"], record["level"])
        assert exercise.equipment == (
            {"body only": "bodyweight"}.get(record["equipment"], record["equipment"]),
        )
        assert [item.plain for item in exercise.execution] == [
            clean_step(s) for s in record["instructions"]
        ]
        assert exercise.extra["source_id"] == record["id"]
        assert exercise.extra["category"] == "strength"
        assert exercise.variation_of is None and exercise.variation_of_null


def test_markup_in_steps_is_text() -> None:
    assert markdown_text("a *b* [c](d) <e>") == r"a \*b\* \[c\](d) \<e>"
    assert markdown_text("12. twelve") == r"12\. twelve"
    assert markdown_text("# title") == r"\# title"
    assert markdown_text("&amp; &") == r"\&amp; &"


def test_import_is_deterministic(tmp_path: Path) -> None:
    first = run(tmp_path, TRICKY, "one")
    second = run(tmp_path, TRICKY, "two")
    assert [p.name for p in first.written] == [p.name for p in second.written]
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_control_characters_never_reach_the_file(tmp_path: Path) -> None:
    result = run(
        tmp_path, [rec(name="Wall\u0000 Sit\u2028Hold\x85", instructions=["Go\ud800 on."])]
    )
    exercise, problems = parsed(result.written[0])
    assert exercise.title == "Wall Sit Hold" and problems == []
    assert exercise.description == "Go on."


# -- never overwrite ---------------------------------------------------------------------


def test_existing_files_are_kept_byte_for_byte(tmp_path: Path) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    mine = folder / "wall-sit-hold.md"
    mine.write_bytes(b"my own words\n")
    result = run(tmp_path, [rec(), rec("Step_Down", "Step Down")])
    assert mine.read_bytes() == b"my own words\n"
    assert [k.path for k in result.kept] == [mine]
    assert result.kept[0].reason == "it exists"
    assert [p.name for p in result.written] == ["step-down.md"]
    assert result.failed == 0
    again = run(tmp_path, [rec(), rec("Step_Down", "Step Down")])
    assert again.written == () and len(again.kept) == 2


def test_a_file_with_the_slug_elsewhere_is_kept(tmp_path: Path) -> None:
    other = tmp_path / "exercises" / "more" / "sitting.md"
    other.parent.mkdir(parents=True)
    other.write_text(
        '---\nslug: wall-sit-hold\ndescription: "Mine."\nmuscles: [quadriceps]\n---\n', "utf-8"
    )
    result = run(tmp_path, [rec()])
    assert result.written == ()
    why = "it has the slug 'wall-sit-hold' (as its own, or in 'redirect_from')"
    assert [(k.path, k.reason) for k in result.kept] == [(other, why)]


def test_a_file_with_the_slug_as_an_old_one_is_kept(tmp_path: Path) -> None:
    other = tmp_path / "exercises" / "wall-sit.md"
    other.parent.mkdir(parents=True)
    other.write_text(
        '---\ndescription: "Mine."\nmuscles: [quadriceps]\nredirect_from: [wall-sit-hold]\n---\n',
        "utf-8",
    )
    result = run(tmp_path, [rec()])
    assert result.written == ()
    assert [k.path for k in result.kept] == [other]


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"name": "x"}', 1, "the file holds an object, not a list of exercises"),
        ('"text"', 1, "the file holds text, not a list of exercises"),
        ("not json", 1, "the file is not valid JSON"),
        ('[\n  {"id": "a"},\n  {"id": ', 3, "the file is not valid JSON"),
        ('[\n {"id": "a"}\n {"id": "b"}]', 3, "the file is not valid JSON"),
        ('[{"id": "a"}] extra', 1, "the file is not valid JSON"),
        ("[" * 100_000, 1, "the file's JSON is nested too deeply to read"),
        ("", 1, "the file is not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_json_list_writes_nothing(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    source = tmp_path / "db.json"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_file("free-exercise-db", source, tmp_path / "exercises", VOCABULARY)
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.message) == (source, line, message)
    assert not (tmp_path / "exercises").exists()


def test_not_utf8_is_an_error_at_its_line(tmp_path: Path) -> None:
    source = tmp_path / "db.json"
    source.write_bytes(b'[\n"\xff"]')
    with pytest.raises(ImportFailed) as caught:
        import_file("free-exercise-db", source, tmp_path / "exercises", VOCABULARY)
    assert caught.value.problems[0].line == 2


def test_bad_records_are_errors_and_the_rest_is_imported(tmp_path: Path) -> None:
    result = run(tmp_path, [7, {"id": "No_Name"}, rec(), {"name": 3}, ["x"]])
    assert result.records == 5 and result.failed == 4
    assert [p.name for p in result.written] == ["wall-sit-hold.md"]
    assert messages(result, "error") == [
        "record [0] is a number, not an exercise object; not imported",
        "record [1] 'No_Name' has no 'name'; not imported",
        "record [3] has a 'name' that is a number; not imported",
        "record [4] is a list, not an exercise object; not imported",
    ]


def test_missing_and_mistyped_fields_are_named(tmp_path: Path) -> None:
    record = {"name": "Bare Bones", "level": 3, "primaryMuscles": "chest", "instructions": [1]}
    result = run(tmp_path, [record])
    assert [p.name for p in result.written] == ["bare-bones.md"]
    found = messages(result)
    for part in (
        "no 'id' to make the file name of",
        "no 'equipment'; read as none",
        "'level' is a number, not text; left out",
        "'primaryMuscles' is text, not a list; left out",
        "'instructions' holds a number, not text; left out",
        "no 'secondaryMuscles'; read as none",
    ):
        assert any(part in m for m in found), (part, found)
    assert all(m.startswith("record [0] 'Bare Bones'") for m in found)


# -- more sources ------------------------------------------------------------------------


class LinesSource:
    """A source of another shape: one exercise title a line."""

    name = "lines"
    summary = "a title a line"

    def read(self, path: Path, data: bytes, problems: Problems) -> SourceRecords | None:
        titles = data.decode().splitlines()
        return SourceRecords(
            tuple(
                ImportRecord(Origin(n, t, n + 1), t, t, None, ("glutes",), level="beginner")
                for n, t in enumerate(titles)
            )
        )


def test_a_new_source_needs_only_its_reader(tmp_path: Path) -> None:
    source = tmp_path / "titles.txt"
    source.write_text("Frog Pump\nHip Airplane\n", encoding="utf-8")
    result = import_file(LinesSource(), source, tmp_path / "exercises", VOCABULARY)
    titles = [parsed(p)[0].title for p in result.written]
    assert titles == ["Frog Pump", "Hip Airplane"]
    assert parsed(result.written[0])[0].description == (
        "Frog Pump: a beginner exercise for the glutes."
    )
    assert "free-exercise-db" in SOURCES


# -- the command -------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "db.json").write_text(json.dumps([rec(), rec("Odd", "Odd", equipment="other")]))
    yield tmp_path


def test_command_writes_into_the_sites_exercises_folder(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "site.toml").write_text('[build]\nexercises = "library"\n', encoding="utf-8")
    assert cli.main(["import", "free-exercise-db", "db.json"]) == 0
    out, err = capsys.readouterr()
    assert sorted(p.name for p in (site / "library").iterdir()) == ["odd.md", "wall-sit-hold.md"]
    assert out.startswith("Imported db.json into library: 2 of 2 records written,")
    assert "db.json:" in err and "record [1] 'Odd': equipment 'other'" in err
    # Again: every file is kept, and that is no failure.
    assert cli.main(["import", "free-exercise-db", "db.json"]) == 0
    out = capsys.readouterr().out
    assert "kept    library/wall-sit-hold.md (it exists; record [0] 'Wall_Sit_Hold'" in out
    assert "0 of 2 records written, 2 existing files kept" in out


def test_command_into_and_exit_codes(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", "free-exercise-db", "db.json", "--into", "out/here", "-q"]) == 0
    assert (site / "out" / "here" / "odd.md").is_file()
    assert capsys.readouterr().out == ""
    (site / "bad.json").write_text('[{"id": "x"}, 1]')
    assert cli.main(["import", "free-exercise-db", "bad.json"]) == 1
    (site / "broken.json").write_text("[{")
    assert cli.main(["import", "free-exercise-db", "broken.json"]) == 1
    err = capsys.readouterr().err
    assert "bad.json:1: error: record [0] 'x' has no 'name'; not imported" in err
    assert "broken.json:1: error: the file is not valid JSON" in err
    assert "Traceback" not in err
    assert cli.main(["import", "nowhere-db", "db.json"]) == 2
    assert cli.main(["import", "free-exercise-db", "missing.json"]) == 1
    assert "missing.json: error: cannot read the file" in capsys.readouterr().err


def test_command_help_lists_the_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", "--help"]) == 0
    out = capsys.readouterr().out
    assert "free-exercise-db" in out and "examples:\n  thrustlib import" in out


# -- the whole Free Exercise DB ----------------------------------------------------------


@pytest.mark.skipif(not FREE_EXERCISE_DB.is_file(), reason="the Free Exercise DB is not here")
def test_free_exercise_db_builds(tmp_path: Path) -> None:
    records = json.loads(FREE_EXERCISE_DB.read_text("utf-8"))
    started = time.perf_counter()
    result = import_file("free-exercise-db", FREE_EXERCISE_DB, tmp_path / "exercises", VOCABULARY)
    assert time.perf_counter() - started < 10  # a second or so; slow machines get slack
    assert result.failed == 0 and result.kept == ()
    assert len(result.written) == len(records) == 873
    assert messages(result, "error") == []

    # Every file reads back as the record said, without a warning, except those the
    # import announced: a record without instructions gives a page without them.
    announced = {p.message.split("'")[1] for p in result.problems if "no instructions" in p.message}
    by_id = {r["id"]: r for r in records}
    warned: set[str] = set()
    for path in result.written:
        exercise, problems = parsed(path)
        record = by_id[exercise.extra["source_id"]]
        assert exercise.title == record["name"]
        assert len(exercise.muscles) == len(record["primaryMuscles"])
        assert exercise.level == {"expert": "advanced"}.get(record["level"], record["level"])
        assert len(exercise.equipment) == (record["equipment"] not in (None, "other"))
        if problems:
            warned.add(record["id"])
    assert warned == announced and len(announced) == 5

    config = load_config(tmp_path)
    built = build.build(config, jobs=1)
    assert built.exercises == 873
    assert len(list((tmp_path / "_site" / "exercises").glob("*/index.html"))) == 873
    assert {p.message for p in built.warnings} == {
        "no Execution list and no HowTo steps: the page has no instructions"
    }
    assert len(built.warnings) == len(announced)
