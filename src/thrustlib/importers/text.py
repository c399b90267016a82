"""Text in and text out: descriptions made of instructions, and the file's YAML and Markdown.

Sources use the first half (:func:`first_sentence`, :func:`clean_step`) to fill a record;
the writer uses the second (:func:`front_matter_yaml`, :func:`execution_list`), which
writes every value so that thrustlib reads it back as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from thrustlib.content.text import yaml_scalar

FrontValue = str | list[str] | None
"""A front-matter value an import writes: text, a list of names, or null."""

# -- descriptions and steps ----------------------------------------------------------

DESCRIPTION_LIMIT = 160
"""Characters a meta description should keep within: what search results show."""

# A sentence ends at . ! or ? (and any closing quotes or brackets) before a space and a
# capital or digit, unless the word before the stop is a known abbreviation.
_STOP = re.compile(r"[.!?][\"')\]\u201d\u2019]*(?=\s+[\"'(\[\u201c\u2018]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "approx", "vs", "lbs", "cf"})
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_NUMBERED = re.compile(r"\d{1,2}[.)]\s+")
_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*$")


def clean_step(text: str) -> str:
    """One step of instructions on one line: spaces folded, a typed-in ``6.`` number gone."""
    text = " ".join(text.split())
    # Some sources number a step inside its text too; the list numbers it already.
    return _NUMBERED.sub("", text, count=1) if _NUMBERED.match(text) else text


def sentences(text: str) -> list[str]:
    """``text`` split into its sentences (spaces folded)."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for stop in _STOP.finditer(text):
        word = text[start : stop.start()].rsplit(" ", 1)[-1].lower()
        if word in _ABBREVIATIONS:
            continue
        out.append(text[start : stop.end()].strip())
        start = stop.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def first_sentence(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """A meta description from a paragraph: its first sentence, ending in a full stop.

    A first sentence over ``limit`` characters loses its parenthetical asides, then, if
    still too long, what follows its last semicolon within the limit; a sentence with no
    such place to end is kept whole rather than cut mid-clause.
    """
    found = sentences(text)
    sentence = found[0] if found else ""
    if len(sentence) > limit:
        sentence = _PARENTHESES.sub("", sentence)
    if len(sentence) > limit:
        cut = sentence.rfind("; ", 0, limit)
        if cut >= limit // 4:
            sentence = sentence[:cut]
    sentence = sentence.strip().rstrip(",;:-\u2014 ")
    if not sentence:
        return ""
    if not _END.search(sentence):
        sentence += "."
    return sentence[0].upper() + sentence[1:]


# -- the file ------------------------------------------------------------------------


# Characters YAML may not hold as they are (it reads U+0085, U+2028 and U+2029 as line
# breaks), and that no exercise text needs: controls, lone surrogates, non-characters.
_UNFIT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` on one line, its runs of spaces folded, with nothing YAML cannot hold."""
    return " ".join(_UNFIT.sub("", text).split())


def front_matter_yaml(front: Mapping[str, FrontValue]) -> str:
    """The front matter between its ``---`` lines: one key a line, lists as blocks."""
    lines: list[str] = []
    for key, value in front.items():
        if value is None:
            lines.append(f"{key}: null")
        elif isinstance(value, str):
            lines.append(f"{key}: {yaml_scalar(value)}")
        else:
            lines.append(f"{key}:")
            lines.extend(f"  - {yaml_scalar(item)}" for item in value)
    return "\n".join(lines) + "\n"


# Characters Markdown would read as markup inside a line: emphasis, code, links,
# strikethrough, autolinks and escapes. Inside a word they are left alone where harmless.
_INLINE = re.compile(r"([\\`*_\[\]<~])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What would start a heading, quote, list or thematic break at the start of an item.
_BLOCK = re.compile(r"[#>+=-]|\d+(?=[.)])")


def markdown_text(text: str) -> str:
    """``text`` escaped so that Markdown shows it as it is, on one line."""
    text = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", clean(text)))
    start = _BLOCK.match(text)
    if start is None:
        return text
    if start.group()[0].isdigit():
        end = start.end()
        return f"{text[:end]}\\{text[end:]}"  # "6\. ..." is text, "6. ..." a list
    return f"\\{text}"


def execution_list(steps: Sequence[str]) -> str:
    """The ``## Execution`` section: the steps as a numbered list."""
    lines = ["## Execution", ""]
    lines.extend(f"{n}. {markdown_text(step)}" for n, step in enumerate(steps, 1))
    return "\n".join(lines) + "\n"
