"""What a build can keep of the last one: the files an edit leaves as they were.

A build with the cache records what its output was made from (:class:`SiteIndex`: every
exercise's entry and place in its family, the output paths, and each exercise's piece
of the JSON API). The next build into the same folder compares that with its own
library: the pages that depend on a changed exercise (:meth:`thrustlib.site.render.
Renderer.dependents`, the rule the preview uses too) are rendered again, and every
other file is linked from the last output into the new one, which is then swapped in
whole as always. Changed templates or static files make every HTML page and asset stale
but leave the JSON API and the sitemap; a change of site.toml, of the drafts switch or
of thrustlib itself makes everything stale (the caller does not ask then).

An entry holds a hash of its file's bytes and the file's path, so two equal entries
come from the same file and give the same page: comparing entries is comparing sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib.content.model import Entry, Library, Source, Variation
from thrustlib.site import urls

if TYPE_CHECKING:  # the cache reads a SiteIndex before a build knows it needs Jinja
    from thrustlib.site.render import Renderer


Row = tuple[str, bytes, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""What a build keeps of an exercise: its file, the hash of its text (together they
decide its entry and its page), and the muscles and equipment whose pages list it."""


def row(entry: Entry) -> Row:
    """The :data:`Row` of ``entry``."""
    source = entry.source
    return (
        str(source.path),
        source.digest,
        entry.muscles,
        entry.secondary_muscles,
        entry.equipment,
    )


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """What the files of one build were made from, for the next build to compare with.

    Rows rather than entries: the next build only asks which exercises changed and which
    pages listed them, and a record of 10,000 whole entries took longer to read and
    write than the pages such a build renders.
    """

    rows: Mapping[str, Row]
    """Each exercise's :data:`Row`, by slug."""

    variations: Mapping[str, Variation]
    """Each exercise's place in its family."""

    families: tuple[str, ...]
    """The roots that have variations."""

    paths: tuple[str, ...]
    """Every output path, sorted."""

    spans: Mapping[str, tuple[int, int]]
    """Where each exercise's piece of ``api/exercises.json`` is in that file (offset and
    length), by slug: the pieces of unchanged exercises are taken from it."""

    @classmethod
    def of(
        cls, library: Library, paths: Iterable[str], spans: Mapping[str, tuple[int, int]]
    ) -> SiteIndex:
        return cls(
            {slug: row(entry) for slug, entry in library.exercises.items()},
            dict(library.variations),
            library.families,
            tuple(sorted(paths)),
            dict(spans),
        )

    def changed(self, library: Library) -> set[str]:
        """Slugs whose exercise or place in a family differs in ``library``."""
        return _changed(self.rows, self.variations, library)

    def library(self, like: Library, slugs: Iterable[str]) -> Library:
        """A library of the last build, enough for :meth:`Renderer.dependents` of
        ``slugs``: their entries as far as the rows tell, and every place in a family."""
        entries = {}
        for slug in slugs:
            found = self.rows.get(slug)
            if found is not None:
                path, digest, muscles, secondary, equipment = found
                source = Source(Path(path), digest=digest)
                entries[slug] = Entry(
                    source,
                    slug,
                    title="",
                    description="",
                    muscles=muscles,
                    secondary_muscles=secondary,
                    equipment=equipment,
                )
        return Library(
            entries, like.vocabulary, {}, variations=self.variations, families=self.families
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """Which output files to render, and which to keep from the last output."""

    render: list[str]
    """Paths to render, sorted."""

    keep: list[str] = field(default_factory=list)
    """Paths whose file in the last output is what this build would write, sorted."""

    parts: dict[str, bytes] = field(default_factory=dict)
    """The API pieces of the last build still valid, by slug."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Where those pieces are in the last build's API file."""


def changed_slugs(old: Library, new: Library) -> set[str]:
    """Slugs whose exercise or place in a family differs between two libraries."""
    rows = {slug: row(entry) for slug, entry in old.exercises.items()}
    return _changed(rows, old.variations, new)


def _changed(
    rows: Mapping[str, Row], variations: Mapping[str, Variation], new: Library
) -> set[str]:
    """Slugs whose row or place in a family in ``new`` differs from ``rows`` and
    ``variations``: equal rows come from the same text at the same path, so they are the
    same entry (the build and the preview compare the same way)."""
    out = set()
    for slug in rows.keys() | new.exercises.keys():
        entry = new.exercises.get(slug)
        now = row(entry) if entry is not None else None
        if rows.get(slug) != now or variations.get(slug) != new.variations.get(slug):
            out.add(slug)
    return out


def stale_pages(renderer: Renderer, old: Library, new: Library, slugs: Iterable[str]) -> set[str]:
    """Output paths that may differ between ``old`` and ``new`` because of ``slugs``."""
    stale: set[str] = set()
    for slug in slugs:
        if slug in old.exercises:
            stale |= renderer.dependents(old, slug)
        if slug in new.exercises:
            stale |= renderer.dependents(new, slug)
    return stale


def plan(
    renderer: Renderer,
    library: Library,
    paths: list[str],
    previous: SiteIndex | None,
    output: Path,
    *,
    theme_changed: bool = False,
) -> Plan:
    """What to render of ``paths`` for ``library``, given the last build's index (``None``:
    no usable last build, so everything) and its ``output`` folder (as it left it)."""
    if previous is None:
        return Plan(list(paths))
    changed = previous.changed(library)
    stale = stale_pages(renderer, previous.library(library, changed), library, changed)
    if theme_changed:
        # Every page links the assets by their fingerprints, and all are in the theme.
        stale.update(p for p in paths if p not in urls.GENERATED)
    before = set(previous.paths)
    render = [p for p in paths if p in stale or p not in before]
    keep = [p for p in paths if p not in stale and p in before]
    spans = {
        slug: span
        for slug, span in previous.spans.items()
        if slug in library.exercises and slug not in changed
    }
    return Plan(render, keep, _parts(output / urls.API_DATA, spans), spans)


def _parts(api_file: Path, spans: Mapping[str, tuple[int, int]]) -> dict[str, bytes]:
    """The pieces ``spans`` names, cut out of the last build's API file."""
    if not spans:
        return {}
    try:
        data = api_file.read_bytes()
    except OSError:
        return {}
    return {slug: data[offset : offset + length] for slug, (offset, length) in spans.items()}
