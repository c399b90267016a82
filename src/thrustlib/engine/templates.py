"""Compiled templates kept between builds, in the cache's signed files (loaded with Jinja
only: a build that finds nothing changed never needs either)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import jinja2
import jinja2.bccache

from thrustlib.config import SiteConfig
from thrustlib.engine import cache, stored


def template_cache(config: SiteConfig) -> TemplateCache:
    """The compiled templates of ``config``'s site, in its cache folder."""
    return TemplateCache(cache.cache_folder(config) / "templates", cache.code_fingerprint())


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds, in the cache's signed files.

    Compiling the theme's templates is a fixed cost of every build that renders (about
    0.2 s, all of a small edit's rendering several times over); Jinja then only checks
    each template's source against the checksum its bucket holds. The code is marshalled
    Python that Jinja loads as it is: the signature is all that stands between a file in
    the site's cache folder and code run by the build, so only files this machine signed
    are ever handed to Jinja (:func:`thrustlib.engine.stored.read`).

    Files are named by thrustlib's fingerprint and the template; those of another
    fingerprint (an older thrustlib) are deleted when this one first writes.
    """

    def __init__(self, folder: Path, code: bytes) -> None:
        self.folder = folder
        self.code = code
        """thrustlib's own fingerprint: the compiled code also depends on the options of
        thrustlib's Jinja environment, which Jinja's checksum of the source does not see."""
        self.prefix = hashlib.sha256(code).hexdigest()[:16] + "-"
        self._pruned = False

    def _path(self, key: str) -> Path:
        name = hashlib.sha256(self.code + key.encode()).hexdigest()[:32]
        return self.folder / f"{self.prefix}{name}.pickle"

    def _prune(self) -> None:
        """Delete the compiled templates of other fingerprints (never through a link)."""
        self._pruned = True
        try:
            with os.scandir(self.folder) as listing:
                old = [
                    entry.path
                    for entry in listing
                    if entry.name.endswith(".pickle")
                    and not entry.name.startswith(self.prefix)
                    and entry.is_file(follow_symlinks=False)
                ]
        except OSError:
            return
        for path in old:
            with contextlib.suppress(OSError):
                os.unlink(path)  # noqa: PTH108 (the names as listed)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = stored.read(self._path(bucket.key), cache.FORMAT)
        if isinstance(found, bytes):
            # Jinja checks the source's checksum and its own version in what it loads,
            # and compiles again when they differ.
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self._pruned and stored.safe_folder(self.folder):
            self._prune()
        stored.write(self._path(bucket.key), cache.FORMAT, bucket.bytecode_to_string())
