"""The preview server over real HTTP on 127.0.0.1: pages, live reload, errors, safety.

Every wait polls with a generous deadline instead of sleeping a fixed time, and every
server is stopped in a fixture finalizer, so a failing test leaves no thread behind.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import struct
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.shared import write_into_blobs
from thrustlib.config import load_config
from thrustlib.engine.build import load_library
from thrustlib.engine.site import Engine
from thrustlib.report import LogFormatter
from thrustlib.serve import command, connections, heads
from thrustlib.serve import http as preview_http
from thrustlib.serve import server as serve
from thrustlib.serve.http import content_type
from thrustlib.serve.server import PreviewServer
from thrustlib.serve.watch import Changes, Kind
from thrustlib.site.theme import THEME_DIR

TIMEOUT = 10.0

HIP_THRUST = """---
video: "Xq9_aB3-k7Z"
description: "Drive the hips up from a bench to train the glutes."
muscles: [glutes]
equipment: [barbell, bench]
---

## Setup
1. **Bench**: Rest the upper back on a bench.

## Execution
1. **Drive**: {text}
2. **Lower**: Come down under control.
"""

BRIDGE = """---
description: "Lift the hips from the floor."
muscles: [glutes]
variation_of: null
---

## Execution
1. **Lift**: Squeeze the glutes and lift the hips.
"""

SINGLE_LEG = """---
description: "The hip thrust on one leg."
muscles: [glutes, hamstrings]
---

## Execution
1. **Drive**: Push through one heel.
"""


def write_site(root: Path, text: str = "Push through the heels.") -> None:
    folder = root / "exercises"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hip-thrust.md").write_text(HIP_THRUST.format(text=text), "utf-8")
    (folder / "glute-bridge.md").write_text(BRIDGE, "utf-8")
    (folder / "single-leg-hip-thrust.md").write_text(SINGLE_LEG, "utf-8")


def write_broken_muscle_page(root: Path) -> None:
    """The site of :func:`write_site` with a muscle template that fails as it renders."""
    write_site(root)
    (root / "templates").mkdir()
    (root / "templates" / "muscle.html").write_text(
        '{% extends "theme/muscle.html" %}{% block content %}{{ no_such_thing }}{% endblock %}\n',
        "utf-8",
    )


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, for error statuses too."""
    request = urllib.request.Request(url, method=method)
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def raw(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    """A request with the path sent exactly as given (urllib would tidy it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def poll(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def page_has(url: str, text: str) -> Callable[[], bool]:
    return lambda: text.encode() in fetch(url)[2]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_site(tmp_path)
    return tmp_path


@pytest.fixture
def start() -> Iterator[Callable[[Path], PreviewServer]]:
    """Start servers for a site folder; all are stopped at the end, pass or fail."""
    servers: list[PreviewServer] = []

    def starter(root: Path) -> PreviewServer:
        server = PreviewServer(load_config(root), port=0)
        servers.append(server)
        server.start()
        return server

    yield starter
    for server in servers:
        server.stop()


@pytest.fixture
def server(site: Path, start: Callable[[Path], PreviewServer]) -> PreviewServer:
    return start(site)


def test_serves_pages_from_memory_with_the_reload_script(server: PreviewServer, site: Path) -> None:
    status, headers, body = fetch(server.url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert b"data-thrustlib-live" in body
    assert body.count(b"data-thrustlib-live") == 1
    status, _, body = fetch(server.url + "exercises/hip-thrust/")
    assert status == 200
    assert b"Push through the heels." in body
    # Nothing is written: the preview never touches the output folder.
    assert not (site / "_site").exists()


def test_rendered_pages_themselves_carry_no_preview_code(server: PreviewServer) -> None:
    fetch(server.url + "exercises/hip-thrust/")
    snapshot = server.live.snapshot
    assert snapshot is not None
    page = snapshot.page("exercises/hip-thrust/index.html")
    assert page is not None
    assert b"Push through the heels." in page
    assert b"thrustlib-live" not in page
    assert b"thrustlib-overlay" not in page


def test_content_types(server: PreviewServer) -> None:
    snapshot = server.live.snapshot
    assert snapshot is not None
    expected = {
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "application/javascript; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
    }
    seen = set()
    for path in sorted(snapshot.paths):
        suffix = Path(path).suffix
        if suffix in expected and suffix not in seen:
            seen.add(suffix)
            status, headers, _ = fetch(server.url + path)
            assert status == 200, path
            assert headers["Content-Type"] == expected[suffix], path
    assert {".html", ".json", ".xml", ".svg"} <= seen


def test_an_edit_is_served_and_signalled(server: PreviewServer, site: Path) -> None:
    generation = server.live.generation
    answers: list[dict[str, Any]] = []

    def long_poll() -> None:
        url = f"{server.url}__thrustlib/events?boot={server.boot}&generation={generation}"
        answers.append(json.loads(fetch(url.replace(server.config.base_path, "/", 1))[2]))

    waiter = threading.Thread(target=long_poll)
    waiter.start()
    write_site(site, text="Drive through the heels and pause.")
    poll(page_has(server.url + "exercises/hip-thrust/", "and pause."), "the edit")
    waiter.join(TIMEOUT)
    assert answers
    assert answers[0]["boot"] == server.boot
    assert answers[0]["generation"] > generation
    assert answers[0]["errors"] == 0


def test_the_events_endpoint_answers_at_once_for_another_boot(server: PreviewServer) -> None:
    started = time.monotonic()
    status, headers, body = fetch(server.url + "__thrustlib/events?boot=old&generation=1")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["boot"] == server.boot
    assert time.monotonic() - started < 5
    assert fetch(server.url + "__thrustlib/events?generation=x")[0] == 400


def test_a_broken_file_shows_the_overlay_over_the_last_good_pages(
    server: PreviewServer, site: Path
) -> None:
    page = server.url + "exercises/hip-thrust/"
    broken = site / "exercises" / "broken.md"
    broken.write_text('---\nvideo: "<b>bad</b>"\ndescription: "x"\n---\n', "utf-8")
    poll(page_has(page, "thrustlib-overlay"), "the overlay")
    status, _, body = fetch(page)
    assert status == 200
    assert b"Push through the heels." in body  # the last good page, still served
    assert b"exercises/broken.md:2" in body
    assert b"&lt;b&gt;bad&lt;/b&gt;" in body
    assert b"<b>bad</b>" not in body
    # Another edit while broken: still the old page, the overlay stays.
    write_site(site, text="Edited while broken.")
    poll(lambda: server.live.errors != () and server.live.generation > 2, "the second attempt")
    assert b"thrustlib-overlay" in fetch(page)[2]
    broken.write_text(BRIDGE.replace("Lift the hips", "Fixed now"), "utf-8")
    poll(lambda: b"thrustlib-overlay" not in fetch(page)[2], "the overlay to go")
    assert b"Edited while broken." in fetch(page)[2]
    assert b"Fixed now" in fetch(server.url + "exercises/broken/")[2]


def test_a_broken_template_shows_the_overlay_and_a_fix_removes_it(
    server: PreviewServer, site: Path
) -> None:
    page = server.url + "exercises/hip-thrust/"
    templates = site / "templates"
    templates.mkdir()
    (templates / "exercise.html").write_text("{% block content %}{{ oops(", "utf-8")
    poll(page_has(page, "thrustlib-overlay"), "the overlay")
    assert b"exercise.html" in fetch(page)[2]
    (templates / "exercise.html").write_text(
        '{% extends "theme/exercise.html" %}{% block title %}{{ super() }}{% endblock %}',
        "utf-8",
    )
    poll(lambda: b"thrustlib-overlay" not in fetch(page)[2], "the overlay to go")


def test_a_site_that_never_built_shows_the_errors_and_recovers(
    tmp_path: Path, start: Callable[[Path], PreviewServer]
) -> None:
    write_site(tmp_path)
    (tmp_path / "exercises" / "empty.md").write_text("", "utf-8")
    server = start(tmp_path)
    status, _, body = fetch(server.url)
    assert status == 500
    assert b"exercises/empty.md:1" in body
    assert b"data-thrustlib-live" in body
    (tmp_path / "exercises" / "empty.md").unlink()
    poll(lambda: fetch(server.url)[0] == 200, "the site to come up")


def test_traversal_and_bad_requests_get_4xx(server: PreviewServer) -> None:
    port = server.port
    for path in (
        "/../etc/passwd",
        "/exercises/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/exercises/..%2f..%2fsite.toml",
        "/exercises/%2e%2e%5c%2e%2e%5csite.toml",
        "/static/%00",
        "/%ff%fe",
        "/./index.html",
    ):
        status, body = raw(port, path)
        assert status == 400, path
        assert b"root:" not in body
    assert raw(port, "/site.toml")[0] == 404
    assert raw(port, "/exercises/hip-thrust.md")[0] == 404
    status, headers, _ = fetch(server.url, method="POST")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"
    assert fetch(server.url + "index.html", method="DELETE")[0] == 405
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert sock.recv(64).split(b" ")[1] == b"400"


def test_missing_pages_get_the_404_page_and_folders_their_slash(server: PreviewServer) -> None:
    status, headers, body = fetch(server.url + "no/such/page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    snapshot = server.live.snapshot
    assert snapshot is not None
    not_found = snapshot.page("404.html")
    assert not_found is not None
    assert body.startswith(not_found[:200])
    status, headers, _ = fetch(server.url + "exercises/hip-thrust")
    assert status in (301, 302)
    assert headers["Location"] == "/exercises/hip-thrust/"


def test_head_sends_headers_only(server: PreviewServer) -> None:
    status, headers, body = fetch(server.url, method="HEAD")
    assert status == 200
    assert int(headers["Content-Length"]) > 0
    assert body == b""


def test_a_base_url_path_is_served_under_its_prefix(
    tmp_path: Path, start: Callable[[Path], PreviewServer]
) -> None:
    write_site(tmp_path)
    (tmp_path / "site.toml").write_text(
        '[site]\nbase_url = "https://example.org/library/"\n', "utf-8"
    )
    server = start(tmp_path)
    assert server.url.endswith("/library/")
    root = f"http://127.0.0.1:{server.port}/"
    status, headers, _ = fetch(root)
    assert status in (301, 302)
    assert headers["Location"] == "/library/"
    assert fetch(root + "library")[1]["Location"] == "/library/"
    assert fetch(root + "exercises/hip-thrust/")[0] == 404
    assert b"Push through" in fetch(server.url + "exercises/hip-thrust/")[2]


def test_stop_ends_every_thread_and_frees_the_port(site: Path) -> None:
    before = set(threading.enumerate())
    server = PreviewServer(load_config(site), port=0)
    server.start()
    port = server.port
    # A waiting long-poll must not hold up the stop (the stop may cut it off: that is fine).
    url = f"http://127.0.0.1:{port}/__thrustlib/events?boot={server.boot}&generation=1"

    def wait() -> None:
        with contextlib.suppress(OSError):
            fetch(url)

    waiter = threading.Thread(target=wait)
    waiter.start()
    poll(lambda: len(threading.enumerate()) > len(before) + 2, "the long-poll")
    started = time.monotonic()
    server.stop()
    server.stop()  # twice is fine
    assert time.monotonic() - started < 5
    # Joined by the stop itself, not later: the next preview's first read may fork.
    assert not [t for t in threading.enumerate() if t.name == "thrustlib-serve-connection"]
    waiter.join(TIMEOUT)
    poll(lambda: set(threading.enumerate()) <= before, "the threads to end")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_binding_elsewhere_warns(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = PreviewServer(load_config(site), host="0.0.0.0", port=0)
    try:
        server.start()
    finally:
        server.stop()
    assert "other machines can read the preview" in caplog.text


def test_a_text_edit_reuses_the_library_and_matches_a_full_build(site: Path) -> None:
    config = load_config(site)
    state = Engine(config)
    old = state.load()
    state.good = True
    assert old.variations["single-leg-hip-thrust"].inferred
    for name in ("hip-thrust.md", "single-leg-hip-thrust.md"):
        path = site / "exercises" / name
        path.write_text(path.read_text("utf-8").replace("Drive", "Press"), "utf-8")
    changes = Changes(
        frozenset({Kind.CONTENT}),
        frozenset({site / "exercises/hip-thrust.md", site / "exercises/single-leg-hip-thrust.md"}),
    )
    before = state.read_changes(changes)
    patched, swapped = state.library(old, before)
    assert swapped == {"hip-thrust", "single-leg-hip-thrust"}
    full, _ = load_library(config)
    assert patched == full
    assert all(patched.whole(slug) == full.whole(slug) for slug in full.exercises)
    assert patched.whole("single-leg-hip-thrust").execution[0].label == "Press"


def test_a_structural_edit_rebuilds_the_library(site: Path) -> None:
    config = load_config(site)
    state = Engine(config)
    old = state.load()
    state.good = True
    path = site / "exercises" / "glute-bridge.md"
    path.write_text(BRIDGE.replace("variation_of: null", "variation_of: hip-thrust"), "utf-8")
    before = state.read_changes(Changes(frozenset({Kind.CONTENT}), frozenset({path})))
    new, swapped = state.library(old, before)
    assert swapped is None
    assert new.variations["glute-bridge"].parent == "hip-thrust"
    assert new == load_library(config)[0]


def events(server: PreviewServer) -> dict[str, Any]:
    """The events endpoint's answer for another boot (so it answers at once)."""
    url = f"http://127.0.0.1:{server.port}/__thrustlib/events?boot=other&generation=0"
    return dict(json.loads(fetch(url)[2]))


def edit_exercise(site: Path, text: str) -> None:
    path = site / "exercises" / "hip-thrust.md"
    path.write_text(HIP_THRUST.format(text=text), "utf-8")


def after(server: PreviewServer, generation: int) -> None:
    """Wait for an attempt after ``generation`` to be published."""
    poll(lambda: server.live.generation > generation, "the next attempt")


def test_a_broken_site_toml_stays_reported_through_later_edits(
    server: PreviewServer, site: Path
) -> None:
    config = site / "site.toml"
    config.write_text('[site]\ntitle = "Glutes"\n', "utf-8")
    poll(page_has(server.url, "Glutes"), "the new title")
    config.write_text('[site]\ntitle = "Glutes"\ntitle = [\n', "utf-8")
    poll(lambda: events(server)["errors"] == 1, "the config error")
    generation = server.live.generation
    edit_exercise(site, "Edited while site.toml is broken.")
    after(server, generation)
    assert events(server)["errors"] == 1
    assert b"thrustlib-overlay" in fetch(server.url + "exercises/hip-thrust/")[2]
    config.write_text('[site]\ntitle = "Fixed"\n', "utf-8")
    poll(lambda: events(server)["errors"] == 0, "the fix")
    body = fetch(server.url + "exercises/hip-thrust/")[2]
    assert b"Edited while site.toml is broken." in body
    assert b"Fixed" in body


def test_a_broken_template_stays_reported_through_later_edits(
    server: PreviewServer, site: Path
) -> None:
    templates = site / "templates"
    templates.mkdir()
    muscle = templates / "muscle.html"
    shutil.copyfile(THEME_DIR / "templates" / "muscle.html", muscle)
    muscle.write_text(muscle.read_text("utf-8") + "{% if %}\n", "utf-8")
    poll(lambda: events(server)["errors"] == 1, "the template error")
    generation = server.live.generation
    edit_exercise(site, "Edited while a template is broken.")
    after(server, generation)
    assert events(server)["errors"] == 1
    status, _, body = fetch(server.url + "muscles/glutes/")
    assert status == 200  # the last good page
    assert body.count(b'id="thrustlib-overlay"') == 1
    assert b"templates/muscle.html" in body
    shutil.copyfile(THEME_DIR / "templates" / "muscle.html", muscle)
    poll(lambda: events(server)["errors"] == 0, "the fix")
    assert b"Edited while a template is broken." in fetch(server.url + "exercises/hip-thrust/")[2]


def test_a_template_syntax_error_keeps_the_last_good_pages(
    tmp_path: Path, start: Callable[[Path], PreviewServer]
) -> None:
    write_site(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    exercise = templates / "exercise.html"
    exercise.write_text(
        '{% extends "theme/exercise.html" %}{% block content %}GOOD{{ super() }}{% endblock %}\n',
        "utf-8",
    )
    server = start(tmp_path)
    # Never asked for before the error, so the old build renders it afterwards.
    page = server.url + "exercises/single-leg-hip-thrust/"
    snapshot = server.live.snapshot
    assert snapshot is not None
    with exercise.open("a", encoding="utf-8") as file:
        file.write("{% if %}\n")
    poll(lambda: server.live.errors != (), "the template error")
    status, _, body = fetch(page)
    assert status == 200
    assert b"GOOD" in body
    assert b"Push through one heel." in body
    assert body.count(b'id="thrustlib-overlay"') == 1
    assert server.live.snapshot is snapshot


def test_a_page_that_fails_to_render_shows_one_overlay(
    tmp_path: Path, start: Callable[[Path], PreviewServer]
) -> None:
    write_site(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    # Only the hamstrings page fails, and no page is tried before publishing it.
    (templates / "muscle.html").write_text(
        '{% extends "theme/muscle.html" %}{% block content %}'
        '{% if muscle == "Hamstrings" %}{{ no_such_thing }}{% endif %}'
        "{{ super() }}{% endblock %}\n",
        "utf-8",
    )
    server = start(tmp_path)
    (tmp_path / "exercises" / "empty.md").write_text("", "utf-8")
    poll(lambda: server.live.errors != (), "the content error")
    status, _, body = fetch(server.url + "muscles/hamstrings/")
    assert status == 500
    assert body.count(b'id="thrustlib-overlay"') == 1
    assert b"no_such_thing" in body
    assert b"exercises/empty.md:1" in body  # the build's errors are in the same overlay
    assert body.count(b"data-thrustlib-live") == 1


NO_FOLDER = "the exercises folder does not exist"


def test_a_missing_exercises_folder_is_an_error(
    server: PreviewServer, site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = server.url + "exercises/hip-thrust/"
    away = tmp_path_factory.mktemp("away") / "exercises"
    (site / "exercises").rename(away)
    poll(page_has(page, NO_FOLDER), "the missing folder error")
    assert b"Push through the heels." in fetch(page)[2]  # the last good page stays
    away.rename(site / "exercises")
    poll(lambda: events(server)["errors"] == 0, "the folder to be back")
    (site / "site.toml").write_text('[build]\nexercises = "nope"\n', "utf-8")
    poll(page_has(page, NO_FOLDER), "the error for a folder that site.toml names")
    assert b"nope" in fetch(page)[2]


def test_a_site_without_its_exercises_folder_never_builds(
    tmp_path: Path, start: Callable[[Path], PreviewServer]
) -> None:
    server = start(tmp_path)
    status, _, body = fetch(server.url)
    assert status == 500
    assert NO_FOLDER.encode() in body
    write_site(tmp_path)
    poll(lambda: fetch(server.url)[0] == 200, "the site to come up")


def test_library_warnings_of_a_saved_file_are_logged(
    server: PreviewServer, site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = site / "exercises" / "paused-hip-thrust.md"
    stated = SINGLE_LEG.replace("---\n\n", "variation_of: hip-thrust\n---\n\n", 1)
    path.write_text(stated, "utf-8")
    poll(lambda: fetch(server.url + "exercises/paused-hip-thrust/")[0] == 200, "the new page")
    caplog.clear()
    generation = server.live.generation
    path.write_text(SINGLE_LEG, "utf-8")  # no variation_of: the parent is inferred
    after(server, generation)
    poll(lambda: "variation_of inferred as 'hip-thrust'" in caplog.text, "the warning")
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert any("paused-hip-thrust.md:1" in r.getMessage() for r in warnings)
    # Printed as a build prints it, the level said once: "  exercises/x.md:1: warning: ..."
    plain = LogFormatter(verbose=False)
    lines = [plain.format(r) for r in warnings if "paused-hip-thrust.md:1" in r.getMessage()]
    assert all(line.startswith("  exercises/paused-hip-thrust.md:1: warning: ") for line in lines)
    # Only the saved file's: single-leg-hip-thrust.md has the same warning, unsaved.
    assert "single-leg-hip-thrust.md" not in caplog.text
    assert events(server)["errors"] == 0


def test_idle_connections_are_closed(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert preview_http._Handler.timeout is not None
    assert preview_http._Handler.timeout > serve.LONG_POLL_SECONDS
    monkeypatch.setattr(preview_http._Handler, "timeout", 0.5)
    server = start(site)
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        started = time.monotonic()
        assert sock.recv(64) == b""  # closed by the server, not by our own timeout
        assert time.monotonic() - started < TIMEOUT


def test_long_polls_are_capped(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert 0 < serve.MAX_LONG_POLLS <= 256
    monkeypatch.setattr(serve, "MAX_LONG_POLLS", 2)
    server = start(site)
    generation = server.live.generation
    url = f"http://127.0.0.1:{server.port}/__thrustlib/events?boot={server.boot}"
    url += f"&generation={generation}"
    answers: list[dict[str, Any]] = []
    waiters = [
        threading.Thread(target=lambda: answers.append(json.loads(fetch(url)[2]))) for _ in range(2)
    ]
    for waiter in waiters:
        waiter.start()
    poll(lambda: server.waiting == 2, "two waiting long-polls")
    started = time.monotonic()
    status, _, body = fetch(url)
    assert status == 200
    assert time.monotonic() - started < 5
    assert json.loads(body) == {
        "boot": server.boot,
        "generation": generation,
        "errors": 0,
        "busy": True,
    }
    edit_exercise(site, "Released.")
    for waiter in waiters:
        waiter.join(TIMEOUT)
    assert len(answers) == 2
    assert all(a["generation"] > generation and "busy" not in a for a in answers)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("static/app.mjs", "text/javascript; charset=utf-8"),
        ("static/font.ttf", "font/ttf"),
        ("static/font.otf", "font/otf"),
        ("static/clip.mp4", "video/mp4"),
        ("static/table.csv", "text/csv; charset=utf-8"),
        ("static/photo.JPG", "image/jpeg"),
        ("static/archive.tar.gz", "application/octet-stream"),
        ("static/blob.unknownsuffix", "application/octet-stream"),
        ("static/noext", "application/octet-stream"),
    ],
)
def test_content_type_of_other_static_files(name: str, expected: str) -> None:
    assert content_type(name) == expected


def test_other_static_files_are_served_with_their_type(
    tmp_path: Path, start: Callable[[Path], PreviewServer]
) -> None:
    write_site(tmp_path)
    (tmp_path / "static").mkdir()
    for name in ("app.mjs", "font.ttf", "clip.mp4", "table.csv"):
        (tmp_path / "static" / name).write_bytes(b"x")
    server = start(tmp_path)
    assert fetch(server.url + "static/app.mjs")[1]["Content-Type"].startswith("text/javascript")
    assert fetch(server.url + "static/font.ttf")[1]["Content-Type"] == "font/ttf"
    assert fetch(server.url + "static/clip.mp4")[1]["Content-Type"] == "video/mp4"
    assert fetch(server.url + "static/table.csv")[1]["Content-Type"].startswith("text/csv")


def test_a_save_during_the_first_read_is_picked_up(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The watch starts after the first read (so that the read may fork); a save made
    # while it runs must still reach the preview, and so must a file deleted then.
    real_load = Engine.load

    def load_and_save(self: Engine) -> Any:
        library = real_load(self)
        write_site(site, text="Saved while the site was being read.")
        (site / "exercises" / "single-leg-hip-thrust.md").unlink()
        return library

    monkeypatch.setattr(Engine, "load", load_and_save)
    server = start(site)
    poll(page_has(server.url + "exercises/hip-thrust/", "being read."), "the early save")
    poll(lambda: fetch(server.url + "exercises/single-leg-hip-thrust/")[0] == 404, "the delete")


def test_the_first_read_uses_the_cache_and_every_core(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlib.engine import workers

    load_library(load_config(site), cache=True)  # a build left a warm cache
    seen: list[tuple[int | None, set[str]]] = []
    real_processes = workers.processes

    def processes(jobs: int | None, items: int) -> int:
        seen.append((jobs, {type(t).__name__ + ":" + t.name for t in threading.enumerate()}))
        return real_processes(jobs, items)

    monkeypatch.setattr(workers, "processes", processes)
    server = start(site)
    assert server.site.cache is not None and not server.site.cache.misses
    # Asked for one process per core before the server's own threads (the watch, its
    # debouncer, the HTTP server) were running: a fork then copies no thread's locks.
    jobs, threads = seen[0]
    assert jobs is None
    assert not [t for t in threads if "thrustlib-" in t or "Observer" in t or "Emitter" in t]


PAGES = {"hip-thrust": "Push through the heels.", "single-leg-hip-thrust": "one heel"}


def _unrendered(server: PreviewServer) -> list[str]:
    """The slugs of :data:`PAGES` whose pages the preview has not rendered yet."""
    snapshot = server.live.snapshot
    rendered = snapshot._pages if snapshot is not None else {}
    return [slug for slug in PAGES if f"exercises/{slug}/index.html" not in rendered]


def test_a_cache_file_written_into_in_place_is_read_again_from_the_files(
    site: Path, start: Callable[[Path], PreviewServer], caplog: pytest.LogCaptureFixture
) -> None:
    load_library(load_config(site), cache=True)  # a build left a warm cache
    server = start(site)
    assert server.wait_checked()
    assert server.site.cache is not None and not server.site.cache.misses
    write_into_blobs(site)
    slug = _unrendered(server)[0]
    # Without its slash: the lookup that finds the folder meets the change first.
    status, headers, _ = fetch(server.url + f"exercises/{slug}")
    assert status in (301, 302) and headers["Location"] == f"/exercises/{slug}/"
    status, _, body = fetch(server.url + f"exercises/{slug}/")
    assert status == 200
    assert PAGES[slug].encode() in body  # rendered from the file, not from the cache
    assert caplog.text.count("reading every exercise again without the parse cache") == 1
    assert not server.live.errors
    for other in PAGES:  # and the other pages are read from the files too
        assert PAGES[other].encode() in fetch(server.url + f"exercises/{other}/")[2]


def test_a_changed_cache_is_read_again_once_while_the_site_has_errors(
    site: Path, start: Callable[[Path], PreviewServer], caplog: pytest.LogCaptureFixture
) -> None:
    load_library(load_config(site), cache=True)
    server = start(site)
    assert server.wait_checked()
    broken = site / "exercises" / "empty.md"
    broken.write_text("", "utf-8")
    poll(lambda: server.live.errors != (), "the content error")
    write_into_blobs(site)
    slugs = _unrendered(server)
    assert slugs
    for _ in range(3):  # each request shows the errors; the site is read again once
        status, _, body = fetch(server.url + f"exercises/{slugs[0]}/")
        assert status == 500 and b"exercises/empty.md:1" in body
    assert caplog.text.count("reading every exercise again without the parse cache") == 1
    broken.unlink()  # mended: the next build is of the files, the cache's bytes unused
    poll(lambda: server.live.errors == (), "the mended site")
    for slug in PAGES:
        assert PAGES[slug].encode() in fetch(server.url + f"exercises/{slug}/")[2]


# -- connections: limits, clients that go away, the bound -------------------------------


def answer(port: int, request: bytes) -> tuple[int, bytes]:
    """Send ``request`` whole, then read the whole answer (the server closes after it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


def test_an_overlong_request_line_is_answered_414(server: PreviewServer) -> None:
    assert heads.MAX_REQUEST_LINE == 8 * 1024
    # Longer than the limit, shorter than the base class's 64 KiB.
    status, data = answer(server.port, b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414
    assert b"Connection: close" in data
    # Far longer: the answer still arrives, although most of the line is never read.
    status, _ = answer(server.port, b"GET /" + b"a" * 1_000_000 + b" HTTP/1.1\r\n\r\n")
    assert status == 414
    assert raw(server.port, "/" + "a" * 8000)[0] == 404  # under the limit: a page lookup


def test_too_many_or_too_big_header_fields_are_answered_431(server: PreviewServer) -> None:
    port = server.port
    fields = b"".join(b"X-Field-%d: %s\r\n" % (n, b"v" * 1000) for n in range(40))
    assert answer(port, b"GET / HTTP/1.1\r\n" + fields + b"\r\n")[0] == 431  # 40 KiB
    big = b"Cookie: " + b"c" * 40_000 + b"\r\n"
    assert answer(port, b"GET / HTTP/1.1\r\n" + big + b"\r\n")[0] == 431
    many = b"".join(b"X-%d: 1\r\n" % n for n in range(101))
    assert answer(port, b"GET / HTTP/1.1\r\n" + many + b"\r\n")[0] == 431
    huge = b"".join(b"X-%d: %s\r\n" % (n, b"v" * 4000) for n in range(250))  # 1 MB
    assert answer(port, b"GET / HTTP/1.1\r\n" + huge + b"\r\n")[0] == 431
    # At the limit (100 fields with Connection) the same kind of request is answered.
    fine = b"".join(b"X-Field-%d: %s\r\n" % (n, b"v" * 200) for n in range(99))
    request = b"GET / HTTP/1.1\r\nConnection: close\r\n" + fine + b"\r\n"
    assert answer(port, request)[0] == 200


def test_request_heads_are_read_strictly(server: PreviewServer) -> None:
    port = server.port
    assert answer(port, b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n")[0] == 400
    assert answer(port, b"GET / HTTP/1.1\r\n folded: x\r\n\r\n")[0] == 400
    assert answer(port, b"GET / HTTP/2.0\r\n\r\n")[0] == 505
    assert answer(port, b"GET /\r\n\r\n")[0] == 400
    # HTTP/1.0 closes after the answer unless asked to keep the connection.
    status, data = answer(port, b"GET / HTTP/1.0\r\n\r\n")
    assert status == 200
    assert data.endswith(b"</html>\n")
    # HTTP/1.1 keeps it: two answers on one connection, the second asked to close.
    request = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    status, data = answer(
        port, request + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    )
    assert status == 200
    assert data.count(b"HTTP/1.1 200 OK") == 2


def test_a_client_that_goes_away_mid_answer_is_no_error(
    server: PreviewServer,
    site: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level("DEBUG", logger="thrustlib")
    request = f"GET /__thrustlib/events?boot={server.boot}&generation={server.live.generation}"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    sock.sendall(request.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    poll(lambda: server.waiting == 1, "the long-poll")
    # Reset, not closed: the answer to come has nowhere to go.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    edit_exercise(site, "Answered to nobody.")
    poll(lambda: server.waiting == 0, "the long-poll to end")
    poll(lambda: server.connections == 0, "the connection to be freed")
    assert fetch(server.url)[0] == 200
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert "Traceback" not in capfd.readouterr().err


def test_a_slow_request_head_is_cut_off(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview_http._Handler, "timeout", 1.0)
    server = start(site)
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /exercises/")
        sock.settimeout(0.2)
        started = time.monotonic()
        closed = False
        # A byte every 0.2 s: each read gets one before its own timeout.
        while not closed and time.monotonic() - started < 8:
            try:
                closed = sock.recv(64) == b""
            except TimeoutError:
                pass
            except ConnectionError:
                closed = True
            try:
                sock.sendall(b"a")
            except OSError:
                closed = True
        assert closed
        assert 0.8 < time.monotonic() - started < 5
    poll(lambda: server.connections == 0, "the connection to be freed")
    assert fetch(server.url)[0] == 200


def test_connections_past_the_bound_are_answered_503_at_once(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert serve.MAX_LONG_POLLS <= connections.MAX_CONNECTIONS // 2  # pages keep room
    monkeypatch.setattr(connections, "MAX_CONNECTIONS", 3)
    server = start(site)
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) for _ in range(3)]
    try:
        poll(lambda: server.connections == 3, "three open connections")
        started = time.monotonic()
        status, headers, body = fetch(server.url)
        assert status == 503
        assert headers["Retry-After"] == "1"
        assert b"Too many connections" in body
        assert time.monotonic() - started < 2
        threads = [t for t in threading.enumerate() if t.name == "thrustlib-serve-connection"]
        assert len(threads) <= 3 + connections.SPARE_THREADS
    finally:
        for sock in idle:
            sock.close()
    poll(lambda: fetch(server.url)[0] == 200, "room again")


def test_stop_ends_idle_kept_alive_connections(site: Path) -> None:
    before = set(threading.enumerate())
    server = PreviewServer(load_config(site), port=0)
    server.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/")
        assert connection.getresponse().read()
        server.stop()
        # Its thread waited for a next request that never comes; the stop ends it.
        assert not [t for t in threading.enumerate() if t.name == "thrustlib-serve-connection"]
        poll(lambda: set(threading.enumerate()) <= before, "the threads to end")
    finally:
        connection.close()
        server.stop()


def test_the_preview_binds_to_127_0_0_1_by_default(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start(site)
    assert server.host == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")
    assert server._httpd is not None
    assert server._httpd.server_address[0] == "127.0.0.1"
    # The command's default is the same address.
    from thrustlib import cli

    seen: dict[str, Any] = {}

    def run(config: Any, **options: Any) -> int:
        seen.update(options)
        return 0

    monkeypatch.setattr(command, "run", run)
    monkeypatch.chdir(site)
    assert cli.main(["serve", "--quiet"]) == 0
    assert seen["host"] == "127.0.0.1"


@pytest.mark.parametrize(("broken", "collected"), [(False, False), (True, True)])
def test_the_preview_frees_garbage_before_freezing_the_heap_only_after_a_failed_start(
    site: Path, monkeypatch: pytest.MonkeyPatch, broken: bool, collected: bool
) -> None:
    """A failed first build's traceback may hold a library in a cycle: collected before
    the heap is frozen for the session. After a good one the walk over every object is
    skipped on the way to the first page."""
    if broken:
        (site / "exercises" / "hip-thrust.md").write_text("---\nmuscles: [\n---\n", "utf-8")
    seen: list[bool] = []
    monkeypatch.setattr(command, "settle_heap", lambda *, collect: seen.append(collect))

    real_sleep = time.sleep

    def interrupt(seconds: float) -> None:  # Ctrl-C in the command's wait; threads sleep on
        if threading.current_thread() is not threading.main_thread():
            return real_sleep(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(command.time, "sleep", interrupt)
    assert command.run(load_config(site), port=0) == 0
    assert seen == [collected]


def test_the_site_is_served_before_its_templates_are_tried_and_a_broken_one_shows(
    tmp_path: Path, start: Callable[[Path], PreviewServer], held_check: threading.Event
) -> None:
    """On start there are no last good pages to keep: the pages of each kind are tried
    once the site is served, and a template that fails is reported as after a save."""
    write_broken_muscle_page(tmp_path)
    server = start(tmp_path)
    status, _, body = fetch(server.url)  # served while the check waits
    assert status == 200
    assert b"thrustlib-overlay" not in body
    assert server.live.errors == ()
    held_check.set()
    poll(lambda: server.live.errors != (), "the template error")
    assert "muscle.html" in str(server.live.errors[0])
    _, _, body = fetch(server.url)
    assert b"thrustlib-overlay" in body  # over the pages that render
    # An edit of an exercise does not hide it: the templates are tried again with it.
    generation = server.live.generation
    edit_exercise(tmp_path, "Edited while a template is broken.")
    poll(lambda: server.live.generation > generation, "the rebuild")
    assert "muscle.html" in str(server.live.errors[0])


def test_a_preview_names_the_search_index_as_the_last_build_of_the_same_files_did(
    site: Path, start: Callable[[Path], PreviewServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming the index means making it, on the way to the first page: taken from the
    last build or preview of the same exercises, and made again once they differ."""
    from thrustlib.engine.build import build
    from thrustlib.site import search

    build(load_config(site), cache=True)
    made: list[int] = []
    real = search.index_data
    monkeypatch.setattr(search, "index_data", lambda library: made.append(1) or real(library))

    def started() -> tuple[PreviewServer, str]:
        server = start(site)
        snapshot = server.live.snapshot
        assert snapshot is not None
        name = snapshot.renderer.search_index_path(snapshot.library)
        return server, name

    server, name = started()
    assert made == []
    status, _, body = fetch(server.url + name)
    assert status == 200
    assert search.index_path(body) == name  # the name is the hash of what is served
    server.stop()

    bridge = site / "exercises" / "glute-bridge.md"
    bridge.write_text(BRIDGE.replace('"Lift', '"Now lift'), "utf-8")
    made.clear()
    server, renamed = started()
    assert made == [1]
    assert renamed != name
    assert search.index_path(fetch(server.url + renamed)[2]) == renamed
    server.stop()

    made.clear()
    _, again = started()  # the name the last preview made
    assert (made, again) == ([], renamed)


@pytest.fixture
def held_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The templates' check after start waits until the test sets the event."""
    release = threading.Event()
    real = PreviewServer._check_start

    def held(self: PreviewServer, first: Any) -> None:
        assert release.wait(TIMEOUT), "the test never let the check go"
        real(self, first)

    monkeypatch.setattr(PreviewServer, "_check_start", held)
    yield release
    release.set()


def test_the_check_after_start_leaves_the_errors_of_a_rebuild_that_failed_meanwhile(
    site: Path, start: Callable[[Path], PreviewServer], held_check: threading.Event
) -> None:
    server = start(site)
    (site / "exercises" / "hip-thrust.md").write_text("---\nmuscles: [\n---\n", "utf-8")
    poll(lambda: server.live.errors != (), "the content error")
    held_check.set()
    assert server.wait_checked()  # the templates are fine
    assert "hip-thrust.md" in str(server.live.errors[0])  # and the error still shows


def test_the_check_after_start_tries_the_templates_an_edit_meanwhile_kept(
    tmp_path: Path, start: Callable[[Path], PreviewServer], held_check: threading.Event
) -> None:
    write_broken_muscle_page(tmp_path)
    past = time.time() - 60  # not taken for a save made while the site was first read
    for path in tmp_path.rglob("*"):
        os.utime(path, (past, past))
    server = start(tmp_path)
    generation = server.live.generation
    edit_exercise(tmp_path, "Edited before the templates were tried.")
    poll(lambda: server.live.generation > generation, "the rebuild")
    assert server.live.errors == ()  # the edit tried its own page only
    held_check.set()
    assert not server.wait_checked()
    assert "muscle.html" in str(server.live.errors[0])
