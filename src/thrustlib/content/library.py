"""All exercises -> :class:`~thrustlib.content.model.Library`: slugs, indexes, the variation tree.

Checks that need more than one file live here: duplicate slugs, ``variation_of`` naming
no exercise, cycles, the parents inferred from titles, and (in :mod:`.links`) old slugs
and links between exercises. Like the parser, this stage
collects problems instead of stopping at the first.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from thrustlib.content.ladder import level_gaps
from thrustlib.content.links import check_links, redirects
from thrustlib.content.model import (
    Contents,
    Entry,
    Exercise,
    HeldContents,
    Library,
    MuscleGroup,
    Variation,
)
from thrustlib.content.text import closest, sort_key, title_words
from thrustlib.content.vocabulary import LEVELS, Vocabulary
from thrustlib.errors import Problems


def build_library(
    exercises: Iterable[Entry],
    vocabulary: Vocabulary,
    problems: Problems,
    *,
    drafts: bool = False,
    contents: Contents | None = None,
) -> Library:
    """Index the exercises and resolve their variation tree; problems go to ``problems``.

    ``exercises`` may be whole exercises or entries alone: the library keeps entries,
    and the whole exercises given in its :attr:`~thrustlib.content.model.Library.
    contents`, unless ``contents`` says where they are kept.
    """
    by_slug, hidden = _by_slug(exercises, drafts, problems)
    moved = redirects(by_slug, hidden, problems)
    check_links(by_slug, moved, hidden, problems)
    parents, inferred = _resolve_parents(by_slug, hidden, problems)
    title_key = {slug: (sort_key(e.title), slug) for slug, e in by_slug.items()}
    variations = _variation_tree(by_slug, parents, inferred, title_key, problems)

    def title_order(slugs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(slugs, key=title_key.__getitem__))

    # One pass over the exercises, not one per muscle of the vocabulary.
    primary: dict[str, list[str]] = {}
    secondary: dict[str, list[str]] = {}
    for slug, exercise in by_slug.items():
        for key in exercise.muscles:
            primary.setdefault(key, []).append(slug)
        for key in exercise.secondary_muscles:
            secondary.setdefault(key, []).append(slug)
    muscles: dict[str, MuscleGroup] = {}
    for muscle in vocabulary.muscles:
        if muscle.key in primary or muscle.key in secondary:
            muscles[muscle.key] = MuscleGroup(
                title_order(primary.get(muscle.key, ())),
                title_order(secondary.get(muscle.key, ())),
            )

    equipment: dict[str, list[str]] = {}
    levels: dict[str, list[str]] = {}
    for slug, exercise in by_slug.items():
        for key in exercise.equipment:
            equipment.setdefault(key, []).append(slug)
        if exercise.level is not None:
            levels.setdefault(exercise.level, []).append(slug)

    families = title_order(
        slug for slug, v in variations.items() if v.parent is None and v.children
    )
    entries, contents = _entries(by_slug, contents)
    library = Library(
        exercises=entries,
        vocabulary=vocabulary,
        muscles=MappingProxyType(muscles),
        equipment=MappingProxyType({k: title_order(v) for k, v in sorted(equipment.items())}),
        variations=MappingProxyType(variations),
        families=families,
        levels=MappingProxyType({k: title_order(levels[k]) for k in LEVELS if k in levels}),
        redirects=MappingProxyType(moved),
        contents=contents,
    )
    level_gaps(library, problems)  # gaps in the Easier/Harder ladder of a family
    return library


def _by_slug(
    exercises: Iterable[Entry], drafts: bool, problems: Problems
) -> tuple[dict[str, Entry], set[str]]:
    """The exercises a site shows by slug (drafts left out unless ``drafts``), in slug
    order, and the slugs of the drafts left out; duplicate slugs are errors."""
    by_slug: dict[str, Entry] = {}
    hidden: set[str] = set()
    # By slug, then (for the duplicates, an error) by file, so the same file is named
    # first whatever order the files came in. The files only when needed: the text of
    # 10,000 freshly unpickled paths was 0.02 s of every build.
    ordered = sorted(exercises, key=_slug)
    if len({e.slug for e in ordered}) != len(ordered):
        ordered.sort(key=lambda e: (e.slug, str(e.source.path)))
    for exercise in ordered:
        if exercise.draft and not drafts:
            hidden.add(exercise.slug)
            continue
        first = by_slug.get(exercise.slug)
        if first is not None:
            problems.error(
                exercise.source.path,
                exercise.source.line_of("slug") or 1,
                f"duplicate slug '{exercise.slug}': {first.source.path} has it too;"
                " rename one file or set 'slug:'",
            )
            continue
        by_slug[exercise.slug] = exercise

    by_slug = dict(sorted(by_slug.items()))
    return by_slug, hidden


_slug = operator.attrgetter("slug")


def _entries(
    by_slug: dict[str, Entry], contents: Contents | None
) -> tuple[Mapping[str, Entry], Contents]:
    """The library's entries, and where the whole exercises among ``by_slug`` are kept."""
    if contents is None:
        contents = HeldContents(
            MappingProxyType({s: e for s, e in by_slug.items() if isinstance(e, Exercise)})
        )
    entries = {s: e.entry() if isinstance(e, Exercise) else e for s, e in by_slug.items()}
    return MappingProxyType(entries), contents


INDEXES = ("muscles", "equipment", "variations", "families", "levels", "redirects")
"""The fields of a :class:`Library` that :func:`build_library` makes from what it reads of
the exercises, as opposed to the entries themselves."""


def with_indexes(
    exercises: Iterable[Entry],
    vocabulary: Vocabulary,
    indexes: Mapping[str, Any],
    *,
    drafts: bool = False,
) -> Library:
    """The library :func:`build_library` makes of ``exercises``, given the :data:`INDEXES`
    it made of exercises that agree with these on everything it reads (their slugs,
    titles, parents, muscles, equipment, levels, old slugs, links, the lines of their
    keys) and had no error: only the entries and the contents are made here."""
    by_slug, _ = _by_slug(exercises, drafts, Problems())
    entries, contents = _entries(by_slug, None)
    return Library(exercises=entries, vocabulary=vocabulary, contents=contents, **indexes)


def structure(exercise: Entry) -> tuple[Any, ...]:
    """What :func:`build_library` reads of an exercise.

    Two versions of a file that agree on this give the same library but for that one
    exercise's own text, so an edit of the text can skip the cross-file work (the
    preview's :meth:`~thrustlib.engine.site.Engine.library`, and
    :mod:`thrustlib.engine.indexes` for a build).
    """
    return (
        exercise.slug,
        exercise.title,
        exercise.draft,
        exercise.variation_of,
        exercise.variation_of_null,
        exercise.muscles,
        exercise.secondary_muscles,
        exercise.equipment,
        exercise.level,
        tuple(sorted(exercise.inferred)),  # as text, the same in every process
        # Old slugs and links are checked across files; the parts of a page, against
        # the links of others to it.
        exercise.redirect_from,
        exercise.links,
        exercise.anchors,
        exercise.source.path,
        tuple(exercise.source.key_lines.items()),
    )


def shape(exercise: Entry) -> bytes:
    """A digest of :func:`structure`: equal digests, equal structures.

    Taken where a file is parsed (in whichever process parses it) and kept with the
    cached result, so that a build comparing 10,000 structures with the last build's
    hashes 10,000 digests rather than the text of 10,000 structures (a tenth of a
    second of every build after an edit).
    """
    # repr, not pickle: equal values always give equal text, whatever objects hold them.
    return hashlib.sha256(repr(structure(exercise)).encode()).digest()


def _resolve_parents(
    by_slug: dict[str, Entry], drafts: set[str], problems: Problems
) -> tuple[dict[str, str | None], set[str]]:
    """Each exercise's parent, checked or inferred, and the slugs whose parent was inferred.

    The exercises themselves are left as parsed: the parent lives in the library's
    variation tree, so a 10,000-exercise build copies no exercise to record a guess.
    """
    # Titles as tuples of words, so "Hip Thrust" is found inside "Single-Leg Hip Thrust"
    # by looking up each run of words: linear in the library, not quadratic. Made once
    # per title, uncached: 10,000 titles would only push the muscles and headings out of
    # normalize's cache, and were normalised twice over (0.1 s of indexing 10,000).
    words = {slug: title_words(e.title) for slug, e in by_slug.items()}
    titles: dict[tuple[str, ...], str] = {}
    for slug, title in words.items():
        titles.setdefault(title, slug)
    # The lengths of the titles each word starts, longest first: the only runs of words
    # worth looking up (most words start no title).
    starts: dict[str, list[int]] = {}
    for title in titles:
        if title:
            starts.setdefault(title[0], []).append(len(title))
    lengths = {word: sorted(set(found), reverse=True) for word, found in starts.items()}
    parents: dict[str, str | None] = {}
    for slug, exercise in by_slug.items():
        path = exercise.source.path
        line = exercise.source.line_of("variation_of")
        parent = exercise.variation_of
        if parent is not None and parent in drafts:
            problems.warning(
                path,
                line,
                f"'variation_of: {parent}' is a draft, so this page is shown without a parent",
            )
            parent = None
        elif parent is not None and parent not in by_slug:
            hint = closest(parent, by_slug)
            problems.error(
                path,
                line,
                f"'variation_of: {parent}' names no exercise"
                + (f"; did you mean '{hint}'?" if hint else ""),
            )
            parent = None
        elif parent == slug:
            problems.error(path, line, "an exercise cannot be a variation of itself")
            parent = None
        parents[slug] = parent

    # Inference comes after every stated parent is known, and never closes a loop: a
    # guess whose own line of parents leads back here is a wrong guess, not an error.
    inferred: set[str] = set()
    for slug, exercise in by_slug.items():
        # A stated parent that was dropped above (unknown, a draft) is not guessed at.
        if exercise.variation_of is not None or exercise.variation_of_null:
            continue
        guess = _contained_title(words[slug], titles, lengths, slug)
        if guess is None or _leads_to(guess, slug, parents):
            continue
        problems.warning(
            exercise.source.path,
            1,
            f"variation_of inferred as '{guess}' because its title"
            f" '{by_slug[guess].title}' is part of this one; write 'variation_of:"
            f" {guess}' (or 'variation_of: null' for no parent)",
        )
        parents[slug] = guess
        inferred.add(slug)
    return parents, inferred


def _leads_to(start: str, target: str, parents: dict[str, str | None]) -> bool:
    """True when following parents up from ``start`` reaches ``target``."""
    seen: set[str] = set()
    slug: str | None = start
    while slug is not None and slug not in seen:
        if slug == target:
            return True
        seen.add(slug)
        slug = parents.get(slug)
    return False


def _contained_title(
    words: tuple[str, ...],
    titles: dict[tuple[str, ...], str],
    lengths: dict[str, list[int]],
    own: str,
) -> str | None:
    """The slug of the longest other title that is a run of words of this title (the
    first such run, of two as long); ``lengths``: of the titles each word starts."""
    best, size_of_best = None, 0
    count = len(words)
    for start, word in enumerate(words):
        for size in lengths.get(word, ()):
            if size <= size_of_best:
                break  # longest first: none left at this start beats the best
            if size >= count or start + size > count:
                continue  # the title itself, or a run past its end
            found = titles.get(words[start : start + size])
            if found is not None and found != own:
                best, size_of_best = found, size
                break
    return best


def _variation_tree(
    by_slug: dict[str, Entry],
    parents: dict[str, str | None],
    inferred: set[str],
    title_key: dict[str, tuple[str, str]],
    problems: Problems,
) -> dict[str, Variation]:
    """Parents, children, roots and depths; a cycle is reported once and broken."""
    parent = dict(parents)
    reported: set[str] = set()
    for start in sorted(parent):
        seen: list[str] = []
        slug: str | None = start
        while slug is not None and slug not in seen:
            seen.append(slug)
            slug = parent[slug]
        if slug is None or slug in reported:
            continue
        cycle = seen[seen.index(slug) :]
        reported.update(cycle)
        first = min(cycle)
        exercise = by_slug[first]
        chain = " -> ".join([*cycle[cycle.index(first) :], *cycle[: cycle.index(first)], first])
        problems.error(
            exercise.source.path,
            exercise.source.line_of("variation_of"),
            f"variation_of forms a cycle: {chain}",
        )
        parent[first] = None  # break it so the rest of the run can go on

    children: dict[str, list[str]] = {slug: [] for slug in parent}
    for slug, p in parent.items():
        if p is not None:
            children[p].append(slug)

    out: dict[str, Variation] = {}
    roots = sorted((s for s, p in parent.items() if p is None), key=title_key.__getitem__)
    stack = [(root, root, 0) for root in reversed(roots)]
    while stack:
        slug, root, depth = stack.pop()
        # Most exercises have no variations: no sort, and nothing to push, for them.
        below = children[slug]
        kids = tuple(sorted(below, key=title_key.__getitem__)) if below else ()
        out[slug] = Variation(parent[slug], kids, root, depth, slug in inferred)
        if kids:
            stack.extend([(kid, root, depth + 1) for kid in reversed(kids)])
    return dict(sorted(out.items()))
