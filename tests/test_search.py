"""site/search.py: the search index (compact, deterministic, made from entries alone) and
the search page's values, with the index's size and speed at real-shaped scale."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import html.parser
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.realshape import write_corpus
from thrustlib.config import SiteConfig, load_config
from thrustlib.content.library import build_library
from thrustlib.content.model import Entry, Library
from thrustlib.content.parse import load_exercise
from thrustlib.content.text import sort_key
from thrustlib.content.vocabulary import Vocabulary, equipment_name
from thrustlib.engine.build import load_library
from thrustlib.errors import Problems
from thrustlib.site import api, search, urls
from thrustlib.site.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "tests" / "sites" / "basic"
SEARCH_PAGE = urls.page_file(urls.SEARCH)
GZIP_BUDGET = 40_000
"""Bytes the gzipped index of 1,000 exercises may take: a phone's worth."""


@pytest.fixture(scope="module")
def shipped() -> tuple[SiteConfig, Library]:
    config = load_config(ROOT)
    return config, load_library(config)[0]


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteConfig, Library]:
    """1,000 real-shaped exercises, read as a build reads them."""
    folder = tmp_path_factory.mktemp("thousand")
    write_corpus(folder, 1000)
    config = load_config(folder)
    return config, load_library(config, jobs=1)[0]


def decoded(data: bytes) -> list[dict[str, Any]]:
    """The index's exercises as dicts of the entry's own values, tables looked up and
    left-out slugs made back as the script makes them."""
    index = json.loads(data)
    assert index["version"] == search.INDEX_VERSION
    fields = index["fields"]
    out = []
    for row in index["exercises"]:
        item = dict(zip(fields, row, strict=True))
        if item["slug"] == "":
            assert item["title"].isascii()
            item["slug"] = re.sub("[^a-z0-9]+", "-", item["title"].lower()).strip("-")
        item["muscles"] = [index["muscles"][n][0] for n in item["muscles"]]
        item["secondary_muscles"] = [index["muscles"][n][0] for n in item["secondary_muscles"]]
        item["equipment"] = [index["equipment"][n][0] for n in item["equipment"]]
        level = item["level"]
        item["level"] = None if level is None else index["levels"][level][0]
        out.append(item)
    for item in out:
        family = item["family"]
        item["family"] = None if family is None else out[family]["slug"]
    return out


def entry(slug: str, title: str, **front: Any) -> Entry:
    front = {"title": title, "description": f"About {title}.", **front}
    text = f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n## Execution\n1. Go.\n"
    return load_exercise(Path(f"exercises/{slug}.md"), text.encode(), Vocabulary()).entry()


def entries_only(*entries: Entry) -> Library:
    """A library that holds entries and no page content at all."""
    return build_library(entries, Vocabulary(), Problems())


# -- the index ----------------------------------------------------------------------------


def test_the_index_is_the_same_bytes_for_the_same_library(
    shipped: tuple[SiteConfig, Library],
) -> None:
    config, library = shipped
    again = load_library(config)[0]
    assert library is not again
    assert search.index_data(library) == search.index_data(again)
    assert search.index_data(library).endswith(b"]}\n")


def test_the_index_holds_every_entry_as_it_is(shipped: tuple[SiteConfig, Library]) -> None:
    _, library = shipped
    found = decoded(search.index_data(library))
    assert len(found) == len(library)
    for item in found:
        e = library[item["slug"]]
        root = library.variations[e.slug].root
        assert item == {
            "slug": e.slug,
            "title": e.title,
            "description": e.description,
            "aliases": list(e.aliases),
            "muscles": list(e.muscles),
            "secondary_muscles": list(e.secondary_muscles),
            "equipment": list(e.equipment),
            "level": e.level,
            "family": root if root in library.families else None,
        }


def test_exercises_are_in_title_order_and_tables_carry_display_names(
    shipped: tuple[SiteConfig, Library],
) -> None:
    _, library = shipped
    index = json.loads(search.index_data(library))
    titles = [row[1] for row in index["exercises"]]
    assert titles == sorted(titles, key=sort_key)
    assert list(index) == ["version", "fields", "muscles", "equipment", "levels", "exercises"]
    assert index["muscles"] == [[k, library.vocabulary.muscle(k).name] for k in library.muscles]
    assert index["equipment"] == [[k, equipment_name(k)] for k in library.equipment]
    assert index["levels"] == [[k, k.capitalize()] for k in library.levels]


def test_a_slug_is_left_out_only_where_the_script_can_make_it_back() -> None:
    library = entries_only(
        entry("hip-thrust", "Hip Thrust"),
        entry("elan-squat", "Élan Squat"),  # not ASCII: always written
        entry("rdl", "Romanian Deadlift"),  # not the title's slug
        entry("pull-ups", "Pull-Ups!"),
    )
    rows = {row[1]: row[0] for row in json.loads(search.index_data(library))["exercises"]}
    assert rows == {
        "Hip Thrust": "",
        "Élan Squat": "elan-squat",
        "Romanian Deadlift": "rdl",
        "Pull-Ups!": "",
    }
    assert {item["slug"] for item in decoded(search.index_data(library))} == set(library.exercises)


def test_the_index_is_made_from_entries_without_page_content() -> None:
    library = entries_only(
        entry("glute-bridge", "Glute Bridge", muscles=["glutes"], level="beginner"),
        entry(
            "single-leg-glute-bridge",
            "Single-Leg Glute Bridge",
            muscles=["glutes"],
            variation_of="glute-bridge",
        ),
    )
    with pytest.raises(KeyError):
        library.whole("glute-bridge")
    families = [item["family"] for item in decoded(search.index_data(library))]
    assert families == ["glute-bridge", "glute-bridge"]


def test_the_index_path_is_fingerprinted_by_its_content() -> None:
    data = b'{"version":1}\n'
    path = search.index_path(data)
    assert re.fullmatch(r"search/index\.[0-9a-f]{8}\.json", path)
    assert path == f"search/index.{hashlib.sha256(data).hexdigest()[:8]}.json"
    assert search.index_path(data + b" ") != path


def test_no_equipment_means_none_or_bodyweight_alone_as_the_api_says(
    shipped: tuple[SiteConfig, Library],
) -> None:
    _, library = shipped
    published = api.library_json(library)["exercises"]
    bare = {e["slug"] for e in published if e["equipment"] in ([], ["bodyweight"])}
    assert bare and bare != set(library.exercises)
    assert {s for s, e in library.exercises.items() if search.needs_no_equipment(e)} == bare
    equipment = search.facets(library)[1].options
    assert equipment[0] == search.Option("none", "No equipment", len(bare))


def test_filters_offer_primary_muscles_every_piece_of_equipment_and_levels(
    shipped: tuple[SiteConfig, Library],
) -> None:
    _, library = shipped
    muscle, equipment, level = search.facets(library)
    assert (muscle.param, equipment.param, level.param) == ("muscle", "equipment", "level")
    primary = {k: g.primary for k, g in library.muscles.items() if g.primary}
    assert [(o.value, o.count) for o in muscle.options] == [(k, len(s)) for k, s in primary.items()]
    assert [o.value for o in equipment.options] == ["none", *library.equipment]
    assert [(o.value, o.count) for o in level.options] == [
        (k, len(s)) for k, s in library.levels.items()
    ]


# -- the page -----------------------------------------------------------------------------


class _Page(html.parser.HTMLParser):
    """Headings, links and the search root's attributes of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.links: list[tuple[str, str]] = []
        self.root: dict[str, str | None] = {}
        self.landmarks: list[dict[str, str | None]] = []
        self._lists: list[str] = []
        """The classes of the lists the parser is in."""
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if found.get("id") == "search":
            self.root = found
        if found.get("role") == "search":
            self.landmarks.append(found)
        if tag == "a" and "search-all" in self._lists:
            self._href, self._text = found.get("href"), ""
        if tag == "ul":
            self._lists.append(found.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._text, self._href))
            self._href = None
        if tag == "ul" and self._lists:
            self._lists.pop()

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data


def parsed(html_text: str) -> _Page:
    page = _Page()
    page.feed(html_text)
    return page


def test_the_search_page_lists_every_exercise_and_tells_the_script_where_things_are(
    shipped: tuple[SiteConfig, Library],
) -> None:
    config, library = shipped
    renderer = Renderer(config)
    index_file = renderer.search_index(library)[0]
    page = parsed(renderer.render_page(library, SEARCH_PAGE).decode())
    ordered = sorted(library.exercises.values(), key=lambda e: (sort_key(e.title), e.slug))
    assert page.links == [(e.title, f"../exercises/{e.slug}/") for e in ordered]
    assert page.root["data-index"] == index_file.removeprefix(urls.SEARCH)
    assert (page.root["data-exercise-prefix"], page.root["data-exercise-suffix"]) == (
        "../exercises/",
        "/",
    )
    assert page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert [lm.get("aria-label") for lm in page.landmarks] == ["Exercises"]


def test_links_from_disk_name_their_index_file(shipped: tuple[SiteConfig, Library]) -> None:
    config, library = shipped
    page = parsed(Renderer(config, file_links=True).render_page(library, SEARCH_PAGE).decode())
    assert page.root["data-exercise-suffix"] == "/index.html"
    assert page.links[0][1].endswith("/index.html")


def test_the_fallback_links_the_muscle_equipment_and_level_pages(
    shipped: tuple[SiteConfig, Library],
) -> None:
    config, library = shipped
    text = Renderer(config).render_page(library, SEARCH_PAGE).decode()
    browse = text[text.index('class="search-browse"') :]
    for key in library.muscles:
        assert f'href="../{urls.muscle(key)}"' in browse
    for key in library.equipment:
        assert f'href="../{urls.equipment(key)}"' in browse
    for key in library.levels:
        assert f'href="../{urls.level(key)}"' in browse


def test_other_pages_carry_a_plain_form_to_the_search_page(
    shipped: tuple[SiteConfig, Library],
) -> None:
    config, library = shipped
    page = parsed(Renderer(config).render_page(library, "exercises/hip-thrust/index.html").decode())
    assert [(lm.get("aria-label"), lm.get("action")) for lm in page.landmarks] == [
        ("Site", "../../search/")
    ]


# -- scale ----------------------------------------------------------------------------------


def test_the_index_of_1000_real_shaped_exercises_fits_a_phone(
    thousand: tuple[SiteConfig, Library],
) -> None:
    config, library = thousand
    data = search.index_data(library)
    packed = len(gzip.compress(data, 9))
    print(f"search index, {len(library)} exercises: {len(data)} bytes, {packed} gzipped")
    assert len(library) == 1000
    assert packed <= GZIP_BUDGET
    # The page is links, not cards: a few dozen bytes an exercise besides its name.
    page = Renderer(config).render_page(library, SEARCH_PAGE)
    assert len(page) < 30_000 + 150 * len(library)


def test_every_exercise_of_a_large_library_is_in_the_index_once_in_title_order(
    thousand: tuple[SiteConfig, Library],
) -> None:
    # Encoded a few hundred at a time: none lost or doubled where two batches meet.
    _, library = thousand
    found = decoded(search.index_data(library))
    assert [item["slug"] for item in found] == [e.slug for e in library.a_to_z()]


def test_the_index_of_10000_exercises_holds_each_once_in_title_order(
    thousand: tuple[SiteConfig, Library],
) -> None:
    # How long it takes is measured by the benchmarks (README "Performance"), not here.
    _, library = thousand
    copies = []
    for n in range(10):
        for e in library.exercises.values():
            parent = e.variation_of and f"{e.variation_of}-{n}"
            copies.append(
                dataclasses.replace(
                    e, slug=f"{e.slug}-{n}", title=f"{e.title} {n}", variation_of=parent
                )
            )
    large = build_library(copies, library.vocabulary, Problems())
    assert len(large) == 10_000
    found = decoded(search.index_data(large))
    assert [item["slug"] for item in found] == [e.slug for e in large.a_to_z()]
