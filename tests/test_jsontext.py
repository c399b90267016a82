"""The site's JSON (site/jsontext.py): orjson's output held to the standard library's."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from thrustlib.config import load_config
from thrustlib.engine.build import load_library
from thrustlib.site import jsonld, jsontext
from thrustlib.site.api import exercise_part
from thrustlib.site.render import Renderer

ROOT = Path(__file__).resolve().parent.parent


def _reference(data: Any, sort_keys: bool) -> bytes:
    """What thrustlib wrote before orjson: the standard library's compact UTF-8 JSON."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
    return text.encode()


# What thrustlib's JSON is made of: text (any but lone surrogates, with what JSON
# escapes), integers, booleans, None, lists, tuples and dictionaries with string keys.
_TEXT = st.text() | st.sampled_from(["", "\u2028", "\x7f", '"\\/', "\x00\x1f\b\t\n\r"])
_PLAIN = st.recursive(
    _TEXT | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.booleans() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(_TEXT, inner, max_size=5)
    ),
    max_leaves=25,
)
# And what orjson refuses and hands back: integers past 64 bits, lone surrogates, str
# subclasses (Markup), keys that are not strings.
_AWKWARD_TEXT = st.text(st.characters(codec=None)) | _TEXT.map(Markup)
_AWKWARD = st.recursive(
    _AWKWARD_TEXT | st.integers() | st.booleans() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_AWKWARD_TEXT, inner, max_size=4)
        | st.dictionaries(st.integers() | st.none() | st.booleans(), inner, max_size=2)
    ),
    max_leaves=20,
)


def _same_or_same_error(data: Any, sort_keys: bool) -> None:
    try:
        expected: bytes | type[Exception] = _reference(data, sort_keys)
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        expected = type(exc)
    try:
        found: bytes | type[Exception] = jsontext.dumps(data, sort_keys=sort_keys)
    except (TypeError, ValueError) as exc:
        found = type(exc)
    assert found == expected


@given(_PLAIN, st.booleans())
def test_the_json_is_the_standard_librarys_byte_for_byte(data: Any, sort_keys: bool) -> None:
    """Written by orjson (it accepts all of it), as the standard library writes it."""
    assert orjson.dumps(data)  # no fallback: this is orjson's text being compared
    assert jsontext.dumps(data, sort_keys=sort_keys) == _reference(data, sort_keys)


@given(_AWKWARD, st.booleans())
def test_what_orjson_refuses_is_written_or_refused_as_the_standard_library_does(
    data: Any, sort_keys: bool
) -> None:
    _same_or_same_error(data, sort_keys)


@dataclasses.dataclass
class _Record:
    name: str


@pytest.mark.parametrize(
    "data",
    [
        {"when": dt.date(2024, 5, 1)},  # orjson writes dates; the standard library refuses
        [_Record("x")],  # so too dataclasses
        "a\ud800b",  # a lone surrogate: no UTF-8 for it
        [2**70, -(2**64)],
        {2: "two", None: "none", True: "yes"},
    ],
)
def test_what_orjson_refuses_or_writes_otherwise_is_the_standard_librarys(data: Any) -> None:
    for sort_keys in (True, False):
        _same_or_same_error(data, sort_keys)


def test_deep_nesting_past_orjsons_limit_is_written_as_the_standard_library_writes_it() -> None:
    deep: list[Any] = []
    for _ in range(300):
        deep = [deep]
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(deep)
    assert jsontext.dumps(deep) == _reference(deep, True)


def test_the_shipped_librarys_json_is_all_written_by_orjson(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The speed is only there if thrustlib's own data never falls back: every API piece
    and every block of structured data of the shipped library goes through orjson."""
    fallbacks: list[object] = []

    class Refusing:
        def encode(self, data: object) -> str:
            fallbacks.append(data)
            return ""

    monkeypatch.setattr(jsontext, "_SORTED", Refusing())
    monkeypatch.setattr(jsontext, "_AS_GIVEN", Refusing())
    config = load_config(ROOT)
    library, _ = load_library(config, cache=False)
    renderer = Renderer(config)
    related = renderer.related(library)
    for slug in library.exercises:
        assert exercise_part(library, slug, "/", related)
        whole = library.whole(slug)
        for block in (jsonld.howto(whole, "/x/"), jsonld.video_object(whole, "/x/")):
            if block is not None:
                assert jsonld.dump_jsonld(block)
    for path in renderer.page_paths(library):
        renderer.render_page(library, path)  # search index, API, breadcrumbs
    assert fallbacks == []
