"""Library + theme -> every output file as bytes. Pure: reads templates, writes nothing.

Each output path maps to one page kind, so a single page can be rendered on its own
(the preview server asks for one page per request) and :meth:`Renderer.render_all` is
no more than that for every path. Links between pages are relative, so the same output
works under any prefix; only the 404 page, which a host serves at whatever URL was
missing, links from the configured ``base_url`` path.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from xml.sax.saxutils import escape

from markupsafe import Markup

from thrustlib.config import SiteConfig
from thrustlib.content.model import Library
from thrustlib.content.vocabulary import equipment_name, sort_key
from thrustlib.engine import workers as parallel
from thrustlib.errors import ThemeError
from thrustlib.site import api as public
from thrustlib.site import jsonld as structured
from thrustlib.site.theme import (
    StaticFile,
    collect_static,
    load_templates,
    make_environment,
    render_template,
)
from thrustlib.site.views import Card, Link, Views, markdown_block
from thrustlib.site.write import check_paths

Progress = Callable[[str, int, int], None]


class Sink(Protocol):
    """Where :meth:`Renderer.render_all` can send files as it renders them."""

    def write(self, path: str, data: bytes) -> None: ...


NAV = (
    ("Exercises", "exercises/"),
    ("Muscles", "muscles/"),
    ("Equipment", "equipment/"),
    ("Variations", "variations/"),
)
_GENERATED = ("api/exercises.json", "api/exercises.schema.json", "robots.txt", "sitemap.xml")


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site."""

    path: str
    """Posix path relative to the output root, e.g. ``exercises/hip-thrust/index.html``."""

    data: bytes
    """The file's bytes."""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What ``base.html`` puts in ``<head>`` and around the content."""

    path: str
    """Output path of the page."""

    title: str
    """The page's name (its h1)."""

    head_title: str
    """The ``<title>``."""

    description: str
    """Meta and Open Graph description."""

    canonical: str | None
    """Absolute URL, or ``None`` when ``base_url`` is only a path."""

    og_type: str
    """``article`` for exercises, ``website`` otherwise."""

    image: str | None
    """Social card image (the video thumbnail), if any."""

    breadcrumbs: tuple[Link, ...]
    """Home > ... > this page; empty on the home page."""

    nav: tuple[tuple[Link, str | None], ...]
    """Main navigation links, each with its ``aria-current`` value or ``None``."""

    jsonld: tuple[Markup, ...]
    """Serialized JSON-LD blocks, already escaped for a script element."""


def _route(path: str) -> tuple[str, str | None]:
    """``exercises/hip-thrust/index.html`` -> ``("exercise", "hip-thrust")``."""
    parts = path.split("/")
    if path == "index.html":
        return "home", None
    if path == "404.html":
        return "404", None
    if len(parts) == 2 and parts[1] == "index.html":
        return parts[0], None
    if len(parts) == 3 and parts[2] == "index.html":
        return {"exercises": "exercise", "muscles": "muscle", "equipment": "tool"}.get(
            parts[0], "family" if parts[0] == "variations" else "?"
        ), parts[1]
    return "?", None


def _exists(library: Library, kind: str, key: str | None) -> bool:
    """Whether a routed page is one the library has (without listing every page)."""
    if key is None:
        return kind in ("home", "404", "exercises", "muscles", "equipment", "variations")
    groups: dict[str, Any] = {
        "exercise": library.exercises,
        "muscle": library.muscles,
        "tool": library.equipment,
        "family": library.families,
    }
    return kind in groups and key in groups[kind]


class Renderer:
    """Renders a library with one site's configuration and theme."""

    def __init__(self, config: SiteConfig, *, file_links: bool = False) -> None:
        self.config = config
        self.file_links = file_links
        """Link folders as ``.../index.html`` (for browsing from disk) instead of ``.../``."""
        self.env = make_environment(config.path(config.templates_dir))
        self.template_error: ThemeError | None = load_templates(self.env)
        """The templates that do not compile, found when the renderer was made.

        Every template is compiled up front, so a renderer keeps rendering the templates
        as they were when it was made, whatever happens to the files later. A broken one
        only fails the pages that use it (as :meth:`render_page` reports); the preview
        checks this to refuse a broken theme before publishing anything.
        """
        self._static: tuple[dict[str, StaticFile], dict[str, str]] | None = None
        self._cards: tuple[Library | None, dict[tuple[str, str], Card]] = (None, {})
        # Worked out once: every page asks for them, and each ask parses base_url again.
        self._absolute_base = config.absolute_base
        self._base = self._absolute_base or config.base_path

    # -- paths ----------------------------------------------------------------------

    def _assets(self) -> tuple[dict[str, StaticFile], dict[str, str]]:
        # Read once per Renderer: a preview server makes a new one when static files change.
        if self._static is None:
            self._static = collect_static(self.config.path(self.config.static_dir))
        return self._static

    def _card_cache(self, library: Library) -> dict[tuple[str, str], Card]:
        # Cards are made once per library and link: an exercise is listed on a page per
        # muscle and per piece of equipment, all at the same depth. A new library (the
        # preview's, after an edit) starts a new cache.
        if self._cards[0] is not library:
            self._cards = (library, {})
        return self._cards[1]

    def html_paths(self, library: Library) -> list[str]:
        """Every HTML page of the site, sorted."""
        paths = ["index.html", "404.html"]
        for section in ("exercises", "muscles", "equipment", "variations"):
            paths.append(f"{section}/index.html")
        paths += [f"exercises/{slug}/index.html" for slug in library.exercises]
        paths += [f"muscles/{key}/index.html" for key in library.muscles]
        paths += [f"equipment/{key}/index.html" for key in library.equipment]
        paths += [f"variations/{root}/index.html" for root in library.families]
        return sorted(paths)

    def page_paths(self, library: Library) -> list[str]:
        """Every output path: pages, generated files and static assets, sorted."""
        return sorted([*self.html_paths(library), *_GENERATED, *self._assets()[0]])

    def url(self, target: str) -> str:
        """Absolute URL of a site path, or root-relative when ``base_url`` is a path."""
        return self._base + target

    # -- rendering ------------------------------------------------------------------

    def render_all(
        self,
        library: Library,
        progress: Progress | None = None,
        *,
        sink: Sink | None = None,
        jobs: int | None = 1,
    ) -> list[OutputFile]:
        """Every output file, sorted by path; nothing is written.

        With ``sink``, each file goes to ``sink.write(path, data)`` as soon as it is
        rendered and none is kept (the list returned is empty). Then ``jobs`` processes
        (``None``: one per core) may share the pages, each writing through its own copy
        of ``sink``, so the sink must write to disk (a :class:`~thrustlib.site.write.OutputWriter`)
        or need nothing back (``thrustlib check`` renders to a sink that drops the pages).
        The first failing page, in path order, raises whatever the processes.
        """
        paths = self.page_paths(library)
        if sink is None:
            out = []
            for done, path in enumerate(paths, 1):
                out.append(OutputFile(path, self.render_page(library, path)))
                if progress is not None:
                    progress("render", done, len(paths))
            return out
        count = parallel.processes(jobs, len(paths))
        if count > 1:
            check_paths(paths)  # no process sees the paths the others write
            self._assets()  # read once, before the fork, not once per process
        total = len(paths)
        done = 0

        def render_one(path: str) -> BaseException | None:
            nonlocal done
            try:
                sink.write(path, self.render_page(library, path))
            except Exception as exc:
                return parallel.portable(exc) if parallel.in_child() else exc
            # Only the main process reports progress; children send their errors back.
            if progress is not None and not parallel.in_child():
                done += 1
                progress("render", min(done * count, total), total)
            return None

        failures = parallel.map_items(render_one, paths, count)
        failed = next((f for f in failures if f is not None), None)
        if failed is not None:
            raise failed  # the first failing page in path order, however many processes ran
        if progress is not None:
            progress("render", total, total)
        return []

    def render_page(self, library: Library, path: str) -> bytes:
        """One output file's bytes; ``KeyError`` for a path the site does not have."""
        static = self._assets()[0]
        if path in static:
            return static[path].data
        if path == "api/exercises.json":
            return public.library_data(library, self.url(""))
        if path == "api/exercises.schema.json":
            return public.schema_text().encode()
        if path == "sitemap.xml":
            return self._sitemap(library).encode()
        if path == "robots.txt":
            # The Sitemap line must be an absolute URL; without an absolute base_url there
            # is none to give, and crawlers still find /sitemap.xml at the root.
            robots = "User-agent: *\nAllow: /\n"
            if self._absolute_base is not None:
                robots += f"\nSitemap: {self.url('sitemap.xml')}\n"
            return robots.encode()
        kind, key = _route(path)
        if not _exists(library, kind, key):
            raise KeyError(path)
        template, context = self._page(library, path, kind, key)
        return render_template(self.env, template, context).encode()

    def dependents(self, library: Library, slug: str) -> set[str]:
        """Output paths whose content depends on exercise ``slug``.

        Computed from ``library`` as it is now; after an edit, take the union with the
        answer for the library before it, so pages the exercise left are refreshed too.
        """
        exercise = library[slug]
        root = library.variations[slug].root
        paths = {
            "index.html",
            "sitemap.xml",
            "api/exercises.json",
            *(f"{target}index.html" for _, target in NAV),
        }
        paths.update(f"muscles/{k}/index.html" for k in exercise.muscles)
        paths.update(f"muscles/{k}/index.html" for k in exercise.secondary_muscles)
        paths.update(f"equipment/{k}/index.html" for k in exercise.equipment)
        # Breadcrumbs and family trees name relatives, so the whole family may change.
        paths.update(f"exercises/{s}/index.html" for s, _ in library.family(root))
        if root in library.families:
            paths.add(f"variations/{root}/index.html")
        return paths

    # -- pages ----------------------------------------------------------------------

    def _sitemap(self, library: Library) -> str:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for path in self.html_paths(library):
            if path != "404.html":
                target = path.removesuffix("index.html")
                lines.append(f"  <url><loc>{escape(self.url(target))}</loc></url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def _page(
        self, library: Library, path: str, kind: str, key: str | None
    ) -> tuple[str, dict[str, Any]]:
        config = self.config
        views = Views(
            library,
            path,
            file_links=self.file_links,
            embed_base=structured.embed_base(config.video_nocookie),
            thumbnails=config.video_thumbnails,
            root=config.base_path if kind == "404" else None,
            cards=self._card_cache(library),
        )
        names = self._assets()[1]

        def asset(name: str) -> str:
            return views.href(names[name])

        context: dict[str, Any] = {"link": views.href, "asset": asset, "site": config}
        crumbs: list[tuple[str, str]] = [("Home", "")]
        description = config.description
        image = None
        og_type = "website"
        jsonld: list[Any] = []
        if kind == "home":
            template, title = "index.html", config.title
            context.update(
                intro=markdown_block(config.intro),
                regions=views.regions(),
                families=tuple(views.family_link(r) for r in library.families),
                equipment=tuple(views.equipment_link(k) for k in library.equipment),
                total=len(library),
            )
        elif kind == "exercise":
            assert key is not None
            exercise = library.whole(key)
            template, title = "exercise.html", exercise.title
            description, og_type = exercise.description, "article"
            view = views.exercise(exercise)
            context["exercise"] = view
            image = structured.THUMBNAIL.format(id=view.video.id) if view.video else None
            if exercise.muscles:
                first = exercise.muscles[0]
                crumbs.append((views.muscle_name(first), f"muscles/{first}/"))
            else:
                crumbs.append(("Exercises", "exercises/"))
            crumbs += [(library[s].title, library[s].url) for s in library.lineage(key)[:-1]]
            page_url = self.url(exercise.url)
            how = structured.howto(exercise, page_url, nocookie=config.video_nocookie)
            if how is not None:
                jsonld.append(how)
            video = structured.video_object(exercise, page_url, nocookie=config.video_nocookie)
            if video is not None:
                jsonld.append(video)
        elif kind == "exercises":
            template, title = "exercises.html", "All exercises"
            description = f"All {len(library)} exercises from A to Z, with muscles and equipment."
            context["letters"] = _by_letter(views, library)
        elif kind == "muscles":
            template, title = "muscles.html", "Muscles"
            description = "Exercises grouped by the muscle they work, region by region."
            context["regions"] = views.regions()
        elif kind == "muscle":
            assert key is not None
            muscle = library.vocabulary.muscle(key)
            group = library.muscles[key]
            template, title = "muscle.html", muscle.name
            description = f"{group.count} exercises that work the {muscle.name.lower()}."
            crumbs.append(("Muscles", "muscles/"))
            context.update(
                muscle=muscle.name,
                region=muscle.region,
                primary=views.cards(group.primary),
                secondary=views.cards(group.secondary),
            )
        elif kind == "equipment":
            template, title = "equipment-index.html", "Equipment"
            description = "Exercises grouped by the equipment they need."
            context["equipment"] = tuple(views.equipment_link(k) for k in library.equipment)
        elif kind == "tool":
            assert key is not None
            template, title = "equipment.html", equipment_name(key)
            description = f"Exercises with the {title.lower()}: {len(library.equipment[key])}."
            crumbs.append(("Equipment", "equipment/"))
            context["cards"] = views.cards(library.equipment[key])
        elif kind == "variations":
            template, title = "variations.html", "Variations"
            description = "Exercise families: each exercise with the variations built on it."
            context["families"] = tuple(
                (views.family_link(r), views.tree(r)) for r in library.families
            )
        elif kind == "family":
            assert key is not None
            template, title = "family.html", f"{library[key].title} variations"
            description = f"The {library[key].title} and every variation of it, as a tree."
            crumbs.append(("Variations", "variations/"))
            context.update(root=views.exercise_link(key), tree=views.tree(key))
        else:
            template, title = "404.html", "Page not found"
            description = "There is no page at this address."
        if kind != "home":
            crumbs.append((title, path.removesuffix("index.html")))
        breadcrumbs = tuple(
            Link(name, views.href(target), current=n == len(crumbs) - 1)
            for n, (name, target) in enumerate(crumbs)
        )
        if kind == "exercise":
            jsonld.append(structured.breadcrumb_list([(n, self.url(t)) for n, t in crumbs]))
        context["page"] = PageMeta(
            path=path,
            title=title,
            head_title=config.title if kind == "home" else f"{title} · {config.title}",
            description=description,
            canonical=(
                self._absolute_base + path.removesuffix("index.html")
                if self._absolute_base and kind != "404"
                else None
            ),
            og_type=og_type,
            image=image,
            breadcrumbs=breadcrumbs if kind != "home" else (),
            nav=tuple(_nav(views, path)),
            jsonld=tuple(Markup(structured.dump_jsonld(d)) for d in jsonld),
        )
        return template, context


def _nav(views: Views, path: str) -> list[tuple[Link, str | None]]:
    out = []
    for name, target in NAV:
        state = "page" if path == target + "index.html" else None
        if state is None and path.startswith(target):
            state = "true"  # inside the section: marked, but not "this page"
        out.append((Link(name, views.href(target), current=state == "page"), state))
    return out


def _by_letter(views: Views, library: Library) -> list[tuple[str, tuple[Any, ...]]]:
    """Exercises A-Z in groups by first letter; anything else under ``#``."""
    groups: dict[str, list[str]] = {}
    for slug in sorted(library.exercises, key=lambda s: (sort_key(library[s].title), s)):
        first = sort_key(library[slug].title)[:1].upper()
        letter = first if first in string.ascii_uppercase else "#"
        groups.setdefault(letter, []).append(slug)
    return [(letter, views.cards(slugs)) for letter, slugs in sorted(groups.items())]
