"""The index of exercise files by their stat: an unchanged file is not read again, and no
change is missed (same size, the modification time set back, a file replaced, a file
written again the moment it was read)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.shared import copy_site
from thrustlib.config import load_config
from thrustlib.content import files, reading
from thrustlib.engine import fileindex
from thrustlib.engine.build import build
from thrustlib.engine.fileindex import FileIndex

_FROG_PUMP = """---
title: Frog Pump
description: A glute bridge with the soles together.
muscles: [glutes]
---

## Execution
- **Drive**: Squeeze the glutes.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The exercise files read, by name, in the order they are read."""
    names: list[str] = []

    def counting(path: Path, *, limit: int | None = None) -> bytes:
        if path.suffix == ".md":
            names.append(path.name)
        return reading.read_file(path, limit=limit)

    monkeypatch.setattr(files, "read_file", counting)  # what the build reads them with
    return names


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as old enough to trust the moment they are written (a test cannot wait
    the two seconds a real one must age)."""
    monkeypatch.setattr(fileindex, "RACY_NS", 0)


def _build(site: Path) -> str:
    build(load_config(site), output=site / "_site", cache=True)
    page = site / "_site" / "exercises" / "glute-bridge" / "index.html"
    return page.read_text("utf-8")


def _edit(site: Path, old: str, new: str) -> Path:
    path = site / "exercises" / "glute-bridge.md"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_unchanged_files_are_not_read_again(site: Path, reads: list[str], settled: None) -> None:
    _build(site)
    assert "glute-bridge.md" in reads
    reads.clear()
    _build(site)
    assert reads == []  # nothing changed: not a file read
    _edit(site, "Push through", "Press through")
    assert "Press through" in _build(site)
    # The edited file alone, read once: its inputs hashed and its parse made of one read.
    assert reads == ["glute-bridge.md"]


def test_a_change_that_keeps_the_size_and_the_time_is_seen(site: Path, settled: None) -> None:
    _build(site)
    path = site / "exercises" / "glute-bridge.md"
    before = path.stat()
    _edit(site, "Push through", "Pull through")  # the same length
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the time set back
    assert path.stat().st_size == before.st_size
    assert "Pull through" in _build(site)  # the change time told


def test_a_file_replaced_by_another_is_seen(site: Path, settled: None) -> None:
    _build(site)
    path = site / "exercises" / "glute-bridge.md"
    other = site / "glute-bridge.new"
    other.write_text(path.read_text("utf-8").replace("Push through", "Pull through"), "utf-8")
    other.replace(path)  # as an editor saves: a new file renamed over the old one
    assert "Pull through" in _build(site)


def test_a_file_written_as_it_was_read_is_read_again(tmp_path: Path) -> None:
    """Git's racily clean files: a write in the same clock tick as the read could leave
    the stat as it was, so a file younger than RACY_NS is never trusted."""
    path = tmp_path / "a.md"
    path.write_bytes(b"one")
    index = FileIndex(tmp_path / "index.pickle")
    info, digest = index.lookup(path)
    assert digest is None
    index.record(path, info, b"one", fileindex.now())
    index.save()
    again = FileIndex(tmp_path / "index.pickle")
    assert again.lookup(path)[1] is None  # too young to trust: read again
    # Once old enough, the same stat is trusted, and the digest is the bytes'.
    settled = FileIndex(tmp_path / "index.pickle")
    settled.record(path, path.stat(), b"one", fileindex.now() + 10 * fileindex.RACY_NS)
    assert settled.lookup(path)[1] == fileindex.digest(b"one")


def test_the_index_keeps_only_the_files_a_build_saw(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_bytes(name.encode())
    index = FileIndex(tmp_path / "index.pickle")
    late = fileindex.now() + 10 * fileindex.RACY_NS
    for name in ("a.md", "b.md"):
        path = tmp_path / name
        index.record(path, path.stat(), name.encode(), late)
    index.save()
    (tmp_path / "b.md").unlink()
    index = FileIndex(tmp_path / "index.pickle")
    assert index.lookup(tmp_path / "a.md")[1] is not None
    index.save()
    assert list(FileIndex(tmp_path / "index.pickle").entries) == [str(tmp_path / "a.md")]


def test_an_index_not_signed_here_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlib.engine import stored

    path = tmp_path / "a.md"
    path.write_bytes(b"mine")
    info = path.stat()
    planted = {str(path): (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, b"x")}
    monkeypatch.setattr(stored, "_key_of_process", b"k" * 32)
    stored.write(tmp_path / "index.pickle", fileindex.FORMAT, planted)
    monkeypatch.undo()
    assert FileIndex(tmp_path / "index.pickle").lookup(path)[1] is None


def test_a_file_saved_during_a_build_leaves_no_wrong_parse_behind(
    site: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed bytes are filed under their own digest, never under the one the index
    remembered: a file saved while a build read it, then set back, still builds right."""
    _build(site)
    path = site / "exercises" / "glute-bridge.md"
    original = path.read_bytes()
    shutil.rmtree(site / ".thrustlib-cache" / "parse")  # as after a vocabulary change
    other = site / "exercises" / "romanian-deadlift.md"
    other.write_text(other.read_text("utf-8") + "\n", "utf-8")  # so that the build parses
    saved = False

    def racing(file: Path, *, limit: int | None = None) -> bytes:
        nonlocal saved
        if file.name == path.name and not saved:
            saved = True  # an editor saves it after its stat was taken, before the read
            _edit(site, "Push through", "Shove through")
        return reading.read_file(file, limit=limit)

    monkeypatch.setattr(files, "read_file", racing)
    _build(site)
    monkeypatch.undo()
    path.write_bytes(original)  # the edit undone
    other.write_text(other.read_text("utf-8") + "\n", "utf-8")  # and another file saved
    page = _build(site)
    assert "Push through" in page and "Shove through" not in page
    clean = site.parent / "clean"
    build(load_config(site), output=clean, cache=False)
    assert page == (clean / "exercises" / "glute-bridge" / "index.html").read_text("utf-8")


def _saved_after_the_hash(
    monkeypatch: pytest.MonkeyPatch, site: Path, then: Callable[[], None]
) -> None:
    """The next build with the cache parses every file from disk (its parse cache
    removed, as may be done at any time) and ``then`` happens just after it hashed its
    inputs, before it reads them."""
    from thrustlib.engine import build as build_module

    shutil.rmtree(site / ".thrustlib-cache" / "parse")
    real = build_module.content_cache.read_inputs

    def hashed_then(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        then()
        return found

    monkeypatch.setattr(build_module.content_cache, "read_inputs", hashed_then)


def test_a_strict_build_does_not_fail_on_warnings_of_bytes_no_longer_there(
    site: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that read a file as other bytes than it hashed keeps their warnings in a
    record it marks as not to be trusted: with the file back as it was hashed, a strict
    build goes by the files, not by those warnings."""
    _build(site)
    path = site / "exercises" / "glute-bridge.md"
    hashed = path.read_bytes()
    warned = hashed.replace(b"\n## Tips\n", b"\n## Setup\n- Set up again.\n\n## Tips\n", 1)
    other = site / "exercises" / "romanian-deadlift.md"
    other.write_text(other.read_text("utf-8") + "\n", "utf-8")  # so that the build parses
    _saved_after_the_hash(monkeypatch, site, lambda: path.write_bytes(warned))
    result = build(load_config(site), output=site / "_site", cache=True)
    assert any("a second 'Setup'" in str(w) for w in result.warnings)  # what it read
    monkeypatch.undo()
    path.write_bytes(hashed)  # back as the build hashed it
    result = build(load_config(site), output=site / "_site", cache=True, strict=True)
    assert result.warnings == ()
    assert result.rendered == result.files  # nothing of the last build trusted


def test_a_file_removed_after_the_hash_and_put_back_is_built_again(
    site: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file gone when the build came to read it is left out of that build, which then
    does not stand for the inputs it hashed: put back byte for byte, the file is built
    again, as a clean build has it."""
    _build(site)
    path = site / "exercises" / "marching-glute-bridge.md"
    data = path.read_bytes()
    _edit(site, "Push through", "Shove through")  # so that the build parses
    _saved_after_the_hash(monkeypatch, site, path.unlink)
    assert build(load_config(site), output=site / "_site", cache=True).exercises == 4
    monkeypatch.undo()
    path.write_bytes(data)  # a checkout, or an editor saving by delete and create
    result = build(load_config(site), output=site / "_site", cache=True)
    assert result.exercises == 5
    assert (site / "_site" / "exercises" / "marching-glute-bridge" / "index.html").is_file()


def test_a_build_takes_each_file_s_stat_once(
    site: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing the inputs and reading the files agree on what each file held: the second
    look at a file is the first one's answer, and the next build looks again."""
    _build(site)
    stats: list[str] = []
    real_stat = os.stat

    def counting(path: str | os.PathLike[str], *args: object, **kwargs: object) -> os.stat_result:
        if Path(path).name == "glute-bridge.md":
            stats.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    _edit(site, "Push through", "Drive through")
    monkeypatch.setattr(fileindex.os, "stat", counting)
    page = _build(site)
    assert "Drive through" in page
    assert len(stats) == 1, stats
    _edit(site, "Drive through", "Press through")
    assert "Press through" in _build(site)  # a new build, a new stat
    assert len(stats) == 2, stats


def test_a_build_walks_the_exercises_folder_once_and_reads_what_it_hashed(
    site: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing the inputs and reading the files take the same walk: a file added between
    the two is not half in a build (hashed but not read, or read but not hashed); the
    next build has it."""
    _build(site)
    walks: list[Path] = []
    real_walk = files.exercise_names
    added = site / "exercises" / "frog-pump.md"

    def counting(folder: Path, *args: object) -> object:
        walks.append(folder)
        found = list(real_walk(folder, *args))  # type: ignore[arg-type]
        # Saved just after the walk, before the files are read.
        added.write_text(_FROG_PUMP, "utf-8")
        return iter(found)

    _edit(site, "Push through", "Drive through")
    monkeypatch.setattr(files, "exercise_names", counting)  # as the index walks
    page = _build(site)
    assert "Drive through" in page
    assert walks == [site.absolute() / "exercises"]
    assert not (site / "_site" / "exercises" / "frog-pump").exists()
    monkeypatch.undo()
    _build(site)  # the next build sees it, its inputs having changed
    assert (site / "_site" / "exercises" / "frog-pump" / "index.html").is_file()


@pytest.mark.parametrize("cache", [True, False])
def test_a_file_removed_after_the_walk_is_left_out_as_a_walk_then_would(
    site: Path, settled: None, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    """A file the walk found and a checkout removed before it was read is not an error:
    the build goes on without it, as one started a moment later would; the next build
    agrees."""
    _build(site)
    removed = site / "exercises" / "romanian-deadlift.md"  # no other exercise names it
    text = removed.read_text("utf-8")
    removed.write_text(text.replace("Stand tall", "Stand up tall"), "utf-8")  # unread yet
    # The index walks by name (a build with the cache), the build alone by path.
    name = "exercise_names" if cache else "exercise_files"
    real_walk = getattr(files, name)

    def walk_then_remove(folder: Path, *args: object) -> object:
        found = list(real_walk(folder, *args))
        removed.unlink()
        return iter(found)

    monkeypatch.setattr(files, name, walk_then_remove)
    result = build(load_config(site), output=site / "_site", cache=cache)
    assert result.exercises == 4
    assert not (site / "_site" / "exercises" / "romanian-deadlift").exists()
    monkeypatch.undo()
    assert build(load_config(site), output=site / "_site", cache=cache).exercises == 4


def test_a_kept_walk_is_taken_once_and_dropped_on_save(tmp_path: Path) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "a.md").write_bytes(b"one")
    boundary = files.Boundary.of(tmp_path)
    index = FileIndex(None)
    kept = index.walk(folder, boundary, keep=True)
    (folder / "b.md").write_bytes(b"two")
    assert index.walk(folder, boundary) == kept  # taken: the build's one walk
    assert [Path(name).name for name, _ in index.walk(folder, boundary)[0]] == ["a.md", "b.md"]
    index.walk(folder, boundary, keep=True)
    (folder / "c.md").write_bytes(b"three")
    index.save()  # a build that stopped early leaves nothing for the next one
    assert len(index.walk(folder, boundary)[0]) == 3


def test_what_a_build_looked_up_holds_until_it_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"one")
    index = FileIndex(tmp_path / "index.pickle")
    first = index.lookup(path)
    path.write_bytes(b"three")  # saved between the two looks of one build
    assert index.lookup(path) == first
    index.save()
    assert index.lookup(path)[0].st_size == 5


@given(st.text(alphabet="/.ab", max_size=12))
def test_a_file_is_filed_under_its_absolute_normal_name_however_it_is_written(name: str) -> None:
    """What os.path.abspath gives, also for the names the walks give as they are."""
    assume(name)
    assert fileindex._name(name) == os.path.abspath(name)  # noqa: PTH100 (the rule it keeps)
    assert fileindex._name(Path(name)) == os.path.abspath(Path(name))  # noqa: PTH100


def test_a_file_looked_up_by_two_names_is_one_entry(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"x")
    index = FileIndex(None)
    info, _ = index.lookup(tmp_path / "a.md")
    index.record(tmp_path / "a.md", info, b"x", fileindex.now())
    assert index.lookup(tmp_path / "." / "sub" / ".." / "a.md")[1] == fileindex.digest(b"x")
    assert index.take(Path(f"{tmp_path}//a.md")) == b"x"
