"""Build the fixture site tests/sites/basic end to end and check what a visitor gets."""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from thrustlib.config import SiteConfig, load_config
from thrustlib.engine.build import build
from thrustlib.errors import ContentError, ThemeError

SITE = Path(__file__).parent / "sites" / "basic"
BASE = "https://lib.example.test/library/"


class Page(HTMLParser):
    """The parts of an HTML page the checks look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.jsonld: list[str] = []
        self.scripts: list[str] = []
        self.headings: list[int] = []
        self._script: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(str(found[name]))
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "script":
            self._script = str(found.get("type") or "")
            self.scripts.append("")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if self._script == "application/ld+json":
                self.jsonld.append(self.scripts[-1])
            self._script = None

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        """Attributes of every ``tag`` element whose attributes include ``attrs``."""
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(k) == v for k, v in attrs.items())
        ]

    def meta(self, key: str) -> str | None:
        """Content of ``<meta name=key>`` or ``<meta property=key>``."""
        for found in self.all("meta"):
            if key in (found.get("name"), found.get("property")):
                return found.get("content")
        return None


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by posix path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "site"
    build(load_config(SITE), output=out)
    return out


def page(site: Path, path: str) -> Page:
    return Page((site / path).read_text("utf-8"))


def test_every_page_kind_is_built(site: Path) -> None:
    expected = {
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "api/exercises.json",
        "api/exercises.schema.json",
        "exercises/index.html",
        "muscles/index.html",
        "muscles/glutes/index.html",
        "muscles/hamstrings/index.html",
        "muscles/lower-back/index.html",
        "equipment/index.html",
        "equipment/barbell/index.html",
        "equipment/box/index.html",
        "variations/index.html",
        "variations/glute-bridge/index.html",
        *(
            f"exercises/{slug}/index.html"
            for slug in (
                "glute-bridge",
                "single-leg-glute-bridge",
                "elevated-single-leg-glute-bridge",
                "marching-glute-bridge",
                "romanian-deadlift",
            )
        ),
    }
    built = set(files_of(site))
    assert expected <= built
    # A family of one is not a family: the lone deadlift gets no variations page.
    assert "variations/romanian-deadlift/index.html" not in built
    assert ".thrustlib" in built
    assert any(p.startswith("static/thrustlib.") and p.endswith(".css") for p in built)


def test_home_page(site: Path) -> None:
    text = (site / "index.html").read_text("utf-8")
    home = page(site, "index.html")
    assert '<html lang="en-GB">' in text
    assert "<strong>test library</strong>" in text  # the intro, as Markdown
    assert home.headings.count(1) == 1
    assert "Legs &amp; Hips" in text and "Core" in text
    assert 'href="muscles/glutes/"' in text
    assert 'href="variations/glute-bridge/"' in text
    assert home.meta("twitter:card") == "summary"


def test_exercise_page_content_and_order(site: Path) -> None:
    text = (site / "exercises/glute-bridge/index.html").read_text("utf-8")
    order = [
        "<h1>Glute Bridge</h1>",
        'class="player"',
        'id="setup"',
        'id="execution"',
        'id="tips"',
        # Sections in the order the file has them: "Why Bridge?" stands before Mistakes.
        'id="why-bridge"',
        'id="mistakes"',
        'id="summary"',
        'id="howto"',
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert '<strong class="item-label">Lie Down:</strong> Lie on your back' in text
    assert "<em>no equipment</em>" in text
    assert "Master the bridge before loading the hips." in text
    for n in (1, 2, 3):
        assert f'<li id="step-{n}">' in text
    assert 'href="../../muscles/glutes/"' in text
    assert 'href="../../muscles/hamstrings/"' in text
    assert 'href="../../equipment/bodyweight/"' in text
    assert "Also called Hip Bridge" in text


def test_exercise_page_accessibility_basics(site: Path) -> None:
    for path, data in files_of(site).items():
        if not path.endswith(".html"):
            continue
        doc = page(site, path)
        assert doc.headings.count(1) == 1, path
        if b'http-equiv="refresh"' in data:
            # An old address: one heading and one link on, with nothing to skip past.
            assert path.startswith("exercises/") and len(doc.all("a")) == 1, path
            continue
        # Headings never skip a level on the way down.
        for before, after in zip(doc.headings, doc.headings[1:], strict=False):
            assert after <= before + 1, path
        assert len(doc.ids) == len(set(doc.ids)), path
        assert doc.all("a", href="#main"), path
        assert doc.all("main", id="main"), path
        for img in doc.all("img"):
            assert img.get("alt"), path
        navs = doc.all("nav")
        assert navs and all(n.get("aria-label") or n.get("aria-labelledby") for n in navs), path


def test_breadcrumbs_and_family_tree(site: Path) -> None:
    text = (site / "exercises/elevated-single-leg-glute-bridge/index.html").read_text("utf-8")
    crumbs = text[text.index('aria-label="Breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    names = ["Home", "Glutes", "Glute Bridge", "Single-Leg Glute Bridge"]
    positions = [crumbs.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    assert 'aria-current="page">Elevated Single-Leg Glute Bridge</a>' in crumbs
    # The small tree: parent, then this exercise marked as the current page.
    tree = text[text.index('<ul class="tree">') :]
    assert tree.index("Single-Leg Glute Bridge</a>") < tree.index(
        'aria-current="page">Elevated Single-Leg Glute Bridge'
    )
    # A middle exercise shows its parent, itself among siblings, and its children.
    middle = (site / "exercises/single-leg-glute-bridge/index.html").read_text("utf-8")
    tree = middle[middle.index('<ul class="tree">') :]
    tree = tree[: tree.index("</aside>")]
    for name in ("Glute Bridge</a>", "Marching Glute Bridge</a>", "Elevated Single-Leg"):
        assert name in tree


def test_family_page_is_a_nested_tree(site: Path) -> None:
    text = (site / "variations/glute-bridge/index.html").read_text("utf-8")
    tree = text[text.index('<ul class="tree tree-large">') :]
    # Three levels: three nested <ul> before the grandchild.
    grandchild = tree.index("Elevated Single-Leg Glute Bridge")
    assert tree[:grandchild].count("<ul") == 3


def test_list_pages(site: Path) -> None:
    az = (site / "exercises/index.html").read_text("utf-8")
    titles = [
        ">Elevated Single-Leg Glute Bridge</a>",
        ">Glute Bridge</a>",
        ">Marching Glute Bridge</a>",
        ">Romanian Deadlift</a>",
        ">Single-Leg Glute Bridge</a>",
    ]
    positions = [az.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "Hamstrings · Barbell" in az
    glutes = (site / "muscles/glutes/index.html").read_text("utf-8")
    primary, secondary = glutes.split("Also working the glutes")
    assert "Glute Bridge" in primary and "Romanian Deadlift" not in primary
    assert "Romanian Deadlift" in secondary
    assert "Barbell" in (site / "equipment/index.html").read_text("utf-8")
    assert "Romanian Deadlift" in (site / "equipment/barbell/index.html").read_text("utf-8")


def test_jsonld_parsed_back_field_by_field(site: Path) -> None:
    doc = page(site, "exercises/glute-bridge/index.html")
    blocks = [json.loads(b) for b in doc.jsonld]
    by_type = {b["@type"]: b for b in blocks}
    url = BASE + "exercises/glute-bridge/"
    howto = by_type["HowTo"]
    assert howto["@context"] == "https://schema.org"
    assert howto["name"] == "Glute Bridge"
    assert howto["description"].startswith("Lift the hips off the floor")
    assert [s["name"] for s in howto["step"]] == ["Lie Down", "Lift the Hips", "Lower"]
    assert howto["step"][0] == {
        "@type": "HowToStep",
        "position": 1,
        "name": "Lie Down",
        "text": "Lie on your back with the knees bent.",
        "url": url + "#step-1",
    }
    assert howto["tool"] == [{"@type": "HowToTool", "name": "Bodyweight"}]
    assert howto["video"]["@type"] == "VideoObject"
    video = by_type["VideoObject"]
    assert video["name"] == "Glute Bridge"
    assert video["thumbnailUrl"] == "https://i.ytimg.com/vi/Xq9_aB3-k7Z/hqdefault.jpg"
    assert video["embedUrl"] == "https://www.youtube-nocookie.com/embed/Xq9_aB3-k7Z"
    assert video["contentUrl"] == "https://www.youtube.com/watch?v=Xq9_aB3-k7Z"
    assert video["uploadDate"] == "2021-05-04"
    crumbs = by_type["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", BASE),
        (2, "Glutes", BASE + "muscles/glutes/"),
        (3, "Glute Bridge", url),
    ]
    # Every step URL points at an element of the page.
    for step in howto["step"]:
        assert urlsplit(step["url"]).fragment in doc.ids


def test_hostile_description_stays_inert(site: Path) -> None:
    text = (site / "exercises/single-leg-glute-bridge/index.html").read_text("utf-8")
    doc = Page(text)
    # Every script element is one the theme wrote: JSON-LD that parses, or a src.
    scripts = doc.all("script")
    assert all(s.get("type") == "application/ld+json" or s.get("src") for s in scripts)
    assert text.count("<script") == len(scripts) == len(doc.scripts)
    assert "</script><script>alert" not in text
    assert "\\u003c/script\\u003e" in text
    howto = next(json.loads(b) for b in doc.jsonld if '"HowTo"' in b)
    assert howto["description"].endswith("</script><script>alert(1)</script> & it stays text.")
    assert doc.meta("description") == howto["description"]


def test_video_facade(site: Path) -> None:
    text = (site / "exercises/glute-bridge/index.html").read_text("utf-8")
    doc = Page(text)
    assert "<iframe" not in text
    assert "youtube.com/embed" not in text.split("<body>")[1].replace("youtube-nocookie", "")
    player = doc.all("div", **{"class": "player"})[0]
    assert player["data-video-id"] == "Xq9_aB3-k7Z"
    assert player["data-embed-base"] == "https://www.youtube-nocookie.com/embed/"
    link = doc.all("a", **{"class": "player-link"})[0]
    assert link["href"] == "https://www.youtube.com/watch?v=Xq9_aB3-k7Z"
    assert link["aria-label"] == "Play video: Glute Bridge"
    img = doc.all("img", **{"class": "player-thumb"})[0]
    assert img["src"] == "https://i.ytimg.com/vi/Xq9_aB3-k7Z/hqdefault.jpg"
    assert img["loading"] == "lazy" and img["width"] and img["height"] and img["alt"]
    assert "<noscript>" in text
    assert doc.meta("twitter:card") == "summary_large_image"
    assert doc.meta("og:image") == img["src"]
    # The script that swaps in the player is referenced and builds the URL itself.
    script = next(s["src"] for s in doc.all("script") if s.get("src"))
    js = (site / "exercises/glute-bridge" / str(script)).resolve().read_text("utf-8")
    assert "data-embed-base" in js and "autoplay=1" in js and "allowfullscreen" in js
    assert ".focus()" in js
    # Pages without a video load no script at all.
    plain = page(site, "exercises/romanian-deadlift/index.html")
    assert not [s for s in plain.all("script") if s.get("src")]


def test_plain_youtube_when_nocookie_is_off(tmp_path: Path) -> None:
    config = dataclasses.replace(load_config(SITE), video_nocookie=False)
    build(config, output=tmp_path / "out")
    text = (tmp_path / "out/exercises/glute-bridge/index.html").read_text("utf-8")
    assert 'data-embed-base="https://www.youtube.com/embed/"' in text
    assert "nocookie" not in text


def test_head_tags(site: Path) -> None:
    doc = page(site, "exercises/romanian-deadlift/index.html")
    url = BASE + "exercises/romanian-deadlift/"
    assert doc.all("link", rel="canonical")[0]["href"] == url
    assert doc.meta("og:url") == url
    assert doc.meta("description") == doc.meta("og:description")
    assert doc.meta("twitter:card") == "summary"
    assert doc.meta("og:image") is None


def test_generated_files(site: Path) -> None:
    data = json.loads((site / "api/exercises.json").read_text("utf-8"))
    assert [e["slug"] for e in data["exercises"]] == sorted(e["slug"] for e in data["exercises"])
    assert data["exercises"][0]["url"].startswith(BASE)
    schema = json.loads((site / "api/exercises.schema.json").read_text("utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, schema)
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{BASE}exercises/glute-bridge/</loc>" in sitemap
    assert "404.html" not in sitemap
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text("utf-8")
    assert "Page not found" in (site / "404.html").read_text("utf-8")


def served_under(site: Path, prefix: str) -> list[str]:
    """Internal links that do not resolve to a file when the site is served at ``prefix``."""
    host = "https://host.test"
    broken = []
    for path, data in files_of(site).items():
        if not path.endswith(".html"):
            continue
        doc = Page(data.decode("utf-8"))
        page_url = host + prefix + path.removesuffix("index.html")
        for link in doc.links:
            resolved = urlsplit(urljoin(page_url, link))
            if f"{resolved.scheme}://{resolved.netloc}" != host:
                continue  # external: YouTube, links in content
            if not resolved.path.startswith(prefix):
                broken.append(f"{path}: {link} leaves {prefix}")
                continue
            target = resolved.path[len(prefix) :]
            target = target + "index.html" if target in ("",) or target.endswith("/") else target
            if not (site / target).is_file():
                broken.append(f"{path}: {link} -> {target}")
            elif (
                resolved.fragment
                and target.endswith(".html")
                and resolved.fragment not in Page((site / target).read_text("utf-8")).ids
            ):
                broken.append(f"{path}: {link} has no #{resolved.fragment}")
    return broken


def test_every_internal_link_resolves_under_a_sub_path(site: Path) -> None:
    assert served_under(site, "/library/") == []


def test_links_are_relative_so_any_prefix_works(tmp_path: Path, site: Path) -> None:
    # Only the 404 page uses the configured path; every other page works at any prefix.
    for path, data in files_of(site).items():
        if path.endswith(".html") and path != "404.html":
            for link in Page(data.decode("utf-8")).links:
                assert not link.startswith("/"), (path, link)


def test_path_only_base_url(tmp_path: Path) -> None:
    config: SiteConfig = dataclasses.replace(load_config(SITE), base_url="/library/")
    build(config, output=tmp_path / "out")
    doc = page(tmp_path / "out", "exercises/glute-bridge/index.html")
    assert doc.all("link", rel="canonical") == []
    assert doc.meta("og:url") is None
    assert "<loc>/library/exercises/glute-bridge/</loc>" in (
        tmp_path / "out/sitemap.xml"
    ).read_text("utf-8")
    assert served_under(tmp_path / "out", "/library/") == []


def test_rebuilds_are_byte_identical(tmp_path: Path) -> None:
    build(load_config(SITE), output=tmp_path / "a")
    build(load_config(SITE), output=tmp_path / "b")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    # Rebuilding over the first output gives the same bytes again.
    before = files_of(tmp_path / "a")
    build(load_config(SITE), output=tmp_path / "a")
    assert files_of(tmp_path / "a") == before


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(SITE, copy)
    return copy


def test_old_site_survives_bad_content(site_copy: Path) -> None:
    out = site_copy / "_site"
    build(load_config(site_copy), output=out)
    before = files_of(out)
    (site_copy / "exercises/broken.md").write_text("no front matter here\n", "utf-8")
    with pytest.raises(ContentError):
        build(load_config(site_copy), output=out)
    assert files_of(out) == before
    assert [p.name for p in site_copy.iterdir() if p.name.startswith(".")] == []


def test_old_site_survives_broken_template(site_copy: Path) -> None:
    out = site_copy / "_site"
    build(load_config(site_copy), output=out)
    before = files_of(out)
    templates = site_copy / "templates"
    templates.mkdir()
    (templates / "exercise.html").write_text(
        '{% extends "theme/exercise.html" %}\n{% block content %}\n{{ no_such_thing }}\n'
        "{% endblock %}\n",
        "utf-8",
    )
    with pytest.raises(ThemeError) as caught:
        build(load_config(site_copy), output=out)
    assert "exercise.html:3" in str(caught.value)
    assert files_of(out) == before


def test_site_templates_and_static_override_the_theme(site_copy: Path) -> None:
    (site_copy / "templates").mkdir()
    (site_copy / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Lost</h1>{% endblock %}\n', "utf-8"
    )
    (site_copy / "static").mkdir()
    (site_copy / "static/thrustlib.css").write_text("body { color: red }\n", "utf-8")
    (site_copy / "static/logo.png").write_bytes(b"\x89PNG fake")
    out = site_copy / "_site"
    build(load_config(site_copy), output=out)
    assert "<h1>Lost</h1>" in (out / "404.html").read_text("utf-8")
    css = [p for p in files_of(out) if p.endswith(".css") and "/search." not in p]
    assert len(css) == 1 and (out / css[0]).read_text("utf-8") == "body { color: red }\n"
    assert (out / "static/logo.png").read_bytes() == b"\x89PNG fake"
    assert css[0].split("/")[-1] in (out / "index.html").read_text("utf-8")


def test_exercise_page_weight(site: Path) -> None:
    html = (site / "exercises/glute-bridge/index.html").read_bytes()
    assets = [p for p in files_of(site) if p.startswith("static/thrustlib.")]
    files = [html, *((site / p).read_bytes() for p in assets)]
    # The page, its stylesheet and its script, with the body map drawn inline: as a host
    # sends them (compressed), and as a browser holds them.
    assert sum(len(gzip.compress(data)) for data in files) < 14_000
    assert sum(map(len, files)) < 48_000


def test_link_check_finds_broken_links(tmp_path: Path) -> None:
    # The checker above must be able to fail: a missing target and an escape are caught.
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<a href="../missing/">x</a><a href="../../outside/">y</a><a href="./#nope">z</a>',
        "utf-8",
    )
    broken = served_under(tmp_path, "/library/")
    assert len(broken) == 3
