"""Which muscles a title and description point at: the prime movers first, then the rest.

A file without ``muscles`` gets them from its words, weighed as a coach reads an
exercise's name: the title before the description; a longer phrase (``romanian
deadlift``) before a shorter one inside it (``deadlift``); a muscle named outright
(``glutes``) before one an exercise's name implies (``hip thrust``); the earlier before
the later. The best hit gives the primary muscles, every other hit a secondary one.

Body parts named as positions (``behind the neck``, ``chest-high``, ``back flat``) name
no muscle at all: a swing that floats the bell to chest height trains no chest. Nor do
muscles a text says not to use ("without rounding the lower back").

Texts and keywords arrive normalized (:func:`thrustlib.content.vocabulary.normalize_text`):
folded case, hyphens and underscores as spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from thrustlib.frozen import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class MuscleGuess:
    """Muscle keys inferred from a title and description, prime movers apart."""

    primary: tuple[str, ...] = ()
    """The muscles the text names first and most clearly."""

    secondary: tuple[str, ...] = ()
    """Every other muscle the text names, in the order it names them."""


@dataclass(frozen=True, slots=True)
class Keyword:
    """One phrase that points at one or more muscles."""

    phrase: str
    """The normalized phrase (``hip thrust``)."""

    muscles: tuple[str, ...]
    """The keys of the muscles it points at, in vocabulary order."""

    names: bool
    """True when the phrase is a name of the muscle itself (``glutes``), not of a movement."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words, and single marks of punctuation: a comma between two words keeps them apart.
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_APOSTROPHES = str.maketrans("", "", "'\u2019")  # "farmer's walk" is a farmers walk

# Words that name equipment, a stance or a grip may stand inside an exercise's name
# without changing what it trains: an "incline dumbbell press" is an incline press.
_FILLERS = _words(
    "barbell dumbbell db kettlebell kb cable band banded machine smith lever leverage ez bar"
    " plate weighted bodyweight sandbag single one two double arm alternating alternate"
    " seated standing lying kneeling palms in grip close wide narrow neutral hammer cone"
)

# Body parts files name to say where things are, and the muscles they also name that way
# ("rest the bar on your traps"). Only such uses are left out: "squeeze the glutes" still
# names the glutes.
_PLACES = _words(
    "neck chest shoulder shoulders hip hips back waist torso trunk head knee knees thigh"
    " thighs calf calves ankle ankles wrist wrists elbow elbows arm arms forearm forearms chin"
    " hand hands feet foot toe toes heel heels lat lats core abs rib ribs sternum navel belly"
    " stomach pelvis collarbone collarbones"
)
_PARTS = _PLACES | _words(
    "glute glutes butt trap traps delt delts deltoid deltoids bicep biceps tricep triceps"
    " quad quads hamstring hamstrings pec pecs"
)
_SIDES = _words("upper lower middle mid left right both front rear outer inner")
_THE = _words("the your his her their each both a one")
# "on your back", "behind the neck", "into the chest": a place, never for a muscle's own
# name ("load to the glutes" names the glutes).
_PREPOSITIONS = _words(
    "behind under underneath over above below beneath across against toward towards to at"
    " on onto upon into beside by near around off from past along"
)
# "back of the shoulders", "top of your delts"
_OF = _words("back top front side sides end edge base bottom middle outside inside level")
# "neutral neck", "flat back", "relax your neck and shoulders", "touch your chest"
_BEFORE = _words(
    "neutral flat straight arched rounded round upright tall proud open bent extended locked"
    " relax relaxed touch touches touching reach reaches rest resting place placing tuck"
    " tucking retract retracting roll rolling"
)
# "shoulder-width", "chest-high", "back flat", "shoulders on the bench", "chest pad"
_AFTER = _words(
    "width wide height high level length apart distance neutral flat straight tall upright"
    " up down back still forward out square squared stable steady rigid arched lifted proud"
    " open elevated banded parallel perpendicular aligned relaxed stationary pinned fixed"
    " vertical touching touch touches against on off over under above below behind blade"
    " blades pad pads padding supported support rest roll joint joints girdle socket sockets"
    " belt strap block tendon tendons"
)
# "the pull-up bar", "a squat rack", "the dip station": equipment, not the exercise
_EQUIPMENT = _words("bar bars rack racks station stations handle handles attachment")
_BEING = _words("are is stay stays remain remains kept held slightly")
_JOINS = _words("and or")
_NOT = _words("never avoid avoiding without dont")
_NOT_PAIRS = frozenset({("do", "not"), ("refrain", "from"), ("rather", "than"), ("instead", "of")})
# Verbs that read like exercises: "sit up straight", "push up through the heels"
_UP_VERBS = frozenset({("sit", "up"), ("push", "up")})
_AFTER_UP = _words("on onto through to straight tall off from with into and until as")
_WEIGHTS = _words("kettlebell kettlebells dumbbell dumbbells bar barbell weight weights bell bells")

_TITLE, _DESCRIPTION = 0, 1


@dataclass(slots=True)
class _Node:
    """A word of the keyword tree: the keyword that ends here and the words that follow."""

    keyword: Keyword | None = None
    next: dict[str, _Node] = field(default_factory=dict)


@quick_init
@dataclass(frozen=True, slots=True)
class _Hit:
    """One keyword found in one place."""

    where: int
    start: int
    keyword: Keyword


def _tokens(text: str) -> list[str]:
    """The words and punctuation marks of normalized ``text``, apostrophes dropped."""
    return _TOKEN.findall(text.translate(_APOSTROPHES))


class MuscleMatcher:
    """Finds a vocabulary's keywords in titles and descriptions and ranks what they name."""

    __slots__ = ("_root", "_starts")

    def __init__(self, keywords: Iterable[Keyword]) -> None:
        self._root = _Node()
        for keyword in keywords:
            node = self._root
            for word in _tokens(keyword.phrase):
                node = node.next.setdefault(word, _Node())
            if node is not self._root:
                node.keyword = keyword
        # Every form of a word that can start a keyword, plurals included: most words of a
        # text start none, and one look-up passes them by.
        self._starts = frozenset(
            form for word in self._root.next for form in (word, word + "s", word + "es")
        )

    def hits(self, text: str, where: int = _DESCRIPTION) -> list[_Hit]:
        """Every keyword of normalized ``text``, in order, leaving out positions."""
        words = _tokens(text)
        starts = self._starts
        found = []
        start = 0
        while start < len(words):
            if words[start] not in starts:
                start += 1
                continue
            match = self._longest(words, start)
            if match is None:
                start += 1
                continue
            end, keyword = match
            if not _aside(words, start, end, keyword):
                found.append(_Hit(where, start, keyword))
            start = end
        return found

    def _longest(self, words: Sequence[str], start: int) -> tuple[int, Keyword] | None:
        """The end and keyword of the longest keyword starting at ``words[start]``."""
        best: tuple[int, Keyword] | None = None
        todo = [(self._root, start)]
        while todo:
            node, at = todo.pop()
            if at == len(words):
                continue
            word = words[at]
            for form in _forms(word):
                child = node.next.get(form)
                if child is None:
                    continue
                if child.keyword is not None and (best is None or at + 1 > best[0]):
                    best = (at + 1, child.keyword)
                if form == word:  # a plural ends a phrase: "curls" is never "curls bar"
                    todo.append((child, at + 1))
            if node is not self._root and _filler(word):
                todo.append((node, at + 1))
        return best

    def guess(self, title: str, description: str) -> MuscleGuess:
        """Primary and secondary muscles named by a normalized title and description."""
        hits = sorted(self.hits(title, _TITLE) + self.hits(description), key=_rank)
        if not hits:
            return MuscleGuess()
        primary = hits[0].keyword.muscles
        named = dict.fromkeys(key for hit in hits for key in hit.keyword.muscles)
        return MuscleGuess(primary, tuple(k for k in named if k not in primary))


def _rank(hit: _Hit) -> tuple[int, int, int]:
    """Sort key of a hit: the title first, then names of muscles, then the earlier."""
    return (hit.where, 0 if hit.keyword.names else 1, hit.start)


def _forms(word: str) -> tuple[str, ...]:
    """``word`` and the singulars it may be the plural of (``presses`` -> ``press``)."""
    if not word.endswith("s") or len(word) < 3:
        return (word,)
    if word.endswith("es"):
        return (word, word[:-1], word[:-2])
    return (word, word[:-1])


def _filler(word: str) -> bool:
    return word in _FILLERS or (word.endswith("s") and word[:-1] in _FILLERS)


def _aside(words: Sequence[str], start: int, end: int, keyword: Keyword) -> bool:
    """True when the keyword at ``words[start:end]`` is a position or a thing not to do."""
    after = words[end] if end < len(words) else ""
    if after in ("position", "stance") and not keyword.names:
        return True  # "in a push-up position": where to start from
    if after in _EQUIPMENT:
        return True  # "grab the pull-up bar", "a trap bar deadlift"
    if (
        end - start == 2
        and words[start] in _PLACES
        and words[start + 1] in _AFTER
        and start > 0
        and words[start - 1] in _THE
    ):
        return True  # "keep your chin up" is a body part, "a chin-up" the exercise
    if tuple(words[start:end]) in _UP_VERBS and after in _AFTER_UP:
        return True  # "sit up straight", "push up through the heels"
    if words[start] == "clean" and _weight_follows(words, end):
        return True  # "clean the kettlebells to your shoulders": getting them in place
    if _negated(words, start):
        return True
    return _part(words[start:end]) and _placed(words, start, end)


def _part(phrase: Sequence[str]) -> bool:
    """True when ``phrase`` is a body part, perhaps with a side (``lower back``)."""
    return phrase[-1] in _PARTS and all(w in _SIDES for w in phrase[:-1])


def _placed(words: Sequence[str], start: int, end: int) -> bool:
    """True when the body part at ``words[start:end]`` says where something is."""
    place = all(w in _PLACES or w in _SIDES for w in words[start:end])
    at = end
    while at < len(words) and words[at] in _BEING:
        at += 1
    while at + 1 < len(words) and words[at] in _JOINS and words[at + 1] in _PARTS:
        at += 2  # "neck and shoulders relaxed"
    if at < len(words) and (
        words[at] in _AFTER or tuple(words[at : at + 2]) in (("in", "line"), ("in", "front"))
    ):
        return True
    at = _before(words, start)
    before = words[at] if at >= 0 else ""
    if before in _BEFORE:
        return True
    if before == "of" and at > 0 and words[at - 1] in _OF:
        return True
    if before == "with" and at > 1 and words[at - 2 : at] == ["in", "line"]:
        return place
    return place and before in _PREPOSITIONS


def _before(words: Sequence[str], start: int) -> int:
    """The index of the word before a body part, past sides, "the" and "toes and"."""
    at = start - 1
    while at >= 0:
        if words[at] in _THE or words[at] in _SIDES:
            at -= 1
        elif words[at] in _JOINS and at > 0 and words[at - 1] in _PARTS:
            at -= 2  # "on your toes and forearms"
        else:
            break
    return at


def _negated(words: Sequence[str], start: int) -> bool:
    """True when one of the four words before ``start`` says not to (``without``)."""
    for at in range(start - 1, max(start - 5, -1), -1):
        if not words[at].isalnum():
            return False  # a new clause
        if words[at] in _NOT or (at > 0 and (words[at - 1], words[at]) in _NOT_PAIRS):
            return True
    return False


def _weight_follows(words: Sequence[str], end: int) -> bool:
    """True when "the dumbbell" (or a few words ending in a weight) follows ``end``."""
    if end >= len(words) or words[end] not in _THE:
        return False
    return any(w in _WEIGHTS for w in words[end + 1 : end + 4])
