"""What each exercise file held when last read, told by its ``stat`` instead of its bytes.

A build with the cache must know which of 10,000 files changed, and reading and hashing
every one of them was a large part of a build after a one-file edit. Like git's index and
make, the index trusts a file whose size, modification time, change time and inode are
those it recorded: the change time cannot be set back by a program (``touch -d`` and
``cp -p`` set the modification time only), and a file replaced by a new one (an editor
saving by rename, a checkout) has a new inode.

One case needs care (git's "racily clean" files): a file written again within the
timestamp's granularity of being read could keep all four. So an entry is trusted only
for a file whose times are older than :data:`RACY_NS` before it was read; a younger one is
read again each build until it has aged.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from thrustlib.content import files
from thrustlib.content.boundary import Boundary
from thrustlib.engine import stored
from thrustlib.errors import Problem, Problems

RACY_NS = 2_000_000_000
"""How much older than its reading a file's times must be for its entry to be trusted:
two seconds, the coarsest timestamps a file system in use has (FAT's)."""

FORMAT = 1
"""Bumped when the entries change shape."""

Entry = tuple[int, int, int, int, bytes]
"""(size, mtime_ns, ctime_ns, inode, SHA-256 of the bytes)."""

Walk = tuple[list[tuple[str, Problem | None]], list[Problem]]
"""What a walk of an exercises folder found: each file (by name, absolute when the folder
is) with its refusal (or ``None``), and the problems of the folders it refused (see
:func:`files.exercise_names`)."""


def digest(data: bytes) -> bytes:
    """The hash the index keeps of a file's bytes."""
    return hashlib.sha256(data).digest()


class FileIndex:
    """The digests of files by path, valid while their ``stat`` is as recorded."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        """Where the index is kept; ``None``: kept in memory only."""
        found = stored.read(path, FORMAT) if path is not None else None
        self.entries: dict[str, Entry] = found if isinstance(found, dict) else {}
        self.seen: dict[str, Entry] = {}
        """The entries looked up or recorded by this build: what :meth:`save` keeps."""
        self.read: dict[str, bytes] = {}
        """The bytes of each file this build read (:meth:`record`), until
        :meth:`take` hands them on: a build hashes its inputs, then parses the files that
        changed, and both see the same bytes, read once."""
        self.looked: dict[str, tuple[os.stat_result, bytes | None]] = {}
        """This build's answer for each file it looked up or read (:meth:`record`): a build
        looks up its exercise files twice (hashing its inputs, then reading them), and the
        two must agree on what each file held even if it is saved in between."""
        self.walked: dict[tuple[str, Boundary], Walk] = {}
        """This build's walk of each exercises folder, until read (:meth:`walk`)."""
        self.changed = False
        self.drifted = False
        """True once a file was parsed from other bytes than it was looked up as
        (:meth:`parsed`), or was gone when it was read: what the build hashed of its
        inputs is not what it read."""

    def walk(self, folder: Path, boundary: Boundary, *, keep: bool = False) -> Walk:
        """The exercise files below ``folder`` within ``boundary``: what this build's walk
        of it found, if one was kept (``keep``) and not yet taken; else a walk now.

        A build walks the folder to hash its inputs, then reads the same files: one walk
        for both (the second was a tenth of a second at 10,000 files), and the files it
        reads are exactly the ones it hashed. A kept walk is taken once (the preview
        walks again on its next rebuild) and dropped by :meth:`save`.
        """
        key = (str(folder), boundary)
        found = self.walked.pop(key, None)
        if found is None:
            refused = Problems()
            found = (list(files.exercise_names(folder, boundary, refused)), refused.items)
        if keep:
            self.walked[key] = found
        return found

    def lookup(self, path: Path | str) -> tuple[os.stat_result, bytes | None]:
        """``path``'s stat, and the digest of its bytes if they are the ones recorded."""
        name = _name(path)
        # Looked up or read by this build already: that answer, whatever came since.
        if (looked := self.looked.get(name)) is not None:
            return looked
        info = os.stat(name)  # noqa: PTH116 (strings: 10,000 files a build)
        known = self.seen.get(name) or self.entries.get(name)
        digest = None
        if known is not None and known[:4] == _key(info):
            self.seen[name] = known
            digest = known[4]
        self.looked[name] = (info, digest)
        return info, digest

    def record(self, path: Path | str, info: os.stat_result, data: bytes, started: int) -> bytes:
        """Remember that ``path``, as ``info`` (taken before reading it at ``started``,
        ``time.time_ns()``), held ``data``; return the digest of ``data``."""
        found = digest(data)
        name = _name(path)
        # A file young enough that a write after the read could have left its stat as
        # it was is recorded as nothing (so read again next time).
        racy = max(info.st_mtime_ns, info.st_ctime_ns) > started - RACY_NS
        entry = (-1, 0, 0, 0, b"") if racy else (*_key(info), found)
        if self.entries.get(name) != entry:
            self.changed = True
        self.seen[name] = entry
        self.read[name] = data
        self.looked[name] = (info, found)
        return found

    def parsed(self, path: Path | str, data: bytes) -> bytes:
        """The digest of ``data``, read from ``path`` to be parsed after :meth:`lookup`
        gave its digest without a read; :attr:`drifted` if the two differ (the file was
        saved in between: its parse must be filed under the bytes read, and the build's
        record must not stand for the bytes hashed)."""
        found = digest(data)
        looked = self.looked.get(_name(path))
        if looked is not None and looked[1] != found:
            self.drifted = True
        return found

    def lost(self) -> None:
        """A file looked up and hashed was gone when the build came to read it: the
        build's record must not stand for the bytes hashed (:attr:`drifted`)."""
        self.drifted = True

    def take(self, path: Path | str) -> bytes | None:
        """The bytes of ``path`` this build read (:meth:`record`), once; else ``None``."""
        return self.read.pop(_name(path), None)

    def peek(self, path: Path | str) -> bytes | None:
        """What :meth:`take` gives, left for it to give."""
        return self.read.get(_name(path))

    def save(self) -> None:
        """Keep the entries this build used (a file no longer walked is dropped), and
        forget what it looked up: the next build stats every file again."""
        self.write()
        self.saved()

    @property
    def unsaved(self) -> bool:
        """True when :meth:`write` has something to write."""
        return self.path is not None and (self.changed or len(self.seen) != len(self.entries))

    def write(self) -> None:
        """Write the entries this build used, if they changed; :meth:`saved` after."""
        if self.unsaved:
            assert self.path is not None
            stored.write(self.path, FORMAT, self.seen)

    def saved(self) -> None:
        """Forget what this build looked up, its entries kept (written by :meth:`write`,
        here or in another process)."""
        self.entries, self.seen, self.changed = dict(self.seen), {}, False
        self.read.clear()
        self.looked.clear()
        self.walked.clear()


def now() -> int:
    """The time to give :meth:`FileIndex.record` for a file about to be read."""
    return time.time_ns()


def _name(path: Path | str) -> str:
    """``path`` as the index files it: absolute and normal, so a file is one entry by any
    name it is given by."""
    name = str(path)
    # The walks give absolute, normal paths: taken as they are, for os.path.abspath on
    # every one of 10,000 files (twice a build) was 0.07 s. Anything else is made so.
    if name[:1] != "/" or "/." in name or "//" in name or name.endswith("/"):
        name = os.path.abspath(name)  # noqa: PTH100 (strings: 10,000 files a build)
    return name


def _key(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
