"""The library's indexes as the last build made them, used again while no exercise has
changed in what they are made of.

Indexing a library (:func:`~thrustlib.content.library.build_library`: slugs, the checks
across files, the variation tree with its parents inferred from titles, the lists by
muscle, equipment and level) was a serial half second of every build of 10,000
exercises, although an edit of an exercise's text changes none of it. What it reads of an
exercise is its structure (:func:`thrustlib.content.library.structure`; the preview swaps an
edited exercise into its library by the same rule), so the indexes are kept with a hash
of every exercise's structure and used again when the hash is the same: only the entries
are new. The problems indexing found are kept with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from thrustlib.content.library import INDEXES
from thrustlib.content.model import Library
from thrustlib.engine import stored
from thrustlib.errors import Problem

FORMAT = 1
"""Bumped when what is kept changes shape."""


def key(shapes: Iterable[bytes], context: bytes) -> bytes:
    """The hash of every exercise's :func:`~thrustlib.content.library.shape`, in order,
    and ``context`` (thrustlib, the vocabulary, whether drafts are shown): equal hashes,
    equal indexes."""
    digest = hashlib.sha256(context)
    digest.update(b"".join(shapes))  # digests of one length: joined, still unambiguous
    return digest.digest()


class IndexCache:
    """The indexes of the last library made, by :func:`key`, in one file of the cache."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, found: bytes) -> tuple[dict[str, Any], list[Problem]] | None:
        """The indexes kept for ``found`` by field name, and the problems found when they
        were made; ``None`` when the indexes kept are another library's."""
        kept = stored.read(self.path, FORMAT)
        if not (isinstance(kept, tuple) and len(kept) == 3 and kept[0] == found):
            return None
        _, indexes, problems = kept
        return dict(zip(INDEXES, indexes, strict=True)), problems

    def put(self, found: bytes, library: Library, problems: Sequence[Problem]) -> None:
        """Keep ``library``'s indexes, made with ``problems`` (none of them errors)."""
        indexes = tuple(getattr(library, name) for name in INDEXES)
        stored.write(self.path, FORMAT, (found, indexes, list(problems)))


def sources_key(library: Library, context: bytes) -> bytes:
    """The hash of the file and bytes of every exercise of ``library``, by slug, and
    ``context``: equal hashes, equal entries, so an equal search index."""
    return sources_key_of(
        ((slug, str(e.source.path), e.source.digest) for slug, e in library.exercises.items()),
        context,
    )


def sources_key_of(sources: Iterable[tuple[str, str, bytes]], context: bytes) -> bytes:
    """:func:`sources_key` of a library whose exercises are ``(slug, file, text hash)``,
    in slug order, as a build's record keeps them (its rows)."""
    digest = hashlib.sha256(context)
    for slug, path, text in sources:
        name = f"{slug}\0{path}\0".encode()
        digest.update(len(name).to_bytes(4, "big") + name + text)
    return digest.digest()


class SearchNames:
    """The name of the last search index made (a hash of the index itself), by the
    :func:`sources_key` of its library, in one file of the cache.

    Naming the index means making it (0.15 s at 10,000 exercises), and the preview
    names it each time it reads a site whole, before it serves a page: on start, after
    a change of the templates or of site.toml. Kept here, the name is taken from the last
    build or preview of the same exercises. ``context`` is what a library depends on
    besides its files (:func:`thrustlib.engine.cache.library_context`).
    """

    def __init__(self, path: Path, context: bytes) -> None:
        self.path = path
        self.context = context
        self._last: tuple[Library, bytes] | None = None
        """The last library hashed and its key: a miss is looked up, then put."""

    def get(self, library: Library) -> str | None:
        """The output path of ``library``'s search index as kept, or ``None``."""
        kept = stored.read(self.path, FORMAT)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == self._key(library):
            return str(kept[1])
        return None

    def put(self, library: Library, path: str) -> None:
        """Keep ``path`` as the output path of ``library``'s search index."""
        self.put_key(self._key(library), path)

    def put_key(self, key: bytes, path: str) -> None:
        """Keep ``path`` as the search index's output path for the library whose
        :func:`sources_key` is ``key``."""
        kept = stored.read(self.path, FORMAT)
        found = (key, path)
        if kept != found:
            stored.write(self.path, FORMAT, found)

    def _key(self, library: Library) -> bytes:
        # Hashing 10,000 exercises' sources is 0.01-0.02 s: once per library, not per call.
        if self._last is None or self._last[0] is not library:
            self._last = (library, sources_key(library, self.context))
        return self._last[1]
