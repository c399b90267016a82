"""write_site: the atomic swap, failures that keep the old site, folders it must not touch."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from thrustlib.errors import ThrustlibError
from thrustlib.site import write
from thrustlib.site.render import OutputFile
from thrustlib.site.write import MARKER, MARKER_TEXT, write_site


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


SITE_A = [OutputFile("index.html", b"A"), OutputFile("exercises/x/index.html", b"x")]
SITE_B = [OutputFile("index.html", b"B"), OutputFile("static/app.css", b"body{}")]


def test_writes_a_new_folder_with_the_marker(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    assert tree(out) == {
        MARKER: MARKER_TEXT,
        "index.html": b"A",
        "exercises/x/index.html": b"x",
    }
    assert names(tmp_path) == ["out"]  # no temporary folder left beside it


def test_replaces_the_old_site_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    write_site(SITE_B, out)
    # Files of the old site that the new one lacks are gone, not left behind.
    assert tree(out) == {MARKER: MARKER_TEXT, "index.html": b"B", "static/app.css": b"body{}"}
    assert names(tmp_path) == ["out"]


def test_empty_folder_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_site(SITE_A, out)
    assert (out / "index.html").read_bytes() == b"A"


def test_refuses_a_folder_that_is_not_thrustlib_output(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work", "utf-8")
    with pytest.raises(ThrustlibError, match="not a thrustlib output folder"):
        write_site(SITE_A, home)
    assert tree(home) == {"thesis.tex": b"years of work"}
    assert names(tmp_path) == ["home"]


def test_refuses_to_replace_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep", "utf-8")
    with pytest.raises(ThrustlibError, match="will not replace this file"):
        write_site(SITE_A, target)
    assert target.read_text("utf-8") == "keep"


@pytest.mark.parametrize(
    "bad", ["../escape.html", "/etc/passwd", "a/../../b", "", "equipment//index.html", "a/./b"]
)
def test_refuses_paths_outside_the_output(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ThrustlibError, match="outside the output folder"):
        write_site([OutputFile(bad, b"x")], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_refuses_two_outputs_on_one_path(tmp_path: Path) -> None:
    files = [OutputFile("a/index.html", b"1"), OutputFile("a/index.html", b"2")]
    with pytest.raises(ThrustlibError, match=r"two outputs would be written to a/index\.html"):
        write_site(files, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_failure_while_writing_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    before = tree(out)
    real = write.write_file
    calls = 0

    def failing(path: str, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # the second file: the first is already in the new folder
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(write, "write_file", failing)
    with pytest.raises(OSError, match="No space"):
        write_site(SITE_B, out)
    monkeypatch.undo()
    assert tree(out) == before
    assert names(tmp_path) == ["out"]


def test_failure_during_the_swap_puts_the_old_site_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    before = tree(out)
    real = Path.rename

    def rename(self: Path, target: str | os.PathLike[str]) -> Path:
        # The second rename (new folder into place) fails, as on a full or locked disk.
        if Path(target) == out and ".tmp-" in self.name:
            raise OSError(16, "Device or resource busy")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="busy"):
        write_site(SITE_B, out)
    monkeypatch.undo()
    assert tree(out) == before
    assert names(tmp_path) == ["out"]


def test_interrupted_build_leftovers_are_cleared_later(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.tmp-dead"
    stale.mkdir()
    (stale / MARKER).write_bytes(MARKER_TEXT)
    old = time.time() - write.LEFTOVER_AGE - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / ".out.tmp-running"  # another build may be writing this one now
    fresh.mkdir()
    (fresh / MARKER).write_bytes(MARKER_TEXT)
    foreign = tmp_path / ".out.tmp-notours"  # no marker: not ours to delete
    foreign.mkdir()
    os.utime(foreign, (old, old))
    write_site(SITE_A, out)
    assert names(tmp_path) == [".out.tmp-notours", ".out.tmp-running", "out"]


def test_writes_are_deterministic(tmp_path: Path) -> None:
    write_site(SITE_A, tmp_path / "a")
    write_site(list(reversed(SITE_A)), tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_interrupt_while_removing_the_old_site_still_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    write_site(SITE_A, target)
    real_rmtree = write.shutil.rmtree
    calls: list[str] = []

    def interrupted_once(path: str | os.PathLike[str], **kwargs: object) -> None:
        calls.append(str(path))
        if len(calls) == 1:
            raise KeyboardInterrupt  # Ctrl-C just after the new site was swapped in
        real_rmtree(path, ignore_errors=True)

    monkeypatch.setattr(write.shutil, "rmtree", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        write_site(SITE_B, target)
    assert (target / "index.html").read_bytes() == b"B"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# -- updating in place: a few files of a large site ----------------------------------------


def _update(out: Path, before: list[str], keep: list[str], files: dict[str, bytes]) -> None:
    with write.OutputWriter(out, in_place=before) as writer:
        for path in keep:
            writer.keep(path)
        for path, data in files.items():
            writer.write(path, data)


def test_an_update_in_place_moves_the_new_files_in_and_removes_the_gone(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    site = [
        OutputFile("index.html", b"A"),
        OutputFile("exercises/x/index.html", b"x"),
        OutputFile("exercises/y/index.html", b"y"),
    ]
    write_site(site, out)
    folder, kept = out.stat().st_ino, (out / "exercises/y/index.html").stat().st_ino
    before = [f.path for f in site]
    # index.html rewritten, x gone (its folder with it), z new, y kept as it is.
    _update(out, before, ["exercises/y/index.html"], {"index.html": b"B", "exercises/z/a": b"z"})
    assert tree(out) == {
        MARKER: MARKER_TEXT,
        "index.html": b"B",
        "exercises/y/index.html": b"y",
        "exercises/z/a": b"z",
    }
    assert not (out / "exercises" / "x").exists()
    # The same folder, and the kept file never touched.
    assert out.stat().st_ino == folder
    assert (out / "exercises/y/index.html").stat().st_ino == kept
    assert names(tmp_path) == ["out"]  # nothing left beside it


def test_a_failure_before_an_update_in_place_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    before = tree(out)
    in_place = [f.path for f in SITE_A]
    with (
        pytest.raises(RuntimeError, match="a page failed"),
        write.OutputWriter(out, in_place=in_place) as writer,
    ):
        writer.write("index.html", b"half a site")
        raise RuntimeError("a page failed")
    assert tree(out) == before
    assert names(tmp_path) == ["out"]


def test_an_update_in_place_refuses_two_outputs_on_one_path(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    in_place = [f.path for f in SITE_A]
    with (
        pytest.raises(ThrustlibError, match="two outputs"),
        write.OutputWriter(out, in_place=in_place) as writer,
    ):
        writer.keep("index.html")
        writer.write("index.html", b"again")
    assert tree(out)["index.html"] == b"A"


def test_output_names_are_every_entry_of_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = [*SITE_A, OutputFile("static/a/b.css", b"")]
    write_site(files, out)
    found = sorted(["."] + [p.relative_to(out).as_posix() for p in out.rglob("*")])
    assert write.output_names(f.path for f in files) == found


@pytest.mark.parametrize(
    ("old", "new"),
    [("a", "a/index.html"), ("a/index.html", "a")],
    ids=["a file becomes a folder", "a folder becomes a file"],
)
def test_an_update_in_place_frees_a_path_before_it_is_reused(
    tmp_path: Path, old: str, new: str
) -> None:
    out = tmp_path / "out"
    write_site([OutputFile("index.html", b"home"), OutputFile(old, b"old")], out)
    _update(out, ["index.html", old], ["index.html"], {new: b"new"})
    assert tree(out) == {MARKER: MARKER_TEXT, "index.html": b"home", new: b"new"}


def test_an_update_in_place_of_a_site_that_is_gone_writes_it_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(SITE_A, out)
    shutil.rmtree(out)  # deleted by hand since the last build
    _update(out, [f.path for f in SITE_A], [], {"exercises/x/index.html": b"y"})
    # Not a folder of the new files alone, without the marker: a new folder, swapped in.
    assert tree(out) == {MARKER: MARKER_TEXT, "exercises/x/index.html": b"y"}
    # A file to keep that is not there is an error, not a site without it.
    shutil.rmtree(out)
    with pytest.raises(FileNotFoundError):
        _update(out, [f.path for f in SITE_A], ["index.html"], {})
    assert not out.exists()
