"""public.py: the JSON form validates against the shipped schema and holds plain text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from thrustlib.config import load_config
from thrustlib.content.library import build_library
from thrustlib.content.model import Library
from thrustlib.content.parse import load_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import Problems
from thrustlib.site.api import SCHEMA_VERSION, dumps, library_json, schema_text

ROOT = Path(__file__).parent.parent
VOCABULARY = Vocabulary()

BRIDGE = """\
---
title: "Glute Bridge"
description: "Lift the hips *from the floor*."
video: "Xq9_aB3-k7Z"
muscles: [glutes]
secondary_muscles: [Hamstrings]
equipment: [Bodyweight]
level: beginner
aliases: [hip bridge]
---

## Setup
1. **Lie Down**: Lie on your *back* with `knees` bent.

## Execution
1. **Drive**: Push through the [heels](https://example.org/heels).
2. Squeeze **hard** at the top.

## Tips
- **Ribs Down:** Keep them ~~flared~~ down.

## Common Mistakes
- Arching <the> back.

Keep it **slow**.

> A quoted *aside*.

# A heading with `code`
"""

SINGLE = """\
---
title: "Single-Leg Glute Bridge"
description: "One leg at a time."
muscles: [glutes]
variation_of: glute-bridge
---

## Execution
1. Lift.

<!-- howto -->

### Lift *High*
Drive up **hard**.

Squeeze.
"""


def library() -> Library:
    exercises = [
        load_exercise(Path("exercises/single-leg-glute-bridge.md"), SINGLE.encode()),
        load_exercise(Path("exercises/glute-bridge.md"), BRIDGE.encode()),
        load_exercise(
            Path("exercises/a-back-extension.md"),
            b"---\ndescription: x\nmuscles: [lower back]\nsecondary_muscles: [glutes]\n---\n",
        ),
    ]
    return build_library(exercises, VOCABULARY, Problems())


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def validate(data: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(data)


def test_json_validates_against_the_schema() -> None:
    data = library_json(library(), "https://example.org/lib")
    validate(data)
    assert data["version"] == SCHEMA_VERSION == 2


def test_exercises_sorted_by_slug_and_muscles_with_slugs() -> None:
    data = library_json(library(), "/lib/")
    assert [e["slug"] for e in data["exercises"]] == [
        "a-back-extension",
        "glute-bridge",
        "single-leg-glute-bridge",
    ]
    assert data["muscles"] == [
        {
            "key": "glutes",
            "name": "Glutes",
            "region": "Legs & Hips",
            "url": "/lib/muscles/glutes/",
            "exercises": ["glute-bridge", "single-leg-glute-bridge"],
            "secondary_exercises": ["a-back-extension"],
        },
        {
            "key": "hamstrings",
            "name": "Hamstrings",
            "region": "Legs & Hips",
            "url": "/lib/muscles/hamstrings/",
            "exercises": [],
            "secondary_exercises": ["glute-bridge"],
        },
        {
            "key": "lower-back",
            "name": "Lower Back",
            "region": "Core",
            "url": "/lib/muscles/lower-back/",
            "exercises": ["a-back-extension"],
            "secondary_exercises": [],
        },
    ]


def test_one_exercise_in_full_and_in_plain_text() -> None:
    data = library_json(library(), "https://example.org/lib/")
    bridge = data["exercises"][1]
    assert bridge == {
        "slug": "glute-bridge",
        "title": "Glute Bridge",
        "url": "https://example.org/lib/exercises/glute-bridge/",
        "description": "Lift the hips *from the floor*.",
        "video": "Xq9_aB3-k7Z",
        "video_duration": None,
        "video_start": None,
        "muscles": ["glutes"],
        "secondary_muscles": ["hamstrings"],
        "equipment": ["bodyweight"],
        "level": "beginner",
        "variation_of": None,
        "variations": ["single-leg-glute-bridge"],
        "aliases": ["hip bridge"],
        "redirect_from": [],
        "setup": [{"label": "Lie Down", "text": "Lie on your back with knees bent."}],
        "execution": [
            {"label": "Drive", "text": "Push through the heels."},
            {"label": None, "text": "Squeeze hard at the top."},
        ],
        "tips": [{"label": "Ribs Down", "text": "Keep them flared down."}],
        "mistakes": [{"label": None, "text": "Arching <the> back."}],
        "summary": "Keep it slow. A quoted aside. A heading with code",
        "howto": [
            {"name": "Drive", "text": "Push through the heels."},
            {"name": "Step 2", "text": "Squeeze hard at the top."},
        ],
        "substitutes": [],
        "easier": None,
        "harder": None,
    }
    single = data["exercises"][2]
    assert single["variation_of"] == "glute-bridge"
    assert single["howto"] == [{"name": "Lift High", "text": "Drive up hard. Squeeze."}]


def test_no_markdown_left_in_item_step_and_summary_text() -> None:
    data = library_json(library())
    for exercise in data["exercises"]:
        texts = [exercise["summary"]]
        for kind in ("setup", "execution", "tips", "mistakes"):
            texts += [i["text"] for i in exercise[kind]] + [
                i["label"] or "" for i in exercise[kind]
            ]
        texts += [s["text"] for s in exercise["howto"]] + [s["name"] for s in exercise["howto"]]
        for text in texts:
            for mark in ("**", "`", "](", "~~", "\n", "# "):
                assert mark not in text, (exercise["slug"], text)
            assert not text.startswith(">"), (exercise["slug"], text)
            assert ". >" not in text, (exercise["slug"], text)


def test_inferred_variation_appears_in_json() -> None:
    exercises = [
        load_exercise(
            Path("exercises/hip-thrust.md"), b"---\ndescription: x\nmuscles: [glutes]\n---\n"
        ),
        load_exercise(
            Path("exercises/b-stance-hip-thrust.md"),
            b"---\ndescription: x\nmuscles: [glutes]\n---\n",
        ),
    ]
    data = library_json(build_library(exercises, VOCABULARY, Problems()))
    assert [e["variation_of"] for e in data["exercises"]] == ["hip-thrust", None]
    assert data["exercises"][1]["variations"] == ["b-stance-hip-thrust"]


def test_dumps_is_deterministic_and_compact() -> None:
    text = dumps(library_json(library()))
    assert text.endswith("}\n")
    assert text == dumps(library_json(library()))
    assert json.loads(text)["exercises"][0]["slug"] == "a-back-extension"
    assert dumps({"b": "é", "a": [1, None]}) == '{"a":[1,null],"b":"é"}\n'


def test_base_url_without_trailing_slash() -> None:
    data = library_json(library(), "/lib")
    assert data["exercises"][0]["url"] == "/lib/exercises/a-back-extension/"


@pytest.mark.parametrize("base_url", ["/", "https://example.org/"])
def test_the_shipped_library_validates(base_url: str) -> None:
    from thrustlib.engine.build import load_library

    shipped, _ = load_library(load_config(ROOT))
    data = library_json(shipped, base_url)
    validate(data)
    assert len(data["exercises"]) == len(list((ROOT / "exercises").glob("*.md")))
    assert [e["slug"] for e in data["exercises"]] == sorted(e["slug"] for e in data["exercises"])
    for exercise in data["exercises"]:
        assert exercise["url"] == f"{base_url}exercises/{exercise['slug']}/"
        for item in exercise["execution"]:
            assert "**" not in item["text"]


def test_the_schema_rejects_what_it_should() -> None:
    data = library_json(library())
    data["exercises"][0]["video"] = "too-short"
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


@pytest.mark.parametrize("base", ["/", "https://example.org/lib"])
def test_the_text_written_piece_by_piece_is_dumps_of_the_whole(base: str) -> None:
    from thrustlib.engine.load import load_exercises
    from thrustlib.site.api import library_data

    root = Path(__file__).resolve().parent.parent
    shipped = load_exercises(root / "exercises", VOCABULARY, Problems(), root=root)
    for built in (library(), build_library(shipped, VOCABULARY, Problems())):
        assert library_data(built, base) == dumps(library_json(built, base)).encode()
    empty = build_library([], VOCABULARY, Problems())
    assert library_data(empty, base) == dumps(library_json(empty, base)).encode()
