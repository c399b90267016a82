"""Library + theme -> every output file as bytes. Pure: reads templates, writes nothing.

Each output path maps to one page kind (:mod:`~thrustlib.site.pages` has a function per
kind), so a single page can be rendered on its own (the preview server asks for one page
per request) and :meth:`Renderer.render_all` is no more than that for every path. Links
between pages are relative, so the same output works under any prefix; only the 404
page, which a host serves at whatever URL was missing, links from the configured
``base_url`` path.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from dataclasses import dataclass

import jinja2

from thrustlib.config import SiteConfig
from thrustlib.content.model import Library
from thrustlib.content.related import Naming, Related
from thrustlib.errors import ThemeError
from thrustlib.site import api, pages, redirects, search, urls
from thrustlib.site.theme import (
    StaticFile,
    collect_static,
    load_templates,
    make_environment,
    render_template,
)
from thrustlib.site.views import Card, Links, Views

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site."""

    path: str
    """Posix path relative to the output root, e.g. ``exercises/hip-thrust/index.html``."""

    data: bytes
    """The file's bytes."""


def _entries(library: Library) -> dict[str, Collection[str]]:
    """The keys of the pages below each section: which exercise, muscle... pages exist."""
    return {
        urls.EXERCISES: library.exercises,
        urls.MUSCLES: library.muscles,
        urls.EQUIPMENT: library.equipment,
        urls.VARIATIONS: library.families,
        urls.LEVELS: library.levels,
    }


def _exists(library: Library, section: str, key: str | None) -> bool:
    """Whether a routed page is one the library has (without listing every page)."""
    if key is None:
        return section in pages.INDEXES
    keys = _entries(library).get(section)
    return keys is not None and key in keys


class Renderer:
    """Renders a library with one site's configuration and theme."""

    def __init__(
        self,
        config: SiteConfig,
        *,
        file_links: bool = False,
        compiled: jinja2.BytecodeCache | None = None,
    ) -> None:
        self.config = config
        self.file_links = file_links
        """Link folders as ``.../index.html`` (for browsing from disk) instead of ``.../``."""
        templates = config.path(config.templates_dir)
        self.env = make_environment(templates, config.boundary, compiled)
        self.template_error: ThemeError | None = load_templates(self.env)
        """The templates that do not compile, found when the renderer was made.

        Every template of the site's, and of the theme's, is compiled up front, so a
        renderer keeps rendering the templates as they were when it was made, whatever
        happens to the files later. (A theme template asked for by its ``theme/`` name
        alone is compiled when first rendered, from the package's files, never from a
        site file made since: see :class:`~thrustlib.site.theme.SiteLoader`.) A broken
        one only fails the pages that use it (as :meth:`render_page` reports); the
        preview checks this to refuse a broken theme before publishing anything.
        """
        self._static: tuple[dict[str, StaticFile], dict[str, str]] | None = None
        self._cards: tuple[Library | None, dict[tuple[str, str], Card]] = (None, {})
        self._links: Links = {}
        """Every page's links to what is outside its own folder (:class:`~thrustlib.site.
        views.Views`): they depend on paths alone, so they hold for any library."""
        self._related: tuple[Library | None, Related | None] = (None, None)
        self._search: tuple[Library | None, str, bytes] = (None, "", b"")
        # Worked out once: every page asks for them, and each ask parses base_url again.
        self._absolute_base = config.absolute_base
        self._base = self._absolute_base or config.base_path
        self._embed_base = urls.video_embed_base(config.video_nocookie)

    # -- paths ----------------------------------------------------------------------

    def _assets(self) -> tuple[dict[str, StaticFile], dict[str, str]]:
        # Read once per Renderer: a preview server makes a new one when static files change.
        if self._static is None:
            static = self.config.path(self.config.static_dir)
            self._static = collect_static(static, self.config.boundary)
        return self._static

    def _card_cache(self, library: Library) -> dict[tuple[str, str], Card]:
        # Cards are made once per library and link: an exercise is listed on a page per
        # muscle and per piece of equipment, all at the same depth. A new library (the
        # preview's, after an edit) starts a new cache.
        if self._cards[0] is not library:
            self._cards = (library, {})
        return self._cards[1]

    def related(self, library: Library) -> Related:
        """Substitutes and progressions of ``library``'s exercises, as configured.

        One per library: ranking substitutes compares an exercise with many others, and
        every exercise page and API piece asks.
        """
        known, made = self._related
        if known is not library or made is None:
            config = self.config
            made = Related(library, count=config.substitutes, ladder=config.progressions)
            self._related = (library, made)
        return made

    def search_index(self, library: Library) -> tuple[str, bytes]:
        """The search index of ``library``: its fingerprinted output path and bytes."""
        known, path, data = self._search
        if known is not library or not data:
            data = search.index_data(library)
            path = search.index_path(data)
            self._search = (library, path, data)
        return path, data

    def search_index_path(self, library: Library) -> str:
        """Where the search index of ``library`` is written (made to be named, unless
        :meth:`name_search_index` named it)."""
        known, path, _ = self._search
        return path if known is library else self.search_index(library)[0]

    def name_search_index(self, library: Library, path: str) -> None:
        """Say that ``library``'s search index is at ``path`` (the last build's, when no
        exercise is listed differently): its name, a hash of the index, is then taken
        without the index being made, unless a page needs the index itself."""
        if self._search[0] is not library:
            self._search = (library, path, b"")

    def html_paths(self, library: Library) -> list[str]:
        """Every HTML page of the site, sorted."""
        file = urls.page_file
        paths = [file(url) for url in pages.INDEXES]
        paths += [file(urls.exercise(slug)) for slug in library.exercises]
        paths += [file(urls.muscle(key)) for key in library.muscles]
        paths += [file(urls.equipment(key)) for key in library.equipment]
        paths += [file(urls.family(root)) for root in library.families]
        paths += [file(urls.level(key)) for key in library.levels]
        return sorted(paths)

    def redirect_paths(self, library: Library) -> list[str]:
        """The pages at old slugs' addresses and the list of them all, if there are any
        (never in the sitemap: they are not pages of their own)."""
        if not library.redirects:
            return []
        paths = [urls.page_file(urls.exercise(old)) for old in library.redirects]
        return [*paths, urls.REDIRECTS]

    def page_paths(self, library: Library) -> list[str]:
        """Every output path: pages, redirects, generated files and static assets, sorted."""
        generated = (*urls.GENERATED, self.search_index_path(library))
        pages = [*self.html_paths(library), *self.redirect_paths(library)]
        return sorted([*pages, *generated, *self._assets()[0]])

    def url(self, target: str) -> str:
        """Absolute URL of a site path, or root-relative when ``base_url`` is a path."""
        return self._base + target

    # -- rendering ------------------------------------------------------------------

    def render_all(self, library: Library, progress: Progress | None = None) -> list[OutputFile]:
        """Every output file, sorted by path, in memory; nothing is written (a build
        renders through :func:`thrustlib.engine.render.render_into` instead)."""
        paths = self.page_paths(library)
        out = []
        for number, path in enumerate(paths, 1):
            out.append(OutputFile(path, self.render_page(library, path)))
            if progress is not None:
                progress("render", number, len(paths))
        return out

    def warm(self) -> None:
        """Read what every page needs (the static assets) now, once: before processes
        are forked to share the pages, not once in each."""
        self._assets()

    def render_page(self, library: Library, path: str, names: Naming | None = None) -> bytes:
        """One output file's bytes; ``KeyError`` for a path the site does not have.

        ``names`` answers for the exercises a page names (substitutes, easier, harder)
        instead of :meth:`related`: a page of a library that holds only the exercises
        it shows (:mod:`thrustlib.engine.textedit`)."""
        static = self._assets()[0]
        if path in static:
            return static[path].data
        if path == urls.API_DATA:
            return api.library_data(library, self.url(urls.HOME), related=self.related(library))
        if path.startswith(urls.SEARCH) and not path.endswith(urls.INDEX):
            found, data = self.search_index(library)
            if path != found:
                raise KeyError(path)
            return data
        if path == urls.API_SCHEMA:
            return api.schema_text().encode()
        if path == urls.SITEMAP:
            return self._sitemap(library).encode()
        if path == urls.REDIRECTS and library.redirects:
            return redirects.redirects_file(library, self.config.base_path).encode()
        if path == urls.ROBOTS:
            # The Sitemap line must be an absolute URL; without an absolute base_url there
            # is none to give, and crawlers still find /sitemap.xml at the root.
            robots = "User-agent: *\nAllow: /\n"
            if self._absolute_base is not None:
                robots += f"\nSitemap: {self.url(urls.SITEMAP)}\n"
            return robots.encode()
        return self._html(library, path, names)

    def _html(self, library: Library, path: str, names: Naming | None = None) -> bytes:
        """A page of the site: its kind's function, the shared frame, its template."""
        shape = urls.route(path)
        if shape is None:
            raise KeyError(path)
        section, key = shape
        moved = section == urls.EXERCISES and key is not None and key in library.redirects
        if not moved and not _exists(library, section, key):
            raise KeyError(path)
        config = self.config
        views = Views(
            library,
            path,
            file_links=self.file_links,
            embed_base=self._embed_base,
            thumbnails=config.video_thumbnails,
            # Served at whatever address was missing, where relative links would not resolve.
            root=config.base_path if path == urls.NOT_FOUND else None,
            cards=self._card_cache(library),
            links=self._links,
        )
        given = pages.PageInput(
            library,
            config,
            views,
            self._base,
            self._absolute_base,
            self.related(library) if names is None else names,
            self.search_index_path(library) if section == urls.SEARCH else "",
        )
        if moved:
            assert key is not None
            return render_template(
                self.env, "redirect.html", redirects.page_values(given, key)
            ).encode()
        page = pages.INDEXES[section](given) if key is None else pages.ENTRIES[section](given, key)
        context = pages.context(page, path, given, self._assets()[1])
        return render_template(self.env, page.template, context).encode()

    def dependents(self, library: Library, slug: str) -> set[str]:
        """Output paths whose content depends on how exercise ``slug`` is listed: its
        entry (title, description, muscles, level...) and its place in its family.

        Computed from ``library`` as it is now; after an edit, take the union with the
        answer for the library before it, so pages the exercise left are refreshed too.
        An edit of the page's text alone needs only :meth:`own_pages`.
        """
        exercise = library[slug]
        root = library.variations[slug].root
        file = urls.page_file
        # The home page, the section indexes and the search page count or list every
        # exercise; the search index is named by its content, so it is new or kept.
        everything = (urls.HOME, urls.SEARCH, *urls.SECTIONS)
        paths = {urls.SITEMAP, urls.API_DATA, *(file(url) for url in everything)}
        paths.update(file(urls.muscle(k)) for k in exercise.muscles)
        paths.update(file(urls.muscle(k)) for k in exercise.secondary_muscles)
        paths.update(file(urls.equipment(k)) for k in exercise.equipment)
        if exercise.level is not None:
            paths.add(file(urls.level(exercise.level)))
        # Breadcrumbs, family trees and Easier/Harder links name relatives, so the whole
        # family may change. Pages of other families that list it as a substitute are
        # the caller's to add: which they are is known from the substitutes themselves.
        paths.update(file(urls.exercise(s)) for s, _ in library.family(root))
        if root in library.families:
            paths.add(file(urls.family(root)))
        # The pages at its old addresses name it, and _redirects lists them.
        for old in exercise.redirect_from:
            if library.redirects.get(old) == slug:
                paths.update((file(urls.exercise(old)), urls.REDIRECTS))
        return paths

    def own_pages(self, slug: str) -> set[str]:
        """Output paths that show exercise ``slug``'s text: its page and the API."""
        return {urls.page_file(urls.exercise(slug)), urls.API_DATA}

    def _sitemap(self, library: Library) -> str:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for path in self.html_paths(library):
            if path != urls.NOT_FOUND:
                loc = html.escape(self.url(urls.page_url(path)), quote=False)
                lines.append(f"  <url><loc>{loc}</loc></url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"
