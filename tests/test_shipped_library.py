"""The library the repository ships must build strictly and stay a real showcase.

These counts are the promises the README makes about ``thrustlib build`` out of the
box; a later edit to ``exercises/`` that breaks one fails here, not in front of a user.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thrustlib.config import load_config
from thrustlib.content.model import Library
from thrustlib.engine.build import build, load_library

ROOT = Path(__file__).resolve().parent.parent
KNOWN_VIDEOS = {
    "leverage-machine-hip-thrust": "tztHvSLdXLA",
    "lying-leg-curl": "vl5nUdE9mWM",
}


@pytest.fixture(scope="module")
def library() -> Library:
    # strict: any warning (an inferred value, a typo'd key) raises ContentError here
    lib, problems = load_library(load_config(ROOT), strict=True)
    assert list(problems) == []
    return lib


def test_enough_exercises(library: Library) -> None:
    assert len(library) >= 24


def test_nothing_inferred_everything_stated(library: Library) -> None:
    for exercise in library.exercises.values():
        # The slug always comes from the file name (FORMAT.md); nothing else is derived.
        assert exercise.inferred <= {"slug"}, exercise.slug
        assert dict(exercise.extra) == {}, exercise.slug
        for key in ("muscles", "secondary_muscles", "equipment", "level", "variation_of"):
            assert exercise.source.line_of(key) is not None, (exercise.slug, key)
        assert exercise.description
        whole = library.whole(exercise.slug)
        assert whole.setup and whole.execution and whole.tips and whole.mistakes
        assert whole.summary, exercise.slug
        assert whole.howto, exercise.slug


def test_every_variation_of_resolves(library: Library) -> None:
    for exercise in library.exercises.values():
        if exercise.variation_of is not None:
            assert exercise.variation_of in library.exercises


def test_variation_families(library: Library) -> None:
    assert len(library.families) >= 2
    deepest = max(v.depth for v in library.variations.values())
    assert deepest >= 2, "one family must be at least three levels deep"
    assert library.lineage("single-leg-hip-thrust-iso-hold") == [
        "hip-thrust",
        "single-leg-hip-thrust",
        "single-leg-hip-thrust-iso-hold",
    ]


def test_every_muscle_page_lists_at_least_two_exercises(library: Library) -> None:
    assert library.muscles, "no muscle pages at all"
    for key, group in library.muscles.items():
        assert group.count >= 2, key


def test_hip_thrust_family_covers_the_brief(library: Library) -> None:
    family = {slug for slug, _ in library.family("hip-thrust")}
    for slug in (
        "bodyweight-hip-thrust",
        "barbell-hip-thrust",
        "dumbbell-hip-thrust",
        "band-hip-thrust",
        "leverage-machine-hip-thrust",
        "single-leg-hip-thrust",
        "single-leg-hip-thrust-iso-hold",
        "single-leg-hip-thrust-eccentric",
        "single-leg-hip-thrust-1-5-rep",
        "weighted-single-leg-hip-thrust",
        "banded-single-leg-hip-thrust",
    ):
        assert slug in family
    for slug in ("glute-bridge", "lying-leg-curl", "romanian-deadlift", "step-up"):
        assert slug in library.exercises


def test_only_known_video_ids(library: Library) -> None:
    videos = {slug: e.video for slug, e in library.exercises.items() if e.video}
    assert videos == KNOWN_VIDEOS


def test_shipped_library_builds_strictly(tmp_path: Path) -> None:
    result = build(load_config(ROOT), output=tmp_path / "site", strict=True)
    assert result.warnings == ()
    assert result.exercises >= 24
    for key in load_library(load_config(ROOT))[0].muscles:
        page = (tmp_path / "site" / "muscles" / key / "index.html").read_text("utf-8")
        links = set(re.findall(r'href="[^"]*exercises/([a-z0-9-]+)/', page))
        assert len(links) >= 2, key
