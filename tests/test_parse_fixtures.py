"""Each construct of FORMAT.md as small fixture files, in markdown-it-py's fixture format.

A fixture file holds cases of three parts, each ended by a line holding only ``.``::

    kettlebell-swing.md: what the case is about
    .
    the exercise file, front matter and all
    .
    YAML of the model fields the case is about
    .

The title line starts with the file name the input is parsed as (below ``exercises/``).
The expected YAML lists only the fields that matter for the case; items of the four
lists, sections and HowTo steps are compared on the keys given. Two extra keys exist:
``problems`` (every problem of the file, as printed, in order) and ``rendered`` (list
items and blocks as the renderer's Markdown turns them into HTML).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it.utils import read_fixture_file

from thrustlib.content.markdown import render_block, render_inline
from thrustlib.content.model import Exercise
from thrustlib.content.parse import parse_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import Problem

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
ITEM_FIELDS = ("setup", "execution", "tips", "mistakes", "sections", "howto")
BLOCK_FIELDS = ("intro", "summary")


def cases() -> list[Any]:
    found = []
    for path in sorted(FIXTURES.glob("*.md")):
        for line, title, source, expected in read_fixture_file(path):
            name, _, about = title.partition(": ")
            found.append(pytest.param(name, source, expected, id=f"{path.stem}:{line + 1}:{about}"))
    return found


def plain(value: Any) -> Any:
    """Model values as YAML would write them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    return value


def project(exercise: Exercise | None, problems: list[Problem], wanted: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"problems": [str(p) for p in problems]}
    if exercise is None:
        out["exercise"] = None
        return out
    for field in dataclasses.fields(exercise):
        if field.name in wanted:
            out[field.name] = plain(getattr(exercise, field.name))
    out["key_lines"] = plain(exercise.source.key_lines)
    out["body_line"] = exercise.source.body_line
    if "rendered" in wanted:
        rendered: dict[str, Any] = {}
        for kind in ("setup", "execution", "tips", "mistakes"):
            rendered[kind] = [render_inline(item.text) for item in getattr(exercise, kind)]
        for kind in BLOCK_FIELDS:
            rendered[kind] = render_block(getattr(exercise, kind))
        rendered["sections"] = [render_block(s.text) for s in exercise.sections]
        rendered["howto"] = [render_block(s.text) for s in exercise.howto]
        out["rendered"] = rendered
    return out


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """``actual`` cut down to what ``expected`` asks about, for one readable assert."""
    shown: dict[str, Any] = {}
    for key, value in expected.items():
        if key not in actual:
            shown[key] = "<missing>"
        elif key in ITEM_FIELDS and isinstance(value, list):
            shown[key] = [
                {k: got.get(k, "<missing>") for k in want} if isinstance(want, dict) else got
                for want, got in zip(value, actual[key], strict=False)
            ] + actual[key][len(value) :]
        elif key == "rendered":
            shown[key] = {k: actual[key].get(k, "<missing>") for k in value}
        else:
            shown[key] = actual[key]
    return shown


@pytest.mark.parametrize(("name", "source", "expected_yaml"), cases())
def test_fixture(name: str, source: str, expected_yaml: str) -> None:
    expected = yaml.safe_load(expected_yaml)
    assert isinstance(expected, dict), "the expected side must be a YAML mapping"
    result = parse_exercise(Path("exercises") / name, source.encode("utf-8"), Vocabulary())
    actual = project(result.exercise, result.problems, set(expected))
    assert compare(expected, actual) == expected


def test_every_construct_has_a_fixture_file() -> None:
    names = {p.stem for p in FIXTURES.glob("*.md")}
    assert names >= {
        "labels",
        "inline",
        "headings",
        "summary",
        "sections",
        "howto",
        "howto-derived",
        "raw-html",
        "defaults",
        "muscle-inference",
        "names",
        "extra-keys",
        "video",
    }
    assert len(cases()) >= 30
