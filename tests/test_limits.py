"""Limits with clear errors instead of surprises: a file too large, front matter nested too
deep or with too many aliases, a library too large for the memory (or an explicit cap).

Each limit is reported with the file (and line) and the limit, and what is over it is
never read or parsed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests import realshape
from thrustlib import cli
from thrustlib.config import load_config
from thrustlib.content import files
from thrustlib.content.front_matter import MAX_ALIASES, MAX_NESTING, split_front_matter
from thrustlib.content.yaml_limits import MAX_VALUES
from thrustlib.engine import load
from thrustlib.engine.site import Engine
from thrustlib.errors import ConfigError, ContentError, Problems
from thrustlib.serve.watch import Changes, Kind

EXERCISE = """\
---
title: "{title}"
description: "A sentence about {title}."
muscles: [glutes]
---

## Execution
1. **Drive**: Push the hips up.
"""

MiB = 1 << 20


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    (root / "exercises").mkdir(parents=True)
    for title in ("Hip Thrust", "Frog Pump", "Glute Bridge"):
        slug = title.lower().replace(" ", "-")
        (root / "exercises" / f"{slug}.md").write_text(EXERCISE.format(title=title))
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every file whose bytes were read, whichever process or step read them."""
    read: list[str] = []
    real = files.read_file

    def read_file(path: Path, **limits: int | None) -> bytes:
        data = real(path, **limits)
        read.append(Path(path).name)
        return data

    monkeypatch.setattr(files, "read_file", read_file)
    return read


def build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli.main(["build", "-j", "1", *args])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if ": error: " in line]


# -- the size of one file -----------------------------------------------------------------


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_a_file_over_the_size_limit_is_an_error_and_is_never_read(
    site: Path, reads: list[str], capsys: pytest.CaptureFixture[str], cache: bool
) -> None:
    big = site / "exercises" / "big.md"
    big.write_text(EXERCISE.format(title="Big") + "x" * MiB)
    size = big.stat().st_size

    code, lines = build(capsys, *([] if cache else ["--no-cache"]))

    assert code == 1
    assert lines == [
        f"exercises/big.md: error: the file is 1.00 MiB ({size:,} bytes), over the limit of"
        " 1 MiB (1,048,576 bytes); it was not read (set [build] max_file_size to change the"
        " limit)"
    ]
    assert "big.md" not in reads
    assert "hip-thrust.md" in reads  # the others were read as ever


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_a_file_that_grows_past_the_limit_after_the_walk_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    grows = site / "exercises" / "frog-pump.md"
    real = files.read_file

    def read_file(path: Path, **limits: int | None) -> bytes:
        if Path(path).name == "frog-pump.md":  # sizes were taken; now it is written to
            with Path(path).open("ab") as stream:
                stream.write(b"x" * (MiB + 1))
        return real(path, **limits)

    monkeypatch.setattr(files, "read_file", read_file)
    code, lines = build(capsys, *([] if cache else ["--no-cache"]))
    assert code == 1
    size = grows.stat().st_size
    assert lines == [
        f"exercises/frog-pump.md: error: the file is {files.format_size(size)} ({size:,}"
        " bytes), over the limit of 1 MiB (1,048,576 bytes); it was not read (set [build]"
        " max_file_size to change the limit)"
    ]
    assert not (site / "_site").exists()


def test_a_two_gigabyte_file_is_refused_at_once(
    site: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    huge = site / "exercises" / "huge.md"
    with huge.open("wb") as stream:
        stream.truncate(2 << 30)  # sparse: no disk, but 2 GiB to anyone who reads it

    started = time.perf_counter()
    code, lines = build(capsys)

    assert time.perf_counter() - started < 30
    assert code == 1
    assert lines == [
        "exercises/huge.md: error: the file is 2 GiB (2,147,483,648 bytes), over the limit of"
        " 1 MiB (1,048,576 bytes); it was not read (set [build] max_file_size to change the"
        " limit)"
    ]
    assert "huge.md" not in reads


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("2097152", 2 * MiB),
        ('"2 MiB"', 2 * MiB),
        ('"500 KB"', 500_000),
        ('"1.5 mib"', 3 * MiB // 2),
    ],
)
def test_max_file_size_takes_bytes_or_a_size_with_a_unit(site: Path, value: str, size: int) -> None:
    (site / "site.toml").write_text(f"[build]\nmax_file_size = {value}\n")
    assert load_config(Path()).max_file_size == size


def test_a_larger_limit_lets_a_large_file_in(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "exercises" / "big.md").write_text(EXERCISE.format(title="Big") + "x" * MiB)
    (site / "site.toml").write_text('[build]\nmax_file_size = "2 MiB"\n')
    assert build(capsys)[0] == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '"lots"',
            "'build.max_file_size' must be a size: a number of bytes such as 1048576, or text"
            " such as \"2 MiB\", got 'lots'",
        ),
        (
            "true",
            "'build.max_file_size' must be a size: a number of bytes such as 1048576, or"
            ' text such as "2 MiB", got True',
        ),
        ("10", '\'build.max_file_size\' must be from 1024 bytes ("1 KiB") to "1 GiB", got 10'),
        (
            '"5 GiB"',
            "'build.max_file_size' must be from 1024 bytes (\"1 KiB\") to \"1 GiB\", got '5 GiB'",
        ),
        (
            f'"{"9" * 400} GiB"',
            '\'build.max_file_size\' must be from 1024 bytes ("1 KiB") to "1 GiB", got'
            f" '{'9' * 400} GiB'",
        ),
    ],
)
def test_a_bad_max_file_size_is_a_config_error(site: Path, value: str, message: str) -> None:
    (site / "site.toml").write_text(f"[build]\nmax_file_size = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(Path())
    assert [str(p) for p in caught.value.problems] == [f"site.toml:2: error: {message}"]


def test_a_file_grown_too_large_while_serving_is_refused_unread(
    site: Path, reads: list[str]
) -> None:
    engine = Engine(load_config(Path()))
    library = engine.load()
    grown = site / "exercises" / "frog-pump.md"
    with grown.open("ab") as stream:
        stream.write(b"x" * (MiB + 1))
    reads.clear()

    before = engine.read_changes(Changes(frozenset({Kind.CONTENT}), frozenset({grown.absolute()})))

    with pytest.raises(ContentError) as caught:
        engine.library(library, before)
    assert [p.message for p in caught.value.problems] == [
        f"the file is {files.format_size(grown.stat().st_size)} ({grown.stat().st_size:,}"
        " bytes), over the limit of 1 MiB (1,048,576 bytes); it was not read (set [build]"
        " max_file_size to change the limit)"
    ]
    assert reads == []


def test_read_file_refuses_a_named_pipe_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(files.Refused) as caught:
        files.read_file(tmp_path / "pipe")
    assert caught.value.message == "a named pipe (FIFO), not a regular file; not read"


# -- front matter -------------------------------------------------------------------------


def front_matter_problems(text: str) -> list[str]:
    problems = Problems()
    split_front_matter(Path("exercises/x.md"), text, problems)
    return [str(p) for p in problems]


def test_front_matter_nested_too_deep_says_the_limit() -> None:
    depth = MAX_NESTING + 10
    text = f"---\ndescription: x\ncues: {'[' * depth}1{']' * depth}\n---\n"
    assert front_matter_problems(text) == [
        f"exercises/x.md:3: error: 'cues' is nested more than {MAX_NESTING} levels deep"
    ]


def test_merge_keys_that_stand_for_too_many_values_are_an_error_at_once() -> None:
    # One anchor of 200 keys merged 99 times: 99 aliases, but about 20,000 values.
    keys = ", ".join(f"x{i}: {i}" for i in range(200))
    merges = "\n".join(f"m{j}: {{<<: *a}}" for j in range(99))
    text = f"---\ndescription: x\nbase: &a {{{keys}}}\n{merges}\n---\n"
    started = time.perf_counter()
    problems = front_matter_problems(text)
    assert time.perf_counter() - started < 1.0
    assert len(problems) == 1 and problems[0].startswith("exercises/x.md:")
    assert f"more than {MAX_VALUES:,} values" in problems[0] and "merge keys" in problems[0]


def test_aliases_cannot_nest_a_value_past_the_depth_limit() -> None:
    # Each anchor holds the one before it two levels down: 30 anchors, 60 levels.
    lines = ["---", "description: x", "a0: &a0 [1]"]
    lines += [f"a{i}: &a{i} [[*a{i - 1}]]" for i in range(1, 30)]
    problems = front_matter_problems("\n".join([*lines, "---", ""]))
    assert any(f"nested more than {MAX_NESTING} levels deep" in p for p in problems), problems


def aliases(count: int) -> str:
    refs = "\n".join(f"k{i}: *a" for i in range(count))
    return f"---\ndescription: x\nd: &a [1, 2]\n{refs}\n---\n"


def test_front_matter_within_the_alias_budget_is_read() -> None:
    assert front_matter_problems(aliases(MAX_ALIASES)) == []


def test_front_matter_over_the_alias_budget_is_an_error_at_its_line() -> None:
    # k100, the 101st alias, is on line 4 + 100 of the file.
    assert front_matter_problems(aliases(MAX_ALIASES + 1)) == [
        "exercises/x.md:104: error: the front matter uses more than 100 YAML aliases (*name),"
        " the limit; nested aliases can stand for billions of values, so none was read"
    ]


def billion_laughs(levels: int) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "---\ndescription: x\n" + "\n".join(lines) + "\n---\n"


def test_a_billion_laughs_of_a_thousand_nested_aliases_fails_in_milliseconds() -> None:
    text = billion_laughs(1000)  # 10**1000 values, were they all made
    started = time.perf_counter()
    found = front_matter_problems(text)
    seconds = time.perf_counter() - started
    # l1 to l10 hold 100 aliases; l11, on line 14, the 101st.
    assert found == [
        "exercises/x.md:14: error: the front matter uses more than 100 YAML aliases (*name),"
        " the limit; nested aliases can stand for billions of values, so none was read"
    ]
    assert seconds < 0.5, f"took {seconds * 1000:.0f} ms"  # about 20 ms on a laptop core


def test_a_billion_laughs_in_a_site_stops_the_build_with_file_and_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "exercises" / "laughs.md").write_text(billion_laughs(30))
    code, lines = build(capsys)
    assert code == 1
    assert lines == [
        "exercises/laughs.md:14: error: the front matter uses more than 100 YAML aliases"
        " (*name), the limit; nested aliases can stand for billions of values, so none was read"
    ]


# -- how many files -----------------------------------------------------------------------


def library_size(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "exercises").glob("*.md"))


def test_a_library_larger_than_the_memory_is_refused_before_parsing(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "available_memory", lambda: 40 << 10)

    def never(*args: object) -> object:
        raise AssertionError("a file was parsed")

    monkeypatch.setattr(load, "parse_exercise", never)
    size = library_size(site)
    need = 3 * load.PER_EXERCISE + size * load.PER_BYTE

    code, lines = build(capsys)

    assert code == 1
    assert lines == [
        f"exercises: error: 3 exercise files ({size} bytes) need about"
        f" {files.format_size(need)} of memory to build, more than the 40 KiB available"
        " (MemAvailable in /proc/meminfo); nothing was parsed (build on a machine with more"
        " memory, or set [build] max_exercises to choose the limit yourself)"
    ]
    assert not (site / "_site").exists()


def test_max_exercises_is_a_cap_before_parsing(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "available_memory", lambda: 1 << 10)  # the cap decides alone
    (site / "site.toml").write_text("[build]\nmax_exercises = 2\n")
    size = library_size(site)
    need = 3 * load.PER_EXERCISE + size * load.PER_BYTE

    code, lines = build(capsys)

    assert code == 1
    assert lines == [
        f"exercises: error: 3 exercise files ({size} bytes), more than [build] max_exercises"
        f" = 2 (a build of them would take about {files.format_size(need)} of memory);"
        " nothing was parsed"
    ]
    (site / "site.toml").write_text("[build]\nmax_exercises = 3\n")
    assert build(capsys)[0] == 0


def test_a_bad_max_exercises_is_a_config_error(site: Path) -> None:
    (site / "site.toml").write_text("[build]\nmax_exercises = -1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(Path())
    assert [str(p) for p in caught.value.problems] == [
        "site.toml:2: error: 'build.max_exercises' must be from 0 to 100_000_000, got -1"
    ]


@pytest.mark.parametrize("count", [10_000, 50_000])
def test_the_default_takes_a_large_real_shaped_library_on_two_gigabytes(
    monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    sample = realshape.generate(300, seed=3)
    mean = sum(len(f.text.encode()) for f in sample) / len(sample)
    monkeypatch.setattr(load, "available_memory", lambda: 2 << 30)
    assert load.capacity_problem(Path("exercises"), count, int(mean * count), None) is None
    # ...and a library four times the larger is refused there.
    assert load.capacity_problem(Path("exercises"), 4 * 50_000, int(mean * 4 * 50_000), None)


def test_available_memory_is_read_from_proc_meminfo() -> None:
    found = load.available_memory()
    if Path("/proc/meminfo").exists():
        assert found is not None and found > 0
    else:
        assert found is None
