"""The pages in real headless Chromium: accessibility (axe-core), navigation, the video
facade, keyboard use, print, console errors, third-party requests and the 404 page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Site, tiny_png

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_KINDS = [
    "",
    "exercises/",
    "exercises/leverage-machine-hip-thrust/",  # with a video
    "exercises/single-leg-hip-thrust-iso-hold/",  # deep in a family, no video
    "muscles/",
    "muscles/glutes/",
    "equipment/",
    "equipment/bench/",
    "variations/",
    "variations/hip-thrust/",
    "404.html",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
YOUTUBE_THUMBNAIL_HOST = "i.ytimg.com"
PLAYER_STUB = "<!doctype html><title>player</title>"


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Any]:
    """New browser contexts whose outside requests are recorded and answered locally."""
    contexts: list[Any] = []

    def make(**options: Any) -> tuple[Any, list[str]]:
        context = browser.new_context(**options)
        outside: list[str] = []

        def route(route: Any) -> None:
            url = route.request.url
            host = urlsplit(url).hostname or ""
            if host == "127.0.0.1":
                route.continue_()
                return
            outside.append(url)
            if host == YOUTUBE_THUMBNAIL_HOST:
                route.fulfill(status=200, content_type="image/png", body=tiny_png())
            else:
                route.fulfill(
                    status=200,
                    content_type="text/html",
                    body="<!doctype html><title>player</title>",
                )

        context.route("**/*", route)
        contexts.append(context)
        return context, outside

    yield make
    for context in contexts:
        context.close()


def _open(context: Any, url: str) -> tuple[Any, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return page, errors


def _every_page(site: Site) -> list[str]:
    """Served paths of every HTML page of a (small) site."""
    out = []
    for file in sorted(site.output.rglob("*.html")):
        if b'http-equiv="refresh"' in file.read_bytes():
            continue  # an old address: the page it sends to is on the list itself
        rel = file.relative_to(site.output).as_posix()
        out.append(rel.removesuffix("index.html") if rel.endswith("/index.html") else rel)
    return ["" if p == "index.html" else p for p in out]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", ["shipped", "fixture"])
def test_axe_finds_no_wcag_aa_violations(
    sites: dict[str, Site], context_factory: Any, name: str, scheme: str, width: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    site = sites[name]
    # One page of each kind of the shipped library; every page of the small fixture site.
    paths = PAGE_KINDS if name == "shipped" else _every_page(site)
    assert len(paths) > 5
    context, _ = context_factory(color_scheme=scheme, viewport=VIEWPORTS[width])
    found: dict[str, list[str]] = {}
    for kind in paths:
        page, _errors = _open(context, site.page(kind))
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = result.response["violations"]
        if violations:
            found[kind or "home"] = [
                f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations
            ]
        page.close()
    assert found == {}


def test_no_console_errors_and_no_third_party_requests(shipped: Site, context_factory: Any) -> None:
    context, outside = context_factory()
    problems: dict[str, list[str]] = {}
    for kind in PAGE_KINDS:
        page, errors = _open(context, shipped.page(kind))
        page.wait_for_load_state("load")
        if errors:
            problems[kind or "home"] = errors
        page.close()
    assert problems == {}
    assert [u for u in outside if urlsplit(u).hostname != YOUTUBE_THUMBNAIL_HOST] == []


def test_home_to_muscle_to_exercise_to_variation(shipped: Site, context_factory: Any) -> None:
    context, _ = context_factory()
    page, errors = _open(context, shipped.page(""))
    # Through the body map, by keyboard: its regions are links like any other.
    page.locator('figure.body-map a[aria-label="Glutes"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/muscles/glutes/")
    assert page.locator("h1").inner_text().strip().startswith("Glutes")
    page.get_by_role("link", name="Single-Leg Hip Thrust", exact=True).first.click()
    page.wait_for_url("**/exercises/single-leg-hip-thrust/")
    assert page.locator("h1").inner_text().strip() == "Single-Leg Hip Thrust"
    page.get_by_role("link", name="Single-Leg Hip Thrust with Iso Hold", exact=True).first.click()
    page.wait_for_url("**/exercises/single-leg-hip-thrust-iso-hold/")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    assert "Hip Thrust" in breadcrumb.inner_text()
    assert errors == []


def test_keyboard_reaches_and_starts_the_video(shipped: Site, context_factory: Any) -> None:
    context, outside = context_factory()
    page, errors = _open(context, shipped.page("exercises/leverage-machine-hip-thrust/"))
    assert page.locator("iframe").count() == 0
    before = [u for u in outside if urlsplit(u).hostname != YOUTUBE_THUMBNAIL_HOST]
    assert before == [], "a third-party request before the reader pressed play"
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "() => (document.activeElement.getAttribute('aria-label') || "
            "document.activeElement.textContent || '').trim()"
        )
        if "play" in name.lower():
            break
    else:
        pytest.fail("Tab never reached the play control")
    assert "Leverage Machine Hip Thrust" in name
    page.keyboard.press("Enter")
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    src = frame.get_attribute("src") or ""
    assert src.startswith("https://www.youtube-nocookie.com/embed/tztHvSLdXLA")
    assert "autoplay=1" in src
    assert (frame.get_attribute("title") or "").strip()
    assert page.url.endswith("/exercises/leverage-machine-hip-thrust/"), "play navigated away"
    assert errors == []


def test_mouse_click_swaps_in_the_player(shipped: Site, context_factory: Any) -> None:
    context, _ = context_factory()
    page, errors = _open(context, shipped.page("exercises/lying-leg-curl/"))
    page.get_by_role("link", name="Play video").or_(
        page.get_by_role("button", name="Play video")
    ).first.click()
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    assert "youtube-nocookie.com/embed/vl5nUdE9mWM" in (frame.get_attribute("src") or "")
    assert errors == []


def test_print_hides_navigation_and_player(shipped: Site, context_factory: Any) -> None:
    context, _ = context_factory()
    page, _errors = _open(context, shipped.page("exercises/leverage-machine-hip-thrust/"))
    page.emulate_media(media="print")
    for nav in page.locator("nav").all():
        assert not nav.is_visible()
    play = page.get_by_role("link", name="Play video", include_hidden=True)
    assert play.count() >= 1
    assert not play.first.is_visible()
    assert page.locator("h1").is_visible()
    assert page.get_by_role("heading", name="Execution").is_visible()
    # A one-page card on A4, body map and muscle lists included.
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_missing_url_serves_the_404_page(shipped: Site, context_factory: Any) -> None:
    context, _ = context_factory()
    page = context.new_page()
    response = page.goto(shipped.page("exercises/no-such-exercise/"))
    assert response is not None and response.status == 404
    assert page.locator("h1").count() == 1
    home = page.locator("a", has_text="Home").or_(page.locator("main a")).first
    assert home.count() == 1


def test_works_without_javascript(shipped: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.fulfill(status=200, content_type="image/png", body=tiny_png())
        ),
    )
    page = context.new_page()
    page.goto(shipped.page("exercises/leverage-machine-hip-thrust/"))
    play = page.get_by_role("link", name="Play video").first
    assert (play.get_attribute("href") or "").startswith("https://www.youtube.com/watch?v=")
    assert page.get_by_role("heading", name="Setup").is_visible()
    context.close()


def test_without_thumbnails_no_other_host_is_asked_before_play(
    tmp_path: Any, context_factory: Any
) -> None:
    from dataclasses import replace

    from tests.browser.conftest import BASE_URL, FIXTURE_SITE, serve_folder
    from thrustlib.config import load_config
    from thrustlib.engine.build import build

    config = replace(load_config(FIXTURE_SITE), base_url=BASE_URL, video_thumbnails=False)
    build(config, output=tmp_path / "site")
    server, url = serve_folder(tmp_path / "site")
    try:
        context, outside = context_factory()
        page, errors = _open(context, url + "exercises/glute-bridge/")
        page.wait_for_load_state("networkidle")
        assert outside == [], "a request to another host before the reader pressed play"
        play = page.get_by_role("link", name="Play video")
        assert play.count() == 1
        play.click()
        page.locator("iframe").wait_for(state="attached")
        assert [urlsplit(u).hostname for u in outside] == ["www.youtube-nocookie.com"]
        assert errors == []
    finally:
        server.shutdown()
        server.server_close()
