"""Work shared among forked processes, so that a large build uses every core.

Parsing and rendering are pure Python and hold the interpreter lock, so threads would not
help; processes do. They are forked (Linux only) rather than spawned: a child starts with
the parent's library, renderer and output writer already in memory, shared copy-on-write,
and nothing but results and errors crosses back through a pipe.

:func:`map_items` hands work out in small chunks to whichever process is free, and puts
the results back in the items' order, so output never depends on how many processes ran
or which one did what. The parent works too instead of waiting idle.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from thrustlib.engine import packing
from thrustlib.errors import ThrustlibError

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200
"""Below this many items a stage runs in one process: a fork costs more than it saves."""

_in_child = False
"""True in a process forked by :func:`map_items` (set there, right after the fork); only
this module asks, so the work it runs never needs to know where it runs."""


def cores() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """True where forking is safe: Linux, and no other thread that a fork would cut off.

    A thread holding a lock at the moment of the fork would leave that lock held forever
    in the child, so a process with threads (the preview server) always works serially.
    """
    return sys.platform == "linux" and threading.active_count() == 1


def processes(jobs: int | None, items: int) -> int:
    """How many processes should share ``items`` items, given ``--jobs`` (``None``: all)."""
    wanted = cores() if jobs is None else jobs
    if wanted <= 1 or items < MIN_ITEMS or not can_fork():
        return 1
    return min(wanted, cores(), items)


MAX_CHUNKS = 1024
"""Tickets are 4 bytes, so this many fit in a pipe of the smallest capacity (one page)."""


def map_items(
    work: Callable[[T], R],
    items: Sequence[T],
    count: int,
    *,
    sent: Callable[[R], R] | None = None,
    kept: Callable[[R], R] | None = None,
    done: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[R]:
    """``[work(item) for item in items]``, shared among ``count`` processes.

    ``sent`` is what a result is turned into to cross back from a child (a parse result
    packed, an exception made portable), ``kept`` what it is turned into where it stays;
    ``done(n)`` is told, in this process alone, of every ``n`` items finished here (for
    progress). The work itself never needs to know where it runs. ``meanwhile()`` is
    run once, in this process, before it takes any items: the children start on them
    in the meantime and take more of them (work this process needs next that the items
    do not, such as a build's templates compiled while its files are parsed).

    Items go out in small chunks, each to whichever process is free: the pages of a site
    differ in cost by a hundred times, and fixed shares left one process idle while the
    other finished. Chunks are handed out as tickets read from a pipe filled before the
    fork, which needs no lock and cannot be left locked by a process that dies.
    """
    if count <= 1 or len(items) <= 1:
        if meanwhile is not None:
            meanwhile()
        here = []
        for item in items:
            result = work(item)
            here.append(result if kept is None else kept(result))
            if done is not None:
                done(1)
        return here
    size = max(1, -(-len(items) // MAX_CHUNKS), len(items) // (count * 32))
    chunks = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    read, write = os.pipe()
    try:
        os.write(write, b"".join(n.to_bytes(4, "little") for n in range(len(chunks))))
    finally:
        os.close(write)  # closed before the fork: an empty pipe then reads as the end

    def take() -> int | None:
        ticket = os.read(read, 4)
        return int.from_bytes(ticket, "little") if len(ticket) == 4 else None

    def worker() -> dict[int, list[R] | bytes]:
        finished: dict[int, list[R] | bytes] = {}
        while (number := take()) is not None:
            results = [work(items[i]) for i in chunks[number]]
            if not _in_child:
                finished[number] = results if kept is None else [kept(r) for r in results]
                if done is not None:
                    done(len(results))
                continue
            if sent is not None:
                results = [sent(result) for result in results]
            # A child pickles each chunk as soon as it is done: pickling is then part of
            # the shared work, instead of a wait at the end while the child pickles all.
            finished[number] = packing.dumps(results)
        return finished

    try:
        results = _everywhere(worker, min(count, len(chunks)), meanwhile)
    finally:
        os.close(read)
    merged: dict[int, list[R] | bytes] = {}
    for shares in results:
        merged.update(shares)
    out: list[R] = []
    for number in range(len(chunks)):
        chunk = merged[number]
        out.extend(pickle.loads(chunk) if isinstance(chunk, bytes) else chunk)
    return out


def in_background(check: Callable[[], bool], *, fork: bool = True) -> Callable[[], bool]:
    """``check()`` run in a forked child while this process goes on; the function
    returned waits for the child (at its first call) and gives ``check``'s answer.

    For a check whose answer is one bit and that only reads (a build's look at its last
    output while the parse cache is read): the answer crosses back as the child's exit
    status, so nothing is pickled. Without ``fork``, or where forking is not safe, the
    check runs here and now; a check that raises answers ``False`` in a child (and
    raises when run here).
    """
    if not (fork and can_fork()):
        answer = check()
        return lambda: answer
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        code = 2
        try:
            code = 0 if check() else 1
        finally:
            os._exit(code)  # never back into the parent's code, its exit handlers or buffers
    status: list[int] = []

    def wait() -> bool:
        if not status:
            status.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        return status[0] == 0

    return wait


def _everywhere(
    work: Callable[[], R], count: int, first: Callable[[], None] | None = None
) -> list[R]:
    """``work()`` run in ``count`` processes: here (after ``first()``, if given), and in
    ``count - 1`` forked children.

    An exception in a child is raised here, as it was raised there (with the child's
    traceback as a note); a child that dies without a word is a :class:`ThrustlibError`.
    When anything fails, the children still running are stopped before this returns.
    """
    children: list[tuple[int, int]] = []
    # Objects that exist now are never collected in a child, which keeps the collector
    # from touching (and so copying) every page of the shared heap.
    gc.freeze()
    try:
        for _ in range(count - 1):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                os.close(read)
                _child(work, write)
            os.close(write)
            children.append((pid, read))
        if first is not None:
            first()
        results = [work()]
        while children:
            pid, read = children.pop(0)
            results.append(_receive(pid, read))
        return results
    finally:
        for pid, read in children:
            os.close(read)
            _stop(pid)
        gc.unfreeze()


def _child(work: Callable[[], R], fd: int) -> NoReturn:
    """Run ``work`` in a forked child, send its outcome through ``fd`` and exit."""
    global _in_child
    _in_child = True
    code = 0
    try:
        try:
            payload = packing.dumps(("ok", work()))
        except BaseException as exc:
            code = 1
            payload = packing.dumps(("error", portable(exc)))
        with os.fdopen(fd, "wb") as stream:
            stream.write(payload)
    except BaseException:
        code = 2
    finally:
        # Never return into the parent's code, nor run its exit handlers or flush the
        # output buffers it had when it forked.
        os._exit(code)


def _receive(pid: int, read: int) -> Any:
    """The result a child sent, or its exception raised; the child is reaped."""
    with os.fdopen(read, "rb") as stream:
        payload = stream.read()
    _, status = os.waitpid(pid, 0)
    try:
        kind, value = pickle.loads(payload)
    except Exception:
        code = os.waitstatus_to_exitcode(status)
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        raise ThrustlibError(
            f"a worker process {how} before it finished; try again with --jobs 1"
        ) from None
    if kind == "error":
        raise value
    return value


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def portable(exc: BaseException) -> BaseException:
    """``exc`` ready to leave a child: with its traceback as a note, or a stand-in when
    it cannot be pickled."""
    where = "".join(traceback.format_exception(exc)).rstrip()
    try:
        exc.add_note(f"(raised in a worker process)\n{where}")
        pickle.loads(packing.dumps(exc))
    except Exception:
        return RuntimeError(f"a worker process failed:\n{where}")
    return exc
