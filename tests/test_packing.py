"""Exercises packed for the cache and between processes: entries, whole ones, safety."""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import os
import pickle
from pathlib import Path
from types import MappingProxyType

import pytest

from thrustlib.config import load_config
from thrustlib.content.library import build_library, shape
from thrustlib.content.model import ENTRY_FIELDS, Entry, Exercise, HeldContents, Library
from thrustlib.content.parse import ParseResult, title_from_filename
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import flat, packing
from thrustlib.engine.build import load_library
from thrustlib.engine.load import load_exercises
from thrustlib.engine.parsecache import ParseCache
from thrustlib.engine.site import Engine
from thrustlib.errors import Problems

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = Vocabulary()


@pytest.fixture(scope="module")
def shipped() -> list[Exercise]:
    exercises = load_exercises(ROOT / "exercises", VOCABULARY, Problems(), root=ROOT)
    assert len(exercises) >= 30
    return exercises


def test_an_entry_keeps_what_indexes_read_and_drops_the_page(
    shipped: list[Exercise],
) -> None:
    page_fields = {f.name for f in dataclasses.fields(Exercise)} - set(ENTRY_FIELDS)
    assert {"setup", "execution", "howto", "sections", "rendered"} <= page_fields
    for exercise in shipped:
        entry = exercise.entry()
        assert type(entry) is Entry  # not an Exercise: nothing can read page content from it
        assert not any(hasattr(entry, name) for name in page_fields)
        assert {n: getattr(entry, n) for n in ENTRY_FIELDS} == {
            n: getattr(exercise, n) for n in ENTRY_FIELDS
        }
        assert len(packing.dumps(entry)) < len(packing.dumps(exercise))


def test_a_packed_result_carries_the_entry_the_problems_and_the_whole(
    shipped: list[Exercise],
) -> None:
    exercise = shipped[0]
    result = packing.pack(ParseResult(exercise, []))
    assert result.ok and result.entry == exercise.entry()
    assert result.data is not None and packing.unpack(result.data) == exercise
    assert packing.loads(packing.dumps(result)) == result
    empty = packing.pack(ParseResult(None, []))
    assert empty.entry is None and empty.data is None and not empty.ok
    assert empty.shape is None


def test_a_packed_result_carries_the_digest_of_its_structure(
    shipped: list[Exercise],
) -> None:
    """The digest the kept indexes are found by: the entry's structure, and only that."""
    exercise = shipped[0]
    result = packing.pack(ParseResult(exercise, []))
    assert result.shape == shape(exercise.entry()) == shape(exercise)
    # A build without the cache never asks for it: packed for one, a result has none.
    unshaped = packing.pack(ParseResult(exercise, []), shaped=False)
    assert unshaped.shape is None and unshaped == dataclasses.replace(result, shape=None)
    assert len({shape(e) for e in shipped}) == len(shipped)
    retitled = dataclasses.replace(exercise, title=exercise.title + " Again")
    assert shape(retitled) != shape(exercise)
    reworded = dataclasses.replace(exercise, summary="Another summary altogether.")
    assert shape(reworded) == shape(exercise)  # the text: not what indexes read


def test_packing_and_unpacking_gives_the_same_exercise(shipped: list[Exercise]) -> None:
    for exercise in shipped:
        assert packing.unpack(packing.dumps(exercise)) == exercise
        packed = packing.pack_exercise(exercise)
        assert packed.startswith(flat.TAG)  # marshalled: no date in the shipped files
        _assert_same(packing.unpack(packed), exercise)
    with pytest.raises(TypeError, match="not an Exercise"):
        packing.unpack(packing.dumps(Path("x")))


def _assert_same(opened: Exercise, exercise: Exercise) -> None:
    """Equal, and of the same types all the way down (a tuple is not a list, a read-only
    mapping not a dictionary): what a template or the JSON API sees is the same."""
    assert opened == exercise
    for name in (f.name for f in dataclasses.fields(Exercise)):
        mine, theirs = getattr(opened, name), getattr(exercise, name)
        assert type(mine) is type(theirs), name
        if isinstance(theirs, tuple):
            assert [type(x) for x in mine] == [type(x) for x in theirs], name
    assert type(opened.source.path) is type(exercise.source.path)
    assert type(opened.source.key_lines) is type(exercise.source.key_lines)


def test_an_exercise_with_a_date_is_pickled_and_opens_the_same(
    shipped: list[Exercise],
) -> None:
    """What marshal cannot write (a date, in the video's upload date or in a key of the
    author's own) is pickled instead, and opens the same."""
    exercise = shipped[0]
    dated = [
        dataclasses.replace(exercise, video_uploaded=dt.date(2024, 5, 1)),
        dataclasses.replace(exercise, extra=MappingProxyType({"reviewed": dt.date(2025, 1, 2)})),
        dataclasses.replace(
            exercise, extra=MappingProxyType({"log": [{"on": dt.datetime(2025, 1, 2, 3, 4)}]})
        ),
    ]
    for one in dated:
        packed = packing.pack_exercise(one)
        assert not packed.startswith(flat.TAG)
        _assert_same(packing.unpack(packed), one)
    # Plain values of the author's own keys stay marshalled, nested as they were.
    nested = {"coach": {"name": "Ann", "sets": [3, 4.5, None, True]}, "tags": ["a", "b"]}
    plain = dataclasses.replace(exercise, extra=MappingProxyType(nested))
    packed = packing.pack_exercise(plain)
    assert packed.startswith(flat.TAG)
    _assert_same(packing.unpack(packed), plain)


@pytest.mark.parametrize("data", [flat.TAG, flat.TAG + b"\x00", flat.TAG + marshal.dumps((1, 2))])
def test_bytes_marked_marshalled_that_hold_no_exercise_are_refused(data: bytes) -> None:
    with pytest.raises(TypeError, match="not a marshalled exercise"):
        packing.unpack(data)


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


def _packed_library(exercises: list[Exercise]) -> Library:
    """The library of ``exercises`` as another process gives it: entries, whole ones packed."""
    entries = [e.entry() for e in exercises]
    packed = {
        id(entry): packing.PackedResult(entry, (), packing.dumps(e), None)
        for entry, e in zip(entries, exercises, strict=True)
    }
    library = build_library(entries, VOCABULARY, Problems())
    return dataclasses.replace(library, contents=packing.PackedContents.of(library, packed))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The packed exercises opened while the test runs, in order."""
    found: list[object] = []
    unpack = packing.unpack
    monkeypatch.setattr(packing, "unpack", lambda data: found.append(data) or unpack(data))
    return found


def test_a_library_holds_entries_and_opens_packed_exercises_when_asked(
    shipped: list[Exercise],
) -> None:
    library = _packed_library(shipped)
    whole = build_library(shipped, VOCABULARY, Problems())
    assert isinstance(library.contents, packing.PackedContents)
    assert set(library.contents.packed) == set(library.exercises)
    by_slug = {e.slug: e for e in shipped}
    for slug in whole.exercises:
        assert type(whole[slug]) is Entry and whole[slug] == library[slug]
        assert library.whole(slug) == by_slug[slug]
        assert whole.whole(slug) is by_slug[slug]  # parsed here: held as it is


def test_contents_put_an_edited_exercise_in_front_of_the_old_one(
    shipped: list[Exercise],
) -> None:
    first, second = shipped[0], shipped[1]
    packed = packing.PackedContents(
        {first.slug: packing.dumps(first), second.slug: packing.dumps(second)},
        HeldContents({}),
    )
    edited = dataclasses.replace(first, summary="Edited.")
    once = HeldContents.over(packed, {first.slug: edited})
    assert once.whole(first.slug) is edited and once.whole(second.slug) == second
    again = HeldContents.over(once, {second.slug: second})
    assert again.rest is packed  # one level, however many edits
    with pytest.raises(KeyError):
        again.whole("no-such-exercise")


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
    assert isinstance(one.contents, HeldContents)
    assert isinstance(two.contents, packing.PackedContents)
    assert list(one.exercises) == list(two.exercises)
    for slug in one.exercises:
        assert two[slug] == one[slug]
        assert two.whole(slug) == one.whole(slug)
    engine = Engine(config, jobs=2)
    engine.load()
    packed = [e for e in engine.entries.values() if isinstance(e, packing.PackedResult)]
    assert packed and all(e.shape is None for e in packed)  # no cache: no shapes taken


def test_packed_contents_open_the_exercise_asked_for_again_once(
    shipped: list[Exercise], opened: list[object]
) -> None:
    first, second = shipped[0], shipped[1]
    packed = packing.PackedContents(
        {first.slug: packing.dumps(first), second.slug: packing.dumps(second)},
        HeldContents({}),
    )
    one = packed.whole(first.slug)
    assert packed.whole(first.slug) is one and one == first and len(opened) == 1
    assert packed.whole(second.slug) == second and len(opened) == 2
    # Only the last one is kept: the first is opened again, as a new object.
    again = packed.whole(first.slug)
    assert again == first and again is not one and len(opened) == 3
    assert packed == packing.PackedContents(packed.packed, packed.held)  # not compared


def test_rendering_opens_each_packed_exercise_once_for_its_page_and_its_api_piece(
    shipped: list[Exercise], opened: list[object]
) -> None:
    from thrustlib.engine.render import Discard, render_into
    from thrustlib.site.render import Renderer

    library = _packed_library(shipped)
    render_into(Renderer(load_config(ROOT)), library, Discard(), jobs=1)
    # Its page, then its piece of the API: one opening for both. (Other pages read
    # entries alone.)
    assert len(opened) == len(library)
