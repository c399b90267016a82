"""The orchestrator: load -> parse -> library -> render -> write.

Everything is read, checked and rendered before the first byte is written, so a build
that fails (bad content, a broken template, ``--strict`` warnings) leaves the last good
site exactly as it was. With the content cache (:mod:`thrustlib.engine.cache`), unchanged files
are not parsed again, and a build whose inputs and output are as the last one left them
stops before rendering.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlib.config import SiteConfig
from thrustlib.content.model import Library
from thrustlib.engine import cache as content_cache
from thrustlib.engine import textedit
from thrustlib.engine.cache import Manifest
from thrustlib.engine.fileindex import FileIndex
from thrustlib.engine.site import Engine
from thrustlib.errors import CacheChanged, ContentError, Problem, Problems
from thrustlib.site import urls

if TYPE_CHECKING:  # loaded by the builds that render, when they render
    from thrustlib.site.render import Renderer

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a long stage runs."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a finished build did, for the one-line summary."""

    output: Path
    """The folder the site was written to."""

    pages: int
    """HTML pages written."""

    files: int
    """Files written in all (pages, assets, JSON, sitemap...)."""

    exercises: int
    """Exercises in the library."""

    warnings: tuple[Problem, ...]
    """Warnings found on the way (errors stop the build instead)."""

    seconds: float
    """Wall time from start to the swapped-in output."""

    rendered: int | None = None
    """Files rendered (the others were kept from the last output as they were)."""


UPLOAD_DATE = (
    "the video has no 'video_uploaded': search engines show a video result only with its"
    " upload date; add video_uploaded: YYYY-MM-DD, the date on the video's page (or, for a"
    " site that does not record upload dates, set upload_dates = false under [video] in"
    " site.toml)"
)


def strict_warnings(config: SiteConfig, library: Library) -> list[Problem]:
    """The warnings only ``--strict`` reports (``build`` and ``check`` alike): what a site
    may leave out and still build, but not when it asks for everything to be in place."""
    problems = Problems()
    if config.video_upload_dates:
        for entry in library.exercises.values():
            if entry.video is not None and entry.video_uploaded is None:
                line = entry.source.line_of("video")
                problems.warning(entry.source.path, line, UPLOAD_DATE, key="video_uploaded")
    return problems.items


def load_library(
    config: SiteConfig,
    *,
    drafts: bool | None = None,
    strict: bool = False,
    cache: bool = False,
    jobs: int | None = 1,
    files: FileIndex | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[Library, Problems]:
    """Read and check every exercise file; raise :class:`ContentError` on any error.

    Under ``strict`` warnings count as errors, as mkdocs' ``--strict`` does, and
    :func:`strict_warnings` are looked for too. With
    ``cache``, parse results are read from and saved to the site's cache folder. Up to
    ``jobs`` processes (``None``: one per core) parse a large library; ``files`` is the
    cache's index of the files, when the caller has read it already. ``meanwhile()`` is
    run while other processes parse (:meth:`Engine.load`).
    """
    engine = Engine(config, drafts=drafts, cache=cache, jobs=jobs, files=files)
    return _checked(engine, engine.load(meanwhile=meanwhile), config, strict)


def _checked(
    engine: Engine, library: Library, config: SiteConfig, strict: bool
) -> tuple[Library, Problems]:
    """``library``, read by ``engine``, and its warnings; :class:`ContentError` when
    ``strict`` finds any."""
    if strict and (found := [*engine.warnings, *strict_warnings(config, library)]):
        raise ContentError(found)
    problems = Problems()
    problems.extend(engine.warnings)
    return library, problems


def build(
    config: SiteConfig,
    *,
    output: Path | None = None,
    drafts: bool | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    cache: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the site into ``output`` (default: the configured output folder).

    With ``cache`` the site's cache folder is read and updated (``thrustlib build`` does
    this unless given ``--no-cache``); the output is the same either way. A large site
    is parsed and rendered by up to ``jobs`` processes (``None``: one per core; 1: this
    process alone), again with the same output.
    """
    with _collector_paused():
        try:
            return _build(config, output, drafts, strict, progress, cache, jobs)
        except CacheChanged as exc:
            if not cache:
                raise
            # Another program wrote into the cache while this build read it; nothing was
            # written. Built again from the files alone, the site is what it should be.
            log.warning("%s: building again without the parse cache", exc.reason)
            from thrustlib.engine import parsecache

            parsecache.forget(content_cache.cache_folder(config))
            return _build(config, output, drafts, strict, progress, cache, jobs)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off for a build, as it was after.

    A build makes millions of short-lived objects and next to no reference cycles: the
    collector's passes over an ever larger heap were 5-8 % of a large build and freed
    nothing, and they fell on reading the cache's files too (a pass each time the
    unpickled objects outnumber the last count). Memory is what it was with it on.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _build(
    config: SiteConfig,
    output: Path | None,
    drafts: bool | None,
    strict: bool,
    progress: Progress | None,
    cache: bool,
    jobs: int | None,
) -> BuildResult:
    started = time.perf_counter()
    target = output if output is not None else config.path(config.output_dir)
    drafts_on = config.drafts if drafts is None else drafts
    index = content_cache.file_index(config) if cache else None
    inputs = (
        content_cache.read_inputs(config, target, drafts=drafts_on, index=index) if cache else None
    )
    # Each file's digest as hashed, taken before the engine's reading forgets them.
    sources = textedit.sources(index, config.root.absolute()) if index is not None else {}
    # The last output is checked against its record while the library is read (a stat of
    # each of its files, in a second process where there is a core for it).
    recorded = content_cache.last_build(config, target, jobs=jobs) if inputs is not None else None
    engine: Engine | None = None
    renderer_of = LazyRenderer(config, cache=cache)
    try:
        # The last build's warnings are read while its folder is checked: a build that
        # finds nothing changed, or edits of text alone, reports them again (and fails
        # under --strict, before writing anything). Not those of a record with no
        # manifest: it never holds, and may name warnings of bytes no longer there.
        usable = recorded if recorded is not None and recorded.record.manifest else None
        if usable is not None and usable.record.inputs == inputs:
            warned = _warnings_of(usable.record, strict)
            if usable.holds():
                if index is not None:
                    index.save()  # files too fresh to trust last time may be now
                # Nothing changed: the folder holds what this build would write.
                return _as_last(usable.record, target, warned, started, rendered=0)
        elif usable is not None and inputs is not None and index is not None:
            kept = usable.record
            edits = textedit.take(config, target, kept, inputs, index, sources, strict_warnings)
            if edits is not None:
                warned = _warnings_of(kept, strict)
                if usable.holds():  # only the edited exercises' pages are new
                    rendered = edits.write(renderer_of.get(), drafts_on)
                    if rendered is not None:
                        return _as_last(kept, target, warned, started, rendered=rendered)
        engine = Engine(config, drafts=drafts, cache=cache, jobs=jobs, files=index)
        # A parse cache of many files parsed again is written by a second process while
        # the library is put together. The renderer is made here while the other
        # processes parse, which then parse more of the files.
        loaded = engine.load(save_apart=True, meanwhile=renderer_of.make)
        library, problems = _checked(engine, loaded, config, strict)
        # Loaded only past the early return: a build that finds nothing changed needs
        # neither the renderer nor Jinja (loaded by the renderer, made in the load).
        from thrustlib.engine import incremental
        from thrustlib.engine.render import render_into
        from thrustlib.site.write import IN_PLACE_SHARE, OutputWriter

        renderer = renderer_of.get()
        last = recorded.record if recorded is not None and recorded.holds() else None
        if recorded is not None and last is None:
            log.debug("cache: %s changed since it was built; building in full", target)
        # Only exercise files or the theme changed: the last output's other files are kept.
        previous, theme_changed = None, False
        if last is not None and inputs is not None and last.inputs.settings == inputs.settings:
            previous, theme_changed = last.site, last.inputs.theme != inputs.theme
        found = None
        if previous is not None:
            found = incremental.edits(previous, library)
            if (named := incremental.search_index_of(previous, found)) is not None:
                renderer.name_search_index(library, named)  # not made only to be named
        paths = renderer.page_paths(library)
        plan = incremental.plan(
            renderer, library, paths, previous, target, theme_changed=theme_changed, found=found
        )
        # Each page is written as soon as it is rendered: the site is never whole in memory.
        # A few files of a large site go straight into the last output; more, and the
        # kept files are linked into a new folder swapped in whole.
        few = previous is not None and len(plan.render) <= len(paths) * IN_PLACE_SHARE
        in_place = previous.paths if few and previous is not None else None
        with OutputWriter(target, in_place=in_place) as out:
            for path in plan.keep:
                out.keep(path)
            done = render_into(
                renderer,
                library,
                out,
                paths=plan.render,
                parts=plan.parts,
                jobs=jobs,
                progress=progress,
            )
        if not engine.saved():  # waited for here, so that the time reported includes it
            log.debug("cache: the parse cache was not written in full")
        pages = sum(1 for path in paths if path.endswith(".html"))
        warnings = tuple(problems.warnings)
        if inputs is not None:
            # Without the API rendered again, the file and its spans are the last build's.
            spans = done.spans if urls.API_DATA in plan.render else plan.spans
            search = renderer.search_index_path(library)
            # A file saved while it was read was hashed as other bytes than it was
            # built from: no manifest, so the next build trusts nothing of this one.
            drifted = index is not None and index.drifted
            record = content_cache.BuildRecord.of(
                inputs,
                () if drifted else _manifest(target, paths, last, in_place, plan.render),
                (pages, len(paths), len(library)),
                warnings,
                strict_warnings(config, library),
                incremental.SiteIndex.of(
                    library,
                    renderer.related(library),
                    paths,
                    spans,
                    plan.names,
                    previous,
                    search,
                    sources,
                ),
            )
            content_cache.save_build(config, target, record)
            content_cache.search_names(config, drafts_on).put(library, search)  # for the preview
        return BuildResult(
            target,
            pages,
            len(paths),
            len(library),
            warnings,
            time.perf_counter() - started,
            rendered=done.files,
        )
    finally:
        # Their processes are waited for, whatever happened.
        if recorded is not None:
            recorded.holds()
        if engine is not None:
            engine.saved()


def _warnings_of(record: content_cache.BuildRecord, strict: bool) -> tuple[Problem, ...]:
    """The warnings of the last build (``record``), for a build that leaves its library
    as it was: reported again, and failing it again under ``--strict``."""
    warned = record.warnings()
    if strict and (failing := [*warned, *record.strict_warnings()]):
        raise ContentError(failing)
    return warned


def _as_last(
    record: content_cache.BuildRecord,
    target: Path,
    warned: tuple[Problem, ...],
    started: float,
    *,
    rendered: int,
) -> BuildResult:
    """The result of a build whose site has the last one's pages (``record``)."""
    seconds = time.perf_counter() - started
    return BuildResult(
        target, record.pages, record.files, record.exercises, warned, seconds, rendered=rendered
    )


class LazyRenderer:
    """The site's renderer (Jinja loaded, every template compiled, with the compiled
    templates the cache keeps if ``cache``), made once: by :meth:`make` where a process
    has time for it (as the ``meanwhile`` of :meth:`Engine.load`, while others parse),
    else when :meth:`get` first needs it; one :meth:`make` could not make is tried
    again by :meth:`get`."""

    def __init__(self, config: SiteConfig, *, cache: bool) -> None:
        self.config = config
        self.cache = cache
        self._made: Renderer | None = None

    def make(self) -> None:
        """Make the renderer now, if it is not made yet. One that cannot be made is
        left to :meth:`get`, which raises why: a build reports every problem of the
        library first, in one run, and its files are still being parsed here."""
        if self._made is None:
            try:
                self._made = self._new()
            except Exception:
                log.debug("renderer: not made while parsing; made again after", exc_info=True)

    def get(self) -> Renderer:
        """The renderer, made now if it was not."""
        if self._made is None:
            self._made = self._new()
        return self._made

    def _new(self) -> Renderer:
        from thrustlib.engine.templates import template_cache
        from thrustlib.site.render import Renderer

        compiled = template_cache(self.config) if self.cache else None
        return Renderer(self.config, compiled=compiled)


def _manifest(
    target: Path,
    paths: list[str],
    last: content_cache.BuildRecord | None,
    in_place: Iterable[str] | None,
    rendered: Iterable[str],
) -> Manifest:
    """The manifest of the output just written: after an update in place, the last one
    with the files written or removed looked at again; else every entry."""
    from thrustlib.site.write import output_names

    names = output_names(paths)
    if in_place is None or last is None:
        return content_cache.manifest(target, names)
    touched = set(rendered) | (set(in_place) - set(paths))
    return content_cache.manifest_after(target, names, last.manifest, touched)
