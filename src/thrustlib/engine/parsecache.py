"""The content cache's parse results: each exercise file's, by a key of its bytes.

A result is kept packed (:class:`~thrustlib.engine.packing.PackedResult`) under a key of
the file's bytes, its display path, the vocabulary and thrustlib itself, so an unchanged
file is not parsed again. The results are in 64 shards by key (``parse/NN.pickle``):
loading a few dozen pickles of 10,000 results is several times faster than opening
10,000 small ones, and a build that parsed one file again rewrites one shard, not the
cache of every file.

A shard's pickle holds the entries, problems and shapes, which every build with the
cache reads; the whole exercises, which only the pages rendered need, are in a file
beside it (``parse/NN.blobs``), read by offset and checked against its digest in the
pickle as each is opened (:func:`thrustlib.engine.stored.open_blobs`). A build after an
edit of one file of 10,000 so unpickles 7 of the cache's 48 megabytes and reads one
exercise of the rest.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from thrustlib.content.result import ParseResult
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import packing, stored, workers
from thrustlib.engine.cache import FILES, FORMAT, INDEXES, framed, library_context
from thrustlib.engine.fileindex import FileIndex
from thrustlib.engine.indexes import IndexCache
from thrustlib.errors import CacheChanged

log = logging.getLogger(__name__)

SHARDS = 64
"""Parse results are kept in this many files, by the first byte of their key: a build
that parsed a few files again rewrites a few small files, not the cache of every file."""


class ParseCache:
    """Parse results of earlier builds by content key; read once, written once.

    Results are kept packed (:class:`thrustlib.engine.packing.PackedResult`): the entry to
    build the library from, and the whole exercise, left in its file until its page is
    rendered. So reading and writing the cache costs little more than the bytes.
    """

    def __init__(
        self, folder: Path, vocabulary: Vocabulary, files: FileIndex | None = None
    ) -> None:
        self.folder = folder / "parse"
        self.files = files if files is not None else FileIndex(folder / FILES)
        """The files' digests by their stat, so an unchanged file is not even read."""
        self.indexes = IndexCache(folder / INDEXES)
        """The library's indexes of the last build, by the structure of its exercises."""
        self.context = library_context(vocabulary)
        # Hashed once, copied per key: kilobytes (the vocabulary), 0.06 s for 10,000 keys.
        self._keyed = hashlib.sha256(framed(self.context))
        # Read when first asked for: a build that parsed a few files again and reads
        # no others (:mod:`thrustlib.engine.textedit`) opens only their shards.
        self._stored: list[dict[bytes, object] | None] = [None] * SHARDS
        self.used: list[dict[bytes, packing.PackedResult]] = [{} for _ in range(SHARDS)]
        self.fresh: set[int] = set()
        """The shards a result was put in since they were read."""
        self.misses = 0

    @property
    def stored(self) -> list[dict[bytes, object]]:
        """Every shard's results as read (all of them read now, if not yet)."""
        return [self._shard(shard) for shard in range(SHARDS)]

    def _shard(self, shard: int) -> dict[bytes, object]:
        found = self._stored[shard]
        if found is None:
            found = self._stored[shard] = self._load(shard)
        return found

    def _path(self, shard: int) -> Path:
        return _paths(self.folder, shard)[0]

    def _blobs_path(self, shard: int) -> Path:
        return _paths(self.folder, shard)[1]

    def _load(self, shard: int) -> dict[bytes, object]:
        """The results of one shard, or none when its two files are not a pair this
        machine wrote (missing, planted, or one of them replaced by another build; the
        exercises in the blob file are checked one by one as they are read)."""
        blobs = stored.open_blobs(self._blobs_path(shard))  # before the pickle naming it
        found = stored.read(self._path(shard), FORMAT, blobs=blobs)
        if not isinstance(found, tuple) or len(found) != 3:
            return {}
        tag, size, results = found
        if (
            blobs is None
            or not isinstance(results, dict)
            or not stored.blobs_match(blobs, tag, size)
        ):
            return {}
        return results

    def key(self, shown: Path | str, digest: bytes) -> bytes:
        """The key of one file: the digest of its bytes (:func:`fileindex.digest`), its
        display path (problems name it) and the context."""
        found = self._keyed.copy()  # = sha256(framed(context, path, digest))
        found.update(framed(str(shown).encode(), digest))
        return found.digest()

    def get(self, key: bytes) -> packing.PackedResult | None:
        """The stored result for ``key``, or ``None``."""
        shard = key[0] % SHARDS
        found = self._shard(shard).get(key)
        if not isinstance(found, packing.PackedResult):
            return None
        self.used[shard][key] = found
        return found

    def put(self, key: bytes, result: ParseResult | packing.PackedResult) -> None:
        """Remember a fresh result, packed."""
        self.misses += 1
        shard = key[0] % SHARDS
        self.used[shard][key] = packing.pack(result) if isinstance(result, ParseResult) else result
        self.fresh.add(shard)

    def swap(self, old: bytes, new: bytes, result: packing.PackedResult) -> None:
        """Keep ``result`` under ``new`` instead of the result under ``old``, and every
        other stored result as it is: for a build that parsed a few files again and
        looked up no others (:meth:`save_swapped` writes the shards this touched)."""
        for key in (old, new):
            shard = key[0] % SHARDS
            if shard not in self.fresh:
                stored = self._shard(shard).items()
                self.used[shard] = {k: v for k, v in stored if isinstance(v, packing.PackedResult)}
                self.fresh.add(shard)
        self.used[old[0] % SHARDS].pop(old, None)
        self.used[new[0] % SHARDS][new] = result

    def save_swapped(self) -> None:
        """Write the shards :meth:`swap` changed and the file index. A shard that cannot
        be written (one of its exercises changed in the cache meanwhile) is removed: its
        files are parsed again by a later build."""
        for shard in self._write_all(sorted(self.fresh), raising=False):
            self._stored[shard] = dict(self.used[shard])
        self.fresh.clear()
        self.files.saved()

    def save(self, *, jobs: int | None = 1) -> Callable[[], bool]:
        """Write the shards whose entries changed: only what this build used is kept.

        Returns a function that tells whether everything was written. When ``jobs``
        (``None``: one per core) would share this many files parsed again among
        processes, the files are written by a forked process while this one goes on (a
        build, whose other core is idle while it puts the library together), and the
        function waits for it: call it before the process ends. This cache then holds
        what it would hold had every file been written, so that is for a cache saved
        once. Written here, a shard that changed while it was read raises
        :class:`~thrustlib.errors.CacheChanged` (after the others are written).
        """
        used = sum(len(shard) for shard in self.used)
        log.debug("cache: %d of %d files parsed again", self.misses, used)
        changed = [
            shard
            for shard, results in enumerate(self.used)
            if shard in self.fresh or len(results) != len(self._shard(shard))
        ]
        # Only many files parsed again are worth a process: a few make a shard or two.
        if (changed or self.files.unsaved) and workers.processes(jobs, self.misses) > 1:
            stored.signing_key()  # made here, not by two processes at once on a first build
            done = workers.in_background(lambda: self._write_all(changed, raising=False) == changed)
            written = changed
        else:
            written = self._write_all(changed, raising=True)
            done = lambda: written == changed  # noqa: E731 (the answer, as apart gives it)
        for shard in written:
            self._stored[shard] = dict(self.used[shard])
        self.fresh.clear()
        self.files.saved()
        return done

    def _write_all(self, changed: list[int], *, raising: bool) -> list[int]:
        """Write (or remove, when empty) the ``changed`` shards and the file index; the
        shards written, in order. A shard holding an exercise whose cache file changed
        while it was read is removed; with ``raising``, the error is raised after."""
        written = []
        met: CacheChanged | None = None
        try:
            for shard in changed:
                results = self.used[shard]
                try:
                    if not results:
                        self._remove(shard)  # its last file went: nothing to keep
                        written.append(shard)
                    elif self._write(shard, results):
                        written.append(shard)
                except CacheChanged as exc:
                    self._remove(shard)  # never left naming a file that is not what it was
                    met = exc
        finally:
            self.files.write()
        if met is not None and raising:
            raise met
        return written

    def _remove(self, shard: int) -> None:
        _remove_pair(self._path(shard), self._blobs_path(shard))

    def _write(self, shard: int, results: dict[bytes, packing.PackedResult]) -> bool:
        """Write one shard: its whole exercises into its blob file, then its pickle
        naming each by offset (so a pickle never names a file not yet written)."""
        spans: dict[int, tuple[int, int, bytes]] = {}

        def chunks() -> Iterator[bytes]:
            offset = stored.TAG_SIZE
            for result in results.values():
                if result.data is not None:
                    data = packing.packed_bytes(result.data)
                    spans[id(result)] = (offset, len(data), packing.blob_digest(data))
                    offset += len(data)
                    yield data

        written = stored.write_blobs(self._blobs_path(shard), chunks())
        if written is None:
            return False
        tag, size = written
        value = (tag, size, results)
        return stored.write(self._path(shard), FORMAT, value, packing.stored_results(spans))


def forget(folder: Path) -> None:
    """Remove every shard of the parse cache in the cache ``folder``: what a build does
    when one changed while the build read it (:class:`~thrustlib.errors.CacheChanged`),
    before it builds again."""
    for shard in range(SHARDS):
        _remove_pair(*_paths(folder / "parse", shard))


def _paths(folder: Path, shard: int) -> tuple[Path, Path]:
    """A shard's pickle and blob file in the parse cache's ``folder``."""
    return folder / f"{shard:02x}.pickle", folder / f"{shard:02x}.blobs"


def _remove_pair(pickled: Path, blobs: Path) -> None:
    # The pickle first: a blob file whose pickle is gone is never read.
    for path in (pickled, blobs):
        try:
            if stored.safe_folder(path.parent):
                path.unlink(missing_ok=True)
        except OSError as exc:
            log.debug("cache: cannot remove %s: %s", path, exc)
