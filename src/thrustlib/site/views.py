"""Views: the small, template-ready objects each page is rendered from.

Templates never see the loader's objects (groups hold keys, not copies): a view holds
display names, already-relative links and Markdown already rendered by the safe
renderer, so a template cannot reach past what a page is meant to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from thrustlib.content.model import Exercise, Library
from thrustlib.content.video import clock
from thrustlib.content.vocabulary import equipment_name
from thrustlib.frozen import quick_init
from thrustlib.site import body, urls
from thrustlib.site.body import Block, Prose, prerendered_block


def relative(page: str, target: str, *, file_links: bool = False) -> str:
    """The link from output file ``page`` to site path ``target`` (``""`` is the home page).

    Links are relative so that a site works under any prefix (``/library/``) and from
    disk; ``target`` ending in ``/`` is a folder and its link keeps the slash (or, with
    ``file_links``, names its ``index.html``, which is what browsers need on ``file://``).
    """
    return _link(_ancestors(page), target, file_links)


def _ancestors(page: str) -> tuple[tuple[str, str], ...]:
    """The folders above ``page``, nearest first, each with the link that climbs to it:
    ``a/b/index.html`` -> ``("a/b/", ""), ("a/", "../"), ("", "../../")``."""
    parts = page.split("/")[:-1]
    return tuple(
        ("".join(f"{part}/" for part in parts[:depth]), "../" * (len(parts) - depth))
        for depth in range(len(parts), -1, -1)
    )


def _link(ancestors: tuple[tuple[str, str], ...], target: str, file_links: bool) -> str:
    # The shortest link climbs to the nearest folder the target is in: no path
    # arithmetic per link (pages link to dozens of others; it was a fifth of rendering).
    path, hash_, fragment = target.partition("#")
    for folder, up in ancestors:  # noqa: B007 - the root ("") always matches
        if path.startswith(folder):
            break
    path = path[len(folder) :]
    if not path or path.endswith("/"):
        if file_links:
            path += urls.INDEX
        elif not path and not up:
            path = "./"
    return up + path + hash_ + fragment


Links = dict[tuple[tuple[tuple[str, str], ...], bool], dict[str, str]]
"""Links made by :meth:`Views.href`, by the folders above a page's folder (and whether
links name ``index.html``), then by target: what pages of one folder share."""


@quick_init
@dataclass(frozen=True, slots=True)
class Link:
    """A link as a template shows it."""

    name: str
    """The visible text (escaped by the template)."""

    href: str
    """Relative URL from the page being rendered."""

    current: bool = False
    """True when the link is the page itself (``aria-current="page"``)."""

    count: int | None = None
    """A number shown beside the link (exercises in a group), when there is one."""


@quick_init
@dataclass(frozen=True, slots=True)
class Card:
    """One exercise in a list page."""

    title: str
    href: str
    description: str
    muscles: tuple[str, ...]
    """Primary muscle display names."""
    equipment: tuple[str, ...]
    """Equipment display names."""
    level: str | None
    video: bool
    """True when the exercise has a video."""


@quick_init
@dataclass(frozen=True, slots=True)
class Video:
    """What the player facade needs; the iframe URL is built by the script from these."""

    id: str
    title: str
    thumbnail: str | None
    watch: str
    """The video's page on its host (from ``start``, when there is one)."""
    embed_base: str
    start: int | None = None
    """Second the player starts at, or ``None`` for the beginning."""


@dataclass(frozen=True, slots=True)
class Moment:
    """Where a step starts in the video: the step's "play from here" control."""

    start: int
    """Second of the video the step starts at."""

    time: str
    """``start`` as a player shows it (``0:42``)."""

    watch: str
    """The video's page on its host from that second: the control without JavaScript."""

    label: str
    """The control's accessible name (``Play from 0:42: Drive Up``)."""


@quick_init
@dataclass(frozen=True, slots=True)
class Step:
    """A HowTo step as the page shows it."""

    anchor: str
    title: str
    html: Markup
    moment: Moment | None = None
    """Where the step starts in the video, when the file says so."""


@quick_init
@dataclass(frozen=True, slots=True)
class TreeNode:
    """A node of a variation tree."""

    link: Link
    children: tuple[TreeNode, ...] = ()


@dataclass(frozen=True, slots=True)
class Region:
    """A body region and its muscles, each with its exercise count."""

    name: str
    muscles: tuple[Link, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class ExerciseView:
    """Everything an exercise page shows."""

    slug: str
    title: str
    description: str
    level: str | None
    aliases: tuple[str, ...]
    intro: Markup
    video: Video | None
    blocks: tuple[Block, ...]
    """The known sections that have content, in the order Setup, Execution, Tips, Common
    Mistakes."""
    summary: Markup
    sections: tuple[Prose, ...]
    """The other sections, in file order."""
    parts: tuple[Block | Prose, ...]
    """``blocks`` and ``sections`` together, in the order the file has them."""
    steps: tuple[Step, ...]
    muscles: tuple[Link, ...]
    secondary: tuple[Link, ...]
    equipment: tuple[Link, ...]
    family: TreeNode | None
    """The small tree around the exercise: parent, itself and siblings, its children."""
    family_page: Link | None
    """The whole family's page, when the exercise belongs to one."""
    extra: Mapping[str, Any]
    """Front-matter keys thrustlib does not know, for a site's own templates (escaped on
    output like everything else)."""


class Views:
    """Builds views for one page of one library; links are relative to ``page``."""

    def __init__(
        self,
        library: Library,
        page: str,
        *,
        file_links: bool = False,
        embed_base: str = "",
        thumbnails: bool = True,
        root: str | None = None,
        cards: dict[tuple[str, str], Card] | None = None,
        links: Links | None = None,
    ) -> None:
        self.library = library
        self.page = page
        self.file_links = file_links
        self.embed_base = embed_base
        self.thumbnails = thumbnails
        self.root = root
        """Link from this path instead of relatively (the 404 page, served at any URL)."""
        self._ancestors = ancestors = _ancestors(page)
        self._cards = {} if cards is None else cards
        """Cards already made, by slug and link: pages at one depth list the same ones."""
        self._own = ancestors[0][0]
        # Links to what is outside the page's own folder are the same from every page of
        # its folder's folder (``exercises/a/`` and ``exercises/b/``), so they are kept
        # for all of them: an exercise page makes some thirty links, nearly all of them
        # made by the exercise page before it.
        self._links = (links if links is not None else {}).setdefault(
            (ancestors[1:], file_links), {}
        )

    def href(self, target: str) -> str:
        """Link to a site path: relative to the page, or below ``root`` when set."""
        if self.root is not None:
            return self.root + target
        if target.startswith(self._own):  # (the home page's folder, "", holds everything)
            return _link(self._ancestors, target, self.file_links)
        found = self._links.get(target)
        if found is None:
            found = self._links[target] = _link(self._ancestors, target, self.file_links)
        return found

    def muscle_name(self, key: str) -> str:
        """A muscle's display name."""
        return self.library.vocabulary.muscle(key).name

    def exercise_link(self, slug: str, *, current: bool = False) -> Link:
        """Link to an exercise page."""
        return Link(self.library[slug].title, self.href(urls.exercise(slug)), current)

    def muscle_link(self, key: str, *, counted: bool = True) -> Link:
        """Link to a muscle page, with its exercise count unless ``counted`` is off.

        Exercise pages leave counts out: a count there would make every exercise page
        change whenever any exercise of that muscle does (see ``Renderer.dependents``).
        """
        group = self.library.muscles.get(key)
        count = group.count if counted and group is not None else None
        return Link(self.muscle_name(key), self.href(urls.muscle(key)), count=count)

    def muscle_href(self, key: str) -> str | None:
        """Link to a muscle's page, or ``None`` when it has none (no exercise works it)."""
        return self.href(urls.muscle(key)) if key in self.library.muscles else None

    def level_link(self, key: str) -> Link:
        """Link to a level's page, with its exercise count."""
        count = len(self.library.levels.get(key, ()))
        return Link(key.capitalize(), self.href(urls.level(key)), count=count)

    def equipment_link(self, key: str, *, counted: bool = True) -> Link:
        """Link to an equipment page, with its exercise count unless ``counted`` is off."""
        count = len(self.library.equipment.get(key, ())) if counted else None
        return Link(equipment_name(key), self.href(urls.equipment(key)), count=count)

    def family_link(self, root: str, *, counted: bool = True) -> Link:
        """Link to a variation family's page, with the family's size."""
        size = len(self.library.family(root)) if counted else None
        return Link(self.library[root].title, self.href(urls.family(root)), count=size)

    def card(self, slug: str) -> Card:
        """An exercise as a list entry."""
        e = self.library[slug]
        href = self.href(urls.exercise(slug))
        made = self._cards.get((slug, href))
        if made is not None:
            return made
        self._cards[slug, href] = made = Card(
            title=e.title,
            href=href,
            description=e.description,
            muscles=tuple(self.muscle_name(k) for k in e.muscles),
            equipment=tuple(equipment_name(k) for k in e.equipment),
            level=e.level,
            video=e.video is not None,
        )
        return made

    def cards(self, slugs: tuple[str, ...] | list[str]) -> tuple[Card, ...]:
        """Cards for ``slugs`` in the order given."""
        return tuple(self.card(s) for s in slugs)

    def regions(self) -> tuple[Region, ...]:
        """Muscles that have exercises, grouped by body region in the configured order."""
        vocabulary = self.library.vocabulary
        out = []
        for region in vocabulary.ordered_regions():
            links = tuple(
                self.muscle_link(m.key)
                for m in vocabulary.muscles
                if m.region == region and m.key in self.library.muscles
            )
            if links:
                out.append(Region(region, links))
        return tuple(out)

    def tree(self, root: str, current: str | None = None) -> TreeNode:
        """The whole family under ``root`` as nested nodes."""
        variation = self.library.variations[root]
        return TreeNode(
            self.exercise_link(root, current=root == current),
            tuple(self.tree(child, current) for child in variation.children),
        )

    def neighbourhood(self, slug: str) -> TreeNode | None:
        """Parent, the exercise among its siblings, and its children; ``None`` alone."""
        variation = self.library.variations[slug]
        own = TreeNode(
            self.exercise_link(slug, current=True),
            tuple(TreeNode(self.exercise_link(c)) for c in variation.children),
        )
        if variation.parent is None:
            return own if variation.children else None
        siblings = self.library.variations[variation.parent].children
        return TreeNode(
            self.exercise_link(variation.parent),
            tuple(own if s == slug else TreeNode(self.exercise_link(s)) for s in siblings),
        )

    def exercise(self, e: Exercise) -> ExerciseView:
        """The exercise page's view."""
        root = self.library.variations[e.slug].root
        blocks = body.blocks(e)
        sections = body.sections(e)
        return ExerciseView(
            slug=e.slug,
            title=e.title,
            description=e.description,
            level=e.level,
            aliases=e.aliases,
            intro=prerendered_block(e.rendered.get("intro"), e.intro),
            video=None
            if e.video is None
            else Video(
                id=e.video,
                title=e.title,
                thumbnail=urls.video_thumbnail(e.video) if self.thumbnails else None,
                watch=urls.video_watch(e.video, e.video_start),
                embed_base=self.embed_base,
                start=e.video_start,
            ),
            blocks=tuple(blocks.values()),
            summary=prerendered_block(e.rendered.get("summary"), e.summary),
            sections=tuple(sections.values()),
            parts=body.in_file_order(e, blocks, sections),
            steps=steps(e),
            muscles=tuple(self.muscle_link(k, counted=False) for k in e.muscles),
            secondary=tuple(self.muscle_link(k, counted=False) for k in e.secondary_muscles),
            equipment=tuple(self.equipment_link(k, counted=False) for k in e.equipment),
            family=self.neighbourhood(e.slug),
            family_page=self.family_link(root, counted=False)
            if root in self.library.families
            else None,
            extra=e.extra,
        )


def steps(e: Exercise) -> tuple[Step, ...]:
    """The HowTo steps, each with its "play from here" control when it has a time."""
    out = []
    for prose, step in zip(body.steps(e), e.howto, strict=True):
        moment = None
        if e.video is not None and step.start is not None:
            time = clock(step.start)
            moment = Moment(
                step.start,
                time,
                urls.video_watch(e.video, step.start),
                f"Play from {time}: {prose.title}",
            )
        out.append(Step(prose.anchor, prose.title, prose.html, moment))
    return tuple(out)
