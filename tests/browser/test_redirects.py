"""Old addresses in real Chromium: a page at an exercise's old slug lands the reader on
its new page, under the site's sub-path, without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Site


@pytest.mark.parametrize("old", ["hip-bridge", "floor-bridge"])
def test_an_old_address_lands_on_the_new_page(
    sites: dict[str, Site], browser: Any, old: str
) -> None:
    site = sites["fixture"]
    assert site.url.endswith("/library/")
    # No script is needed to move on: the page has none, and scripts are off here.
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.page(f"exercises/{old}/"))
        page.wait_for_url(site.page("exercises/glute-bridge/"), timeout=10_000)
        assert page.locator("h1").inner_text() == "Glute Bridge"
    finally:
        context.close()


def test_a_link_to_another_exercise_reaches_the_part_it_names(
    sites: dict[str, Site], browser: Any
) -> None:
    site = sites["fixture"]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.page("exercises/marching-glute-bridge/"))
        page.get_by_role("link", name="glute bridge", exact=True).click()
        page.wait_for_url(site.page("exercises/glute-bridge/#setup"))
        assert page.locator("#setup h2").inner_text() == "Setup"
    finally:
        context.close()
