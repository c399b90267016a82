"""Compact JSON for the site's files and pages: orjson's speed, the standard library's bytes.

Every exercise has its piece of ``api/exercises.json`` and its page's structured data
(two or three JSON-LD blocks) written as JSON: with the standard library's C encoder
that was a twentieth of a build's CPU (an exercise's piece 21 µs, a block 7 µs). orjson
writes the same text four to five times as fast.

The same text: for what thrustlib's JSON is made of (strings, integers, booleans,
``None``, lists, tuples and dictionaries with string keys) orjson writes exactly the
bytes of ``json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))``, keys sorted or
not; ``tests/test_jsontext.py`` holds the two to it on generated values. What orjson
refuses or would write otherwise goes to the standard library instead: an integer
beyond 64 bits, a key that is not a string, a string that is not valid UTF-8, a subclass
of a built-in type, a date or a dataclass (passed through by the options below, so that
orjson refuses them rather than writing its own form), nesting deeper than 254 levels.
Floats are the one value orjson would write otherwise (``1e16`` for ``1e+16``), and
thrustlib's JSON holds none: its numbers are counts, lines and seconds.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a platform orjson has no wheel for
    orjson = None  # type: ignore[assignment]

# No check for cycles in the standard library's encoders (a tenth of their time): the
# data is a tree made for one file or page, and front matter that refers to itself is
# refused when it is read.
_SORTED = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
)
_AS_GIVEN = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)

if orjson is not None:
    _PASS = (
        orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )
    _FAST_SORTED = _PASS | orjson.OPT_SORT_KEYS


def dumps(data: Any, *, sort_keys: bool = True) -> bytes:
    """``data`` as compact UTF-8 JSON, keys sorted unless not ``sort_keys``; what the
    standard library raises for data it cannot write is raised here too."""
    if orjson is not None:
        try:
            written = orjson.dumps(data, option=_FAST_SORTED if sort_keys else _PASS)
        except orjson.JSONEncodeError:
            pass  # the standard library writes it, or says why it cannot
        else:
            # A copy of its own size: orjson's bytes keep the memory of the buffer they
            # were written into, which held as an API piece until the file is written
            # (10,000 of them) came to 50 MiB more than their length.
            return bytes(memoryview(written))
    return (_SORTED if sort_keys else _AS_GIVEN).encode(data).encode()
