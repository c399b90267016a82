"""Addresses between exercises: old slugs that redirect, and links from one text to another.

Both are cross-file checks, made when the library is built: an old slug (an exercise's
``redirect_from``) must not be any exercise's slug or another's old slug, and a link in
an exercise's text must name an exercise of the site (and, with ``#part``, a part of its
page). Each problem is reported at the line that made it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from thrustlib.content.model import Entry
from thrustlib.content.text import closest
from thrustlib.errors import Problems


def redirects(
    exercises: Mapping[str, Entry], drafts: Collection[str], problems: Problems
) -> dict[str, str]:
    """Each old slug of ``exercises`` to the slug it now lives at, sorted by old slug.

    An old slug that is a live exercise's (or a left-out draft's, which would take it
    back when published), or one that two exercises claim, is an error at the second.
    """
    out: dict[str, str] = {}
    for slug, entry in exercises.items():
        line = entry.source.line_of("redirect_from")
        for old in entry.redirect_from:
            if old in exercises:
                where = exercises[old].source.path
                problems.error(
                    entry.source.path,
                    line,
                    f"'redirect_from: {old}' is the slug of a live exercise ({where}): its"
                    " page cannot also send readers here; remove one of the two",
                    key="redirect_from",
                )
            elif old in drafts:
                problems.error(
                    entry.source.path,
                    line,
                    f"'redirect_from: {old}' is the slug of a draft, which would lose its"
                    " address when published; give the draft another slug or drop the redirect",
                    key="redirect_from",
                )
            elif old in out:
                first = exercises[out[old]].source.path
                problems.error(
                    entry.source.path,
                    line,
                    f"'redirect_from: {old}' is claimed by {first} too: an old address can"
                    " lead to one exercise only",
                    key="redirect_from",
                )
            else:
                out[old] = slug
    return dict(sorted(out.items()))


def check_links(
    exercises: Mapping[str, Entry],
    moved: Mapping[str, str],
    drafts: Collection[str],
    problems: Problems,
) -> None:
    """Report every link of ``exercises``' texts to an exercise the site does not have
    (an error) or to a part of its page that is not there (a warning: a site's own
    template may add parts thrustlib does not know of).

    A link to an old slug in ``moved`` still works (its page redirects), so it is only
    a warning that names the new one.
    """
    for entry in exercises.values():
        path = entry.source.path
        for link in entry.links:
            slug = moved.get(link.slug, link.slug)
            if link.slug in moved:
                problems.warning(
                    path,
                    link.line,
                    f"the link to exercise '{link.slug}' goes through a redirect: the"
                    f" exercise is now '{slug}' (link to exercise:{slug})",
                )
            target = exercises.get(slug)
            if target is None:
                if link.slug in drafts:
                    reason = "is a draft, left out of the site"
                else:
                    hint = closest(link.slug, exercises)
                    reason = "names no exercise" + (f"; did you mean '{hint}'?" if hint else "")
                problems.error(path, link.line, f"the link to exercise '{link.slug}' {reason}")
            elif link.anchor is not None and link.anchor not in target.anchors:
                parts = ", ".join(f"#{a}" for a in target.anchors) or "none"
                problems.warning(
                    path,
                    link.line,
                    f"the link to '{link.slug}#{link.anchor}': its page has no part"
                    f" '{link.anchor}' (it has {parts})",
                )
