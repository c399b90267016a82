"""Substitutes and progressions: the other exercises an exercise page points to.

**Substitutes** ("Instead, with other equipment") are exercises outside the exercise's
own variation family (its family root differs, so the exercise itself is out too) that
share at least one of its primary muscles and need different equipment:

- the equipment an exercise needs is its ``equipment`` set less ``bodyweight``, so an
  exercise that lists none and one that lists only ``bodyweight`` both need nothing, and
  ``[bench, bodyweight]`` needs what ``[bench]`` does. A candidate qualifies when that
  set is not the exercise's own: "with other equipment" offers a different set-up, and
  one that needs less or more still is one (a dumbbell split squat for a barbell one).
- ranked by the primary muscles they share (most first); then by the secondary
  muscles they share, counting only a candidate's secondary muscles against the
  exercise's secondary ones (a candidate whose *primary* muscle is one of the
  exercise's secondary ones trains that muscle as its main work, a different emphasis,
  and has already been weighed by the primary count); then by how far apart the levels
  are (0 for the same level; when either side has no level, after every known
  distance); then by title (:func:`~thrustlib.content.text.sort_key`), then slug. The
  order is total, so the answer never depends on the order the files were read in.
- at most ``count`` of them (6 unless the site says otherwise; 0 turns them off).

A muscle can have thousands of exercises, so no exercise scans them. Exercises with the
same primary and secondary muscles (a *pair*) and the same level form a group, kept in
title order, and every member of a group scores the same against a given exercise. So
the pairs sharing a primary muscle are put in tiers of equal score once per primary set
(the primary count) and once per pair (the secondary count, read from the pairs that do
share one); the ranking for a pair and level is a lazy merge of whole groups, tier by
tier, read only as far as someone asks. It is shared by every exercise of that pair and
level, its equipment filter by every one with the same equipment too, and the answer by
every one with the same family as well: each takes the first ``count`` outside it.

**Progressions** ("Easier" and "Harder") stay inside the variation family: see
:mod:`thrustlib.content.ladder`, which also warns about gaps in a family's levels.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Generic, NamedTuple, Protocol, TypeVar

from thrustlib.content.ladder import RANK, Ladder
from thrustlib.content.model import Library
from thrustlib.content.text import sort_key
from thrustlib.content.vocabulary import LEVELS, needed_equipment

DEFAULT_SUBSTITUTES = 6
"""How many substitutes an exercise page shows unless the site says otherwise."""


_NO_LEVEL = len(LEVELS)
"""The rank that stands for "no level": after every known distance, as the rules say."""

_SORT_AT_ONCE = 256
"""Up to this many candidates of equal rank are sorted at once (in C); more are merged
lazily from their groups, which costs a Python step per group however few are read."""

# A substitute candidate as the groups hold it: (title sort key, slug, equipment id,
# family root). Title and slug come first and are unique together, so tuples order by
# title then slug and never compare the rest.
_Candidate = tuple[str, str, int, str]

_T = TypeVar("_T")


@dataclass(slots=True)
class _Lazy(Generic[_T]):
    """A sequence produced on demand and remembered, so many readers share one pass."""

    rest: Iterator[_T]
    items: list[_T] = field(default_factory=list)

    def __iter__(self) -> Iterator[_T]:
        n = 0
        while n < len(self.fill(n + 1)):
            yield self.items[n]
            n += 1

    def fill(self, size: int) -> list[_T]:
        """The items, made at least ``size`` long unless the sequence ends first."""
        if len(self.items) < size:
            self.items.extend(islice(self.rest, size - len(self.items)))
        return self.items


@dataclass(slots=True)
class _Tier:
    """The pairs that share one number of primary muscles with a primary set."""

    by_secondary: dict[int, list[int]] = field(default_factory=dict)
    """Their ids by their secondary muscles: all that still tells them apart."""

    with_muscle: dict[int, list[int]] = field(default_factory=dict)
    """Their secondary muscle sets by each muscle in them, to count shared ones by."""


class _Profile(NamedTuple):
    """What ranks an exercise's substitutes: everything about it but its name (a tuple,
    as 10,000 of them are made in one pass)."""

    pair: int
    """Id of its (primary muscles, secondary muscles) pair."""

    level: int
    """Its level's rank in :data:`LEVELS`, or :data:`_NO_LEVEL`."""

    kit: int
    """Id of the equipment set it needs (``bodyweight`` left out)."""

    root: str
    """Its family's root."""


def _levels_by_distance(level: int) -> tuple[tuple[int, ...], ...]:
    """The candidate levels ``level`` is nearest to first, one tuple per distance."""
    if level == _NO_LEVEL:  # every distance is unknown: one tier of all levels
        return (tuple(range(_NO_LEVEL + 1)),)
    known = range(len(LEVELS))
    near = (tuple(m for m in known if abs(m - level) == distance) for distance in known)
    return (*(levels for levels in near if levels), (_NO_LEVEL,))


_BY_DISTANCE = tuple(_levels_by_distance(level) for level in range(_NO_LEVEL + 1))
""":func:`_levels_by_distance` of each level, worked out once."""


def _other_kit(ranked: Iterable[_Candidate], kit: int) -> Iterator[_Candidate]:
    """The candidates of ``ranked`` that need other equipment than ``kit``."""
    for candidate in ranked:
        if candidate[2] != kit:
            yield candidate


def _mask(muscles: Iterable[str], bits: dict[str, int]) -> int:
    """The bit mask of ``muscles``, giving each new muscle the next bit in ``bits``."""
    mask = 0
    for muscle in muscles:
        mask |= bits.setdefault(muscle, 1 << len(bits))
    return mask


def _bits(mask: int) -> list[int]:
    """The one-bit masks ``mask`` is made of."""
    return [1 << n for n in range(mask.bit_length()) if mask >> n & 1]


class Naming(Protocol):
    """What a page and its API piece ask of :class:`Related`: the exercises they name
    for one exercise (or what the last build recorded of them: :class:`~thrustlib.
    engine.textedit.Recorded`)."""

    def substitutes(self, slug: str) -> tuple[str, ...]: ...

    def easier(self, slug: str) -> str | None: ...

    def harder(self, slug: str) -> str | None: ...


class Related:
    """An exercise's substitutes, easier and harder exercises, and the reverse of both.

    Built once per library (cheap: one pass over the entries); each answer is worked out
    when first asked for and kept. ``count`` is how many substitutes to give, 0 for none;
    ``ladder`` false turns the easier and harder links off.
    """

    def __init__(
        self, library: Library, count: int = DEFAULT_SUBSTITUTES, *, ladder: bool = True
    ) -> None:
        if count < 0:
            raise ValueError(f"substitute count must be 0 or more, not {count}")
        self.library = library
        """The library the answers are about (a holder can check it is still current)."""
        self.count = count
        """The most substitutes an exercise gets."""
        self.ladder = ladder
        """Whether exercises get easier and harder links."""

        # Muscle sets are bit masks: one bit per muscle, so comparing two is an ``&``.
        bits: dict[str, int] = {}
        # Ids of muscle pairs and equipment sets; the ids of the tuples as the entries
        # write them are kept too, so only the few distinct ones are made into masks.
        pairs: dict[tuple[int, int], int] = {}
        pair_of: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
        kits: dict[frozenset[str], int] = {}
        kit_of: dict[tuple[str, ...], int] = {}
        self._profiles: dict[str, _Profile] = {}
        self._groups: list[list[list[_Candidate]]] = []  # by pair, then level
        self._titles: dict[str, str] = {}
        variations = library.variations
        for slug, entry in library.exercises.items():
            muscles = (entry.muscles, entry.secondary_muscles)
            pair = pair_of.get(muscles)
            if pair is None:
                masks = (_mask(muscles[0], bits), _mask(muscles[1], bits))
                pair = pair_of[muscles] = pairs.setdefault(masks, len(pairs))
                if pair == len(self._groups):
                    self._groups.append([[] for _ in range(_NO_LEVEL + 1)])
            kit = kit_of.get(entry.equipment)
            if kit is None:
                needs = needed_equipment(entry.equipment)
                kit = kit_of[entry.equipment] = kits.setdefault(needs, len(kits))
            level = _NO_LEVEL if entry.level is None else RANK.get(entry.level, _NO_LEVEL)
            root = variations[slug].root
            self._profiles[slug] = _Profile(pair, level, kit, root)
            title = self._titles[slug] = sort_key(entry.title)
            self._groups[pair][level].append((title, slug, kit, root))
        for by_level in self._groups:
            for group in by_level:
                group.sort()
        self._pairs = list(pairs)
        # Pairs by their primary muscles, and those by each muscle in them: a pair's
        # primary count is the same for every pair of one primary set.
        self._of_primary: dict[int, list[tuple[int, int]]] = {}
        for pair_id, (primary, secondary) in enumerate(self._pairs):
            self._of_primary.setdefault(primary, []).append((secondary, pair_id))
        self._primaries_with: dict[int, list[int]] = {}
        for primary in self._of_primary:
            for bit in _bits(primary):
                self._primaries_with.setdefault(bit, []).append(primary)

        self._primary: dict[int, list[_Tier]] = {}
        self._tiers: dict[int, _Lazy[list[list[list[_Candidate]]]]] = {}
        self._ranked: dict[tuple[int, int], _Lazy[_Candidate]] = {}
        self._ranked_for: dict[tuple[int, int, int], _Lazy[_Candidate]] = {}
        self._substitutes: dict[_Profile, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._ladder: Ladder | None = None
        self._listers: dict[str, frozenset[str]] | None = None

    # -- substitutes ---------------------------------------------------------------------

    def substitutes(self, slug: str) -> tuple[str, ...]:
        """Slugs of up to ``count`` exercises to do instead of ``slug`` with other equipment."""
        profile = self._profiles[slug]  # KeyError for a slug the library does not have
        if not self.count:
            return ()
        # Everything but the name decides the answer, so exercises of one family with the
        # same muscles, level and equipment share it (and walk past the family once).
        found = self._substitutes.get(profile)
        if found is not None:
            return found
        # The preview renders pages on several threads, and a shared ranking is a
        # generator that two threads must not advance at once.
        with self._lock:
            ranked = self._candidates(profile)
            size = self.count
            while True:  # read as far as the members of its own family pushed it
                items = ranked.fill(size)
                out = [c[1] for c in items[:size] if c[3] != profile.root]
                if len(out) == self.count or len(items) < size:
                    break
                size += self.count - len(out)
        found = self._substitutes[profile] = tuple(out)
        return found

    def _candidates(self, profile: _Profile) -> _Lazy[_Candidate]:
        """Every qualifying candidate of this profile's pair, level and equipment, ranked;
        only the family is left for the exercise to skip."""
        key = (profile.pair, profile.level, profile.kit)
        ranked = self._ranked_for.get(key)
        if ranked is None:
            shared = self._ranked.get(key[:2])
            if shared is None:
                shared = self._ranked[key[:2]] = _Lazy(self._rank(profile.pair, profile.level))
            ranked = self._ranked_for[key] = _Lazy(_other_kit(shared, profile.kit))
        return ranked

    def _rank(self, pair: int, level: int) -> Iterator[_Candidate]:
        """Candidates sharing a primary muscle with ``pair``, best first, of any equipment."""
        tiers = self._tiers.get(pair)
        if tiers is None:
            tiers = self._tiers[pair] = _Lazy(self._pair_tiers(pair))
        for by_level in tiers:
            for levels in _BY_DISTANCE[level]:
                merged = [group for near in levels for group in by_level[near]]
                if len(merged) == 1:
                    yield from merged[0]
                elif sum(map(len, merged)) <= _SORT_AT_ONCE:
                    yield from sorted(chain.from_iterable(merged))
                else:
                    yield from heapq.merge(*merged)

    def _pair_tiers(self, pair: int) -> Iterator[list[list[list[_Candidate]]]]:
        """The groups of the pairs sharing a primary muscle with ``pair``, in tiers of
        equal shared (primary, secondary) counts, the tier sharing most first; a tier's
        groups by level, for the rankings of each level of ``pair`` to share."""
        primary, secondary = self._pairs[pair]
        own = _bits(secondary)
        for tier in self._primary_tiers(primary):
            # Counting the secondary muscles shared reads the pairs that share one; the
            # rest, usually the most and seldom reached, are gathered only if reached.
            shared = Counter(chain.from_iterable(tier.with_muscle.get(bit, ()) for bit in own))
            by_shared: dict[int, list[int]] = {}
            for their_secondary, count in shared.items():
                by_shared.setdefault(count, []).extend(tier.by_secondary[their_secondary])
            for count in sorted(by_shared, reverse=True):
                yield self._by_level(by_shared[count])
            rest = (ids for t, ids in tier.by_secondary.items() if t not in shared)
            if by_level := self._by_level(chain.from_iterable(rest)):
                yield by_level

    def _by_level(self, pairs: Iterable[int]) -> list[list[list[_Candidate]]]:
        """The groups of ``pairs`` by level; empty for no pairs."""
        by_level: list[list[list[_Candidate]]] = [[] for _ in range(_NO_LEVEL + 1)]
        found = False
        for pair in pairs:
            found = True
            for level, group in enumerate(self._groups[pair]):
                if group:
                    by_level[level].append(group)
        return by_level if found else []

    def _primary_tiers(self, primary: int) -> list[_Tier]:
        """The pairs sharing a muscle with the primary muscles ``primary``, in tiers of
        equal shared counts, the tier sharing most first."""
        tiers = self._primary.get(primary)
        if tiers is None:
            by_shared: dict[int, _Tier] = {}
            for other in set().union(*map(self._primaries_with.__getitem__, _bits(primary))):
                tier = by_shared.setdefault((primary & other).bit_count(), _Tier())
                for their_secondary, pair_id in self._of_primary[other]:
                    tier.by_secondary.setdefault(their_secondary, []).append(pair_id)
            for tier in by_shared.values():
                for their_secondary in tier.by_secondary:
                    for bit in _bits(their_secondary):
                        tier.with_muscle.setdefault(bit, []).append(their_secondary)
            tiers = self._primary[primary] = [by_shared[n] for n in sorted(by_shared, reverse=True)]
        return tiers

    # -- progressions --------------------------------------------------------------------

    def easier(self, slug: str) -> str | None:
        """The family member to step down to from ``slug``, if there is one."""
        level = self._profiles[slug].level
        if level == _NO_LEVEL or not self.ladder:
            return None
        return self._ladder_of().nearest(slug, range(level - 1, -1, -1))

    def harder(self, slug: str) -> str | None:
        """The family member to step up to from ``slug``, if there is one."""
        level = self._profiles[slug].level
        if level == _NO_LEVEL or not self.ladder:
            return None
        return self._ladder_of().nearest(slug, range(level + 1, len(LEVELS)))

    def _ladder_of(self) -> Ladder:
        if self._ladder is None:
            self._ladder = Ladder(self.library, self._titles)
        return self._ladder

    # -- the reverse view ----------------------------------------------------------------

    def listers(self, slug: str) -> frozenset[str]:
        """The slugs whose substitutes, easier or harder name ``slug``: the pages to
        render again when ``slug`` changes.

        Only exercises that share a primary muscle with ``slug`` can name it as a
        substitute, and only its family as easier or harder, so one slug's answer asks
        those alone (the preview asks for the few slugs an edit touched);
        :meth:`all_listers` works out every slug's at once.
        """
        if self._listers is not None:
            return self._listers.get(slug, frozenset())
        entry = self.library.exercises.get(slug)
        if entry is None:
            return frozenset()
        library = self.library
        groups = [library.muscles.get(key) for key in entry.muscles]
        if None in groups:  # a library made without its muscle groups: ask everyone
            return self.all_listers().get(slug, frozenset())
        candidates = {s for group in groups if group is not None for s in group.primary}
        variation = library.variations.get(slug)
        if variation is not None:
            candidates.update(s for s, _ in library.family(variation.root))
        return frozenset(
            other
            for other in candidates
            if other in library.exercises
            and (
                slug in self.substitutes(other)
                or slug == self.easier(other)
                or slug == self.harder(other)
            )
        )

    def all_listers(self) -> dict[str, frozenset[str]]:
        """:meth:`listers` of every slug that has any."""
        if self._listers is None:
            named: dict[str, set[str]] = {}
            for other in self.library.exercises:
                for target in (*self.substitutes(other), self.easier(other), self.harder(other)):
                    if target is not None:
                        named.setdefault(target, set()).add(other)
            self._listers = {target: frozenset(by) for target, by in named.items()}
        return self._listers
