"""The vocabularies exercise files name things from: muscles, equipment and levels.

Names match without regard to case or separators (``Lower-Back`` is ``lower back``), so
every lookup goes through :func:`normalize`. The default muscles are the 17 groups of the
public-domain Free Exercise DB; a site can rename, regroup and add to them in site.toml.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from thrustlib.content.inference import Keyword, MuscleGuess, MuscleMatcher
from thrustlib.content.muscles import DEFAULT_MUSCLES, REGIONS, Muscle
from thrustlib.content.sections import DEFAULT_SECTIONS, SectionNames
from thrustlib.content.text import closest, normalize, normalize_text, slugify

DEFAULT_EQUIPMENT: Mapping[str, str] = {
    "barbell": "Barbell",
    "dumbbell": "Dumbbell",
    "kettlebell": "Kettlebell",
    "machine": "Machine",
    "band": "Band",
    "bench": "Bench",
    "bodyweight": "Bodyweight",
    "cable": "Cable",
    "plate": "Plate",
    "pad": "Pad",
    "box": "Box",
    "medicine-ball": "Medicine Ball",
    "exercise-ball": "Exercise Ball",
    "foam-roll": "Foam Roll",
    "ez-curl-bar": "EZ Curl Bar",
    "smith-machine": "Smith Machine",
}

# Plurals and the Free Exercise DB's own spellings, so its exports load as they are.
EQUIPMENT_ALIASES: Mapping[str, str] = {
    "barbells": "barbell",
    "dumbbells": "dumbbell",
    "kettlebells": "kettlebell",
    "machines": "machine",
    "bands": "band",
    "resistance band": "band",
    "resistance bands": "band",
    "mini band": "band",
    "body only": "bodyweight",
    "body weight": "bodyweight",
    "none": "bodyweight",
    "cables": "cable",
    "plates": "plate",
    "weight plate": "plate",
    "boxes": "box",
    "e z curl bar": "ez-curl-bar",
    "smith": "smith-machine",  # the file-name suffix real libraries use (`..._smith.md`)
}
# Names written run together (`medicineball`, `ezcurlbar`), as export scripts write the
# equipment part of a file name: matching ignores separators, so these are the same too.
_RUN_TOGETHER: Mapping[str, str] = {
    name.replace(" ", "").replace("-", ""): key
    for name, key in (*((k, k) for k in DEFAULT_EQUIPMENT), *EQUIPMENT_ALIASES.items())
}

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
LEVEL_ALIASES: Mapping[str, str] = {"novice": "beginner", "expert": "advanced"}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The muscles, equipment and levels a site accepts, with fast normalized lookups."""

    muscles: tuple[Muscle, ...] = DEFAULT_MUSCLES
    """Every muscle group, in display order."""

    regions: tuple[str, ...] = REGIONS
    """Body regions in display order; regions only named by muscles come after these."""

    sections: SectionNames = DEFAULT_SECTIONS
    """The names a body's known sections go by (built-in synonyms and ``[sections]``)."""

    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _matcher: MuscleMatcher = field(init=False, repr=False, compare=False)
    _by_key: dict[str, Muscle] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for muscle in self.muscles:
            for name in (muscle.key, muscle.name, *muscle.aliases):
                lookup.setdefault(normalize(name), muscle.key)
        # Frozen dataclass: the caches are set once here and never change afterwards.
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_by_key", {m.key: m for m in self.muscles})
        object.__setattr__(self, "_matcher", _matcher(self.muscles))

    def muscle(self, key: str) -> Muscle:
        """The muscle with this key (a key from :meth:`muscle_key`)."""
        return self._by_key[key]

    def muscle_key(self, name: str) -> str | None:
        """The key of the muscle a file calls ``name``, or ``None`` when unknown."""
        return self._lookup.get(normalize(name))

    def suggest_muscle(self, name: str) -> str | None:
        """The display name closest to an unknown muscle name."""
        found = closest(name, self._lookup)
        return self.muscle(self._lookup[found]).name.lower() if found else None

    def unknown_muscle(self, name: str) -> str:
        """The message for a muscle name the vocabulary lacks, with the closest one."""
        hint = self.suggest_muscle(name)
        return f"unknown muscle {name!r}" + (f"; did you mean {hint!r}?" if hint else "")

    def infer_muscles(self, text: str) -> tuple[str, ...]:
        """Every muscle ``text`` names by a keyword, primary or not, in vocabulary order."""
        guess = self.guess_muscles("", text)
        found = {*guess.primary, *guess.secondary}
        return tuple(m.key for m in self.muscles if m.key in found)

    def guess_muscles(self, title: str, description: str) -> MuscleGuess:
        """The primary and secondary muscles a title and description point at."""
        return self._matcher.guess(normalize_text(title), normalize_text(description))

    def ordered_regions(self) -> tuple[str, ...]:
        """Every region that has a muscle, configured order first."""
        named = [m.region for m in self.muscles]
        extra = [r for r in dict.fromkeys(named) if r not in self.regions]
        return tuple(r for r in self.regions if r in named) + tuple(extra)


@functools.lru_cache(maxsize=16)
def _matcher(muscles: tuple[Muscle, ...]) -> MuscleMatcher:
    """The keyword matcher of these muscles (cached: most vocabularies share the defaults)."""
    names: dict[str, str] = {}
    for muscle in muscles:
        for name in (muscle.key, muscle.name, *muscle.aliases):
            names.setdefault(normalize(name), muscle.key)
    # A phrase several muscles list (a swing: glutes and hamstrings) names them all.
    named: dict[str, list[str]] = {}
    for muscle in muscles:
        for phrase in map(normalize, muscle.keywords):
            if phrase and muscle.key not in named.setdefault(phrase, []):
                named[phrase].append(muscle.key)
    return MuscleMatcher(
        Keyword(phrase, tuple(keys), any(_is_name(names, phrase, k) for k in keys))
        for phrase, keys in named.items()
    )


def _is_name(names: Mapping[str, str], phrase: str, key: str) -> bool:
    """True when ``phrase`` is a name of the muscle ``key`` (``glute``), not a movement."""
    return any(names.get(p) == key for p in (phrase, phrase + "s", phrase[:-1]))


def equipment_key(name: str) -> str:
    """The URL-safe key of a piece of equipment; unknown equipment is allowed as it is."""
    folded = normalize(name)
    if folded in EQUIPMENT_ALIASES:
        return EQUIPMENT_ALIASES[folded]
    return _RUN_TOGETHER.get(folded.replace(" ", "")) or slugify(folded)


@functools.lru_cache(maxsize=256)
def likely_equipment(key: str) -> str | None:
    """The known equipment an unknown key is most likely a slip for (``dumbell``), or
    ``None``. Unknown equipment is allowed, so only a near-certain typo is named: a
    looser match would call ``landmine`` a ``machine``."""
    if key in DEFAULT_EQUIPMENT:
        return None
    found = difflib.get_close_matches(key, DEFAULT_EQUIPMENT, n=1, cutoff=0.85)
    return found[0] if found else None


BODYWEIGHT = "bodyweight"
"""The equipment key that means "nothing to set up", the same as listing none."""


def needed_equipment(equipment: Iterable[str]) -> frozenset[str]:
    """What an exercise with ``equipment`` needs to be set up: ``bodyweight`` is nothing,
    so ``[]`` and ``[bodyweight]`` need nothing and ``[bench, bodyweight]`` a bench."""
    return frozenset(equipment) - {BODYWEIGHT}


def equipment_name(key: str) -> str:
    """Display name for an equipment key."""
    return DEFAULT_EQUIPMENT.get(key) or key.replace("-", " ").title()


def unknown_level(name: str) -> str:
    """The message for a level that is not one of the three, with the closest one."""
    hint = closest(name, LEVELS)
    return f"unknown level {name!r}; use beginner, intermediate or advanced" + (
        f" (did you mean {hint!r}?)" if hint else ""
    )


def level_key(name: str) -> str | None:
    """``beginner``, ``intermediate`` or ``advanced`` for a level name, else ``None``."""
    folded = normalize(name)
    folded = LEVEL_ALIASES.get(folded, folded)
    return folded if folded in LEVELS else None
