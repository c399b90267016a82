"""The search page at scale: the index's size and the time to first results in Chromium.

Writes a real-shaped site of N exercises (``corpus.py``'s ``real`` shape) in a
temporary folder, builds it, and serves the output on 127.0.0.1 under ``/library/``,
as the browser tests do. It reports:

- the index: ``search/index.<hash>.json`` raw and gzipped (level 6, what static hosts
  and CDNs use on the fly), and the time ``index_data`` takes to make it;
- the search page's own HTML, raw and gzipped (it lists every exercise as a link, for
  readers without JavaScript);
- time to first results: a fresh browser context (nothing cached) opens
  ``search/?q=hip+thrust``, and the time from the start of navigation until the script
  has drawn its first result list (the ``thrustlib-search-results`` performance mark
  it sets) is taken; median and maximum of ``--loads``;
- time per keystroke: the script's search, filter and redraw for a few queries typed
  into the loaded page (an ``input`` event each), median and maximum.

    python bench/bench_search.py                    # 1,000 and 10,000 exercises
    python bench/bench_search.py --sizes 2000 --loads 3

Needs Debian's ``chromium`` (or ``THRUSTLIB_CHROMIUM``) and Playwright, as the browser
tests do. The server and the browser share the machine's cores with the page's script.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchutil import REPO, machine, median
from corpus import write_site

from thrustlib.config import load_config
from thrustlib.engine.build import build, load_library
from thrustlib.site import search

QUERIES = ("h", "hi", "hip", "hip t", "hip thr", "hip trust", "squat", "romanain", "pull ups")
QUERY_URL = "search/?q=hip+thrust"


@dataclass(frozen=True, slots=True)
class Figures:
    exercises: int
    index_bytes: int
    index_gzip: int
    index_seconds: float
    page_bytes: int
    page_gzip: int
    first_results_ms: list[float]
    keystroke_ms: list[float]


def _browser_side() -> Any:
    """The browser tests' server and Chromium settings (``tests/`` is a package at the
    repository's root, which is not on the path when a script in ``bench/`` runs)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.browser import conftest

    if conftest.chromium_path() is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    return conftest


def measure(site: Path, count: int, loads: int) -> Figures:
    from playwright.sync_api import sync_playwright

    conftest = _browser_side()
    write_site(site, "real", count)
    config = replace(load_config(site), base_url=conftest.BASE_URL)
    output = site / "_site"
    build(config, output=output)
    library = load_library(config)[0]
    started = time.perf_counter()
    data = search.index_data(library)
    index_seconds = time.perf_counter() - started
    assert (output / search.index_path(data)).read_bytes() == data
    page = (output / "search" / "index.html").read_bytes()

    server, url = conftest.serve_folder(output)
    first: list[float] = []
    keystrokes: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=conftest.chromium_path(), args=conftest.CHROMIUM_FLAGS
            )
            for _ in range(loads):
                context = browser.new_context()
                tab = context.new_page()
                tab.goto(url + QUERY_URL)
                tab.wait_for_selector("#search[data-state='ready']")
                first.append(
                    tab.evaluate(
                        "performance.getEntriesByName('thrustlib-search-results')[0].startTime"
                    )
                )
                context.close()
            context = browser.new_context()
            tab = context.new_page()
            tab.goto(url + "search/")
            tab.wait_for_selector("#search[data-state='ready']")
            for query in QUERIES:
                keystrokes.append(
                    tab.evaluate(
                        """q => {
                          const field = document.getElementById('search-q');
                          const start = performance.now();
                          field.value = q;
                          field.dispatchEvent(new Event('input', {bubbles: true}));
                          return performance.now() - start;
                        }""",
                        query,
                    )
                )
            context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return Figures(
        count,
        len(data),
        len(gzip.compress(data, 6)),
        index_seconds,
        len(page),
        len(gzip.compress(page, 6)),
        first,
        keystrokes,
    )


def report(figures: Figures) -> None:
    f = figures
    print(f"{f.exercises:,} exercises")
    print(
        f"  index: {f.index_bytes / 1000:.1f} KB, {f.index_gzip / 1000:.1f} KB gzipped;"
        f" made in {f.index_seconds * 1000:.0f} ms"
    )
    print(f"  search page: {f.page_bytes / 1000:.1f} KB, {f.page_gzip / 1000:.1f} KB gzipped")
    print(
        f"  time to first results: median {median(f.first_results_ms):.0f} ms,"
        f" max {max(f.first_results_ms):.0f} ms ({len(f.first_results_ms)} loads)"
    )
    print(
        f"  per keystroke: median {median(f.keystroke_ms):.1f} ms,"
        f" max {max(f.keystroke_ms):.1f} ms ({len(f.keystroke_ms)} queries)"
    )


def main(argv: list[str] | None = None) -> int:
    assert __doc__ is not None
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--loads", type=int, default=5, help="page loads per size")
    args = parser.parse_args(argv)
    print(machine())
    for count in args.sizes:
        with tempfile.TemporaryDirectory(prefix="thrustlib-search-") as folder:
            report(measure(Path(folder) / "site", count, args.loads))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
