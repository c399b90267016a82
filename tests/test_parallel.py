"""Parsing and rendering in forked processes: same bytes as one process, same failures."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import write_into_blobs
from thrustlib.config import load_config
from thrustlib.engine import messages, stored
from thrustlib.engine import workers as parallel
from thrustlib.engine.build import build
from thrustlib.engine.site import Engine
from thrustlib.errors import CacheChanged, ContentError, Problem, ThemeError, ThrustlibError
from thrustlib.site.render import Renderer

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux")

HERE = Path(__file__).parent
BASIC = HERE / "sites" / "basic"
ROOT = HERE.parent


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Take the parallel path for any site on two processes; lists the children this
    process forked, by pid."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    # Other tests in the same run leave idle server threads behind (the browser tests'
    # static server), which would make can_fork() refuse; these tests fork regardless.
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    made: list[int] = []
    real = os.fork
    parent = os.getpid()

    def fork() -> int:
        pid = real()
        if pid and os.getpid() == parent:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return made


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(BASIC, tmp_path / "site")
    return tmp_path / "site"


def test_map_items_keeps_the_order_and_shares_the_work(forks: list[int]) -> None:
    parent = os.getpid()

    def work(item: int) -> tuple[int, int]:
        if os.getpid() == parent:
            time.sleep(0.001)  # a slower parent: the child must take its part
        return item * 2, os.getpid()

    results = parallel.map_items(work, range(2000), 2)
    assert [value for value, _ in results] == [n * 2 for n in range(2000)]
    assert len({pid for _, pid in results}) == 2
    assert len(forks) == 1
    assert parallel.map_items(work, range(5), 1) == [(n * 2, parent) for n in range(5)]
    assert parallel.map_items(work, [], 2) == []
    forks.clear()  # more children than cores: each heard from, in order
    results = parallel.map_items(work, range(3000), 4)
    assert [value for value, _ in results] == [n * 2 for n in range(3000)]
    assert len(forks) == 3


def test_what_a_child_sends_is_read_while_this_process_works(
    forks: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A child's chunks are unpickled here as they come, between this process's items,
    # not all at the end: by this process's last item, some have been. This process
    # waits for the child to have done items, and leaves it time to send them.
    parent = os.getpid()
    opened: list[int] = []
    real = parallel.pickle.loads
    started = tmp_path / "started"

    def loads(data: bytes) -> Any:
        opened.append(1)
        return real(data)

    monkeypatch.setattr(parallel.pickle, "loads", loads)
    seen: list[int] = []

    def work(item: int) -> int:
        if os.getpid() != parent:
            started.touch()
            time.sleep(0.0002)  # never all the items before this process takes any
            return item
        if not seen:
            deadline = time.monotonic() + 30
            while not started.exists() and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(0.05)
        time.sleep(0.002)
        seen.append(len(opened))
        return item

    assert parallel.map_items(work, range(2000), 2) == list(range(2000))
    assert len(seen) > 1 and seen[-1] > 0


def test_results_larger_than_a_pipe_still_cross(forks: list[int]) -> None:
    size = messages.PIPE_SIZE + messages.PIPE_SIZE // 2

    def work(item: int) -> bytes:
        return bytes([item]) * size

    results = parallel.map_items(work, range(24), 2)
    assert results == [bytes([n]) * size for n in range(24)]
    assert len(forks) == 1


def test_results_cross_a_pipe_of_the_default_size_too(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(fd: int, command: int, *args: Any) -> int:
        raise OSError("not allowed")

    monkeypatch.setattr(messages.fcntl, "fcntl", refused)
    size = messages.PIPE_SIZE // 3

    def work(item: int) -> bytes:
        return bytes([item]) * size

    assert parallel.map_items(work, range(24), 2) == [bytes([n]) * size for n in range(24)]


def test_a_child_goes_on_while_this_process_does_not_read(forks: list[int], tmp_path: Path) -> None:
    # Results larger than the pipe, and a parent busy elsewhere (meanwhile): the child
    # keeps what the pipe cannot take and takes every item, instead of waiting.
    parent = os.getpid()
    log = tmp_path / "done"
    size = messages.PIPE_SIZE

    def work(item: int) -> bytes:
        if os.getpid() != parent:
            with log.open("a") as out:
                out.write(f"{item}\n")
        return bytes([item % 256]) * size

    def meanwhile() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log.exists() and len(log.read_text().split()) == 12:
                return
            time.sleep(0.01)

    results = parallel.map_items(work, range(12), 2, meanwhile=meanwhile)
    assert results == [bytes([n % 256]) * size for n in range(12)]
    assert sorted(map(int, log.read_text().split())) == list(range(12))


def open_fds() -> set[int]:
    return {int(fd.name) for fd in Path("/proc/self/fd").iterdir()}


@pytest.mark.parametrize("where", ["here", "received"])
def test_a_failure_here_leaves_no_child_and_no_pipe_behind(
    forks: list[int], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    parent = os.getpid()
    before = open_fds()
    if where == "received":
        monkeypatch.setattr(parallel.pickle, "loads", lambda data: 1 // 0)

    taken: list[int] = []

    def work(item: int) -> int:
        if os.getpid() != parent:
            time.sleep(0.0002)  # never all the items before this process takes any
            return item
        taken.append(item)
        time.sleep(0.001)
        if where == "here" and len(taken) == 5:
            raise ZeroDivisionError
        return item

    with pytest.raises(ZeroDivisionError):
        parallel.map_items(work, range(2000), 2)
    [child] = forks
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped already
    assert open_fds() == before


@pytest.mark.parametrize("after", [0, 1])
def test_a_process_that_cannot_be_started_leaves_the_work_to_the_others(
    forks: list[int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    after: int,
) -> None:
    # A CI container's limit on processes: fork() fails with EAGAIN after ``after`` children.
    monkeypatch.setattr(parallel, "cores", lambda: 3)
    started = os.fork

    def fork() -> int:
        if len(forks) >= after:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        return started()

    monkeypatch.setattr(os, "fork", fork)
    before = open_fds()
    items = list(range(500))
    assert parallel.map_items(lambda n: n * n, items, 3) == [n * n for n in items]
    assert len(forks) == after
    assert "could not start another process (Resource temporarily unavailable);" in caplog.text
    assert f"going on with {after + 1}" in caplog.text
    assert open_fds() == before
    assert parallel.in_background(lambda: True)() is True


# Ctrl-C at the worst moment: right as os.fork() returns, in the parent and in the child.
# Run in a process of its own, since a child that escaped would go on running this suite.
_INTERRUPTED_AT_THE_FORK = """
import os, signal, sys
from thrustlib.engine import workers
real, me = os.fork, os.getpid()
def fork():
    pid = real()
    os.kill(os.getpid(), signal.SIGINT)
    return pid
os.fork = fork
try:
    if sys.argv[1] == "map":
        workers.map_items(lambda n: n, list(range(400)), 2)
    else:
        workers.in_background(lambda: True)()
    said = "finished"
except KeyboardInterrupt:
    said = "interrupted"
try:
    os.waitpid(-1, os.WNOHANG)
    left = "a child left"
except ChildProcessError:
    left = "no child left"
print(said, "here" if os.getpid() == me else "in a child", left, flush=True)
"""


@pytest.mark.parametrize("where", ["map", "background"])
def test_an_interrupt_at_the_fork_stops_here_and_never_in_the_parents_code(where: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_AT_THE_FORK, where],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # One line: the child never went back up the parent's stack to print one too.
    assert run.stdout == "interrupted here no child left\n", run.stdout + run.stderr


@given(st.integers(0, 200_000), st.integers(2, 256))
def test_chunks_cover_the_items_in_order_and_shrink_towards_the_end(total: int, count: int) -> None:
    chunks = parallel.chunk_ranges(total, count)
    assert [i for chunk in chunks for i in chunk] == list(range(total))
    assert len(chunks) <= parallel.MAX_CHUNKS
    sizes = [len(chunk) for chunk in chunks]
    assert all(size > 0 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    if count <= 8 and total >= count * 256:
        assert sizes[-1] < sizes[0]  # the last chunks are smaller than the first
    assert parallel.chunk_ranges(65_536, 256) == [range(s, s + 128) for s in range(0, 65_536, 128)]


def test_map_items_raises_what_a_child_raised(forks: list[int]) -> None:
    parent = os.getpid()

    def work(item: int) -> int:
        if os.getpid() != parent:
            raise ValueError(f"item {item} failed")
        time.sleep(0.001)
        return item

    with pytest.raises(ValueError, match=r"item \d+ failed") as caught:
        parallel.map_items(work, range(500), 2)
    assert "raised in a worker process" in "".join(caught.value.__notes__)


def test_meanwhile_runs_here_once_while_the_children_take_the_items(
    forks: list[int], tmp_path: Path
) -> None:
    """``meanwhile`` is this process's own work, done after the fork: a child is taking
    items while it runs (it waits for one to say so), and it runs once, here alone."""
    parent = os.getpid()
    started = tmp_path / "a child started"
    ran: list[int] = []

    def work(item: int) -> int:
        if os.getpid() != parent:
            started.touch()
        return item * 2

    def meanwhile() -> None:
        deadline = time.monotonic() + 10
        while not started.exists():  # never, were it run before the fork
            assert time.monotonic() < deadline, "no child took an item meanwhile"
            time.sleep(0.001)
        ran.append(os.getpid())

    assert parallel.map_items(work, range(500), 2, meanwhile=meanwhile) == [
        n * 2 for n in range(500)
    ]
    assert ran == [parent]
    order: list[str] = []  # in one process, before the items
    parallel.map_items(order.append, ["item"], 1, meanwhile=lambda: order.append("meanwhile"))
    assert order == ["meanwhile", "item"]
    parallel.map_items(order.append, [], 2, meanwhile=lambda: order.append("no items"))
    assert order[-1] == "no items"


def test_what_meanwhile_raises_is_raised_with_the_children_stopped(forks: list[int]) -> None:
    """An error (or Ctrl-C) in ``meanwhile`` while the children work: raised here, and
    every child killed and reaped, none left running or a zombie."""

    def slow(item: int) -> int:
        time.sleep(0.01)
        return item

    for raised in (RuntimeError("the renderer broke"), KeyboardInterrupt()):

        def meanwhile(raised: BaseException = raised) -> None:
            raise raised

        with pytest.raises(type(raised)):
            parallel.map_items(slow, range(400), 2, meanwhile=meanwhile)
    assert len(forks) == 2
    for pid in forks:
        with pytest.raises(ChildProcessError):  # reaped already
            os.waitpid(pid, os.WNOHANG)


def test_a_build_makes_its_renderer_while_the_files_are_parsed(
    site: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renderer (its templates compiled) is made once, by the parent while a child
    parses (``Engine.load``'s meanwhile), by ``build`` and ``check`` alike."""
    from thrustlib.cli import main

    made: list[bool] = []
    loading = False
    real_init, real_load = Renderer.__init__, Engine.load

    def init(self: Renderer, *args: Any, **kwargs: Any) -> None:
        made.append(loading)
        real_init(self, *args, **kwargs)

    def load(self: Engine, *args: Any, **kwargs: Any) -> Any:
        nonlocal loading
        loading = True
        try:
            return real_load(self, *args, **kwargs)
        finally:
            loading = False

    monkeypatch.setattr(Renderer, "__init__", init)
    monkeypatch.setattr(Engine, "load", load)
    build(load_config(site), output=site / "out", jobs=2)
    assert made == [True]
    assert len(forks) == 2  # one to parse, one to render
    made.clear()
    assert main(["check", "-q", "--jobs", "2", "--config", str(site / "site.toml")]) == 0
    assert made == [True]


def test_a_renderer_that_cannot_be_made_meanwhile_waits_for_the_library_problems(
    site: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every problem in one run: a renderer that fails while the files are parsed does
    not stop the build before the library's own errors are reported; with none, its
    error is the build's."""
    calls: list[int] = []

    def failing(self: Renderer, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        raise ThemeError([Problem(Path("templates/base.html"), 1, "cannot be compiled")])

    monkeypatch.setattr(Renderer, "__init__", failing)
    broken = site / "exercises" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    with pytest.raises(ContentError) as caught:
        build(load_config(site), output=site / "out", jobs=2)
    assert any(p.path == Path("exercises/broken.md") for p in caught.value.problems)
    assert calls == [1]  # tried while the files were parsed
    broken.unlink()
    with pytest.raises(ThemeError, match="cannot be compiled"):
        build(load_config(site), output=site / "out", jobs=2)
    assert len(calls) == 3  # tried meanwhile, and again when the pages needed it
    assert not (site / "out").exists()


def test_small_sites_and_one_job_stay_in_one_process(forks: list[int]) -> None:
    assert parallel.processes(1, 10_000) == 1
    assert parallel.processes(None, 10_000) == 2
    assert parallel.processes(8, 10_000) == 2  # never more than the cores
    parallel.MIN_ITEMS = 200  # restored by monkeypatch
    assert parallel.processes(None, 199) == 1


@pytest.mark.parametrize("source", [BASIC, ROOT], ids=["basic", "shipped"])
def test_output_is_byte_identical_to_one_process(
    source: Path, tmp_path: Path, forks: list[int]
) -> None:
    config = load_config(source)
    build(config, output=tmp_path / "serial", jobs=1)
    assert forks == []
    build(config, output=tmp_path / "parallel", jobs=2)
    assert len(forks) == 2  # one to parse, one to render
    assert files_of(tmp_path / "parallel") == files_of(tmp_path / "serial")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parallel", "serial"]


def test_cache_hits_are_read_here_and_misses_parsed_in_children(
    site: Path, forks: list[int]
) -> None:
    config = load_config(site)
    build(config, output=site / "serial", jobs=1)
    build(config, output=site / "cold", jobs=2, cache=True)
    edited = site / "exercises" / "glute-bridge.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    forks.clear()
    build(load_config(site), output=site / "warm", jobs=2, cache=True)
    assert len(forks) == 1  # four hits and one miss: too few to parse or save in two processes
    assert files_of(site / "cold") == files_of(site / "serial")
    assert b"One more line." in files_of(site / "warm")["exercises/glute-bridge/index.html"]


def failing_builds(site: Path, output: Path, kind: type[ThrustlibError]) -> list[ThrustlibError]:
    """What a build of ``site`` into ``output`` raises (a ``kind``) in one process, then
    in two."""
    raised = []
    for jobs in (1, 2):
        with pytest.raises(kind) as caught:
            build(load_config(site), output=output, jobs=jobs)
        raised.append(caught.value)
    return raised


def test_content_errors_are_the_same_in_parallel(site: Path, forks: list[int]) -> None:
    (site / "exercises" / "broken.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    (site / "exercises" / "zzz-no-title.md").write_text("---\nlevel: 7\n---\nText.\n", "utf-8")
    serial, shared = failing_builds(site, site / "out", ContentError)
    assert serial.problems == shared.problems
    assert len(forks) == 1  # parsed in two processes; nothing rendered


def broken_template(site: Path) -> None:
    templates = site / "templates"
    templates.mkdir()
    (templates / "muscle.html").write_text("<p>\n{{ 1 // (page | length - page | length) }}\n")


def test_a_template_error_keeps_the_old_site_and_names_file_and_line(
    site: Path, forks: list[int]
) -> None:
    out = site / "_site"
    build(load_config(site), output=out, jobs=1)
    before = files_of(out)
    broken_template(site)
    serial, shared = failing_builds(site, out, ThemeError)
    assert len(forks) == 2
    assert shared.problems == serial.problems
    [problem] = shared.problems
    assert problem.path is not None and problem.path.name == "muscle.html"
    assert problem.line == 2
    assert files_of(out) == before
    assert sorted(p.name for p in site.iterdir()) == [
        "_site",
        "exercises",
        "site.toml",
        "templates",
    ]


def test_of_many_failing_pages_the_first_in_path_order_is_raised(
    site: Path, forks: list[int]
) -> None:
    # Muscle pages are handed out before exercise pages, which come first by path: the
    # error is an exercise page's however the pages were shared.
    broken_template(site)
    (site / "templates" / "exercise.html").write_text("<p>\n\n{{ 1 // 0 }}\n")
    serial, shared = failing_builds(site, site / "out", ThemeError)
    assert serial.problems == shared.problems
    [problem] = shared.problems
    assert problem.path is not None and problem.path.name == "exercise.html"
    assert problem.line == 3


def fail_in_child(
    monkeypatch: pytest.MonkeyPatch, failure: Callable[[], object]
) -> Callable[[], None]:
    """Make every page a child renders fail with ``failure()``; the parent's succeed."""
    parent = os.getpid()
    real = Renderer.render_page

    def render_page(self: Renderer, library: object, path: str) -> bytes:
        if os.getpid() != parent:
            failure()
        else:
            time.sleep(0.02)  # pages go to whichever process is free: leave some to the child
        return real(self, library, path)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "render_page", render_page)
    return monkeypatch.undo


def theme_error() -> None:
    raise ThemeError([Problem(Path("templates/exercise.html"), 7, "template error: boom")])


def bug() -> None:
    raise ValueError("a bug in a worker")


def death() -> None:
    os._exit(3)


@pytest.mark.parametrize(
    ("failure", "expected", "message"),
    [
        (theme_error, ThemeError, r"templates/exercise\.html:7: error: template error: boom"),
        (bug, ValueError, "a bug in a worker"),
        (death, ThrustlibError, "worker process exited with status 3"),
    ],
    ids=["theme", "bug", "death"],
)
def test_a_failing_worker_keeps_the_old_site(
    site: Path,
    forks: list[int],
    monkeypatch: pytest.MonkeyPatch,
    failure: Callable[[], object],
    expected: type[BaseException],
    message: str,
) -> None:
    out = site / "_site"
    build(load_config(site), output=out, jobs=1)
    before = files_of(out)
    fail_in_child(monkeypatch, failure)
    with pytest.raises(expected, match=message) as caught:
        build(load_config(site), output=out, jobs=2)
    if expected is ThemeError:
        assert caught.value.problems[0].line == 7  # type: ignore[attr-defined]
    if expected is ValueError:
        assert "raised in a worker process" in "".join(caught.value.__notes__)
    assert files_of(out) == before
    assert sorted(p.name for p in site.iterdir()) == ["_site", "exercises", "site.toml"]


def test_the_jobs_option(site: Path, forks: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    from thrustlib.cli import main

    config = str(site / "site.toml")
    assert main(["build", "-q", "--no-cache", "--jobs", "2", "--config", config]) == 0
    assert len(forks) == 2
    assert main(["check", "-q", "--no-cache", "-j", "1", "--config", config]) == 0
    assert len(forks) == 2
    assert main(["build", "--jobs", "0", "--config", config]) == 2
    assert "1 or more" in capsys.readouterr().err


def test_a_check_in_the_background_answers_as_it_would_here(forks: list[int]) -> None:
    parent = os.getpid()
    elsewhere = parallel.in_background(lambda: os.getpid() != parent)
    assert elsewhere() is True  # it ran in a child
    assert elsewhere() is True  # and is waited for once
    assert parallel.in_background(lambda: False)() is False

    def fails() -> bool:
        raise OSError("the folder went away")

    assert parallel.in_background(fails)() is False  # nothing raised into this process
    assert len(forks) == 3
    assert parallel.in_background(lambda: os.getpid() == parent, fork=False)() is True
    assert len(forks) == 3


def test_the_last_output_is_checked_in_a_second_process(site: Path, forks: list[int]) -> None:
    config = load_config(site)
    build(config, jobs=2, cache=True)
    forks.clear()
    unchanged = build(config, jobs=2, cache=True)
    assert unchanged.rendered == 0
    assert len(forks) == 1  # the check alone: nothing parsed or rendered
    (site / "_site" / "index.html").write_text("tampered", "utf-8")
    forks.clear()
    again = build(config, jobs=2, cache=True)
    assert again.rendered == again.files  # the output is not what its record says
    assert len(forks) == 2  # the check, then a share of the rendering
    build(config, output=site.parent / "clean", jobs=1)
    assert files_of(site / "_site") == files_of(site.parent / "clean")


def test_the_parse_cache_is_written_in_a_second_process(site: Path, forks: list[int]) -> None:
    config = load_config(site)
    build(config, jobs=2, cache=True)
    assert len(forks) == 3  # a share of the parsing, the parse cache's writing, the rendering
    shutil.rmtree(site / "_site")
    engine = Engine(load_config(site), cache=True)
    engine.load()
    assert engine.cache is not None
    assert engine.cache.misses == 0  # every file is read from what the second process wrote
    assert sum(map(len, engine.cache.used)) == len(list((site / "exercises").glob("*.md")))


def test_a_parse_cache_not_written_apart_leaves_the_build_whole(
    site: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(stored, "write_blobs", lambda path, chunks: None)  # a full disk, say
    caplog.set_level(logging.DEBUG, logger="thrustlib")
    build(load_config(site), jobs=2, cache=True)
    assert len(forks) == 3  # the writing was tried in a process of its own
    assert "the parse cache was not written in full" in caplog.text
    build(load_config(site), output=site.parent / "clean", jobs=1)
    assert files_of(site / "_site") == files_of(site.parent / "clean")
    engine = Engine(load_config(site), cache=True)
    engine.load()
    assert engine.cache is not None and engine.cache.misses > 0  # nothing was kept


@pytest.mark.parametrize("jobs", [2, 1], ids=["apart", "here"])
def test_a_shard_whose_file_changed_while_read_is_removed_as_the_cache_is_saved(
    site: Path, forks: list[int], jobs: int
) -> None:
    from thrustlib.engine import parsecache

    build(load_config(site), jobs=1, cache=True)
    engine = Engine(load_config(site), cache=True)
    engine.load()  # every result from the cache, its exercise left in the blob file
    saved = engine.cache
    assert saved is not None and saved.misses == 0
    folder = site / ".thrustlib-cache" / "parse"
    write_into_blobs(site)
    (site / ".thrustlib-cache" / "files.pickle").unlink()
    saved.fresh = set(range(parsecache.SHARDS))  # every shard written again, from its blobs
    saved.misses = 10  # as many parsed again as are worth a second process
    forks.clear()
    if jobs == 1:
        with pytest.raises(CacheChanged):
            saved.save(jobs=jobs)
    else:
        assert saved.save(jobs=jobs)() is False
        assert len(forks) == 1
    assert not list(folder.glob("*.pickle"))  # no shard names bytes that are not its own
    assert (site / ".thrustlib-cache" / "files.pickle").is_file()  # written all the same
    again = Engine(load_config(site), cache=True)
    again.load()
    assert again.cache is not None and again.cache.misses == len(again.entries)
