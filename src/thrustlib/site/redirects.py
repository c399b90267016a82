"""Old addresses: the page at each old slug, and the ``_redirects`` list of them all.

An exercise's ``redirect_from`` names the slugs it had before; the library maps each to
where it lives now (:attr:`~thrustlib.content.model.Library.redirects`). Hosts that read
``_redirects`` (Netlify, Cloudflare Pages) answer the old address with a permanent
redirect; every other host serves the small page, which sends the reader on at once.
"""

from __future__ import annotations

from typing import Any

from thrustlib.content.model import Library
from thrustlib.site import urls
from thrustlib.site.pages import PageInput


def page_values(given: PageInput, old: str) -> dict[str, Any]:
    """The context of the page at an old slug's address (``redirect.html``): a refresh
    to where the exercise lives now, with a plain link for whoever it does not move,
    and the new page as canonical so search engines carry its standing over."""
    slug = given.library.redirects[old]
    target = given.views.href(urls.exercise(slug))
    absolute = given.absolute_base
    return {
        "site": given.config,
        "title": given.library[slug].title,
        "target": target,
        "canonical": absolute + urls.exercise(slug) if absolute else target,
    }


def redirects_file(library: Library, base_path: str) -> str:
    """``_redirects``: a permanent redirect per old address, for hosts that read it.

    Each is written twice. Netlify applies a rule to an address only where no file is,
    unless its status ends in ``!``, and the page at the old address is such a file;
    Cloudflare Pages always applies the rule, and ignores a line whose status it cannot
    read. The first line that applies wins on both, so each gets one real redirect.
    """
    lines = []
    for old, new in library.redirects.items():
        pair = f"{base_path}{urls.exercise(old)} {base_path}{urls.exercise(new)}"
        lines += [f"{pair} 301!\n", f"{pair} 301\n"]
    return "".join(lines)
