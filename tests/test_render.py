"""Unit tests of the render stage: links, views, structured data, facade markup, theme."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import posixpath
import re
from pathlib import Path

import jinja2
import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrustlib.config import SiteConfig, load_config
from thrustlib.content.model import Exercise, HowToStep, Library, Section, Source
from thrustlib.engine.build import load_library
from thrustlib.errors import ThemeError
from thrustlib.site import jsonld
from thrustlib.site.render import Renderer
from thrustlib.site.theme import (
    THEME_DIR,
    _escape_output,
    collect_static,
    fingerprint,
    make_environment,
)
from thrustlib.site.views import Links, Views, relative

SITE = Path(__file__).parent / "sites" / "basic"


@pytest.fixture(scope="module")
def config() -> SiteConfig:
    return load_config(SITE)


@pytest.fixture(scope="module")
def library(config: SiteConfig) -> Library:
    return load_library(config)[0]


# -- links --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "target", "expected"),
    [
        ("index.html", "", "./"),
        ("index.html", "muscles/glutes/", "muscles/glutes/"),
        ("exercises/hip-thrust/index.html", "", "../../"),
        ("exercises/hip-thrust/index.html", "muscles/glutes/", "../../muscles/glutes/"),
        ("exercises/hip-thrust/index.html", "exercises/hip-thrust/", "./"),
        ("exercises/hip-thrust/index.html", "exercises/hip-thrust/#step-1", "./#step-1"),
        ("exercises/index.html", "static/thrustlib.css", "../static/thrustlib.css"),
        ("muscles/index.html", "exercises/", "../exercises/"),
        ("exercises/index.html", "exercises/hip-thrust/", "hip-thrust/"),
        (
            "exercises/hip-thrust/index.html",
            "exercises/glute-bridge/",
            "../glute-bridge/",
        ),
    ],
)
def test_relative_links(page: str, target: str, expected: str) -> None:
    assert relative(page, target) == expected


def test_relative_links_for_file_browsing() -> None:
    assert relative("index.html", "", file_links=True) == "index.html"
    assert relative("a/b/index.html", "c/", file_links=True) == "../../c/index.html"
    assert relative("a/b/index.html", "x.css", file_links=True) == "../../x.css"


# -- structured data ----------------------------------------------------------------


def exercise(**changes: object) -> Exercise:
    base = Exercise(
        source=Source(Path("x.md")),
        slug="hip-thrust",
        title="Hip Thrust",
        description="Drive the hips up.",
        video="Xq9_aB3-k7Z",
        video_uploaded=dt.date(2020, 1, 2),
        equipment=("bench", "ez-curl-bar"),
        howto=(HowToStep("Set Up", "Sit *down*.", "Sit down.", 3),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_dump_jsonld_cannot_close_a_script() -> None:
    data = {"description": "</script><script>alert('x')</script> & <!-- \u2028"}
    text = jsonld.dump_jsonld(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == data  # the escapes are JSON's own: the value is unchanged


def test_dump_jsonld_is_deterministic() -> None:
    assert jsonld.dump_jsonld({"b": 1, "a": [2]}) == '{"a":[2],"b":1}'


def test_howto_fields() -> None:
    data = jsonld.howto(exercise(), "https://x.test/exercises/hip-thrust/")
    assert data["@type"] == "HowTo"
    assert data["step"] == [
        {
            "@type": "HowToStep",
            "position": 1,
            "name": "Set Up",
            "text": "Sit down.",
            "url": "https://x.test/exercises/hip-thrust/#step-1",
        }
    ]
    assert data["tool"] == [
        {"@type": "HowToTool", "name": "Bench"},
        {"@type": "HowToTool", "name": "EZ Curl Bar"},
    ]
    assert data["video"]["uploadDate"] == "2020-01-02"
    assert "@context" not in data["video"]


def test_video_object_optional_parts() -> None:
    assert jsonld.video_object(exercise(video=None), "u") is None
    video = jsonld.video_object(exercise(video_uploaded=None), "u", nocookie=False)
    assert video is not None
    assert "uploadDate" not in video
    assert video["embedUrl"] == "https://www.youtube.com/embed/Xq9_aB3-k7Z"
    data = jsonld.howto(exercise(video=None, equipment=()), "u")
    assert "video" not in data and "tool" not in data


def test_breadcrumb_list() -> None:
    data = jsonld.breadcrumb_list([("Home", "/"), ("Glutes", "/muscles/glutes/")])
    assert data["itemListElement"][1] == {
        "@type": "ListItem",
        "position": 2,
        "name": "Glutes",
        "item": "/muscles/glutes/",
    }


# -- views --------------------------------------------------------------------------


def test_neighbourhood_of_a_middle_exercise(library: Library) -> None:
    views = Views(library, "exercises/single-leg-glute-bridge/index.html")
    node = views.neighbourhood("single-leg-glute-bridge")
    assert node is not None
    assert node.link.name == "Glute Bridge" and node.link.href == "../glute-bridge/"
    assert [(c.link.name, c.link.current) for c in node.children] == [
        ("Marching Glute Bridge", False),
        ("Single-Leg Glute Bridge", True),
    ]
    own = node.children[1]
    assert [c.link.name for c in own.children] == ["Elevated Single-Leg Glute Bridge"]


def test_neighbourhood_of_a_loner_is_none(library: Library) -> None:
    views = Views(library, "exercises/romanian-deadlift/index.html")
    assert views.neighbourhood("romanian-deadlift") is None
    view = views.exercise(library.whole("romanian-deadlift"))
    assert view.family is None and view.family_page is None


def test_exercise_view(library: Library) -> None:
    views = Views(library, "exercises/glute-bridge/index.html", embed_base="E/")
    view = views.exercise(library.whole("glute-bridge"))
    assert [b.anchor for b in view.blocks] == ["setup", "execution", "tips", "mistakes"]
    assert view.blocks[0].items[0].label == "Lie Down"
    assert [s.anchor for s in view.steps] == ["step-1", "step-2", "step-3"]
    assert [m.name for m in view.muscles] == ["Glutes"]
    assert view.muscles[0].href == "../../muscles/glutes/"
    assert view.muscles[0].count is None  # see Views.muscle_link
    assert view.video is not None and view.video.embed_base == "E/"
    assert "<strong>" not in view.summary and "Master the bridge" in view.summary
    assert (
        view.family_page is not None and view.family_page.href == "../../variations/glute-bridge/"
    )


def test_markdown_is_safe_and_labels_are_text(library: Library) -> None:
    views = Views(library, "exercises/romanian-deadlift/index.html")
    view = views.exercise(library.whole("romanian-deadlift"))
    html = "".join(str(i.html) for b in view.blocks for i in b.items)
    assert "<code>&lt;script&gt;</code>" in html
    assert 'rel="nofollow noopener noreferrer"' in html
    evil = dataclasses.replace(
        library.whole("romanian-deadlift"),
        intro="<script>alert(1)</script>\n\n# Big\n\n[x](javascript:alert(1))",
    )
    intro = str(views.exercise(evil).intro)
    assert "<script>" not in intro and 'href="javascript' not in intro
    assert "<h1>" not in intro and "<h2>Big</h2>" in intro  # one h1 per page


def test_section_anchors_avoid_the_pages_own_ids(library: Library) -> None:
    sections = (
        Section("Video", "video", "a", 1),
        Section("Step 1", "step-1", "b", 2),
        Section("Section Video", "section-video", "c", 3),
        Section("Notes", "notes", "d", 4),
    )
    evil = dataclasses.replace(library.whole("glute-bridge"), sections=sections)
    view = Views(library, "exercises/glute-bridge/index.html").exercise(evil)
    anchors = [s.anchor for s in view.sections]
    assert anchors == ["section-video", "section-step-1", "section-section-video", "notes"]


def test_regions_follow_the_vocabulary(library: Library) -> None:
    regions = Views(library, "index.html").regions()
    assert [r.name for r in regions] == ["Legs & Hips", "Core"]
    glutes = regions[0].muscles[0]
    assert (glutes.name, glutes.href, glutes.count) == ("Glutes", "muscles/glutes/", 5)


# -- renderer -----------------------------------------------------------------------


def test_page_paths_and_single_pages(config: SiteConfig, library: Library) -> None:
    renderer = Renderer(config)
    paths = renderer.page_paths(library)
    assert paths == sorted(paths)
    files = renderer.render_all(library)
    assert [f.path for f in files] == paths
    fresh = Renderer(config)
    for f in files:
        assert fresh.render_page(library, f.path) == f.data
    with pytest.raises(KeyError):
        renderer.render_page(library, "exercises/nope/index.html")
    with pytest.raises(KeyError):
        renderer.render_page(library, "nothing.txt")


def test_progress_is_reported(config: SiteConfig, library: Library) -> None:
    seen: list[tuple[str, int, int]] = []
    files = Renderer(config).render_all(library, progress=lambda *a: seen.append(a))
    assert seen[-1] == ("render", len(files), len(files))


def test_facade_markup(config: SiteConfig, library: Library) -> None:
    html = Renderer(config).render_page(library, "exercises/glute-bridge/index.html").decode()
    player = html[html.index('<div class="player"') : html.index("</noscript>")]
    assert "<iframe" not in html
    assert 'data-video-id="Xq9_aB3-k7Z"' in player
    assert 'data-embed-base="https://www.youtube-nocookie.com/embed/"' in player
    assert '<a class="player-link" href="https://www.youtube.com/watch?v=Xq9_aB3-k7Z"' in player
    assert 'aria-label="Play video: Glute Bridge"' in player
    assert re.search(r'<img [^>]*alt="Video thumbnail: Glute Bridge"', player)
    assert "<button" not in player  # a button inside a link is invalid HTML


def test_dependents(config: SiteConfig, library: Library) -> None:
    deps = Renderer(config).dependents(library, "elevated-single-leg-glute-bridge")
    assert {
        "exercises/elevated-single-leg-glute-bridge/index.html",
        "exercises/single-leg-glute-bridge/index.html",
        "exercises/glute-bridge/index.html",
        "muscles/glutes/index.html",
        "muscles/hamstrings/index.html",
        "equipment/box/index.html",
        "variations/glute-bridge/index.html",
        "variations/index.html",
        "index.html",
        "exercises/index.html",
        "sitemap.xml",
        "api/exercises.json",
    } <= deps
    assert "exercises/romanian-deadlift/index.html" not in deps
    assert "equipment/barbell/index.html" not in deps
    assert deps <= set(Renderer(config).page_paths(library))


def test_template_errors_name_file_and_line(tmp_path: Path, library: Library) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/index.html").write_text("line one\n{% if %}\n", "utf-8")
    renderer = Renderer(SiteConfig(root=tmp_path))
    with pytest.raises(ThemeError) as caught:
        renderer.render_page(library, "index.html")
    message = str(caught.value)
    assert "templates/index.html:2" in message


def test_a_renderer_compiles_every_template_up_front(tmp_path: Path, library: Library) -> None:
    (tmp_path / "templates" / "partials").mkdir(parents=True)
    # Used by no page, so only compiling every template finds it.
    (tmp_path / "templates/partials/unused.html").write_text("one\n{% if %}\n", "utf-8")
    # Not a template: a note beside the templates is never compiled.
    (tmp_path / "templates/README.md").write_text("{% block x %}\n", "utf-8")
    renderer = Renderer(SiteConfig(root=tmp_path))
    assert renderer.template_error is not None
    assert "templates/partials/unused.html:2" in str(renderer.template_error)
    assert "README" not in str(renderer.template_error)
    assert Renderer(SiteConfig(root=tmp_path / "nothing")).template_error is None


def test_a_renderer_keeps_the_templates_it_was_made_with(tmp_path: Path, library: Library) -> None:
    (tmp_path / "templates").mkdir()
    override = tmp_path / "templates" / "exercise.html"
    override.write_text(
        '{% extends "theme/exercise.html" %}{% block content %}MARK{{ super() }}{% endblock %}',
        "utf-8",
    )
    renderer = Renderer(SiteConfig(root=tmp_path))
    assert renderer.template_error is None
    override.write_text("{% if %}", "utf-8")  # after the renderer was made
    for slug in library.exercises:
        page = renderer.render_page(library, f"exercises/{slug}/index.html")
        assert b"MARK" in page
    assert Renderer(SiteConfig(root=tmp_path)).template_error is not None


def test_a_theme_template_is_compiled_once_unless_the_site_overrides_it(
    tmp_path: Path, library: Library
) -> None:
    def compiled(renderer: Renderer) -> set[str]:
        return {name for _, name in renderer.env.cache or {}}

    theme = compiled(Renderer(SiteConfig(root=tmp_path / "nothing")))
    assert "exercise.html" in theme and "partials/macros.html" in theme
    # The same file under its "theme/" name is left until a page asks for it.
    assert not any(name.startswith("theme/") for name in theme)
    (tmp_path / "templates" / "theme").mkdir(parents=True)
    (tmp_path / "templates/exercise.html").write_text(
        '{% extends "theme/exercise.html" %}{% block content %}{% endblock %}', "utf-8"
    )
    (tmp_path / "templates/muscle.html").write_text(
        '{% extends "theme/level.html" %}{% block content %}M{% endblock %}', "utf-8"
    )
    # A site file that is itself named "theme/...": the site's, compiled like any other.
    (tmp_path / "templates/theme/extra.html").write_text("{% if %}", "utf-8")
    renderer = Renderer(SiteConfig(root=tmp_path))
    names = compiled(renderer)
    assert {"theme/exercise.html", "theme/muscle.html"} <= names
    assert "theme/level.html" not in names
    assert "templates/theme/extra.html:1" in str(renderer.template_error)
    # Named by an override without being overridden: compiled by the page that asks.
    muscle = next(
        p for p in renderer.page_paths(library) if p.startswith("muscles/") and "/" in p[8:]
    )
    assert b"M" in renderer.render_page(library, muscle)
    assert "theme/level.html" in compiled(renderer)


def test_a_template_made_after_the_renderer_is_not_used_by_it(
    tmp_path: Path, library: Library
) -> None:
    """A name compiled when first rendered is looked up among the files the renderer
    found: one made since (here broken) is the next renderer's, as an edit is."""
    (tmp_path / "templates" / "theme").mkdir(parents=True)
    (tmp_path / "templates/muscle.html").write_text(
        '{% extends "theme/level.html" %}{% block content %}M{% endblock %}', "utf-8"
    )
    renderer = Renderer(SiteConfig(root=tmp_path))
    assert renderer.template_error is None
    (tmp_path / "templates/theme/level.html").write_text("{% if %}", "utf-8")
    (tmp_path / "templates/partials").mkdir()
    (tmp_path / "templates/partials/macros.html").write_text("{% if %}", "utf-8")
    muscle = next(
        p for p in renderer.page_paths(library) if p.startswith("muscles/") and "/" in p[8:]
    )
    assert b"M" in renderer.render_page(library, muscle)
    assert Renderer(SiteConfig(root=tmp_path)).template_error is not None


def test_fingerprint() -> None:
    assert re.fullmatch(r"thrustlib\.[0-9a-f]{8}\.css", fingerprint("thrustlib.css", b"x"))
    assert fingerprint("a.css", b"x") != fingerprint("a.css", b"y")


# -- theme: colour contrast (WCAG 2.1 AA, 4.5:1 for text) ---------------------------


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _schemes() -> dict[str, dict[str, str]]:
    css = (THEME_DIR / "static/thrustlib.css").read_text("utf-8")
    light = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    dark_start = css.index("@media (prefers-color-scheme: dark)")
    dark = css[dark_start : css.index("}", dark_start)]
    pattern = re.compile(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6});")
    return {
        name: dict(pattern.findall(block)) for name, block in (("light", light), ("dark", dark))
    }


# (foreground, background) pairs the theme puts text on
TEXT_PAIRS = [
    ("text", "bg"),
    ("text", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("accent", "bg"),
    ("accent", "surface"),
    ("accent", "tag-bg"),
    ("accent-strong", "surface"),
    ("on-accent", "accent"),
    ("on-accent", "accent-strong"),
    ("tag-text", "tag-bg"),
    ("muted", "tag-bg"),
    ("text", "tag-bg"),
    ("focus", "bg"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_colour_contrast(scheme: str, fg: str, bg: str) -> None:
    colours = _schemes()[scheme]
    assert contrast(colours[fg], colours[bg]) >= 4.5, (scheme, fg, bg)


def test_contrast_check_can_fail() -> None:
    assert contrast("#777777", "#ffffff") < 4.5
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


@given(
    target=st.lists(st.sampled_from(["a", "b", "exercises", "x", "index.html"]), max_size=4),
    start=st.lists(st.sampled_from(["a", "b", "exercises", "x"]), max_size=4),
    folder=st.booleans(),
    file_links=st.booleans(),
)
def test_relative_links_resolve_to_their_target(
    target: list[str], start: list[str], folder: bool, file_links: bool
) -> None:
    """Followed from the page, every link lands on the path it was made for."""
    page = "/".join([*start, "index.html"])
    path = "/".join(target) + ("/" if folder and target else "")
    link = relative(page, path, file_links=file_links)
    landed = posixpath.normpath(posixpath.join(posixpath.dirname(page), link))
    wanted = posixpath.normpath(path or ".")
    if file_links and (folder or not target):
        wanted = posixpath.normpath(posixpath.join(wanted, "index.html"))
    assert landed == wanted
    if folder and target and not file_links:  # and a link to a folder is the shortest one
        shortest = posixpath.relpath(wanted, posixpath.dirname(page) or ".")
        assert link == ("./" if shortest == "." else shortest + "/")


@pytest.mark.parametrize("file_links", [False, True])
def test_links_kept_for_a_folder_of_pages_are_the_links_each_page_makes(
    library: Library, file_links: bool
) -> None:
    """Pages share the links they make to what is outside their own folder; every link,
    kept or not, is the one made for that page alone, whatever pages came before (every
    page and target two folders deep, in both orders, through one shared store)."""
    folders = ["", "a/", "b/", "a/a/", "a/b/", "b/a/"]
    pages = [f"{folder}index.html" for folder in folders]
    targets = [
        *folders,
        *(f"{folder}x.css" for folder in folders),
        *(f"{folder}#top" for folder in folders),
    ]
    kept: Links = {}
    for page, target in [
        *itertools.product(pages, targets),
        *itertools.product(pages[::-1], targets),
    ]:
        views = Views(library, page, file_links=file_links, links=kept)
        assert views.href(target) == relative(page, target, file_links=file_links), (page, target)
    assert kept  # and some were shared


def test_a_site_template_can_use_unknown_front_matter_keys(tmp_path: Path) -> None:
    """Unknown keys are kept for templates, and escaped like everything else."""
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "swing.md").write_text(
        '---\ndescription: "Swing."\nmuscles: [glutes]\ncoach: "<b>Ann</b>"\n---\n'
        "## Execution\n1. **Hike**: Hike the bell.\n",
        "utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "exercise.html").write_text(
        '{% extends "theme/exercise.html" %}'
        "{% block content %}<p id=coach>{{ exercise.extra.coach }}</p>{{ super() }}{% endblock %}",
        "utf-8",
    )
    config = load_config(tmp_path)
    library, _ = load_library(config)
    html = Renderer(config).render_page(library, "exercises/swing/index.html").decode()
    assert "<p id=coach>&lt;b&gt;Ann&lt;/b&gt;</p>" in html


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="&<>'\"a é"),  # each character markupsafe replaces, often
        st.text().map(markupsafe.Markup),
        st.integers(),
        st.floats(allow_nan=False),
        st.none(),
        st.just(_Html()),
    )
)
def test_template_outputs_are_escaped_as_markupsafe_escapes(value: object) -> None:
    assert _escape_output(value) == str(markupsafe.escape(value))


def test_templates_escape_their_outputs_through_the_shortcut() -> None:
    env = make_environment(None)
    page = env.from_string(
        "{{ text }}|{{ safe }}|{% macro m(x) %}{{ x }}{% endmacro %}{{ m(text) }}"
    )
    assert page.root_render_func.__globals__["escape"] is _escape_output
    html = page.render(text="<script>'&\"", safe=markupsafe.Markup("<b>"))
    assert html == "&lt;script&gt;&#39;&amp;&#34;|<b>|&lt;script&gt;&#39;&amp;&#34;"


# Templates that reach every way Jinja calls a block or a parent template: nested and
# scoped blocks, a block in a loop, super(), self.<block>(), a required block, a block
# under an {% if %} of a child that extends conditionally, and blocks inside a macro
# and a block inside {% set %} and {% filter %} (which Jinja writes to a buffer, not as
# a generator), with a macro called by {% call %}.
_BLOCK_TEMPLATES = {
    "frame.html": (
        "<title>{% block title %}Frame{% endblock %}</title>\n"
        "{% block body %}<main>{% block inner %}inner{% endblock %}</main>{% endblock %}\n"
        "{% for n in items %}{% block row scoped %}[{{ n }}]{% endblock %}{% endfor %}\n"
        "{% block tail required %}{% endblock %}"
        "{{ self.title() }}"
    ),
    "page.html": (
        '{% extends "frame.html" %}'
        "{% block title %}{{ name }} &amp; {{ super() }}{% endblock %}"
        "{% block inner %}<p>{{ text }}</p>{{ super() }}{% endblock %}"
        "{% block row %}<{{ n }}>{% endblock %}"
        "{% block tail %}{% set held %}{% block kept %}k{% endblock %}{% endset %}"
        "{{ held }}|{{ self.kept() }}{% endblock %}"
    ),
    "either.html": (
        '{% if plain %}{% extends "frame.html" %}{% endif %}'
        "{% block title %}Either{% endblock %}{% block tail %}t{% endblock %}"
    ),
    "macro.html": (
        '{% extends "frame.html" %}{% macro box() %}({{ caller() }}){% endmacro %}'
        "{% block inner %}{% call box() %}{{ text }}{% endcall %}{% endblock %}"
        "{% block tail %}{% filter upper %}{% block loud %}{{ name }}{% endblock %}"
        "{% endfilter %}{% endblock %}"
    ),
}


@pytest.mark.parametrize(
    ("name", "plain"),
    [("page.html", True), ("either.html", True), ("either.html", False), ("macro.html", True)],
)
def test_templates_with_blocks_render_as_plain_jinja_renders_them(
    tmp_path: Path, name: str, plain: bool
) -> None:
    """Blocks and parent templates are joined where they are called
    (``theme._CodeGenerator``): the text must be what Jinja's own code gives."""
    for file, text in _BLOCK_TEMPLATES.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    ours = make_environment(tmp_path)
    reference = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(tmp_path)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    values = {"name": "<A>", "text": "x & y", "items": [1, "<2>"], "plain": plain}
    expected = reference.get_template(name).render(values)
    assert ours.get_template(name).render(values) == expected
    assert "<A>" not in expected  # the outputs were escaped


def test_a_page_and_its_base_are_joined_where_they_are_called() -> None:
    """The shortcut applies with this Jinja: no ``yield from`` of a block or a parent is
    left in the theme's compiled pages (were it, pages would be right, only slower)."""
    env = make_environment(None)
    for name in ("base.html", "exercise.html"):
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        code = env.compile(source, name, raw=True)
        assert "yield concat(" in code
        assert "yield from context.blocks[" not in code
        assert "yield from parent_template" not in code


def test_static_files_leave_editor_leftovers_out_but_publish_underscore_names(
    tmp_path: Path,
) -> None:
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / ".cache").mkdir()
    for name in ["_headers", "img/a.png", "site.css", ".cache/x", "site.css~", "#site.css#"]:
        (static / name).write_text("x")
    for name in ["site.css.orig", "site.css.bak", ".site.css.swo", "site.css.swp", "a.tmp"]:
        (static / name).write_text("x")

    files, _ = collect_static(static)

    own = sorted(path for path in files if not (THEME_DIR / path).exists())
    # The theme's fingerprinted assets are named by their hash, so leave them out.
    theme = {"thrustlib", "search"}
    assert [p for p in own if p.split("/")[-1].split(".")[0] not in theme] == [
        "static/_headers",
        "static/img/a.png",
        "static/site.css",
    ]


def test_a_templates_globals_are_its_own_over_the_environments(tmp_path: Path) -> None:
    # One plain dictionary (not Jinja's ChainMap, walked in Python for every page), with
    # what Jinja gives each template: the environment's globals, its own on top, and
    # imported macros that see them.
    (tmp_path / "page.html").write_text(
        '{% import "macros.html" as m %}{{ m.count() }} {{ greeting }} {{ cycler("a").next() }}',
        "utf-8",
    )
    (tmp_path / "macros.html").write_text(
        "{% macro count() %}{{ range(3)|list|length }}{% endmacro %}", "utf-8"
    )
    env = make_environment(tmp_path)
    template = env.get_template("page.html", globals={"greeting": "hello"})
    assert type(template.globals) is dict
    assert set(env.globals) <= set(template.globals) and template.globals["greeting"] == "hello"
    assert "greeting" not in env.globals
    assert template.render() == "3 hello a"
