"""One function per page kind, and the frame every page shares.

A kind's function reads the library through the page's views and returns a :class:`Page`:
its template, its name and description, the template's own variables and what the frame
needs to know of it. :func:`context` then adds what every page has in common (the head
title, the canonical URL, the breadcrumbs, the main navigation and the JSON-LD), in one
place for all kinds.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from thrustlib.config import SiteConfig
from thrustlib.content.model import Library
from thrustlib.content.related import Naming
from thrustlib.content.text import sort_key
from thrustlib.content.vocabulary import equipment_name
from thrustlib.frozen import quick_init
from thrustlib.site import jsonld, search, urls
from thrustlib.site.body import markdown_block
from thrustlib.site.bodymap import body_map
from thrustlib.site.views import Card, Link, Views

NAV = (
    ("Exercises", urls.EXERCISES),
    ("Muscles", urls.MUSCLES),
    ("Equipment", urls.EQUIPMENT),
    ("Variations", urls.VARIATIONS),
)
"""The main navigation: each section's name and URL."""

# With each section's output file, so that marking the current one costs no string work.
_NAV_FILES = tuple((name, url, urls.page_file(url)) for name, url in NAV)


@quick_init
@dataclass(frozen=True, slots=True)
class PageInput:
    """What a page function reads: the library, the configuration and the page's views."""

    library: Library
    config: SiteConfig
    views: Views
    """Links relative to the page being rendered."""

    base: str
    """What makes a site path absolute: ``base_url`` when absolute, else its path."""

    absolute_base: str | None
    """``base_url`` when it is absolute, else ``None`` (then no page has a canonical URL)."""

    related: Naming
    """Substitutes and progressions: :class:`~thrustlib.content.related.Related`, worked
    out once per library, or what the last build recorded of them."""

    search_index: str = ""
    """The search index's output path, given to the search page only (its name is a
    hash of the index, which takes every entry to make)."""


@quick_init
@dataclass(frozen=True, slots=True)
class Page:
    """One page as its kind makes it, before :func:`context` adds the shared frame."""

    template: str
    title: str
    """The page's name (its h1)."""

    description: str
    """Meta and Open Graph description."""

    values: dict[str, Any] = field(default_factory=dict)
    """The template's own variables."""

    trail: tuple[tuple[str, str], ...] | None = ()
    """Breadcrumbs between Home and the page itself, as (name, site path); ``None`` for
    no breadcrumbs at all (the home page, which is where they start)."""

    head_title: str | None = None
    """The ``<title>``, when it is not "title · site title"."""

    canonical: bool = True
    """Whether the page has a canonical URL (the 404 page, served at any address, has not)."""

    og_type: str = "website"
    image: str | None = None
    """Social card image, if any."""

    jsonld: tuple[dict[str, Any], ...] = ()
    """Structured data of the page itself, before the breadcrumbs' (if published)."""

    breadcrumb_jsonld: bool = False
    """Publish the breadcrumbs as a schema.org ``BreadcrumbList`` too."""


@quick_init
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


def context(page: Page, path: str, given: PageInput, assets: Mapping[str, str]) -> dict[str, Any]:
    """Everything the template of ``page`` (at output path ``path``) is rendered with."""
    config, views = given.config, given.views

    def asset(name: str) -> str:
        return views.href(assets[name])

    breadcrumbs: tuple[Link, ...] = ()
    blocks = page.jsonld
    if page.trail is not None:
        crumbs = (("Home", urls.HOME), *page.trail, (page.title, urls.page_url(path)))
        last = len(crumbs) - 1
        breadcrumbs = tuple(
            Link(name, views.href(target), current=n == last)
            for n, (name, target) in enumerate(crumbs)
        )
        if page.breadcrumb_jsonld:
            named = [(name, given.base + target) for name, target in crumbs]
            blocks = (*blocks, jsonld.breadcrumb_list(named))
    absolute = given.absolute_base
    meta = PageMeta(
        path=path,
        title=page.title,
        head_title=f"{page.title} · {config.title}" if page.head_title is None else page.head_title,
        description=page.description,
        canonical=absolute + urls.page_url(path) if absolute and page.canonical else None,
        og_type=page.og_type,
        image=page.image,
        breadcrumbs=breadcrumbs,
        nav=_nav(views, path),
        jsonld=tuple(Markup(jsonld.dump_jsonld(d)) for d in blocks),
    )
    return {"link": views.href, "asset": asset, "site": config, **page.values, "page": meta}


def _nav(views: Views, path: str) -> tuple[tuple[Link, str | None], ...]:
    out = []
    for name, url, file in _NAV_FILES:
        state = "page" if path == file else None
        if state is None and path.startswith(url):
            state = "true"  # inside the section: marked, but not "this page"
        out.append((Link(name, views.href(url), current=state == "page"), state))
    return tuple(out)


# -- the pages there is one of ---------------------------------------------------------


def home(given: PageInput) -> Page:
    """The home page: the site's intro, muscles by region, families and equipment."""
    library, views, config = given.library, given.views, given.config
    values = {
        "intro": markdown_block(config.intro),
        "regions": views.regions(),
        "families": tuple(views.family_link(r) for r in library.families),
        "equipment": tuple(views.equipment_link(k) for k in library.equipment),
        "levels": tuple(views.level_link(k) for k in library.levels),
        "total": len(library),
        "body_map": _picker(given),
    }
    # The home page is the site: its <title> is the site's, and breadcrumbs start here.
    title = config.title
    return Page("index.html", title, config.description, values, trail=None, head_title=title)


def exercises(given: PageInput) -> Page:
    """Every exercise A-Z, by first letter."""
    library = given.library
    description = f"All {len(library)} exercises from A to Z, with muscles and equipment."
    values = {"letters": _by_letter(given.views, library)}
    return Page("exercises.html", "All exercises", description, values)


def muscles(given: PageInput) -> Page:
    """Muscles by body region."""
    description = "Exercises grouped by the muscle they work, region by region."
    values = {"regions": given.views.regions(), "body_map": _picker(given)}
    return Page("muscles.html", "Muscles", description, values)


def equipment(given: PageInput) -> Page:
    """Every piece of equipment."""
    views = given.views
    values = {"equipment": tuple(views.equipment_link(k) for k in given.library.equipment)}
    description = "Exercises grouped by the equipment they need."
    return Page("equipment-index.html", "Equipment", description, values)


def levels(given: PageInput) -> Page:
    """The levels, easiest first, each with its exercise count."""
    views, library = given.views, given.library
    values = {"levels": tuple(views.level_link(k) for k in library.levels)}
    description = "Exercises grouped by level: beginner, intermediate and advanced."
    return Page("levels.html", "Levels", description, values)


def variations(given: PageInput) -> Page:
    """Every variation family as a tree."""
    views = given.views
    trees = tuple((views.family_link(r), views.tree(r)) for r in given.library.families)
    values = {"families": trees}
    description = "Exercise families: each exercise with the variations built on it."
    return Page("variations.html", "Variations", description, values)


def search_page(given: PageInput) -> Page:
    """Search with filters; without JavaScript, every exercise A-Z."""
    library, views = given.library, given.views
    values = search.page_values(library, views, views.href(given.search_index))
    description = f"Search {_count(len(library), 'the ')} by name, muscle, equipment and level."
    return Page("search.html", "Search", description, values)


def not_found(given: PageInput) -> Page:
    """The page for a missing address."""
    description = "There is no page at this address."
    return Page("404.html", "Page not found", description, canonical=False)


# -- a page per exercise, muscle, piece of equipment and family -------------------------


def exercise(given: PageInput, slug: str) -> Page:
    """An exercise's page, with its HowTo, VideoObject and BreadcrumbList data."""
    library, views, config = given.library, given.views, given.config
    whole = library.whole(slug)
    view = views.exercise(whole)
    # Reached from its first muscle when it has one, through its ancestors.
    if whole.muscles:
        first = whole.muscles[0]
        trail = [(views.muscle_name(first), urls.muscle(first))]
    else:
        trail = [("Exercises", urls.EXERCISES)]
    trail += [(library[s].title, urls.exercise(s)) for s in library.lineage(slug)[:-1]]
    page_url = given.base + urls.exercise(slug)
    nocookie = config.video_nocookie
    data = (
        jsonld.howto(whole, page_url, nocookie=nocookie),
        jsonld.video_object(whole, page_url, nocookie=nocookie),
    )
    related = given.related
    easier, harder = related.easier(slug), related.harder(slug)
    own = {*whole.muscles, *whole.secondary_muscles}
    values = {
        "exercise": view,
        "substitutes": views.cards(related.substitutes(slug)),
        "easier": None if easier is None else views.card(easier),
        "harder": None if harder is None else views.card(harder),
        # Links from its own muscles only: a link to every muscle page would make every
        # exercise page change whenever a muscle gains its first exercise or loses its
        # last (and nine more tab stops on the way to the page's own links).
        "body_map": body_map(
            library.vocabulary,
            lambda key: views.muscle_href(key) if key in own else None,
            primary=whole.muscles,
            secondary=whole.secondary_muscles,
            label=f"Muscles the {whole.title} works",
        ),
    }
    return Page(
        "exercise.html",
        whole.title,
        whole.description,
        values,
        tuple(trail),
        og_type="article",
        image=urls.video_thumbnail(view.video.id) if view.video else None,
        jsonld=tuple(d for d in data if d is not None),
        breadcrumb_jsonld=True,
    )


def level(given: PageInput, key: str) -> Page:
    """A level's page: the exercises for it, A-Z."""
    slugs = given.library.levels[key]
    name = key.capitalize()
    description = f"{_count(len(slugs))} for the {key} level."
    trail = (("Levels", urls.LEVELS),)
    return Page("level.html", name, description, {"cards": given.views.cards(slugs)}, trail)


def muscle(given: PageInput, key: str) -> Page:
    """A muscle's page: the exercises that work it first, then those that work it too."""
    views = given.views
    named = given.library.vocabulary.muscle(key)
    group = given.library.muscles[key]
    values = {
        "muscle": named.name,
        "region": named.region,
        "primary": views.cards(group.primary),
        "secondary": views.cards(group.secondary),
    }
    works = "works" if group.count == 1 else "work"
    description = f"{_count(group.count)} that {works} the {named.name.lower()}."
    trail = (("Muscles", urls.MUSCLES),)
    return Page("muscle.html", named.name, description, values, trail)


def tool(given: PageInput, key: str) -> Page:
    """A piece of equipment's page: the exercises that use it."""
    slugs = given.library.equipment[key]
    title = equipment_name(key)
    description = f"Exercises with the {title.lower()}: {len(slugs)}."
    trail = (("Equipment", urls.EQUIPMENT),)
    return Page("equipment.html", title, description, {"cards": given.views.cards(slugs)}, trail)


def family(given: PageInput, root: str) -> Page:
    """A variation family's page: its root and every variation of it, as a tree."""
    views = given.views
    name = given.library[root].title
    values = {"root": views.exercise_link(root), "tree": views.tree(root)}
    description = f"The {name} and every variation of it, as a tree."
    trail = (("Variations", urls.VARIATIONS),)
    return Page("family.html", f"{name} variations", description, values, trail)


INDEXES: dict[str, Callable[[PageInput], Page]] = {
    urls.HOME: home,
    urls.NOT_FOUND: not_found,
    urls.EXERCISES: exercises,
    urls.MUSCLES: muscles,
    urls.EQUIPMENT: equipment,
    urls.VARIATIONS: variations,
    urls.LEVELS: levels,
    urls.SEARCH: search_page,
}
"""The page functions of the pages there is one of, by URL."""

ENTRIES: dict[str, Callable[[PageInput, str], Page]] = {
    urls.EXERCISES: exercise,
    urls.MUSCLES: muscle,
    urls.EQUIPMENT: tool,
    urls.VARIATIONS: family,
    urls.LEVELS: level,
}
"""The page functions of the pages below each section, by the section's URL."""


def _count(number: int, the: str = "") -> str:
    """``3 exercises``, ``1 exercise`` (``the 3 exercises``, ``the 1 exercise``)."""
    return f"{the}{number} exercise" + ("" if number == 1 else "s")


def _picker(given: PageInput) -> Markup:
    """The body map as a way in: every muscle with exercises links to its page."""
    label = "Body map: choose a muscle"
    return body_map(given.library.vocabulary, given.views.muscle_href, label=label)


def _by_letter(views: Views, library: Library) -> list[tuple[str, tuple[Card, ...]]]:
    """Exercises A-Z in groups by first letter; anything else under ``#``."""
    groups: dict[str, list[str]] = {}
    for entry in library.a_to_z():
        first = sort_key(entry.title)[:1].upper()
        letter = first if first in string.ascii_uppercase else "#"
        groups.setdefault(letter, []).append(entry.slug)
    return [(letter, views.cards(slugs)) for letter, slugs in sorted(groups.items())]
