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
import functools
import gc
import logging
import os
import pickle
import select
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

from thrustlib.engine import messages, packing
from thrustlib.errors import ThrustlibError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200
"""Below this many items a stage runs in one process: a fork costs more than it saves."""


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


def chunk_ranges(total: int, count: int) -> list[range]:
    """``range(total)`` cut into the chunks ``count`` processes take in turn.

    Chunks are as large as a few dozen per process allow, which keeps the handing out
    cheap, then shrink towards the end: a process that takes the last large chunk
    while the others have nothing left keeps them waiting for it, and the smaller the
    last chunks, the shorter that wait (the "guided" schedule of OpenMP).
    """
    base = max(1, -(-total // (MAX_CHUNKS // 2)), total // (count * 32))
    least = max(1, base // 8)
    out: list[range] = []
    start = 0
    while start < total:
        size = max(least, min(base, -(-(total - start) // (count * 2))))
        out.append(range(start, min(start + size, total)))
        start += size
    if len(out) > MAX_CHUNKS:  # many processes: no room for the shrinking end
        out = [range(s, min(s + base, total)) for s in range(0, total, base)]
    return out


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
    fork, which needs no lock and cannot be left locked by a process that dies. A child
    sends each chunk's results as soon as it has them, and this process reads them
    between its own items: the results of a 10,000-file parse (19 MB) were read and
    unpickled here at the end, with the other cores idle.
    """
    if count <= 1 or len(items) <= 1:
        if meanwhile is not None:
            meanwhile()
        alone = []
        for item in items:
            result = work(item)
            alone.append(result if kept is None else kept(result))
            if done is not None:
                done(1)
        return alone
    chunks = chunk_ranges(len(items), count)
    read, write = os.pipe()
    try:
        os.write(write, b"".join(n.to_bytes(4, "little") for n in range(len(chunks))))
    finally:
        os.close(write)  # closed before the fork: an empty pipe then reads as the end

    def take() -> int | None:
        ticket = os.read(read, 4)
        return int.from_bytes(ticket, "little") if len(ticket) == 4 else None

    finished: dict[int, list[R]] = {}

    def share(poll: Callable[[], None], finish: Callable[[int, list[R]], None]) -> None:
        while (number := take()) is not None:
            results = []
            for index in chunks[number]:
                results.append(work(items[index]))
                poll()  # the pipes' traffic, kept moving between items
            finish(number, results)

    def keep(number: int, results: list[R]) -> None:  # here
        finished[number] = results if kept is None else [kept(r) for r in results]
        if done is not None:
            done(len(results))

    def received(number: int, data: bytes) -> None:  # here, from a child
        finished[number] = pickle.loads(data)

    def there(send: Callable[[int, bytes], None], poll: Callable[[], None]) -> None:
        def finish(number: int, results: list[R]) -> None:
            if sent is not None:
                results = [sent(result) for result in results]
            # Pickled here as soon as the chunk is done: pickling is then part of the
            # shared work, instead of a wait at the end while the child pickles all.
            send(number, packing.dumps(results))

        share(poll, finish)

    try:
        here = functools.partial(share, finish=keep)
        _everywhere(here, there, received, min(count, len(chunks)), meanwhile)
    finally:
        os.close(read)
    out: list[R] = []
    for number in range(len(chunks)):
        out.extend(finished[number])
    return out


def _hold_interrupts() -> set[int | signal.Signals]:
    """Hold off Ctrl-C (``SIGINT``) until :func:`_let_interrupts` is called with what this
    returns; a press meanwhile is kept pending, not lost.

    Around a fork: an interrupt between ``os.fork()`` and the child's own ``try`` would send
    the child back up through the parent's code (its cleanup, its messages) as a second
    copy of the parent, and one between the fork and the parent noting the child would
    leave the child running. A child starts with the mask the parent had at the fork but
    none of its pending signals, so each process lets them in where it is ready for them.
    """
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _let_interrupts(mask: set[int | signal.Signals]) -> None:
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


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
    mask = _hold_interrupts()
    try:
        pid = os.fork()
    except BaseException as exc:
        _let_interrupts(mask)
        if not isinstance(exc, OSError):
            raise
        _fewer_processes(exc, 0)
        answer = check()
        return lambda: answer
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        code = 2
        try:
            _let_interrupts(mask)
            code = 0 if check() else 1
        finally:
            os._exit(code)  # never back into the parent's code, its exit handlers or buffers
    try:
        _let_interrupts(mask)  # a Ctrl-C held over the fork is raised here
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    status: list[int] = []

    def wait() -> bool:
        if not status:
            status.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        return status[0] == 0

    return wait


def _everywhere(
    here: Callable[[Callable[[], None]], None],
    there: Callable[[Callable[[int, bytes], None], Callable[[], None]], None],
    received: Callable[[int, bytes], None],
    count: int,
    first: Callable[[], None] | None = None,
) -> None:
    """``there(send, poll)`` run in ``count - 1`` forked children and ``here(poll)`` in
    this process (after ``first()``, if given), until both are done.

    A child's ``send(number, data)`` reaches ``received(number, data)`` here, at this
    process's next ``poll()`` or once ``here`` returns; a child's ``poll()`` writes what
    its pipe had no room for. An exception in a child is raised here, as it was raised
    there (with the child's traceback as a note); a child that dies without a word is a
    :class:`ThrustlibError`. When anything fails, the children still running are stopped
    (and every child reaped, every pipe closed) before this returns.
    """
    children: dict[int, _Child] = {}
    # Objects that exist now are never collected in a child, which keeps the collector
    # from touching (and so copying) every page of the shared heap.
    gc.freeze()
    try:
        for _ in range(count - 1):
            try:
                read, write = messages.pipe()
            except OSError as exc:  # out of file descriptors
                _fewer_processes(exc, len(children))
                break
            mask = _hold_interrupts()
            try:
                try:
                    pid = os.fork()
                except BaseException as exc:
                    os.close(read)
                    os.close(write)
                    if not isinstance(exc, OSError):
                        raise
                    # A limit on processes (EAGAIN) or memory: the shares are tickets any
                    # process takes, so the ones already running do the rest.
                    _fewer_processes(exc, len(children))
                    break
                if pid == 0:  # pragma: no cover - the child's coverage is not collected
                    # The other children's pipes are theirs to read.
                    _child(there, write, (read, *children), mask)
                children[read] = _Child(pid, read)
                os.close(write)
            finally:
                _let_interrupts(mask)
        waiting = select.poll()
        listening = set(children)
        for fd in listening:
            waiting.register(fd, select.POLLIN)

        def listen(timeout: int | None) -> None:
            for fd, _ in waiting.poll(timeout):
                if children[fd].messages.read(received):  # the child closed its end
                    waiting.unregister(fd)
                    listening.discard(fd)

        if first is not None:
            first()
        here(lambda: listen(0))
        while listening:  # the children's last chunks, as they come
            listen(None)
        for child in children.values():  # in the order they were forked
            child.end()
    finally:
        for child in children.values():
            child.stop()
        gc.unfreeze()


def _fewer_processes(exc: OSError, running: int) -> None:
    log.warning(
        "could not start another process (%s); going on with %d",
        exc.strerror or exc,
        running + 1,
    )


def _child(
    there: Callable[[Callable[[int, bytes], None], Callable[[], None]], None],
    fd: int,
    others: tuple[int, ...],
    mask: set[int | signal.Signals],
) -> NoReturn:
    """Run ``there`` in a forked child, its messages and outcome sent through ``fd``;
    then exit. ``others`` are the parent's file descriptors the child closes; Ctrl-C,
    held off over the fork, is let in once the child cannot leave this function."""
    code = 0
    try:
        for other in others:
            os.close(other)
        _let_interrupts(mask)
        out = messages.Sender(fd)
        try:
            there(out.send, out.flush)
            outcome = packing.dumps(("ok", None))
        except BaseException as exc:
            code = 1
            outcome = packing.dumps(("error", portable(exc)))
        if out.whole:  # else the parent would read what follows out of step
            out.send(messages.LAST, outcome)
            out.finish()
        else:
            code = 2
    except BaseException:
        code = 2
    finally:
        # Never return into the parent's code, nor run its exit handlers or flush the
        # output buffers it had when it forked.
        os._exit(code)


class _Child:
    """A forked child as this process knows it: its pid, its messages, its end."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.messages = messages.Receiver(fd)
        self.status: int | None = None
        """The child's wait status, once it is reaped."""

    def end(self) -> None:
        """Reap the child, which has closed its pipe; raise what it raised, or that it
        died before it said how its share ended."""
        self.stop(kill=False)
        try:
            kind, value = pickle.loads(self.messages.last or b"")
        except Exception:
            assert self.status is not None
            code = os.waitstatus_to_exitcode(self.status)
            how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
            raise ThrustlibError(
                f"a worker process {how} before it finished; try again with --jobs 1"
            ) from None
        if kind == "error":
            raise value

    def stop(self, *, kill: bool = True) -> None:
        """Close the pipe and reap the child (killed first, with ``kill``); again: nothing."""
        self.messages.close()
        if self.status is None:
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            self.status = os.waitpid(self.pid, 0)[1]


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
