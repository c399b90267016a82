"""Unit tests of load.py: which files are exercises, in what order, and unreadable ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrustlib.content import files
from thrustlib.content.boundary import display_name, display_path
from thrustlib.content.files import find_exercise_files
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import workers as parallel
from thrustlib.engine.load import load_exercises
from thrustlib.engine.parsecache import ParseCache
from thrustlib.errors import Problems

VOCABULARY = Vocabulary()


def exercise(title: str) -> str:
    return f'---\ntitle: "{title}"\ndescription: "A {title}."\nmuscles: [glutes]\n---\n'


def test_files_are_found_in_order_without_leftovers_or_linked_folders(tmp_path: Path) -> None:
    folder = tmp_path / "exercises"
    (folder / "b" / "inner").mkdir(parents=True)
    (folder / "a").mkdir()
    for name in ["z.md", "m.markdown", "notes.txt", ".hidden.md", "x.md~", "#x.md#", "_draft.md"]:
        (folder / name).write_text(exercise("X"))
    (folder / "a" / "one.md").write_text(exercise("One"))
    (folder / "b" / "two.md").write_text(exercise("Two"))
    (folder / "b" / "inner" / "three.md").write_text(exercise("Three"))
    (folder / "b" / "folder.md").mkdir()  # a folder named like a file is not one
    os.mkfifo(folder / "pipe.md")  # reading it would block the build
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "far.md").write_text(exercise("Far"))
    (folder / "linked").symlink_to(elsewhere, target_is_directory=True)
    (folder / "link.md").symlink_to(folder / "z.md")
    (folder / "broken.md").symlink_to(tmp_path / "missing.md")

    found = [p.relative_to(folder).as_posix() for p in find_exercise_files(folder)]

    assert found == ["link.md", "m.markdown", "z.md", "a/one.md", "b/two.md", "b/inner/three.md"]
    assert list(find_exercise_files(tmp_path / "nowhere")) == []


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_an_unreadable_file_is_a_problem_in_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool, jobs: int
) -> None:
    """Whoever reads the file (this process, or the one that parses it) reports it."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    folder = tmp_path / "exercises"
    folder.mkdir()
    for name in ["a", "b", "c"]:
        (folder / f"{name}.md").write_text(exercise(name.upper()))
    real = files.read_file

    def read_file(path: Path, *, limit: int | None = None) -> bytes:
        if path.name == "b.md":
            raise PermissionError(13, "Permission denied")
        return real(path, limit=limit)

    monkeypatch.setattr(files, "read_file", read_file)
    problems = Problems()
    cache = ParseCache(tmp_path / "cache", VOCABULARY) if cached else None

    exercises = load_exercises(folder, VOCABULARY, problems, root=tmp_path, cache=cache, jobs=jobs)

    assert [e.slug for e in exercises] == ["a", "c"]
    assert [str(p) for p in problems.errors] == [
        "exercises/b.md: error: cannot read the file: Permission denied"
    ]


_SEGMENT = st.text(st.characters(blacklist_characters="/\x00"), min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..")
)


@given(
    root=st.lists(_SEGMENT, min_size=1, max_size=3),
    rest=st.lists(_SEGMENT, min_size=1, max_size=3),
    inside=st.booleans(),
)
def test_the_display_name_is_the_display_path_as_text(
    root: list[str], rest: list[str], inside: bool
) -> None:
    # The parse cache's keys (read_entries) and the record's digests (textedit.sources)
    # both name a file by this text: it must be what problems show.
    folder = Path("/", *root)
    path = folder.joinpath(*rest) if inside else Path("/elsewhere", *root, *rest)
    shown = display_path(path, folder)
    name = display_name(str(path), f"{folder}/")
    assert name == (str(shown) if shown != path else None)
