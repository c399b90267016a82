"""The vocabularies exercise files name things from: muscles, equipment and levels.

Names match without regard to case or separators (``Lower-Back`` is ``lower back``), so
every lookup goes through :func:`normalize`. The default muscles are the 17 groups of the
public-domain Free Exercise DB; a site can rename, regroup and add to them in site.toml.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from thrustlib.content.inference import Keyword, MuscleGuess, MuscleMatcher
from thrustlib.content.sections import DEFAULT_SECTIONS, SectionNames
from thrustlib.content.text import closest, normalize, normalize_text, slugify


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


def _phrases(text: str) -> tuple[str, ...]:
    """``"a, b c"`` -> ``("a", "b c")``: long keyword lists stay readable as one string."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


# Keywords are what a title or description says when it means the muscle: its names, its
# parts, and the exercises it is the prime mover of. A muscle's own names (``glutes``)
# outrank names of exercises (``hip thrust``); plurals, and equipment or stance words
# inside a phrase ("incline dumbbell press" is an incline press), need no keyword of their
# own; a phrase two muscles list (``swing``) names both. See thrustlib.content.inference.
DEFAULT_MUSCLES: tuple[Muscle, ...] = (
    Muscle(
        "glutes",
        "Glutes",
        "Legs & Hips",
        _phrases(
            "glute, glutes, gluteus, piriformis, hip thrust, glute bridge, bridge, kickback,"
            " donkey kick, frog pump, hip extension, hip drive, hip lift, pull through, swing,"
            " reverse hyperextension, pigeon, knee to chest"
        ),
        ("gluteus", "gluteus maximus", "gluteal", "glute", "butt"),
    ),
    Muscle(
        "hamstrings",
        "Hamstrings",
        "Legs & Hips",
        _phrases(
            "hamstring, hamstrings, biceps femoris, leg curl, hamstring curl, romanian deadlift,"
            " rdl, stiff leg, stiff legged, single leg deadlift, sumo deadlift, good morning,"
            " nordic, nordic curl, glute ham raise, ghr, reverse hyperextension, swing, clean,"
            " toe touch, inchworm, hurdler, straddle"
        ),
        ("hamstring", "hams", "biceps femoris"),
    ),
    Muscle(
        "quadriceps",
        "Quadriceps",
        "Legs & Hips",
        _phrases(
            "quad, quads, quadriceps, rectus femoris, vastus, hip flexor, squat, lunge,"
            " leg extension, leg press, step up, stepup, pistol, wall sit, jump, knee tuck jump,"
            " hop, bound, sprint, running, jogging, walking, treadmill, bicycling, cycling, bike,"
            " elliptical, stair climb, stairmaster, skip, skipping, skating, sled push, sled drag,"
            " step mill, stepmill, snatch"
        ),
        ("quads", "quad", "quadricep"),
    ),
    Muscle(
        "adductors",
        "Adductors",
        "Legs & Hips",
        _phrases(
            "adductor, adductors, groin, inner thigh, adduction, copenhagen, cossack,"
            " lateral bound, lateral hop"
        ),
        ("adductor", "inner thigh", "groin"),
    ),
    Muscle(
        "abductors",
        "Abductors",
        "Legs & Hips",
        _phrases(
            "abductor, abductors, tensor fasciae latae, tfl, iliotibial, it band, abduction,"
            " clamshell, clam shell, clam, lateral band walk, monster walk, fire hydrant,"
            " hip circle, side leg raise, side lying leg raise"
        ),
        ("abductor", "outer thigh", "gluteus medius", "glute medius"),
    ),
    Muscle(
        "calves",
        "Calves",
        "Legs & Hips",
        _phrases(
            "calf, calves, gastrocnemius, soleus, achilles, peroneal, tibialis, calf raise,"
            " heel raise, toe raise, ankle circle, jump rope, rope jumping"
        ),
        ("calf", "gastrocnemius", "soleus"),
    ),
    Muscle(
        "abdominals",
        "Abdominals",
        "Core",
        _phrases(
            "abs, ab, abdominal, abdominis, oblique, core, crunch, sit up, situp, plank,"
            " side bridge, dead bug, hollow hold, l sit, dragon flag, twist, side bend, rollout,"
            " roll out, ab wheel, fallout, windmill, leg raise, leg tuck, knee tuck, leg pull in,"
            " jackknife, v up, hanging pike, flutter kick, scissor kick, pallof, wood chop,"
            " woodchop, torso rotation, trunk rotation, cocoon, stomach vacuum, side stretch,"
            " lateral stretch"
        ),
        ("abs", "core", "abdominal", "obliques"),
    ),
    Muscle(
        "lower-back",
        "Lower Back",
        "Core",
        _phrases(
            "lower back, erector, back extension, hyperextension, superman, deadlift, rack pull,"
            " atlas stone, pelvic tilt, childs pose, cat stretch, cat cow"
        ),
        ("erectors", "erector spinae", "spinal erectors", "low back"),
    ),
    Muscle(
        "lats",
        "Lats",
        "Back",
        _phrases(
            "lat, lats, latissimus, pulldown, pull up, pullup, chin up, chinup, muscle up,"
            " rope climb, pullover, slam"
        ),
        ("latissimus dorsi", "latissimus", "lat"),
    ),
    Muscle(
        "middle-back",
        "Middle Back",
        "Back",
        _phrases("middle back, upper back, rhomboid, row, bench pull"),
        ("upper back", "rhomboids", "mid back"),
    ),
    Muscle(
        "traps",
        "Traps",
        "Back",
        _phrases("trap, traps, trapezius, shrug, upright row, high pull"),
        ("trapezius", "trap"),
    ),
    Muscle(
        "chest",
        "Chest",
        "Chest",
        _phrases(
            "chest, pec, pecs, pectoral, pectoralis, chest press, bench press, incline press,"
            " decline press, floor press, svend press, push up, pushup, chest fly, fly, flies,"
            " flye, pec deck, cable crossover, crossover fly, pullover"
        ),
        ("pecs", "pectorals", "pec"),
    ),
    Muscle(
        "shoulders",
        "Shoulders",
        "Shoulders & Neck",
        _phrases(
            "shoulder, shoulders, delt, deltoid, rear delt, rotator cuff, overhead press,"
            " shoulder press, military press, push press, arnold press, behind the neck press,"
            " standing press, seated press, landmine press, cuban press, bradford press,"
            " clean and press, see saw press, seesaw press, handstand push up, pike push up, jerk,"
            " kettlebell snatch, upright row, arm circle, shoulder circle, lateral raise,"
            " front raise, side raise, rear raise, y raise, dumbbell raise, plate raise,"
            " barbell raise, cable raise, band raise, straight raise, laterals, reverse fly,"
            " reverse flye, face pull, external rotation, internal rotation, turkish get up"
        ),
        ("delts", "deltoids", "shoulder"),
    ),
    Muscle("neck", "Neck", "Shoulders & Neck", _phrases("neck, chin tuck, chin to chest"), ()),
    Muscle("biceps", "Biceps", "Arms", _phrases("bicep, biceps, brachialis, curl"), ("bicep",)),
    Muscle(
        "triceps",
        "Triceps",
        "Arms",
        _phrases(
            "tricep, triceps, dip, pushdown, push down, skull crusher, skullcrusher,"
            " triceps extension, overhead extension, french press, jm press, tate press,"
            " close grip bench press, close grip press, close grip push up, diamond push up,"
            " board press, pin press, floor press, extension"
        ),
        ("tricep",),
    ),
    Muscle(
        "forearms",
        "Forearms",
        "Arms",
        _phrases(
            "forearm, forearms, brachioradialis, wrist curl, wrist rotation, wrist circle,"
            " wrist roller, wrist extension, wrist flexion, finger curl, grip strength, gripper,"
            " plate pinch, pronation, supination, farmers walk, farmers carry, carry"
        ),
        ("forearm",),
    ),
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
