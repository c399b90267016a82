"""The content cache: what it skips, what makes it rebuild, and that it never changes output."""

from __future__ import annotations

import importlib
import marshal
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import pytest

from tests.shared import copy_site
from thrustlib.cli import main
from thrustlib.config import load_config
from thrustlib.content.parse import ParseResult, parse_exercise
from thrustlib.engine import build as build_module
from thrustlib.engine import cache, libraries, load, parsecache, stored, templates
from thrustlib.engine import render as engine_render
from thrustlib.engine.build import build
from thrustlib.errors import ContentError
from thrustlib.site import write

UNDESCRIBED = """---
title: Frog Pump
muscles: [glutes]
---

## Execution
- **Drive**: Squeeze the glutes.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths parse_exercise is called for, as the loader calls it."""
    calls: list[Path] = []

    def counting(path: Path, data: bytes | str, vocabulary: object) -> ParseResult:
        calls.append(path)
        return parse_exercise(path, data, vocabulary)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "parse_exercise", counting)
    return calls


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered or wrote although nothing changed")

    monkeypatch.setattr(engine_render, "render_into", fail)
    monkeypatch.setattr(write, "write_site", fail)


def test_unchanged_files_are_not_parsed_again(site: Path, parses: list[Path]) -> None:
    build_module.load_library(load_config(site), cache=True)
    assert len(parses) == 5
    parses.clear()
    library, _ = build_module.load_library(load_config(site), cache=True)
    assert parses == []
    assert len(library) == 5


def test_a_changed_file_is_parsed_again(site: Path, parses: list[Path]) -> None:
    build_module.load_library(load_config(site), cache=True)
    edited = site / "exercises" / "glute-bridge.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    parses.clear()
    library, _ = build_module.load_library(load_config(site), cache=True)
    assert parses == [Path("exercises/glute-bridge.md")]
    assert "One more line." in repr(library.whole("glute-bridge"))


def test_a_corrupt_cache_is_ignored(site: Path, parses: list[Path]) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    folder = site / cache.CACHE_DIR
    pickles = sorted(folder.rglob("*.pickle"))
    # The build record, and the parse results in a few of their shards.
    assert len(pickles) >= 2 and len(list(folder.glob("build-*.pickle"))) == 1
    for path in pickles:
        path.write_bytes(b"\x80\x05not a pickle at all")
    parses.clear()
    result = build(load_config(site), output=out, cache=True)
    assert len(parses) == 5 and result.exercises == 5
    # ... and it is rebuilt: the next build parses nothing.
    parses.clear()
    (site / "exercises" / "glute-bridge.md").touch()
    build_module.load_library(load_config(site), cache=True)
    assert parses == []


def test_a_shard_whose_file_of_whole_exercises_is_not_its_own_is_ignored(
    site: Path, parses: list[Path]
) -> None:
    """A shard keeps its exercises' pages in a file beside its pickle, which names them
    by offset: a changed file, or one from another build (two builds at once), is never
    read from, and its results are parsed again."""
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    clean = files_of(out)
    folder = site / cache.CACHE_DIR / "parse"
    blobs = sorted(folder.glob("*.blobs"))
    assert blobs and len(blobs) == len(list(folder.glob("*.pickle")))
    before = {path.name: path.read_bytes() for path in blobs}
    edited = site / "exercises" / "glute-bridge.md"
    text = edited.read_text("utf-8")
    edited.write_text(text + "\nOne more line.\n", "utf-8")
    build(load_config(site), output=out, cache=True)
    config = load_config(site)
    shards = parsecache.ParseCache(site / cache.CACHE_DIR, config.vocabulary).stored
    (shard,) = [
        n
        for n, results in enumerate(shards)
        for r in results.values()
        if r.entry.source.path == Path("exercises/glute-bridge.md")  # type: ignore[attr-defined]
    ]
    # The last build's file of that shard (or of another) beside this build's pickle:
    # not a pair.
    target = folder / f"{shard:02x}.blobs"
    stale = before.get(target.name) or next(iter(before.values()))
    assert stale != target.read_bytes()
    target.write_bytes(stale)
    parses.clear()
    shutil.rmtree(out)
    build(load_config(site), output=out, cache=True)
    # That shard's files alone: the pair is told apart as it is opened, not as it is read.
    in_shard = {r.entry.source.path for r in shards[shard].values()}  # type: ignore[attr-defined]
    assert Path("exercises/glute-bridge.md") in in_shard and set(parses) == in_shard
    build(load_config(site), output=site / "fresh", cache=False)
    assert files_of(out) == files_of(site / "fresh")
    shutil.rmtree(site / "fresh")
    edited.write_text(text, "utf-8")
    build(load_config(site), output=out, cache=True)
    assert files_of(out) == clean
    # One byte changed in every file: every result is parsed again, the pages as before.
    for path in folder.glob("*.blobs"):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(bytes(data))
    parses.clear()
    shutil.rmtree(out)
    build(load_config(site), output=out, cache=True)
    assert len(parses) == 5
    assert files_of(out) == clean


def test_a_blob_file_of_the_same_size_from_another_build_is_not_a_pair(
    site: Path, parses: list[Path], caplog: Any
) -> None:
    """Two builds that wrote a shard at once can leave files of the same size: the random
    tag at the head of the blob file tells them apart, before anything is read."""
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    clean = files_of(out)
    (first, *_) = sorted((site / cache.CACHE_DIR / "parse").glob("*.blobs"))
    _flip_in_place(first, 0)  # another tag, the same size and exercises
    shutil.rmtree(out)
    parses.clear()
    with caplog.at_level("WARNING"):
        build(load_config(site), output=out, cache=True)
    assert 0 < len(parses) < 5  # that shard's files alone
    assert not any("changed while it was read" in r.message for r in caplog.records)
    assert files_of(out) == clean


def test_the_cache_leaves_whole_exercises_in_their_file_until_opened(site: Path) -> None:
    """Read from the cache, a result holds where its exercise is, not the bytes; opened,
    it is the exercise as parsed. Only the cache's own reader resolves those places."""
    from thrustlib.engine import packing

    build(load_config(site), cache=True)
    config = load_config(site)
    parsed = parsecache.ParseCache(site / cache.CACHE_DIR, config.vocabulary)
    results = [r for shard in parsed.stored for r in shard.values()]
    assert len(results) == 5
    for result in results:
        assert isinstance(result, packing.PackedResult) and result.entry is not None
        assert isinstance(result.data, packing.Blob)
        path = site / result.entry.source.path
        fresh = parse_exercise(result.entry.source.path, path.read_bytes(), config.vocabulary)
        assert packing.unpack(result.data) == fresh.exercise
        # Sent to another process, a result carries its bytes.
        assert packing.loads(packing.dumps(result)) == packing.pack(fresh)
    shard = sorted((site / cache.CACHE_DIR / "parse").glob("*.pickle"))[0]
    with pytest.raises(pickle.UnpicklingError, match="stored_blob is not allowed"):
        packing.loads(shard.read_bytes()[:-32])  # the pickle without its signature


def _flip_in_place(path: Path, at: int | None = None) -> None:
    """One byte of ``path`` changed in place (the same file, as ``cp`` over it writes)."""
    with path.open("r+b") as stream:
        offset = path.stat().st_size // 2 if at is None else at
        stream.seek(offset)
        byte = stream.read(1)
        stream.seek(offset)
        stream.write(bytes([byte[0] ^ 1]))


@pytest.mark.parametrize(
    ("how", "why"), [("byte changed", "not the ones written"), ("cut short", "ends early")]
)
def test_an_exercise_changed_in_its_file_after_the_check_is_never_read(
    site: Path, how: str, why: str
) -> None:
    """The blob file is checked when it is opened and read for as long as the build (or
    the preview) runs: written into in place meanwhile, each exercise read from it is
    checked again, and one whose bytes changed is refused, never rendered."""
    from thrustlib.engine import packing
    from thrustlib.errors import CacheChanged

    build(load_config(site), cache=True)
    config = load_config(site)
    parsed = parsecache.ParseCache(site / cache.CACHE_DIR, config.vocabulary)
    results = [r for shard in parsed.stored for r in shard.values()]
    blobs = [r.data for r in results if isinstance(r, packing.PackedResult)]
    assert len(blobs) == 5 and all(isinstance(b, packing.Blob) for b in blobs)
    victim = blobs[0]
    assert isinstance(victim, packing.Blob)
    path = Path(victim.file.path)
    assert path.parent == site / cache.CACHE_DIR / "parse"
    if how == "byte changed":
        _flip_in_place(path, victim.offset + victim.length // 2)
    else:
        os.truncate(path, victim.offset + victim.length - 1)
    with pytest.raises(CacheChanged, match=rf"changed while it was read \(.*{why}") as raised:
        packing.unpack(victim)
    assert str(path) in str(raised.value) and "run the command again" in str(raised.value)
    # It leaves a worker process as it is, to be reported there.
    again = pickle.loads(pickle.dumps(raised.value))
    assert isinstance(again, CacheChanged) and again.reason == raised.value.reason


def test_a_build_whose_cache_changes_under_it_builds_again_without_it(
    site: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """A cache file written into in place right after it was checked: the build notices
    as it reads the exercise, says so, and builds again from the files, giving the site a
    clean build gives; the next build has a sound cache again."""
    out = site / "_site"
    build(load_config(site), output=out, cache=True, jobs=1)
    clean = files_of(out)
    real = stored.blobs_match
    spoiled: list[Path] = []

    def then_spoiled(blobs: Any, mac: bytes, size: int) -> bool:
        matched = real(blobs, mac, size)
        if matched and not spoiled:
            spoiled.append(Path(blobs.path))
            _flip_in_place(Path(blobs.path))  # after the check, before any read
        return matched

    monkeypatch.setattr(stored, "blobs_match", then_spoiled)
    shutil.rmtree(out)  # every page rendered again, from the cache's exercises
    parses.clear()
    with caplog.at_level("WARNING", logger="thrustlib.engine.build"):
        result = build(load_config(site), output=out, cache=True, jobs=1)
    assert spoiled and result.exercises == 5
    assert any("building again without the parse cache" in r.message for r in caplog.records)
    assert len(parses) == 5  # the second time, every file from itself
    assert files_of(out) == clean
    monkeypatch.setattr(stored, "blobs_match", real)
    shutil.rmtree(out)
    parses.clear()
    build(load_config(site), output=out, cache=True, jobs=1)
    assert parses == [] and files_of(out) == clean


def test_a_shard_left_without_results_is_removed(site: Path) -> None:
    """A shard whose last file went (deleted, or edited into another shard) leaves no
    files behind, rather than an empty pair."""
    config = load_config(site)
    folder = site / cache.CACHE_DIR
    path = site / "exercises" / "glute-bridge.md"
    parsed = parse_exercise(Path("exercises/glute-bridge.md"), path.read_bytes(), config.vocabulary)
    first = parsecache.ParseCache(folder, config.vocabulary)
    first.put(bytes([5]) + bytes(31), parsed)
    first.save()
    pair = {folder / "parse" / "05.pickle", folder / "parse" / "05.blobs"}
    assert pair <= set((folder / "parse").iterdir())
    second = parsecache.ParseCache(folder, config.vocabulary)
    assert len(second.stored[5]) == 1
    second.save()  # this build used nothing of it
    assert not pair & set((folder / "parse").iterdir())
    assert parsecache.ParseCache(folder, config.vocabulary).stored[5] == {}


def test_a_build_after_an_edit_opens_no_other_exercise(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only pages read whole exercises: after a sentence changed, the edited one is
    parsed (whole, here) and no other is opened (the cache reads its entries alone).

    Counted where the bytes come from, not only where they are unpickled: packed
    exercises are read from a blob file only to be copied into the shard written again
    (the one the edited file's new result went into), and the shards' pickles read are
    a small part of the cache, so a cache that kept whole exercises in them would fail
    here too."""
    from thrustlib.engine import packing

    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    folder = site / cache.CACHE_DIR / "parse"
    before = {path.name: path.stat().st_ino for path in folder.glob("*.blobs")}
    opened: list[str] = []
    real_unpack, real_read, real_blob_read = packing.unpack, stored.read, packing.BlobFile.read

    def counting(data: packing.Packed) -> object:
        exercise = real_unpack(data)
        opened.append(exercise.slug)
        return exercise

    pickled = 0  # bytes of the shards' pickles read
    read_from: set[str] = set()  # the blob files packed exercises were read from

    def reading(path: Path, *args: Any, **kwargs: Any) -> object:
        nonlocal pickled
        if path.parent == folder and path.exists():  # a shard with no results is none
            pickled += path.stat().st_size
        return real_read(path, *args, **kwargs)

    def reading_blob(self: packing.BlobFile, offset: int, length: int) -> bytes:
        if offset >= stored.TAG_SIZE:  # the tag is read to pair the file with its pickle
            read_from.add(Path(self.path).name)
        return real_blob_read(self, offset, length)

    monkeypatch.setattr(packing, "unpack", counting)
    monkeypatch.setattr(stored, "read", reading)
    monkeypatch.setattr(packing.BlobFile, "read", reading_blob)
    edited = site / "exercises" / "glute-bridge.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    result = build(load_config(site), output=out, cache=True)
    assert 0 < result.rendered < result.files
    assert opened == []  # its page and its piece of the API are made from the parse
    after = {path.name: path.stat().st_ino for path in folder.glob("*.blobs")}
    written_again = {name for name, inode in before.items() if after.get(name) != inode}
    assert read_from <= written_again
    blobs = sum(path.stat().st_size for path in folder.glob("*.blobs"))
    assert 0 < pickled < blobs  # entries are a few fields; the exercises are the bulk


def test_a_cache_naming_other_code_is_ignored(site: Path, parses: list[Path]) -> None:
    folder = site / cache.CACHE_DIR / "parse"
    folder.mkdir(parents=True)
    # A pickle that would call os.system when loaded by a plain unpickler, in every shard.
    for shard in range(parsecache.SHARDS):
        (folder / f"{shard:02x}.pickle").write_bytes(b"cos\nsystem\n(S'exit 1'\ntR.")
    build_module.load_library(load_config(site), cache=True)
    assert len(parses) == 5


def test_no_cache_neither_reads_nor_writes(site: Path, parses: list[Path]) -> None:
    assert main(["build", "-q", "--no-cache", "--config", str(site / "site.toml")]) == 0
    assert not (site / cache.CACHE_DIR).exists()
    assert main(["build", "-q", "--config", str(site / "site.toml")]) == 0
    assert (site / cache.CACHE_DIR).is_dir()
    before = files_of(site / cache.CACHE_DIR)
    parses.clear()
    assert main(["build", "-q", "--no-cache", "--config", str(site / "site.toml")]) == 0
    assert len(parses) == 5
    assert main(["check", "-q", "--no-cache", "--config", str(site / "site.toml")]) == 0
    assert files_of(site / cache.CACHE_DIR) == before


def test_output_is_the_same_with_and_without_the_cache(site: Path) -> None:
    (site / "exercises" / "frog-pump.md").write_text(UNDESCRIBED, "utf-8")
    build(load_config(site), output=site / "plain")
    build(load_config(site), output=site / "cold", cache=True)
    build(load_config(site), output=site / "warm", cache=True)  # parse results from cache
    plain = files_of(site / "plain")
    assert files_of(site / "cold") == plain
    assert files_of(site / "warm") == plain


def test_nothing_changed_skips_render_and_write(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "exercises" / "frog-pump.md").write_text(UNDESCRIBED, "utf-8")
    argv = ["build", "--config", str(site / "site.toml")]
    assert main(argv) == 0
    first = capsys.readouterr()
    before = files_of(site / "_site")
    no_rendering(monkeypatch)
    assert main(argv) == 0
    second = capsys.readouterr()
    assert "frog-pump.md:1: warning: no 'description'" in second.err
    assert second.err == first.err
    summary = first.out.rsplit(" in ", 1)[0]
    assert second.out.startswith(summary) and "6 exercises, 1 warning" in summary
    assert files_of(site / "_site") == before


def test_strict_still_fails_on_warnings_from_the_cache(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "exercises" / "frog-pump.md").write_text(UNDESCRIBED, "utf-8")
    config = site / "site.toml"
    assert main(["build", "-q", "--config", str(config)]) == 0
    no_rendering(monkeypatch)
    capsys.readouterr()
    assert main(["build", "-q", "--strict", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "no 'description'" in err and "1 warning under --strict" in err
    with pytest.raises(ContentError):
        build(load_config(site), strict=True, cache=True)


def test_a_strict_build_with_nothing_changed_fails_on_the_same_problems_as_a_full_one(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warnings only --strict reports (a video without its upload date) are kept in
    the record apart from the others; read back, they are the problems a full build finds."""
    with_video = UNDESCRIBED.replace("title:", 'video: "Ab3_dE6-gH9"\ntitle:', 1)
    (site / "exercises" / "frog-pump.md").write_text(with_video, "utf-8")
    build(load_config(site), cache=True)
    with pytest.raises(ContentError) as full:
        build(load_config(site), strict=True, cache=False)
    assert any(p.key == "video_uploaded" for p in full.value.problems)
    no_rendering(monkeypatch)
    with pytest.raises(ContentError) as kept:
        build(load_config(site), strict=True, cache=True)
    assert kept.value.problems == full.value.problems


@pytest.mark.parametrize("tamper", ["delete", "edit", "add"])
def test_a_changed_output_folder_is_built_again(
    site: Path, monkeypatch: pytest.MonkeyPatch, tamper: str
) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    before = files_of(out)
    page = out / "exercises" / "glute-bridge" / "index.html"
    if tamper == "delete":
        page.unlink()
    elif tamper == "edit":
        page.write_bytes(page.read_bytes().replace(b"Glute Bridge", b"Glute Bridgf"))
    else:
        (out / "exercises" / "glute-bridge" / "stray.html").write_text("x", "utf-8")
    rendered: list[int] = []
    real = engine_render.render_into

    def counting(*args: Any, **kwargs: Any) -> int:
        rendered.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_render, "render_into", counting)
    build(load_config(site), output=out, cache=True)
    assert rendered == [1]
    assert files_of(out) == before


def test_a_template_change_builds_again(site: Path) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    templates = site / "templates"
    templates.mkdir()
    (templates / "404.html").write_text("<p>Lost.</p>\n", "utf-8")
    build(load_config(site), output=out, cache=True)
    assert (out / "404.html").read_text("utf-8") == "<p>Lost.</p>\n"


def test_a_static_file_change_builds_again(site: Path) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    (site / "static").mkdir()
    (site / "static" / "robots-note.txt").write_text("hello\n", "utf-8")
    build(load_config(site), output=out, cache=True)
    assert (out / "static" / "robots-note.txt").read_text("utf-8") == "hello\n"


def test_a_config_change_builds_again(site: Path) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8").replace("Basic Test Library", "Renamed Library"))
    build(load_config(site), output=out, cache=True)
    assert "Renamed Library" in (out / "index.html").read_text("utf-8")


def test_an_option_change_builds_again(site: Path) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    argv = ["build", "-q", "--config", str(site / "site.toml"), "--out", str(out)]
    assert main([*argv, "--base-url", "https://other.example/lib/"]) == 0
    assert "https://other.example/lib/" in (out / "sitemap.xml").read_text("utf-8")


def test_an_unwritable_cache_is_skipped(site: Path) -> None:
    (site / cache.CACHE_DIR).write_text("a file where the folder would be", "utf-8")
    result = build(load_config(site), output=site / "_site", cache=True)
    assert result.exercises == 5


# -- compiled templates -------------------------------------------------------------------


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from their source."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *a: Any) -> Any:
        names.append(name or "")
        return real(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_compiled_templates_are_kept_between_builds(site: Path, compiles: list[str]) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    assert "exercise.html" in compiles
    first = files_of(out)
    compiles.clear()
    shutil.rmtree(out)  # every page rendered again
    build(load_config(site), output=out, cache=True)
    assert compiles == []
    assert files_of(out) == first


def test_an_edited_template_is_compiled_again(site: Path, compiles: list[str]) -> None:
    out = site / "_site"
    (site / "templates").mkdir()
    lost = site / "templates" / "404.html"
    lost.write_text("<p>Lost.</p>\n", "utf-8")
    build(load_config(site), output=out, cache=True)
    compiles.clear()
    lost.write_text("<p>Gone.</p>\n", "utf-8")
    build(load_config(site), output=out, cache=True)
    assert compiles == ["404.html"]
    assert (out / "404.html").read_text("utf-8") == "<p>Gone.</p>\n"


def test_compiled_templates_are_used_only_when_this_machine_signed_them(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled templates are code: one planted in a site's cache is never run."""
    out = site / "_site"
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("<p>Lost.</p>\n", "utf-8")
    buckets: list[tuple[Path, jinja2.bccache.Bucket]] = []
    real_dump = templates.TemplateCache.dump_bytecode

    def dump(self: templates.TemplateCache, bucket: jinja2.bccache.Bucket) -> None:
        buckets.append((self._path(bucket.key), bucket))
        real_dump(self, bucket)

    monkeypatch.setattr(templates.TemplateCache, "dump_bytecode", dump)
    build(load_config(site), output=out, cache=True)
    monkeypatch.undo()
    path, bucket = next((p, b) for p, b in buckets if b.key and "404" in str(b.code))
    # The same bucket (so Jinja would take it for the real template), other code in it.
    planted = jinja2.bccache.Bucket(bucket.environment, bucket.key, bucket.checksum)
    planted.code = bucket.environment.compile("<p>PLANTED</p>\n", "404.html", "404.html")
    code = planted.bytecode_to_string()

    def rebuilt() -> str:
        shutil.rmtree(out)
        build(load_config(site), output=out, cache=True)
        return (out / "404.html").read_text("utf-8")

    monkeypatch.setattr(stored, "_key_of_process", b"k" * 32)  # another machine's key
    stored.write(path, cache.FORMAT, code)
    monkeypatch.undo()
    assert rebuilt() == "<p>Lost.</p>\n"
    # Signed with this machine's key, the same bytes are used: the key is what kept it out.
    stored.write(path, cache.FORMAT, code)
    assert rebuilt() == "<p>PLANTED</p>\n"


def test_compiled_templates_of_another_thrustlib_are_deleted(site: Path) -> None:
    out = site / "_site"
    build(load_config(site), output=out, cache=True)
    folder = site / cache.CACHE_DIR / "templates"
    ours = sorted(folder.iterdir())
    old = folder / "0123456789abcdef-0123.pickle"  # an older thrustlib's
    old.write_bytes(b"old")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("<p>Lost.</p>\n", "utf-8")
    build(load_config(site), output=out, cache=True)  # compiles the new template
    assert not old.exists()
    assert set(ours) <= set(folder.iterdir())


def test_a_parse_result_s_key_covers_the_context_the_display_path_and_the_bytes(
    tmp_path: Path,
) -> None:
    """The context is hashed once for all keys: a key is still the hash of all three."""
    import hashlib

    from thrustlib.content.vocabulary import Vocabulary

    parsed = parsecache.ParseCache(tmp_path, Vocabulary())
    digest = hashlib.sha256(b"text").digest()
    shown = Path("exercises/a.md")
    whole = cache.framed(parsed.context, b"exercises/a.md", digest)
    assert parsed.key(shown, digest) == hashlib.sha256(whole).digest()
    assert parsed.key("exercises/a.md", digest) == parsed.key(shown, digest)
    assert parsed.key(Path("exercises/b.md"), digest) != parsed.key(shown, digest)
    assert parsed.key(shown, hashlib.sha256(b"other").digest()) != parsed.key(shown, digest)


def test_the_search_index_s_name_is_kept_for_the_same_files_vocabulary_and_drafts(
    site: Path,
) -> None:
    import dataclasses

    from thrustlib.engine.build import load_library
    from thrustlib.site import search

    config = load_config(site)
    build(config, cache=True)
    library, _ = load_library(config)
    name = search.index_path(search.index_data(library))
    assert cache.search_names(config, drafts=False).get(library) == name
    assert cache.search_names(config, drafts=True).get(library) is None
    fewer = dataclasses.replace(config.vocabulary, muscles=config.vocabulary.muscles[:-1])
    assert (
        cache.search_names(dataclasses.replace(config, vocabulary=fewer), False).get(library)
        is None
    )
    edited = next(iter(library.exercises.values()))
    moved = dataclasses.replace(edited, source=dataclasses.replace(edited.source, digest=b"x"))
    other = dataclasses.replace(library, exercises={**library.exercises, moved.slug: moved})
    assert cache.search_names(config, drafts=False).get(other) is None


_LOADED = """
import sys
from pathlib import Path
from thrustlib.config import load_config
{run}
heavy = ("markdown_it", "yaml", "jinja2", "thrustlib.content.parse")
print(" ".join(name for name in heavy if name in sys.modules))
"""


def _loaded_after(site: Path, run: str) -> set[str]:
    """The heavy modules a fresh interpreter has loaded after ``run`` in ``site``."""
    import subprocess
    import sys

    code = _LOADED.format(run=run)
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=site, capture_output=True, text=True, check=True
    )
    return set(found.stdout.split())


def test_a_build_with_nothing_to_do_loads_neither_the_parser_nor_jinja(site: Path) -> None:
    """Neither is needed to find that nothing changed, and loading them was a large part
    of such a build; a build after an edit loads them as it parses and renders."""
    command = "from thrustlib.cli import main\nassert main(['build', '-q']) == 0"
    assert _loaded_after(site, command) >= {"markdown_it", "yaml", "jinja2"}  # the first
    assert _loaded_after(site, command) == set()
    edited = site / "exercises" / "glute-bridge.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    # markdown-it-py only for a body the line scanner declines: this one it reads.
    loaded = _loaded_after(site, command)
    assert loaded >= {"yaml", "jinja2"}
    assert "markdown_it" not in loaded


def test_a_library_read_from_the_cache_loads_no_parser(site: Path) -> None:
    """The preview's start from a warm cache parses nothing: it needs no Markdown or YAML."""
    build(load_config(site), output=site / "_site", cache=True)
    command = (
        "from thrustlib.engine.site import Engine\n"
        "library = Engine(load_config(Path()), cache=True).load()\n"
        "assert len(library) == 5"
    )
    assert _loaded_after(site, command) == set()


def test_the_code_fingerprint_covers_the_libraries_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library is known by its ``__init__.py`` (which holds its version), not imported."""
    import importlib.util

    fake = tmp_path / "__init__.py"
    fake.write_text('__version__ = "1.0"\n', "utf-8")

    def spec(name: str) -> object:
        return importlib.util.spec_from_file_location(name, fake)

    monkeypatch.setattr(libraries.importlib.util, "find_spec", spec)
    cache.code_fingerprint.cache_clear()
    try:
        first = cache.code_fingerprint()
        fake.write_text('__version__ = "1.1"\n', "utf-8")
        cache.code_fingerprint.cache_clear()
        assert cache.code_fingerprint() != first
    finally:
        cache.code_fingerprint.cache_clear()


@pytest.mark.parametrize("name", libraries.LIBRARIES)
def test_each_library_s_version_is_in_the_file_it_is_known_by(name: str) -> None:
    """Were a release to move its version out of ``__init__.py``, an upgrade could leave
    its file as it was and stale results in caches: this fails first."""
    module = importlib.import_module(name)
    version = module.__version__
    assert isinstance(version, str) and version
    assert version.encode() in libraries.init_source(name)


def test_a_library_whose_file_cannot_be_read_is_known_by_its_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a zip or a frozen bundle there may be no file to read: the version it is then."""
    import importlib.machinery
    import importlib.util

    def unreadable(name: str) -> object:  # as in a zip: the loader cannot read the path
        return importlib.util.spec_from_file_location(name, "/nowhere.zip/x/__init__.py")

    def no_loader(name: str) -> object:  # as frozen: no file at all
        return importlib.machinery.ModuleSpec(name, None, origin="frozen")

    for spec in (unreadable, no_loader):
        monkeypatch.setattr(libraries.importlib.util, "find_spec", spec)
        assert libraries.init_source("jinja2") == repr(jinja2.__version__).encode()


def test_the_record_of_a_build_is_read_back_as_it_was_written(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is kept as plain values, marshalled and signed: read back, it equals
    the one the build made (rows, places in families, spans, manifest, warnings); one
    of another shape, or marshalled by another interpreter, is no record at all."""
    made: list[cache.BuildRecord] = []
    real_save = cache.save_build

    def saving(config: Any, output: Path, record: cache.BuildRecord) -> None:
        made.append(record)
        real_save(config, output, record)

    monkeypatch.setattr(cache, "save_build", saving)
    config = load_config(site)
    out = site / "_site"
    build(config, output=out, cache=True)
    (record,) = made
    assert record.site is not None and record.site.variations and record.site.spans
    found = cache.last_build(config, out)
    assert found is not None and found.holds()
    assert found.record == record
    path = next((site / cache.CACHE_DIR).glob("build-*.pickle"))
    stored.write(path, cache.FORMAT, (cache._PLAIN, marshal.dumps((1, 2))))
    assert cache.last_build(config, out) is None
    cache._write(path, record)
    monkeypatch.setattr(cache, "_PLAIN", "another-interpreter")
    assert cache.last_build(config, out) is None
