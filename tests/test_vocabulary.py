"""vocabulary.py: name folding, lookups, suggestions, inference, and site overrides."""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrustlib.config import load_config
from thrustlib.content.inference import MuscleGuess
from thrustlib.content.parse import parse_exercise
from thrustlib.content.text import closest, fold, normalize, slugify
from thrustlib.content.vocabulary import (
    DEFAULT_MUSCLES,
    Muscle,
    Vocabulary,
    equipment_key,
    equipment_name,
    level_key,
)
from thrustlib.errors import ConfigError


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Lower-Back", "lower back"),
        ("lower_back", "lower back"),
        ("  LOWER   back ", "lower back"),
        ("lower-_ back", "lower back"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_normalize(name: str, folded: str) -> None:
    assert normalize(name) == folded


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Single-Leg Hip Thrust!", "single-leg-hip-thrust"), ("--A  b--", "a-b"), ("!!!", "")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_default_vocabulary_has_the_17_groups_in_region_order() -> None:
    vocabulary = Vocabulary()
    assert len(vocabulary.muscles) == 17
    assert [m.key for m in vocabulary.muscles][:3] == ["glutes", "hamstrings", "quadriceps"]
    assert vocabulary.ordered_regions() == (
        "Legs & Hips",
        "Core",
        "Back",
        "Chest",
        "Shoulders & Neck",
        "Arms",
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Lower-Back", "lower-back"),
        ("lower_back", "lower-back"),
        ("Lower Back", "lower-back"),
        ("erector spinae", "lower-back"),
        ("core", "abdominals"),
        ("Gluteus Maximus", "glutes"),
        ("QUADS", "quadriceps"),
        ("middle-back", "middle-back"),
        ("glutez", None),
        ("", None),
    ],
)
def test_muscle_key(name: str, key: str | None) -> None:
    assert Vocabulary().muscle_key(name) == key


def test_muscle_by_key() -> None:
    muscle = Vocabulary().muscle("lower-back")
    assert (muscle.name, muscle.region) == ("Lower Back", "Core")
    with pytest.raises(KeyError):
        Vocabulary().muscle("lower back")


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("glutez", "glutes"),
        ("hamstrung", "hamstrings"),
        ("lowerback", "lower back"),
        ("zzzzqqq", None),
    ],
)
def test_suggest_muscle(name: str, suggestion: str | None) -> None:
    assert Vocabulary().suggest_muscle(name) == suggestion


def test_closest() -> None:
    assert closest("Hip-Thrusts", ["hip thrust", "glute bridge"]) == "hip thrust"
    assert closest("deadlift", ["hip thrust", "glute bridge"]) is None


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Barbell Hip Thrust", ("glutes",)),
        ("Kettlebell Swing", ("glutes", "hamstrings")),
        ("Romanian Deadlift", ("hamstrings",)),
        ("Bulgarian Split-Squat", ("quadriceps",)),
        ("Side Plank. Hold the CORE tight.", ("abdominals",)),
        ("Back Extension for the lower_back", ("lower-back",)),
        ("Copenhagen Plank", ("adductors", "abdominals")),
        ("Narrow stance", ()),  # "row" inside a word is not a row
        ("Cable Crossover", ("chest",)),
        ("Hold the bell chest-high, feet shoulder-width apart", ()),
    ],
)
def test_infer_muscles(text: str, keys: tuple[str, ...]) -> None:
    assert Vocabulary().infer_muscles(text) == keys


# -- primary and secondary muscles ----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "description", "primary", "secondary"),
    [
        # the exercise's name names the prime mover; position words name nothing
        (
            "Smith Machine Behind the Neck Press",
            "Build pressing strength with the Smith Machine Behind the Neck Press, keeping the"
            " neck neutral and the elbows under the bar.",
            ("shoulders",),
            (),
        ),
        (
            "Kettlebell Swing",
            "Snap the hips forward so the bell floats chest-high, arms loose, back flat.",
            ("glutes", "hamstrings"),
            (),
        ),
        (
            "Barbell Hip Thrust",
            "Drive the hips up from a bench, shoulders on the pad, until the glutes lock out;"
            " the hamstrings help.",
            ("glutes",),
            ("hamstrings",),
        ),
        ("Barbell Hip Thrust", "Feet hip-width apart, chin tucked.", ("glutes",), ()),
        # a title keyword outranks one of the description
        ("Romanian Deadlift", "Hinge until the hamstrings stretch.", ("hamstrings",), ()),
        (
            "Glute Bridge",
            "Squeeze the glutes; the hamstrings assist.",
            ("glutes",),
            ("hamstrings",),
        ),
        # the longest phrase wins over the shorter one inside it
        ("Lying Leg Curl", "", ("hamstrings",), ()),
        ("Calf Press on the Leg Press", "", ("calves",), ("quadriceps",)),
        # a muscle named outright outranks one an exercise's name implies
        ("Rear Delt Row", "", ("shoulders",), ("middle-back",)),
        ("Shoulder-Elevated Hip Thrust", "", ("glutes",), ()),  # a position, not a muscle
        ("Chest-Supported Row", "", ("middle-back",), ()),
        # equipment and stance words inside a name, plurals, apostrophes
        ("Incline Dumbbell Press", "", ("chest",), ()),
        ("Seated Barbell Military Press", "", ("shoulders",), ()),
        ("Seated Cable Rows", "", ("middle-back",), ()),
        ("Farmer's Walk", "", ("forearms",), ()),
        # the description alone, when the title names nothing
        (
            "Turkish Sit",
            "Brace the core and press the bell overhead, the bar at shoulder height.",
            ("abdominals",),
            (),
        ),
        # what a text says not to use, and body parts as places, count for nothing
        ("Good Morning", "Hinge without rounding the lower back.", ("hamstrings",), ()),
        (
            "Push-Up",
            "Lower until the chest nearly touches the floor, hands at chest height.",
            ("chest",),
            (),
        ),
        ("Wall Slide", "Stand with your back against the wall.", (), ()),
        ("", "", (), ()),
    ],
)
def test_guess_muscles(
    title: str, description: str, primary: tuple[str, ...], secondary: tuple[str, ...]
) -> None:
    guess = Vocabulary().guess_muscles(title, description)
    assert (guess.primary, guess.secondary) == (primary, secondary)


def test_guessed_primary_and_secondary_never_overlap() -> None:
    guess = Vocabulary().guess_muscles("Glute Bridge", "Lift the glutes; hold the bridge.")
    assert guess == MuscleGuess(("glutes",), ())


def test_a_site_keyword_is_inferred_like_a_built_in_one() -> None:
    vocabulary = Vocabulary(
        muscles=(
            *DEFAULT_MUSCLES,
            Muscle("hip-flexors", "Hip Flexors", "Hips", ("psoas", "knee drive"), ("psoas",)),
        ),
    )
    guess = vocabulary.guess_muscles("Standing Knee Drives", "Drive each knee to hip height.")
    assert guess == MuscleGuess(("hip-flexors",), ())
    # the site's name of the muscle outranks a built-in exercise name in the same title
    guess = vocabulary.guess_muscles("Psoas March on a Box Squat", "")
    assert guess == MuscleGuess(("hip-flexors",), ("quadriceps",))


# -- against the Free Exercise DB ----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "free-exercise-db.json"


def _bench() -> ModuleType:
    """bench/bench_inference.py, which measures inference against the DB."""
    spec = importlib.util.spec_from_file_location(
        "bench_inference", ROOT / "bench" / "bench_inference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not DATA.is_file(), reason=f"no Free Exercise DB at {DATA}")
def test_inferred_primary_muscles_agree_with_the_free_exercise_db() -> None:
    bench = _bench()
    vocabulary = Vocabulary()
    figures = bench.measure(bench.load(DATA, vocabulary), vocabulary)
    assert figures.exercises == 873
    assert figures.primary.precision >= 0.8, figures
    assert figures.primary.recall >= 0.8, figures


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Barbell", "barbell"),
        ("Dumbbells", "dumbbell"),
        ("body only", "bodyweight"),
        ("E-Z Curl Bar", "ez-curl-bar"),
        ("Roman Chair", "roman-chair"),
        ("Smith_Machine", "smith-machine"),
        # run together, as export scripts write a file name's equipment part
        ("medicineball", "medicine-ball"),
        ("EZCurlBar", "ez-curl-bar"),
        ("smithmachine", "smith-machine"),
        ("smith", "smith-machine"),
        ("bodyonly", "bodyweight"),
        ("resistanceband", "band"),
        ("landmine", "landmine"),
        ("trapbar", "trapbar"),
    ],
)
def test_equipment_key(name: str, key: str) -> None:
    assert equipment_key(name) == key


def test_equipment_name() -> None:
    assert equipment_name("ez-curl-bar") == "EZ Curl Bar"
    assert equipment_name("roman-chair") == "Roman Chair"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Beginner", "beginner"),
        ("ADVANCED", "advanced"),
        ("novice", "beginner"),
        ("Expert", "advanced"),
        ("guru", None),
    ],
)
def test_level_key(name: str, key: str | None) -> None:
    assert level_key(name) == key


def test_a_custom_vocabulary() -> None:
    vocabulary = Vocabulary(
        muscles=(
            *DEFAULT_MUSCLES,
            Muscle("hip-flexors", "Hip Flexors", "Hips", ("psoas",), ("psoas", "iliopsoas")),
        ),
    )
    assert vocabulary.muscle_key("Iliopsoas") == "hip-flexors"
    assert vocabulary.infer_muscles("Psoas march") == ("hip-flexors",)
    assert vocabulary.ordered_regions()[-1] == "Hips"


SITE = """\
[muscles.glutes]
name = "Glute Max"
keywords = ["hip lock"]
aliases = ["booty"]

[muscles.hip-flexors]
name = "Hip Flexors"
region = "Hips"
keywords = ["psoas", "knee drive"]
aliases = ["iliopsoas"]
"""


def test_site_toml_overrides_the_muscles(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE, encoding="utf-8")
    vocabulary = load_config(tmp_path).vocabulary
    glutes = vocabulary.muscle("glutes")
    assert glutes.name == "Glute Max"
    assert glutes.region == "Legs & Hips"  # kept from the default
    assert vocabulary.muscle_key("booty") == "glutes"
    assert vocabulary.muscle_key("gluteus") == "glutes"  # default aliases stay
    assert vocabulary.infer_muscles("Hip lock drill") == ("glutes",)
    assert vocabulary.infer_muscles("Hip thrust") == ("glutes",)  # default keywords stay
    assert vocabulary.muscle_key("Hip-Flexors") == "hip-flexors"
    assert vocabulary.infer_muscles("Standing knee drive") == ("hip-flexors",)
    assert vocabulary.ordered_regions()[-1] == "Hips"
    assert len(vocabulary.muscles) == 18

    # The parser uses the site's names, and a name only the site knows is no error.
    text = b"---\ndescription: Drive the knee.\nmuscles: [Iliopsoas, booty]\n---\n"
    result = parse_exercise(Path("exercises/march.md"), text, vocabulary)
    assert result.exercise is not None
    assert result.exercise.muscles == ("hip-flexors", "glutes")
    default = parse_exercise(Path("exercises/march.md"), text, Vocabulary())
    assert not default.ok
    assert [p.message for p in default.problems if p.severity == "error"] == [
        f"unknown muscle {name!r} in 'muscles' (muscles can be added in site.toml under [muscles])"
        for name in ("Iliopsoas", "booty")
    ]


def test_site_toml_new_muscle_needs_a_region(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('[muscles.serratus]\nname = "Serratus"\n', "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "muscles.serratus" in str(info.value)
    assert "needs a 'region'" in str(info.value)


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127))))
def test_fold_takes_a_shortcut_only_where_it_gives_the_same(text: str) -> None:
    """ASCII text is folded by ``lower()``; everything else by decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
