"""The cache's files: each signed by this machine, read and written never through a link.

The content cache sits in the site folder (:mod:`thrustlib.engine.cache`), where a pull
request could plant one. Each file is a pickle followed by a keyed hash (HMAC) of it,
whose key is kept outside the site, in the user's own cache folder: only what this
machine's builds wrote is ever unpickled and used. A file of packed exercises kept
beside a pickle (:func:`write_blobs`) has the digest of each exercise in it inside that
pickle instead, checked as the exercise is read
(:class:`~thrustlib.engine.packing.Blob`). (The restricted unpickler keeps a
planted pickle from running code, and the key keeps it from putting its own results,
unsanitised, on the site. For compiled templates, which are code, the key is all there
is: :mod:`thrustlib.engine.templates`.) Files and folders are opened so that a planted
link or named pipe is neither followed nor waited on.
"""

from __future__ import annotations

import hmac
import logging
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from thrustlib import __version__
from thrustlib.config import CACHE_DIR
from thrustlib.content import files
from thrustlib.engine import packing
from thrustlib.errors import ThrustlibError

log = logging.getLogger(__name__)

_TAG = 32
_KEY_FILE = "key"
_key_of_process: bytes | None = None


def signing_key() -> bytes:
    """This machine's cache key: made once in ``$XDG_CACHE_HOME/thrustlib`` (or
    ``~/.cache/thrustlib``); a key for this process alone where that cannot be written
    (then a later build finds the cache written by this one unusable, and makes it again)."""
    global _key_of_process
    if _key_of_process is not None:
        return _key_of_process
    home = os.environ.get("XDG_CACHE_HOME")
    path = (Path(home) if home else Path("~/.cache").expanduser()) / "thrustlib" / _KEY_FILE
    key = b""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            key = files.read_file(path, limit=4096)
        else:
            key = os.urandom(32)
            with os.fdopen(fd, "wb") as stream:
                stream.write(key)
    except (OSError, files.Refused) as exc:
        log.debug("cache: no key at %s: %s", path, exc)
    if len(key) != 32:
        key = os.urandom(32)
    _key_of_process = key
    return key


def safe_folder(folder: Path) -> bool:
    """True when ``folder`` and the cache folder it is in are real folders, not links (a
    link would read and write the cache somewhere else)."""
    for part in (folder.parent, folder) if folder.parent.name == CACHE_DIR else (folder,):
        try:
            info = part.lstat()
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode):
            return False
    return True


class _Signed:
    """A binary stream that passes on what is written and keeps its HMAC."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.mac = hmac.new(signing_key(), digestmod="sha256")

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.stream.write(data)


def read(
    path: Path,
    version: int,
    *,
    extra: tuple[type, ...] = (),
    blobs: packing.BlobFile | None = None,
) -> object:
    """The object stored at ``path``, or ``None`` when it is missing or not usable; its
    packed exercises kept in ``blobs`` (:func:`write_blobs`), if it names any, are read
    from there when opened."""
    try:
        opened = _open_plain(path)
        if opened is None:
            return None
        fd, info = opened
        with os.fdopen(fd, "rb") as stream:
            size = info.st_size
            if size < _TAG:
                log.debug("cache: ignoring %s: not a cache file", path)
                return None
            mac = hmac.new(signing_key(), digestmod="sha256")
            left = size - _TAG
            while left > 0:
                chunk = stream.read(min(left, 1 << 20))
                if not chunk:
                    break
                mac.update(chunk)
                left -= len(chunk)
            if left or not hmac.compare_digest(stream.read(_TAG), mac.digest()):
                log.debug("cache: ignoring %s: not written by this machine's builds", path)
                return None
            stream.seek(0)
            header, found = packing.Unpickler(stream, extra=extra, blobs=blobs).load()
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or foreign cache is rebuilt, never an error
        log.debug("cache: ignoring %s: %s: %s", path, type(exc).__name__, exc)
        return None
    if header != (version, __version__):
        log.debug("cache: ignoring %s: written by another version", path)
        return None
    return found


def write(
    path: Path,
    version: int,
    value: object,
    dispatch: Mapping[type, Callable[[Any], Any]] | None = None,
) -> bool:
    """Store ``value`` at ``path`` atomically (pickled with ``dispatch``, as
    :func:`~thrustlib.engine.packing.dump` says); a cache that cannot be written is
    skipped. True when it was written."""

    def fill(stream: BinaryIO) -> None:
        # Straight to the file: the cache of a large site is tens of megabytes, which a
        # copy in memory would add to the build's peak.
        signed = _Signed(stream)
        packing.dump(((version, __version__), value), signed, dispatch)  # type: ignore[arg-type]
        stream.write(signed.mac.digest())

    return _replace(path, fill)


TAG_SIZE = 16
"""The bytes of the random tag a blob file starts with (:func:`write_blobs`)."""


def write_blobs(path: Path, chunks: Iterable[bytes]) -> tuple[bytes, int] | None:
    """Store ``chunks`` one after another at ``path`` atomically, as they are, after a
    random tag of :data:`TAG_SIZE` bytes: the packed exercises of a pickle written next
    (:func:`write`, naming each by offset and digest). Returns the tag and the file's
    size, for that pickle to hold (:func:`blobs_match` checks the file against them);
    ``None`` when the file cannot be written."""
    tag = os.urandom(TAG_SIZE)
    size = 0

    def fill(stream: BinaryIO) -> None:
        nonlocal size
        stream.write(tag)
        size = TAG_SIZE
        for chunk in chunks:
            stream.write(chunk)
            size += len(chunk)

    return (tag, size) if _replace(path, fill) else None


def open_blobs(path: Path) -> packing.BlobFile | None:
    """The file of packed exercises at ``path`` opened for reading by offset, or ``None``
    when it is missing or not a plain file. Open it before reading the pickle naming
    its contents, then check it against that pickle (:func:`blobs_match`): a build that
    replaced both meanwhile leaves a pair that does not match, never a wrong one."""
    try:
        opened = _open_plain(path)
    except OSError:
        return None
    if opened is None:
        return None
    fd, info = opened
    return packing.BlobFile(fd, info.st_size, str(path))


def _open_plain(path: Path) -> tuple[int, os.stat_result] | None:
    """``path`` opened for reading, with its stat, if it is a plain file in a real folder
    (``None`` if not); ``OSError`` if it cannot be opened. Not through a link, and never
    waiting on a pipe planted in its place."""
    if not safe_folder(path.parent):
        log.debug("cache: ignoring %s: its folder is a link", path)
        return None
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
    except BaseException:
        os.close(fd)
        raise
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        log.debug("cache: ignoring %s: not a plain file", path)
        return None
    return fd, info


def blobs_match(blobs: packing.BlobFile, tag: bytes, size: int) -> bool:
    """True when ``blobs`` is the file :func:`write_blobs` wrote with that tag and size:
    a pickle and a blob file written by two builds at once are never used together.

    Only the tag is read: each exercise is checked against the digest the signed pickle
    holds as it is read (:class:`~thrustlib.engine.packing.Blob`), so a planted or changed
    file is never rendered from, and the file's 40 megabytes at 10,000 exercises are
    never hashed whole.
    """
    if blobs.size != size or not isinstance(tag, bytes) or len(tag) != TAG_SIZE:
        return False
    try:
        return hmac.compare_digest(blobs.read(0, TAG_SIZE), tag)
    except (OSError, ThrustlibError) as exc:
        log.debug("cache: ignoring a blob file: %s", exc)
        return False


def _replace(path: Path, fill: Callable[[BinaryIO], None]) -> bool:
    """Write ``path`` atomically by ``fill``-ing a temporary file in its folder."""
    try:
        # Checked before the folder is made (a link would have it made elsewhere) and
        # after (it may have appeared meanwhile).
        if not safe_folder(path.parent):
            log.debug("cache: not writing %s: its folder is a link", path)
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        if not safe_folder(path.parent):
            log.debug("cache: not writing %s: its folder is a link", path)
            return False
        try:
            # Like pytest's and ruff's caches: never committed, whatever the site ignores.
            # Never through a link planted in its place.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            with os.fdopen(os.open(path.parent / ".gitignore", flags, 0o644), "w") as ignore:
                ignore.write("# made by thrustlib; safe to delete\n*\n")
        except FileExistsError:
            pass
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                fill(stream)
            Path(temp).replace(path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError) as exc:
        log.debug("cache: cannot write %s: %s", path, exc)
        return False
    return True
