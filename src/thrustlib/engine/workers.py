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
import fcntl
import gc
import os
import pickle
import select
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

from thrustlib.engine import packing
from thrustlib.errors import ThrustlibError

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

PIPE_SIZE = 1 << 20
"""What a child's pipe is asked to hold (Linux's default most): a chunk's results fit
whole, so a child never waits for this process to read before it takes the next chunk."""

_HEADER = struct.Struct("<IQ")
"""Before each message from a child: the chunk's number (or :data:`_OUTCOME`), its length."""

_OUTCOME = 0xFFFFFFFF
"""The number of a child's last message: how its share ended (its error, if any)."""


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

    def received(number: int, data: bytes) -> None:
        finished[number] = pickle.loads(data)

    def here(poll: Callable[[], None]) -> None:
        while (number := take()) is not None:
            results = []
            for index in chunks[number]:
                results.append(work(items[index]))
                poll()  # what the children sent meanwhile, before their pipes fill
            finished[number] = results if kept is None else [kept(r) for r in results]
            if done is not None:
                done(len(results))

    def there(send: Callable[[int, bytes], None]) -> None:
        while (number := take()) is not None:
            results = [work(items[index]) for index in chunks[number]]
            if sent is not None:
                results = [sent(result) for result in results]
            # Pickled here as soon as the chunk is done: pickling is then part of the
            # shared work, instead of a wait at the end while the child pickles all.
            send(number, packing.dumps(results))

    try:
        _everywhere(here, there, received, min(count, len(chunks)), meanwhile)
    finally:
        os.close(read)
    out: list[R] = []
    for number in range(len(chunks)):
        out.extend(finished[number])
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
    here: Callable[[Callable[[], None]], None],
    there: Callable[[Callable[[int, bytes], None]], None],
    received: Callable[[int, bytes], None],
    count: int,
    first: Callable[[], None] | None = None,
) -> None:
    """``there(send)`` run in ``count - 1`` forked children and ``here(poll)`` in this
    process (after ``first()``, if given), until both are done.

    A child's ``send(number, data)`` reaches ``received(number, data)`` here, at this
    process's next ``poll()`` or once ``here`` returns. An exception in a child is
    raised here, as it was raised there (with the child's traceback as a note); a child
    that dies without a word is a :class:`ThrustlibError`. When anything fails, the
    children still running are stopped before this returns.
    """
    children: dict[int, _Child] = {}
    # Objects that exist now are never collected in a child, which keeps the collector
    # from touching (and so copying) every page of the shared heap.
    gc.freeze()
    try:
        for _ in range(count - 1):
            read, write = os.pipe()
            with contextlib.suppress(AttributeError, OSError):  # the default size then
                fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                os.close(read)
                _child(there, write)
            os.close(write)
            children[read] = _Child(pid, read)
        waiting = select.poll()
        listening = set(children)
        for fd in listening:
            waiting.register(fd, select.POLLIN)

        def listen(timeout: int | None) -> None:
            for fd, _ in waiting.poll(timeout):
                if children[fd].read(received):  # the child closed its end
                    waiting.unregister(fd)
                    listening.discard(fd)

        if first is not None:
            first()
        here(lambda: listen(0))
        while listening:  # the children's last chunks, as they come
            listen(None)
        for fd in list(children):  # in the order they were forked
            children.pop(fd).end()
    finally:
        for child in children.values():
            os.close(child.fd)
            _stop(child.pid)
        gc.unfreeze()


def _child(there: Callable[[Callable[[int, bytes], None]], None], fd: int) -> NoReturn:
    """Run ``there`` in a forked child, its messages and outcome sent through ``fd``;
    then exit."""
    code = 0
    try:
        with os.fdopen(fd, "wb") as stream:

            def send(number: int, data: bytes) -> None:
                stream.write(_HEADER.pack(number, len(data)))
                stream.write(data)
                stream.flush()

            try:
                there(send)
                outcome = packing.dumps(("ok", None))
            except BaseException as exc:
                code = 1
                outcome = packing.dumps(("error", portable(exc)))
            send(_OUTCOME, outcome)
    except BaseException:
        code = 2
    finally:
        # Never return into the parent's code, nor run its exit handlers or flush the
        # output buffers it had when it forked.
        os._exit(code)


class _Child:
    """A forked child as this process hears from it: its messages read as they come."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd
        self.buffer = bytearray()
        self.outcome: bytes | None = None
        os.set_blocking(fd, False)

    def read(self, received: Callable[[int, bytes], None]) -> bool:
        """Take what the pipe holds, each whole message to ``received``; ``True`` once
        the child has closed its end."""
        try:
            data = os.read(self.fd, PIPE_SIZE)
        except BlockingIOError:
            return False
        if not data:
            return True
        buffer = self.buffer
        buffer += data
        start = 0
        with memoryview(buffer) as view:  # one copy of each message, not two
            while len(buffer) - start >= _HEADER.size:
                number, length = _HEADER.unpack_from(buffer, start)
                begin = start + _HEADER.size
                if len(buffer) - begin < length:
                    break
                message = bytes(view[begin : begin + length])
                start = begin + length
                if number == _OUTCOME:
                    self.outcome = message
                else:
                    received(number, message)
        del buffer[:start]
        return False

    def end(self) -> None:
        """Reap the child, which has closed its pipe; raise what it raised, or that it
        died before it said how its share ended."""
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        try:
            kind, value = pickle.loads(self.outcome or b"")
        except Exception:
            code = os.waitstatus_to_exitcode(status)
            how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
            raise ThrustlibError(
                f"a worker process {how} before it finished; try again with --jobs 1"
            ) from None
        if kind == "error":
            raise value


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
