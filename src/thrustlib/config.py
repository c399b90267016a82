"""site.toml -> a frozen :class:`SiteConfig`; every problem named with the file and key.

A folder without site.toml builds with the defaults. Unknown keys are errors, with the
closest known key suggested, because a misspelt setting that is silently ignored is the
hardest kind of bug to see.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from thrustlib.content.sections import DEFAULT_SECTIONS, KINDS, SectionNames, heading_key
from thrustlib.content.vocabulary import (
    DEFAULT_MUSCLES,
    REGIONS,
    Muscle,
    Vocabulary,
    closest,
    slugify,
)
from thrustlib.errors import ConfigError, Problems

CONFIG_NAME = "site.toml"
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

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    """The muscle vocabulary, with the site's changes applied."""

    video_nocookie: bool = True
    """Play videos from youtube-nocookie.com (privacy-enhanced mode)."""

    video_thumbnails: bool = True
    """Show YouTube's thumbnail in the player; off, the page asks nothing of YouTube at all
    until the reader presses play (the thumbnail is the one request made before)."""

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
    },
    "video": {"nocookie": bool, "thumbnails": bool},
}
MUSCLE_KEYS: dict[str, type] = {
    "name": str,
    "region": str,
    "keywords": list,
    "aliases": list,
}
_FOLDERS = (
    ("exercises", "exercises_dir"),
    ("templates", "templates_dir"),
    ("static", "static_dir"),
    ("output", "output_dir"),
)
_KINDS = {str: "a string", bool: "true or false", list: "a list of strings"}


def load_config(root: Path, config_path: Path | None = None) -> SiteConfig:
    """Read ``config_path`` (default ``root/site.toml``, optional) into a SiteConfig."""
    explicit = config_path is not None
    path = config_path if config_path is not None else root / CONFIG_NAME
    problems = Problems()
    if not path.is_file():
        if explicit:
            problems.error(path, None, "no such config file")
            raise ConfigError(problems.items)
        return SiteConfig(root=root)
    try:
        text = path.read_bytes().decode("utf-8-sig")
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
    config = _config_from(root, path, _KeyLines(text), data, problems)
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
_PART = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER_RE = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?")
_ASSIGN_RE = re.compile(rf"\s*({_DOTTED})\s*=")
_PART_RE = re.compile(_PART)


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for found in _PART_RE.finditer(dotted):
        part = found.group(0)
        if part[:1] in "\"'":
            # A quoted key's escapes are rare in a config; the quotes are what matters here.
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


class _KeyLines:
    """Best-effort lines of keys and tables, for messages (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            if in_string is not None:
                # Inside a multi-line string nothing is a key, however it looks.
                if line.count(in_string) % 2:
                    in_string = None
                continue
            if header := _HEADER_RE.fullmatch(line):
                table = _split_key(header.group(1))
                self.lines.setdefault(table, number)
            elif assign := _ASSIGN_RE.match(line):
                self.lines.setdefault(table + _split_key(assign.group(1)), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes
                    break

    def line(self, *key: str) -> int | None:
        """The line of ``key``, else of the nearest table or key that holds it."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return None


def _config_from(
    root: Path, path: Path, lines: _KeyLines, data: dict[str, Any], problems: Problems
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
            # bool is a subclass of int, never of str, so isinstance alone is exact here
            elif not isinstance(value, expected):
                bad(table, key, f"'{table}.{key}' must be {_KINDS[expected]}, got {value!r}")
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
    for key, attr in _FOLDERS:
        if f"build.{key}" in values:
            folder = values[f"build.{key}"].strip()
            if folder:
                site[attr] = Path(folder)
            else:
                bad("build", key, f"'build.{key}' must name a folder")
                folders_ok = False
    if "build.drafts" in values:
        site["drafts"] = values["build.drafts"]
    if "video.nocookie" in values:
        site["video_nocookie"] = values["video.nocookie"]
    if "video.thumbnails" in values:
        site["video_thumbnails"] = values["video.thumbnails"]
    muscles = data.get("muscles")
    if isinstance(muscles, dict):
        site["vocabulary"] = _vocabulary(muscles, lines, path, problems)
    sections = data.get("sections")
    if isinstance(sections, dict):
        vocabulary = site.get("vocabulary", Vocabulary())
        names = _section_names(sections, lines, path, problems)
        site["vocabulary"] = dataclasses.replace(vocabulary, sections=names)
    config = SiteConfig(**site)
    if folders_ok and (clash := output_clash(config)) is not None:
        bad("build", "output", f"'build.output' {clash}")
    return config


def _vocabulary(
    table: dict[str, Any], lines: _KeyLines, path: Path, problems: Problems
) -> Vocabulary:
    """Apply ``[muscles.<key>]`` tables: rename, regroup, add keywords, add muscles."""
    muscles = {m.key: m for m in DEFAULT_MUSCLES}
    regions = list(REGIONS)
    for raw_key, spec in table.items():
        key = slugify(raw_key)
        name = f"muscles.{raw_key}"

        def error(message: str, *where: str, name: str = name, raw_key: str = raw_key) -> None:
            line = lines.line("muscles", raw_key, *where)
            problems.error(path, line, message, key=name)

        if not key:
            error(f"'{name}': a muscle key needs letters or digits")
            continue
        if not isinstance(spec, dict):
            error(f"'{name}' must be a table [{name}] with name, region, keywords or aliases")
            continue
        ok = True
        for field_name, value in spec.items():
            expected = MUSCLE_KEYS.get(field_name)
            if expected is None:
                hint = closest(field_name, MUSCLE_KEYS)
                error(
                    f"unknown key '{name}.{field_name}'"
                    + (f"; did you mean '{name}.{hint}'?" if hint else ""),
                    field_name,
                )
                ok = False
            elif not isinstance(value, expected) or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)
            ):
                error(f"'{name}.{field_name}' must be {_KINDS[expected]}", field_name)
                ok = False
            elif isinstance(value, str) and not value.strip():
                error(f"'{name}.{field_name}' must not be empty", field_name)
                ok = False
        if not ok:
            continue
        base = muscles.get(key)
        if base is None and "region" not in spec:
            error(f"'{name}' is a new muscle, so it needs a 'region' (such as 'Legs & Hips')")
            continue
        # New keywords and aliases come first, and the defaults stay: a site adds to the
        # vocabulary without having to repeat it.
        keywords = tuple(k.strip() for k in spec.get("keywords", ()) if k.strip())
        aliases = tuple(a.strip() for a in spec.get("aliases", ()) if a.strip())
        muscles[key] = Muscle(
            key=key,
            name=str(
                spec.get("name") or (base.name if base else raw_key.replace("-", " ").title())
            ).strip(),
            region=str(spec.get("region") or (base.region if base else "")).strip(),
            keywords=tuple(dict.fromkeys(keywords + (base.keywords if base else ()))),
            aliases=tuple(dict.fromkeys(aliases + (base.aliases if base else ()))),
        )
        if muscles[key].region not in regions:
            regions.append(muscles[key].region)
    return Vocabulary(muscles=tuple(muscles.values()), regions=tuple(regions))


def _section_names(
    table: dict[str, Any], lines: _KeyLines, path: Path, problems: Problems
) -> SectionNames:
    """Apply ``[sections]``: more names for the known sections (``tips = ["Cues"]``)."""
    extra: list[tuple[str, str]] = []
    given: dict[str, str] = {}  # heading key -> the kind it was first given for
    for kind, names in table.items():

        def error(message: str, kind: str = kind) -> None:
            problems.error(path, lines.line("sections", kind), message, key=f"sections.{kind}")

        if kind not in KINDS:
            hint = closest(kind, KINDS)
            error(
                f"unknown section kind 'sections.{kind}'; the kinds are {', '.join(KINDS)}"
                + (f" (did you mean '{hint}'?)" if hint else "")
            )
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            error(f"'sections.{kind}' must be a list of heading names, such as [\"Cues\"]")
            continue
        for name in names:
            key = heading_key(name)
            if not key:
                error(f"'sections.{kind}' has an empty heading name")
                continue
            built_in = DEFAULT_SECTIONS.kind(name)
            if key in given:
                error(
                    f"'sections.{kind}': the heading name {name!r} is given twice"
                    f" (also in 'sections.{given[key]}'); a name can stand for one section only"
                )
                continue
            if built_in is not None and built_in != kind:
                error(
                    f"'sections.{kind}': {name!r} is already a built-in name of {built_in};"
                    " a name can stand for one section only"
                )
                continue
            given[key] = kind
            if built_in is None:
                extra.append((kind, name.strip()))
    return SectionNames(tuple(extra))
