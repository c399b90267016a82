"""related.py: substitutes, easier and harder exercises, their reverse, and level gaps."""

from __future__ import annotations

import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import SETTINGS
from thrustlib.content.library import build_library
from thrustlib.content.model import Entry, Library, Source
from thrustlib.content.parse import load_exercise
from thrustlib.content.related import Related
from thrustlib.content.text import sort_key
from thrustlib.content.vocabulary import LEVELS, Vocabulary
from thrustlib.errors import Problems

VOCABULARY = Vocabulary()


def entry(
    slug: str,
    *,
    title: str | None = None,
    muscles: tuple[str, ...] = ("glutes",),
    secondary: tuple[str, ...] = (),
    equipment: tuple[str, ...] = (),
    level: str | None = None,
    parent: str | None = None,
) -> Entry:
    """An index entry as the parser would give it; no parent means ``variation_of: null``,
    so that no parent is inferred from the titles."""
    return Entry(
        source=Source(Path(f"exercises/{slug}.md")),
        slug=slug,
        title=title or slug.replace("-", " ").title(),
        description="An exercise.",
        muscles=muscles,
        secondary_muscles=secondary,
        equipment=equipment,
        level=level,
        variation_of=parent,
        variation_of_null=parent is None,
    )


def build(*entries: Entry) -> Library:
    problems = Problems()
    library = build_library(entries, VOCABULARY, problems)
    assert not problems.has_errors(), [str(p) for p in problems]
    return library


# -- substitutes ---------------------------------------------------------------------------


def test_substitutes_rank_by_primary_then_secondary_then_level_then_title() -> None:
    library = build(
        entry(
            "own",
            muscles=("glutes", "hamstrings"),
            secondary=("quadriceps", "lower-back"),
            level="intermediate",
            equipment=("barbell",),
        ),
        # Both primaries shared beats any number of secondaries.
        entry("both", muscles=("hamstrings", "glutes"), level="advanced", equipment=("dumbbell",)),
        # One primary: two secondaries shared, though a level apart ...
        entry(
            "two-secondary",
            secondary=("lower-back", "quadriceps"),
            level="beginner",
            equipment=("machine",),
        ),
        # ... beat one secondary at the same level; a title tie goes by title, then slug.
        entry(
            "one-secondary-b",
            title="Kickback",
            secondary=("quadriceps",),
            level="intermediate",
            equipment=("band",),
        ),
        entry(
            "one-secondary-a",
            title="kickback",
            secondary=("quadriceps",),
            level="intermediate",
            equipment=("cable",),
        ),
        entry(
            "aaa-one-secondary",
            title="Zercher Bridge",
            secondary=("quadriceps",),
            level="intermediate",
            equipment=("cable",),
        ),
        # A level apart comes after the same level; no level at all after both.
        entry(
            "unknown-level",
            title="Aardvark Curl",
            muscles=("hamstrings",),
            secondary=("quadriceps",),
            equipment=("cable",),
        ),
        entry(
            "level-apart",
            muscles=("hamstrings",),
            secondary=("quadriceps",),
            level="advanced",
            equipment=("cable",),
        ),
        # Its primary muscle is one of own's secondary ones: it shares no primary muscle.
        entry("quads-first", muscles=("quadriceps",), secondary=("glutes",), equipment=("box",)),
        # A primary muscle shared, but only as its secondary: the same, it is not a candidate.
        entry("secondary-only", muscles=("calves",), secondary=("glutes", "hamstrings")),
    )
    assert Related(library, count=10).substitutes("own") == (
        "both",
        "two-secondary",
        "one-secondary-a",
        "one-secondary-b",
        "aaa-one-secondary",
        "level-apart",
        "unknown-level",
    )


def test_an_exercise_without_a_level_ranks_everyone_as_unknown_distance() -> None:
    library = build(
        entry("own", equipment=("barbell",)),
        entry("zulu", level="beginner", equipment=("band",)),
        entry("alpha", level="advanced", equipment=("band",)),
        entry("mike", equipment=("band",)),
    )
    assert Related(library).substitutes("own") == ("alpha", "mike", "zulu")


@pytest.mark.parametrize(
    ("own", "other", "qualifies"),
    [
        ((), ("bodyweight",), False),  # both need nothing
        (("bodyweight",), (), False),
        (("bench",), ("bench", "bodyweight"), False),
        (("barbell", "bench"), ("bench", "barbell"), False),  # order does not matter
        (("barbell", "bench"), ("bench",), True),  # needing less is other equipment too
        (("bench",), ("barbell", "bench"), True),  # and so is needing more
        (("bodyweight",), ("band",), True),
        (("barbell",), ("dumbbell",), True),
    ],
)
def test_substitutes_need_other_equipment(
    own: tuple[str, ...], other: tuple[str, ...], qualifies: bool
) -> None:
    library = build(entry("own", equipment=own), entry("other", equipment=other))
    assert Related(library).substitutes("own") == (("other",) if qualifies else ())


def test_substitutes_leave_out_the_whole_variation_family() -> None:
    library = build(
        entry("root", equipment=("barbell",)),
        entry("child", equipment=("band",), parent="root"),
        entry("grandchild", equipment=("dumbbell",), parent="child"),
        entry("sibling", equipment=("machine",), parent="root"),
        entry("stranger", equipment=("cable",)),
        entry("stranger-child", equipment=("bench",), parent="stranger"),
    )
    related = Related(library)
    for slug in ("root", "child", "grandchild", "sibling"):
        assert related.substitutes(slug) == ("stranger", "stranger-child")
    assert related.substitutes("stranger") == ("child", "grandchild", "root", "sibling")


def test_substitute_count() -> None:
    others = [entry(f"other-{n}", equipment=("band",)) for n in range(9)]
    library = build(entry("own", equipment=("barbell",)), *others)
    assert Related(library).substitutes("own") == tuple(f"other-{n}" for n in range(6))
    assert Related(library, count=2).substitutes("own") == ("other-0", "other-1")
    assert Related(library, count=20).substitutes("own") == tuple(f"other-{n}" for n in range(9))
    off = Related(library, count=0)
    assert off.substitutes("own") == ()
    assert off.listers("other-0") == frozenset()
    with pytest.raises(ValueError, match="0 or more"):
        Related(library, count=-1)


def test_a_slug_the_library_does_not_have_is_a_key_error() -> None:
    related = Related(build(entry("own")))
    with pytest.raises(KeyError):
        related.substitutes("missing")
    with pytest.raises(KeyError):
        related.easier("missing")
    assert related.listers("missing") == frozenset()


def test_the_order_of_the_files_does_not_change_the_answers() -> None:
    rng = random.Random(15)
    entries = [
        entry(
            f"lift-{n:02}",
            title=rng.choice(["Bridge", "bridge", "Curl", "Élan Thrust", "Lunge"]),
            muscles=tuple(rng.sample(["glutes", "hamstrings", "quadriceps"], rng.randint(1, 2))),
            secondary=tuple(rng.sample(["calves", "abdominals", "lower-back"], rng.randint(0, 2))),
            equipment=tuple(rng.sample(["barbell", "band", "bodyweight"], rng.randint(0, 2))),
            level=rng.choice([*LEVELS, None]),
            parent=f"lift-{rng.randrange(n):02}" if n and rng.random() < 0.4 else None,
        )
        for n in range(40)
    ]
    first = Related(build(*entries))
    for _ in range(3):
        rng.shuffle(entries)
        again = Related(build(*entries))
        for slug in first.library.exercises:
            assert again.substitutes(slug) == first.substitutes(slug)
            assert again.easier(slug) == first.easier(slug)
            assert again.harder(slug) == first.harder(slug)


def test_threads_may_ask_at_once() -> None:
    # The preview renders pages on several threads, sharing one Related per library.
    rng = random.Random(7)
    library = build(
        *(
            entry(
                f"lift-{n:03}",
                muscles=tuple(rng.sample(["glutes", "hamstrings", "quadriceps"], 1)),
                secondary=tuple(rng.sample(["calves", "abdominals"], rng.randint(0, 2))),
                equipment=(rng.choice(["barbell", "band", "cable", "machine"]),),
                level=rng.choice([*LEVELS, None]),
            )
            for n in range(400)
        )
    )
    slugs = list(library.exercises)
    alone = Related(library)
    expected = [alone.substitutes(slug) for slug in slugs * 4]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, in the middle of a ranking too
    try:
        for _ in range(3):  # a race shows only while the rankings are first worked out
            shared = Related(library)
            with ThreadPoolExecutor(4) as pool:
                assert list(pool.map(shared.substitutes, slugs * 4)) == expected
    finally:
        sys.setswitchinterval(interval)


# -- easier and harder ---------------------------------------------------------------------


def ladder() -> Related:
    """root (beginner) -> a (intermediate) -> a1 (advanced), a2 (intermediate);
    root -> b (beginner) -> b1 (advanced)."""
    return Related(
        build(
            entry("root", level="beginner"),
            entry("a", level="intermediate", parent="root"),
            entry("a1", level="advanced", parent="a"),
            entry("a2", level="intermediate", parent="a"),
            entry("b", level="beginner", parent="root"),
            entry("b1", level="advanced", parent="b"),
        )
    )


@pytest.mark.parametrize(
    ("slug", "easier", "harder"),
    [
        ("root", None, "a"),  # a child, one link away
        ("a", "root", "a1"),  # a2 is the same level: neither easier nor harder
        ("a1", "a", None),
        ("a2", "root", "a1"),  # the grandparent (2 links) before b (3); a sibling up
        ("b", None, "a"),  # no easier level; a sibling (2 links) before a2 (3)
        ("b1", "a", None),  # the highest level below wins over the nearer parent b
    ],
)
def test_easier_and_harder_in_a_family(slug: str, easier: str | None, harder: str | None) -> None:
    related = ladder()
    assert related.easier(slug) == easier
    assert related.harder(slug) == harder


def test_the_parent_and_children_come_before_siblings_whatever_their_titles() -> None:
    related = Related(
        build(
            entry("parent", title="Zulu", level="beginner"),
            entry("own", level="intermediate", parent="parent"),
            entry("sibling", title="Alpha", level="beginner", parent="parent"),
            entry("child", title="Zebra", level="advanced", parent="own"),
            entry("sibling-2", title="Aaron", level="advanced", parent="parent"),
        )
    )
    assert related.easier("own") == "parent"
    assert related.harder("own") == "child"


def test_at_the_same_distance_the_title_decides() -> None:
    related = Related(
        build(
            entry("root", level="beginner"),
            entry("own", level="intermediate", parent="root"),
            entry("zed", title="Zed", level="advanced", parent="own"),
            entry("abe", title="Abe", level="advanced", parent="own"),
        )
    )
    assert related.harder("own") == "abe"


def test_without_a_close_relative_at_the_level_the_family_answers() -> None:
    # own's parent and siblings are all its own level; the easier one is a cousin.
    related = Related(
        build(
            entry("root", level="intermediate"),
            entry("left", level="intermediate", parent="root"),
            entry("own", level="intermediate", parent="left"),
            entry("twin", level="intermediate", parent="left"),
            entry("right", level="intermediate", parent="root"),
            entry("cousin", level="beginner", parent="right"),
        )
    )
    assert related.easier("own") == "cousin"
    assert related.harder("own") is None
    assert related.harder("cousin") == "right"


def test_no_levels_no_ladder() -> None:
    related = Related(
        build(
            entry("root"),
            entry("child", parent="root"),
            entry("leveled", level="advanced", parent="root"),
            entry("alone", level="beginner"),
        )
    )
    for slug in ("root", "child", "alone"):
        assert (related.easier(slug), related.harder(slug)) == (None, None)
    # Only members with a level are steps: the ones without are skipped, not ranked.
    assert (related.easier("leveled"), related.harder("leveled")) == (None, None)


def test_progressions_can_be_turned_off() -> None:
    library = ladder().library
    off = Related(library, ladder=False)
    for slug in library.exercises:
        assert (off.easier(slug), off.harder(slug)) == (None, None)
    assert off.listers("a") == frozenset()  # root and b named it as harder; now no one
    assert off.substitutes("a") == Related(library).substitutes("a")


def test_progressions_stay_in_the_family() -> None:
    related = Related(
        build(
            entry("own", level="intermediate"),
            entry("child", level="intermediate", parent="own"),
            entry("stranger", level="beginner"),
            entry("stranger-child", level="advanced", parent="stranger"),
        )
    )
    assert (related.easier("own"), related.harder("own")) == (None, None)


def test_a_library_of_some_entries_with_the_whole_tree_is_answered_from_what_it_has() -> None:
    # What an incremental build makes to work out the pages that name a few exercises:
    # the members it lacks (root, a1, b) still link the tree, but are no steps.
    whole = ladder().library
    some = {slug: whole[slug] for slug in ("a", "a2", "b1")}
    part = Library(some, whole.vocabulary, {}, variations=whole.variations, families=("root",))
    related = Related(part)
    assert [(related.easier(s), related.harder(s)) for s in some] == [
        (None, "b1"),
        (None, "b1"),
        ("a", None),
    ]
    assert related.listers("a") == {"b1"}
    assert related.listers("b1") == {"a", "a2"}


# -- the reverse view ----------------------------------------------------------------------


def test_listers_name_the_pages_that_link_to_an_exercise() -> None:
    related = Related(
        build(
            entry("root", level="beginner", equipment=("barbell",)),
            entry("child", level="advanced", parent="root", equipment=("barbell",)),
            entry("other", level="beginner", equipment=("band",)),
        )
    )
    assert related.substitutes("other") == ("root", "child")  # the same level first
    assert related.listers("root") == {"child", "other"}  # child's easier, other's substitute
    assert related.listers("child") == {"root", "other"}
    assert related.listers("other") == {"root", "child"}


# -- against a plain reading of the rules, on generated libraries ---------------------------

MUSCLES = ["glutes", "hamstrings", "quadriceps", "calves"]
KIT = ["barbell", "band", "bench", "bodyweight"]


@st.composite
def libraries(draw: st.DrawFn) -> Library:
    size = draw(st.integers(1, 10))
    slugs = draw(st.permutations([f"ex-{n}" for n in range(size)]))
    entries = []
    for n, slug in enumerate(slugs):
        muscles = draw(st.lists(st.sampled_from(MUSCLES), max_size=2, unique=True))
        rest = [m for m in MUSCLES if m not in muscles]
        entries.append(
            entry(
                slug,
                title=draw(st.sampled_from(["Bridge", "bridge", "Curl", "Élan", "Row"])),
                muscles=tuple(muscles),
                secondary=tuple(draw(st.lists(st.sampled_from(rest), max_size=2, unique=True))),
                equipment=tuple(draw(st.lists(st.sampled_from(KIT), max_size=2, unique=True))),
                level=draw(st.sampled_from([*LEVELS, None])),
                parent=draw(st.one_of(st.none(), st.sampled_from(slugs[:n]))) if n else None,
            )
        )
    return build(*entries)


def plain_substitutes(library: Library, slug: str, count: int) -> tuple[str, ...]:
    """The substitute rules read literally: score every other exercise, sort, cut."""
    own = library[slug]

    def needs(e: Entry) -> frozenset[str]:
        return frozenset(e.equipment) - {"bodyweight"}

    def rank(e: Entry) -> tuple[int, int, int, str, str]:
        if own.level is None or e.level is None:
            distance = len(LEVELS)
        else:
            distance = abs(LEVELS.index(own.level) - LEVELS.index(e.level))
        return (
            -len(set(own.muscles) & set(e.muscles)),
            -len(set(own.secondary_muscles) & set(e.secondary_muscles)),
            distance,
            sort_key(e.title),
            e.slug,
        )

    root = library.variations[slug].root
    candidates = [
        e
        for e in library.exercises.values()
        if library.variations[e.slug].root != root
        and set(e.muscles) & set(own.muscles)
        and needs(e) != needs(own)
    ]
    return tuple(e.slug for e in sorted(candidates, key=rank)[:count])


def plain_step(library: Library, slug: str, up: bool) -> str | None:
    """Easier (``up`` false) or harder read literally: the family member at the nearest
    level on that side, nearest in the tree, then by title."""
    own = library[slug].level
    if own is None:
        return None
    members = [s for s, _ in library.family(library.variations[slug].root)]
    leveled = {s: LEVELS.index(level) for s in members if (level := library[s].level)}
    mine = LEVELS.index(own)
    side = [n for n in leveled.values() if (n > mine if up else n < mine)]
    if not side:
        return None
    target = min(side) if up else max(side)

    def links(other: str) -> int:
        mine, theirs = library.lineage(slug), library.lineage(other)
        common = 0
        while common < min(len(mine), len(theirs)) and mine[common] == theirs[common]:
            common += 1
        return len(mine) + len(theirs) - 2 * common

    at = [s for s, n in leveled.items() if n == target]
    return min(at, key=lambda s: (links(s), sort_key(library[s].title), s))


@SETTINGS
@given(libraries(), st.integers(0, 4))
def test_answers_follow_the_rules_read_literally(library: Library, count: int) -> None:
    related = Related(library, count)
    for slug in library.exercises:
        assert related.substitutes(slug) == plain_substitutes(library, slug, count)
        assert related.easier(slug) == plain_step(library, slug, up=False)
        assert related.harder(slug) == plain_step(library, slug, up=True)


@SETTINGS
@given(libraries(), st.integers(0, 4))
def test_listers_are_the_reverse_of_the_links(library: Library, count: int) -> None:
    related = Related(library, count)
    for x in library.exercises:
        for y in library.exercises:
            links = (*related.substitutes(x), related.easier(x), related.harder(x))
            assert (x in related.listers(y)) == (y in links)
    # One slug at a time (from the candidates alone) and all at once agree.
    every = Related(library, count).all_listers()
    for slug in library.exercises:
        assert related.listers(slug) == every.get(slug, frozenset())


# -- level gaps ------------------------------------------------------------------------------


def ex(name: str, **front: Any) -> Entry:
    """An exercise parsed from ``exercises/<name>.md`` with this front matter, for lines."""
    front.setdefault("description", "An exercise.")
    front.setdefault("muscles", ["glutes"])
    text = f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n## Execution\n1. Go.\n"
    return load_exercise(Path(f"exercises/{name}.md"), text.encode(), VOCABULARY)


def warnings(*exercises: Entry) -> list[str]:
    problems = Problems()
    build_library(exercises, VOCABULARY, problems)
    return [str(p) for p in problems.sorted()]


def test_a_family_with_levels_on_some_members_warns_about_the_others() -> None:
    found = warnings(
        ex("hip-thrust", title="Hip Thrust", variation_of=None),
        ex("band-hip-thrust", title="Band Hip Thrust", level="beginner", variation_of="hip-thrust"),
        ex("slow-hip-thrust", title="Slow Hip Thrust", variation_of="hip-thrust"),
        ex("crawl", title="Crawl"),  # alone, without a level: nothing to say
        ex("curl", title="Curl", variation_of=None),  # a family without levels: no gaps
        ex("curl-2", title="Curl Two", variation_of="curl"),
    )
    why = (
        "warning: the Easier/Harder links of the 'Hip Thrust' family skip this exercise,"
        " which has no level: add 'level:' (beginner, intermediate or advanced)"
    )
    assert found == [
        # At the variation_of line: after "---" and the title.
        f"exercises/hip-thrust.md:3: {why}",
        f"exercises/slow-hip-thrust.md:3: {why}",
    ]


def test_a_gap_without_a_variation_of_line_points_at_the_top_of_the_file() -> None:
    found = warnings(
        ex("lunge", title="Lunge"),
        ex("lunge-twist", title="Lunge Twist", level="advanced", variation_of="lunge"),
    )
    assert [line.split(": ", 1)[0] for line in found] == ["exercises/lunge.md:1"]
