"""The preview's snapshots, and what an edit makes stale.

The site lives in memory as immutable :class:`Snapshot` values: a library, a renderer,
the set of output paths, and the pages rendered from them so far (pages render on first
request, so a 10,000-page site starts fast). The library comes from the same
:class:`thrustlib.engine.site.Engine` a build uses; here, pages that do not depend on an
edited exercise carry over to the new snapshot. Templates, static files and site.toml
change everything and start from an empty cache.

Nothing here holds a lock or a socket: :mod:`thrustlib.serve.server` makes snapshots on its
rebuild thread and publishes them as :class:`Live` values, which :mod:`thrustlib.serve.http`
answers requests from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from thrustlib.content.model import Library
from thrustlib.errors import Problem
from thrustlib.site.render import Renderer


class Snapshot:
    """One good build: never changes, except for filling in pages as they are asked for."""

    __slots__ = ("_pages", "library", "paths", "renderer")

    def __init__(
        self,
        library: Library,
        renderer: Renderer,
        paths: frozenset[str],
        pages: dict[str, bytes] | None = None,
    ) -> None:
        self.library = library
        self.renderer = renderer
        self.paths = paths
        """Every output path the site has."""
        # Filled from request threads without a lock: a dict store is atomic, and two
        # threads racing to render one page store identical bytes.
        self._pages: dict[str, bytes] = pages if pages is not None else {}

    def page(self, path: str) -> bytes | None:
        """The bytes of output ``path``, rendered on first use; ``None`` if there is none."""
        data = self._pages.get(path)
        if data is None and path in self.paths:
            data = self.renderer.render_page(self.library, path)
            self._pages[path] = data
        return data

    def successor(
        self, library: Library, paths: frozenset[str] | None, stale: Iterable[str]
    ) -> Snapshot:
        """A snapshot of ``library`` keeping the rendered pages that are not ``stale``."""
        pages = dict(self._pages)
        for path in stale:
            pages.pop(path, None)
        if paths is not None and paths != self.paths:
            pages = {p: data for p, data in pages.items() if p in paths}
        return Snapshot(library, self.renderer, paths or self.paths, pages)


@dataclasses.dataclass(frozen=True, slots=True)
class Live:
    """What the server shows, swapped as one value: the site, the errors, their generation."""

    snapshot: Snapshot | None
    """The last good build, or ``None`` when there has not been one yet."""

    errors: tuple[Problem, ...] = ()
    """Errors of the latest attempt, shown over every page; empty after a good build."""

    generation: int = 0
    """Counts finished attempts, good or bad; pages reload when it moves."""


def sample(paths: Iterable[str]) -> list[str]:
    """One output path per kind of page, to try the templates before publishing."""
    kinds: dict[tuple[str, int], str] = {}
    for path in sorted(paths):
        if path.endswith(".html"):
            parts = path.split("/")
            kinds.setdefault((parts[0] if len(parts) > 1 else path, len(parts)), path)
    return sorted(kinds.values())
