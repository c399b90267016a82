"""The ids an exercise page gives its parts: the one rule for the page and for the links
to it.

The page (:mod:`thrustlib.site.body`) gives each extra section and each HowTo step an
id, and the library checks each ``exercise:slug#part`` link against the ids a page has
(:attr:`thrustlib.content.model.Entry.anchors`); both take them from here, so a link the
check accepts always lands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PAGE_IDS = frozenset(
    {"main", "video", "setup", "execution", "tips", "mistakes", "summary", "howto", "about"}
)
"""Ids the exercise template gives its own parts; a section the file calls "Video" or
"About" must not take one of them."""

_STEP_ID = re.compile(r"step-\d+")


def step_id(number: int) -> str:
    """The id of the HowTo's step ``number`` (from 1), which its structured data links to."""
    return f"step-{number}"


def section_ids(slugs: Iterable[str]) -> list[str]:
    """The page id of each extra section, by its slug in file order: the slug, unless it
    is one of :data:`PAGE_IDS` or a step's id (then ``section-<slug>``), made unique."""
    taken = set(PAGE_IDS)
    out = []
    for slug in slugs:
        anchor = slug
        if anchor in taken or _STEP_ID.fullmatch(anchor):
            anchor = f"section-{anchor}"
        while anchor in taken:
            anchor += "-x"
        taken.add(anchor)
        out.append(anchor)
    return out
