"""Built sites, a local static server and a real Chromium for the browser-level tests.

Browsers and validators are judged by tools we did not write: the Nu Html Checker,
axe-core in Chromium, extruct. On a developer machine without Chromium or Java these
tests skip with the reason; in CI (``CI=true`` or ``THRUSTLIB_REQUIRE_BROWSER=1``) a
missing tool is a failure, so a green run always means the pages were really checked.
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from thrustlib.config import load_config
from thrustlib.engine.build import build

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_SITE = ROOT / "tests" / "sites" / "basic"
PREFIX = "/library/"
BASE_URL = "https://example.org" + PREFIX
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_required() -> bool:
    """True where a missing browser must fail the run instead of skipping."""
    return os.environ.get("THRUSTLIB_REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true"


def missing(reason: str) -> None:
    """Skip on a developer machine, fail in CI."""
    if browser_required():
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium, or the one named by THRUSTLIB_CHROMIUM."""
    named = os.environ.get("THRUSTLIB_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Site:
    """A built site and where the test server serves it."""

    name: str
    output: Path
    url: str  # http://127.0.0.1:PORT/library/

    def page(self, path: str) -> str:
        """The served URL of an output path (``exercises/x/`` or ``404.html``)."""
        return self.url + path


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder under PREFIX, with 404.html for misses, as static hosts do."""

    def __init__(self, *args: Any, directory: str, **kwargs: Any) -> None:
        self._root = directory
        super().__init__(*args, directory=directory, **kwargs)

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(PREFIX):
            return str(Path(self._root) / "__outside_the_prefix__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self._root) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_folder(output: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = partial(_Handler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """The shipped library and the fixture site, built under a sub-path and served."""
    built: dict[str, Site] = {}
    servers = []
    for name, folder in (("shipped", ROOT), ("fixture", FIXTURE_SITE)):
        config = replace(load_config(folder), base_url=BASE_URL)
        output = tmp_path_factory.mktemp(name) / "site"
        build(config, output=output)
        server, url = serve_folder(output)
        servers.append(server)
        built[name] = Site(name, output, url)
    yield built
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def shipped(sites: dict[str, Site]) -> Site:
    return sites["shipped"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (Debian's package; no browser download)."""
    executable = chromium_path()
    if executable is None:
        missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def tiny_png() -> bytes:
    """A valid 1x1 PNG, standing in for YouTube's thumbnail.

    The machine running the tests may have no network, and a failed image load would
    show up as a console error that is not the page's fault.
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
