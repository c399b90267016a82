"""The vocabularies exercise files name things from: muscles, equipment and levels.

Names match without regard to case or separators (``Lower-Back`` is ``lower back``), so
every lookup goes through :func:`normalize`. The default muscles are the 17 groups of the
public-domain Free Exercise DB; a site can rename, regroup and add to them in site.toml.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_SEPARATORS = re.compile(r"[\s_\-]+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def normalize(name: str) -> str:
    """Fold case and runs of spaces, hyphens and underscores into one space."""
    # Cached: a library names the same few muscles, levels and headings thousands of times.
    return _SEPARATORS.sub(" ", name.strip().casefold()).strip()


def fold(text: str) -> str:
    """``text`` without accents and case, for sorting and slugs (``Élan`` -> ``elan``)."""
    if text.isascii():
        return text.lower()  # the same, without a look at each character
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(title: str) -> str:
    """How titles sort A-Z: accents and case ignored, so ``Élan`` files under E."""
    return fold(title)


def slugify(text: str) -> str:
    """A URL-safe ``[a-z0-9]+(-[a-z0-9]+)*`` form of ``text`` (may be empty)."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name``, for 'did you mean' hints, or ``None``."""
    found = difflib.get_close_matches(normalize(name), sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Muscle:
    """One muscle group of the site's vocabulary."""

    key: str
    """URL-safe identifier, used in paths and the JSON form (``lower-back``)."""

    name: str
    """Display name (``Lower Back``)."""

    region: str
    """The body region it is grouped under on the home page (``Legs & Hips``)."""

    keywords: tuple[str, ...] = ()
    """Phrases that, found in a title or description, let thrustlib infer this muscle."""

    aliases: tuple[str, ...] = ()
    """Other names files may use for it (``core`` for abdominals)."""


# Region order is the order the home page lists them in: lower body first, since hip
# and leg training is what libraries like this one are mostly about.
REGIONS: tuple[str, ...] = ("Legs & Hips", "Core", "Back", "Chest", "Shoulders & Neck", "Arms")

DEFAULT_MUSCLES: tuple[Muscle, ...] = (
    Muscle(
        "glutes",
        "Glutes",
        "Legs & Hips",
        (
            "glute",
            "glutes",
            "hip thrust",
            "bridge",
            "kickback",
            "frog pump",
            "hip extension",
            "swing",
            "hip drive",
        ),
        ("gluteus", "gluteus maximus", "gluteal", "glute", "butt"),
    ),
    Muscle(
        "hamstrings",
        "Hamstrings",
        "Legs & Hips",
        (
            "hamstring",
            "hamstrings",
            "leg curl",
            "deadlift",
            "rdl",
            "good morning",
            "nordic",
            "swing",
        ),
        ("hamstring", "hams", "biceps femoris"),
    ),
    Muscle(
        "quadriceps",
        "Quadriceps",
        "Legs & Hips",
        ("quad", "quads", "quadriceps", "squat", "lunge", "leg extension", "leg press", "step up"),
        ("quads", "quad", "quadricep"),
    ),
    Muscle(
        "adductors",
        "Adductors",
        "Legs & Hips",
        ("adductor", "adductors", "inner thigh", "copenhagen", "cossack"),
        ("adductor", "inner thigh", "groin"),
    ),
    Muscle(
        "abductors",
        "Abductors",
        "Legs & Hips",
        ("abductor", "abductors", "abduction", "clamshell", "lateral band walk", "monster walk"),
        ("abductor", "outer thigh", "gluteus medius", "glute medius"),
    ),
    Muscle(
        "calves",
        "Calves",
        "Legs & Hips",
        ("calf", "calves", "calf raise", "heel raise"),
        ("calf", "gastrocnemius", "soleus"),
    ),
    Muscle(
        "abdominals",
        "Abdominals",
        "Core",
        ("abs", "abdominal", "crunch", "sit up", "plank", "core", "dead bug"),
        ("abs", "core", "abdominal", "obliques"),
    ),
    Muscle(
        "lower-back",
        "Lower Back",
        "Core",
        ("lower back", "back extension", "hyperextension", "erector"),
        ("erectors", "erector spinae", "spinal erectors", "low back"),
    ),
    Muscle(
        "lats",
        "Lats",
        "Back",
        ("lat", "lats", "pulldown", "pull up", "chin up"),
        ("latissimus dorsi", "latissimus", "lat"),
    ),
    Muscle(
        "middle-back",
        "Middle Back",
        "Back",
        ("middle back", "row", "rhomboid"),
        ("upper back", "rhomboids", "mid back"),
    ),
    Muscle("traps", "Traps", "Back", ("trap", "traps", "shrug"), ("trapezius", "trap")),
    Muscle(
        "chest",
        "Chest",
        "Chest",
        ("chest press", "bench press", "push up", "chest fly", "pec", "pecs"),
        ("pecs", "pectorals", "pec"),
    ),
    Muscle(
        "shoulders",
        "Shoulders",
        "Shoulders & Neck",
        ("shoulder", "shoulders", "overhead press", "lateral raise", "delt"),
        ("delts", "deltoids", "shoulder"),
    ),
    Muscle("neck", "Neck", "Shoulders & Neck", ("neck",), ()),
    Muscle("biceps", "Biceps", "Arms", ("bicep", "biceps", "curl"), ("bicep",)),
    Muscle(
        "triceps",
        "Triceps",
        "Arms",
        ("tricep", "triceps", "dip", "pushdown", "skull crusher"),
        ("tricep",),
    ),
    Muscle("forearms", "Forearms", "Arms", ("forearm", "forearms", "grip", "wrist"), ("forearm",)),
)

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

    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _keywords: tuple[tuple[re.Pattern[str], str], ...] = field(
        init=False, repr=False, compare=False
    )
    _by_key: dict[str, Muscle] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for muscle in self.muscles:
            for name in (muscle.key, muscle.name, *muscle.aliases):
                lookup.setdefault(normalize(name), muscle.key)
        keywords = tuple(
            (re.compile(r"\b" + r"[\s_-]+".join(map(re.escape, kw.split())) + r"\b"), m.key)
            for m in self.muscles
            for kw in (normalize(k) for k in m.keywords)
            if kw
        )
        # Frozen dataclass: the caches are set once here and never change afterwards.
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_keywords", keywords)
        object.__setattr__(self, "_by_key", {m.key: m for m in self.muscles})

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
        """Muscle keys whose keywords occur in ``text``, in vocabulary order."""
        folded = normalize(text)
        found = {key for pattern, key in self._keywords if pattern.search(folded)}
        return tuple(m.key for m in self.muscles if m.key in found)

    def ordered_regions(self) -> tuple[str, ...]:
        """Every region that has a muscle, configured order first."""
        named = [m.region for m in self.muscles]
        extra = [r for r in dict.fromkeys(named) if r not in self.regions]
        return tuple(r for r in self.regions if r in named) + tuple(extra)


def equipment_key(name: str) -> str:
    """The URL-safe key of a piece of equipment; unknown equipment is allowed as it is."""
    folded = normalize(name)
    if folded in EQUIPMENT_ALIASES:
        return EQUIPMENT_ALIASES[folded]
    return slugify(folded)


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
