"""Reading one file of a site: only a regular file, and only up to a size.

:func:`thrustlib.content.files.walk` decides which files a build reads; this reads one,
checking again what it opened (a file can change between the walk and the read).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def special_kind(mode: int) -> str:
    """What a file that is not a regular one or a folder is, for messages."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def format_size(size: int) -> str:
    """``size`` bytes for a message: ``1 MiB``, ``2.50 GiB``, ``900 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            whole, rest = divmod(size, scale)
            return f"{whole} {unit}" if not rest else f"{size / scale:.2f} {unit}"
    return f"{size} bytes"


class Refused(Exception):
    """A file :func:`read_file` would not read; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(Refused):
    """A file over the size limit :func:`read_file` was given."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"the file is {format_size(size)} ({size:,} bytes), over the limit of"
            f" {format_size(limit)} ({limit:,} bytes); it was not read"
        )
        self.size, self.limit = size, limit


def read_file(path: Path, *, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``; :class:`Refused` for a special file or one
    over ``limit`` bytes (told by its size before a byte is read)."""
    # The bare system calls: a buffered file object costs several more per file (ioctl,
    # lseek) and a few objects, which shows at ten thousand files. O_NONBLOCK: opening a
    # named pipe that slipped past the walk (it appeared since) must not wait for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{special_kind(info.st_mode)}, not a regular file; not read")
        if limit is not None and info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 16):
            size += len(chunk)
            if limit is not None and size > limit:  # it grew since
                raise TooLarge(size, limit)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
