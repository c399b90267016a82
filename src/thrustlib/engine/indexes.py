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
