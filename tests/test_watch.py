"""watch.py: which file events are which kind of change, debouncing, and a real watch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from thrustlib.config import SiteConfig
from thrustlib.serve.watch import (
    Changes,
    Debouncer,
    Folders,
    Kind,
    Watcher,
    classify,
    classify_event,
)

TIMEOUT = 10.0


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    return Folders.of(SiteConfig(root=tmp_path))


def wait_until(check: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Poll ``check`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_exercise_file_is_content_with_its_path(folders: Folders) -> None:
    path = folders.exercises / "hip-thrust.md"
    assert classify(path, False, folders) == Changes(frozenset({Kind.CONTENT}), frozenset({path}))
    nested = folders.exercises / "glutes" / "frog-pump.markdown"
    assert classify(nested, False, folders).paths == {nested}


@pytest.mark.parametrize(
    "name",
    [
        ".hip-thrust.md.swp",
        "hip-thrust.md~",
        "#hip-thrust.md#",
        ".#hip-thrust.md",
        "hip-thrust.md.tmp",
        "4913",  # vim's probe file
        "notes.txt",
        ".git/index",
        "_drafts/x.md",
    ],
)
def test_editor_leftovers_and_other_files_are_no_change(folders: Folders, name: str) -> None:
    assert not classify(folders.exercises / name, False, folders)


def test_folders_of_exercises_ask_for_a_rescan(folders: Folders) -> None:
    changes = classify(folders.exercises / "legs", True, folders)
    assert changes.kinds == {Kind.CONTENT}
    assert changes.rescan


def test_templates_static_config_and_output(folders: Folders) -> None:
    assert classify(folders.templates / "base.html", False, folders).kinds == {Kind.TEMPLATES}
    assert classify(folders.static / "img" / "a.png", False, folders).kinds == {Kind.STATIC}
    assert classify(folders.config, False, folders).kinds == {Kind.CONFIG}
    assert not classify(folders.templates / ".base.html.swp", False, folders)
    # "_" names are theme files (unlike in exercises/); leftovers are not, in any folder.
    assert classify(folders.static / "_headers", False, folders).kinds == {Kind.STATIC}
    assert classify(folders.templates / "_macros.html", False, folders).kinds == {Kind.TEMPLATES}
    for leftover in ["site.css.orig", "site.css.bak", "#site.css#", ".site.css.swo"]:
        assert not classify(folders.static / leftover, False, folders)
    assert not classify(folders.output / "index.html", False, folders)
    assert not classify(folders.root / "README.md", False, folders)


def test_events_reads_and_folder_mtimes_are_ignored(folders: Folders) -> None:
    path = str(folders.exercises / "squat.md")
    assert classify_event(FileModifiedEvent(path), folders).paths == {Path(path)}
    assert classify_event(FileClosedEvent(path), folders).paths == {Path(path)}
    assert not classify_event(FileOpenedEvent(path), folders)
    assert not classify_event(FileClosedNoWriteEvent(path), folders)
    assert not classify_event(DirModifiedEvent(str(folders.exercises)), folders)
    assert classify_event(DirCreatedEvent(str(folders.exercises / "new")), folders).rescan


def test_atomic_save_by_rename_counts_the_real_file(folders: Folders) -> None:
    temp = folders.exercises / ".squat.md.tmp123"
    real = folders.exercises / "squat.md"
    event = FileMovedEvent(str(temp), str(real))
    assert classify_event(event, folders).paths == {real}


def test_a_burst_is_one_callback_with_everything_merged() -> None:
    calls: list[Changes] = []
    # A wide window, so the burst below is one burst even on a slow machine.
    debouncer = Debouncer(calls.append, window=0.5)
    debouncer.start()
    try:
        paths = [Path(f"/site/exercises/{n}.md") for n in range(20)]
        for path in paths:
            debouncer.add(Changes(frozenset({Kind.CONTENT}), frozenset({path})))
        debouncer.add(Changes(frozenset({Kind.STATIC})))
        wait_until(lambda: bool(calls))
        debouncer.add(Changes())  # nothing: never a callback of its own
    finally:
        debouncer.stop()
    assert len(calls) == 1
    assert calls[0].kinds == {Kind.CONTENT, Kind.STATIC}
    assert calls[0].paths == set(paths)


def test_a_failing_callback_does_not_stop_the_debouncer() -> None:
    seen: list[Changes] = []

    def callback(changes: Changes) -> None:
        seen.append(changes)
        if len(seen) == 1:
            raise RuntimeError("boom")

    debouncer = Debouncer(callback, window=0.01)
    debouncer.start()
    try:
        debouncer.add(Changes(frozenset({Kind.TEMPLATES})))
        wait_until(lambda: len(seen) == 1)
        debouncer.add(Changes(frozenset({Kind.STATIC})))
        wait_until(lambda: len(seen) == 2)
    finally:
        debouncer.stop()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, list[Changes], threading.Event]]:
    (tmp_path / "exercises").mkdir()
    seen: list[Changes] = []
    arrived = threading.Event()

    def callback(changes: Changes) -> None:
        seen.append(changes)
        arrived.set()

    watcher = Watcher(Folders.of(SiteConfig(root=tmp_path)), callback)
    watcher.start()
    try:
        yield tmp_path, seen, arrived
    finally:
        watcher.stop()
    assert not any(t.name.startswith("thrustlib-debounce") for t in threading.enumerate())


def test_watcher_reports_saved_exercises_but_not_swap_files(
    watched: tuple[Path, list[Changes], threading.Event],
) -> None:
    root, seen, _ = watched
    (root / "exercises" / ".squat.md.swp").write_text("swap")
    (root / "exercises" / "squat.md").write_text("---\ndescription: x\n---\n")
    wait_until(lambda: any(root / "exercises" / "squat.md" in c.paths for c in seen))
    assert all(p.name == "squat.md" for c in seen for p in c.paths)


def test_watcher_sees_site_toml_and_a_templates_folder_made_later(
    watched: tuple[Path, list[Changes], threading.Event],
) -> None:
    root, seen, _ = watched
    (root / "site.toml").write_text('[site]\ntitle = "X"\n')
    wait_until(lambda: any(Kind.CONFIG in c.kinds for c in seen))
    (root / "templates").mkdir()
    wait_until(lambda: any(Kind.TEMPLATES in c.kinds for c in seen))
    seen.clear()
    # The folder did not exist at start; it is watched from the rebuild that saw it come.
    (root / "templates" / "base.html").write_text("<html></html>")
    wait_until(lambda: any(Kind.TEMPLATES in c.kinds for c in seen))
