"""The body map: a front and a back figure as inline SVG, each muscle group a link.

The home and muscles pages show it as a picker; an exercise page marks its primary
muscles (solid fill, heavy outline) and secondary ones (hatched), which stay apart in
black and white, for readers who do not see colour, and on paper. Colours come from the
theme's custom properties through classes, so dark mode and print need no second drawing.

A muscle is drawn as the regions its ``figure`` names (a default muscle as the region of
its own key); a region belongs to the first muscle in vocabulary order that names it, so
a vocabulary built in code cannot stack two links on one shape (site.toml hands a region
over explicitly, see thrustlib.config_tables). A muscle with no region is left off.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from thrustlib.content.muscles import FIGURE_REGIONS
from thrustlib.content.vocabulary import Vocabulary

# -- the drawing ------------------------------------------------------------------------
#
# Both figures are drawn in one coordinate system with the body's axis at x = 100 and
# the back figure moved 200 to the right. A shape is a smooth closed curve through its
# points (``*`` marks a corner the curve turns sharply at), written for the right-hand
# half of the figure: a "pair" is drawn there and mirrored onto the left side, a "whole"
# shape runs from the axis to the axis and is completed by its mirror image.

_AXIS = 100
_BACK_SHIFT = 200
_WIDTH = 400
_HEIGHT = 414

_SILHOUETTE = (
    "100,10 112,13 118,24 118,38 114,50 *108,58 108,66 *112,71 128,77 143,82 151,94"
    " 155,112 158,136 162,164 167,194 172,222 174,240 178,254 178,268 *173,277 167,272"
    " 165,260 *164,248 158,224 152,196 147,170 143,146 *139,124 136,152 132,182 *133,198"
    " 139,216 140,242 137,272 134,302 135,328 132,352 *127,370 *126,380 130,388 *126,393"
    " *109,393 108,384 *108,372 106,346 106,316 104,286 103,256 *100,238"
)

_FRONT_SHAPES: tuple[tuple[str, str, str], ...] = (
    ("neck", "whole", "100,60 *107,60 *108,70 100,73"),
    ("traps", "pair", "*110,64 121,72 *130,78 *111,76"),
    ("shoulders", "pair", "*131,80 145,85 152,98 *153,114 *144,111 139,97 *129,88"),
    ("chest", "pair", "*103,86 *127,88 138,98 *141,114 128,124 *103,124"),
    ("biceps", "pair", "*143,118 151,122 155,140 *158,162 *148,164 145,142"),
    ("forearms", "pair", "*149,172 *160,170 166,196 *173,238 *165,240 156,206"),
    ("abdominals", "pair", "*103,128 *124,128 124,166 *121,204 *103,204"),
    ("abductors", "pair", "*128,194 *133,200 *138,218 *137,244 *131,226"),
    ("quadriceps", "pair", "*112,214 *126,208 *134,226 *134,262 *128,290 *116,296 109,262"),
    ("adductors", "pair", "*102,240 *107,226 *108,256 *109,282 *104,270"),
    ("calves", "pair", "*110,312 126,312 131,330 *127,360 *117,366 109,340"),
)

_BACK_SHAPES: tuple[tuple[str, str, str], ...] = (
    ("neck", "whole", "100,54 *106,55 *107,62 100,64"),
    ("traps", "whole", "100,64 *108,64 *130,78 *119,90 *105,128 100,134"),
    ("shoulders", "pair", "*131,80 145,85 152,98 *153,114 *144,111 139,97 *129,88"),
    ("middle-back", "pair", "*122,93 *131,88 *135,108 *127,122 *108,130"),
    ("lats", "pair", "*129,126 *137,114 136,144 *130,176 *112,152 *108,134"),
    ("lower-back", "whole", "100,150 *106,150 *126,181 *126,200 100,204"),
    ("triceps", "pair", "*143,118 151,122 155,140 *158,162 *148,164 145,142"),
    ("forearms", "pair", "*149,172 *160,170 166,196 *173,238 *165,240 156,206"),
    ("abductors", "pair", "*129,190 *134,196 *138,212 *131,208"),
    ("glutes", "pair", "*101,210 120,204 134,214 136,232 124,244 *101,244"),
    ("hamstrings", "pair", "*103,250 *132,250 131,270 *126,296 *112,298 *105,280"),
    ("calves", "pair", "*108,306 124,306 132,330 *126,360 *116,364 *106,340"),
)

_Point = tuple[int, int, bool]


def _points(text: str) -> list[_Point]:
    """``"100,10 *134,118"`` -> points; a ``*`` marks a corner."""
    points = []
    for item in text.split():
        x, y = item.lstrip("*").split(",")
        points.append((int(x), int(y), item.startswith("*")))
    return points


def _mirrored(points: Sequence[_Point]) -> list[_Point]:
    return [(2 * _AXIS - x, y, corner) for x, y, corner in reversed(points)]


def _numbers(values: Sequence[int]) -> str:
    # A minus sign separates numbers as well as a space does.
    return "".join(f"{'' if v < 0 or i == 0 else ' '}{v}" for i, v in enumerate(values))


def _path(points: Sequence[_Point], shift: int) -> str:
    """A smooth closed path through ``points``: a Catmull-Rom spline as relative Béziers.

    Relative commands keep the numbers short (mostly one or two digits), and only the
    first point moves when the shape is ``shift``-ed onto the back figure. The tangents
    are rounded before the control points are made from them, so the control points on
    either side of a smooth point stay reflections of each other and the second of two
    curves can be written as the shorter ``s`` command.
    """
    count = len(points)

    def tangent(i: int) -> tuple[int, int]:
        if points[i % count][2]:
            return 0, 0
        (ax, ay, _), (bx, by, _) = points[(i - 1) % count], points[(i + 1) % count]
        return round((bx - ax) / 6), round((by - ay) / 6)

    x, y, _ = points[0]
    parts = [f"M{x + shift} {y}"]
    for i in range(count):
        x, y, corner = points[i]
        nx, ny, _ = points[(i + 1) % count]
        (ox, oy), (ix, iy) = tangent(i), tangent(i + 1)
        if (ox, oy, ix, iy) == (0, 0, 0, 0):
            parts.append("l" + _numbers((nx - x, ny - y)) if i < count - 1 else "")
        elif i > 0 and not corner:
            parts.append("s" + _numbers((nx - ix - x, ny - iy - y, nx - x, ny - y)))
        else:
            parts.append("c" + _numbers((ox, oy, nx - ix - x, ny - iy - y, nx - x, ny - y)))
    return "".join(parts) + "z"


def _whole(half: Sequence[_Point]) -> list[_Point]:
    """A symmetric shape from its right half (axis to axis), back up the left half."""
    return [*half, *_mirrored(half)[1:-1]]


def _shape_paths(kind: str, text: str, shift: int) -> list[str]:
    points = _points(text)
    if kind == "pair":
        return [_path(points, shift), _path(_mirrored(points), shift)]
    return [_path(_whole(points), shift)]


def _region_paths() -> dict[str, str]:
    """Every figure region's ``<path>`` element, front figure first."""
    paths: dict[str, list[str]] = {}
    for shapes, shift in ((_FRONT_SHAPES, 0), (_BACK_SHAPES, _BACK_SHIFT)):
        for region, kind, text in shapes:
            paths.setdefault(region, []).extend(_shape_paths(kind, text, shift))
    # One element per region: its shapes are subpaths of one path.
    return {region: f'<path d="{"".join(found)}"/>' for region, found in paths.items()}


_REGION_PATHS = _region_paths()
assert set(_REGION_PATHS) == set(FIGURE_REGIONS), "every figure region has a shape"
_OUTLINE = _path(_whole(_points(_SILHOUETTE)), 0)


# -- rendering --------------------------------------------------------------------------

_PLAIN, _PRIMARY, _SECONDARY = 0, 1, 2
_MARKS = ("", " bm-primary", " bm-secondary")
_MARK_NAMES = ("", ", primary", ", secondary")
_ELEMENTS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class _Drawn:
    """One muscle as the map draws it."""

    key: str
    name: str
    """The display name, escaped."""
    shapes: str
    """The ``<path>`` elements of its regions."""


@dataclass(frozen=True, slots=True)
class _Drawing:
    """The parts of one vocabulary's map that are the same on every page, built once."""

    vocabulary: Vocabulary
    """Held so that the ``id`` the drawing is cached under cannot pass to another object."""

    muscles: tuple[_Drawn, ...]
    """The muscles on the map, in vocabulary order (the order screen readers list them)."""

    figures: str
    """The ``<defs>`` and both silhouettes, after the opening ``<svg>`` tag."""

    hatch: str
    """The ``fill`` attribute of a secondary muscle: this map's hatch pattern."""

    legend: str
    """The ``<figcaption>`` naming the two marks."""

    elements: dict[tuple[str, str | None, int], str] = field(default_factory=dict)
    """Each muscle's element by link and mark, as pages ask for them. Pages of one kind
    link a muscle alike (every exercise page is as deep as the next), so a build makes a
    few per muscle, and most of a map's cost was escaping and formatting them again."""

    def element(self, muscle: _Drawn, link: str | None, mark: int) -> str:
        """The ``<a>`` (or, without a link, ``<g>``) that draws ``muscle``."""
        found = self.elements.get((muscle.key, link, mark))
        if found is None:
            if len(self.elements) >= _ELEMENTS_KEPT:
                self.elements.clear()
            found = self.elements[muscle.key, link, mark] = _element(self, muscle, link, mark)
        return found


def _element(drawing: _Drawing, muscle: _Drawn, link: str | None, mark: int) -> str:
    kind = f"bm-muscle{_MARKS[mark]}"
    fill = drawing.hatch if mark == _SECONDARY else ""
    name = muscle.name + _MARK_NAMES[mark]
    if link is not None:
        return (
            f'<a href="{escape(link)}" class="{kind}"{fill} aria-label="{name}">'
            f"<title>{name}</title>{muscle.shapes}</a>"
        )
    if mark != _PLAIN:
        # Marked but without a page: no link, but still one of the exercise's muscles.
        return (
            f'<g class="{kind}"{fill} role="img" aria-label="{name}">'
            f"<title>{name}</title>{muscle.shapes}</g>"
        )
    return f'<g class="{kind}" aria-hidden="true">{muscle.shapes}</g>'


_DRAWINGS_KEPT = 16
_drawings: dict[tuple[int, str], _Drawing] = {}
"""Drawings by vocabulary identity and id prefix; a build has one vocabulary."""


def _drawing(vocabulary: Vocabulary, ident: str) -> _Drawing:
    """The drawing of ``vocabulary`` with ids that start with ``ident``.

    Cached by the object's identity, not its value: a vocabulary's hash walks every
    keyword of every muscle (about 9 µs), more than the rest of a map costs.
    """
    found = _drawings.get((id(vocabulary), ident))
    if found is None or found.vocabulary is not vocabulary:
        if len(_drawings) >= _DRAWINGS_KEPT:
            _drawings.clear()
        found = _drawings[id(vocabulary), ident] = _build(vocabulary, str(escape(ident)))
    return found


def _build(vocabulary: Vocabulary, ident: str) -> _Drawing:
    taken: set[str] = set()
    muscles = []
    for muscle in vocabulary.muscles:
        # The first muscle naming a region keeps it, so shapes never stack.
        regions = [r for r in dict.fromkeys(muscle.figure) if r in _REGION_PATHS and r not in taken]
        taken.update(regions)
        if regions:
            shapes = "".join(_REGION_PATHS[r] for r in regions)
            muscles.append(_Drawn(muscle.key, str(escape(muscle.name)), shapes))
    figures = (
        f'<defs><path id="{ident}-body" d="{_OUTLINE}"/>'
        f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect class="bm-hatch-ground" width="6" height="6"/>'
        '<path class="bm-hatch-line" d="M3 0v6"/></pattern></defs>'
        f'<g class="bm-body" aria-hidden="true"><use href="#{ident}-body"/>'
        f'<use href="#{ident}-body" x="{_BACK_SHIFT}"/>'
        f'<text x="{_AXIS}" y="{_HEIGHT - 4}">Front</text>'
        f'<text x="{_AXIS + _BACK_SHIFT}" y="{_HEIGHT - 4}">Back</text></g>'
    )
    hatch = f' fill="url(#{ident}-hatch)"'
    swatch = '<svg class="bm-key" viewBox="0 0 16 16" aria-hidden="true"><rect class="bm-muscle'
    legend = (
        f'<figcaption class="bm-legend"><span>{swatch} bm-primary"'
        ' x="2" y="2" width="12" height="12"/></svg>Primary</span>'
        f'<span>{swatch} bm-secondary"{hatch} x="2" y="2" width="12" height="12"/></svg>'
        "Secondary</span></figcaption>"
    )
    return _Drawing(vocabulary, tuple(muscles), figures, hatch, legend)


def body_map(
    vocabulary: Vocabulary,
    href: Callable[[str], str | None],
    *,
    primary: Collection[str] = (),
    secondary: Collection[str] = (),
    label: str,
    ident: str = "bm",
) -> Markup:
    """The body map as a ``<figure>``: every muscle that has a page a link to it.

    ``href(key)`` is the link to a muscle's page, or ``None`` when it has none: the
    muscle is then drawn but is no link, and screen readers skip it unless it is marked.
    ``primary`` and ``secondary`` are the keys of the muscles to mark (a key in both is
    primary); marking adds the legend. ``label`` names the map for screen readers.
    ``ident`` (letters, digits and hyphens) starts the map's ids, so two maps on one
    page need two.
    """
    drawing = _drawing(vocabulary, ident)
    marked = bool(primary or secondary)
    parts = [
        # The figure carries the name: an svg may not be a "group" (the HTML checker
        # refuses it), and a figure is one, named by its label over its legend's text.
        f'<figure class="body-map{" bm-marked" if marked else ""}"'
        f' aria-label="{escape(label)}">'
        f'<svg class="bm" viewBox="0 0 {_WIDTH} {_HEIGHT}">',
        drawing.figures,
    ]
    elements = drawing.elements
    for muscle in drawing.muscles:
        key = muscle.key
        mark = _PRIMARY if key in primary else _SECONDARY if key in secondary else _PLAIN
        link = href(key)
        # The lookup is inlined: this loop is most of what a map costs a page.
        piece = elements.get((key, link, mark)) or drawing.element(muscle, link, mark)
        parts.append(piece)
    parts.append("</svg>")
    if marked:
        parts.append(drawing.legend)
    parts.append("</figure>")
    return Markup("".join(parts))
