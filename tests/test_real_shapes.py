"""Files shaped like a real library's (FORMAT.md, "What real libraries look like").

Two sources: the hand-written files of ``fixtures/real-shapes/`` (one per heading style,
synonym set and oddity, each with its expected model below), and a corpus of 400 files
from :mod:`tests.realshape`, each with what its generator wrote. Both are read into the
model and built into a site; the model must hold every section and item the file has,
under the right kind, label and group, and no page may skip a heading level.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import realshape
from tests.realshape import (
    GENERIC_TITLES,
    KINDS,
    SYNONYMS,
    ExpectedItem,
    GeneratedFile,
    generate,
    write_corpus,
)
from thrustlib.cli import main
from thrustlib.content.model import Exercise, ListItem
from thrustlib.content.parse import ParseResult, parse_exercise
from thrustlib.content.text import slugify
from thrustlib.content.vocabulary import Vocabulary

FIXTURES = Path(__file__).parent / "fixtures" / "real-shapes"
ROOT = Path(__file__).resolve().parent.parent
NO_KNOWN = "found no Setup or Execution section"
MISSING = "<no such field>"

E = ExpectedItem


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CI", raising=False)


# -- helpers: the model --------------------------------------------------------------


def read(path: Path) -> ParseResult:
    """One fixture file read as the loader would (``exercises/<name>``)."""
    return parse_exercise(Path("exercises") / path.name, path.read_bytes(), Vocabulary())


def item_shape(item: ListItem) -> tuple[str | None, str, object]:
    """What the comparisons look at: label, plain text, group."""
    return (item.label, item.plain, getattr(item, "group", MISSING))


def expected_shape(item: ExpectedItem) -> tuple[str | None, str, object]:
    return (item.label, item.plain, item.group)


def items_of(exercise: Exercise, kind: str) -> list[tuple[str | None, str, object]]:
    found: tuple[ListItem, ...] = getattr(exercise, kind)
    return [item_shape(item) for item in found]


def order_of(exercise: Exercise) -> object:
    return getattr(exercise, "order", MISSING)


def errors_of(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems if p.severity == "error"]


def line_of(path: Path, start: str) -> int:
    """The 1-based line of the first line of ``path`` starting with ``start``."""
    for n, line in enumerate(path.read_text("utf-8").split("\n"), 1):
        if line.startswith(start):
            return n
    raise AssertionError(f"{path.name} has no line starting {start!r}")


# -- helpers: the page ---------------------------------------------------------------

_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def text_of(fragment: str) -> str:
    """HTML to its text: tags removed, entities decoded, runs of white space as one."""
    return squash(html.unescape(_TAG.sub("", fragment)))


_INVISIBLE = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


def visible_text(page: str) -> str:
    """The text a reader sees: no head, scripts (JSON-LD holds the items too) or styles."""
    return text_of(_INVISIBLE.sub(" ", page))


def headings(page: str) -> list[tuple[int, str]]:
    """Every heading of the page as (level, text), in document order."""
    return [(int(m[1]), text_of(m[2])) for m in _HEADING.finditer(page)]


def heading_skips(page: str) -> list[str]:
    """Headings more than one level deeper than the deepest level opened before them."""
    deepest, skips = 0, []
    for level, text in headings(page):
        if level > deepest + 1:
            skips.append(f"h{level} {text!r} comes after h{deepest} at most")
        deepest = max(deepest, level)
    return skips


def level_at(page: str, anchor: str) -> int | None:
    """The level of the heading that the element with id ``anchor`` opens, or None."""
    found = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(anchor)}"', page)
    if found is None:
        return None
    tag = found[1].lower()
    if re.fullmatch(r"h[1-6]", tag):
        return int(tag[1])
    following = _HEADING.search(page, found.end())
    return int(following[1]) if following else None


def page_problems(
    page: str,
    *,
    title: str | None,
    order: Sequence[str],
    sections: Sequence[str],
    groups: Sequence[str],
    items: Sequence[ExpectedItem],
    howto: Sequence[str],
    summary: str,
) -> list[str]:
    """Everything the page gets wrong about the file it was built from."""
    problems = heading_skips(page)
    found = headings(page)
    h1 = [text for level, text in found if level == 1]
    if len(h1) != 1 or (title is not None and h1[0] != title):
        problems.append(f"h1 headings {h1}, expected one: {title!r}")
    for anchor in order:
        level = level_at(page, anchor)
        if level != 2:
            problems.append(f"section #{anchor} opens with h{level}, not h2")
    for name in sections:
        if (2, name) not in found:
            problems.append(f"generic section {name!r} is not an h2")
    for group in groups:
        if (3, group) not in found:
            problems.append(f"group {group!r} is not an h3")
    if howto and (2, "Step by step") not in found:
        problems.append("no 'Step by step' h2")
    for step in howto:
        if (3, step) not in found:
            problems.append(f"HowTo step {step!r} is not an h3")
    text = visible_text(page)
    for item in items:
        for part in (item.label, item.text, *item.subs):
            if part and squash(part) not in text:
                problems.append(f"the page lacks {part!r}")
    if summary and squash(summary) not in text:
        problems.append(f"the page lacks the summary {summary!r}")
    return problems


@dataclass(frozen=True, slots=True)
class Built:
    """A site built in-process by ``thrustlib build``."""

    root: Path
    code: int
    out: str
    err: str

    @property
    def output(self) -> Path:
        return self.root / "_site"

    def page(self, slug: str) -> str:
        return (self.output / "exercises" / slug / "index.html").read_text("utf-8")

    def api(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.output / "api/exercises.json").read_text("utf-8"))
        return data

    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error:" in line]


def build_site(root: Path, *extra: str) -> Built:
    """Run ``thrustlib build`` in ``root`` (the current directory meanwhile)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        patch.chdir(root)
        patch.delenv("GITHUB_ACTIONS", raising=False)
        patch.delenv("CI", raising=False)
        code = main(["build", "--no-cache", *extra])
    return Built(root, code, out.getvalue(), err.getvalue())


# -- the fixture files and what each holds -------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """What a fixture file's model must hold."""

    setup: tuple[ExpectedItem, ...] = ()
    execution: tuple[ExpectedItem, ...] = ()
    tips: tuple[ExpectedItem, ...] = ()
    mistakes: tuple[ExpectedItem, ...] = ()
    sections: tuple[str, ...] = ()
    order: tuple[str, ...] = KINDS
    howto: tuple[str, ...] = ()
    summary: str = ""
    title: str | None = None
    loose: tuple[str, ...] = ()
    """Kinds whose items' plain text need only contain the expected text."""

    def items(self) -> tuple[ExpectedItem, ...]:
        return (*self.setup, *self.execution, *self.tips, *self.mistakes)

    def groups(self) -> list[str]:
        return list(dict.fromkeys(i.group for i in self.items() if i.group is not None))


CASES: dict[str, Case] = {
    "headings-h2.md": Case(
        setup=(
            E("Bench", "Sit with your upper back against a low, stable bench."),
            E("Bar", "Roll the padded bar over your hips and hold it in place."),
        ),
        execution=(
            E("Drive", "Push through your heels and lift your hips until your body is level."),
            E("Lock Out", "Squeeze your glutes at the top without arching your back."),
            E(None, "Lower your hips slowly until they nearly touch the floor."),
        ),
        tips=(
            E(None, "Keep your chin tucked so your ribs stay down."),
            E("Shins", "Set your shins upright at the top of the rep."),
        ),
        mistakes=(
            E(None, "Pushing through the toes instead of the heels."),
            E(None, "Overarching the lower back at lockout."),
        ),
        howto=("Set Up on the Bench", "Drive the Hips", "Lower Slowly"),
        summary="Start with a light bar and the hip thrust soon becomes a reliable glute builder.",
    ),
    "headings-h3.md": Case(
        setup=(
            E("Stance", "Stand facing the box with a dumbbell in each hand."),
            E("Foot", "Place your whole right foot on top of the box."),
        ),
        execution=(
            E("Step", "Press through the raised foot and stand up tall on the box."),
            E("Lower", "Step back down with the same foot, slowly."),
        ),
        tips=(E(None, "Keep your chest up and the weights by your sides."),),
        mistakes=(E(None, "Pushing off hard with the back foot."),),
        sections=("Equipment Needed",),
        order=("equipment-needed", *KINDS),
        howto=("Place the Foot", "Stand Up", "Step Down"),
        summary="Choose a box height you can control and add load over time.",
    ),
    "bold-colon-inside.md": Case(
        setup=(
            E("Grip", "Hold a kettlebell by the horns at chest height."),
            E(None, "Stand with your feet a little wider than your hips."),
        ),
        execution=(
            E(None, "Sit your hips down between your heels, keeping your chest tall."),
            E("Drive", "Stand back up by pushing the floor away."),
        ),
        tips=(E(None, "Let your elbows brush the inside of your knees at the bottom."),),
        mistakes=(E(None, "Letting the heels lift off the floor."),),
        sections=("Breathing",),
        order=("setup", "execution", "breathing", "tips", "mistakes"),
        howto=("Hold the Bell", "Squat Down", "Stand Up"),
        summary="Goblet squats teach an upright squat that carries over to every other variation.",
    ),
    "bold-colon-outside.md": Case(
        setup=(
            E("Stance", "Stand tall with the bar against your thighs."),
            E("Grip", "Hold the bar just outside your legs."),
        ),
        execution=(
            E("Hinge", "Push your hips back and slide the bar down your legs."),
            E("Return", "Drive your hips forward to stand tall again."),
        ),
        tips=(E(None, "Keep the bar in contact with your legs."),),
        mistakes=(E(None, "Bending the knees into a squat."),),
        howto=("Stand Tall", "Hinge Back", "Drive Forward"),
        summary="Hinge patiently and the Romanian deadlift builds hamstrings that last.",
    ),
    "bold-no-colon.md": Case(
        setup=(
            E(None, "Lie on your back with the soles of your feet pressed together."),
            E(None, "Let your knees fall out to the sides."),
        ),
        execution=(
            E("Lift", "Press your feet together and raise your hips."),
            E("Lower", "Bring your hips back down to the floor."),
        ),
        tips=(E(None, "Keep your lower back flat against the floor as you lift."),),
        mistakes=(E(None, "Arching the back instead of squeezing the glutes."),),
        sections=("Benefits",),
        order=(*KINDS, "benefits"),
        howto=("Lie Down", "Pump the Hips", "Finish the Set"),
        summary="A few easy sets of frog pumps make a good start to any leg day.",
    ),
    "synonyms-1.md": Case(
        setup=(
            E(None, "Stand with the bell a foot in front of you."),
            E("Hinge", "Reach down and hold the handle with both hands."),
        ),
        execution=(
            E("Hike", "Pull the bell back between your thighs."),
            E("Snap", "Drive your hips forward so the bell floats up."),
        ),
        tips=(E(None, "Let the hips do the work, not the arms."),),
        mistakes=(E(None, "Squatting the bell up instead of hinging."),),
        howto=("Hike the Bell", "Snap the Hips", "Let It Fall"),
        summary="Practise the hinge first and the swing becomes a powerful hip builder.",
    ),
    "synonyms-2.md": Case(
        setup=(
            E(None, "Stand with the bell between your feet."),
            E(None, "Hold the handle in one hand, the other arm relaxed."),
        ),
        execution=(
            E(None, "Hike the bell back with one hand."),
            E(None, "Drive the hips forward and let the bell rise."),
        ),
        tips=(E(None, "Keep your shoulders level as the bell swings."),),
        mistakes=(E(None, "Twisting toward the working arm."),),
        howto=("Set the Bell", "Swing", "Switch Hands"),
        summary="Swap hands every set to keep both sides even.",
    ),
    "synonyms-3.md": Case(
        setup=(
            E(None, "Stand tall with a light dumbbell in each hand."),
            E(None, "Bend your elbows a little and keep them soft."),
        ),
        execution=(
            E(None, "Raise your arms out to the sides until they reach shoulder height."),
            E(None, "Lower them slowly to your sides."),
        ),
        tips=(E(None, "Lead with the elbows, not the hands."),),
        mistakes=(E(None, "Swinging the weights up with the back."),),
        howto=("Stand Tall", "Raise", "Lower"),
        summary="Light weights and slow reps make the lateral raise work.",
    ),
    "synonyms-4.md": Case(
        setup=(
            E(None, "Rest the bar across your upper back."),
            E(None, "Stand with your knees slightly bent."),
        ),
        execution=(
            E(None, "Push your hips back and bow your chest forward."),
            E(None, "Stand back up by driving your hips forward."),
        ),
        tips=(E(None, "Keep your back flat from start to finish."),),
        mistakes=(E(None, "Rounding the upper back."),),
        howto=("Set the Bar", "Bow Forward", "Stand Up"),
        summary="Start light; the good morning rewards patience.",
    ),
    "synonyms-5.md": Case(
        setup=(
            E(None, "Set the pulley at head height with a rope handle."),
            E(None, "Hold the rope with your thumbs pointing back."),
        ),
        execution=(
            E(None, "Pull the rope toward your eyes, elbows high."),
            E(None, "Return your arms forward slowly."),
        ),
        tips=(E(None, "Squeeze your shoulder blades together at the end."),),
        mistakes=(E(None, "Leaning back to move more weight."),),
        howto=("Grip the Rope", "Pull", "Return"),
        summary="Face pulls are a small exercise with a big payoff for the shoulders.",
    ),
    "synonyms-6.md": Case(
        setup=(
            E(None, "Kneel on all fours, hands under shoulders."),
            E(None, "Set your knees under your hips."),
        ),
        execution=(
            E(None, "Reach one arm forward and the opposite leg back."),
            E(None, "Return to all fours and switch sides."),
        ),
        tips=(E(None, "Keep your hips level as you reach."),),
        mistakes=(E(None, "Arching the lower back as the leg lifts."),),
        howto=("Kneel", "Reach", "Switch"),
        summary="The bird dog teaches the trunk to stay still while the limbs move.",
    ),
    "synonyms-7.md": Case(
        setup=(
            E(None, "Lie on your back with arms pointing at the ceiling."),
            E(None, "Lift your knees above your hips."),
        ),
        execution=(
            E(None, "Lower one arm and the opposite leg toward the floor."),
            E(None, "Bring them back and switch sides."),
        ),
        tips=(E(None, "Press your lower back into the floor."),),
        mistakes=(E(None, "Letting the lower back lift."),),
        howto=("Lie Down", "Lower", "Return"),
        summary="Slow dead bugs build control that heavier exercises rely on.",
    ),
    "trailing-colons.md": Case(
        setup=(
            E(None, "Take a long step forward with one foot."),
            E(None, "Hold a dumbbell in each hand at your sides."),
        ),
        execution=(
            E(None, "Lower your back knee straight down toward the floor."),
            E(None, "Press through the front foot to rise."),
        ),
        tips=(E(None, "Keep most of your weight on the front foot."),),
        mistakes=(E(None, "Letting the front knee cave inward."),),
        howto=("Step Forward", "Drop the Knee", "Rise"),
        summary="Work both legs evenly and the split squat builds balanced strength.",
    ),
    "duplicate-kind.md": Case(
        setup=(
            E(None, "Lie on your back with your knees bent."),
            E(None, "Place your arms flat by your sides."),
            E(None, "Set your heels about a foot from your glutes.", group="Starting Position"),
            E(None, "Press your lower back gently into the floor.", group="Starting Position"),
        ),
        execution=(
            E(None, "Drive through your heels to lift your hips."),
            E(None, "Lower your hips back to the floor."),
        ),
        tips=(E(None, "Squeeze your glutes hard at the top."),),
        mistakes=(E(None, "Pushing through the toes."),),
        howto=("Lie Down", "Bridge Up", "Lower"),
        summary="The glute bridge is the simplest way to learn hip extension.",
    ),
    "generic-sections.md": Case(
        setup=(
            E(None, "Fix the strap around one ankle."),
            E(None, "Face the machine and hold the frame for balance."),
        ),
        execution=(
            E(None, "Press the strapped leg straight back."),
            E(None, "Return it slowly to the start."),
        ),
        tips=(E(None, "Keep your hips square to the machine."),),
        mistakes=(E(None, "Swinging the leg with momentum."),),
        sections=(
            "Equipment Needed",
            "Breathing",
            "Safety",
            "Variations",
            "Benefits",
            "Conclusion",
        ),
        order=(
            "equipment-needed",
            "setup",
            "breathing",
            "execution",
            "safety",
            "tips",
            "mistakes",
            "variations",
            "benefits",
            "conclusion",
        ),
        howto=("Strap In", "Kick Back", "Return"),
        summary="Done slowly, the kickback is a precise way to work each glute on its own.",
    ),
    "phases-h2.md": Case(
        setup=(
            E(None, "Kneel on a pad with your ankles held firmly."),
            E(None, "Keep your body straight from knees to head."),
        ),
        execution=(
            E(None, "Brace your trunk before you move."),
            E(
                None,
                "Lean forward slowly, fighting the fall with your hamstrings.",
                group="Lowering Phase",
            ),
            E(None, "Keep your hips extended the whole way down.", group="Lowering Phase"),
            E(None, "Catch yourself with your hands near the floor.", group="Final Position"),
            E(None, "Push back up lightly to the start.", group="Final Position"),
        ),
        tips=(E(None, "Lower more slowly each week."),),
        mistakes=(E(None, "Bending at the hips to shorten the lever."),),
        howto=("Kneel", "Lower", "Catch"),
        summary="Nordic curls are hard; slow partial reps still build strength.",
    ),
    "phases-h3.md": Case(
        setup=(
            E(None, "Set the pad just below your hip bones."),
            E(None, "Hook your heels under the rollers."),
        ),
        execution=(
            E(
                None,
                "Hinge forward at the hips until your body points at the floor.",
                group="Lowering Phase",
            ),
            E(None, "Keep your back flat as you go down.", group="Lowering Phase"),
            E(None, "Raise your body until it forms a straight line.", group="Final Position"),
            E(None, "Squeeze your glutes at the top.", group="Final Position"),
        ),
        tips=(E(None, "Cross your arms over your chest."),),
        mistakes=(E(None, "Arching past a straight line at the top."),),
        howto=("Set the Pad", "Hinge Down", "Rise"),
        summary="Back extensions build a back line that holds up under heavier lifts.",
    ),
    "nested.md": Case(
        setup=(
            E(
                "Stance",
                "Stand with your feet wide and toes turned out.",
                ("Shins close to the bar", "Knees in line with the toes"),
            ),
            E("Grip", "Hold the bar inside your knees."),
        ),
        execution=(
            E(
                "Push",
                "Press the floor away as the bar leaves the ground.",
                ("Chest stays up", "Bar stays close"),
            ),
            E(None, "Stand tall and lock out your hips."),
            E(None, "Lower the bar along the same path."),
        ),
        tips=(E(None, "Spread the floor with your feet."),),
        mistakes=(E(None, "Letting the hips shoot up first."),),
        howto=("Set the Stance", "Pull", "Lock Out"),
        summary="The sumo deadlift suits lifters with long legs and stiff lower backs.",
    ),
    # The second tip is only an indented code block; its plain text holds the words.
    "code-block-item.md": Case(
        setup=(
            E(None, "Stand on the platform with your heels hanging off."),
            E(None, "Set the shoulder pads so you stand tall."),
        ),
        execution=(
            E(None, "Rise onto the balls of your feet."),
            E(None, "Lower your heels below the platform."),
        ),
        tips=(
            E(None, "Pause for a second at the top."),
            E(None, "Keep your knees straight but not locked."),
        ),
        mistakes=(E(None, "Bouncing at the bottom."),),
        howto=("Step On", "Rise", "Lower"),
        summary="Full, slow calf raises beat fast, short ones.",
        loose=("tips",),
    ),
    "non-ascii-digits.md": Case(
        setup=(
            E(None, "Stand side-on to a cable set at chest height."),
            E(None, "Hold the handle against your chest."),
        ),
        execution=(
            E(None, "Press the handle straight out in front of you."),
            E(None, "Bring it back to your chest."),
        ),
        tips=(E(None, "Keep your hips and shoulders square."),),
        mistakes=(E(None, "Letting the cable turn your trunk."),),
        summary="\uff11. This line starts with a full-width digit and stays a paragraph.",
    ),
    "trailing-spaces.md": Case(
        setup=(
            E("Seat", "Sit tall with your back against the pad."),
            E(None, "Set the pads on the outside of your knees."),
        ),
        execution=(
            E("Press", "Push your knees apart against the pads."),
            E(None, "Return slowly to the start."),
        ),
        tips=(E(None, "Lean forward a little to reach the upper glutes."),),
        mistakes=(E(None, "Letting the weight stack slam between reps."),),
        howto=("Sit Down", "Press Out", "Return"),
        summary="Slow reps make the hip abduction machine worth the time.",
    ),
    # Without the site's own synonym (see test_site_defined_synonym), a generic section.
    "site-synonym.md": Case(
        setup=(
            E(None, "Sit with your thighs under the pads."),
            E(None, "Hold the bar a little wider than your shoulders."),
        ),
        execution=(
            E(None, "Pull the bar down to your upper chest."),
            E(None, "Let it rise slowly until your arms are straight."),
        ),
        mistakes=(E(None, "Leaning far back to finish the rep."),),
        sections=("Trainer Notes",),
        order=("setup", "execution", "trainer-notes", "mistakes"),
        summary="A steady pulldown builds the lats for pull-ups later on.",
    ),
    "behindtheneckpress_smith.md": Case(
        setup=(
            E(None, "Sit on an upright bench under the bar."),
            E(None, "Hold the bar a little wider than your shoulders."),
        ),
        execution=(
            E(None, "Lower the bar behind your head to ear height."),
            E(None, "Press it back up until your arms are straight."),
        ),
        tips=(E(None, "Only go as low as your shoulders allow."),),
        mistakes=(E(None, "Pushing the head forward to make room for the bar."),),
        summary="Keep the load light; this press asks a lot of the shoulders.",
        title="Smith Machine Behind the Neck Press",
    ),
    "no-known-sections.md": Case(sections=("Overview", "Benefits"), order=("overview", "benefits")),
    "non-ascii-text.md": Case(
        setup=(
            E(
                "Stance",
                "Take a wide stance, toes turned out a little \u2013 about twice shoulder width.",
            ),
            E(None, "Hold your hands together in front of your chest."),
        ),
        execution=(
            E(
                "Shift",
                "Sit down over one leg while the other stays straight \u2013 heel down, toes up.",
            ),
            E(None, "Push back to the middle and switch sides."),
        ),
        tips=(
            E("Caf\u00e9 Cue", "Think \u201csit into a low chair\u201d on the bent side."),
            E(None, "Don\u2019t rush; it\u2019s a mobility drill as much as a strength move."),
        ),
        mistakes=(E(None, "Letting the heel of the bent leg lift \u2013 keep it planted."),),
        howto=("Go Wide", "Shift Over", "Switch"),
        summary="A few slow sets of Cossack squats open the hips before any leg day \u2013"
        " a na\u00efve-looking drill that pays off.",
    ),
}


def test_every_fixture_file_has_a_case() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.md")) == sorted(CASES)
    for path in FIXTURES.glob("*.md"):
        video = re.search(r'^video: "(.*)"$', path.read_text("utf-8"), re.MULTILINE)
        assert video and re.fullmatch(r"[A-Za-z0-9_-]{11}", video[1]), path.name


def test_the_fixtures_cover_every_synonym_and_heading_form() -> None:
    written: Counter[str] = Counter()
    forms: set[str] = set()
    for path in FIXTURES.glob("*.md"):
        body = path.read_text("utf-8").split("<!-- howto -->")[0]
        for line in body.split("\n"):
            if found := re.fullmatch(r"(#{2,4}) (.+?)\s*", line):
                forms.add(found[1])
                written[found[2].rstrip(":").casefold()] += 1
            elif found := re.fullmatch(r"\*\*([^*]+?)(:?)\*\*(:?)\s*", line):
                forms.add("**X:**" if found[2] else "**X**:" if found[3] else "**X**")
                written[found[1].casefold()] += 1
    for kind, names in SYNONYMS.items():
        missing = [n for n in names if n.casefold() not in written]
        assert not missing, (kind, missing)
    assert forms == {"##", "###", "####", "**X:**", "**X**:", "**X**"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_model(name: str) -> None:
    case = CASES[name]
    result = read(FIXTURES / name)
    assert errors_of(result) == []
    exercise = result.exercise
    assert exercise is not None
    for kind in KINDS:
        expected = [expected_shape(i) for i in getattr(case, kind)]
        got = items_of(exercise, kind)
        if kind in case.loose and len(got) == len(expected):
            # Where the expected text is inside the item's, take the item's own for it.
            expected = [
                (label, g[1] if text in g[1] else text, group)
                for (label, text, group), g in zip(expected, got, strict=True)
            ]
        assert got == expected, kind
    assert [s.title for s in exercise.sections] == list(case.sections)
    assert order_of(exercise) == case.order
    if case.howto:
        assert [s.name for s in exercise.howto] == list(case.howto)
    assert exercise.summary.strip() == case.summary
    if case.title is not None:
        assert exercise.title == case.title


def test_setup_and_starting_position_are_one_list_without_a_warning() -> None:
    """FORMAT.md: a file may have both. The second's items follow the first's, under
    their own heading, and nothing is worth a warning."""
    path = FIXTURES / "duplicate-kind.md"
    result = read(path)
    assert [p.message for p in result.problems if "section" in p.message] == []
    exercise = result.exercise
    assert exercise is not None
    assert [(i.group, i.line) for i in exercise.setup] == [
        (None, line_of(path, "1. Lie on")),
        (None, line_of(path, "2. Place")),
        ("Starting Position", line_of(path, "1. Set your heels")),
        ("Starting Position", line_of(path, "2. Press your lower")),
    ]


def test_nested_items_keep_their_sub_lists_in_the_html() -> None:
    exercise = read(FIXTURES / "nested.md").exercise
    assert exercise is not None
    stance, grip = exercise.setup
    assert re.search(r"<ul\b", stance.html) and "Knees in line with the toes" in stance.html
    assert not re.search(r"<[ou]l\b", grip.html)
    assert re.search(r"<ul\b", exercise.execution[0].html)


def test_an_item_of_only_an_indented_code_block_is_kept_with_a_warning() -> None:
    path = FIXTURES / "code-block-item.md"
    result = read(path)
    assert errors_of(result) == []
    exercise = result.exercise
    assert exercise is not None
    line = line_of(path, "-     Keep")
    assert [i.line for i in exercise.tips] == [line - 1, line]
    assert exercise.tips[0].plain == "Pause for a second at the top."
    assert "Keep your knees straight but not locked." in exercise.tips[1].plain
    assert [p.severity for p in result.problems if p.line == line] == ["warning"]


def test_non_ascii_digits_start_no_list_item() -> None:
    result = read(FIXTURES / "non-ascii-digits.md")
    exercise = result.exercise
    assert exercise is not None
    every = [*exercise.setup, *exercise.execution, *exercise.tips, *exercise.mistakes]
    assert not [i.plain for i in every if "digit" in i.plain]
    assert "\u0661. This line starts with an Arabic-Indic digit" in exercise.notes.get("tips", "")
    assert exercise.summary.startswith("\uff11. This line")


def test_the_trailing_spaces_fixture_still_has_them() -> None:
    # An editor that strips trailing white space would make the fixture test nothing.
    lines = (FIXTURES / "trailing-spaces.md").read_text("utf-8").split("\n")
    assert sum(line.endswith(" ") for line in lines) >= 8


def test_a_run_together_file_name_takes_its_title_from_the_description() -> None:
    result = read(FIXTURES / "behindtheneckpress_smith.md")
    exercise = result.exercise
    assert exercise is not None
    assert exercise.title == "Smith Machine Behind the Neck Press"
    assert exercise.slug == "behindtheneckpress-smith"
    assert [
        p
        for p in result.problems
        if p.severity == "warning" and ("title" in p.message.lower() or exercise.title in p.message)
    ]


def test_a_file_without_known_sections_warns_and_names_its_headings() -> None:
    result = read(FIXTURES / "no-known-sections.md")
    assert errors_of(result) == []
    found = [p for p in result.problems if p.message.startswith(NO_KNOWN)]
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert "Overview" in found[0].message and "Benefits" in found[0].message


def test_files_with_setup_or_execution_get_no_such_warning() -> None:
    for name in sorted(CASES):
        if name == "no-known-sections.md":
            continue
        messages = [p.message for p in read(FIXTURES / name).problems]
        assert not [m for m in messages if m.startswith(NO_KNOWN)], name


# -- the fixture files built into a site ---------------------------------------------


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("real-shapes")
    (root / "exercises").mkdir()
    for path in FIXTURES.glob("*.md"):
        (root / "exercises" / path.name).write_bytes(path.read_bytes())
    return build_site(root)


def test_the_fixture_site_builds(fixture_site: Built) -> None:
    assert fixture_site.errors() == []
    assert fixture_site.code == 0, fixture_site.err


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_page(fixture_site: Built, name: str) -> None:
    case = CASES[name]
    page = fixture_site.page(slugify(Path(name).stem))
    problems = page_problems(
        page,
        title=case.title,
        order=case.order,
        sections=case.sections,
        groups=case.groups(),
        items=case.items(),
        howto=case.howto,
        summary=case.summary,
    )
    assert problems == []


def test_non_ascii_digit_lines_are_on_the_page(fixture_site: Built) -> None:
    text = visible_text(fixture_site.page("non-ascii-digits"))
    assert "\u0661. This line starts with an Arabic-Indic digit" in text
    assert "\uff11. This line starts with a full-width digit" in text


def test_the_code_block_item_is_on_the_page(fixture_site: Built) -> None:
    text = visible_text(fixture_site.page("code-block-item"))
    assert "Keep your knees straight but not locked." in text


def test_site_defined_synonym(tmp_path: Path) -> None:
    (tmp_path / "exercises").mkdir()
    source = FIXTURES / "site-synonym.md"
    (tmp_path / "exercises" / source.name).write_bytes(source.read_bytes())
    (tmp_path / "site.toml").write_text('[sections]\ntips = ["Trainer Notes"]\n', "utf-8")
    built = build_site(tmp_path)
    assert built.errors() == []
    assert built.code == 0, built.err

    from thrustlib.config import load_config
    from thrustlib.engine.build import load_library

    library = load_library(load_config(tmp_path))[0]
    exercise = library.whole("site-synonym")
    tips = [
        E(None, "Think of driving your elbows into your back pockets."),
        E(None, "Keep your chest tall as the bar comes down."),
    ]
    assert items_of(exercise, "tips") == [expected_shape(i) for i in tips]
    assert exercise.sections == ()
    assert order_of(exercise) == KINDS

    (entry,) = built.api()["exercises"]
    assert [i["text"] for i in entry["tips"]] == [i.text for i in tips]
    page = built.page("site-synonym")
    assert level_at(page, "tips") == 2
    assert 'id="trainer-notes"' not in page
    assert heading_skips(page) == []


def test_prose_keeps_its_place_around_a_sections_list(tmp_path: Path) -> None:
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "hip-thrust.md").write_text(
        "---\nvideo: dQw4w9WgXcQ\ndescription: Drive the hips up from a bench.\n"
        "muscles: [glutes]\n---\n\n## Setup\n\nSit with your back to a bench.\n\n"
        "- Feet flat on the floor.\n\nBrace before each rep.\n\n"
        "## Execution\n\n1. Drive up.\n",
        "utf-8",
    )
    built = build_site(tmp_path)
    assert built.code == 0, built.err
    page = built.page("hip-thrust")
    setup = page[page.index('<section id="setup"') : page.index('<section id="execution"')]
    # In the file's order: the opening sentence, the list, the sentence after it.
    positions = [
        setup.index(text)
        for text in ("Sit with your back to a bench.", "Feet flat on the floor.", "Brace before")
    ]
    assert positions == sorted(positions)
    assert "<h2>Setup</h2>\n<p>Sit with" in setup


def test_a_page_without_a_description_has_no_empty_lead_or_meta_tags(tmp_path: Path) -> None:
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "hip-thrust.md").write_text(
        '---\ndescription: ""\nmuscles: [glutes]\n---\n\n## Execution\n\n1. Drive up.\n',
        "utf-8",
    )
    built = build_site(tmp_path)
    assert built.code == 0, built.err
    assert "hip-thrust.md:2: warning: 'description' is empty" in built.err
    page = built.page("hip-thrust")
    assert '<p class="lead"></p>' not in page
    assert 'content=""' not in page and "description" not in page.split("</head>")[0]


# -- a generated corpus --------------------------------------------------------------

CORPUS_SIZE = 400


@dataclass(frozen=True, slots=True)
class Corpus:
    files: list[GeneratedFile]
    built: Built


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("corpus")
    files = write_corpus(root, CORPUS_SIZE, seed=0)
    return Corpus(files, build_site(root))


def _corpus_model_problems(generated: GeneratedFile) -> list[str]:
    want = generated.expected
    result = parse_exercise(
        Path("exercises") / generated.name, generated.text.encode("utf-8"), Vocabulary()
    )
    out = [f"{generated.name}: {e}" for e in errors_of(result)]
    exercise = result.exercise
    if exercise is None:
        return [*out, f"{generated.name}: no exercise"]
    where = f"{generated.name} ({want.shape.headings})"
    if exercise.title != want.title:
        out.append(f"{where}: title {exercise.title!r}, expected {want.title!r}")
    if exercise.slug != want.slug:
        out.append(f"{where}: slug {exercise.slug!r}, expected {want.slug!r}")
    for kind in KINDS:
        got = items_of(exercise, kind)
        expected = [expected_shape(i) for i in want.items[kind]]
        if got != expected:
            out.append(f"{where}: {kind} is {got}, expected {expected}")
    titles = [s.title for s in exercise.sections]
    if titles != list(want.sections):
        out.append(f"{where}: generic sections {titles}, expected {list(want.sections)}")
    if order_of(exercise) != want.order:
        out.append(f"{where}: order {order_of(exercise)}, expected {want.order}")
    steps = [s.name for s in exercise.howto]
    if steps != list(want.howto):
        out.append(f"{where}: HowTo steps {steps}, expected {list(want.howto)}")
    if exercise.summary.strip() != want.summary:
        out.append(f"{where}: summary {exercise.summary!r}, expected {want.summary!r}")
    out.extend(f"{where}: {p}" for p in result.problems if p.message.startswith(NO_KNOWN))
    return out


def _report(problems: list[str], limit: int = 25) -> str:
    shown = "\n".join(problems[:limit])
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problems:\n{shown}{more}"


def test_corpus_builds_without_errors(corpus: Corpus) -> None:
    assert corpus.built.errors() == []
    assert corpus.built.code == 0, corpus.built.err[-2000:]
    assert NO_KNOWN not in corpus.built.err
    assert f"{CORPUS_SIZE} exercises" in corpus.built.out


def test_corpus_model_holds_what_the_generator_wrote(corpus: Corpus) -> None:
    problems = [p for generated in corpus.files for p in _corpus_model_problems(generated)]
    assert not problems, _report(problems)


def test_corpus_pages_never_skip_a_heading_level(corpus: Corpus) -> None:
    problems: list[str] = []
    for generated in corpus.files:
        page = corpus.built.page(generated.expected.slug)
        problems.extend(f"{generated.name}: {skip}" for skip in heading_skips(page))
    assert not problems, _report(problems)


def test_corpus_pages_show_every_section_group_and_item(corpus: Corpus) -> None:
    problems: list[str] = []
    for generated in corpus.files:
        want = generated.expected
        page = corpus.built.page(want.slug)
        found = page_problems(
            page,
            title=want.title,
            order=want.order,
            sections=want.sections,
            groups=want.groups,
            items=[i for kind in KINDS for i in want.items[kind]],
            howto=want.howto,
            summary=want.summary,
        )
        problems.extend(f"{generated.name}: {p}" for p in found)
    assert not problems, _report(problems)


def test_corpus_api_has_setup_and_execution_for_every_exercise(corpus: Corpus) -> None:
    exercises = corpus.built.api()["exercises"]
    assert len(exercises) == CORPUS_SIZE
    empty = [e["slug"] for e in exercises if not e["setup"] or not e["execution"]]
    assert not empty, _report(empty)
    by_slug = {e["slug"]: e for e in exercises}
    for generated in corpus.files:
        entry = by_slug[generated.expected.slug]
        for kind in KINDS:
            texts = [i.plain for i in generated.expected.items[kind]]
            assert [i["text"] for i in entry[kind]] == texts, (generated.name, kind)


# -- the generator itself ------------------------------------------------------------


@pytest.fixture(scope="module")
def generated() -> list[GeneratedFile]:
    return generate(CORPUS_SIZE, seed=0)


def test_generator_is_deterministic() -> None:
    first = generate(40, seed=7)
    assert first == generate(40, seed=7)
    assert [f.text for f in first] != [f.text for f in generate(40, seed=8)]
    assert [f.text for f in generate(10, seed=7)] == [f.text for f in first[:10]]


def test_generator_sizes_are_real(generated: list[GeneratedFile]) -> None:
    sizes = sorted(len(f.text.encode("utf-8")) for f in generated)
    assert sizes[0] >= 1400 and sizes[-1] <= 2900, (sizes[0], sizes[-1])
    assert 1700 <= sizes[len(sizes) // 2] <= 2500


def test_generator_names_are_unique_and_run_together(generated: list[GeneratedFile]) -> None:
    assert len({f.name for f in generated}) == len(generated)
    assert len({f.expected.slug for f in generated}) == len(generated)
    assert len({f.expected.title.casefold() for f in generated}) == len(generated)
    kinds = Counter(f.expected.shape.file_name for f in generated)
    assert kinds["run-together"] > 0.5 * len(generated) and kinds["tidy"] > 0
    for f in generated:
        want = f.expected
        assert want.slug == slugify(Path(f.name).stem)
        # The description names the title as a phrase, and the file name's parts are
        # runs of the title's words, run together.
        assert f"the {want.title}, " in want.description, f.name
        words = [w.lower() for w in want.title.split()]
        runs = {
            "".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
        }
        stem = Path(f.name).stem
        if want.shape.file_name == "run-together":
            name, _, equipment = stem.partition("_")
            assert name in runs and equipment in runs and len(name) > len(words[-1]), f.name
        else:
            assert stem == "-".join(words), f.name


def _share(generated: Sequence[GeneratedFile], flag: str) -> float:
    return sum(bool(getattr(f.expected.shape, flag)) for f in generated) / len(generated)


def test_generator_mix_follows_format_md(generated: list[GeneratedFile]) -> None:
    n = len(generated)
    styles = Counter(f.expected.shape.headings for f in generated)
    assert 0.40 <= styles["##"] / n <= 0.60
    assert 0.30 <= styles["###"] / n <= 0.50
    assert 0.05 <= styles["bold"] / n <= 0.16
    assert 0.25 <= _share(generated, "trailing_spaces") <= 0.42
    assert 0.17 <= _share(generated, "nested") <= 0.33
    assert 0.02 <= sum(not f.text.isascii() for f in generated) / n <= 0.11
    assert _share(generated, "labels") >= 0.4
    for flag in ("duplicate_setup", "phases", "emphasis", "link", "colon_headings", "odd_case"):
        assert 0 < _share(generated, flag) < 0.6, flag
    fronts = Counter(f.expected.shape.front_matter for f in generated)
    assert fronts["plain"] > n / 2 and fronts["block"] > 0 and fronts["flow"] > 0
    videos = Counter(f.expected.shape.video for f in generated if f.expected.shape.video)
    # Variants share their family's video; there are as many families as names to draw
    # from: hundreds from the Free Exercise DB, a few dozen built in when it is absent.
    families = len(realshape.families())
    assert max(videos.values()) >= 2 and len(videos) > min(n / 2, families * 0.8)
    assert all(3 <= len(f.expected.howto) <= 5 for f in generated)
    assert all(f.expected.summary for f in generated)


def test_generator_uses_every_synonym_and_generic_section(
    generated: list[GeneratedFile],
) -> None:
    written = Counter(h.rstrip(":").casefold() for f in generated for h in f.expected.headings)
    for kind, names in SYNONYMS.items():
        assert all(name.casefold() in written for name in names), kind
    positions: Counter[str] = Counter()
    for f in generated:
        order = f.expected.order
        known = [i for i, a in enumerate(order) if a in KINDS]
        for i, anchor in enumerate(order):
            if anchor not in KINDS:
                where = "before" if i < known[0] else "after" if i > known[-1] else "between"
                positions[where] += 1
    assert all(positions[w] > 0 for w in ("before", "between", "after")), positions
    used = {s for f in generated for s in f.expected.sections}
    assert used == set(GENERIC_TITLES)


def test_generator_text_agrees_with_its_shape(generated: list[GeneratedFile]) -> None:
    for f in generated:
        shape = f.expected.shape
        body = f.text.split("\n---\n", 1)[1]
        main_part = body.split("<!-- howto -->")[0]
        lines = main_part.split("\n")
        assert f.text.isascii() != shape.non_ascii, f.name
        assert any(line.endswith(" ") for line in body.split("\n")) == shape.trailing_spaces
        has_h2 = any(line.startswith("## ") for line in lines)
        has_h3 = any(line.startswith("### ") for line in lines)
        if shape.headings == "##":
            assert has_h2, f.name
        elif shape.headings == "###":
            assert has_h3 and not has_h2, f.name
        else:
            assert not has_h2 and not has_h3, f.name
        assert any(re.match(r"\s+- ", line) for line in lines) == shape.nested, f.name
        if shape.video:
            assert f'video: "{shape.video}"' in f.text
        assert f.expected.items["setup"] and f.expected.items["execution"], f.name
        if shape.front_matter == "block":
            assert "muscles:\n  - " in f.text
        elif shape.front_matter == "flow":
            assert "muscles: [" in f.text


def test_generator_command_writes_the_corpus(tmp_path: Path) -> None:
    assert realshape.main([str(tmp_path / "a"), "-n", "6", "--seed", "3"]) == 0
    files = generate(6, seed=3)
    written = sorted((tmp_path / "a/exercises").glob("*.md"))
    assert [p.name for p in written] == sorted(f.name for f in files)
    texts = {f.name: f.text for f in files}
    assert all(p.read_text("utf-8") == texts[p.name] for p in written)
    run = subprocess.run(
        [sys.executable, "-m", "tests.realshape", str(tmp_path / "b"), "-n", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "b/exercises").glob("*.md"))) == 3
