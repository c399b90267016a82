"""A title for a file that states none, when its name runs the words together.

Export scripts name files ``exercisename_equipment.md`` (``behindtheneckpress_smith.md``),
while the description names the exercise in title case ("... with the Smith Machine
Behind the Neck Press, ..."). A title-cased phrase of the description that holds every
part of the file name, and shows that the name ran words together or put them in
another order, is the title the author meant. A file name with its words apart
(``leverage-machine-hip-thrust.md``) is taken at its word, as FORMAT.md says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from thrustlib.content.text import fold

# A word: letters and digits, with apostrophes and inner hyphens ("Single-Leg", "Farmer's").
_WORD = re.compile(r"[^\W_](?:[\w'\u2019]|-(?=[^\W_]))*")
_PART = re.compile(r"[-_\s]+")
# What is not a letter or a digit (``str.isalnum`` is what ``\w`` takes, less "_").
_NOT_LETTER = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[.!?:;]")
# Small words a name keeps in lower case: "Behind the Neck Press", "Push-Up to a Box".
JOINERS = frozenset({"the", "of", "with", "and", "to", "on", "in", "a"})
RUN_TOGETHER = 12
"""Letters from which a file-name part with no separator looks like words run together."""


def title_from_description(path: Path, description: str) -> str | None:
    """The description's title-cased phrase that the file name runs together, if any.

    Failing a phrase that holds every part of the name, one that is exactly the name
    without its last part, run together (``pushup_bodyweight.md`` and "... the
    Push-Up ..."): the ``_equipment`` an export script adds is often not in the
    description of a bodyweight or machine exercise, whose name is then the phrase.
    """
    parts = [p for p in (_letters(part) for part in _PART.split(path.stem)) if p]
    if not parts:
        return None
    seen = []
    for phrase in _phrases(description):
        if _names(phrase, parts):
            return " ".join(phrase)
        seen.append(phrase)
    name = "".join(parts[:-1])
    for phrase in seen if len(parts) > 1 else ():
        words = _words(phrase)
        if len(words) > len(parts) - 1 and "".join(words) == name:
            return " ".join(phrase)
    return None


def run_together(path: Path) -> str | None:
    """The first part of the file name that looks like words run together, or ``None``.

    Simple on purpose: a part of :data:`RUN_TOGETHER` or more letters and no separator.
    """
    for part in _PART.split(path.stem):
        if len(part) >= RUN_TOGETHER and part.isalpha():
            return part
    return None


def _letters(text: str) -> str:
    """``text`` folded, with nothing but its letters and digits (``Push-Up`` -> ``pushup``)."""
    return _NOT_LETTER.sub("", fold(text))


def _phrases(text: str) -> Iterator[list[str]]:
    """Every run of capitalised words in ``text``, joiners kept inside, in order.

    A run that starts a sentence is also given without its first word, and first: that
    word may be capitalised only as a sentence's first ("Master the Hip Thrust").
    """
    run: list[str] = []
    opens = False
    end = 0
    # Every word of every description of a library without titles goes through here:
    # the gap before a word is looked at only when it could matter, and a run's opening
    # only when one starts.
    for match in _WORD.finditer(text):
        word, start = match.group(), match.start()
        capital = word[0].isupper() or word[0].isdigit()
        if run and (capital or word in JOINERS) and not text[end:start].strip():
            run.append(word)
        else:
            if run:
                yield from _candidates(run, opens)
            run = [word] if capital else []
            # The first word, or one after a sentence's end (which only a new run needs).
            opens = capital and (end == 0 or _SENTENCE_END.search(text, end, start) is not None)
        end = match.end()
    if run:
        yield from _candidates(run, opens)


def _candidates(run: list[str], opens: bool) -> Iterator[list[str]]:
    """``run`` without trailing joiners; first without its first word when it opens a sentence."""
    while run and run[-1] in JOINERS:
        run = run[:-1]
    if not run:
        return
    if opens and len(run) > 1:
        rest = run[1:]
        while rest and rest[0] in JOINERS:
            rest = rest[1:]
        if rest:
            yield rest
    yield run


def _words(phrase: Sequence[str]) -> list[str]:
    """The phrase's words as letters, a hyphen's halves apart (``Push-Up`` -> push, up)."""
    return [w for w in (_letters(w) for word in phrase for w in word.split("-")) if w]


def _names(phrase: Sequence[str], parts: Sequence[str]) -> bool:
    """True when ``phrase`` holds every part, some run together or in another order."""
    words = _words(phrase)
    letters = "".join(words)
    found = [letters.find(part) for part in parts]
    if -1 in found:
        return False
    bounds = set()
    at = 0
    for word in words[:-1]:
        at += len(word)
        bounds.add(at)
    spans = any(
        bound in bounds
        for start, part in zip(found, parts, strict=True)
        for bound in range(start + 1, start + len(part))
    )
    return spans or found != sorted(found)
