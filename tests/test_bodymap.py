"""bodymap.py: the body map's links, names, marks and legend, for built-in and own vocabularies."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from thrustlib.config import load_config
from thrustlib.content.muscles import DEFAULT_MUSCLES, FIGURE_REGIONS, Muscle
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.site.bodymap import body_map

DEFAULTS = Vocabulary()


def _page(key: str) -> str:
    return f"../muscles/{key}/"


def _parse(markup: str) -> ET.Element:
    """The map as XML: parsing it is the check that it is well formed."""
    return ET.fromstring(str(markup))


def _links(figure: ET.Element) -> dict[str, ET.Element]:
    """The map's links by href."""
    return {a.attrib["href"]: a for a in figure.iter("a")}


def _names(figure: ET.Element) -> dict[str, str]:
    """Each link's href -> its accessible name."""
    return {href: a.attrib["aria-label"] for href, a in _links(figure).items()}


def test_every_default_muscle_is_a_link_to_its_page() -> None:
    figure = _parse(body_map(DEFAULTS, _page, label="Muscles"))
    assert _names(figure) == {_page(m.key): m.name for m in DEFAULT_MUSCLES}
    # Links come in vocabulary order: the order a screen reader lists them in.
    assert [a.attrib["href"] for a in figure.iter("a")] == [_page(m.key) for m in DEFAULT_MUSCLES]
    for a in figure.iter("a"):
        assert a.findtext("title") == a.attrib["aria-label"]
        assert a.attrib["class"] == "bm-muscle"
        assert all(path.attrib["d"].startswith("M") for path in a.iter("path"))
        assert a.find("path") is not None


def test_the_default_muscles_are_drawn_as_the_regions_of_their_keys() -> None:
    assert tuple(m.key for m in DEFAULT_MUSCLES) == FIGURE_REGIONS
    assert all(m.figure == (m.key,) for m in DEFAULT_MUSCLES)


def test_every_region_has_its_own_shape() -> None:
    figure = _parse(body_map(DEFAULTS, _page, label="Muscles"))
    shapes = [a.find("path") for a in figure.iter("a")]
    drawn = [path.attrib["d"] for path in shapes if path is not None]
    assert len(drawn) == len(set(drawn)) == len(FIGURE_REGIONS)


def test_the_map_is_named_for_screen_readers() -> None:
    figure = _parse(body_map(DEFAULTS, _page, label="Muscle groups"))
    assert figure.tag == "figure"
    assert figure.attrib["aria-label"] == "Muscle groups"
    svg = figure.find("svg")
    assert svg is not None
    # The silhouettes and the Front / Back captions are decoration to a screen reader.
    body = svg.find("g[@class='bm-body']")
    assert body is not None
    assert body.attrib["aria-hidden"] == "true"
    assert [t.text for t in body.iter("text")] == ["Front", "Back"]


def test_an_exercise_marks_its_primary_and_secondary_muscles() -> None:
    figure = _parse(
        body_map(
            DEFAULTS,
            _page,
            primary=("glutes",),
            secondary=("hamstrings", "lower-back"),
            label="Muscles worked",
        )
    )
    links = _links(figure)
    glutes, hamstrings = links[_page("glutes")], links[_page("hamstrings")]
    assert glutes.attrib["class"] == "bm-muscle bm-primary"
    assert glutes.attrib["aria-label"] == "Glutes, primary"
    assert glutes.findtext("title") == "Glutes, primary"
    assert hamstrings.attrib["class"] == "bm-muscle bm-secondary"
    assert hamstrings.attrib["aria-label"] == "Hamstrings, secondary"
    assert links[_page("lower-back")].attrib["aria-label"] == "Lower Back, secondary"
    # The secondary style is a hatch, not only another colour: the fill names the pattern.
    assert hamstrings.attrib["fill"] == "url(#bm-hatch)"
    assert figure.find(".//pattern[@id='bm-hatch']") is not None
    assert "fill" not in glutes.attrib
    unmarked = links[_page("chest")]
    assert unmarked.attrib["class"] == "bm-muscle"
    assert unmarked.attrib["aria-label"] == "Chest"
    assert "bm-marked" in figure.attrib["class"].split()


def test_a_muscle_named_as_both_is_primary() -> None:
    figure = _parse(body_map(DEFAULTS, _page, primary=["glutes"], secondary={"glutes"}, label="x"))
    assert _names(figure)[_page("glutes")] == "Glutes, primary"


def test_the_legend_is_there_only_when_muscles_are_marked() -> None:
    picker = _parse(body_map(DEFAULTS, _page, label="Muscles"))
    assert picker.find("figcaption") is None
    assert picker.attrib["class"] == "body-map"
    for primary, secondary in ((("glutes",), ()), ((), ("calves",))):
        figure = _parse(
            body_map(DEFAULTS, _page, primary=primary, secondary=secondary, label="Worked")
        )
        legend = figure.find("figcaption")
        assert legend is not None
        assert "".join(legend.itertext()) == "PrimarySecondary"
        swatches = [rect.attrib["class"] for rect in legend.iter("rect")]
        assert swatches == ["bm-muscle bm-primary", "bm-muscle bm-secondary"]


def test_a_muscle_without_a_page_is_drawn_but_not_a_link() -> None:
    def href(key: str) -> str | None:
        return None if key in ("neck", "biceps") else _page(key)

    figure = _parse(body_map(DEFAULTS, href, label="Muscles"))
    assert _page("neck") not in _links(figure)
    assert len(_links(figure)) == len(DEFAULT_MUSCLES) - 2
    hidden = figure.findall(".//g[@class='bm-muscle']")
    assert len(hidden) == 2
    assert all(g.attrib["aria-hidden"] == "true" and g.find("path") is not None for g in hidden)
    assert all(g.find("title") is None for g in hidden)


def test_a_marked_muscle_without_a_page_keeps_its_name() -> None:
    figure = _parse(body_map(DEFAULTS, lambda key: None, primary=("neck",), label="x"))
    assert not _links(figure)
    (neck,) = figure.findall(".//g[@role='img']")
    assert neck.attrib["class"] == "bm-muscle bm-primary"
    assert neck.attrib["aria-label"] == "Neck, primary"
    assert "aria-hidden" not in neck.attrib


def test_a_site_draws_its_own_muscle_and_leaves_one_off(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(
        """
[muscles.hip-flexors]
region = "Legs & Hips"
figure = "adductors"

[muscles.tibialis]
region = "Legs & Hips"

[muscles.neck]
name = "Neck & Jaw"
figure = []
""",
        encoding="utf-8",
    )
    vocabulary = load_config(tmp_path).vocabulary
    names = _names(_parse(body_map(vocabulary, _page, label="Muscles")))
    assert names[_page("hip-flexors")] == "Hip Flexors"
    # The region passed to the site's muscle; the other two have no region to be drawn as.
    for key in ("adductors", "tibialis", "neck"):
        assert _page(key) not in names
    assert len(names) == len(DEFAULT_MUSCLES) - 1


def test_a_region_two_muscles_name_belongs_to_the_first() -> None:
    rotator = Muscle("rotator-cuff", "Rotator Cuff", "Shoulders & Neck", figure=("shoulders",))
    arms = Muscle("arms", "Arms", "Arms", figure=("biceps", "triceps", "forearms", "biceps"))
    vocabulary = Vocabulary(muscles=(*DEFAULT_MUSCLES, rotator, arms))
    figure = _parse(body_map(vocabulary, _page, label="Muscles"))
    links = _links(figure)
    assert _page("shoulders") in links
    assert _page("rotator-cuff") not in links
    assert _page("arms") not in links  # every region it names is taken
    alone = Vocabulary(muscles=(arms, *DEFAULT_MUSCLES))
    links = _links(_parse(body_map(alone, _page, label="Muscles")))
    assert len(links[_page("arms")].findall("path")) == 3
    for key in ("biceps", "triceps", "forearms"):
        assert _page(key) not in links


def test_an_unknown_region_is_not_drawn() -> None:
    # Only a vocabulary built in code can name one: site.toml rejects it.
    stray = Muscle("tail", "Tail", "Back", figure=("tail",))
    figure = _parse(body_map(Vocabulary(muscles=(stray,)), _page, label="Muscles"))
    assert not _links(figure)


def test_names_and_links_are_escaped() -> None:
    odd = dataclasses.replace(DEFAULT_MUSCLES[0], name='Glutes & "Hips" <max>')
    vocabulary = Vocabulary(muscles=(odd, *DEFAULT_MUSCLES[1:]))
    markup = body_map(
        vocabulary,
        lambda key: f"?a=1&b={key}",
        primary=("glutes",),
        label="Muscles <worked>",
        ident='x"y',
    )
    assert "<max>" not in markup
    figure = _parse(markup)
    assert _names(figure)["?a=1&b=glutes"] == 'Glutes & "Hips" <max>, primary'
    assert figure.attrib["aria-label"] == "Muscles <worked>"
    assert figure.find(".//pattern") is not None


def test_two_maps_on_one_page_have_their_own_ids() -> None:
    first = body_map(DEFAULTS, _page, secondary=("calves",), label="a")
    second = body_map(DEFAULTS, _page, secondary=("calves",), label="b", ident="other")
    page = _parse(f"<main>{first}{second}</main>")
    ids = [element.attrib["id"] for element in page.iter() if "id" in element.attrib]
    assert len(ids) == len(set(ids)) == 4
    uses = {u.attrib["href"] for u in page.iter("use")}
    assert uses == {"#bm-body", "#other-body"}
    fills = [a.attrib["fill"] for a in page.iter("a") if "fill" in a.attrib]
    assert fills == ["url(#bm-hatch)", "url(#other-hatch)"]


def test_output_is_deterministic_and_follows_the_vocabulary_object() -> None:
    once = body_map(DEFAULTS, _page, primary=("glutes",), label="Muscles")
    assert body_map(DEFAULTS, _page, primary=("glutes",), label="Muscles") == once
    # An equal vocabulary that is another object draws the same map ...
    assert body_map(Vocabulary(), _page, primary=("glutes",), label="Muscles") == once
    # ... and one with other names draws those, whatever was drawn before.
    renamed = Vocabulary(
        muscles=tuple(dataclasses.replace(m, name=m.name.upper()) for m in DEFAULT_MUSCLES)
    )
    names = _names(_parse(body_map(renamed, _page, label="Muscles")))
    assert names[_page("glutes")] == "GLUTES"
    # Links differ from page to page; each call uses its own.
    deeper = _names(_parse(body_map(DEFAULTS, lambda k: "../" + _page(k), label="Muscles")))
    assert "../../muscles/glutes/" in deeper


def test_the_map_stays_small() -> None:
    # Every exercise page carries one; the drawing is simple shapes with integer points.
    picker = body_map(DEFAULTS, _page, label="Muscles")
    marked = body_map(DEFAULTS, _page, primary=("glutes",), secondary=("calves",), label="x")
    assert len(picker) < 6_500
    assert len(marked) < 7_000
