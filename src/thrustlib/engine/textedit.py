"""A build after edits of text alone: the edited exercises' pages, and nothing else read.

The usual edit (a sentence added to a tip, a typo fixed) leaves what other pages show
of the exercise as it was (:func:`~thrustlib.engine.incremental.listing`), and what the
library's indexes are made of too (:func:`~thrustlib.content.library.structure`): only
its own page and its piece of the JSON API change (:meth:`~thrustlib.site.render.
Renderer.own_pages`). Telling that takes the edited files alone, so a build with the
cache that finds only such edits does not read the other 9,999 exercises, put the
library together nor compare it with the last. It parses the edited files and checks
each against what the last build recorded of it (its row, and the parse cache's result
for its old bytes: the same structure, listing and problems); renders their pages from
a library of the exercises those pages name and no other; splices their pieces into
the last build's API file; and records the build.

Anything else (a file added, removed or renamed, a problem that changed, an error, a
change other pages show) is left to the whole incremental build
(:mod:`thrustlib.engine.incremental`), which writes the same files: the tests hold both
to a clean build, byte for byte.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from thrustlib.config import SiteConfig
from thrustlib.content import files
from thrustlib.content.boundary import display_name
from thrustlib.content.library import shape
from thrustlib.content.model import Entry, Exercise, HeldContents, Library, MuscleGroup
from thrustlib.engine import cache as content_cache
from thrustlib.engine import incremental, indexes, packing
from thrustlib.engine.fileindex import FileIndex, digest
from thrustlib.engine.parsecache import ParseCache
from thrustlib.errors import Problem
from thrustlib.site import urls

if TYPE_CHECKING:
    from thrustlib.site.render import Renderer

MOST = 8
"""The most edited files a build takes this way: more at once (a checkout, a search and
replace) are rarely all edits of text alone, and each one parsed before the first that
is not is parsed for nothing (the whole build parses it again)."""

_LISTED = MuscleGroup((), ())
"""A muscle's group in a library of a few exercises: their pages ask only whether each of
their muscles has a page (it has: they work it), never what else is on it."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """The exercises each page names (:class:`~thrustlib.content.related.Naming`), as
    the last build's rows recorded them (:func:`~thrustlib.engine.incremental.named`):
    the same answers :class:`~thrustlib.content.related.Related` gives when no exercise
    is listed otherwise than then."""

    names: Mapping[str, tuple[str, ...]]

    def substitutes(self, slug: str) -> tuple[str, ...]:
        return self.names[slug][:-2]

    def easier(self, slug: str) -> str | None:
        return self.names[slug][-2] or None

    def harder(self, slug: str) -> str | None:
        return self.names[slug][-1] or None


def sources(index: FileIndex, root: Path) -> dict[str, bytes]:
    """The digest of each exercise file this build looked up in ``index`` (it hashed
    its inputs: every one), by its path as problems show it: relative to the site folder
    ``root``, or absolute outside it (exercises kept elsewhere, by the opt-in)."""
    inside = f"{root}/"
    return {
        # The same text as the parse cache's key for the file (load.read_entries).
        display_name(name, inside) or name: found
        for name, (_, found) in index.looked.items()
        if found is not None
    }


@dataclass(frozen=True, slots=True)
class TextEdits:
    """Edits of text alone, ready to be written over the last build's output."""

    config: SiteConfig
    target: Path
    last: content_cache.BuildRecord
    site: incremental.SiteIndex
    inputs: content_cache.Inputs
    sources: Mapping[str, bytes]
    cache: ParseCache
    edits: tuple[_Edit, ...]
    library: Library
    """The edited exercises and those their pages name (:func:`_library`)."""

    def write(self, renderer: Renderer, drafts: bool) -> int | None:
        """Render the edited exercises' pages and the API into the output, record the
        build and keep the new parse results; the number of files rendered, or ``None``
        (nothing written) when the last API file cannot be read (gone since the output
        was checked): the whole build makes it again."""
        from thrustlib.site import api
        from thrustlib.site.write import IN_PLACE_SHARE, OutputWriter

        try:
            last_api = (self.target / urls.API_DATA).read_bytes()
        except OSError:
            return None
        site, library = self.site, self.library
        names = Recorded({edit.slug: site.rows[edit.slug][7] for edit in self.edits})
        pages = {}
        for edit in self.edits:
            path = urls.page_file(urls.exercise(edit.slug))
            pages[path] = renderer.render_page(library, path, names)
        base = renderer.url(urls.HOME)
        parts = {e.slug: api.exercise_part(library, e.slug, base, names) for e in self.edits}
        data, spans = _spliced(last_api, site.spans, parts)
        written = sorted({*pages, urls.API_DATA})
        # Moved into the last output one by one, unless that is much of a small site.
        few = len(written) <= len(site.paths) * IN_PLACE_SHARE
        with OutputWriter(self.target, in_place=site.paths if few else None) as out:
            for path, page in pages.items():
                out.write(path, page)
            out.write(urls.API_DATA, data)
            for path in site.paths:
                if path not in pages and path != urls.API_DATA:
                    out.keep(path)
            in_place = out.in_place is not None  # else the folder was swapped whole
        last = self.last
        listed = [entry[0] for entry in last.manifest]
        manifest = (
            content_cache.manifest_after(self.target, listed, last.manifest, written)
            if in_place
            else content_cache.manifest(self.target, listed)
        )
        rows = dict(site.rows)
        for edit in self.edits:
            rows[edit.slug] = incremental.row(edit.entry, rows[edit.slug][7])
        now = dataclasses.replace(site, rows=rows, spans=spans, sources=dict(self.sources))
        record = dataclasses.replace(last, inputs=self.inputs, manifest=manifest, site=now)
        content_cache.save_build(self.config, self.target, record)
        if site.search_index:  # the same index, for the preview's library of these files
            kept = content_cache.search_names(self.config, drafts)
            by_row = ((slug, row[0], row[1]) for slug, row in rows.items())
            kept.put_key(indexes.sources_key_of(by_row, kept.context), site.search_index)
        for edit in self.edits:
            self.cache.swap(edit.was, edit.key, edit.result)
        self.cache.save_swapped()
        return len(written)


def take(
    config: SiteConfig,
    target: Path,
    last: content_cache.BuildRecord,
    inputs: content_cache.Inputs,
    index: FileIndex,
    now: Mapping[str, bytes],
    strict_of: Callable[[SiteConfig, Library], list[Problem]],
) -> TextEdits | None:
    """The edits since ``last`` (the record of the last build into ``target``, whose
    folder is as it left it) when they are edits of text alone; else ``None``, and
    nothing written (the bytes ``index`` holds of the files are left for the whole
    build). ``inputs`` and ``now`` (:func:`sources`) are this build's, read through
    ``index``; ``strict_of`` gives the warnings only ``--strict`` reports."""
    site = last.site
    settings, theme = last.inputs.settings, last.inputs.theme
    if site is None or (settings, theme) != (inputs.settings, inputs.theme):
        return None
    before = site.sources
    if before.keys() != now.keys():
        return None  # a file added, removed or renamed (or a record without sources)
    changed = [path for path, found in now.items() if before[path] != found]
    if not changed or len(changed) > MOST:
        return None
    slugs = {row[0]: slug for slug, row in site.rows.items()}
    cache = ParseCache(content_cache.cache_folder(config), config.vocabulary, index)
    edits = []
    for path in changed:
        slug = slugs.get(path)
        if slug is None:
            return None  # a file the last library left out (a hidden draft)
        edit = _edit(config, cache, site, index, path, slug, now[path], strict_of)
        if edit is None or slug not in site.spans:
            return None
        edits.append(edit)
    library = _library(config, cache, site, edits)
    if library is None:
        return None
    return TextEdits(config, target, last, site, inputs, now, cache, tuple(edits), library)


@dataclass(frozen=True, slots=True)
class _Edit:
    """One edited file, parsed again and found to be an edit of its text alone."""

    slug: str
    was: bytes
    """Its parse cache key as the last build read it."""
    key: bytes
    """Its parse cache key now."""
    result: packing.PackedResult
    entry: Entry
    exercise: Exercise


def _edit(
    config: SiteConfig,
    cache: ParseCache,
    site: incremental.SiteIndex,
    index: FileIndex,
    path: str,
    slug: str,
    now: bytes,
    strict_of: Callable[[SiteConfig, Library], list[Problem]],
) -> _Edit | None:
    """The edit of the file ``path`` (the exercise ``slug`` last time, whose bytes have the
    digest ``now``) if it is of its text alone, else ``None``."""
    was = cache.key(path, site.sources[path])
    old = cache.get(was)
    if old is None or old.entry is None:
        return None
    full = config.root.absolute() / path
    data = index.peek(full)  # read as the build hashed it; left for a whole build
    if data is None:
        try:
            data = files.read_file(full, limit=config.max_file_size)
        except (OSError, files.Refused):
            return None  # the whole build says why
    if digest(data) != now:
        return None  # saved again since it was hashed
    from thrustlib.engine.load import parse_exercise  # loads the parser

    parsed = parse_exercise(Path(path), data, config.vocabulary)
    result = packing.pack(parsed)
    entry = result.entry
    if parsed.exercise is None or entry is None or not result.ok:
        return None

    def strict(one: Entry) -> list[Problem]:
        return strict_of(config, Library(MappingProxyType({slug: one}), config.vocabulary, {}))

    same = (
        entry.slug == slug
        and result.shape == (old.shape or shape(old.entry))
        # Its warnings as they were, so the record's are still the build's.
        and result.problems == old.problems
        and incremental.listing(entry) == site.rows[slug][2]
        and strict(entry) == strict(old.entry)
    )
    if not same:
        return None
    return _Edit(slug, was, cache.key(path, now), result, entry, parsed.exercise)


def _library(
    config: SiteConfig, cache: ParseCache, site: incremental.SiteIndex, edits: list[_Edit]
) -> Library | None:
    """A library of the edited exercises and of those their pages name (their family
    around them, their substitutes, easier and harder), with every place in a family:
    what their pages and API pieces read of a library. ``None`` when one of those is not
    in the parse cache as the last build read it."""
    variations = incremental.Places(site.variations)
    edited = {edit.slug: edit for edit in edits}
    shown: set[str] = set()
    muscles: set[str] = set()
    for slug, edit in edited.items():
        own = variations[slug]
        shown.update(own.children, (s for s in site.rows[slug][7] if s))
        if own.parent is not None:
            shown.update(variations[own.parent].children)
        parent = own.parent
        while parent is not None:
            shown.add(parent)
            parent = variations[parent].parent
        muscles.update(edit.entry.muscles, edit.entry.secondary_muscles)
    entries = {}
    for slug in sorted(shown | edited.keys()):
        if slug in edited:
            entries[slug] = edited[slug].entry
            continue
        row = site.rows.get(slug)
        found = None if row is None else cache.get(cache.key(row[0], site.sources[row[0]]))
        if found is None or found.entry is None:
            return None
        entries[slug] = found.entry
    vocabulary = config.vocabulary
    return Library(
        MappingProxyType(entries),
        vocabulary,
        # In the vocabulary's order, as a whole library's groups are.
        {m.key: _LISTED for m in vocabulary.muscles if m.key in muscles},
        variations=variations,
        families=site.families,
        contents=HeldContents(MappingProxyType({s: e.exercise for s, e in edited.items()})),
    )


def _spliced(
    data: bytes, spans: Mapping[str, tuple[int, int]], parts: Mapping[str, bytes]
) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """The API file ``data`` with the pieces of ``parts`` in place of theirs (``spans``
    say where each exercise's piece is), and where every piece is in the result."""
    edited = sorted((spans[slug], part) for slug, part in parts.items())
    whole = memoryview(data)  # the unchanged runs as views: copied once, by the join
    pieces: list[bytes | memoryview] = []
    at = 0
    moves: list[tuple[int, int]] = []  # (offset, how far the pieces after it move)
    for (offset, length), part in edited:
        pieces += [whole[at:offset], part]
        at = offset + length
        moves.append((offset, len(part) - length))
    pieces.append(whole[at:])
    # A piece moves by what the edited pieces before it grew or shrank by: few edits, so
    # one search among them for each of 10,000 pieces.
    starts = [start for start, _ in moves]
    shifts = [0, *itertools.accumulate(by for _, by in moves)]
    now = {
        slug: (offset + shifts[bisect.bisect_left(starts, offset)], length)
        for slug, (offset, length) in spans.items()
    }
    for slug, part in parts.items():
        now[slug] = (now[slug][0], len(part))
    return b"".join(pieces), now
