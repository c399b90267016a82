"""The search page in real Chromium, served under ``/library/``: results as you type,
filters checked against ``api/exercises.json``, the state in the address, the page
without JavaScript, keyboard use, requests to other hosts and axe-core.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import BASE_URL, Site, serve_folder
from tests.realshape import write_corpus
from thrustlib.config import load_config
from thrustlib.content.text import sort_key
from thrustlib.engine.build import build

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
HITS = ".search-hits .card-title a"
SEARCH = "search/"

Opened = tuple[Any, list[str], list[str]]
"""A page, the console errors on it and the URLs it asked another host for."""


def here(page: Any) -> str:
    """The page's address as its script left it (``page.url`` follows the browser's
    navigation events, which may arrive after a history.pushState has returned)."""
    address: str = page.evaluate("location.href")
    return address


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Opened]]:
    """Pages in fresh contexts, each with its console errors and outside requests."""
    contexts: list[Any] = []

    def make(url: str, *, ready: bool = True, **options: Any) -> Opened:
        """``url`` opened; with ``ready``, once the search has its index and has drawn."""
        context = browser.new_context(**options)
        contexts.append(context)
        outside: list[str] = []

        def route(route: Any) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        if ready:
            page.wait_for_selector("#search[data-state='ready']")
        return page, errors, outside

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A real-shaped library of 180 exercises: more results than one page shows."""
    folder = tmp_path_factory.mktemp("larger")
    write_corpus(folder, 180)
    output = folder / "_site"
    build(replace(load_config(folder), base_url=BASE_URL), output=output, jobs=1)
    server, url = serve_folder(output)
    yield Site("larger", output, url)
    server.shutdown()
    server.server_close()


def api(site: Site) -> list[dict[str, Any]]:
    exercises: list[dict[str, Any]] = json.loads(
        (site.output / "api" / "exercises.json").read_text("utf-8")
    )["exercises"]
    return exercises


def titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(HITS).all_inner_texts()]


def search_for(page: Any, text: str) -> list[str]:
    """Type ``text`` key by key into the search field, as a reader does."""
    field = page.locator("#search-q")
    field.fill("")
    field.press_sequentially(text)
    return titles(page)


def box(page: Any, param: str, value: str) -> Any:
    return page.locator(f".search-facet[data-param='{param}'] input[value='{value}']")


def counts(page: Any) -> dict[str, dict[str, int]]:
    """Every filter option's shown count, by parameter and value."""
    found: dict[str, dict[str, int]] = page.evaluate(
        """() => {
          const out = {};
          for (const input of document.querySelectorAll('.search-facet input')) {
            const count = input.closest('label').querySelector('.search-count');
            (out[input.name] ||= {})[input.value] = Number(count.textContent);
          }
          return out;
        }"""
    )
    return found


def open_filters(page: Any) -> None:
    """Phones start with the filters folded away, under the search field."""
    if page.locator(".search-filters").get_attribute("open") is None:
        page.locator(".search-filters summary").click()


# -- searching ----------------------------------------------------------------------------


def test_hip_trust_lists_hip_thrust_first(shipped: Site, open_page: Any) -> None:
    page, errors, _ = open_page(shipped.page(SEARCH))
    found = search_for(page, "hip trust")
    assert found[0] == "Hip Thrust"
    assert all("Hip Thrust" in title for title in found[:5])
    assert "hip+trust" in here(page)
    assert errors == []


@pytest.mark.parametrize(
    ("queries", "first"),
    [
        (["thrust hip", "HIP THRUST", "hip thr"], "Hip Thrust"),
        (["step up", "step-up", "stepup", "stepu"], "Step-Up"),
        (["romanian deadlift", "deadlift romanian", "romanain deadlift"], "Romanian Deadlift"),
        (["nordic", "nordik hamstring"], "Nordic Hamstring Curl"),
    ],
)
def test_words_in_any_order_prefixes_separators_and_one_typo(
    shipped: Site, open_page: Any, queries: list[str], first: str
) -> None:
    page, errors, _ = open_page(shipped.page(SEARCH))
    for query in queries:
        assert search_for(page, query)[:1] == [first], query
    assert errors == []


def test_separators_are_optional_in_both_directions(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page(SEARCH))
    spaced = search_for(page, "single leg hip thrust")
    assert spaced[0] == "Single-Leg Hip Thrust"
    assert search_for(page, "single-leg hip thrust") == spaced
    assert search_for(page, "singleleg hip thrust") == spaced


def test_an_alias_finds_its_exercise_and_is_shown(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page(SEARCH))
    by_alias = {e["aliases"][0]: e["title"] for e in api(shipped) if e["aliases"]}
    assert "Frog Bridge" in by_alias
    missing = {}
    for alias, title in sorted(by_alias.items()):
        found = search_for(page, alias)
        if title not in found[:3]:
            missing[alias] = found[:3]
    assert missing == {}
    search_for(page, "frog bridge")
    first = page.locator(".search-hits .search-hit").first
    assert first.locator(".card-title").inner_text().strip() == "Frog Pump"
    assert "Frog Bridge" in first.locator(".search-aliases").inner_text()


def test_title_matches_come_before_muscle_and_description_matches(
    shipped: Site, open_page: Any
) -> None:
    page, _, _ = open_page(shipped.page(SEARCH))
    found = search_for(page, "glute")
    in_title = [t for t in found if "glute" in t.lower()]
    assert found[: len(in_title)] == in_title
    assert len(found) > len(in_title)
    # Among titles that match as well, the shorter title first (less left unsaid), then
    # the title order of every list of the site.
    assert in_title == sorted(in_title, key=lambda t: (len(re.split(r"[\s-]+", t)), sort_key(t)))


def test_a_result_leads_to_its_page_under_the_sub_path(shipped: Site, open_page: Any) -> None:
    page, errors, _ = open_page(shipped.page(SEARCH + "?q=hip+thrust"))
    page.locator(HITS).first.click()
    page.wait_for_url("**/library/exercises/hip-thrust/")
    assert page.locator("h1").inner_text().strip() == "Hip Thrust"
    assert errors == []


def test_the_header_form_on_every_page_opens_the_search(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page("muscles/glutes/"), ready=False)
    header = page.get_by_role("search", name="Site")
    header.get_by_role("searchbox").fill("frog")
    header.get_by_role("button", name="Search").click()
    page.wait_for_url("**/library/search/?q=frog")
    page.wait_for_selector("#search[data-state='ready']")
    assert titles(page)[0] == "Frog Pump"


# -- filters ------------------------------------------------------------------------------


def _matches(exercise: dict[str, Any], chosen: dict[str, set[str]], skip: str = "") -> bool:
    """The filters as the search page documents them, computed from the public JSON."""
    tools = set(exercise["equipment"])
    values = {
        "muscle": set(exercise["muscles"]),
        "equipment": tools | ({"none"} if tools <= {"bodyweight"} else set()),
        "level": {exercise["level"]} if exercise["level"] else set(),
    }
    return all(not wanted or values[p] & wanted for p, wanted in chosen.items() if p != skip)


def _expected_counts(
    exercises: list[dict[str, Any]], chosen: dict[str, set[str]], shown: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """Each option's count: the exercises matching the other filters that have it."""
    return {
        param: {
            value: sum(
                1
                for e in exercises
                if _matches(e, chosen, skip=param) and _matches(e, {param: {value}})
            )
            for value in options
        }
        for param, options in shown.items()
    }


def test_glutes_bodyweight_beginner_is_what_the_api_says(shipped: Site, open_page: Any) -> None:
    page, errors, _ = open_page(shipped.page(SEARCH))
    open_filters(page)
    exercises = api(shipped)
    chosen = {"muscle": {"glutes"}, "equipment": {"bodyweight"}, "level": {"beginner"}}
    for param, values in chosen.items():
        for value in values:
            box(page, param, value).check()
    expected = sorted((e["title"] for e in exercises if _matches(e, chosen)), key=sort_key)
    assert 0 < len(expected) < len(exercises)
    assert titles(page) == expected
    assert counts(page) == _expected_counts(exercises, chosen, counts(page))
    query = parse_qs(urlsplit(here(page)).query)
    assert query == {"muscle": ["glutes"], "equipment": ["bodyweight"], "level": ["beginner"]}
    assert errors == []


def test_or_within_a_filter_and_no_equipment(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page(SEARCH))
    open_filters(page)
    exercises = api(shipped)
    box(page, "equipment", "none").check()
    chosen: dict[str, set[str]] = {"equipment": {"none"}}
    bare = [e["title"] for e in exercises if e["equipment"] in ([], ["bodyweight"])]
    assert sorted(titles(page), key=sort_key) == sorted(bare, key=sort_key)
    box(page, "equipment", "machine").check()
    chosen = {"equipment": {"none", "machine"}}
    expected = [e["title"] for e in exercises if _matches(e, chosen)]
    assert sorted(titles(page), key=sort_key) == sorted(expected, key=sort_key)
    assert len(expected) > len(bare)
    assert counts(page) == _expected_counts(exercises, chosen, counts(page))


def test_counts_follow_the_query(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page(SEARCH))
    open_filters(page)
    found = set(search_for(page, "thrust"))
    exercises = [e for e in api(shipped) if e["title"] in found]
    box(page, "level", "intermediate").check()
    chosen = {"level": {"intermediate"}}
    assert counts(page) == _expected_counts(exercises, chosen, counts(page))


# -- the address --------------------------------------------------------------------------


def test_the_address_holds_the_state_and_back_restores_it(shipped: Site, open_page: Any) -> None:
    page, errors, _ = open_page(shipped.page(SEARCH + "?q=thrust&muscle=glutes"))
    assert page.locator("#search-q").input_value() == "thrust"
    assert box(page, "muscle", "glutes").is_checked()
    before = titles(page)
    assert before and all(
        _matches(e, {"muscle": {"glutes"}}) for e in api(shipped) if e["title"] in before
    )
    length = page.evaluate("history.length")
    open_filters(page)
    box(page, "level", "beginner").check()
    assert parse_qs(urlsplit(here(page)).query)["level"] == ["beginner"]
    assert page.evaluate("history.length") == length + 1
    narrowed = titles(page)
    assert set(narrowed) < set(before)
    # Typing replaces the entry instead of adding one per letter.
    page.locator("#search-q").press("End")
    page.locator("#search-q").press_sequentially(" hip")
    assert page.evaluate("history.length") == length + 1
    assert parse_qs(urlsplit(here(page)).query)["q"] == ["thrust hip"]
    page.go_back()
    page.wait_for_function("!location.search.includes('level=')")
    assert not box(page, "level", "beginner").is_checked()
    assert page.locator("#search-q").input_value() == "thrust"
    assert titles(page) == before
    page.go_forward()
    page.wait_for_function("location.search.includes('level=beginner')")
    assert box(page, "level", "beginner").is_checked()
    assert page.locator("#search-q").input_value() == "thrust hip"
    assert errors == []


def test_a_shared_address_shows_the_same_results(shipped: Site, open_page: Any) -> None:
    first, _, _ = open_page(shipped.page(SEARCH))
    open_filters(first)
    search_for(first, "curl")
    box(first, "equipment", "machine").check()
    shared, _, _ = open_page(first.url)
    assert shared.locator("#search-q").input_value() == "curl"
    assert box(shared, "equipment", "machine").is_checked()
    assert titles(shared) == titles(first)


# -- without JavaScript, keyboard, screen readers -------------------------------------------


def test_without_javascript_the_page_links_every_exercise(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page(SEARCH), ready=False, java_script_enabled=False)
    assert not page.locator(".search-form").is_visible()
    links = page.locator(".search-all a")
    expected = sorted((e["title"] for e in api(shipped)), key=sort_key)
    assert [t.strip() for t in links.all_inner_texts()] == expected
    browse = page.get_by_role("navigation", name="Browse")
    hrefs = [a.get_attribute("href") or "" for a in browse.locator("a").all()]
    for section in ("muscles/", "equipment/", "levels/"):
        assert any(h.startswith(f"../{section}") for h in hrefs), section
    for href in hrefs + [a.get_attribute("href") or "" for a in links.all()]:
        target = shipped.output / SEARCH / href / "index.html"
        assert target.resolve().is_file(), href


def test_keyboard_reaches_field_filters_and_results_without_a_trap(
    shipped: Site, open_page: Any
) -> None:
    page, _, _ = open_page(shipped.page(SEARCH), viewport=VIEWPORTS["desktop"])
    seen: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || e.getAttribute('value') || e.textContent.trim(); }"
            )
        )
        if seen[-1] == "search-q":
            break
    assert seen[-1] == "search-q"
    page.keyboard.type("bridge")
    for _ in range(5):  # past the submit button and the filters' summary
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    focused = page.evaluate("document.activeElement.value")
    assert focused == page.locator(".search-facet input").first.get_attribute("value")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Space")
    assert box(page, "muscle", focused).is_checked()
    assert f"muscle={focused}" in here(page)
    first = titles(page)[0]
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == first:
            break
    else:
        pytest.fail("Tab never reached the first result")
    page.keyboard.press("Tab")  # and goes on past it
    assert page.evaluate("document.activeElement.textContent.trim()") != first


def test_the_count_is_a_polite_status(shipped: Site, open_page: Any) -> None:
    page, _, _ = open_page(shipped.page(SEARCH))
    status = page.locator(".search-status")
    assert status.get_attribute("role") == "status"
    count = len(search_for(page, "hip thrust"))
    page.wait_for_function(
        "n => document.querySelector('.search-status').textContent.startsWith(n + ' exercises')",
        arg=count,
    )
    search_for(page, "zzzzzz")
    page.wait_for_function(
        "() => document.querySelector('.search-status').textContent.startsWith('No exercise')"
    )
    assert page.locator(".search-hits").is_hidden()


def test_show_more_adds_results_and_moves_focus_to_them(larger: Site, open_page: Any) -> None:
    page, errors, _ = open_page(larger.page(SEARCH + "?q=e"))
    assert len(titles(page)) == 50
    more = page.locator(".search-more")
    assert more.is_visible()
    more.focus()
    page.keyboard.press("Enter")
    assert len(titles(page)) > 50
    assert page.evaluate("document.activeElement.textContent.trim()") == titles(page)[50]
    assert errors == []


# -- what a page may not do -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["shipped", "fixture"])
def test_nothing_is_asked_of_another_host(
    sites: dict[str, Site], open_page: Any, name: str
) -> None:
    site = sites[name]
    page, errors, outside = open_page(site.page(SEARCH + "?q=bridge"))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    open_filters(page)
    page.locator(".search-facet input").first.check()
    page.wait_for_load_state("load")  # so the reload cuts off no transfer
    page.reload()
    page.wait_for_selector("#search[data-state='ready']")
    assert asked and all(url.startswith(site.url) for url in asked)
    assert any(url.startswith(site.url + SEARCH + "index.") for url in asked)
    assert outside == []
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_axe_finds_no_violation_with_results_showing(
    shipped: Site, open_page: Any, scheme: str, width: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page, _, _ = open_page(shipped.page(SEARCH), color_scheme=scheme, viewport=VIEWPORTS[width])
    found = {}
    for state in ("all", "results", "none"):
        if state == "results":
            open_filters(page)
            search_for(page, "hip")
            box(page, "level", "beginner").check()
            assert titles(page)
        elif state == "none":
            search_for(page, "zzzzzz")
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = result.response["violations"]
        if violations:
            found[state] = [
                f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations
            ]
    assert found == {}
