"""The promises the README's Security section makes about untrusted content, held here as
a whole build sees them: a hostile exercise file injects no markup or script and runs no
template code, and a build opens nothing outside the site and asks nothing of the network.

(Links and special files out of the site are in test_symlinks.py, the limits in
test_limits.py, random site trees in test_build_fuzz.py.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import sysconfig
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import thrustlib
from thrustlib.config import load_config
from thrustlib.engine.build import build

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = """---
title: "Hip <b>Thrust</b> {{ 7 * 7 }}"
description: "Drive up.</script><script>alert(1)</script> {% include 'base.html' %} & more"
muscles: [glutes]
aliases: ["<img src=x onerror=alert(1)>", "{{ site.title }}"]
redirect_from: [old-hip-thrust]
video: "tztHvSLdXLA"
video_duration: "1:30"
cues: "{{ config.__class__ }}"
---

<script>alert('intro')</script> {{ 7 * 7 }} <iframe src="https://evil.example/"></iframe>

## Setup
1. **<i>Bench</i>**: Sit <img src=x onerror=alert(2)> with [a link](javascript:alert(3)).
2. [Data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==) and
   [vb](vbscript:msgbox) and <a href="javascript:alert(5)">raw</a>.

## Execution
1. **Drive**: Push [up](exercise:step-up "x\\" onmouseover=\\"alert(6)").
2. See ![img](javascript:alert(7)) and `<script>` in code.

## Breathing
<style>body{display:none}</style> Breathe {% raw %}{{ out }}{% endraw %}.

<!-- howto -->

### Drive </script> Up (0:42)
Push <svg onload=alert(8)>.
"""


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "exercises", site / "exercises")
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    (site / "exercises" / "hip-thrust.md").write_text(HOSTILE, encoding="utf-8")
    return site


def test_a_hostile_file_injects_no_markup_script_or_template_code(hostile_site: Path) -> None:
    build(load_config(hostile_site), jobs=1)
    out = hostile_site / "_site"
    for path in [out / "exercises" / "hip-thrust", out / "exercises" / "old-hip-thrust"]:
        text = (path / "index.html").read_text("utf-8")
        tags = _Tags()
        tags.feed(text)
        for name, attrs in tags.tags:
            # Only the theme's own elements: no script but its JSON-LD and its files, no
            # frame, style or image the file wrote, no handler or script address.
            assert name not in ("iframe", "style", "object", "embed", "svg") or (
                name == "svg" and "onload" not in attrs
            ), (path, name, attrs)
            if name == "script":
                assert attrs.get("type") == "application/ld+json" or attrs.get("src"), attrs
            if name == "img":
                assert (attrs.get("src") or "").startswith("https://i.ytimg.com/"), attrs
            for key, value in attrs.items():
                assert not key.startswith("on"), (path, name, key)
                assert (
                    not (value or "")
                    .strip()
                    .lower()
                    .startswith(("javascript:", "vbscript:", "data:"))
                ), (path, name, key, value)
        for script in tags.scripts:
            json.loads(script)  # each JSON-LD block is still one JSON value: nothing got out
        # Template syntax in content is text: Jinja never sees a file's words as code.
        assert "{{ 7 * 7 }}" in text and "49" not in re.sub(r"\d{3,}", "", text)
        assert "{{ site.title }}" in text or path.name == "old-hip-thrust"
    api = (out / "api" / "exercises.json").read_text("utf-8")
    assert "{% include 'base.html' %}" in api and "<script>alert(1)</script>" in api
    search = next((out / "search").glob("index.*.json")).read_text("utf-8")
    assert "{{ 7 * 7 }}" in search


@pytest.fixture
def audited() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """The audit events (PEP 578) of the code run while the fixture is open."""
    events: list[tuple[str, tuple[Any, ...]]] = []
    recording = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if recording[0] and (event == "open" or event.startswith(("socket.", "urllib."))):
            events.append((event, args))

    # An audit hook cannot be taken away again, so it stops recording instead.
    sys.addaudithook(hook)
    try:
        yield events
    finally:
        recording[0] = False


def test_a_build_opens_nothing_outside_the_site_and_asks_nothing_of_the_network(
    tmp_path: Path, machine_key: None, audited: list[tuple[str, tuple[Any, ...]]]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "exercises", site / "exercises")
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    audited.clear()  # the copy above read the repository's own files
    # One process: the events of parsing processes would not reach this hook.
    build(load_config(site), jobs=1, cache=True)
    # Once more, from the cache: without the output, every page is rendered from the
    # parse results and exercises the first build left in the cache.
    first = len(audited)
    shutil.rmtree(site / "_site")
    del audited[first:]  # the removal's own (by descriptor: names relative to their folder)
    build(load_config(site), jobs=1, cache=True)
    cache = site.resolve() / ".thrustlib-cache" / "parse"
    read = {
        Path(os.fsdecode(args[0])).name
        for event, args in audited[first:]
        if event == "open"
        and not isinstance(args[0], int)
        and Path(os.fsdecode(args[0])).parent == cache
    }
    assert any(name.endswith(".blobs") for name in read) and any(
        name.endswith(".pickle") for name in read
    )
    allowed = [
        site.resolve(),
        Path(thrustlib.__file__).resolve().parent,  # the theme and schema it ships
        (tmp_path / "machine-a" / "thrustlib").resolve(),  # the machine's cache key
        *(Path(p).resolve() for p in {sys.prefix, sys.base_prefix}),
        *(Path(p).resolve() for p in sysconfig.get_paths().values()),
    ]
    outside = []
    for event, args in audited:
        if event != "open":
            outside.append(f"{event} {args}")
            continue
        target = args[0]
        if isinstance(target, int):
            continue  # an open file descriptor
        path = Path(str(target if not isinstance(target, bytes) else target.decode()))
        if str(path).startswith(("/proc/", "/dev/null", "/dev/urandom")):
            continue  # free memory for the size estimate; the system's own
        resolved = (Path.cwd() / path).resolve() if not path.is_absolute() else path.resolve()
        if not any(resolved.is_relative_to(root) for root in allowed):
            outside.append(str(resolved))
    assert outside == []
    assert (site / "_site" / "index.html").is_file()


# -- the content cache: kept in the site folder, so it is content too ---------------------


def _small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "exercises").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "glute-bridge.md", site / "exercises")
    (site / "site.toml").write_text('[site]\ntitle = "Cache"\n')
    return site


@pytest.fixture
def machine_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A cache key of this test's own, as if on a machine of its own."""
    from thrustlib.engine import stored

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-a"))
    monkeypatch.setattr(stored, "_key_of_process", None)
    yield
    stored._key_of_process = None


def test_a_planted_cache_is_never_used(
    tmp_path: Path, machine_key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace
    from types import MappingProxyType

    from thrustlib.engine import cache, packing, parsecache, stored

    site = _small_site(tmp_path)
    build(load_config(site), jobs=1, cache=True)
    # Poison the stored parse result as a pull request could: its HTML now has a script.
    parsed = parsecache.ParseCache(site / cache.CACHE_DIR, load_config(site).vocabulary)
    for shard, results in enumerate(parsed.stored):
        poisoned = {}
        for key, packed in results.items():
            assert isinstance(packed, packing.PackedResult) and packed.data is not None
            whole = packing.unpack(packed.data)
            rendered = MappingProxyType({**whole.rendered, "summary": "<script>alert(1)</script>"})
            data = packing.dumps(replace(whole, rendered=rendered, summary="x"))
            poisoned[key] = replace(packed, data=data)
        if poisoned:
            assert parsed._write(shard, poisoned)
    page = site / "_site" / "exercises" / "glute-bridge" / "index.html"
    shutil.rmtree(site / "_site")
    build(load_config(site), jobs=1, cache=True)
    assert "<script>alert(1)</script>" in page.read_text()  # this machine's own cache is used
    # The same folder on another machine (or planted in a pull request) is not.
    shutil.rmtree(site / "_site")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-b"))
    monkeypatch.setattr(stored, "_key_of_process", None)
    build(load_config(site), jobs=1, cache=True)
    assert "<script>alert(1)</script>" not in page.read_text()


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(
    tmp_path: Path, machine_key: None
) -> None:
    from thrustlib.engine import cache

    site = _small_site(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / cache.CACHE_DIR).symlink_to(elsewhere)
    build(load_config(site), jobs=1, cache=True)
    build(load_config(site), jobs=1, cache=True)
    assert list(elsewhere.iterdir()) == []
    # A planted .gitignore link does not make the cache write through it either.
    (site / cache.CACHE_DIR).unlink()
    (site / cache.CACHE_DIR).mkdir()
    (site / cache.CACHE_DIR / ".gitignore").symlink_to(elsewhere / "planted")
    build(load_config(site), jobs=1, cache=True)
    assert list(elsewhere.iterdir()) == []


def test_a_pipe_in_the_cache_does_not_stop_the_build(
    tmp_path: Path, machine_key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal

    from thrustlib.engine import cache, stored

    site = _small_site(tmp_path)
    build(load_config(site), jobs=1, cache=True)
    for shard in sorted((site / cache.CACHE_DIR / "parse").iterdir()):
        shard.unlink()  # the shards' pickles and their files of whole exercises
        os.mkfifo(shard)
    shutil.rmtree(site / "_site")  # so that the build reads the parse cache, not the record
    opened: list[Path] = []
    real_open = stored.open_blobs

    def counting(path: Path) -> object:
        opened.append(path)
        return real_open(path)

    monkeypatch.setattr(stored, "open_blobs", counting)
    signal.signal(signal.SIGALRM, signal.default_int_handler)
    signal.alarm(20)  # opening a pipe to read would wait for a writer forever
    try:
        build(load_config(site), jobs=1, cache=True)
    finally:
        signal.alarm(0)
    assert (site / "_site" / "exercises" / "glute-bridge" / "index.html").is_file()
    assert opened  # the pipes in place of the shards' files were looked at


def test_a_link_in_place_of_a_blob_file_is_not_followed(
    tmp_path: Path, machine_key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shard's file of whole exercises replaced by a link, even to an exact copy of
    itself: never read through, so the shard's files are parsed again."""
    from thrustlib.content.parse import parse_exercise
    from thrustlib.engine import cache, load

    site = _small_site(tmp_path)
    build(load_config(site), jobs=1, cache=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (blobs,) = (site / cache.CACHE_DIR / "parse").glob("*.blobs")
    shutil.copy(blobs, elsewhere / blobs.name)
    blobs.unlink()
    blobs.symlink_to(elsewhere / blobs.name)
    shutil.rmtree(site / "_site")  # so that the build reads the parse cache, not the record
    parsed: list[Path] = []

    def counting(path: Path, data: bytes | str, vocabulary: Any) -> Any:
        parsed.append(path)
        return parse_exercise(path, data, vocabulary)

    monkeypatch.setattr(load, "parse_exercise", counting)
    build(load_config(site), jobs=1, cache=True)
    assert parsed == [Path("exercises/glute-bridge.md")]
    assert (site / "_site" / "exercises" / "glute-bridge" / "index.html").is_file()


def test_a_planted_blob_file_is_never_rendered_from(
    tmp_path: Path, machine_key: None, caplog: Any
) -> None:
    """A shard's file of whole exercises replaced by one that passes the pairing check
    (its tag and size copied) but holds other text: the exercise is checked as it is
    read, refused, and the site built again from the files."""
    from thrustlib.engine import cache

    site = _small_site(tmp_path)
    build(load_config(site), jobs=1, cache=True)
    (blobs,) = (site / cache.CACHE_DIR / "parse").glob("*.blobs")
    real = blobs.read_bytes()
    assert real.count(b"glute") > 0
    blobs.write_bytes(real.replace(b"glute", b"PWNED"))  # the same size, valid pickles
    shutil.rmtree(site / "_site")  # so that the build reads the parse cache, not the record
    with caplog.at_level("WARNING"):
        build(load_config(site), jobs=1, cache=True)
    assert any("changed while it was read" in r.message for r in caplog.records)
    pages = list((site / "_site").rglob("*.*"))
    assert pages and not any(b"PWNED" in p.read_bytes() for p in pages if p.is_file())
