"""The built-in muscle groups: names, body regions, inference keywords and where the
body map draws them.

The 17 groups of the public-domain Free Exercise DB; a site renames, regroups and adds
to them in site.toml (:mod:`thrustlib.config_tables`), and
:class:`thrustlib.content.vocabulary.Vocabulary` is what it gets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


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

    figure: tuple[str, ...] = ()
    """The regions of the body map it is drawn as (ids of :data:`FIGURE_REGIONS`); none
    leaves it off the map. A default muscle is drawn as the region of its own key."""


# Region order is the order the home page lists them in: lower body first, since hip
# and leg training is what libraries like this one are mostly about.
REGIONS: tuple[str, ...] = ("Legs & Hips", "Core", "Back", "Chest", "Shoulders & Neck", "Arms")

# The regions the body map draws (thrustlib.site.bodymap has a shape for each): one per
# default muscle, named by its key, so a site's own muscle can be drawn as one of them.
FIGURE_REGIONS: tuple[str, ...] = (
    "glutes",
    "hamstrings",
    "quadriceps",
    "adductors",
    "abductors",
    "calves",
    "abdominals",
    "lower-back",
    "lats",
    "middle-back",
    "traps",
    "chest",
    "shoulders",
    "neck",
    "biceps",
    "triceps",
    "forearms",
)


def _phrases(text: str) -> tuple[str, ...]:
    """``"a, b c"`` -> ``("a", "b c")``: long keyword lists stay readable as one string."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _drawn_as_their_keys(*muscles: Muscle) -> tuple[Muscle, ...]:
    """The default muscles, each on the body map as the region its key names."""
    return tuple(dataclasses.replace(m, figure=(m.key,)) for m in muscles)


# Keywords are what a title or description says when it means the muscle: its names, its
# parts, and the exercises it is the prime mover of. A muscle's own names (``glutes``)
# outrank names of exercises (``hip thrust``); plurals, and equipment or stance words
# inside a phrase ("incline dumbbell press" is an incline press), need no keyword of their
# own; a phrase two muscles list (``swing``) names both. See thrustlib.content.inference.
DEFAULT_MUSCLES: tuple[Muscle, ...] = _drawn_as_their_keys(
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
