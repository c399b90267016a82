"""Links and special files in a site: nothing from outside the site is published, nothing
special is opened, and every link that stays inside is followed (loops named, not walked).

Each case builds a small site with ``thrustlib build`` in-process, from inside the site
folder (so messages name files as an author sees them), next to a folder ``outside``
that holds a secret no output may contain.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thrustlib import cli
from thrustlib.config import load_config
from thrustlib.content import files
from thrustlib.content.files import Boundary
from thrustlib.engine.site import Engine
from thrustlib.errors import ContentError, ThemeError
from thrustlib.serve.watch import Changes, Folders, Kind, classify
from thrustlib.site.theme import make_environment

SECRET = "s3cr3t-token-9f1c"
OPT_IN = "set [build] follow_external_symlinks = true to allow it"

EXERCISE = """\
---
title: "{title}"
description: "A sentence about {title}."
muscles: [glutes]
---

## Execution
1. **Drive**: Push the hips up.
"""


def outside_error(link: str, target: Path) -> str:
    return (
        f"{link}: error: a link to {target}, outside the site folder; thrustlib does not"
        f" publish files from outside the site ({OPT_IN})"
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site with a secret file, and a folder of exercises and files."""
    folder = (tmp_path / "outside").resolve()
    (folder / "dir").mkdir(parents=True)
    (folder / "secret.txt").write_text(SECRET)
    (folder / "secret.md").write_text(EXERCISE.format(title=SECRET))
    (folder / "dir" / "secret.md").write_text(EXERCISE.format(title=SECRET))
    (folder / "dir" / "secret.html").write_text(SECRET)
    return folder


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site folder with one exercise and empty templates and static folders; the
    current folder while the test runs."""
    root = tmp_path / "site"
    for name in ("exercises", "templates", "static"):
        (root / name).mkdir(parents=True)
    (root / "exercises" / "hip-thrust.md").write_text(EXERCISE.format(title="Hip Thrust"))
    (root / "site.toml").write_text('[site]\ntitle = "Links"\n')
    monkeypatch.chdir(root)
    return root


@pytest.fixture(autouse=True)
def _never_blocks() -> Iterator[None]:
    """A build that opened a named pipe would wait for a writer forever: fail instead."""
    previous = signal.signal(signal.SIGALRM, _blocked)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _blocked(signum: int, frame: object) -> None:
    raise TimeoutError("the build blocked (did it open a named pipe?)")


def build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """``thrustlib build`` in the current folder: the exit code and the problem lines."""
    code = cli.main(["build", "--no-cache", "-j", "1", *args])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]


def output_text(root: Path) -> str:
    """Every byte of the output folder, as text (nothing when there is none)."""
    out = root / "_site"
    parts = [p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()] if out.exists() else []
    return b"\n".join(parts).decode("utf-8", "replace")


def write_toml(root: Path, text: str) -> None:
    (root / "site.toml").write_text(text)


# -- links out of the site -------------------------------------------------------------


LINKS_OUT = [
    ("exercises", "stolen.md", "secret.md"),
    ("exercises", "shared", "dir"),
    ("templates", "base.html", "secret.txt"),
    ("templates", "partials", "dir"),
    ("static", "secrets.txt", "secret.txt"),
    ("static", "ext", "dir"),
]


@pytest.mark.parametrize(("folder", "name", "target"), LINKS_OUT)
def test_a_link_out_of_the_site_is_an_error_naming_link_and_target(
    site: Path,
    outside: Path,
    capsys: pytest.CaptureFixture[str],
    folder: str,
    name: str,
    target: str,
) -> None:
    assert build(capsys) == (0, [])
    before = output_text(site)
    (site / folder / name).symlink_to(outside / target)

    code, lines = build(capsys)

    assert code == 1
    assert lines == [outside_error(f"{folder}/{name}", outside / target)]
    assert output_text(site) == before  # nothing written: the last output stands
    assert SECRET not in output_text(site)


def test_every_link_out_is_reported_in_one_run_with_other_problems(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder, name, target in LINKS_OUT:
        (site / folder / name).symlink_to(outside / target)
    (site / "exercises" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")

    code, lines = build(capsys)

    assert code == 1
    assert sorted(lines) == sorted(
        [outside_error(f"{f}/{n}", outside / t) for f, n, t in LINKS_OUT]
        + ["exercises/broken.md:2: error: the front matter is not valid YAML"]
    )
    assert not (site / "_site").exists()


def test_a_link_out_through_a_relative_path_names_its_real_target(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "static" / "secrets.txt").symlink_to(Path("../../outside/secret.txt"))
    assert build(capsys) == (1, [outside_error("static/secrets.txt", outside / "secret.txt")])


@pytest.mark.parametrize("folder", ["exercises", "templates", "static"])
def test_a_whole_folder_that_is_a_link_out_is_an_error(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    (site / folder).rename(site / f"{folder}-was")
    (site / folder).symlink_to(outside / "dir", target_is_directory=True)

    code, lines = build(capsys)

    assert code == 1
    assert outside_error(folder, outside / "dir") in lines
    assert SECRET not in output_text(site)


def test_a_folder_named_out_of_the_site_in_site_toml_is_an_error(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_toml(site, '[build]\nstatic = "../outside"\n')
    assert build(capsys) == (
        1,
        [
            "site.toml:2: error: 'build.static' names '../outside', outside the site folder;"
            f" thrustlib does not publish files from outside the site ({OPT_IN})"
        ],
    )
    write_toml(site, f'[build]\nexercises = "{outside / "dir"}"\n')
    code, lines = build(capsys)
    assert code == 1
    assert lines[0].startswith("site.toml:2: error: 'build.exercises' names ")


def test_site_toml_that_is_a_link_out_is_an_error(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (outside / "site.toml").write_text(f'[site]\ntitle = "{SECRET}"\n')
    (site / "site.toml").unlink()
    (site / "site.toml").symlink_to(outside / "site.toml")

    assert build(capsys) == (
        1,
        [
            f"site.toml: error: a link to {outside / 'site.toml'}, outside the site folder;"
            " thrustlib does not read settings from outside the site (name the file itself:"
            f" --config {outside / 'site.toml'})"
        ],
    )


def test_site_toml_that_is_a_link_inside_is_read(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "config").mkdir()
    (site / "site.toml").rename(site / "config" / "site.toml")
    (site / "site.toml").symlink_to(Path("config/site.toml"))
    assert build(capsys) == (0, [])
    assert "<title>Links</title>" in (site / "_site" / "index.html").read_text()


def test_site_toml_that_dangles_or_is_a_pipe_is_an_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "site.toml").unlink()
    (site / "site.toml").symlink_to("gone.toml")
    assert build(capsys) == (1, ["site.toml: error: a link to gone.toml, which does not exist"])
    (site / "site.toml").unlink()
    os.mkfifo(site / "site.toml")
    assert build(capsys) == (1, ["site.toml: error: a named pipe (FIFO), not a regular file"])


# -- links that stay inside --------------------------------------------------------------


def test_links_inside_the_site_are_followed_files_and_folders(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = site / "library"
    library.mkdir()
    (library / "frog-pump.md").write_text(EXERCISE.format(title="Frog Pump"))
    (site / "drafts").mkdir()
    (site / "drafts" / "glute-bridge.md").write_text(EXERCISE.format(title="Glute Bridge"))
    (site / "exercises" / "more").symlink_to(Path("../library"), target_is_directory=True)
    (site / "exercises" / "glute-bridge.md").symlink_to(Path("../drafts/glute-bridge.md"))
    (site / "assets" / "img").mkdir(parents=True)
    (site / "assets" / "img" / "a.png").write_bytes(b"PNG")
    (site / "static" / "img").symlink_to(Path("../assets/img"), target_is_directory=True)
    (site / "layouts" / "partials").mkdir(parents=True)
    (site / "layouts" / "partials" / "search-form.html").write_text("<p>FORM-FROM-LINK</p>\n")
    (site / "layouts" / "404.html").write_text("NOT-FOUND-FROM-LINK\n")
    (site / "templates" / "partials").symlink_to(Path("../layouts/partials"))
    (site / "templates" / "404.html").symlink_to(Path("../layouts/404.html"))

    assert build(capsys) == (0, [])

    out = site / "_site"
    for slug in ("hip-thrust", "frog-pump", "glute-bridge"):
        assert (out / "exercises" / slug / "index.html").is_file()
    assert (out / "static" / "img" / "a.png").read_bytes() == b"PNG"
    assert "FORM-FROM-LINK" in (out / "index.html").read_text()
    assert (out / "404.html").read_text() == "NOT-FOUND-FROM-LINK\n"


def test_a_whole_folder_that_is_a_link_inside_is_followed(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("body{}")
    (site / "static").rmdir()
    (site / "static").symlink_to(Path("assets"), target_is_directory=True)
    assert build(capsys) == (0, [])
    assert (site / "_site" / "static" / "site.css").read_text() == "body{}"


@pytest.mark.parametrize("folder", ["exercises", "templates", "static"])
def test_a_link_to_a_folder_holding_it_is_a_loop_named_and_skipped(
    site: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    (site / folder / "sub").mkdir()
    (site / folder / "sub" / "up").symlink_to(Path(".."), target_is_directory=True)

    code, lines = build(capsys)

    assert code == 0
    assert lines == [
        f"{folder}/sub/up: warning: a link to the folder {folder}, which holds the link itself"
        " (a loop); not followed"
    ]


def test_a_cycle_of_links_is_a_loop_and_each_folder_is_walked_once(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b"):
        (site / "exercises" / name).mkdir()
    (site / "exercises" / "a" / "frog-pump.md").write_text(EXERCISE.format(title="Frog Pump"))
    (site / "exercises" / "a" / "to-b").symlink_to(Path("../b"), target_is_directory=True)
    (site / "exercises" / "b" / "to-a").symlink_to(Path("../a"), target_is_directory=True)

    code, lines = build(capsys)

    # a/to-b/to-a leads back to a; b/to-a shows a's exercise a second time (its slug twice).
    assert lines[0] == (
        "exercises/a/to-b/to-a: warning: a link to the folder exercises/a, which holds the"
        " link itself (a loop); not followed"
    )
    assert code == 1
    assert any("frog-pump" in line and "error" in line for line in lines)


def test_many_links_to_one_folder_are_followed_once(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Thirty levels of two links each would be a billion folders to walk."""
    static = site / "static"
    for level in range(30):
        (static / f"d{level}").mkdir()
        (static / f"d{level}" / "f.txt").write_text(str(level))
    for level in range(29):
        for name in ("l1", "l2"):
            (static / f"d{level}" / name).symlink_to(Path(f"../d{level + 1}"))

    code, lines = build(capsys)

    assert code == 0
    assert (
        "static/d0/l2: warning: a link to the folder static/d1, already included as"
        " static/d0/l1; not followed again"
    ) in lines
    published = list((site / "_site" / "static").rglob("f.txt"))
    assert 30 <= len(published) < 1000


# -- special files and dangling links --------------------------------------------------


def test_special_files_and_links_to_them_are_named_and_never_opened(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(site / "exercises" / "pipe.md")
    os.mkfifo(site / "static" / "pipe")
    os.mkfifo(site / "templates" / "exercise.html")
    os.mkfifo(site / "fifo")
    (site / "static" / "to-pipe").symlink_to(Path("../fifo"))
    (site / "exercises" / "notes-pipe").symlink_to(Path("../fifo"))  # not an exercise name
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("static/sock")  # relative: a socket's path is short
    sock.close()

    code, lines = build(capsys)

    assert code == 0
    assert lines == [
        "exercises/pipe.md: warning: a named pipe (FIFO), not a regular file; skipped",
        "static/pipe: warning: a named pipe (FIFO), not a regular file; skipped",
        "static/sock: warning: a socket, not a regular file; skipped",
        "static/to-pipe: warning: a link to fifo, a named pipe (FIFO), not a regular file; skipped",
        "templates/exercise.html: warning: a named pipe (FIFO), not a regular file; skipped",
    ]
    # The theme's own exercise page was used in place of the pipe.
    assert "Hip Thrust" in (site / "_site" / "exercises" / "hip-thrust" / "index.html").read_text()


def test_a_link_to_a_device_is_out_of_the_site_and_skipped_when_allowed(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "static" / "zero").symlink_to("/dev/zero")
    assert build(capsys) == (1, [outside_error("static/zero", Path("/dev/zero"))])
    write_toml(site, "[build]\nfollow_external_symlinks = true\n")
    assert build(capsys) == (
        0,
        [
            "static/zero: warning: a link to /dev/zero, a character device, not a regular file;"
            " skipped"
        ],
    )


def test_dangling_links_are_errors_for_exercises_and_warnings_elsewhere(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "exercises" / "gone.md").symlink_to("nowhere.md")
    (site / "exercises" / "gone-folder").symlink_to("nowhere")  # not an exercise name
    (site / "static" / "gone.css").symlink_to("nowhere.css")
    (site / "templates" / "gone.html").symlink_to("nowhere.html")

    code, lines = build(capsys)

    assert code == 1
    assert lines == [
        "exercises/gone.md: error: a link to nowhere.md, which does not exist",
        "static/gone.css: warning: a link to nowhere.css, which does not exist; skipped",
        "templates/gone.html: warning: a link to nowhere.html, which does not exist; skipped",
    ]


# -- the opt-in ---------------------------------------------------------------------------


def test_the_opt_in_follows_links_out_files_and_folders(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_toml(site, "[build]\nfollow_external_symlinks = true\n")
    (site / "static" / "secrets.txt").symlink_to(outside / "secret.txt")
    (site / "static" / "ext").symlink_to(outside / "dir")
    (site / "exercises" / "shared").symlink_to(outside / "dir")
    (outside / "dir" / "up").symlink_to(outside, target_is_directory=True)

    code, lines = build(capsys)

    assert code == 0
    # Loops are still found outside, named by where the link is.
    assert lines == [
        f"exercises/shared/up: warning: a link to the folder {outside}, which holds the link"
        " itself (a loop); not followed",
        f"static/ext/up: warning: a link to the folder {outside}, which holds the link"
        " itself (a loop); not followed",
    ]
    out = site / "_site"
    assert (out / "static" / "secrets.txt").read_text() == SECRET
    assert (out / "static" / "ext" / "secret.html").read_text() == SECRET
    assert SECRET in (out / "exercises" / "secret" / "index.html").read_text()


def test_the_opt_in_allows_folders_named_outside(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_toml(site, '[build]\nfollow_external_symlinks = true\nstatic = "../outside/dir"\n')
    assert build(capsys) == (0, [])
    assert (site / "_site" / "static" / "secret.html").read_text() == SECRET


# -- the preview and the incremental build ------------------------------------------------


def test_a_file_that_becomes_a_link_out_is_caught_by_read_changes(
    site: Path, outside: Path
) -> None:
    engine = Engine(load_config(Path()))
    library = engine.load()
    assert list(library.exercises) == ["hip-thrust"]
    changed = site / "exercises" / "hip-thrust.md"
    changed.unlink()
    changed.symlink_to(outside / "secret.md")

    before = engine.read_changes(Changes(frozenset({Kind.CONTENT}), frozenset({changed})))

    with pytest.raises(ContentError) as caught:
        engine.library(library, before)
    assert [str(p) for p in caught.value.problems] == [
        outside_error("exercises/hip-thrust.md", outside / "secret.md")
    ]


def test_a_folder_link_out_made_while_serving_is_caught_by_the_rescan(
    site: Path, outside: Path
) -> None:
    engine = Engine(load_config(Path()))
    library = engine.load()
    link = site / "exercises" / "shared"
    link.symlink_to(outside / "dir")
    folders = Folders.of(engine.config)
    changes = classify(link.absolute(), False, folders)
    assert changes.rescan  # a link is a file to the watcher, yet it may be a folder

    before = engine.read_changes(changes)

    with pytest.raises(ContentError) as caught:
        engine.library(library, before)
    assert [str(p) for p in caught.value.problems] == [
        outside_error("exercises/shared", outside / "dir")
    ]


def test_an_incremental_build_catches_a_file_turned_into_a_link_out(
    site: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["build", "-j", "1"]) == 0  # with the cache
    before = output_text(site)
    exercise = site / "exercises" / "hip-thrust.md"
    exercise.unlink()
    exercise.symlink_to(outside / "secret.md")
    capsys.readouterr()

    code = cli.main(["build", "-j", "1"])

    err = capsys.readouterr().err
    assert code == 1
    assert outside_error("exercises/hip-thrust.md", outside / "secret.md") in err
    assert output_text(site) == before
    assert SECRET not in output_text(site)


def test_the_template_loader_refuses_a_link_out_asked_for_by_name(
    site: Path, outside: Path
) -> None:
    """``{% include %}`` takes any name, so the loader itself refuses, not only the walk."""
    (site / "templates" / "evil.html").symlink_to(outside / "secret.txt")
    env = make_environment(site / "templates", Boundary.of(site))
    with pytest.raises(ThemeError) as caught:
        env.from_string('{% include "evil.html" %}').render()
    assert [p.message for p in caught.value.problems] == [
        outside_error("x", outside / "secret.txt").split(": error: ")[1]
    ]


# -- the output and cache folders, deep trees, folders that cannot be read ----------------


@pytest.mark.parametrize("kept", ["_site", ".thrustlib-cache"])
def test_a_link_to_the_output_or_the_cache_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str], kept: str
) -> None:
    assert cli.main(["build", "-j", "1"]) == 0  # with the cache: both folders exist now
    capsys.readouterr()
    (site / "static" / "old").symlink_to(site / kept)
    code, problems = build(capsys)
    assert code == 1
    assert problems == [
        f"static/old: error: a link to {kept}, in the site's output or cache folder, which is"
        " never read as content; not followed"
    ]
    # Built again and again, the site would otherwise hold itself (or every parse result).
    assert not (site / "_site" / "static" / "old").exists()


def test_folders_nested_past_the_limit_are_named_not_walked(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = site / "static"
    for _ in range(files.MAX_DEPTH + 40):
        deep /= "d"
    deep.mkdir(parents=True)
    (deep / "far.txt").write_text("far")
    code, problems = build(capsys)
    assert code == 0
    assert len(problems) == 1 and problems[0].endswith(
        f": warning: folders nested more than {files.MAX_DEPTH} deep; not walked further"
    )


def test_a_folder_that_cannot_be_listed_is_named(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = site / "exercises" / "locked"
    locked.mkdir()
    (locked / "step-up.md").write_text(EXERCISE.format(title="Step Up"))
    listing = os.scandir

    def scandir(path: str) -> Any:
        if str(path).endswith("locked"):  # as for a folder without read permission
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    code, problems = build(capsys)
    assert code == 0
    assert problems == [
        "exercises/locked: warning: the folder cannot be read (Permission denied); its files"
        " are left out"
    ]
