"""Compiled templates kept between builds, in the cache's signed files (loaded with Jinja
only: a build that finds nothing changed never needs either)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
import jinja2.bccache

from thrustlib.config import SiteConfig
from thrustlib.engine import cache
from thrustlib.engine.stored import read, write


def template_cache(config: SiteConfig) -> TemplateCache:
    """The compiled templates of ``config``'s site, in its cache folder."""
    return TemplateCache(cache.cache_folder(config) / "templates", cache.code_fingerprint())


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds, in the cache's signed files.

    Compiling the theme's templates is a fixed cost of every build that renders (about
    0.2 s, all of a small edit's rendering several times over); Jinja then only checks
    each template's source against the checksum its bucket holds. The code is marshalled
    Python, which is why it is kept only in files this machine signed: code planted in a
    site's cache folder is never loaded.
    """

    def __init__(self, folder: Path, code: bytes) -> None:
        self.folder = folder
        self.code = code
        """thrustlib's own fingerprint: the compiled code also depends on the options of
        thrustlib's Jinja environment, which Jinja's checksum of the source does not see."""

    def _path(self, key: str) -> Path:
        name = hashlib.sha256(self.code + key.encode()).hexdigest()[:32]
        return self.folder / f"{name}.pickle"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = read(self._path(bucket.key), cache.FORMAT)
        if isinstance(found, bytes):
            # Jinja checks the source's checksum and its own version in what it loads,
            # and compiles again when they differ.
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write(self._path(bucket.key), cache.FORMAT, bucket.bytecode_to_string())
