"""Build and preview are one engine: the same site gives the same problems and pages.

Each site below is built as ``thrustlib build`` builds it and loaded as ``thrustlib serve``
loads it (the server's own start-up and rebuild code, without the socket and the
watcher), and every problem and every page byte is compared. Then a preview that started
from another state of the site applies the edits that lead to it, as it does for saves,
and must arrive at the same problems and pages as a clean build of the end state.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from thrustlib.config import load_config
from thrustlib.engine.build import build
from thrustlib.errors import ThrustlibError
from thrustlib.serve.server import PreviewServer
from thrustlib.serve.watch import Changes, Kind
from thrustlib.site.write import MARKER

REPO = Path(__file__).resolve().parent.parent
INVALID = sorted(p.name for p in (REPO / "tests/invalid").iterdir() if p.is_dir())

Outcome = tuple[tuple[str, ...], dict[str, bytes] | None]
"""Every problem as printed, and every output file (``None`` when the build failed)."""

HIP = """---
description: "Drive the hips up from a bench with the shoulders on it."
muscles: [glutes]
{extra}---

## Setup
1. **Bench**: Rest the shoulder blades on a bench.

## Execution
1. **Drive**: Push through the heels.
"""
SINGLE = """---
description: "One leg at a time."
variation_of: hip-thrust
---

### Setup
- Same as the hip thrust, one foot up.

### Execution
1. Drive through one heel.
"""


def built(site: Path, tmp: Path) -> Outcome:
    """What ``thrustlib build`` gives: its problems, and its files when it succeeds."""
    out = tmp / "built"
    shutil.rmtree(out, ignore_errors=True)
    try:
        result = build(load_config(site), output=out, jobs=1)
    except ThrustlibError as exc:
        return tuple(str(p) for p in exc.errors or exc.problems), None
    # The writer's marker says the folder is a thrustlib output; it is not a page.
    files = {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != MARKER
    }
    return tuple(str(p) for p in result.warnings), files


def served(server: PreviewServer) -> Outcome:
    """What the preview serves now: its errors, or its warnings and every page."""
    live = server.live
    if live.errors:
        return tuple(str(p) for p in live.errors), None
    assert live.snapshot is not None
    pages = {path: live.snapshot.page(path) for path in sorted(live.snapshot.paths)}
    assert all(data is not None for data in pages.values())
    return tuple(str(p) for p in server.site.warnings), pages  # type: ignore[misc]


def preview(site: Path) -> PreviewServer:
    """A preview of ``site`` after its start-up build, as ``start()`` does it."""
    server = PreviewServer(load_config(site), port=0)
    server._attempt(server._fresh, "the site")
    return server


def assert_same(build_outcome: Outcome, serve_outcome: Outcome) -> None:
    assert serve_outcome[0] == build_outcome[0]
    if build_outcome[1] is None:
        assert serve_outcome[1] is None
        return
    assert serve_outcome[1] is not None
    assert sorted(serve_outcome[1]) == sorted(build_outcome[1])
    for path, data in build_outcome[1].items():
        assert serve_outcome[1][path] == data, path


def _copy(source: Path, tmp: Path) -> Path:
    site = tmp / "site"
    shutil.copytree(source, site, ignore=shutil.ignore_patterns("_site", ".thrustlib-cache"))
    return site


def _shipped(tmp: Path) -> Path:
    site = tmp / "site"
    site.mkdir()
    shutil.copytree(REPO / "exercises", site / "exercises")
    shutil.copy(REPO / "site.toml", site / "site.toml")
    return site


def _written(files: dict[str, str], toml: str = "") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        site = tmp / "site"
        for name, text in files.items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_text(text, "utf-8")
        if toml:
            (site / "site.toml").write_text(toml, "utf-8")
        return site

    return make


SITES: dict[str, Callable[[Path], Path]] = {
    "basic": lambda tmp: _copy(REPO / "tests/sites/basic", tmp),
    "shipped": _shipped,
    "real-shapes": _written(
        {
            f"exercises/{p.name}": p.read_text("utf-8")
            for p in sorted((REPO / "tests/fixtures/real-shapes").glob("*.md"))
        }
    ),
    "warnings": _written(
        {
            "exercises/hip-thrust.md": HIP.format(extra=""),
            "exercises/single-leg-hip-thrust.md": SINGLE,
        }
    ),
    "parent-with-a-bad-video": _written(
        {
            "exercises/hip-thrust.md": HIP.format(extra='video: "short"\n'),
            "exercises/single-leg-hip-thrust.md": SINGLE,
        }
    ),
    "template-override": _written(
        {
            "exercises/hip-thrust.md": HIP.format(extra=""),
            "templates/exercise.html": (
                '{% extends "base.html" %}{% block content %}'
                "<h1>{{ exercise.title }}</h1><p>Own page</p>{% endblock %}"
            ),
            "static/extra.txt": "kept\n",
        }
    ),
    "broken-template": _written(
        {
            "exercises/hip-thrust.md": HIP.format(extra=""),
            "templates/exercise.html": "{% block content %}{{ exercise.title ",
        }
    ),
    "site-sections-and-drafts": _written(
        {
            "exercises/hip-thrust.md": HIP.format(extra="").replace("## Setup", "## Get Set"),
            "exercises/draft.md": HIP.format(extra="draft: true\n"),
        },
        '[sections]\nsetup = ["Get Set"]\n[build]\ndrafts = true\n',
    ),
    "no-exercises-folder": _written({"site.toml": ""}),
    **{
        f"invalid-{name}": (lambda tmp, name=name: _copy(REPO / "tests/invalid" / name, tmp))
        for name in INVALID
    },
}


@pytest.mark.parametrize("name", sorted(SITES))
def test_build_and_preview_agree(name: str, tmp_path: Path) -> None:
    site = SITES[name](tmp_path)
    expected = built(site, tmp_path)
    server = preview(site)
    assert_same(expected, served(server))


def test_the_parent_with_a_bad_video_is_one_error_both_ways(tmp_path: Path) -> None:
    site = SITES["parent-with-a-bad-video"](tmp_path)
    problems, files = built(site, tmp_path)
    assert files is None
    assert [p for p in problems if ": error: " in p] == [
        p for p in problems if "hip-thrust.md:4: error:" in p
    ]
    assert served(preview(site))[0] == problems


def _edit(path: Path, old: str, new: str) -> set[Path]:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return {path.absolute()}


def _new_file(site: Path) -> set[Path]:
    path = site / "exercises/aaa-first.md"
    path.write_text(HIP.format(extra="").replace("Drive the hips", "Lift"), "utf-8")
    return {path.absolute()}


def _deleted(name: str) -> Callable[[Path], set[Path]]:
    def delete(site: Path) -> set[Path]:
        path = site / "exercises" / name
        path.unlink()
        return {path.absolute()}

    return delete


BRIDGE = "exercises/glute-bridge.md"
EDITS: dict[str, Callable[[Path], set[Path]]] = {
    "text": lambda site: _edit(site / BRIDGE, "Lift the hips", "Raise the hips"),
    "title": lambda site: _edit(
        site / "exercises/romanian-deadlift.md", "---\n", '---\ntitle: "Barbell RDL"\n'
    ),
    "muscles": lambda site: _edit(site / BRIDGE, "muscles: [glutes]", "muscles: [hamstrings]"),
    "parent": lambda site: _edit(
        site / "exercises/marching-glute-bridge.md",
        "variation_of: glute-bridge",
        "variation_of: romanian-deadlift",
    ),
    "new-file": _new_file,
    "deleted-file": _deleted("marching-glute-bridge.md"),
    "deleted-parent": _deleted("glute-bridge.md"),
    "error": lambda site: _edit(site / BRIDGE, 'video: "Xq9_aB3-k7Z"', 'video: "Xq9"'),
}
"""Edits of the ``basic`` site; each returns the files it touched."""


def _changes(touched: set[Path]) -> Changes:
    return Changes(frozenset({Kind.CONTENT}), frozenset(touched), rescan=True)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_in_the_preview_gives_what_a_build_gives(name: str, tmp_path: Path) -> None:
    site = SITES["basic"](tmp_path)
    server = preview(site)
    assert served(server)[1] is not None
    server._rebuild(_changes(EDITS[name](site)))
    expected = built(site, tmp_path)
    outcome = served(server)
    if expected[1] is None:
        # A failing build: the preview shows exactly its problems (over the last good
        # pages, which are not compared).
        assert server.live.errors
        assert tuple(str(p) for p in server.live.errors) == expected[0]
    else:
        assert_same(expected, outcome)


def test_fixing_an_error_in_the_preview_gives_what_a_build_gives(tmp_path: Path) -> None:
    site = SITES["basic"](tmp_path)
    server = preview(site)
    path = site / "exercises/glute-bridge.md"
    good = path.read_text("utf-8")
    changes = _changes(EDITS["error"](site))
    server._rebuild(changes)
    assert server.live.errors
    path.write_text(good.replace("Lift the hips", "Raise the hips"), "utf-8")
    server._rebuild(changes)
    assert_same(built(site, tmp_path), served(server))
