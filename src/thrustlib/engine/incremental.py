"""What a build can keep of the last one: the files an edit leaves as they were.

A build with the cache records what its output was made from (:class:`SiteIndex`: a row
per exercise, every place in a family, the output paths, and each exercise's piece of
the JSON API). The next build into the same folder compares that with its own library.
An exercise whose text changed but that other pages show as before (:func:`listing`)
needs its own page and API piece again; one listed differently, added, removed or moved
in its family needs the pages that depend on it (:meth:`thrustlib.site.render.Renderer.
dependents`, the rule the preview uses too) and those whose substitutes or Easier and
Harder links now differ. Every other file stays as it is: the few new files are moved
into the last output, or (when many changed) the kept files are linked into a new folder
swapped in whole (:class:`~thrustlib.site.write.OutputWriter`). Changed templates or
static files make every HTML page and asset stale but leave the files made from the
library alone (the JSON API, the sitemap, the search index); a change of site.toml, of
the drafts switch or of thrustlib itself makes everything stale (the caller does not ask
then).

An entry holds a hash of its file's bytes and the file's path, so two equal entries
come from the same file and give the same page: comparing entries is comparing sources.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib.content.model import Entry, Library, Source, Variation
from thrustlib.site import urls

if TYPE_CHECKING:  # the cache reads a SiteIndex before a build knows it needs Jinja
    from thrustlib.content.related import Related
    from thrustlib.site.api import Piece
    from thrustlib.site.render import Renderer


Row = tuple[
    str,
    bytes,
    bytes,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    str | None,
    tuple[str, ...],
]
"""What a build keeps of an exercise: its file and the hash of its text (together they
decide its entry and its page), the hash of what other pages show of it (:func:`listing`),
the muscles, equipment and level whose pages list it, and the exercises its page names
as substitutes, easier and harder (:func:`named`)."""


Place = tuple[str | None, tuple[str, ...], str, int, bool]
"""An exercise's place in its family as plain values (a :class:`Variation`'s fields in
order), as the record keeps it: compared and stored without making 10,000 objects."""


_PLACE = operator.attrgetter(*(f.name for f in fields(Variation)))


def place(variation: Variation) -> Place:
    """``variation`` as a :data:`Place`: its fields in order, as ``Variation(*found)``
    takes them back (in :class:`Places`)."""
    found: Place = _PLACE(variation)
    return found


class Places(Mapping[str, Variation]):
    """Every exercise's place in its family (:data:`Place` by slug, as a record keeps
    them), each made a :class:`Variation` when asked for: the pages a build renders from
    a record ask for a few of 10,000."""

    def __init__(self, places: Mapping[str, Place]) -> None:
        self.places = places

    def __getitem__(self, slug: str) -> Variation:
        return Variation(*self.places[slug])

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


def listing(entry: Entry) -> bytes:
    """A hash of what pages other than its own show of ``entry``: cards, links, the
    search index, substitutes and redirects read these fields and nothing else of it. Two versions
    with the same listing differ only on the exercise's own page and in the API."""
    shown = (
        entry.title,
        entry.description,
        entry.video is not None,
        entry.level,
        entry.aliases,
        entry.muscles,
        entry.secondary_muscles,
        entry.equipment,
        entry.redirect_from,  # the redirect pages and _redirects
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).digest()


def named(related: Related, slug: str) -> tuple[str, ...]:
    """The other exercises ``slug``'s page names by what :class:`Related` worked out."""
    return (*related.substitutes(slug), related.easier(slug) or "", related.harder(slug) or "")


def row(entry: Entry, names: tuple[str, ...]) -> Row:
    """The :data:`Row` of ``entry``, whose page names ``names`` (:func:`named`)."""
    source = entry.source
    return (
        str(source.path),
        source.digest,
        listing(entry),
        entry.muscles,
        entry.secondary_muscles,
        entry.equipment,
        entry.level,
        names,
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

    variations: Mapping[str, Place]
    """Each exercise's place in its family."""

    families: tuple[str, ...]
    """The roots that have variations."""

    paths: tuple[str, ...]
    """Every output path, sorted."""

    spans: Mapping[str, tuple[int, int]]
    """Where each exercise's piece of ``api/exercises.json`` is in that file (offset and
    length), by slug: the pieces of unchanged exercises are taken from it."""

    search_index: str = ""
    """The search index's output path (named by a hash of the index)."""

    sources: Mapping[str, bytes] = field(default_factory=dict)
    """The digest of every exercise file's bytes (:func:`~thrustlib.engine.fileindex.
    digest`) by its path as problems show it (relative to the site folder, or absolute
    outside it): which files an edit changed, told without reading the others
    (:mod:`thrustlib.engine.textedit`)."""

    @classmethod
    def of(
        cls,
        library: Library,
        related: Related,
        paths: Iterable[str],
        spans: Mapping[str, tuple[int, int]],
        names: Mapping[str, tuple[str, ...]] | None = None,
        previous: SiteIndex | None = None,
        search_index: str = "",
        sources: Mapping[str, bytes] | None = None,
    ) -> SiteIndex:
        """The index of a build of ``library``; ``names`` gives :func:`named` for the
        exercises a plan knows it of already (the rest are worked out here), and the
        rows of ``previous`` (the last build's index) are taken where still right;
        ``sources`` are the digests of the files the build read."""
        known = names or {}
        last = previous.rows if previous is not None else {}
        rows = {}
        for slug, entry in library.exercises.items():
            names_now = known.get(slug) or named(related, slug)
            was = last.get(slug)
            if was is not None and was[7] == names_now and _same_file(was[0], was[1], entry.source):
                rows[slug] = was  # made from the same file, naming the same: as it was
            else:
                rows[slug] = row(entry, names_now)
        return cls(
            rows,
            {slug: place(variation) for slug, variation in library.variations.items()},
            library.families,
            tuple(sorted(paths)),
            dict(spans),
            search_index,
            dict(sources or {}),
        )

    def library(self, like: Library, slugs: Iterable[str]) -> Library:
        """A library of the last build, enough for :meth:`Renderer.dependents` of
        ``slugs``: their entries as far as the rows tell, and every place in a family."""
        entries = {}
        for slug in slugs:
            found = self.rows.get(slug)
            if found is not None:
                path, digest, _, muscles, secondary, equipment, level, _ = found
                source = Source(Path(path), digest=digest)
                entries[slug] = Entry(
                    source,
                    slug,
                    title="",
                    description="",
                    muscles=muscles,
                    secondary_muscles=secondary,
                    equipment=equipment,
                    level=level,
                )
        return Library(
            entries, like.vocabulary, {}, variations=Places(self.variations), families=self.families
        )


@dataclass(frozen=True, slots=True)
class Edits:
    """How two versions of a library differ, exercise by exercise."""

    edited: set[str]
    """Exercises whose file changed in any way (their pages and API pieces are new)."""

    moved: set[str]
    """Those of ``edited`` that other pages show differently too: added, removed, listed
    differently (:func:`listing`) or with another place in a family."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Which output files to render, and which to keep from the last output."""

    render: list[str]
    """Paths to render, sorted."""

    keep: list[str] = field(default_factory=list)
    """Paths whose file in the last output is what this build would write, sorted."""

    parts: dict[str, Piece] = field(default_factory=dict)
    """The API pieces of the last build still valid, by slug."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Where those pieces are in the last build's API file."""

    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """What each exercise's page names (:func:`named`), where the plan knows it."""


def edits(previous: SiteIndex, library: Library) -> Edits:
    """How ``library`` differs from the one the last build's ``previous`` index was made of."""
    rows = {slug: (r[0], r[1], r[2]) for slug, r in previous.rows.items()}
    return _compare(rows, previous.variations, library)


def search_index_of(previous: SiteIndex, found: Edits) -> str | None:
    """The last build's search index path, if no exercise is listed otherwise than then
    (``found``: :func:`edits`), so that its index is the same file; else ``None``."""
    return None if found.moved else previous.search_index or None


def differences(old: Library, new: Library) -> Edits:
    """How ``new`` differs from ``old``, as the preview sees an edit."""
    old_rows = {slug: _compared(entry) for slug, entry in old.exercises.items()}
    return _compare(old_rows, {slug: place(v) for slug, v in old.variations.items()}, new)


def _compared(entry: Entry) -> tuple[str, bytes, bytes]:
    source = entry.source
    return str(source.path), source.digest, listing(entry)


def _same_file(path: str, digest: bytes, source: Source) -> bool:
    """Whether a row of the file ``path`` with the text hash ``digest`` was made from the
    file ``source`` is, with the same text."""
    return bool(source.digest) and digest == source.digest and path == str(source.path)


def _compare(
    rows: Mapping[str, tuple[str, bytes, bytes]], places: Mapping[str, Place], new: Library
) -> Edits:
    """What differs in ``new`` from ``rows`` (file, text hash and listing of each
    exercise) and ``places`` (each one's place in its family). Equal files with equal
    text give the same entry, so the build and the preview compare the same way."""
    edited, moved = set(), set()
    for slug in rows.keys() | new.exercises.keys():
        entry = new.exercises.get(slug)
        was = rows.get(slug)
        if entry is None:
            now = None
        elif was is not None and _same_file(was[0], was[1], entry.source):
            now = was  # the same bytes at the same path: the same entry (see the module)
        else:
            now = _compared(entry)
        variation = new.variations.get(slug)
        elsewhere = places.get(slug) != (None if variation is None else place(variation))
        if was != now or elsewhere:
            edited.add(slug)
            if was is None or now is None or was[0] != now[0] or was[2] != now[2] or elsewhere:
                moved.add(slug)
    return Edits(edited, moved)


def stale_pages(renderer: Renderer, old: Library, new: Library, found: Edits) -> set[str]:
    """Output paths that may differ between ``old`` and ``new`` (both whole libraries, as
    the preview holds them) because of ``found``."""
    stale = _fed(renderer, old, new, found)
    for library in (old, new) if found.moved else ():
        related = renderer.related(library)
        for slug in found.moved & library.exercises.keys():
            stale.update(urls.page_file(urls.exercise(s)) for s in related.listers(slug))
    return stale


def _fed(renderer: Renderer, old: Library, new: Library, found: Edits) -> set[str]:
    """The pages the edited exercises feed themselves, in ``old`` and in ``new``: the
    own pages of those edited in their text alone, the dependents of the moved ones (the
    pages naming them from other families are the caller's to find)."""
    stale: set[str] = set()
    for slug in found.edited - found.moved:
        stale |= renderer.own_pages(slug)
    for slug in found.moved:
        for library in (old, new):
            if slug in library.exercises:
                stale |= renderer.dependents(library, slug)
    return stale


def plan(
    renderer: Renderer,
    library: Library,
    paths: list[str],
    previous: SiteIndex | None,
    output: Path,
    *,
    theme_changed: bool = False,
    found: Edits | None = None,
) -> Plan:
    """What to render of ``paths`` for ``library``, given the last build's index (``None``:
    no usable last build, so everything) and its ``output`` folder (as it left it);
    ``found`` is :func:`edits` when the caller has it already."""
    if previous is None:
        return Plan(list(paths))
    found = found if found is not None else edits(previous, library)
    edited = set(found.edited)
    stale = _fed(renderer, previous.library(library, found.moved), library, found)
    if found.moved:
        # The pages that name other exercises (substitutes, easier, harder): those that
        # name a moved one (its title may have changed), before or now, and those that
        # now name others or the same in another order.
        related = renderer.related(library)
        names = {slug: named(related, slug) for slug in library.exercises}
        for slug, now in names.items():
            was = previous.rows.get(slug)
            if was is None:
                continue
            if was[7] != now:
                edited.add(slug)
                stale.add(urls.page_file(urls.exercise(slug)))
            elif not found.moved.isdisjoint(now):
                stale.add(urls.page_file(urls.exercise(slug)))
    else:
        # Nothing is listed differently, so every page names what it named before.
        names = {slug: r[7] for slug, r in previous.rows.items() if slug in library.exercises}
    if theme_changed:
        # Every page links the assets by their fingerprints, and all are in the theme;
        # the files made from the library alone (API, sitemap, search index) are not.
        stale.update(p for p in paths if p.endswith(".html") or p.startswith(urls.STATIC))
    # The list of old addresses is a few lines made from every exercise's, which the
    # rows do not keep: made again each time rather than kept wrongly.
    stale.add(urls.REDIRECTS)
    before = set(previous.paths)
    render = [p for p in paths if p in stale or p not in before]
    keep = [p for p in paths if p not in stale and p in before]
    spans = {
        slug: span
        for slug, span in previous.spans.items()
        if slug in library.exercises and slug not in edited
    }
    return Plan(render, keep, _parts(output / urls.API_DATA, spans), spans, names)


def _parts(api_file: Path, spans: Mapping[str, tuple[int, int]]) -> dict[str, Piece]:
    """The pieces ``spans`` names, cut out of the last build's API file."""
    if not spans:
        return {}
    try:
        data = memoryview(api_file.read_bytes())  # views, not 10,000 copies
    except OSError:
        return {}
    return {slug: data[offset : offset + length] for slug, (offset, length) in spans.items()}
