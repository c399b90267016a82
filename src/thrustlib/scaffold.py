"""The files ``thrustlib init`` and ``thrustlib new`` create, and the functions that create them.

Every file is written with exclusive creation, so neither command can overwrite
anything, even when two of them race. What they write builds as it is, without a
warning, so ``thrustlib build --strict`` passes on a fresh site and a fresh exercise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from thrustlib.config import CONFIG_NAME, SiteConfig
from thrustlib.content.files import find_exercise_files, walk
from thrustlib.content.parse import SLUG_RE
from thrustlib.content.text import closest, slugify, yaml_scalar
from thrustlib.content.vocabulary import equipment_key, level_key, unknown_level
from thrustlib.engine.load import load_exercises
from thrustlib.errors import Problem, Problems, ThrustlibError
from thrustlib.site.theme import THEME_DIR

STARTER = Path(__file__).parent / "starter"
"""The texts a new site and a new exercise start from, kept as files to read as they are."""


class ScaffoldError(ThrustlibError):
    """A file ``init`` or ``new`` was asked to create cannot be created."""


SITE_TOML = (STARTER / "site.toml").read_text("utf-8")

EXAMPLE_NAME = "glute-bridge.md"

EXAMPLE_BODY = (STARTER / "example-body.md").read_text("utf-8")

# The placeholder body of a new exercise: every section, each with valid content, so
# the file builds as created and the author only has to replace the words.
NEW_BODY = (STARTER / "new-body.md").read_text("utf-8")


# Values YAML reads as a plain string: keys, slugs, levels (not its null/bool words).


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The front matter ``init`` and ``new`` write, in the order FORMAT.md lists it."""

    title: str
    description: str
    muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    level: str | None = None
    variation_of: str | None = None
    aliases: tuple[str, ...] = ()
    draft: bool = False
    comments: dict[str, str] = field(default_factory=dict)
    """A short hint written after a key whose value is a placeholder."""

    def to_yaml(self) -> str:
        """The front matter between its ``---`` lines, as YAML a person can edit."""

        def scalar(value: str | None, *, text: bool = False) -> str:
            return "null" if value is None else yaml_scalar(value, text=text)

        def block(key: str, values: Sequence[str]) -> list[str]:
            if not values:
                return [f"{key}: []"]
            return [f"{key}:", *(f"  - {scalar(v)}" for v in values)]

        lines = [
            f"title: {scalar(self.title, text=True)}",
            f"description: {scalar(self.description, text=True)}",
            '# video: ""  # a YouTube video ID: exactly 11 characters of A-Z a-z 0-9 _ -',
            *block("muscles", self.muscles),
            *block("secondary_muscles", self.secondary_muscles),
            *block("equipment", self.equipment),
            f"level: {scalar(self.level)}",
            f"variation_of: {scalar(self.variation_of)}",
            *block("aliases", self.aliases),
        ]
        if self.draft:
            lines.append("draft: true")
        for index, line in enumerate(lines):
            key = line.split(":", 1)[0]
            if key in self.comments:
                lines[index] = f"{line}  # {self.comments[key]}"
        return "\n".join(lines) + "\n"


def exercise_text(front: FrontMatter, body: str) -> str:
    """A whole exercise file: front matter, then the Markdown body."""
    return f"---\n{front.to_yaml()}---\n\n{body}"


EXAMPLE = exercise_text(
    FrontMatter(
        title="Glute Bridge",
        description=(
            "Lift the hips from the floor with the shoulders down: the simplest way to"
            " learn to drive with the glutes."
        ),
        muscles=("glutes",),
        secondary_muscles=("hamstrings",),
        equipment=("bodyweight",),
        level="beginner",
        variation_of=None,
        aliases=("hip bridge", "floor bridge"),
    ),
    EXAMPLE_BODY,
)


def _theme_files(folder: str) -> list[str]:
    """Names of the default theme's files in ``folder``, read from the installed package."""
    base = THEME_DIR / folder
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).as_posix() for p in walk(base))


def _listing(names: list[str]) -> str:
    if not names:
        return "(This installation of thrustlib ships none.)\n"
    return "".join(f"- `{name}`\n" for name in names)


def templates_readme() -> str:
    """The note ``init`` puts in ``templates/``: how to override the theme's templates."""
    return (
        "# Templates\n\n"
        "Templates here override thrustlib's default theme file by file: name a file like\n"
        "one of the theme's and it is used instead; every other page keeps the theme's.\n"
        "An override can extend the theme's own copy and change one block only:\n\n"
        '    {% extends "theme/exercise.html" %}\n\n'
        "Templates are Jinja (https://jinja.palletsprojects.com/). A missing variable is\n"
        "an error that names the template and line, so `thrustlib check` finds mistakes\n"
        "before anything is written.\n\n"
        "The theme's templates:\n\n" + _listing(_theme_files("templates"))
    )


def static_readme() -> str:
    """The note ``init`` puts in ``static/``: how to add and override static files."""
    return (
        "# Static files\n\n"
        "Files here are copied to the built site's `static/` folder, next to the theme's.\n"
        "A file named like one of the theme's replaces it, so a `thrustlib.css` here is\n"
        "the site's whole stylesheet. Files whose names start with `.` are not copied.\n\n"
        "The theme's static files:\n\n" + _listing(_theme_files("static"))
    )


def _create(path: Path, text: str) -> None:
    """Write a new file; :class:`FileExistsError` when it exists (never overwrite)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def init_site(folder: Path) -> tuple[list[Path], list[Path]]:
    """Create a site in ``folder``; returns the files created and those left as they were.

    The site.toml is the one file that must be new: a folder that has one is a site.
    """
    config_path = folder / CONFIG_NAME
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError([Problem(folder, None, "is a file, not a folder to make a site in")])
    if config_path.exists():
        raise ScaffoldError(
            [Problem(config_path, None, "a site already exists here; init never overwrites it")]
        )
    files = {
        config_path: SITE_TOML,
        folder / "exercises" / EXAMPLE_NAME: EXAMPLE,
        folder / "templates" / "README.md": templates_readme(),
        folder / "static" / "README.md": static_readme(),
    }
    if any(find_exercise_files(folder / "exercises")):
        # An existing library gets a site.toml, not an example that may clash with it
        # (a second glute-bridge) or be taken for a variation of one of its exercises.
        del files[folder / "exercises" / EXAMPLE_NAME]
    created: list[Path] = []
    kept: list[Path] = []
    for path, text in files.items():
        try:
            _create(path, text)
        except FileExistsError:
            if path == config_path:
                raise ScaffoldError(
                    [Problem(path, None, "a site already exists here; init never overwrites it")]
                ) from None
            kept.append(path)
        else:
            created.append(path)
    return created, kept


def new_exercise(
    config: SiteConfig,
    title: str,
    *,
    muscles: Sequence[str] = (),
    equipment: Sequence[str] = (),
    level: str | None = None,
    variation_of: str | None = None,
    draft: bool = False,
) -> Path:
    """Create an exercise file for ``title`` in the exercises folder; returns its path.

    Options are checked against the site's vocabulary and library first, so the new file
    never brings an error into a site that had none.
    """
    problems = Problems()
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        problems.error(None, None, f"cannot make a file name from the title {title!r}")
        raise ScaffoldError(problems.items)
    vocabulary = config.vocabulary
    muscle_keys: list[str] = []
    for name in muscles:
        key = vocabulary.muscle_key(name)
        if key is None:
            problems.error(None, None, f"--muscle: {vocabulary.unknown_muscle(name)}")
        elif key not in muscle_keys:
            muscle_keys.append(key)
    level_value = None
    if level is not None:
        level_value = level_key(level)
        if level_value is None:
            problems.error(None, None, f"--level: {unknown_level(level)}")
    folder = config.path(config.exercises_dir)
    path = folder / f"{slug}.md"
    # The slugs in use, read the way the build reads them, so a clash with a file that
    # sets its own 'slug:' is caught here rather than by the next build.
    existing = {e.slug: e for e in load_exercises(folder, vocabulary, Problems())}
    if path.exists() or slug in existing:
        where = path if path.exists() else existing[slug].source.path
        problems.error(where, None, f"an exercise with the slug '{slug}' exists already")
    parent = None
    if variation_of is not None:
        parent = variation_of if SLUG_RE.fullmatch(variation_of) else slugify(variation_of)
        if parent not in existing:
            hint = closest(parent, existing)
            problems.error(
                None,
                None,
                f"--variation-of: no exercise has the slug {parent!r}"
                + (f"; did you mean {hint!r}?" if hint else ""),
            )
        elif existing[parent].draft and not draft and not config.drafts:
            # The build would show the new page without its parent, with a warning.
            problems.error(
                None,
                None,
                f"--variation-of: {parent!r} is a draft; publish it first, or make this"
                " exercise a draft too (--draft)",
            )
    if problems.has_errors():
        raise ScaffoldError(problems.items)

    comments = {}
    if not muscle_keys:
        comments["muscles"] = "a placeholder: name the muscles it trains"
    if level_value is None:
        comments["level"] = "beginner, intermediate or advanced"
    front = FrontMatter(
        title=title,
        description=(
            f"Replace this sentence with one line on what the {title} trains and how it is done."
        ),
        muscles=tuple(muscle_keys) or ("glutes",),
        equipment=tuple(dict.fromkeys(equipment_key(e) for e in equipment if e.strip())),
        level=level_value,
        variation_of=parent,
        draft=draft,
        comments=comments,
    )
    try:
        _create(path, exercise_text(front, NEW_BODY.format(title=title)))
    except FileExistsError:
        raise ScaffoldError(
            [Problem(path, None, f"an exercise with the slug '{slug}' exists already")]
        ) from None
    return path
