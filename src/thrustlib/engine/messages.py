"""Messages from a forked child to its parent: numbered byte strings through a pipe.

Each message is its number and length (:data:`HEADER`), then its bytes. The child writes
as far as the pipe takes them and keeps the rest to write later (:class:`Sender`), so it
goes on with its work whether or not the parent has read; the parent reads what has come
whenever it looks (:class:`Receiver`), so it is not kept waiting either. The pipe is
asked to hold a megabyte, which a chunk's results fit in.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import struct
from collections.abc import Callable

PIPE_SIZE = 1 << 20
"""What a pipe is asked to hold (Linux's default most an unprivileged process may ask)."""

HEADER = struct.Struct("<IQ")
"""Before each message: its number, then its length in bytes."""

LAST = 0xFFFFFFFF
"""The number of a child's last message: how its share of the work ended."""


def pipe() -> tuple[int, int]:
    """A pipe's read and write ends, the pipe as large as :data:`PIPE_SIZE` allows."""
    read, write = os.pipe()
    with contextlib.suppress(AttributeError, OSError):  # the default size then (64 KiB)
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    return read, write


class Sender:
    """The child's end: messages written as far as the pipe takes them, the rest kept
    and written at the next :meth:`flush`."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.waiting: collections.deque[memoryview] = collections.deque()
        self.whole = True
        """False once a write was cut short by an exception: the stream may be out of
        step, and nothing more may be sent."""
        os.set_blocking(fd, False)

    def send(self, number: int, data: bytes) -> None:
        # One call: an interrupt between a header and its data would put them out of step.
        self.waiting.extend((memoryview(HEADER.pack(number, len(data))), memoryview(data)))
        self.flush()

    def flush(self) -> None:
        """Write what the pipe has room for."""
        waiting = self.waiting
        if not waiting:
            return
        self.whole = False
        while waiting:
            try:
                written = os.write(self.fd, waiting[0])
            except BlockingIOError:
                break
            if written == len(waiting[0]):
                waiting.popleft()
            else:
                waiting[0] = waiting[0][written:]
        self.whole = True

    def finish(self) -> None:
        """Write everything left, waiting for the reader to take it; then close."""
        os.set_blocking(self.fd, True)
        self.flush()
        os.close(self.fd)


class Receiver:
    """The parent's end: what has come read without waiting, each whole message handed
    on as soon as its last byte is in."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd
        """The pipe's read end; ``None`` once closed."""
        self.buffer = bytearray()
        self.last: bytes | None = None
        """The message numbered :data:`LAST`, once it has come."""
        os.set_blocking(fd, False)

    def close(self) -> None:
        """Close the pipe's read end (again: nothing)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def read(self, received: Callable[[int, bytes], None]) -> bool:
        """Take what the pipe holds, each whole message but the last to ``received``;
        ``True`` once the writer has closed its end."""
        assert self.fd is not None
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
            while len(buffer) - start >= HEADER.size:
                number, length = HEADER.unpack_from(buffer, start)
                begin = start + HEADER.size
                if len(buffer) - begin < length:
                    break
                message = bytes(view[begin : begin + length])
                start = begin + length
                if number == LAST:
                    self.last = message
                else:
                    received(number, message)
        del buffer[:start]
        return False
