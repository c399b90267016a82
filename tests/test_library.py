"""library.py: slugs, muscle and equipment indexes, and the variation tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from thrustlib.content import library as library_module
from thrustlib.content.library import build_library
from thrustlib.content.model import Exercise, Library
from thrustlib.content.parse import load_exercise
from thrustlib.content.text import normalize_text, title_words
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import Problems

VOCABULARY = Vocabulary()


def ex(name: str, **front: Any) -> Exercise:
    """An exercise parsed from a file ``exercises/<name>.md`` with this front matter."""
    front.setdefault("description", "An exercise.")
    front.setdefault("muscles", ["glutes"])
    text = f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n## Execution\n1. Go.\n"
    return load_exercise(Path(f"exercises/{name}.md"), text.encode(), VOCABULARY)


def build(*exercises: Exercise, drafts: bool = False) -> tuple[Library, list[str]]:
    problems = Problems()
    library = build_library(exercises, VOCABULARY, problems, drafts=drafts)
    return library, [str(p) for p in problems.sorted()]


# -- indexes ------------------------------------------------------------------------------


def test_exercises_by_slug_in_slug_order() -> None:
    library, problems = build(ex("b-lift"), ex("c-lift"), ex("a-lift"))
    assert list(library.exercises) == ["a-lift", "b-lift", "c-lift"]
    assert len(library) == 3
    assert library["b-lift"].title == "B Lift"
    assert [e.slug for e in library.pick(["c-lift", "a-lift"])] == ["c-lift", "a-lift"]
    assert problems == []


def test_primary_and_secondary_muscles_are_kept_apart() -> None:
    library, _ = build(
        ex("hip-thrust", title="Hip Thrust", muscles=["glutes"], secondary_muscles=["hamstrings"]),
        ex("leg-curl", title="Leg Curl", muscles=["hamstrings"]),
        ex("deadlift", title="Deadlift", muscles=["hamstrings", "glutes"]),
        ex(
            "back-extension",
            title="Back Extension",
            muscles=["lower back"],
            secondary_muscles=["glutes", "hamstrings"],
        ),
    )
    assert list(library.muscles) == ["glutes", "hamstrings", "lower-back"]  # vocabulary order
    glutes = library.muscles["glutes"]
    assert glutes.primary == ("deadlift", "hip-thrust")  # by title
    assert glutes.secondary == ("back-extension",)
    hamstrings = library.muscles["hamstrings"]
    assert hamstrings.primary == ("deadlift", "leg-curl")
    assert hamstrings.secondary == ("back-extension", "hip-thrust")
    assert hamstrings.count == 4
    assert library.muscles["lower-back"].primary == ("back-extension",)
    assert library.muscles["lower-back"].secondary == ()
    assert "quadriceps" not in library.muscles  # only muscles with exercises


def test_groups_are_sorted_by_title_not_slug() -> None:
    library, _ = build(
        ex("zz-first", title="Alpha Thrust"),
        ex("aa-last", title="Zulu Thrust"),
    )
    assert library.muscles["glutes"].primary == ("zz-first", "aa-last")


def test_equipment_index() -> None:
    library, _ = build(
        ex("barbell-hip-thrust", equipment=["Barbell", "bench"]),
        ex("band-hip-thrust", equipment=["Bands"]),
        ex("a-bench-move", equipment=["bench"]),
    )
    assert dict(library.equipment) == {
        "band": ("band-hip-thrust",),
        "barbell": ("barbell-hip-thrust",),
        "bench": ("a-bench-move", "barbell-hip-thrust"),
    }


# -- variation tree ---------------------------------------------------------------------


def family() -> tuple[Library, list[str]]:
    return build(
        ex("hip-thrust", title="Hip Thrust"),
        ex("barbell-hip-thrust", title="Barbell Hip Thrust", variation_of="hip-thrust"),
        ex("single-leg-hip-thrust", title="Single-Leg Hip Thrust", variation_of="hip-thrust"),
        ex(
            "single-leg-hip-thrust-with-iso-hold",
            title="Single-Leg Hip Thrust with Iso Hold",
            variation_of="single-leg-hip-thrust",
        ),
        ex("glute-bridge", title="Glute Bridge"),
        ex("plank", title="Plank", muscles=["abs"]),
    )


def test_variation_tree() -> None:
    library, problems = family()
    assert problems == []
    v = library.variations
    assert v["hip-thrust"].parent is None
    assert v["hip-thrust"].children == ("barbell-hip-thrust", "single-leg-hip-thrust")
    assert v["hip-thrust"].root == "hip-thrust"
    assert v["hip-thrust"].depth == 0
    leaf = v["single-leg-hip-thrust-with-iso-hold"]
    assert (leaf.parent, leaf.children, leaf.root, leaf.depth, leaf.inferred) == (
        "single-leg-hip-thrust",
        (),
        "hip-thrust",
        2,
        False,
    )
    assert v["glute-bridge"].children == ()
    assert library.families == ("hip-thrust",)  # roots with variations only
    assert library.lineage("single-leg-hip-thrust-with-iso-hold") == [
        "hip-thrust",
        "single-leg-hip-thrust",
        "single-leg-hip-thrust-with-iso-hold",
    ]
    assert library.family("hip-thrust") == [
        ("hip-thrust", 0),
        ("barbell-hip-thrust", 1),
        ("single-leg-hip-thrust", 1),
        ("single-leg-hip-thrust-with-iso-hold", 2),
    ]


def test_parent_inferred_from_a_contained_title_with_a_warning() -> None:
    library, problems = build(
        ex("hip-thrust", title="Hip Thrust"),
        ex("single-leg-hip-thrust", title="Single-Leg Hip Thrust"),
        ex("single-leg-hip-thrust-iso", title="Single Leg Hip Thrust with Iso Hold"),
    )
    # The longest contained title wins: "Single-Leg Hip Thrust", not "Hip Thrust".
    assert library.variations["single-leg-hip-thrust-iso"].parent == "single-leg-hip-thrust"
    assert library.variations["single-leg-hip-thrust-iso"].inferred is True
    assert library.variations["single-leg-hip-thrust"].parent == "hip-thrust"
    # The exercise keeps what its file says; the guess lives in the variation tree.
    assert library["single-leg-hip-thrust-iso"].variation_of is None
    assert library.variations["hip-thrust"].inferred is False
    assert problems == [
        "exercises/single-leg-hip-thrust-iso.md:1: warning: variation_of inferred as"
        " 'single-leg-hip-thrust' because its title 'Single-Leg Hip Thrust' is part of this"
        " one; write 'variation_of: single-leg-hip-thrust' (or 'variation_of: null' for no"
        " parent)",
        "exercises/single-leg-hip-thrust.md:1: warning: variation_of inferred as 'hip-thrust'"
        " because its title 'Hip Thrust' is part of this one; write 'variation_of: hip-thrust'"
        " (or 'variation_of: null' for no parent)",
    ]


def test_inference_needs_whole_words() -> None:
    library, problems = build(ex("row", title="Row"), ex("narrow-squat", title="Narrow Squat"))
    assert library.variations["narrow-squat"].parent is None
    assert problems == []


def test_variation_of_null_turns_inference_off() -> None:
    library, problems = build(
        ex("hip-thrust", title="Hip Thrust"),
        ex("b-stance-hip-thrust", title="B-Stance Hip Thrust", variation_of=None),
    )
    assert library.variations["b-stance-hip-thrust"].parent is None
    assert library["b-stance-hip-thrust"].variation_of_null
    assert problems == []
    assert library.families == ()


def test_unknown_parent_is_an_error_with_a_suggestion() -> None:
    _, problems = build(
        ex("hip-thrust"),
        ex("band-hip-thrust", title="Banded", variation_of="hip-thrusts"),
    )
    assert problems == [
        "exercises/band-hip-thrust.md:3: error: 'variation_of: hip-thrusts' names no exercise;"
        " did you mean 'hip-thrust'?"
    ]


def test_self_parent_is_an_error() -> None:
    library, problems = build(ex("hip-thrust", variation_of="hip-thrust"))
    assert problems == [
        "exercises/hip-thrust.md:2: error: an exercise cannot be a variation of itself"
    ]
    assert library.variations["hip-thrust"].parent is None


def test_cycle_is_reported_once_and_broken() -> None:
    library, problems = build(
        ex("c-lift", title="C", variation_of="a-lift"),
        ex("a-lift", title="A", variation_of="b-lift"),
        ex("b-lift", title="B", variation_of="c-lift"),
        ex("d-lift", title="D", variation_of="b-lift"),
    )
    assert problems == [
        "exercises/a-lift.md:3: error: variation_of forms a cycle: a-lift -> b-lift -> c-lift"
        " -> a-lift"
    ]
    # Broken at its first slug, so every exercise still has a place.
    assert library.variations["a-lift"].parent is None
    assert library.variations["d-lift"].root == "a-lift"
    assert library.variations["d-lift"].depth == 3


def test_two_cycles_are_two_errors() -> None:
    _, problems = build(
        ex("a", title="A", variation_of="b"),
        ex("b", title="B", variation_of="a"),
        ex("x", title="X", variation_of="y"),
        ex("y", title="Y", variation_of="x"),
    )
    assert problems == [
        "exercises/a.md:3: error: variation_of forms a cycle: a -> b -> a",
        "exercises/x.md:3: error: variation_of forms a cycle: x -> y -> x",
    ]


def test_an_inferred_parent_never_makes_a_cycle() -> None:
    # "Hip Thrust" says it varies "Barbell Hip Thrust"; inferring the reverse would loop.
    library, problems = build(
        ex("hip-thrust", title="Hip Thrust", variation_of="barbell-hip-thrust"),
        ex("barbell-hip-thrust", title="Barbell Hip Thrust"),
    )
    assert [p for p in problems if ": error: " in p] == []
    assert library.variations["hip-thrust"].parent == "barbell-hip-thrust"
    assert library.variations["barbell-hip-thrust"].parent is None


def test_duplicate_slug_is_an_error_naming_both_files() -> None:
    library, problems = build(
        ex("hip-thrust"),
        ex("hip-thrust-again", slug="hip-thrust"),
    )
    assert problems == [
        "exercises/hip-thrust.md:1: error: duplicate slug 'hip-thrust':"
        " exercises/hip-thrust-again.md has it too; rename one file or set 'slug:'"
    ]
    assert list(library.exercises) == ["hip-thrust"]


# -- drafts ------------------------------------------------------------------------------


def test_drafts_are_skipped_unless_asked_for() -> None:
    exercises = (ex("hip-thrust"), ex("frog-pump", draft=True))
    library, problems = build(*exercises)
    assert list(library.exercises) == ["hip-thrust"]
    assert library.muscles["glutes"].primary == ("hip-thrust",)
    assert problems == []
    with_drafts, _ = build(*exercises, drafts=True)
    assert list(with_drafts.exercises) == ["frog-pump", "hip-thrust"]


def test_a_draft_parent_leaves_the_child_without_a_parent() -> None:
    exercises = (
        ex("hip-thrust", title="Hip Thrust", draft=True),
        ex("banded-hip-thrust", title="Banded Hip Thrust", variation_of="hip-thrust"),
    )
    library, problems = build(*exercises)
    assert library.variations["banded-hip-thrust"].parent is None
    assert library["banded-hip-thrust"].variation_of == "hip-thrust"  # as the file says
    assert problems == [
        "exercises/banded-hip-thrust.md:3: warning: 'variation_of: hip-thrust' is a draft,"
        " so this page is shown without a parent"
    ]
    shown, problems = build(*exercises, drafts=True)
    assert shown.variations["banded-hip-thrust"].parent == "hip-thrust"
    assert problems == []


def test_a_draft_is_never_inferred_as_a_parent() -> None:
    library, problems = build(
        ex("hip-thrust", title="Hip Thrust", draft=True),
        ex("banded-hip-thrust", title="Banded Hip Thrust"),
    )
    assert library.variations["banded-hip-thrust"].parent is None
    assert problems == []


def test_a_duplicate_of_a_draft_is_not_a_duplicate() -> None:
    library, problems = build(ex("hip-thrust"), ex("hip-thrust-new", slug="hip-thrust", draft=True))
    assert problems == []
    assert library["hip-thrust"].source.path == Path("exercises/hip-thrust.md")


@pytest.mark.parametrize("drafts", [False, True])
def test_the_shipped_library_builds_cleanly(drafts: bool) -> None:
    from thrustlib.engine.load import load_exercises

    root = Path(__file__).parent.parent
    problems = Problems()
    exercises = load_exercises(root / "exercises", VOCABULARY, problems, root=root)
    library = build_library(exercises, VOCABULARY, problems, drafts=drafts)
    assert [str(p) for p in problems] == []
    assert len(library) == len(list((root / "exercises").glob("*.md")))
    for slug, variation in library.variations.items():
        assert library.lineage(slug)[0] == variation.root
        assert len(library.lineage(slug)) == variation.depth + 1


def test_a_dropped_stated_parent_is_not_replaced_by_a_guess() -> None:
    library, problems = build(
        ex("hip-thrust", title="Hip Thrust"),
        ex("banded-hip-thrust", title="Banded Hip Thrust", variation_of="nothing-here"),
    )
    assert library.variations["banded-hip-thrust"].parent is None
    assert problems == [
        "exercises/banded-hip-thrust.md:3: error: 'variation_of: nothing-here' names no exercise"
    ]


# -- the variation inference's shortcuts, against the plain code they replace ------------


def reference_contained_title(
    words: tuple[str, ...], titles: dict[tuple[str, ...], str], own: str
) -> str | None:
    """The longest other title that is a run of words of this one, every run looked up."""
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            found = titles.get(words[start : start + size])
            if found is not None and found != own:
                return found
    return None


WORDS = st.sampled_from(["hip", "thrust", "single", "leg", "iso", "hold", "band", "a"])
TITLES = st.lists(st.lists(WORDS, min_size=0, max_size=6).map(tuple), min_size=1, max_size=30)


@given(TITLES)
def test_a_contained_title_is_the_one_every_run_looked_up_finds(
    drawn: list[tuple[str, ...]],
) -> None:
    titles: dict[tuple[str, ...], str] = {}
    for n, title in enumerate(drawn):
        titles.setdefault(title, f"slug-{n}")
    starts: dict[str, list[int]] = {}
    for title in titles:
        if title:
            starts.setdefault(title[0], []).append(len(title))
    lengths = {word: sorted(set(found), reverse=True) for word, found in starts.items()}
    for n, words in enumerate(drawn):
        own = f"slug-{n}"
        expected = reference_contained_title(words, titles, own)
        assert library_module._contained_title(words, titles, lengths, own) == expected


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_title_words_are_the_normalized_title_split(title: str) -> None:
    assert title_words(title) == tuple(normalize_text(title).split())


@given(st.text(alphabet=" \t\n\x1c\x85\u00a0\u2003-_ab", max_size=30))
def test_title_words_split_at_every_separator_run_as_normalizing_does(title: str) -> None:
    assert title_words(title) == tuple(normalize_text(title).split())
