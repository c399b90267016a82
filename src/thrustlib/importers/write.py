"""The shared writer: neutral records -> exercise files in the format of FORMAT.md.

Every source ends here, so what makes a good file is decided once: names matched against
the site's vocabulary (what does not match is left out, or kept, with a warning naming
the record), file names URL-safe and unique, every value written so that it reads back
as it was (:mod:`thrustlib.importers.text`), and no file ever overwritten. Planning is
pure; :func:`write_files` alone touches the disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from thrustlib.content.files import find_exercise_files
from thrustlib.content.front_matter import KNOWN_KEYS
from thrustlib.content.parse import title_from_filename
from thrustlib.content.text import slugify
from thrustlib.content.titles import run_together, title_from_description
from thrustlib.content.vocabulary import (
    BODYWEIGHT,
    DEFAULT_EQUIPMENT,
    Vocabulary,
    equipment_key,
    equipment_name,
    level_key,
)
from thrustlib.engine.load import load_exercises
from thrustlib.errors import Problems
from thrustlib.importers.record import ImportRecord, Origin
from thrustlib.importers.text import FrontValue, clean, execution_list, front_matter_yaml

MAX_SLUG = 80
"""Longest file name (without ``.md``) an import makes: long names are cut at a hyphen."""


@dataclass(frozen=True, slots=True)
class ExerciseFile:
    """One file an import is about to write."""

    origin: Origin
    """The record it is made from."""

    slug: str
    """Its slug, which is also its file name without ``.md``."""

    text: str
    """The whole file: front matter, then the Markdown body."""

    @property
    def name(self) -> str:
        """The file name, ``ab-roller.md``."""
        return f"{self.slug}.md"


_Warn = Callable[[str], None]
"""Takes a warning about the record being written (see :class:`_Notes`)."""


class _Notes:
    """Warnings about one record, each at the record's place in the source file."""

    def __init__(self, path: Path, origin: Origin, problems: Problems) -> None:
        self.path, self.origin, self.problems = path, origin, problems

    def __call__(self, message: str) -> None:
        self.problems.warning(self.path, self.origin.line, f"{self.origin.label}: {message}")


# -- planning -------------------------------------------------------------------------


def plan_files(
    path: Path, records: Sequence[ImportRecord], vocabulary: Vocabulary, problems: Problems
) -> list[ExerciseFile]:
    """The file each record becomes (``path``: the source file, for messages).

    A record no file name can be made for is an error and gets no file.
    """
    files: list[ExerciseFile] = []
    for record, slug in zip(records, unique_slugs(path, records, problems), strict=True):
        if slug is not None:
            warn = _Notes(path, record.origin, problems)
            text = exercise_text(record, slug, vocabulary, warn)
            files.append(ExerciseFile(record.origin, slug, text))
    return files


def slug_of(text: str) -> str:
    """The URL-safe file name ``text`` gives, at most :data:`MAX_SLUG` characters."""
    slug = slugify(text)
    if len(slug) > MAX_SLUG:
        slug = slug[: MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug


def unique_slugs(
    path: Path, records: Sequence[ImportRecord], problems: Problems
) -> list[str | None]:
    """Each record's slug; a slug taken by an earlier record gets ``-2``, ``-3``...

    Suffixes depend on the records alone, in their order, so importing the same file
    again gives the same names, and never a name another record has as its own.
    """
    bases = [slug_of(r.slug_text) or slug_of(r.title) for r in records]
    used = set(bases)
    first: dict[str, Origin] = {}
    slugs: list[str | None] = []
    for record, base in zip(records, bases, strict=True):
        if not base:
            problems.error(
                path,
                record.origin.line,
                f"{record.origin.label}: no letters or digits to make a file name of; not imported",
            )
            slugs.append(None)
            continue
        if base not in first:
            first[base] = record.origin
            slugs.append(base)
            continue
        n = 2
        while f"{base}-{n}" in used:
            n += 1
        slug = f"{base}-{n}"
        used.add(slug)
        _Notes(path, record.origin, problems)(
            f"its file name {base}.md is {first[base].label}'s already; written as {slug}.md"
        )
        slugs.append(slug)
    return slugs


def exercise_text(
    record: ImportRecord, slug: str, vocabulary: Vocabulary, warn: _Warn | None = None
) -> str:
    """The file a record becomes under ``slug``; ``warn`` hears what could not be mapped."""
    front = front_matter(record, slug, vocabulary, warn or _ignore)
    steps = [s for s in map(clean, record.execution) if s]
    body = f"\n{execution_list(steps)}" if steps else ""
    return f"---\n{front_matter_yaml(front)}---\n{body}"


def front_matter(
    record: ImportRecord, slug: str, vocabulary: Vocabulary, warn: _Warn
) -> dict[str, FrontValue]:
    """The front matter of a record's file, in the order FORMAT.md lists the keys."""
    muscles = _muscles(record.muscles, vocabulary, "muscle", warn)
    secondary = [
        k
        for k in _muscles(record.secondary_muscles, vocabulary, "secondary muscle", warn)
        if k not in muscles
    ]
    if not muscles:
        warn(
            "no primary muscle in the site's vocabulary; 'muscles' left out, so the build"
            " infers them from the title and description, and says so"
        )
    equipment = _equipment(record.equipment, warn)
    level = None
    if record.level is not None:
        level = level_key(record.level)
        if level is None:
            warn(f"level {record.level!r} is not beginner, intermediate or advanced; left out")
    title = clean(record.title)
    description = clean(record.description or "") or made_description(
        title, muscles, equipment, level, vocabulary
    )

    front: dict[str, FrontValue] = {}
    if _states_title(slug, title, description):
        front["title"] = title
    front["description"] = description
    if muscles:
        front["muscles"] = muscles
    if secondary:
        front["secondary_muscles"] = secondary
    if equipment:
        front["equipment"] = equipment
    if level is not None:
        front["level"] = level
    # The sources name no parents; an explicit null keeps the build from guessing one
    # for every title that holds another (and warning about each guess).
    front["variation_of"] = None
    for key, value in record.extra.items():
        if key not in KNOWN_KEYS:  # extra keys add to what the file says, never change it
            front[key] = clean(value) if isinstance(value, str) else [clean(v) for v in value]
    return front


def _ignore(message: str) -> None:
    """A warning callback that drops the warning."""


def _states_title(slug: str, title: str, description: str) -> bool:
    """True when the file must say ``title:``: the parser would not make this title itself."""
    path = Path(f"{slug}.md")
    if title_from_description(path, description) is not None or run_together(path):
        return True  # the parser would take, or warn about, another title
    return title_from_filename(path) != title


def _muscles(names: Sequence[str], vocabulary: Vocabulary, what: str, warn: _Warn) -> list[str]:
    keys: list[str] = []
    for name in names:
        key = vocabulary.muscle_key(name)
        if key is None:
            warn(
                f"{what} {name!r} is not in the site's muscle vocabulary; left out"
                " (add it to site.toml under [muscles] to keep it)"
            )
        elif key not in keys:
            keys.append(key)
    return keys


def _equipment(names: Sequence[str], warn: _Warn) -> list[str]:
    keys: list[str] = []
    for name in names:
        key = equipment_key(name)
        if not key:
            warn(f"equipment {name!r} has no letters or digits to name its page by; left out")
            continue
        if key not in DEFAULT_EQUIPMENT:
            warn(f"equipment {name!r} is not one thrustlib knows; kept as {key!r}")
        if key not in keys:
            keys.append(key)
    return keys


def made_description(
    title: str,
    muscles: Sequence[str],
    equipment: Sequence[str],
    level: str | None,
    vocabulary: Vocabulary,
) -> str:
    """A one-sentence description for a record that gives none, from what it does give."""
    sentence = f"{title}: {_a(level)} {level} exercise" if level else f"{title}: an exercise"
    names = [vocabulary.muscle(k).name.lower() for k in muscles]
    if names:
        sentence += " for the " + _and(names)
    tools = [equipment_name(k).lower() for k in equipment if k != BODYWEIGHT]
    if tools:
        sentence += ", with " + _and([f"{_a(t)} {t}" for t in tools])
    return sentence + "."


def _a(word: str) -> str:
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# -- writing --------------------------------------------------------------------------


def taken_slugs(folder: Path, vocabulary: Vocabulary) -> dict[str, Path]:
    """The slugs the exercise files in ``folder`` already have, read as the build reads them."""
    taken: dict[str, Path] = {}
    if not folder.is_dir():
        return taken
    for exercise in load_exercises(folder, vocabulary, Problems()):
        taken.setdefault(exercise.slug, exercise.source.path)
        # An old slug leads to its exercise: a new file with it would stop the build.
        for old in exercise.redirect_from:
            taken.setdefault(old, exercise.source.path)
    # A file the build cannot read still holds its name's slug.
    for path in find_exercise_files(folder):
        taken.setdefault(slugify(path.stem), path)
    return taken


@dataclass(frozen=True, slots=True)
class Kept:
    """An existing file an import left as it was, instead of writing a record's file."""

    path: Path
    """The existing file."""

    origin: Origin
    """The record that was not imported because of it."""

    reason: str
    """Why the record's file would clash with it: ``it exists``, or the slug they share."""


def write_files(
    folder: Path, files: Sequence[ExerciseFile], taken: Mapping[str, Path]
) -> tuple[list[Path], list[Kept]]:
    """Write each file into ``folder`` unless it exists, or ``taken`` (see
    :func:`taken_slugs`) has its slug; returns the new files and the existing ones kept."""
    if files:
        folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    kept: list[Kept] = []
    for file in files:
        path = folder / file.name
        other = taken.get(file.slug)
        if other is not None and other.resolve() != path.resolve():
            # Another file has the slug (by its own 'slug:', or in a subfolder): a second
            # one would stop the build.
            why = f"it has the slug {file.slug!r} (as its own, or in 'redirect_from')"
            kept.append(Kept(other, file.origin, why))
            continue
        try:
            _create(path, file.text)
        except FileExistsError:
            kept.append(Kept(path, file.origin, "it exists"))
        else:
            written.append(path)
    return written, kept


def _create(path: Path, text: str) -> None:
    """Write a new file; :class:`FileExistsError` when it exists (never overwrite)."""
    handle = path.open("x", encoding="utf-8", newline="\n")
    try:
        with handle:
            handle.write(text)
    except BaseException:
        # A half-written file would be kept as it is by the next import: remove it.
        path.unlink(missing_ok=True)
        raise
