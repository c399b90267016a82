"""site.toml: every key, every kind of bad value, and the muscle vocabulary overrides."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from thrustlib.config import (
    SCHEMA,
    SiteConfig,
    load_config,
    output_clash,
    parse_base_url,
    with_overrides,
)
from thrustlib.config_tables import MUSCLE_KEYS
from thrustlib.content.muscles import DEFAULT_MUSCLES, FIGURE_REGIONS
from thrustlib.errors import ConfigError
from thrustlib.scaffold import SITE_TOML


def _load(tmp_path: Path, text: str) -> SiteConfig:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def _problems(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    for problem in caught.value.problems:
        assert problem.path == tmp_path / "site.toml"
    return [(p.line, p.message) for p in caught.value.problems]


def test_no_site_toml_builds_with_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == SiteConfig(root=tmp_path)
    assert config.config_path is None
    assert config.output_dir == Path("_site")
    assert config.exercises_dir == Path("exercises")
    assert config.base_url == "/"
    assert config.drafts is False
    assert config.video_nocookie is True
    assert config.video_thumbnails is True
    assert config.vocabulary.muscles == DEFAULT_MUSCLES


def test_an_empty_site_toml_is_the_defaults(tmp_path: Path) -> None:
    config = _load(tmp_path, "")
    assert config == SiteConfig(root=tmp_path, config_path=tmp_path / "site.toml")


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path) -> None:
    # Windows editors save one; exercise files with a BOM are accepted too.
    (tmp_path / "site.toml").write_bytes(b"\xef\xbb\xbf[site]\ntitle = 'BOM'\n")
    assert load_config(tmp_path).title == "BOM"


def test_every_key(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
[site]
title = "  Glute Library  "
description = "All about hips."
intro = '''
Welcome to **the** library.
'''
base_url = "https://example.org/library"
language = "de-CH"

[build]
exercises = "content"
templates = "layouts"
static = "assets"
output = "public"
drafts = true

[video]
nocookie = false
thumbnails = false
""",
    )
    assert config.title == "Glute Library"
    assert config.description == "All about hips."
    assert config.intro == "Welcome to **the** library."
    assert config.base_url == "https://example.org/library/"
    assert config.base_path == "/library/"
    assert config.absolute_base == "https://example.org/library/"
    assert config.language == "de-CH"
    assert config.exercises_dir == Path("content")
    assert config.templates_dir == Path("layouts")
    assert config.static_dir == Path("assets")
    assert config.output_dir == Path("public")
    assert config.path(config.output_dir) == tmp_path / "public"
    assert config.drafts is True
    assert config.video_nocookie is False
    assert config.video_thumbnails is False


def test_the_init_template_holds_every_key_at_its_default(tmp_path: Path) -> None:
    data = tomllib.loads(SITE_TOML)
    assert {table: set(keys) for table, keys in data.items()} == {
        table: set(keys) for table, keys in SCHEMA.items()
    }
    # Every [muscles] field is shown in the commented example.
    for name in MUSCLE_KEYS:
        assert f"# {name} = " in SITE_TOML
    assert _load(tmp_path, SITE_TOML) == SiteConfig(
        root=tmp_path, config_path=tmp_path / "site.toml"
    )


def test_the_repository_site_toml_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root)
    assert config.title == "Hip Thrust & Glute Library"
    assert config.intro
    assert config.absolute_base == "https://example.org/"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("[site]\ntitle = 3\n", 2, "'site.title' must be a string, got 3"),
        ('[site]\ntitle = "  "\n', 2, "'site.title' must not be empty"),
        ('[site]\n\nintro = ["a"]\n', 3, "'site.intro' must be a string"),
        ('[site]\nbase_url = "example.org"\n', 2, "'site.base_url' must be an http(s) URL"),
        ('[site]\nbase_url = "ftp://example.org/"\n', 2, "got 'ftp://example.org/'"),
        ('[site]\nlanguage = "english"\n', 2, "'site.language' must be a language tag"),
        ('[build]\ndrafts = "yes"\n', 2, "'build.drafts' must be true or false, got 'yes'"),
        ("[build]\ndrafts = 1\n", 2, "'build.drafts' must be true or false"),
        ('[build]\nexercises = ""\n', 2, "'build.exercises' must name a folder"),
        ("[build]\noutput = 5\n", 2, "'build.output' must be a string"),
        ("[video]\nnocookie = 'no'\n", 2, "'video.nocookie' must be true or false"),
        ('site = "x"\n', 1, "'site' must be a table ([site])"),
    ],
)
def test_bad_values_name_the_key_and_line(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    [(found_line, message)] = _problems(tmp_path, text)
    assert found_line == line
    assert expected in message


def test_unknown_keys_and_tables_suggest_the_closest(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, '[site]\ntitel = "x"\n\n[biuld]\noutput = "out"\n\n[video]\nfoo = true\n'
    )
    assert problems == [
        (2, "unknown key 'site.titel'; did you mean 'site.title'?"),
        (4, "unknown table [biuld]; did you mean [build]?"),
        (8, "unknown key 'video.foo'"),
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(tmp_path, '[site]\ntitle = 1\nlanguage = "?"\n[build]\ndrafts = "no"\n')
    assert [line for line, _ in problems] == [2, 3, 5]


def test_dotted_keys_get_their_line(tmp_path: Path) -> None:
    [(line, message)] = _problems(tmp_path, "# settings\n\nsite.title = 1\n")
    assert line == 3
    assert "'site.title'" in message


def test_a_key_inside_a_multiline_string_is_not_a_key(tmp_path: Path) -> None:
    text = '[site]\nintro = """\ntitle = this is prose\n"""\ntitle = 1\n'
    [(line, _message)] = _problems(tmp_path, text)
    assert line == 5


def test_toml_syntax_error_names_the_line_and_keeps_the_cause(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('[site]\ntitle = "x"\nlanguage = en\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == (tmp_path / "site.toml", 3)
    assert problem.message == "the config file is not valid TOML"
    assert problem.reasons and "line 3" in problem.reasons[0]
    assert str(problem).startswith(f"{tmp_path / 'site.toml'}:3: error: ")


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_bytes(b'[site]\ntitle = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "not valid UTF-8" in caught.value.problems[0].message


def test_an_explicit_config_file_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "other.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, missing)
    [problem] = caught.value.problems
    assert str(problem) == f"{missing}: error: no such config file"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org", "https://example.org/"),
        ("https://example.org/library", "https://example.org/library/"),
        ("http://localhost:8000/", "http://localhost:8000/"),
        ("/library", "/library/"),
        ("/", "/"),
        ("  /x/  ", "/x/"),
    ],
)
def test_base_url_is_normalized(value: str, expected: str) -> None:
    assert parse_base_url(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "example.org",
        "library/",
        "ftp://example.org/",
        "https:///path",
        "//example.org/library/",
        "https://example.org/?page=1",
        "https://example.org/#top",
        "https://example.org/my library/",
    ],
)
def test_bad_base_urls(value: str) -> None:
    with pytest.raises(ValueError, match="must be an http"):
        parse_base_url(value)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        ('output = "."', "not the site folder"),
        ('output = ".."', "not the site folder"),
        ('output = "exercises"', "must not be the exercises folder"),
        ('output = "exercises/_site"', "must not be the exercises folder"),
        ('output = "static"', "must not be the static folder"),
        ('static = "public/static"\noutput = "public"', "must not be the static folder"),
        ('templates = "layouts"\noutput = "layouts"', "must not be the templates folder"),
    ],
)
def test_output_folder_must_not_hold_or_be_a_source(
    tmp_path: Path, build: str, fragment: str
) -> None:
    [(line, message)] = _problems(tmp_path, f"[build]\n{build}\n")
    assert message.startswith("'build.output' ")
    assert fragment in message
    assert line is not None


def test_output_folder_beside_the_sources_is_fine(tmp_path: Path) -> None:
    config = _load(tmp_path, '[build]\noutput = "public"\n')
    assert output_clash(config) is None


def test_overrides_are_checked_like_site_toml(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    changed = with_overrides(
        config, base_url="https://example.net/x", output=tmp_path / "out", drafts=True
    )
    assert changed.base_url == "https://example.net/x/"
    assert changed.output_dir == tmp_path / "out"
    assert changed.drafts is True
    assert with_overrides(config) == config

    with pytest.raises(ConfigError) as caught:
        with_overrides(config, base_url="example.net", output=tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "error: --base-url must be an http(s) URL such as 'https://example.org/library/' or a"
        " path starting with '/' such as '/library/', got 'example.net'",
        "error: --out must be a folder of its own, not the site folder or a folder above it",
    ]


# -- [muscles] ---------------------------------------------------------------------------


def test_muscles_rename_regroup_and_add_keywords(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
[muscles.glutes]
name = "Glute Max"
keywords = ["thruster"]
aliases = ["booty"]

[muscles.Lower_Back]
region = "Posterior Chain"
""",
    )
    vocabulary = config.vocabulary
    glutes = vocabulary.muscle("glutes")
    assert glutes.name == "Glute Max"
    assert glutes.region == "Legs & Hips"
    assert glutes.keywords[0] == "thruster"
    assert "hip thrust" in glutes.keywords  # the built-in keywords stay
    assert vocabulary.muscle_key("Booty") == "glutes"
    assert vocabulary.muscle_key("gluteus maximus") == "glutes"
    assert vocabulary.infer_muscles("The Landmine Thruster") == ("glutes",)
    assert vocabulary.muscle("lower-back").region == "Posterior Chain"
    assert vocabulary.ordered_regions()[-1] == "Posterior Chain"
    assert len(vocabulary.muscles) == len(DEFAULT_MUSCLES)


def test_muscles_add_a_new_one(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
[muscles.hip-flexors]
region = "Legs & Hips"
keywords = ["knee raise"]
aliases = ["psoas"]

[muscles]
tibialis = { name = "Tibialis", region = "Shins" }
""",
    )
    vocabulary = config.vocabulary
    assert vocabulary.muscle("hip-flexors").name == "Hip Flexors"
    assert vocabulary.muscle_key("Psoas") == "hip-flexors"
    assert vocabulary.infer_muscles("Hanging Knee Raise") == ("hip-flexors",)
    assert vocabulary.muscle("tibialis").region == "Shins"
    assert "Shins" in vocabulary.ordered_regions()


def test_bad_muscle_tables(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        """[muscles.glutes]
regoin = "Hips"

[muscles.calves]
keywords = "calf raise"

[muscles.hip-flexors]
name = "Hip Flexors"

[muscles]
neck = "Neck"
"!!" = { region = "x" }

[muscles.traps]
name = ""
aliases = ["ok", 3]
""",
    )
    assert problems == [
        (2, "unknown key 'muscles.glutes.regoin'; did you mean 'muscles.glutes.region'?"),
        (5, "'muscles.calves.keywords' must be a list of strings"),
        (
            7,
            "'muscles.hip-flexors' is a new muscle, so it needs a 'region' (such as 'Legs & Hips')",
        ),
        (
            11,
            "'muscles.neck' must be a table [muscles.neck] with name, region, keywords or aliases",
        ),
        (12, "'muscles.!!': a muscle key needs letters or digits"),
        (15, "'muscles.traps.name' must not be empty"),
        (16, "'muscles.traps.aliases' must be a list of strings"),
    ]


# -- [muscles.<key>] figure: the body map's regions ---------------------------------------


def test_muscle_figures_default_to_their_own_region(tmp_path: Path) -> None:
    vocabulary = _load(
        tmp_path,
        """
[muscles.glutes]
name = "Glute Max"

[muscles.hip-flexors]
region = "Legs & Hips"
""",
    ).vocabulary
    # A renamed built-in muscle keeps its region of the map; a new one has none.
    assert vocabulary.muscle("glutes").figure == ("glutes",)
    assert vocabulary.muscle("hip-flexors").figure == ()
    assert vocabulary.muscle("calves").figure == ("calves",)


def test_muscle_figures_as_a_string_a_list_or_none(tmp_path: Path) -> None:
    vocabulary = _load(
        tmp_path,
        """
[muscles.back]
region = "Back"
figure = ["Lats", "middle_back", "lats"]

[muscles.hip-flexors]
region = "Legs & Hips"
figure = "quadriceps"

[muscles.neck]
figure = []

[muscles.forearms]
figure = ""
""",
    ).vocabulary
    # Region ids fold like muscle keys, and a region named twice counts once.
    assert vocabulary.muscle("back").figure == ("lats", "middle-back")
    assert vocabulary.muscle("hip-flexors").figure == ("quadriceps",)
    assert vocabulary.muscle("neck").figure == ()
    assert vocabulary.muscle("forearms").figure == ()
    # The site's muscles took those regions from the built-in ones that had them.
    for key in ("lats", "middle-back", "quadriceps"):
        assert vocabulary.muscle(key).figure == ()
    assert vocabulary.muscle("glutes").figure == ("glutes",)


def test_a_muscle_can_take_its_region_back(tmp_path: Path) -> None:
    vocabulary = _load(
        tmp_path,
        """
[muscles.upper-back]
region = "Back"
figure = ["middle-back", "traps"]

[muscles.traps]
figure = "neck"

[muscles.neck]
figure = []
""",
    ).vocabulary
    assert vocabulary.muscle("upper-back").figure == ("middle-back", "traps")
    assert vocabulary.muscle("traps").figure == ("neck",)
    assert vocabulary.muscle("middle-back").figure == ()
    assert vocabulary.muscle("neck").figure == ()


def test_bad_muscle_figures(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        """[muscles.glutes]
figure = "glutse"

[muscles.calves]
figure = ["calves", "tail"]

[muscles.neck]
figure = 3

[muscles.hip-flexors]
region = "Legs & Hips"
figure = ["quadriceps", 1]

[muscles.rotator-cuff]
region = "Shoulders & Neck"
figure = "shoulders"

[muscles.delts]
region = "Shoulders & Neck"
figure = ["Shoulders"]
""",
    )
    assert problems == [
        (2, "'muscles.glutes.figure': unknown body-map region 'glutse'; did you mean 'glutes'?"),
        (
            5,
            "'muscles.calves.figure': unknown body-map region 'tail'; the regions are "
            + ", ".join(FIGURE_REGIONS),
        ),
        (8, "'muscles.neck.figure' must be a string or a list of strings"),
        (12, "'muscles.hip-flexors.figure' must be a string or a list of strings"),
        (
            20,
            "'muscles.delts.figure': the region 'shoulders' is already given to"
            " 'muscles.rotator-cuff'; a region stands for one muscle",
        ),
    ]
