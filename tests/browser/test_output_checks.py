"""Checks over the whole built output that need no browser: links, anchors, page
weight, and the JSON-LD as crawlers extract it (extruct).
"""

from __future__ import annotations

import gzip
import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.browser.conftest import BASE_URL, PREFIX, Site

# An exercise page with its stylesheet and script, the body map drawn inline: as a
# browser holds them, and as a host sends them (compressed).
MAX_PAGE_BYTES = 48 * 1024
MAX_PAGE_GZIPPED = 14 * 1024


class _Refs(HTMLParser):
    """Collects ids, internal references and stylesheet/script sources of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (attribute, value)
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").split():
            return  # a canonical URL is absolute by definition
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for attribute in ("href", "src"):
            if attribute in values:
                self.refs.append((attribute, values[attribute]))
        if tag == "link" and "stylesheet" in values.get("rel", "").split():
            self.assets.append(values["href"])
        if tag == "script" and values.get("src"):
            self.assets.append(values["src"])


def _pages(site: Site) -> list[Path]:
    return sorted(site.output.rglob("*.html"))


def _parse(path: Path) -> _Refs:
    refs = _Refs()
    refs.feed(path.read_text("utf-8"))
    return refs


def _served_url(site: Site, page: Path) -> str:
    """The URL a host serves ``page`` at under PREFIX (directory URLs for index.html)."""
    rel = page.relative_to(site.output).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return "http://host" + PREFIX + rel


def _target(site: Site, url: str) -> Path | None:
    """The output file a same-site URL resolves to, or None when it is outside the site."""
    parts = urlsplit(url)
    if parts.netloc != "host" or not parts.path.startswith(PREFIX):
        return None
    rel = unquote(parts.path[len(PREFIX) :])
    rel = posixpath.normpath(rel) if rel else ""
    target = site.output / rel if rel not in ("", ".") else site.output
    return target / "index.html" if target.is_dir() or parts.path.endswith("/") else target


@pytest.mark.parametrize("name", ["shipped", "fixture"])
def test_every_internal_link_and_anchor_resolves(sites: dict[str, Site], name: str) -> None:
    site = sites[name]
    ids = {page: _parse(page).ids for page in _pages(site)}
    broken: list[str] = []
    checked = 0
    for page in _pages(site):
        base = _served_url(site, page)
        for attribute, value in _parse(page).refs:
            if value.startswith(("mailto:", "tel:", "data:")):
                continue
            url = urljoin(base, value)
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != "host":
                if url.startswith(BASE_URL):
                    broken.append(f"{page}: {attribute}={value!r} is absolute to the site")
                continue  # a third-party link (the video's watch page, say)
            target = _target(site, url)
            checked += 1
            if target is None or not target.is_file():
                broken.append(f"{page.relative_to(site.output)}: {attribute}={value!r}")
                continue
            fragment = urlsplit(url).fragment
            if fragment and target.suffix == ".html" and unquote(fragment) not in ids[target]:
                broken.append(f"{page.relative_to(site.output)}: #{fragment} not on {target.name}")
    assert checked > 50
    assert broken == []


def test_exercise_page_weight(shipped: Site) -> None:
    """Own HTML + CSS + JS of an exercise page stays within budget, before the thumbnail."""
    heaviest = ("", 0, 0)
    for page in sorted((shipped.output / "exercises").glob("*/index.html")):
        refs = _parse(page)
        base = _served_url(shipped, page)
        files = [page]
        for asset in refs.assets:
            target = _target(shipped, urljoin(base, asset))
            assert target is not None and target.is_file(), asset
            files.append(target)
        data = [f.read_bytes() for f in files]
        size = (page.parent.name, sum(map(len, data)), sum(len(gzip.compress(d)) for d in data))
        heaviest = max(heaviest, size, key=lambda item: item[1])
    assert heaviest[1] < MAX_PAGE_BYTES, heaviest
    assert heaviest[2] < MAX_PAGE_GZIPPED, heaviest


def _jsonld(site: Site, page: Path) -> list[dict[str, Any]]:
    import extruct

    html = page.read_text("utf-8")
    url = BASE_URL + page.relative_to(site.output).as_posix().removesuffix("index.html")
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld"], errors="strict")
    items: list[dict[str, Any]] = data["json-ld"]
    return items


def _by_type(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        for node in item.get("@graph", [item]):
            out[node["@type"]] = node
    return out


def _resolves(site: Site, url: str) -> bool:
    """An absolute site URL (with optional #anchor) names a page, and an id on it."""
    assert url.startswith(BASE_URL), url
    parts = urlsplit(url)
    rel = parts.path[len(urlsplit(BASE_URL).path) :]
    target = site.output / rel
    target = target / "index.html" if target.is_dir() or not rel or rel.endswith("/") else target
    if not target.is_file():
        return False
    return not parts.fragment or parts.fragment in _parse(target).ids


@pytest.mark.parametrize("name", ["shipped", "fixture"])
def test_jsonld_of_every_exercise_page(sites: dict[str, Site], name: str) -> None:
    site = sites[name]
    api = json.loads((site.output / "api" / "exercises.json").read_text("utf-8"))
    exercises = {e["slug"]: e for e in api["exercises"]}
    assert exercises
    for slug, exercise in exercises.items():
        page = site.output / "exercises" / slug / "index.html"
        nodes = _by_type(_jsonld(site, page))
        howto = nodes["HowTo"]
        assert howto["name"] == exercise["title"]
        assert howto["description"] == exercise["description"]
        steps = howto["step"]
        assert [s["name"] for s in steps] == [s["name"] for s in exercise["howto"]]
        for step in steps:
            assert step["@type"] == "HowToStep"
            assert step["text"]
            assert _resolves(site, step["url"]), step["url"]
        if exercise["equipment"]:
            assert {t["@type"] for t in howto["tool"]} == {"HowToTool"}
        crumbs = nodes["BreadcrumbList"]["itemListElement"]
        assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
        assert crumbs[-1]["name"] == exercise["title"]
        for crumb in crumbs:
            assert _resolves(site, crumb["item"]), crumb
        if exercise["video"]:
            video = nodes["VideoObject"]
            video_id = exercise["video"]
            assert video["name"]
            assert video["description"]
            assert (
                video_id in video["thumbnailUrl"]
                if isinstance(video["thumbnailUrl"], str)
                else video_id in video["thumbnailUrl"][0]
            )
            assert video["embedUrl"].startswith("https://www.youtube")
            assert video_id in video["embedUrl"]
            assert video["contentUrl"] == f"https://www.youtube.com/watch?v={video_id}"
            assert "video" in howto
        else:
            assert "VideoObject" not in nodes
