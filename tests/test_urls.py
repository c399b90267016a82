"""URL shapes (site/urls.py) and the page kinds they route to (site/pages.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from thrustlib.config import load_config
from thrustlib.content.model import Library
from thrustlib.engine.build import load_library
from thrustlib.site import pages, urls
from thrustlib.site.render import Renderer

SITE = Path(__file__).parent / "sites" / "basic"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(load_config(SITE))[0]


def test_shapes() -> None:
    assert urls.exercise("hip-thrust") == "exercises/hip-thrust/"
    assert urls.muscle("glutes") == "muscles/glutes/"
    assert urls.equipment("barbell") == "equipment/barbell/"
    assert urls.family("glute-bridge") == "variations/glute-bridge/"
    assert urls.static("thrustlib.css") == "static/thrustlib.css"
    assert urls.page_file(urls.HOME) == "index.html"
    assert urls.page_file(urls.NOT_FOUND) == "404.html"
    assert urls.page_file(urls.MUSCLES) == "muscles/index.html"
    assert urls.page_url("muscles/glutes/index.html") == "muscles/glutes/"


@pytest.mark.parametrize(
    "path",
    ["nothing.txt", "a/b/c/index.html", "exercises/x/other.html", "api/exercises.json", ""],
)
def test_paths_of_no_page_shape_route_nowhere(path: str) -> None:
    assert urls.route(path) is None


def test_every_page_routes_to_its_kind(library: Library) -> None:
    for path in Renderer(load_config(SITE)).html_paths(library):
        assert urls.page_file(urls.page_url(path)) == path
        shape = urls.route(path)
        assert shape is not None, path
        section, key = shape
        if key is None:
            assert section in pages.INDEXES
            assert urls.page_file(section) == path
        else:
            assert section in pages.ENTRIES and section in urls.SECTIONS
            assert path == f"{section}{key}/index.html"


def test_a_section_with_a_key_it_lacks_is_no_page(library: Library) -> None:
    renderer = Renderer(load_config(SITE))
    for url in (urls.muscle("nope"), urls.equipment("nope"), urls.family("romanian-deadlift")):
        with pytest.raises(KeyError):
            renderer.render_page(library, urls.page_file(url))
