"""site.toml -> a frozen :class:`SiteConfig`; every problem named with the file and key.

A folder without site.toml builds with the defaults. Unknown keys are errors, with the
closest known key suggested, because a misspelt setting that is silently ignored is the
hardest kind of bug to see.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from thrustlib.errors import ConfigError, Problems
from thrustlib.vocabulary import DEFAULT_MUSCLES, REGIONS, Muscle, Vocabulary, closest, slugify

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


# table -> key -> (type, description) of what it accepts
_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
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
    "video": {"nocookie": bool},
}
_MUSCLE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "region": str,
    "keywords": list,
    "aliases": list,
}


def load_config(root: Path, config_path: Path | None = None) -> SiteConfig:
    """Read ``config_path`` (default ``root/site.toml``, optional) into a SiteConfig."""
    explicit = config_path is not None
    path = config_path if config_path is not None else root / CONFIG_NAME
    if not path.is_file():
        if explicit:
            raise ConfigError(f"{path}: error: no such config file")
        return SiteConfig(root=root)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from exc
    problems = Problems()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        problems.error(
            path,
            int(found.group(1)) if found else None,
            "site.toml is not valid TOML",
            reasons=[str(exc)],
        )
        raise ConfigError(problems.items) from exc
    config = _config_from(root, path, text, data, problems)
    if problems.has_errors():
        raise ConfigError(problems.items)
    return config


def _key_line(text: str, table: str | None, key: str) -> int | None:
    """Best-effort line of ``key`` (inside ``[table]``), for messages; tomllib gives none."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if table is not None and key == current.split(".")[-1] and table == current:
                return number
            continue
        if current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _config_from(
    root: Path, path: Path, text: str, data: dict[str, Any], problems: Problems
) -> SiteConfig:
    values: dict[str, Any] = {}

    def bad(table: str | None, key: str, message: str) -> None:
        line = _key_line(text, table, key)
        name = f"{table}.{key}" if table else key
        problems.error(
            path, line, f"[{name}]: {message}" if not table else f"{name}: {message}", key=name
        )

    known_tables = [*_SCHEMA, "muscles"]
    for table, content in data.items():
        if table not in known_tables:
            hint = closest(table, known_tables)
            bad(None, table, "unknown table" + (f"; did you mean [{hint}]?" if hint else ""))
            continue
        if not isinstance(content, dict):
            bad(None, table, f"must be a table ([{table}]), not a value")
            continue
        if table == "muscles":
            continue
        for key, value in content.items():
            expected = _SCHEMA[table].get(key)
            if expected is None:
                hint = closest(key, _SCHEMA[table])
                bad(table, key, "unknown key" + (f"; did you mean '{hint}'?" if hint else ""))
            elif not isinstance(value, expected) or (
                expected is not bool and isinstance(value, bool)
            ):
                kind = "true or false" if expected is bool else "a string"
                bad(table, key, f"must be {kind}, got {value!r}")
            else:
                values[f"{table}.{key}"] = value

    site: dict[str, Any] = {"root": root, "config_path": path}
    for key in ("title", "description", "intro"):
        if f"site.{key}" in values:
            site[key] = values[f"site.{key}"].strip()
    if "site.base_url" in values:
        base = values["site.base_url"].strip()
        parts = urlsplit(base)
        if (
            not base
            or (parts.scheme and parts.scheme not in ("http", "https"))
            or (parts.scheme and not parts.netloc)
            or (not parts.scheme and not base.startswith("/"))
            or parts.query
            or parts.fragment
        ):
            bad(
                "site",
                "base_url",
                "must be an http(s) URL such as 'https://example.org/library/' or a path"
                f" starting with '/', got {base!r}",
            )
        else:
            site["base_url"] = base if base.endswith("/") else base + "/"
    if "site.language" in values:
        language = values["site.language"].strip()
        if _LANG_RE.fullmatch(language):
            site["language"] = language
        else:
            bad(
                "site",
                "language",
                f"must be a language tag such as 'en' or 'de-CH', got {language!r}",
            )
    for key, attr in (
        ("exercises", "exercises_dir"),
        ("templates", "templates_dir"),
        ("static", "static_dir"),
        ("output", "output_dir"),
    ):
        if f"build.{key}" in values:
            folder = values[f"build.{key}"].strip()
            if not folder:
                bad("build", key, "must name a folder")
            else:
                site[attr] = Path(folder)
    if "build.drafts" in values:
        site["drafts"] = values["build.drafts"]
    if "video.nocookie" in values:
        site["video_nocookie"] = values["video.nocookie"]
    muscles = data.get("muscles")
    if isinstance(muscles, dict):
        site["vocabulary"] = _vocabulary(muscles, text, path, problems)
    output = Path(site.get("output_dir", "_site"))
    if (root / output).resolve() in (root.resolve(), *root.resolve().parents):
        bad("build", "output", "must be a folder of its own, not the site folder or above it")
    return SiteConfig(**site)


def _vocabulary(table: dict[str, Any], text: str, path: Path, problems: Problems) -> Vocabulary:
    """Apply ``[muscles.<key>]`` tables: rename, regroup, add keywords, add muscles."""
    muscles = {m.key: m for m in DEFAULT_MUSCLES}
    regions = list(REGIONS)
    for raw_key, spec in table.items():
        key = slugify(raw_key)
        line = _key_line(text, f"muscles.{raw_key}", raw_key)
        name = f"muscles.{raw_key}"
        if not isinstance(spec, dict):
            problems.error(
                path,
                line,
                f"{name}: must be a table [{name}] with name, region, keywords or aliases",
                key=name,
            )
            continue
        ok = True
        for field_name, value in spec.items():
            expected = _MUSCLE_KEYS.get(field_name)
            if expected is None:
                hint = closest(field_name, _MUSCLE_KEYS)
                problems.error(
                    path,
                    line,
                    f"{name}.{field_name}: unknown key"
                    + (f"; did you mean '{hint}'?" if hint else ""),
                    key=name,
                )
                ok = False
            elif not isinstance(value, expected) or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)
            ):
                kind = "a list of strings" if expected is list else "a string"
                problems.error(path, line, f"{name}.{field_name}: must be {kind}", key=name)
                ok = False
        if not ok:
            continue
        base = muscles.get(key)
        if base is None and "region" not in spec:
            problems.error(path, line, f"{name}: a new muscle needs a 'region'", key=name)
            continue
        muscles[key] = Muscle(
            key=key,
            name=str(
                spec.get("name") or (base.name if base else raw_key.replace("-", " ").title())
            ),
            region=str(spec.get("region") or (base.region if base else "")),
            keywords=tuple(spec.get("keywords") or ()) + (base.keywords if base else ()),
            aliases=tuple(spec.get("aliases") or ()) + (base.aliases if base else ()),
        )
        if muscles[key].region not in regions:
            regions.append(muscles[key].region)
    return Vocabulary(muscles=tuple(muscles.values()), regions=tuple(regions))
