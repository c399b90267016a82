"""Front matter of the common shape, read without PyYAML.

Nearly all front matter is a handful of ``key: value`` lines whose values are quoted
strings, plain words, ``null``, ``true``/``false`` or a ``[flow, list]`` of words.
PyYAML's loader (composing nodes, resolving tags, constructing objects) took a fifth of
a large build's parse time on those. :func:`read` reads exactly that shape and returns
``None`` at the first line it is not certain about, so that the file goes to PyYAML;
``tests/test_plain_yaml.py`` checks that both give the same values and key lines.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?")
# A plain scalar that YAML reads as the text itself: it starts with a letter and holds
# nothing that could start a comment, a mapping, a flow collection or an alias.
_WORD = r"[A-Za-z][A-Za-z0-9_ ./()'-]*"
_PLAIN = re.compile(_WORD)
_FLOW = re.compile(rf"\[ *(?:{_WORD}(?: *, *{_WORD})*)? *\]")
_QUOTED = re.compile(r'"[^"\\]*"|\'[^\']*\'')
# Plain words YAML 1.1 reads as something other than text. The loader keeps a few of
# them as text, but it is not this module's business to know which: they go to it.
_SPECIAL_WORDS = frozenset(
    {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "nan", "inf"}
)
# Characters YAML does not allow in a stream at all, and the tab: PyYAML's to report.
_AWKWARD = re.compile(r"[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONSTANTS: dict[str, object] = {
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}


def _word(text: str) -> str | None:
    """``text`` when YAML certainly reads it as that very string, else ``None``."""
    if text.endswith(" ") or "  " in text or " #" in text or text.lower() in _SPECIAL_WORDS:
        return None
    return text


def read(text: str) -> tuple[dict[str, object], dict[str, int]] | None:
    """``(values, key -> 0-based line in text)``, or ``None`` when not of the common shape."""
    if _AWKWARD.search(text):
        return None
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n")):
        if not line:
            continue
        found = _KEY.fullmatch(line)
        if found is None or found[1] in values or found[1].lower() in _SPECIAL_WORDS:
            return None
        key, raw = found[1], found[2]
        value: object
        if raw is None or raw == "":
            value = None
        elif raw in _CONSTANTS:
            value = _CONSTANTS[raw]
        elif _QUOTED.fullmatch(raw):
            value = raw[1:-1]
        elif _PLAIN.fullmatch(raw):
            value = _word(raw)
            if value is None:
                return None
        elif _FLOW.fullmatch(raw):
            items = [_word(item.strip()) for item in _PLAIN.findall(raw)]
            if None in items:
                return None
            value = items
        else:
            return None
        values[key] = value
        lines[key] = number
    return values, lines
