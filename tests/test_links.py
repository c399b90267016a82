"""Addresses that never break: old slugs that redirect, and links between exercises that
are resolved and checked at build time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from thrustlib.cli import main
from thrustlib.config import load_config
from thrustlib.content.markdown import exercise_link
from thrustlib.content.model import CrossLink
from thrustlib.content.parse import parse_exercise
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine.build import build, load_library
from thrustlib.errors import ContentError

FRONT = '---\ndescription: "A move for the test."\nmuscles: [glutes]\n{extra}---\n\n'


def _exercise(site: Path, slug: str, body: str = "", extra: str = "") -> Path:
    path = site / "exercises" / f"{slug}.md"
    text = FRONT.format(extra=extra) + (body or "## Execution\n1. Drive the hips up.\n")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "exercises").mkdir()
    (tmp_path / "site.toml").write_text(
        '[site]\ntitle = "Links"\nbase_url = "https://example.org/library/"\n'
    )
    _exercise(tmp_path, "hip-thrust", "## Setup\n- Sit.\n\n## Execution\n1. Drive.\n")
    _exercise(tmp_path, "step-up")
    return tmp_path


def _problems(site: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_library(load_config(site))
    return [str(p) for p in info.value.problems]


# -- the forms a link to another exercise takes -----------------------------------------


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("exercise:hip-thrust", ("hip-thrust", None)),
        ("exercise:hip-thrust/", ("hip-thrust", None)),
        ("exercise:hip-thrust#setup", ("hip-thrust", "setup")),
        ("../hip-thrust/", ("hip-thrust", None)),
        ("../hip-thrust", ("hip-thrust", None)),
        ("../hip-thrust/index.html", ("hip-thrust", None)),
        ("../hip-thrust/#step-2", ("hip-thrust", "step-2")),
        ("/exercises/hip-thrust/", ("hip-thrust", None)),
        ("/exercises/hip-thrust#tips", ("hip-thrust", "tips")),
        ("exercise:Hip%20Thrust", ("Hip%20Thrust", None)),  # checked, and refused, later
        ("exercise:../../etc/passwd", ("../../etc/passwd", None)),
        ("exercise:hip-thrust/setup", ("hip-thrust/setup", None)),
        ("EXERCISE:hip-thrust#tips", ("hip-thrust", "tips")),
        ("../../muscles/glutes/", None),
        ("../hip-thrust/setup/", None),
        ("/exercises/", None),
        ("https://example.org/exercises/hip-thrust/", None),
        ("#setup", None),
        ("hip-thrust.md", None),
    ],
)
def test_the_forms_of_a_link_to_an_exercise(href: str, expected: object) -> None:
    assert exercise_link(href) == expected


def test_every_form_renders_as_one_relative_address_and_is_listed_at_its_line() -> None:
    text = (
        FRONT.format(extra="")
        + "Start as for the [bridge](exercise:glute-bridge).\n\n"
        + "## Setup\n- Sit as for the [step-up](../step-up/#setup).\n\n"
        + "## Execution\n1. **Drive**: Up, as in the [thrust](/exercises/hip-thrust/).\n"
        + "2. Again the [bridge](exercise:glute-bridge), and [away](https://example.com/).\n"
    )
    exercise = parse_exercise(Path("exercises/x.md"), text, Vocabulary()).exercise
    assert exercise is not None
    assert exercise.links == (
        CrossLink("glute-bridge", None, 6),
        CrossLink("step-up", "setup", 9),
        CrossLink("hip-thrust", None, 12),
    )
    html = exercise.rendered["intro"] + exercise.setup[0].html + exercise.execution[0].html
    assert re.findall(r'href="([^"]*)"', html) == [
        "../glute-bridge/",
        "../step-up/#setup",
        "../hip-thrust/",
    ]
    assert 'href="https://example.com/" rel="nofollow' in exercise.execution[1].html


def test_the_fast_reading_and_the_plain_one_agree_on_links() -> None:
    from thrustlib.content.body import parse_body
    from thrustlib.errors import Problems

    body = (
        "## Setup\n\n- Sit as for the [step-up](../step-up/).\n- Stand.\n\n"
        "## Execution\n\n1. **Drive**: See [the thrust](exercise:hip-thrust#tips).\n"
    )
    fast = parse_body(Path("x.md"), body, 5, Problems(), fast=True)
    plain = parse_body(Path("x.md"), body, 5, Problems(), fast=False)
    assert (
        fast.links
        == plain.links
        == (
            CrossLink("step-up", None, 8),
            CrossLink("hip-thrust", "tips", 13),
        )
    )
    assert [i.html for i in fast.lists["setup"]] == [i.html for i in plain.lists["setup"]]


def test_a_link_no_slug_looks_like_is_still_checked(site: Path) -> None:
    body = "## Execution\n1. [a](exercise:../../etc/passwd) and [b](exercise:step-up/setup).\n"
    _exercise(site, "glute-bridge", body)
    problems = _problems(site)
    assert problems == [
        "exercises/glute-bridge.md:7: error: the link to exercise '../../etc/passwd' names no"
        " exercise",
        "exercises/glute-bridge.md:7: error: the link to exercise 'step-up/setup' names no"
        " exercise; did you mean 'step-up'?",
    ]


def test_an_address_the_renderer_encodes_is_found_at_its_line(site: Path) -> None:
    _exercise(
        site,
        "glute-bridge",
        "## Execution\n1. Drive.\n2. Then [the café part](exercise:hip-thrust#café).\n"
        "3. And [a spaced one](<exercise:hip thrust>).\n",
    )
    assert _problems(site) == [
        "exercises/glute-bridge.md:8: warning: the link to 'hip-thrust#café': its page has no"
        " part 'café' (it has #setup, #execution, #howto, #step-1)",
        "exercises/glute-bridge.md:9: error: the link to exercise 'hip thrust' names no"
        " exercise; did you mean 'hip-thrust'?",
    ]


def test_a_page_lists_the_parts_a_link_may_point_at() -> None:
    text = (
        FRONT.format(extra='video: "tztHvSLdXLA"\n')
        + "## Setup\n- Sit.\n\n## Breathing\nBreathe out.\n\n## Step 1\nA section named"
        + " like a step.\n\n## Video\nA section named like the player.\n\n"
        + "## Execution\n1. Drive.\n2. Lower.\n\nThe summary.\n"
    )
    exercise = parse_exercise(Path("exercises/x.md"), text, Vocabulary()).exercise
    assert exercise is not None
    assert exercise.anchors == (
        "video",
        "setup",
        "breathing",
        "section-step-1",
        "section-video",
        "execution",
        "summary",
        "howto",
        "step-1",
        "step-2",
    )


def test_the_parts_a_link_may_name_are_the_ids_the_page_has(site: Path) -> None:
    _exercise(
        site,
        "glute-bridge",
        "## About\nWhy.\n\n## Setup\n- Lie down.\n\n## Video\nWatch.\n\n## Step 2\nMore.\n\n"
        "## Execution\n1. Lift.\n2. Lower.\n\nThe summary.\n",
        extra='video: "tztHvSLdXLA"\n',
    )
    library, _ = load_library(load_config(site))
    build(load_config(site))
    for slug, entry in library.exercises.items():
        page = (site / "_site" / "exercises" / slug / "index.html").read_text()
        ids = set(re.findall(r' id="([^"]+)"', page))
        assert entry.anchors and set(entry.anchors) <= ids, (slug, set(entry.anchors) - ids)
    assert "section-about" in library.exercises["glute-bridge"].anchors


# -- checked against the library --------------------------------------------------------


def test_links_to_other_exercises_resolve_and_work_under_a_sub_path(site: Path) -> None:
    _exercise(
        site,
        "glute-bridge",
        "## Execution\n1. Then the [hip thrust](exercise:hip-thrust#setup).\n"
        "2. Or the [step-up](/exercises/step-up/).\n",
    )
    build(load_config(site))
    page = (site / "_site" / "exercises" / "glute-bridge" / "index.html").read_text()
    assert '<a href="../hip-thrust/#setup">hip thrust</a>' in page
    assert '<a href="../step-up/">step-up</a>' in page
    # Each relative address names a page that was built, whatever the site's sub-path.
    for href in ("../hip-thrust/", "../step-up/"):
        assert (site / "_site" / "exercises" / "glute-bridge" / href / "index.html").is_file()
    assert 'id="setup"' in (site / "_site" / "exercises" / "hip-thrust" / "index.html").read_text()


def test_a_link_to_an_unknown_exercise_is_an_error_at_its_line(site: Path) -> None:
    body = "## Execution\n1. Drive.\n2. Then the [x](exercise:hip-thrus).\n"
    _exercise(site, "glute-bridge", body)
    assert _problems(site) == [
        "exercises/glute-bridge.md:8: error: the link to exercise 'hip-thrus' names no"
        " exercise; did you mean 'hip-thrust'?"
    ]
    assert not (site / "_site").exists()


def test_a_link_to_a_missing_part_of_a_page_is_a_warning(site: Path) -> None:
    _exercise(site, "glute-bridge", "## Execution\n1. As in [the thrust](../hip-thrust/#tipps).\n")
    library, problems = load_library(load_config(site))
    assert [str(p) for p in problems] == [
        "exercises/glute-bridge.md:7: warning: the link to 'hip-thrust#tipps': its page has no"
        " part 'tipps' (it has #setup, #execution, #howto, #step-1)"
    ]
    assert "glute-bridge" in library.exercises


def test_a_link_to_a_draft_says_it_is_a_draft(site: Path) -> None:
    _exercise(site, "frog-pump", extra="draft: true\n")
    _exercise(site, "glute-bridge", "## Execution\n1. Like the [pump](exercise:frog-pump).\n")
    assert _problems(site) == [
        "exercises/glute-bridge.md:7: error: the link to exercise 'frog-pump' is a draft,"
        " left out of the site"
    ]
    # With the drafts in, the page is there to link to.
    load_library(load_config(site), drafts=True)


def test_a_link_to_an_old_slug_works_and_names_the_new_one(site: Path) -> None:
    _exercise(site, "glute-bridge", extra="redirect_from: [hip-bridge]\n")
    _exercise(site, "frog-pump", "## Execution\n1. After the [bridge](exercise:hip-bridge).\n")
    _, problems = load_library(load_config(site))
    assert [str(p) for p in problems] == [
        "exercises/frog-pump.md:7: warning: the link to exercise 'hip-bridge' goes through a"
        " redirect: the exercise is now 'glute-bridge' (link to exercise:glute-bridge)"
    ]


def test_check_reports_every_broken_link_in_one_run(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _exercise(
        site,
        "glute-bridge",
        "[a](exercise:nope-one)\n\n## Execution\n"
        "1. [b](../nope-two/)\n2. [c](/exercises/nope-3/)\n",
    )
    _exercise(site, "frog-pump", "## Execution\n1. [d](exercise:nope-four)\n")
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    for name, line in (("nope-one", 6), ("nope-two", 9), ("nope-3", 10)):
        assert f"exercises/glute-bridge.md:{line}: error: the link to exercise '{name}'" in err
    assert "exercises/frog-pump.md:7: error: the link to exercise 'nope-four'" in err


# -- redirects --------------------------------------------------------------------------


def test_an_old_slug_gets_a_page_that_sends_readers_to_the_new_one(site: Path) -> None:
    _exercise(site, "glute-bridge", extra="redirect_from: [hip-bridge, /exercises/floor-bridge/]\n")
    build(load_config(site))
    out = site / "_site"
    page = (out / "exercises" / "hip-bridge" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../glute-bridge/">' in page
    canonical = "https://example.org/library/exercises/glute-bridge/"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="../glute-bridge/">Glute Bridge</a>' in page
    assert (out / "exercises" / "floor-bridge" / "index.html").is_file()
    # Twice each: "301!" for Netlify (a file is at the old address), "301" for hosts
    # that apply every rule and skip a status they cannot read.
    assert (out / "_redirects").read_text() == (
        "/library/exercises/floor-bridge/ /library/exercises/glute-bridge/ 301!\n"
        "/library/exercises/floor-bridge/ /library/exercises/glute-bridge/ 301\n"
        "/library/exercises/hip-bridge/ /library/exercises/glute-bridge/ 301!\n"
        "/library/exercises/hip-bridge/ /library/exercises/glute-bridge/ 301\n"
    )
    sitemap = (out / "sitemap.xml").read_text()
    assert "glute-bridge" in sitemap and "hip-bridge" not in sitemap
    # Apps that deep-link learn the old slugs from the API.
    data = json.loads((out / "api" / "exercises.json").read_text())
    by_slug = {e["slug"]: e for e in data["exercises"]}
    assert by_slug["glute-bridge"]["redirect_from"] == ["hip-bridge", "floor-bridge"]
    assert by_slug["hip-thrust"]["redirect_from"] == []


def test_without_an_absolute_base_the_canonical_link_is_relative(site: Path) -> None:
    (site / "site.toml").write_text('[site]\ntitle = "Links"\n')
    _exercise(site, "glute-bridge", extra="redirect_from: hip-bridge\n")
    build(load_config(site))
    page = (site / "_site" / "exercises" / "hip-bridge" / "index.html").read_text()
    assert '<link rel="canonical" href="../glute-bridge/">' in page
    assert (site / "_site" / "_redirects").read_text() == (
        "/exercises/hip-bridge/ /exercises/glute-bridge/ 301!\n"
        "/exercises/hip-bridge/ /exercises/glute-bridge/ 301\n"
    )


def test_a_site_without_redirects_has_no_redirects_file(site: Path) -> None:
    build(load_config(site))
    assert not (site / "_site" / "_redirects").exists()


def test_redirects_that_collide_are_errors_at_their_line(site: Path) -> None:
    _exercise(site, "glute-bridge", extra="redirect_from: [step-up, old-bridge]\n")
    _exercise(site, "frog-pump", extra="redirect_from:\n  - old-bridge\n  - Old Bridge!\n")
    assert sorted(_problems(site)) == [
        "exercises/frog-pump.md:4: error: 'redirect_from: Old Bridge!' is not an exercise's"
        " slug or address: write the old slug, such as 'hip-bridge' (lowercase letters,"
        " digits, '-')",
        "exercises/glute-bridge.md:4: error: 'redirect_from: old-bridge' is claimed by"
        " exercises/frog-pump.md too: an old address can lead to one exercise only",
        "exercises/glute-bridge.md:4: error: 'redirect_from: step-up' is the slug of a live"
        " exercise (exercises/step-up.md): its page cannot also send readers here; remove one"
        " of the two",
    ]


def test_an_exercise_cannot_redirect_from_its_own_slug_or_a_drafts(site: Path) -> None:
    _exercise(site, "frog-pump", extra="draft: true\n")
    _exercise(site, "glute-bridge", extra="redirect_from: [glute-bridge, frog-pump]\n")
    assert sorted(_problems(site)) == [
        "exercises/glute-bridge.md:4: error: 'redirect_from: frog-pump' is the slug of a draft,"
        " which would lose its address when published; give the draft another slug or drop"
        " the redirect",
        "exercises/glute-bridge.md:4: error: 'redirect_from: glute-bridge' is this exercise's"
        " own slug",
    ]
