"""The search page and the index its script reads: made from the library's entries alone.

The index is one small JSON file written at build time and fetched only by the search
page, so that a site on a static host searches without a server and without any
request to another host. It is compact by layout rather than by compression tricks:
each exercise is one array in a fixed field order, and muscles, equipment and levels
are numbers into tables carried once at the top. At 1,000 real-shaped exercises it is
about 21 KB gzipped (``tests/test_search.py`` holds it under 40 KB).

The layout (``version`` 1)::

    {"version": 1,
     "fields": ["slug", "title", "description", "aliases", "muscles",
                "secondary_muscles", "equipment", "level", "family"],
     "muscles": [["glutes", "Glutes"], ...],      # key and display name
     "equipment": [["bench", "Bench"], ...],
     "levels": [["beginner", "Beginner"], ...],
     "exercises": [[slug, title, description, [alias, ...], [muscle, ...],
                    [secondary muscle, ...], [equipment, ...], level, family], ...]}

Exercises are in title order (as every A-Z list of the site); ``slug`` is ``""`` when it
is the title's own ASCII slug (most are: the script makes it back); ``level`` is a
number into ``levels`` or ``null``; ``family`` is the position, in ``exercises``, of
the root of the exercise's variation family (its own for a root) or ``null`` for an
exercise without variations. Keys are always in the order above and lists in the
library's orders, so the same library gives the same bytes and the same fingerprinted
name.

"No equipment" (the ``none`` value of the equipment filter) means an exercise whose
``equipment`` in ``api/exercises.json`` is empty or only ``["bodyweight"]``: nothing
to fetch before starting. ``bodyweight`` itself is an ordinary equipment value and
matches every exercise that lists it, as its ``equipment/bodyweight/`` page does.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from thrustlib.content.model import Entry, Library
from thrustlib.content.vocabulary import equipment_name, needed_equipment
from thrustlib.site import jsontext, urls
from thrustlib.site.theme import fingerprint
from thrustlib.site.views import Link, Views

INDEX_VERSION = 1
"""Increased when the index's layout changes, so a script can tell the shapes apart."""

FIELDS = (
    "slug",
    "title",
    "description",
    "aliases",
    "muscles",
    "secondary_muscles",
    "equipment",
    "level",
    "family",
)
"""The order of each exercise's values in the index."""

NO_EQUIPMENT = "none"
"""The equipment filter's value for exercises that need nothing (see the module's
docstring). ``none`` is never an equipment key: files saying it get ``bodyweight``."""

NO_EQUIPMENT_NAME = "No equipment"

_SLUG_OF_ASCII = re.compile(r"[^a-z0-9]+")
_ROWS_ENCODED = 256


def needs_no_equipment(entry: Entry) -> bool:
    """True when the exercise needs nothing: no equipment, or bodyweight alone."""
    return not needed_equipment(entry.equipment)


def _implied_slug(title: str) -> str | None:
    """The slug the script can make from ``title`` without help, for ASCII titles only.

    The script lowercases and joins runs of other characters with ``-``; for ASCII that
    is exactly what :func:`~thrustlib.content.text.slugify` does, and beyond ASCII the two
    languages fold letters differently, so those slugs are always written out.
    """
    if not title.isascii():
        return None
    return _SLUG_OF_ASCII.sub("-", title.lower()).strip("-")


def index_data(library: Library) -> bytes:
    """The search index of ``library`` as UTF-8 JSON (the layout is in the module's
    docstring); deterministic: the same library gives the same bytes."""
    vocabulary = library.vocabulary
    muscle_keys = list(library.muscles)
    equipment_keys = list(library.equipment)
    level_keys = list(library.levels)
    muscle_at = {key: n for n, key in enumerate(muscle_keys)}
    equipment_at = {key: n for n, key in enumerate(equipment_keys)}
    level_at = {key: n for n, key in enumerate(level_keys)}
    entries = library.a_to_z()
    position = {entry.slug: n for n, entry in enumerate(entries)}
    families = set(library.families)
    variations = library.variations
    # Keys stay in the order written here, which is fixed, so the bytes are as stable
    # as sorted keys would make them.
    encode = functools.partial(jsontext.dumps, sort_keys=False)
    muscle, tool = muscle_at.__getitem__, equipment_at.__getitem__
    # Exercises are encoded a few hundred at a time: one call of the encoder per
    # exercise was a third of the index's time, and a tree of 10,000 lists held whole is
    # what made the cycle collector walk the whole heap.
    rows: list[list[Any]] = []
    encoded: list[bytes] = []
    for entry in entries:
        root = variations[entry.slug].root
        row = [
            "" if _implied_slug(entry.title) == entry.slug else entry.slug,
            entry.title,
            entry.description,
            list(entry.aliases),
            list(map(muscle, entry.muscles)),
            list(map(muscle, entry.secondary_muscles)),
            list(map(tool, entry.equipment)),
            None if entry.level is None else level_at[entry.level],
            position[root] if root in families else None,
        ]
        rows.append(row)
        if len(rows) == _ROWS_ENCODED:
            encoded.append(encode(rows)[1:-1])
            rows.clear()
    if rows:
        encoded.append(encode(rows)[1:-1])
    head = {
        "version": INDEX_VERSION,
        "fields": list(FIELDS),
        "muscles": [[k, vocabulary.muscle(k).name] for k in muscle_keys],
        "equipment": [[k, equipment_name(k)] for k in equipment_keys],
        "levels": [[k, k.capitalize()] for k in level_keys],
    }
    # The exercises come last, after the small tables a reader needs to make sense of them.
    return encode(head).removesuffix(b"}") + b',"exercises":[' + b",".join(encoded) + b"]}\n"


def index_path(data: bytes) -> str:
    """Where the index is written: ``search/index.<8 hex of its sha256>.json``, so that
    hosts may cache it for good and a new build is fetched under a new name."""
    return fingerprint(urls.SEARCH_INDEX, data)


# -- the page -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    """One checkbox of a filter."""

    value: str
    """What the URL carries (``glutes``, ``none``, ``beginner``)."""

    name: str
    """The label."""

    count: int
    """Exercises with this option before any query or filter (the script updates it)."""


@dataclass(frozen=True, slots=True)
class Facet:
    """One filter: a fieldset of checkboxes, one URL parameter."""

    param: str
    """The URL parameter (``muscle``, ``equipment``, ``level``), repeated per value."""

    legend: str
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class ExerciseLinks:
    """How the script turns a slug into a link from the search page.

    Taken apart from a real link the page's views made, so that the search page's
    links have the shape every other page's have (``.../index.html`` when the site is
    built for browsing from disk) without a second place knowing that shape.
    """

    prefix: str
    """What comes before the slug: ``../exercises/``."""

    suffix: str
    """What comes after it: ``/``, or ``/index.html``."""


def facets(library: Library) -> tuple[Facet, ...]:
    """The search page's filters, each option with its count over the whole library.

    Muscles are primary muscles (what a muscle filter is asked for: the exercises that
    train it first), in the vocabulary's order; equipment is "No equipment" and then
    every piece in key order; levels are in their natural order. Options no exercise
    has are left out.
    """
    entries = library.exercises.values()
    muscles = tuple(
        Option(key, library.vocabulary.muscle(key).name, len(group.primary))
        for key, group in library.muscles.items()
        if group.primary
    )
    bare = sum(1 for e in entries if needs_no_equipment(e))
    equipment = tuple(
        Option(key, equipment_name(key), len(slugs)) for key, slugs in library.equipment.items()
    )
    if bare:
        equipment = (Option(NO_EQUIPMENT, NO_EQUIPMENT_NAME, bare), *equipment)
    levels = tuple(Option(k, k.capitalize(), len(slugs)) for k, slugs in library.levels.items())
    return (
        Facet("muscle", "Primary muscle", muscles),
        Facet("equipment", "Equipment", equipment),
        Facet("level", "Level", levels),
    )


def page_values(library: Library, views: Views, index_href: str) -> dict[str, Any]:
    """The search page's template values: a search field and filters for the script,
    and without it every exercise A-Z and links to the muscle, equipment and level pages.

    ``index_href`` is the link from this page to the index (:func:`index_path`). The
    list of every exercise is links only, no cards: it is the page without JavaScript,
    and at 10,000 exercises cards would make it several megabytes.
    """
    hrefs = views.href(urls.exercise("slug")).rpartition("slug")
    everything = tuple(
        Link(entry.title, views.href(urls.exercise(entry.slug))) for entry in library.a_to_z()
    )
    return {
        "index_href": index_href,
        "exercise_links": ExerciseLinks(hrefs[0], hrefs[2]),
        "facets": facets(library),
        "everything": everything,
        "browse": (
            ("Muscles", tuple(views.muscle_link(k) for k in library.muscles)),
            ("Equipment", tuple(views.equipment_link(k) for k in library.equipment)),
            ("Levels", tuple(views.level_link(k) for k in library.levels)),
        ),
    }
