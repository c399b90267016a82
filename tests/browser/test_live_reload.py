"""The preview in a real browser: a save reloads the open page, a broken file shows the
overlay over the last good page, and fixing it brings the page back.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import FIXTURE_SITE
from thrustlib.config import load_config
from thrustlib.serve.server import PreviewServer

WAIT_MS = 10_000  # generous: a busy CI machine must not turn this into a flaky test


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[PreviewServer, Path]]:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    server = PreviewServer(load_config(site), port=0)
    server.start()
    try:
        yield server, site
    finally:
        server.stop()


def test_save_reloads_and_errors_show_in_the_page(
    browser: Any, preview: tuple[PreviewServer, Path]
) -> None:
    server, site = preview
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "exercises/glute-bridge/")
    heading = page.locator("h1")
    original = heading.inner_text()

    source = site / "exercises" / "glute-bridge.md"
    text = source.read_text("utf-8")
    assert text.startswith("---\n") and "\ntitle:" not in text  # titled by its file name
    source.write_text(text.replace("---\n", f'---\ntitle: "{original} Edited"\n', 1), "utf-8")
    page.wait_for_function(
        "() => document.querySelector('h1').textContent.includes('Edited')", timeout=WAIT_MS
    )

    broken = site / "exercises" / "broken.md"
    broken.write_text('---\nvideo: "short"\ndescription: x\n---\n', "utf-8")
    overlay = page.get_by_text("exercises/broken.md:2")
    overlay.wait_for(state="visible", timeout=WAIT_MS)
    assert "Edited" in heading.inner_text(), "the last good page must stay in view"

    broken.unlink()
    overlay.wait_for(state="detached", timeout=WAIT_MS)
    assert "Edited" in heading.inner_text()
    assert errors == []
    page.close()
