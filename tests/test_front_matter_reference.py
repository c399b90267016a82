"""Front matter read through libyaml's C loader is what PyYAML's pure-Python loader reads.

thrustlib reads front matter with ``yaml.CSafeLoader`` where libyaml is installed (every
PyYAML wheel has it) and ``yaml.SafeLoader`` elsewhere, both with the same few
constructors of its own. Generated front matter in the shapes files have (block and flow
lists, quotes, comments, YAML 1.1's booleans and numbers, dates, non-ASCII text) must give
the same values, types, key lines, body and problems either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import SETTINGS
from thrustlib.content import front_matter
from thrustlib.errors import Problems

PATH = Path("x.md")
PURE = front_matter.front_matter_loader(yaml.SafeLoader)


def read(text: str, loader: type[yaml.SafeLoader], monkeypatch: pytest.MonkeyPatch) -> Any:
    problems = Problems()
    with monkeypatch.context() as patch:
        patch.setattr(front_matter, "_YAML_LOADER", loader)
        found = front_matter.split_front_matter(PATH, text, problems)
    values = None if found is None else [(k, type(v), v) for k, v in found[0].items()]
    return found, values, [str(p) for p in problems.items]


def test_the_c_loader_is_used_where_libyaml_is_there() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML has no libyaml: the pure-Python loader is the only one")
    assert issubclass(front_matter._YAML_LOADER, yaml.CSafeLoader)


_SCALARS = st.sampled_from(
    [
        '"Drive the hips up"',
        "'single quoted'",
        "plain words: with a colon",
        "yes",
        "no",
        "on",
        "null",
        "~",
        "0123",
        "1:30",
        "1_000",
        "3.5",
        ".inf",
        "2024-05-31",
        "2024-02-30",
        '"“curly” \u2013 dashes, é, ß, 한국"',
        "Xq9_aB3-k7Z",
        "[glutes, hamstrings]",
        "[]",
        "{a: 1}",
        "'it''s'",
        '"\\u00e9 escaped"',
        "# only a comment",
        "[unclosed",
    ]
)
_KEYS = st.sampled_from(["video", "description", "muscles", "level", "title", "draft", "x"])
_ENTRY = st.one_of(
    st.tuples(_KEYS, _SCALARS).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(_KEYS, st.lists(_SCALARS, min_size=1, max_size=3)).map(
        lambda kv: f"{kv[0]}:\n" + "".join(f"  - {v}\n" for v in kv[1]).rstrip("\n")
    ),
    st.sampled_from(["# a comment", "", "  indented: odd", "key without value:"]),
)
_FRONT = st.lists(_ENTRY, max_size=8).map(
    lambda lines: "---\n" + "\n".join(lines) + "\n---\n\nBody\n"
)


@SETTINGS
@given(_FRONT)
def test_c_and_pure_loaders_agree(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast = read(text, front_matter._YAML_LOADER, monkeypatch)
        pure = read(text, PURE, monkeypatch)
    assert fast == pure
