"""The library's public JSON form: ``api/exercises.json`` and what apps read.

Plain text only (no Markdown, no HTML), sorted keys and sorted exercises, so the file is
stable across builds and safe for any consumer to display. The JSON Schema beside this
module (``schema/exercises.schema.json``) describes it and is published with the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from thrustlib.content.model import Exercise, HowToStep, Library, ListItem
from thrustlib.content.related import Naming, Related
from thrustlib.content.video import iso_duration
from thrustlib.site import jsontext, urls

SCHEMA_VERSION = 2
SCHEMA_RESOURCE = "exercises.schema.json"


def _items(items: tuple[ListItem, ...]) -> list[dict[str, str | None]]:
    # "group" only where there is one, so that files without sub-headings read as before.
    return [
        {"label": item.label, "text": item.plain}
        if item.group is None
        else {"label": item.label, "text": item.plain, "group": item.group}
        for item in items
    ]


def _step(step: HowToStep) -> dict[str, str | int]:
    # "start" only where there is one, as "group" is for items.
    if step.start is None:
        return {"name": step.name, "text": step.plain}
    return {"name": step.name, "text": step.plain, "start": step.start}


def exercise_json(
    exercise: Exercise, library: Library, base_url: str, related: Naming
) -> dict[str, Any]:
    """One exercise in its public form."""
    slug = exercise.slug
    return {
        "slug": exercise.slug,
        "title": exercise.title,
        "url": base_url + urls.exercise(exercise.slug),
        "description": exercise.description,
        "video": exercise.video,
        "video_duration": None
        if exercise.video_duration is None
        else iso_duration(exercise.video_duration),
        "video_start": exercise.video_start,
        "muscles": list(exercise.muscles),
        "secondary_muscles": list(exercise.secondary_muscles),
        "equipment": list(exercise.equipment),
        "level": exercise.level,
        "variation_of": library.variations[exercise.slug].parent,
        "variations": list(library.variations[exercise.slug].children),
        "aliases": list(exercise.aliases),
        "redirect_from": list(exercise.redirect_from),
        "setup": _items(exercise.setup),
        "execution": _items(exercise.execution),
        "tips": _items(exercise.tips),
        "mistakes": _items(exercise.mistakes),
        "summary": exercise.summary_plain,
        "howto": [_step(step) for step in exercise.howto],
        "substitutes": list(related.substitutes(slug)),
        "easier": related.easier(slug),
        "harder": related.harder(slug),
    }


def library_json(
    library: Library, base_url: str = "/", related: Related | None = None
) -> dict[str, Any]:
    """The whole library: exercises sorted by slug, and muscles with their slugs.

    ``related`` says which substitutes and progressions each exercise names (by default
    those of a site with the default settings).
    """
    base = _base(base_url)
    known = Related(library) if related is None else related
    return {
        "version": SCHEMA_VERSION,
        "exercises": [
            exercise_json(library.whole(slug), library, base, known)
            for slug in sorted(library.exercises)
        ],
        "muscles": _muscles_json(library, base),
    }


Piece = bytes | memoryview
"""One exercise's piece of :func:`library_data`: made now, or a view into the last
build's file (cut out without a copy of 10,000 pieces)."""


def library_data(
    library: Library,
    base_url: str = "/",
    parts: Mapping[str, Piece] | None = None,
    spans: dict[str, tuple[int, int]] | None = None,
    *,
    related: Naming | None = None,
) -> bytes:
    """``dumps(library_json(library, base_url))`` as UTF-8, written one exercise at a time.

    The same bytes, without the whole library as one tree of dicts in memory, nor the
    text held twice over (as a string, then encoded): for 10,000 exercises those were the
    largest things a build held. ``parts`` gives the :func:`exercise_part` of some
    exercises made already (on other cores, or by an earlier build); the rest are made
    here. ``spans``, when given, is filled with where each exercise's part is in the
    result (offset and length), so a later build can take the unchanged ones from it.
    """
    base = _base(base_url)
    known = Related(library) if related is None else related
    rest = jsontext.dumps({"muscles": _muscles_json(library, base), "version": SCHEMA_VERSION})
    # Keys are sorted: "exercises" comes before the rest, which dumps() sorted already.
    pieces: list[Piece] = [b'{"exercises":[']
    offset = len(pieces[0])
    for n, slug in enumerate(sorted(library.exercises)):
        part = parts.get(slug) if parts is not None else None
        if part is None:
            part = exercise_part(library, slug, base, known)
        if n:
            pieces.append(b",")
            offset += 1
        pieces.append(part)
        if spans is not None:
            spans[slug] = (offset, len(part))
        offset += len(part)
    pieces.append(b"]," + rest.removeprefix(b"{") + b"\n")
    return b"".join(pieces)


def exercise_part(library: Library, slug: str, base_url: str, related: Naming) -> bytes:
    """One exercise's piece of :func:`library_data`: its JSON, compact, as UTF-8.

    It reads the exercise whole, its place in its family and the exercises ``related``
    names for it, nothing else of the library.
    """
    whole = library.whole(slug)
    return jsontext.dumps(exercise_json(whole, library, _base(base_url), related))


def _base(base_url: str) -> str:
    return base_url if base_url.endswith("/") else base_url + "/"


def _muscles_json(library: Library, base: str) -> list[dict[str, Any]]:
    vocabulary = library.vocabulary
    return [
        {
            "key": key,
            "name": vocabulary.muscle(key).name,
            "region": vocabulary.muscle(key).region,
            "url": base + urls.muscle(key),
            "exercises": list(group.primary),
            "secondary_exercises": list(group.secondary),
        }
        for key, group in library.muscles.items()
    ]


def dumps(data: Any) -> str:
    """Deterministic, compact JSON (sorted keys, UTF-8, trailing newline): compact
    rather than indented, as the file is for programs (:func:`.jsontext.dumps`)."""
    return jsontext.dumps(data).decode() + "\n"


def schema_text() -> str:
    """The JSON Schema of :func:`library_json`, as shipped in the package."""
    return resources.files("thrustlib.schema").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
