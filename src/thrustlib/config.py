"""site.toml -> a frozen :class:`SiteConfig`; every problem named with the file and key.

A folder without site.toml builds with the defaults. Unknown keys are errors, with the
closest known key suggested, because a misspelt setting that is silently ignored is the
hardest kind of bug to see.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from thrustlib.config_tables import (
    BUILD_PARSERS,
    DEFAULT_MAX_FILE_SIZE,
    VALUE_KINDS,
    KeyLines,
    leaves_site,
    read_config_file,
    section_names_of,
    vocabulary_of,
)
from thrustlib.content.files import OPT_IN, Boundary
from thrustlib.content.text import closest
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import ConfigError, Problems

CONFIG_NAME = "site.toml"
# More substitutes than this stop being a short list of alternatives and become a
# second muscle page inside every exercise page.
_RANGES = {"pages.substitutes": (0, 24), "build.max_exercises": (0, 100_000_000)}
_KINDS = {**VALUE_KINDS, int: "a whole number"}


def _within(value: object, span: tuple[int, int]) -> bool:
    return isinstance(value, int) and span[0] <= value <= span[1]


_LANG_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Every setting a build honours, already checked."""

    root: Path
    """The site folder: relative folders below are resolved against it."""

    config_path: Path | None = None
    """The site.toml the settings came from, or ``None`` for the defaults."""

    title: str = "Exercise Library"
    """The site's name, in every page title and the header."""

    description: str = "Exercise instructions with video, grouped by muscle and variation."
    """One sentence about the site, for the home page's meta description."""

    intro: str = ""
    """Markdown shown on the home page above the muscle groups."""

    base_url: str = "/"
    """Where the site is served: ``https://example.org/library/`` or a path ``/library/``."""

    language: str = "en"
    """The pages' ``lang`` (a BCP 47 tag such as ``en`` or ``de-CH``)."""

    exercises_dir: Path = Path("exercises")
    """Folder of exercise files."""

    templates_dir: Path = Path("templates")
    """Folder whose templates override the default theme's, file by file."""

    static_dir: Path = Path("static")
    """Folder whose files are copied to the output, overriding the theme's."""

    output_dir: Path = Path("_site")
    """Folder the site is written to (replaced as a whole on each build)."""

    drafts: bool = False
    """Build exercises marked ``draft: true``."""

    follow_external_symlinks: bool = False
    """Follow links that lead out of the site folder; off, each is an error."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    """The most bytes an exercise file may have: a larger one is an error, never read."""

    max_exercises: int = 0
    """The most exercise files a build takes; 0: as many as memory is estimated to hold."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    """The muscle vocabulary, with the site's changes applied."""

    video_nocookie: bool = True
    """Play videos from youtube-nocookie.com (privacy-enhanced mode)."""

    video_thumbnails: bool = True
    """Show YouTube's thumbnail in the player; off, the page asks nothing of YouTube at all
    until the reader presses play (the thumbnail is the one request made before)."""

    video_upload_dates: bool = True
    """The site records when its videos were published (``video_uploaded``): under
    ``--strict`` a video without the date is a warning, since search engines show a video
    result only with it. ``false`` says the dates are not known, and silences it."""

    substitutes: int = 6
    """How many substitutes ("Instead, with other equipment") an exercise page lists at
    most; 0 turns the list off (on the pages and in the JSON API)."""

    progressions: bool = True
    """Show "Easier" and "Harder" links within a variation family."""

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, with slashes at both ends (``/library/``)."""
        path = urlsplit(self.base_url).path or "/"
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    @property
    def absolute_base(self) -> str | None:
        """``base_url`` when it is absolute (``https://host/path/``), else ``None``."""
        parts = urlsplit(self.base_url)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{self.base_path}"
        return None

    def path(self, folder: Path) -> Path:
        """A configured folder resolved against the site root."""
        return folder if folder.is_absolute() else self.root / folder

    @property
    def boundary(self) -> Boundary:
        """Where the site's files may come from (see :mod:`thrustlib.content.files`)."""
        return Boundary.of(
            self.root,
            follow_external=self.follow_external_symlinks,
            kept_out=(self.output_dir, Path(CACHE_DIR)),
        )


CACHE_DIR = ".thrustlib-cache"  # the content cache's folder (thrustlib.engine.cache)

# table -> key -> the Python type tomllib gives for an accepted value
SCHEMA: dict[str, dict[str, type]] = {
    "site": {
        "title": str,
        "description": str,
        "intro": str,
        "base_url": str,
        "language": str,
    },
    "build": {
        "exercises": str,
        "templates": str,
        "static": str,
        "output": str,
        "drafts": bool,
        "follow_external_symlinks": bool,
        "max_file_size": int,
        "max_exercises": int,
    },
    "video": {"nocookie": bool, "thumbnails": bool, "upload_dates": bool},
    "pages": {"substitutes": int, "progressions": bool},
}
_FOLDERS = (
    ("exercises", "exercises_dir"),
    ("templates", "templates_dir"),
    ("static", "static_dir"),
    ("output", "output_dir"),
)


def load_config(root: Path, config_path: Path | None = None) -> SiteConfig:
    """Read ``config_path`` (default ``root/site.toml``, optional) into a SiteConfig."""
    explicit = config_path is not None
    path = config_path if config_path is not None else root / CONFIG_NAME
    problems = Problems()
    if not os.path.lexists(path) or path.is_dir():
        if explicit:
            problems.error(path, None, "no such config file")
            raise ConfigError(problems.items)
        return SiteConfig(root=root)
    try:
        text = read_config_file(root, path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(path, None, "the config file is not valid UTF-8", reasons=[str(exc)])
        raise ConfigError(problems.items) from exc
    except OSError as exc:
        problems.error(path, None, f"cannot read the config file: {exc.strerror or exc}")
        raise ConfigError(problems.items) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        problems.error(
            path,
            int(found.group(1)) if found else None,
            "the config file is not valid TOML",
            reasons=[str(exc)],
        )
        raise ConfigError(problems.items) from exc
    config = _config_from(root, path, KeyLines(text), data, problems)
    if problems.has_errors():
        raise ConfigError(problems.items)
    return config


def parse_base_url(value: str) -> str:
    """``value`` checked and given a trailing slash; :class:`ValueError` says what is wrong.

    The one check for site.toml's ``base_url`` and the ``--base-url`` option alike.
    """
    base = value.strip()
    parts = urlsplit(base)
    if (
        not base
        or any(c.isspace() for c in base)
        or (parts.scheme and parts.scheme not in ("http", "https"))
        or (parts.scheme and not parts.netloc)
        or (not parts.scheme and not base.startswith("/"))
        # "//host/path" would keep the host out of base_path and lose it silently
        or (not parts.scheme and base.startswith("//"))
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            "must be an http(s) URL such as 'https://example.org/library/' or a path"
            f" starting with '/' such as '/library/', got {value!r}"
        )
    return base if base.endswith("/") else base + "/"


def output_clash(config: SiteConfig) -> str | None:
    """Why the output folder is unsafe to replace, or ``None`` when it is safe.

    Each build replaces the output folder as a whole, so it must not be, hold or sit
    inside the site folder or any folder the build reads from.
    """
    out = config.path(config.output_dir).resolve()
    root = config.root.resolve()
    if out == root or out in root.parents:
        return "must be a folder of its own, not the site folder or a folder above it"
    for name, attr in _FOLDERS[:3]:
        folder: Path = getattr(config, attr)
        other = config.path(folder).resolve()
        if out == other or out in other.parents or other in out.parents:
            return (
                f"must not be the {name} folder ({folder.as_posix()}) or inside or around it:"
                " each build replaces the output folder as a whole"
            )
    return None


def with_overrides(
    config: SiteConfig,
    *,
    base_url: str | None = None,
    output: Path | None = None,
    drafts: bool | None = None,
) -> SiteConfig:
    """``config`` with command-line options applied, checked as site.toml's values are."""
    problems = Problems()
    changes: dict[str, Any] = {}
    if base_url is not None:
        try:
            changes["base_url"] = parse_base_url(base_url)
        except ValueError as exc:
            problems.error(None, None, f"--base-url {exc}", key="--base-url")
    if output is not None:
        changes["output_dir"] = output
    if drafts is not None:
        changes["drafts"] = drafts
    updated = dataclasses.replace(config, **changes)
    if output is not None and (clash := output_clash(updated)) is not None:
        problems.error(None, None, f"--out {clash}", key="--out")
    if problems.has_errors():
        raise ConfigError(problems.items)
    return updated


# A dotted TOML key: bare or quoted parts joined by dots.
def _config_from(
    root: Path, path: Path, lines: KeyLines, data: dict[str, Any], problems: Problems
) -> SiteConfig:
    values: dict[str, Any] = {}

    def bad(table: str, key: str | None, message: str) -> None:
        name = f"{table}.{key}" if key else table
        where = (table, key) if key else (table,)
        problems.error(path, lines.line(*where), message, key=name)

    known_tables = [*SCHEMA, "muscles", "sections"]
    for table, content in data.items():
        if table not in known_tables:
            hint = closest(table, known_tables)
            bad(
                table,
                None,
                f"unknown table [{table}]" + (f"; did you mean [{hint}]?" if hint else ""),
            )
            continue
        if not isinstance(content, dict):
            bad(table, None, f"'{table}' must be a table ([{table}]), not a single value")
            continue
        if table in ("muscles", "sections"):
            continue
        for key, value in content.items():
            expected = SCHEMA[table].get(key)
            if expected is None:
                hint = closest(key, SCHEMA[table])
                bad(
                    table,
                    key,
                    f"unknown key '{table}.{key}'"
                    + (f"; did you mean '{table}.{hint}'?" if hint else ""),
                )
            elif (parse := BUILD_PARSERS.get(f"{table}.{key}")) is not None:
                try:
                    values[f"{table}.{key}"] = parse(value)
                except ValueError as exc:
                    bad(table, key, f"'{table}.{key}' {exc}")
            # bool is a subclass of int: true is not a count, whatever Python says
            elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                bad(table, key, f"'{table}.{key}' must be {_KINDS[expected]}, got {value!r}")
            elif (span := _RANGES.get(f"{table}.{key}")) and not _within(value, span):
                low, high = span
                bad(table, key, f"'{table}.{key}' must be from {low:_} to {high:_}, got {value!r}")
            else:
                values[f"{table}.{key}"] = value

    site: dict[str, Any] = {"root": root, "config_path": path}
    for key in ("title", "description", "intro"):
        if f"site.{key}" in values:
            site[key] = values[f"site.{key}"].strip()
    if site.get("title") == "":
        bad("site", "title", "'site.title' must not be empty")
    if "site.base_url" in values:
        try:
            site["base_url"] = parse_base_url(values["site.base_url"])
        except ValueError as exc:
            bad("site", "base_url", f"'site.base_url' {exc}")
    if "site.language" in values:
        language = values["site.language"].strip()
        if _LANG_RE.fullmatch(language):
            site["language"] = language
        else:
            bad(
                "site",
                "language",
                f"'site.language' must be a language tag such as 'en' or 'de-CH', got {language!r}",
            )
    folders_ok = True
    external = values.get("build.follow_external_symlinks", False)
    for key, attr in _FOLDERS:
        if f"build.{key}" in values:
            folder = values[f"build.{key}"].strip()
            if not folder:
                bad("build", key, f"'build.{key}' must name a folder")
                folders_ok = False
            elif key != "output" and not external and leaves_site(root, folder):
                # The folders a build publishes from; the output is written, not read.
                bad(
                    "build",
                    key,
                    f"'build.{key}' names {folder!r}, outside the site folder; thrustlib does"
                    f" not publish files from outside the site ({OPT_IN})",
                )
            else:
                site[attr] = Path(folder)
    for key in ("drafts", "follow_external_symlinks", "max_file_size", "max_exercises"):
        if f"build.{key}" in values:
            site[key] = values[f"build.{key}"]
    if "video.nocookie" in values:
        site["video_nocookie"] = values["video.nocookie"]
    if "video.thumbnails" in values:
        site["video_thumbnails"] = values["video.thumbnails"]
    if "video.upload_dates" in values:
        site["video_upload_dates"] = values["video.upload_dates"]
    if "pages.substitutes" in values:
        site["substitutes"] = values["pages.substitutes"]
    if "pages.progressions" in values:
        site["progressions"] = values["pages.progressions"]
    muscles = data.get("muscles")
    if isinstance(muscles, dict):
        site["vocabulary"] = vocabulary_of(muscles, lines, path, problems)
    sections = data.get("sections")
    if isinstance(sections, dict):
        vocabulary = site.get("vocabulary", Vocabulary())
        names = section_names_of(sections, lines, path, problems)
        site["vocabulary"] = dataclasses.replace(vocabulary, sections=names)
    config = SiteConfig(**site)
    if folders_ok and (clash := output_clash(config)) is not None:
        bad("build", "output", f"'build.output' {clash}")
    return config
