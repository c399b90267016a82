"""Exercise files shaped like a real library's, made up from a seed.

FORMAT.md ("What real libraries look like") describes what a real library of a few
hundred files holds besides the tidy case: three heading styles, many heading names,
generic sections among the known ones, phases inside Execution, nested lists, untidy
whitespace, run-together file names and a little non-ASCII text. :func:`generate`
makes such files in that mix, each with what a faithful reader must find in it
(:class:`Expected`), so tests can compare the model and the pages with it::

    python -m tests.realshape OUT -n 400 --seed 0

writes ``OUT/exercises/*.md`` (a site folder without ``site.toml``, which builds with
the defaults). The same count and seed always give the same bytes.

The prose is this module's own. Exercise names and their equipment come from the
public-domain Free Exercise DB when its JSON is found (``THRUSTLIB_EXERCISE_DB`` or
``../shared/data/free-exercise-db.json`` beside the repository), else from a short
built-in list; either way the output is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

KINDS: tuple[str, ...] = ("setup", "execution", "tips", "mistakes")

# Heading names per kind, the first one the usual name. Every synonym the reader must
# know is here (FORMAT.md's list and the built-in ones of the reader's spec).
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "setup": (
        "Setup",
        "Set Up",
        "Starting Position",
        "Start Position",
        "Positioning",
        "Preparation",
    ),
    "execution": (
        "Execution",
        "Movement",
        "Execution Steps",
        "Steps",
        "Instructions",
        "How to Perform",
        "How To",
        "Technique",
    ),
    "tips": (
        "Tips",
        "Key Points",
        "Tips for Proper Form",
        "Form Tips",
        "Key Tips",
        "Proper Form",
        "Coaching Tips",
        "Cues",
    ),
    "mistakes": (
        "Common Mistakes",
        "Common Mistakes to Avoid",
        "Mistakes to Avoid",
        "Mistakes",
        "Common Errors",
    ),
}

GENERIC_TITLES: tuple[str, ...] = (
    "Equipment Needed",
    "Breathing",
    "Safety",
    "Safety Tips",
    "Grip",
    "Return",
    "Variations",
    "Benefits",
    "Conclusion",
)

PHASE_TITLES: tuple[str, ...] = (
    "Lowering Phase",
    "Final Position",
    "Lifting Phase",
    "Top Position",
    "Bottom Position",
    "Return Phase",
)

HEADING_STYLES: tuple[str, ...] = ("##", "###", "bold")

# -- the prose (labels and texts for each kind) -----------------------------------------

_SETUP: tuple[tuple[str, str], ...] = (
    ("Stance", "Plant your feet about hip-width apart with the weight spread over both feet."),
    ("Grip", "Hold the load with a firm, even grip and keep your wrists stacked and straight."),
    ("Posture", "Lift your chest a little and draw your shoulder blades down and back."),
    ("Brace", "Take a breath into your belly and tighten your middle before you move."),
    ("Alignment", "Line up your joints so the load sits over the middle of your feet."),
    ("Gaze", "Look at a point slightly ahead of you so your neck stays in line with your back."),
    ("Adjust", "Set the seat, bench or pin height so the first inch of the rep feels easy."),
    ("Footing", "Press your heels and the balls of your feet evenly into the floor."),
    ("Hips", "Square your hips to the front and keep them level from side to side."),
    ("Check", "Run through your position once from feet to head before the first rep."),
)

_EXECUTION: tuple[tuple[str, str], ...] = (
    ("Begin", "Start the rep slowly and keep full control through the first few inches."),
    ("Drive", "Push through the working muscles until you reach the end of your range."),
    ("Squeeze", "Hold the end position for a moment and feel the target muscles contract."),
    ("Lower", "Come back along the same path, taking two or three seconds on the way."),
    ("Breathe", "Breathe out during the hard part of the rep and breathe in as you return."),
    ("Reset", "Pause briefly at the start, brace again and then begin the next rep."),
    ("Repeat", "Finish the planned number of reps with the same smooth and even rhythm."),
    ("Control", "Keep the motion steady so that momentum does none of the work for you."),
    ("Track", "Let the load travel in a straight line rather than drifting forward."),
    ("Finish", "End each rep in a tall, balanced position before you start the next one."),
)

_TIPS: tuple[tuple[str, str], ...] = (
    ("Tempo", "Count a steady rhythm so every rep takes about the same time."),
    ("Range", "Use the deepest range you can own without your back changing shape."),
    ("Mind the Neck", "Keep your chin gently tucked instead of craning to watch yourself."),
    ("Warm Up", "Do one or two light sets first so the joints are ready for heavier work."),
    ("Film It", "Record a set from the side now and then and compare it with the cues."),
    ("Stay Tall", "Think of growing taller through the crown of your head on every rep."),
    ("Own the Pause", "A short stop at the hardest point shows whether you really own it."),
    ("Light Feet", "Keep your toes relaxed; gripping the floor with them wastes effort."),
)

_MISTAKES: tuple[tuple[str, str], ...] = (
    ("Rushing", "Dropping through the lowering half and bouncing out of the bottom."),
    ("Overloading", "Piling on weight before the pattern is steady at a lighter load."),
    ("Rounding", "Letting the lower back round as fatigue sets in late in the set."),
    ("Short Range", "Cutting the rep short so the hardest part never gets trained."),
    ("Holding Breath", "Holding your breath for the whole set instead of breathing each rep."),
    ("Shrugging", "Letting the shoulders creep up toward the ears under the load."),
    ("Drifting Knees", "Letting the knees cave in instead of keeping them over the toes."),
    ("Looking Up", "Throwing the head back to look up, which strains the neck."),
)

_GENERIC: Mapping[str, tuple[str, ...]] = {
    "Equipment Needed": (
        "A {tool} you can control for every rep of the set",
        "A flat floor with enough room around you to move freely",
        "Shoes with a firm, flat sole",
        "A towel or mat if the floor is hard",
    ),
    "Breathing": (
        "Breathe in before the rep and hold a gentle brace",
        "Breathe out through the hardest part of the movement",
        "Take one calm breath between reps if you need it",
    ),
    "Safety": (
        "Stop the set if you feel sharp pain rather than muscle effort",
        "Clear the space around you before the first rep",
        "Ask a coach to check your form when you add load",
    ),
    "Safety Tips": (
        "Warm up with a few easy sets before the first heavy one",
        "Keep a spotter or safety pins near you when the load is high",
        "End the set when your form starts to break down",
    ),
    "Grip": (
        "Hold the handle firmly without squeezing the life out of it",
        "Keep your wrists straight and your knuckles facing forward",
        "Use chalk or straps once your grip fails before the target muscle",
    ),
    "Return": (
        "Lower back to the start over two to three seconds",
        "Keep the same path on the way down as on the way up",
        "Reset your breath at the start before the next rep",
    ),
    "Variations": (
        "Slow the lowering phase to four seconds for more time under tension",
        "Work one side at a time to even out differences between sides",
        "Add a pause at the hardest point of each rep",
    ),
    "Benefits": (
        "Builds strength through a useful range of motion",
        "Improves control and balance around the working joints",
        "Transfers well to everyday lifting and carrying",
    ),
    "Conclusion": (
        "Keep the load modest until every rep looks the same",
        "Add weight in small steps from week to week",
        "Come back to the cues whenever the form starts to slip",
    ),
}

_PHASE_ITEMS: tuple[str, ...] = (
    "Keep your middle braced the whole way through this part.",
    "Move slowly enough that you could stop at any point.",
    "Keep the load close to your body as it travels.",
    "Hold the position for a count of one before moving on.",
    "Let your breath out slowly as you pass the hardest point.",
    "Keep both sides moving at the same speed.",
    "Stop just short of the point where your form changes.",
)

_SUBS: tuple[str, ...] = (
    "Keep the knees soft",
    "Wrists stay straight",
    "Shoulders stay down",
    "Ribs stay over the hips",
    "Weight stays in the heels",
    "Elbows point slightly out",
    "Chin stays tucked",
    "Both feet stay flat",
)

_SUMMARIES: tuple[str, ...] = (
    "Practise the pattern with a light load first, and the movement soon becomes one of"
    " the most useful in your training.",
    "Done slowly and with a steady brace, this exercise builds strength that carries over"
    " to the rest of your program.",
    "Give each rep your full attention, add load only when the form holds, and the"
    " results follow week after week.",
    "Treat the first sets as practice: smooth reps now make heavier sets safe later.",
    "Keep the cues above in mind, film a set now and then, and progress in small steps.",
)

_HOWTO: tuple[tuple[str, str], ...] = (
    ("Get Set", "Take your starting position and check your feet, grip and posture."),
    ("Brace and Breathe", "Breathe into your belly and tighten your middle before moving."),
    ("Start the Rep", "Begin the movement slowly, keeping the load under control."),
    ("Work Through the Range", "Move through the full range you can control with good form."),
    ("Pause and Squeeze", "Hold the hardest point for a moment and squeeze the target muscles."),
    ("Return Under Control", "Come back along the same path, slower than you went out."),
    ("Reset Between Reps", "Stop briefly at the start, brace again and begin the next rep."),
    ("Finish the Set", "Complete the planned reps and put the load down with care."),
)

# Non-ASCII phrases for the few files that have some (curly quotes, dashes, accents).
_NON_ASCII_TIPS: tuple[tuple[str, str], ...] = (
    ("Cue", "Think \u201clong spine, soft knees\u201d \u2013 it\u2019s a simple cue that works."),
    ("Count", "Count two\u2013three seconds on the way down; don\u2019t rush it."),
    (
        "Finesse",
        "Treat each rep with the finesse of a ballet pli\u00e9, not a r\u00e9sum\u00e9 line.",
    ),
)
_NON_ASCII_SUMMARY = (
    "It\u2019s a movement worth learning well \u2013 the na\u00efve first attempt"
    " soon turns into a confident, \u201cowned\u201d pattern."
)

_DESCRIPTIONS: tuple[str, ...] = (
    "Build strength and control with the {phrase}, moving slowly through a full range"
    " and keeping a firm brace.",
    "Train the working muscles with the {phrase}, a steady movement that rewards good"
    " posture and patience.",
    "Learn to move well with the {phrase}, using a light load and a smooth, even tempo.",
    "Add a reliable strength builder to your program with the {phrase}, keeping every"
    " rep under control.",
    "Work through a full range with the {phrase}, bracing well and pausing at the hardest point.",
)
_NON_ASCII_DESCRIPTION = (
    "Build strength with the {phrase}, a steady movement \u2013 slow, braced and"
    " controlled \u2013 that\u2019s easy to learn."
)

_MUSCLES: tuple[str, ...] = (
    "glutes",
    "hamstrings",
    "quadriceps",
    "adductors",
    "calves",
    "abdominals",
    "lower-back",
    "lats",
    "middle-back",
    "traps",
    "chest",
    "shoulders",
    "biceps",
    "triceps",
    "forearms",
)

_MODIFIERS: tuple[str, ...] = (
    "Paused",
    "Tempo",
    "Deficit",
    "Isometric",
    "Kneeling",
    "Standing",
    "Seated",
    "Incline",
    "Decline",
    "Alternating",
    "Banded",
    "Wide Grip",
    "Close Grip",
    "Single Arm",
    "Single Leg",
    "Staggered Stance",
)

_CONNECTORS = frozenset({"the", "of", "to", "on", "and", "in"})
_WORD = re.compile(r"[A-Z][a-z]+")
_VIDEO_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


@dataclass(frozen=True, slots=True)
class _Equipment:
    words: tuple[str, ...]
    """How the title names it (``Smith Machine``)."""
    token: str
    """How the file name names it (``smith``)."""
    tool: str
    """How a sentence names it (``Smith machine``)."""


_EQUIPMENT: Mapping[str, _Equipment] = {
    "barbell": _Equipment(("Barbell",), "barbell", "barbell"),
    "dumbbell": _Equipment(("Dumbbell",), "dumbbell", "pair of dumbbells"),
    "kettlebell": _Equipment(("Kettlebell",), "kettlebell", "kettlebell"),
    "cable": _Equipment(("Cable",), "cable", "cable station"),
    "band": _Equipment(("Band",), "band", "resistance band"),
    "machine": _Equipment(("Machine",), "machine", "machine"),
    "smith": _Equipment(("Smith", "Machine"), "smith", "Smith machine"),
    "leverage": _Equipment(("Leverage",), "leverage", "leverage machine"),
    "landmine": _Equipment(("Landmine",), "landmine", "landmine"),
    "bodyweight": _Equipment(("Bodyweight",), "bodyweight", "exercise mat"),
    "medicineball": _Equipment(("Medicine", "Ball"), "medicineball", "medicine ball"),
}
# The Free Exercise DB's equipment values, for names that do not start with one.
_DB_EQUIPMENT: Mapping[str, str] = {
    "barbell": "barbell",
    "dumbbell": "dumbbell",
    "kettlebells": "kettlebell",
    "cable": "cable",
    "machine": "machine",
    "bands": "band",
    "body only": "bodyweight",
    "medicine ball": "medicineball",
}
# Names that start with these words say their equipment themselves.
_NAME_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("Smith", "Machine"), "smith"),
    (("Barbell",), "barbell"),
    (("Dumbbell",), "dumbbell"),
    (("Kettlebell",), "kettlebell"),
    (("Cable",), "cable"),
    (("Band",), "band"),
    (("Leverage",), "leverage"),
    (("Landmine",), "landmine"),
    (("Bodyweight",), "bodyweight"),
    (("Machine",), "machine"),
)

_FALLBACK_NAMES: tuple[tuple[str, str], ...] = (
    ("Hip Thrust", "barbell"),
    ("Glute Bridge", "bodyweight"),
    ("Romanian Deadlift", "barbell"),
    ("Goblet Squat", "kettlebell"),
    ("Split Squat", "dumbbell"),
    ("Step Up", "dumbbell"),
    ("Calf Raise", "machine"),
    ("Lateral Raise", "dumbbell"),
    ("Overhead Press", "barbell"),
    ("Bent Over Row", "barbell"),
    ("Chest Press", "machine"),
    ("Biceps Curl", "cable"),
    ("Triceps Extension", "cable"),
    ("Good Morning", "barbell"),
    ("Behind the Neck Press", "smith"),
    ("Face Pull", "cable"),
    ("Pull Through", "cable"),
    ("Reverse Lunge", "dumbbell"),
    ("Sumo Deadlift", "barbell"),
    ("Hammer Curl", "dumbbell"),
    ("Upright Row", "barbell"),
    ("Front Squat", "barbell"),
    ("Hack Squat", "machine"),
    ("Leg Curl", "machine"),
    ("Shoulder Shrug", "dumbbell"),
    ("Russian Twist", "medicineball"),
    ("Side Plank", "bodyweight"),
    ("Dead Bug", "bodyweight"),
    ("Bird Dog", "bodyweight"),
    ("Frog Pump", "bodyweight"),
    ("Glute Kickback", "cable"),
    ("Lateral Walk", "band"),
    ("Kettlebell Swing", "kettlebell"),
    ("Single Leg Deadlift", "dumbbell"),
    ("Hip Abduction", "machine"),
    ("Back Extension", "bodyweight"),
    ("Nordic Curl", "bodyweight"),
    ("Floor Press", "dumbbell"),
    ("Pallof Press", "cable"),
    ("Farmer Carry", "kettlebell"),
    ("Landmine Press", "landmine"),
    ("Seated Row", "cable"),
    ("Lat Pulldown", "cable"),
    ("Push Up", "bodyweight"),
    ("Wall Sit", "bodyweight"),
)


# -- what a reader must find ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpectedItem:
    """One list item as a faithful reader models it."""

    label: str | None
    """The bold lead-in, or ``None``."""
    text: str
    """The item's own text after the label, Markdown removed."""
    subs: tuple[str, ...] = ()
    """The plain text of each nested sub-bullet, in order."""
    group: str | None = None
    """The sub-heading inside the section the item stands under, or ``None``."""

    @property
    def plain(self) -> str:
        """``ListItem.plain``: own text, then the sub-bullets, space-separated."""
        return " ".join((self.text, *self.subs))


@dataclass(frozen=True, slots=True)
class Shape:
    """Which of the real-library traits a file has."""

    headings: str
    """``"##"``, ``"###"`` (no ``##`` at all) or ``"bold"`` (a bold line per section)."""
    file_name: str
    """``"run-together"`` (``hipthrust_barbell.md``) or ``"tidy"`` (``barbell-hip-thrust.md``)."""
    front_matter: str
    """``"plain"`` (video and description), ``"block"`` or ``"flow"`` (lists of muscles...)."""
    trailing_spaces: bool
    nested: bool
    """Some numbered items have sub-bullets."""
    non_ascii: bool
    duplicate_setup: bool
    """Both Setup and a second setup heading (Starting Position...)."""
    phases: bool
    """Sub-headings (bold lines or deeper headings) with their own lists in Execution."""
    labels: bool
    """Some items start with ``**Label**:``."""
    emphasis: bool
    link: bool
    colon_headings: bool
    """Some section names end in a colon."""
    odd_case: bool
    """Some section names are written all upper or all lower case."""
    video: str | None


@dataclass(frozen=True, slots=True)
class Expected:
    """What the file holds, as the reader of FORMAT.md must model it."""

    title: str
    slug: str
    description: str
    items: Mapping[str, tuple[ExpectedItem, ...]]
    """Items of each known kind, in file order."""
    sections: tuple[str, ...]
    """Titles of the generic sections, in file order."""
    order: tuple[str, ...]
    """Anchors of the body's sections in file order: a known kind by its name (once),
    a generic one by its slug."""
    groups: tuple[str, ...]
    """Every group title the items have, in file order (once each)."""
    headings: tuple[str, ...]
    """Every section's heading text as written (colon and case kept), in file order."""
    howto: tuple[str, ...]
    """HowTo step names."""
    summary: str
    """The closing paragraph, as plain text."""
    muscles: tuple[str, ...]
    """Muscles the front matter states (``()`` when it states none)."""
    shape: Shape


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """One generated exercise file: its name (in ``exercises/``), text and expectation."""

    name: str
    text: str
    expected: Expected


# -- names ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Family:
    """A movement and its default equipment; variants share its video."""

    words: tuple[str, ...]
    equipment: str


def _database() -> Path | None:
    named = os.environ.get("THRUSTLIB_EXERCISE_DB")
    candidates = [Path(named)] if named else []
    root = Path(__file__).resolve().parent.parent
    candidates.append(root.parent / "shared" / "data" / "free-exercise-db.json")
    return next((p for p in candidates if p.is_file()), None)


def _clean_words(name: str) -> tuple[str, ...] | None:
    """A title-cased name's words, or ``None`` for names a file name cannot carry."""
    words = tuple(name.split())
    if not 1 <= len(words) <= 6:
        return None
    if words[0] in _CONNECTORS or words[-1] in _CONNECTORS:
        return None
    if not all(_WORD.fullmatch(w) or w in _CONNECTORS for w in words):
        return None
    return words


def _family(words: tuple[str, ...], db_equipment: str | None) -> _Family | None:
    for prefix, key in _NAME_PREFIXES:
        if words[: len(prefix)] == prefix:
            rest = words[len(prefix) :]
            return _Family(rest, key) if rest and rest[0] not in _CONNECTORS else None
    found = _DB_EQUIPMENT.get(db_equipment or "")
    return _Family(words, found) if found else None


def families() -> list[_Family]:
    """The exercise families names are drawn from: the Free Exercise DB's when it is
    there, a short built-in list otherwise."""
    found: list[_Family] = []
    path = _database()
    if path is not None:
        for entry in json.loads(path.read_text("utf-8")):
            name = entry.get("name")
            words = _clean_words(name) if isinstance(name, str) else None
            family = _family(words, entry.get("equipment")) if words else None
            if family is None:
                continue
            taken = {w.lower() for e in _EQUIPMENT.values() for w in e.words}
            if any(w.lower() in taken or w.lower().rstrip("s") in taken for w in family.words):
                continue
            found.append(family)
    if len(found) < len(_FALLBACK_NAMES):
        found.extend(_Family(tuple(n.split()), e) for n, e in _FALLBACK_NAMES)
    unique = {(f.words, f.equipment): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.words, f.equipment))


@dataclass(frozen=True, slots=True)
class _Name:
    phrase: str
    """The title-cased phrase the description names (the title)."""
    file_stem: str
    run_together: bool
    tool: str
    equipment: str


def _name(words: tuple[str, ...], equipment: str, tidy: bool) -> _Name | None:
    equip = _EQUIPMENT[equipment]
    phrase_words = (*equip.words, *words)
    phrase = " ".join(phrase_words)
    if tidy and not any(w in _CONNECTORS for w in phrase_words):
        stem = "-".join(w.lower() for w in phrase_words)
        return _Name(phrase, stem, False, equip.tool, equipment)
    if len(words) < 2:
        return None  # one word is no run-together name
    stem = "".join(w.lower() for w in words) + "_" + equip.token
    return _Name(phrase, stem, True, equip.tool, equipment)


# -- building one file ------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    label: str | None
    markdown: str
    plain: str
    subs: list[str] = field(default_factory=list)
    emphasized: bool = False
    linked: bool = False


@dataclass(slots=True)
class _List:
    title: str | None
    """A group's sub-heading, or ``None`` for the items right under the section."""
    ordered: bool
    items: list[_Item]
    heading_form: str = "bold"
    """How the sub-heading is written: ``"bold"`` or ``"heading"`` (one level deeper)."""


@dataclass(slots=True)
class _Section:
    kind: str | None
    """A known kind, or ``None`` for a generic section."""
    name: str
    """The heading text as written, colon and case included."""
    title: str
    """The clean name (what ``Section.title`` or an item's group is)."""
    lists: list[_List]
    bold_form: str = "**{}:**"
    group: str | None = None
    """For a second heading of a kind: the group its items get."""


@dataclass(slots=True)
class _Draft:
    name: _Name
    shape: Shape
    description: str
    muscles: tuple[str, ...]
    equipment_key: str
    level: str | None
    sections: list[_Section]
    summary: str
    howto: list[tuple[str, str]]
    bullet: str = "-"
    blank_after_heading: bool = False


def _maybe(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _video(rng: random.Random) -> str:
    return "".join(rng.choice(_VIDEO_CHARS) for _ in range(11))


def _emphasize(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if i > 0 and w.isalpha() and len(w) >= 4]
    if not spots:
        return text
    i = rng.choice(spots)
    # Emphasis or bold, as authors use both inside a sentence.
    mark = rng.choice(("*", "**"))
    words[i] = f"{mark}{words[i]}{mark}"
    return " ".join(words)


def _link(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if i > 0 and w.isalpha() and len(w) >= 4]
    if not spots:
        return text
    i = rng.choice(spots)
    words[i] = f"[{words[i]}](https://example.org/notes/{words[i].lower()})"
    return " ".join(words)


def _heading_name(rng: random.Random, kind: str, colon: bool, odd: bool) -> tuple[str, str]:
    """(as written, clean title) for a known section."""
    names = SYNONYMS[kind]
    title = names[0] if _maybe(rng, 0.5) else rng.choice(names)
    written = title
    if odd:
        written = written.upper() if _maybe(rng, 0.5) else written.lower()
    if colon:
        written += ":"
    return written, title


def _items_from(
    rng: random.Random, pool: Sequence[tuple[str, str]], count: int, labels: float
) -> list[_Item]:
    chosen = rng.sample(list(pool), min(count, len(pool)))
    return [_Item(label if _maybe(rng, labels) else None, text, text) for label, text in chosen]


def _draft(rng: random.Random, name: _Name, video: str | None) -> _Draft:
    style = rng.choices(HEADING_STYLES, weights=(50, 40, 10))[0]
    non_ascii = _maybe(rng, 0.06)
    labels_p = rng.choice((0.0, 0.5, 0.8, 1.0)) if _maybe(rng, 0.8) else 0.0
    colon_p = 0.35 if _maybe(rng, 0.3) else 0.0
    odd_p = 0.4 if _maybe(rng, 0.1) else 0.0
    sub_phases = style != "bold" and _maybe(rng, 0.25)
    duplicate = style != "bold" and _maybe(rng, 0.12)
    nested = _maybe(rng, 0.25)
    colon_used = odd_used = False

    def known(kind: str) -> _Section:
        nonlocal colon_used, odd_used
        colon, odd = _maybe(rng, colon_p), _maybe(rng, odd_p)
        colon_used, odd_used = colon_used or colon, odd_used or odd
        written, title = _heading_name(rng, kind, colon, odd)
        return _Section(kind, written, title, [], rng.choice(("**{}:**", "**{}**:", "**{}**")))

    sections: list[_Section] = []
    setup = known("setup")
    setup.lists.append(_List(None, True, _items_from(rng, _SETUP, rng.randint(2, 4), labels_p)))
    sections.append(setup)
    if duplicate:
        if setup.title == "Setup":
            second = rng.choice(("Starting Position", "Positioning", "Start Position"))
        else:
            setup.name = setup.title = "Setup"  # the common pair: Setup, then a second name
            second = rng.choice(("Starting Position", "Positioning"))
        have = {item.plain for item in setup.lists[0].items}
        extra = _items_from(rng, [p for p in _SETUP if p[1] not in have], 2, labels_p)
        sections.append(_Section("setup", second, second, [_List(None, True, extra)], group=second))
    execution = known("execution")
    ordered = _maybe(rng, 0.85)
    if sub_phases:
        phases = rng.sample(PHASE_TITLES, rng.randint(1, 2))
        lead = rng.randint(0, 3)
        pool = list(_EXECUTION)
        rng.shuffle(pool)
        if lead:
            execution.lists.append(
                _List(None, ordered, _items_from(rng, pool[:lead], lead, labels_p))
            )
        form = "bold" if _maybe(rng, 0.7) else "heading"
        texts = rng.sample(_PHASE_ITEMS, 6)
        for n, phase in enumerate(phases):
            items = [_Item(None, t, t) for t in texts[3 * n : 3 * n + rng.randint(2, 3)]]
            execution.lists.append(_List(phase, _maybe(rng, 0.5), items, form))
    else:
        execution.lists.append(
            _List(None, ordered, _items_from(rng, _EXECUTION, rng.randint(3, 6), labels_p))
        )
    sections.append(execution)
    if _maybe(rng, 0.95):
        tips = known("tips")
        tips.lists.append(_List(None, False, _items_from(rng, _TIPS, rng.randint(2, 4), labels_p)))
        sections.append(tips)
    if _maybe(rng, 0.85):
        mistakes = known("mistakes")
        items = _items_from(rng, _MISTAKES, rng.randint(2, 4), labels_p)
        mistakes.lists.append(_List(None, False, items))
        sections.append(mistakes)

    # Generic sections before, between and after the known ones (never between the two
    # setup headings, so that the second one stays a continuation of the first).
    generic = rng.sample(GENERIC_TITLES, rng.choices((0, 1, 2, 3), weights=(15, 40, 30, 15))[0])
    for title in generic:
        slots = [
            i
            for i in range(len(sections) + 1)
            if not (0 < i < len(sections) and sections[i].group is not None)
        ]
        where = rng.choice(slots)
        if title == "Conclusion":
            where = len(sections)
        texts = rng.sample(_GENERIC[title], rng.randint(2, 3))
        items = [_Item(None, t.format(tool=name.tool), t.format(tool=name.tool)) for t in texts]
        # A generic heading keeps its name as written: no colon, no odd case (what a
        # reader should make of "## Breathing:" as a title is not settled).
        section = _Section(None, title, title, [_List(None, False, items)])
        section.bold_form = rng.choice(("**{}:**", "**{}**:", "**{}**"))
        sections.insert(where, section)

    all_items = [item for s in sections for lst in s.lists for item in lst.items]
    labelled = [i for i in all_items if i.label is not None]
    emphasis = _maybe(rng, 0.3)
    if emphasis:
        for item in rng.sample(all_items, min(len(all_items), rng.randint(1, 3))):
            item.markdown = _emphasize(rng, item.markdown)
            item.emphasized = "*" in item.markdown
    link = _maybe(rng, 0.08)
    if link:
        target = rng.choice(all_items)
        target.markdown = _link(rng, target.markdown)
        target.linked = "](" in target.markdown
    if nested:
        numbered = [
            item
            for s in sections
            if s.kind is not None
            for lst in s.lists
            if lst.ordered
            for item in lst.items
        ]
        if not numbered:
            first = sections[[s.kind for s in sections].index("setup")].lists[0]
            first.ordered = True
            numbered = first.items
        for item in rng.sample(numbered, min(len(numbered), rng.randint(1, 2))):
            item.subs = rng.sample(_SUBS, rng.randint(2, 3))
    if non_ascii:
        tips_section = next((s for s in sections if s.kind == "tips"), None)
        label, text = rng.choice(_NON_ASCII_TIPS)
        special = _Item(label if labels_p else None, text, text)
        if tips_section is not None:
            tips_section.lists[0].items.append(special)
        else:
            sections[[s.kind for s in sections].index("execution")].lists[-1].items.append(special)

    steps = rng.sample(_HOWTO, rng.randint(3, 5))
    steps.sort(key=_HOWTO.index)
    summary = _NON_ASCII_SUMMARY if non_ascii else rng.choice(_SUMMARIES)
    template = _NON_ASCII_DESCRIPTION if non_ascii else rng.choice(_DESCRIPTIONS)
    front = rng.choices(("plain", "block", "flow"), weights=(65, 20, 15))[0]
    muscles = tuple(rng.sample(_MUSCLES, rng.randint(1, 2))) if front != "plain" else ()
    shape = Shape(
        headings=style,
        file_name="run-together" if name.run_together else "tidy",
        front_matter=front,
        trailing_spaces=_maybe(rng, 1 / 3),
        nested=nested,
        non_ascii=non_ascii,
        duplicate_setup=duplicate,
        phases=sub_phases,
        labels=bool(labelled),
        emphasis=emphasis,
        link=link,
        colon_headings=colon_used,
        odd_case=odd_used,
        video=video,
    )
    return _Draft(
        name=name,
        shape=shape,
        description=template.format(phrase=name.phrase),
        muscles=muscles,
        equipment_key=name.equipment,
        level=rng.choice(("beginner", "intermediate", "advanced", None)),
        sections=sections,
        summary=summary,
        howto=steps,
        bullet="*" if _maybe(rng, 0.1) else "-",
        blank_after_heading=_maybe(rng, 0.3),
    )


def _list_lines(lst: _List, bullet: str) -> list[str]:
    lines: list[str] = []
    for n, item in enumerate(lst.items, 1):
        marker = f"{n}." if lst.ordered else bullet
        label = f"**{item.label}**: " if item.label else ""
        lines.append(f"{marker} {label}{item.markdown}")
        indent = " " * (len(marker) + 1)
        lines.extend(f"{indent}- {sub}" for sub in item.subs)
    return lines


def _render(draft: _Draft, rng: random.Random) -> str:
    shape = draft.shape
    front = []
    if shape.video is not None:
        front.append(f'video: "{shape.video}"')
    front.append(f'description: "{draft.description}"')
    if shape.front_matter == "block":
        front.append("muscles:")
        front.extend(f"  - {m}" for m in draft.muscles)
        front.append("equipment:")
        front.append(f"  - {draft.equipment_key}")
        if draft.level:
            front.append(f"level: {draft.level}")
    elif shape.front_matter == "flow":
        front.append(f"muscles: [{', '.join(draft.muscles)}]")
        front.append(f"equipment: [{draft.equipment_key}]")

    body: list[str] = []
    section_mark = {"##": "## ", "###": "### "}.get(shape.headings)
    group_mark = {"##": "### ", "###": "#### "}.get(shape.headings)
    for section in draft.sections:
        if section_mark is not None:
            body.append(section_mark + section.name)
        else:
            body.append(section.bold_form.format(section.name.rstrip(":")))
        if draft.blank_after_heading:
            body.append("")
        for n, lst in enumerate(section.lists):
            if lst.title is not None:
                if n or not draft.blank_after_heading:
                    body.append("")
                if lst.heading_form == "heading" and group_mark is not None:
                    body.append(group_mark + lst.title)
                else:
                    body.append(f"**{lst.title}:**")
            elif n:
                body.append("")
            body.extend(_list_lines(lst, draft.bullet))
        body.append("")
    body.append(draft.summary)
    body.append("")
    body.append("<!-- howto -->")
    for step, text in draft.howto:
        body.append("")
        body.append(f"### {step}")
        body.append(text)

    if shape.trailing_spaces:
        eligible = [i for i, line in enumerate(body) if line.strip() and line != "<!-- howto -->"]
        chosen = [i for i in eligible if _maybe(rng, 0.3)] or [rng.choice(eligible)]
        for i in chosen:
            body[i] += " " * rng.randint(1, 3)
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body) + "\n"


def _expected(draft: _Draft, slug: str) -> Expected:
    items: dict[str, list[ExpectedItem]] = {kind: [] for kind in KINDS}
    order: list[str] = []
    groups: list[str] = []
    for section in draft.sections:
        anchor = section.kind or _slug(section.title)
        if anchor not in order:
            order.append(anchor)
        if section.kind is None:
            continue
        for lst in section.lists:
            group = lst.title if lst.title is not None else section.group
            if group is not None and group not in groups:
                groups.append(group)
            items[section.kind].extend(
                ExpectedItem(item.label, item.plain, tuple(item.subs), group) for item in lst.items
            )
    every = [item for s in draft.sections for lst in s.lists for item in lst.items]
    shape = dataclasses.replace(
        draft.shape,
        labels=any(i.label for i in every),
        emphasis=any(i.emphasized for i in every),
        link=any(i.linked for i in every),
        nested=any(i.subs for i in every),
        phases=any(lst.title for s in draft.sections for lst in s.lists),
    )
    return Expected(
        title=draft.name.phrase,
        slug=slug,
        description=draft.description,
        items={kind: tuple(found) for kind, found in items.items()},
        sections=tuple(s.title for s in draft.sections if s.kind is None),
        order=tuple(order),
        groups=tuple(groups),
        headings=tuple(s.name for s in draft.sections),
        howto=tuple(step for step, _ in draft.howto),
        summary=draft.summary,
        muscles=draft.muscles,
        shape=shape,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fits(text: str) -> bool:
    return 1400 <= len(text.encode("utf-8")) <= 2900


def _resize(draft: _Draft, rng: random.Random, seed_text: str) -> str:
    """Add or drop items until the file is 1.4-2.9 KB (as the real files are)."""
    text = _render(draft, random.Random(seed_text))
    for _ in range(40):
        size = len(text.encode("utf-8"))
        if 1400 <= size <= 2900:
            return text
        growable = [
            (s, s.lists[-1])
            for s in draft.sections
            if s.kind in ("tips", "mistakes", "execution") and s.lists[-1].title is None
        ]
        if size < 1400:
            if len(draft.howto) < 5:
                missing = [h for h in _HOWTO if h not in draft.howto]
                draft.howto.append(rng.choice(missing))
                draft.howto.sort(key=_HOWTO.index)
            elif growable:
                section, lst = rng.choice(growable)
                pool = {"tips": _TIPS, "mistakes": _MISTAKES, "execution": _EXECUTION}
                have = {i.plain for i in lst.items}
                fresh = [p for p in pool[section.kind or "tips"] if p[1] not in have]
                if not fresh:
                    fresh = [("", t) for t in _PHASE_ITEMS if t not in have]
                label, new = rng.choice(fresh)
                lst.items.append(_Item(label or None, new, new))
            else:
                draft.summary += " " + rng.choice(_SUMMARIES)
        else:
            shrinkable = [
                lst
                for s in draft.sections
                for lst in s.lists
                if len(lst.items) > 2 and not any(i.subs for i in lst.items[-1:])
            ]
            if shrinkable:
                rng.choice(shrinkable).items.pop()
            elif len(draft.howto) > 3:
                draft.howto.pop()
            else:
                generic = [s for s in draft.sections if s.kind is None]
                if not generic:
                    break
                draft.sections.remove(generic[-1])
        text = _render(draft, random.Random(seed_text))
    if not _fits(text):
        raise AssertionError(f"could not fit {draft.name.file_stem} into 1.4-2.9 KB")
    return text


def generate(count: int, seed: int = 0) -> list[GeneratedFile]:
    """``count`` real-shaped exercise files with unique names, the same for one seed."""
    rng = random.Random(seed)
    pool = families()
    rng.shuffle(pool)
    videos: dict[_Family, str | None] = {}
    used: list[_Family] = []
    stems: set[str] = set()
    titles: set[str] = set()
    files: list[GeneratedFile] = []
    fresh = iter(pool)
    attempts = 0
    while len(files) < count:
        attempts += 1
        if attempts > 50 * count + 1000:
            raise ValueError(f"cannot make {count} distinct names from {len(pool)} movements")
        family = next(fresh, None) if not (used and _maybe(rng, 0.25)) else None
        words: tuple[str, ...]
        if family is not None:
            equipment, words = family.equipment, family.words
        else:
            family = rng.choice(used) if used else rng.choice(pool)
            equipment = family.equipment if _maybe(rng, 0.5) else rng.choice(sorted(_EQUIPMENT))
            modifier = tuple(rng.choice(_MODIFIERS).split())
            if set(modifier) & set(family.words):
                continue
            words = (*modifier, *family.words)
        name = _name(words, equipment, tidy=_maybe(rng, 0.3))
        if name is None:
            name = _name((*rng.choice(_MODIFIERS).split(), *words), equipment, tidy=False)
        if name is None:
            continue
        slug = _slug(name.file_stem)
        if slug in stems or name.phrase.lower() in titles:
            continue
        if family not in videos:
            videos[family] = _video(rng) if _maybe(rng, 0.9) else None
            used.append(family)
        stems.add(slug)
        titles.add(name.phrase.lower())
        file_seed = f"{seed}:{len(files)}:{name.file_stem}"
        local = random.Random(file_seed)
        draft = _draft(local, name, videos[family])
        text = _resize(draft, local, file_seed)
        expected = _expected(draft, slug)
        files.append(GeneratedFile(f"{name.file_stem}.md", text, expected))
    return files


def write_corpus(folder: Path, count: int, seed: int = 0) -> list[GeneratedFile]:
    """Write ``generate(count, seed)`` to ``folder/exercises/`` and return it."""
    files = generate(count, seed)
    target = folder / "exercises"
    target.mkdir(parents=True, exist_ok=True)
    for generated in files:
        (target / generated.name).write_bytes(generated.text.encode("utf-8"))
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.realshape",
        description="Write real-shaped exercise files to OUT/exercises/.",
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="the site folder to write into")
    parser.add_argument("-n", type=int, default=400, metavar="N", help="how many files")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="the random seed")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be 0 or more")
    files = write_corpus(args.out, args.n, args.seed)
    print(f"wrote {len(files)} files to {args.out / 'exercises'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
