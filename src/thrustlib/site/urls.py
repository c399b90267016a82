"""Every URL shape of the site, once: where each page and file lives below the site root.

A page's URL is a folder path ending in ``/`` (``exercises/hip-thrust/``; ``""`` is the
home page), and the page is written as that folder's ``index.html``. Site paths here
are relative to the site root: links are made relative to each page by the views, and
absolute ones by putting the configured base in front. The outside addresses a page
links to (the video host's) are here too, so no other module spells a URL.
"""

from __future__ import annotations

HOME = ""
"""The home page."""

EXERCISES = "exercises/"
"""All exercises A-Z; each exercise's page is below it (:func:`exercise`)."""

MUSCLES = "muscles/"
"""Muscles by body region; each muscle's page is below it (:func:`muscle`)."""

EQUIPMENT = "equipment/"
"""Equipment; each piece's page is below it (:func:`equipment`)."""

VARIATIONS = "variations/"
"""Variation families; each family's page is below it (:func:`family`)."""

LEVELS = "levels/"
"""Levels (beginner, intermediate, advanced); each level's page is below it (:func:`level`)."""

SECTIONS = (EXERCISES, MUSCLES, EQUIPMENT, VARIATIONS, LEVELS)
"""The folders that list a kind of page, each with one page per key below it."""

SEARCH = "search/"
"""Search with filters; without JavaScript, a list of every exercise."""

SEARCH_INDEX = "search/index.json"
"""What the search page's script reads, before fingerprinting (:func:`search_index`)."""

INDEX = "index.html"
"""The file a folder URL is written as."""

NOT_FOUND = "404.html"
"""The page a host serves for a missing address (a file, not a folder)."""

API_DATA = "api/exercises.json"
"""The whole library as JSON."""

API_SCHEMA = "api/exercises.schema.json"
"""The JSON Schema of :data:`API_DATA`."""

ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"

REDIRECTS = "_redirects"
"""Every old address and its new one, in the format Netlify and Cloudflare Pages read."""

GENERATED = (API_DATA, API_SCHEMA, ROBOTS, SITEMAP)
"""Files made from the library that are not pages (no template, no ``index.html``)."""

STATIC = "static/"
"""The folder of the theme's and the site's static files."""


def exercise(slug: str) -> str:
    """An exercise's page: ``exercises/<slug>/``."""
    return f"exercises/{slug}/"


def muscle(key: str) -> str:
    """A muscle's page: ``muscles/<key>/``."""
    return f"muscles/{key}/"


def equipment(key: str) -> str:
    """A piece of equipment's page: ``equipment/<key>/``."""
    return f"equipment/{key}/"


def family(root: str) -> str:
    """A variation family's page, named by its root exercise: ``variations/<root>/``."""
    return f"variations/{root}/"


def level(key: str) -> str:
    """A level's page: ``levels/<key>/``."""
    return f"levels/{key}/"


def static(name: str) -> str:
    """A static file's output path: ``static/<name>``."""
    return STATIC + name


def page_file(url: str) -> str:
    """The output file of a page: ``muscles/glutes/`` -> ``muscles/glutes/index.html``."""
    return url + INDEX if not url or url.endswith("/") else url


def page_url(path: str) -> str:
    """The URL of an output file: ``muscles/glutes/index.html`` -> ``muscles/glutes/``."""
    return path.removesuffix(INDEX)


def route(path: str) -> tuple[str, str | None] | None:
    """The shape of a page's output path: its folder and, below a section, its key.

    ``index.html`` -> ``("", None)``; ``404.html`` -> ``("404.html", None)``;
    ``muscles/index.html`` -> ``("muscles/", None)``; ``exercises/hip-thrust/index.html``
    -> ``("exercises/", "hip-thrust")``; ``None`` for a path of no page's shape. Whether
    such a page exists is for the caller to say.
    """
    if path == INDEX:
        return HOME, None
    if path == NOT_FOUND:
        return NOT_FOUND, None
    parts = path.split("/")
    if parts[-1] != INDEX:
        return None
    if len(parts) == 2:
        return parts[0] + "/", None
    if len(parts) == 3:
        return parts[0] + "/", parts[1]
    return None


# The video host's addresses: what a page links to and what its structured data names.

VIDEO_EMBED_NOCOOKIE = "https://www.youtube-nocookie.com/embed/"
VIDEO_EMBED_PLAIN = "https://www.youtube.com/embed/"


def video_thumbnail(video_id: str) -> str:
    """A video's thumbnail image."""
    return f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"


def video_watch(video_id: str, start: int | None = None) -> str:
    """A video's own page on the host; from second ``start`` when given."""
    if start is not None:
        return f"https://www.youtube.com/watch?v={video_id}&t={start}s"
    return f"https://www.youtube.com/watch?v={video_id}"


def video_embed_base(nocookie: bool) -> str:
    """The player URL prefix: privacy-enhanced youtube-nocookie.com unless turned off."""
    return VIDEO_EMBED_NOCOOKIE if nocookie else VIDEO_EMBED_PLAIN
