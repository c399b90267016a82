"""Exercises packed for the cache and between processes: outlines, whole ones, safety."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

import pytest

from thrustlib.config import load_config
from thrustlib.content.library import build_library
from thrustlib.content.model import NO_CONTENTS, Exercise
from thrustlib.content.parse import title_from_filename
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import packing
from thrustlib.engine.build import load_library
from thrustlib.engine.cache import ParseCache
from thrustlib.engine.load import load_exercises
from thrustlib.errors import Problems

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = Vocabulary()


@pytest.fixture(scope="module")
def shipped() -> list[Exercise]:
    exercises = load_exercises(ROOT / "exercises", VOCABULARY, Problems(), root=ROOT)
    assert len(exercises) >= 30
    return exercises


def test_an_outline_keeps_what_indexes_read_and_drops_the_page(
    shipped: list[Exercise],
) -> None:
    for exercise in shipped:
        small = packing.outline(exercise)
        for name, empty in packing.PAGE_FIELDS.items():
            assert getattr(small, name) == empty
        kept = {f.name for f in dataclasses.fields(exercise)} - set(packing.PAGE_FIELDS)
        assert {n: getattr(small, n) for n in kept} == {n: getattr(exercise, n) for n in kept}
        assert len(packing.dumps(small)) < len(packing.dumps(exercise))


def test_packing_and_unpacking_gives_the_same_exercise(shipped: list[Exercise]) -> None:
    for exercise in shipped:
        assert packing.unpack(packing.dumps(exercise)) == exercise
    with pytest.raises(TypeError, match="not an Exercise"):
        packing.unpack(packing.dumps(Path("x")))


class _Call:
    """A pickle that calls ``function(*args)`` when loaded: what a planted cache could try."""

    def __init__(self, function: object, *args: object) -> None:
        self.function, self.args = function, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.function, self.args


@pytest.mark.parametrize(
    "planted",
    [
        _Call(os.system, "echo hacked"),
        _Call(eval, "1 + 1"),
        # A function of a module whose classes are allowed is still refused.
        _Call(title_from_filename, Path("x.md")),
        _Call(load_exercises, Path(), VOCABULARY, Problems()),
        # Exact (module, name) pairs: a class beside the allowed ones is refused too.
        _Call(ParseCache, Path("/tmp/planted"), VOCABULARY),
        _Call(Vocabulary),
    ],
    ids=[
        "os.system",
        "eval",
        "thrustlib-function",
        "thrustlib-loader",
        "class-beside-allowed",
        "vocabulary",
    ],
)
def test_unpacking_builds_nothing_but_thrustlib_data(planted: _Call) -> None:
    data = pickle.dumps(planted)
    with pytest.raises(pickle.UnpicklingError, match="is not allowed"):
        packing.loads(data)


def test_a_library_opens_packed_exercises_when_asked(shipped: list[Exercise]) -> None:
    packed = {e.source.path: packing.dumps(e) for e in shipped}
    outlines = [packing.outline(e) for e in shipped]
    library = build_library(outlines, VOCABULARY, Problems())
    library = dataclasses.replace(library, contents=packing.PackedContents.of(library, packed))
    whole = build_library(shipped, VOCABULARY, Problems())
    assert isinstance(library.contents, packing.PackedContents)
    assert set(library.contents.packed) == set(library.exercises)
    for slug in whole.exercises:
        assert library[slug] == packing.outline(whole[slug])
        assert library.whole(slug) == whole[slug]
        assert whole.whole(slug) is whole[slug]  # nothing packed: the exercise itself


def test_loading_in_two_processes_gives_the_same_exercises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from thrustlib.engine import workers as parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    config = load_config(ROOT)
    one, _ = load_library(config, jobs=1)
    two, _ = load_library(config, jobs=2)
    assert one.contents is NO_CONTENTS
    assert isinstance(two.contents, packing.PackedContents)
    assert list(one.exercises) == list(two.exercises)
    for slug in one.exercises:
        assert two.whole(slug) == one[slug]
