"""The parts of reading site.toml that stand apart from the settings themselves: where
each key is (tomllib gives no lines), the ``[muscles]`` and ``[sections]`` tables that
make the site's vocabulary, and the ``[build]`` limits written as sizes and counts.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from thrustlib.content.files import Boundary, Refused, read_file, special_kind
from thrustlib.content.muscles import DEFAULT_MUSCLES, FIGURE_REGIONS, REGIONS, Muscle
from thrustlib.content.sections import DEFAULT_SECTIONS, KINDS, SectionNames, heading_key
from thrustlib.content.text import closest, slugify
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import ConfigError, Problem, Problems

VALUE_KINDS = {str: "a string", bool: "true or false", list: "a list of strings"}
MUSCLE_KEYS: dict[str, type] = {
    "name": str,
    "region": str,
    "keywords": list,
    "aliases": list,
    "figure": list,
}
"""The keys of a ``[muscles.<key>]`` table; ``figure`` may also be one string."""


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


class KeyLines:
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


def vocabulary_of(
    table: dict[str, Any], lines: KeyLines, path: Path, problems: Problems
) -> Vocabulary:
    """Apply ``[muscles.<key>]`` tables: rename, regroup, add keywords, add muscles."""
    muscles = {m.key: m for m in DEFAULT_MUSCLES}
    regions = list(REGIONS)
    figures: dict[str, str] = {}  # key -> the table key of the muscles given a figure
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
            elif field_name == "figure" and isinstance(value, str):
                pass  # one region, or "" for none
            elif not isinstance(value, expected) or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)
            ):
                kind = "a string or " if field_name == "figure" else ""
                error(f"'{name}.{field_name}' must be {kind}{VALUE_KINDS[expected]}", field_name)
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
        figure = base.figure if base else ()
        if "figure" in spec:
            given = _figure_of(spec["figure"], name, error)
            if given is None:
                continue
            figure = given
            figures[key] = raw_key
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
            figure=figure,
        )
        if muscles[key].region not in regions:
            regions.append(muscles[key].region)
    _hand_over_regions(muscles, figures, lines, path, problems)
    return Vocabulary(muscles=tuple(muscles.values()), regions=tuple(regions))


def _figure_of(
    given: str | list[str], name: str, error: Callable[..., None]
) -> tuple[str, ...] | None:
    """The body-map regions ``figure`` names (``()`` for none), or ``None`` if one is unknown.

    Regions match like muscle keys, without regard to case or separators.
    """
    names = [given] if isinstance(given, str) else given
    found = tuple(dict.fromkeys(region for region in map(slugify, names) if region))
    unknown = [region for region in found if region not in FIGURE_REGIONS]
    for region in unknown:
        hint = closest(region, FIGURE_REGIONS)
        error(
            f"'{name}.figure': unknown body-map region {region!r}; "
            + (
                f"did you mean {hint!r}?"
                if hint
                else f"the regions are {', '.join(FIGURE_REGIONS)}"
            ),
            "figure",
        )
    return None if unknown else found


def _hand_over_regions(
    muscles: dict[str, Muscle],
    figures: dict[str, str],
    lines: KeyLines,
    path: Path,
    problems: Problems,
) -> None:
    """Give each region named by a ``figure`` to that muscle alone.

    A body-map region links to one muscle. A region given in site.toml passes from the
    muscle that had it by default (``[muscles.upper-back] figure = "middle-back"`` takes
    the shape from Middle Back, which leaves the map); one given to two muscles there is
    an error, since either choice would hide a muscle the site asked for.
    """
    owner: dict[str, str] = {}
    for key, raw_key in figures.items():
        for region in muscles[key].figure:
            if region in owner:
                problems.error(
                    path,
                    lines.line("muscles", raw_key, "figure"),
                    f"'muscles.{raw_key}.figure': the region {region!r} is already given to"
                    f" 'muscles.{owner[region]}'; a region stands for one muscle",
                    key=f"muscles.{raw_key}",
                )
            else:
                owner[region] = raw_key
    for key, muscle in muscles.items():
        if key not in figures and any(r in owner for r in muscle.figure):
            kept = tuple(r for r in muscle.figure if r not in owner)
            muscles[key] = dataclasses.replace(muscle, figure=kept)


def section_names_of(
    table: dict[str, Any], lines: KeyLines, path: Path, problems: Problems
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


# -- [build] limits and folders ------------------------------------------------------

DEFAULT_MAX_FILE_SIZE = 1 << 20
"""``[build] max_file_size`` unless set: 1 MiB, a few hundred times a real exercise file."""

_SIZE_SPAN = (1 << 10, 1 << 30)
_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]i?b|b|bytes?)?", re.IGNORECASE)
_SIZE_UNITS = {"k": 1000, "m": 1000**2, "g": 1000**3, "ki": 1 << 10, "mi": 1 << 20, "gi": 1 << 30}


def parse_size(value: object) -> int:
    """``[build] max_file_size`` in bytes: a whole number of bytes, or text with a unit
    (``"2 MiB"``, ``"500 KB"``: KiB, MiB, GiB are powers of 1024, KB, MB, GB of 1000);
    :class:`ValueError` says what is wrong."""
    size: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and (found := _SIZE_RE.fullmatch(value.strip())):
        unit = (found.group(2) or "b").lower().removesuffix("bytes").removesuffix("byte")
        scale = _SIZE_UNITS.get(unit.removesuffix("b"), 1)
        amount = float(found.group(1)) * scale
        # A number of hundreds of digits is infinite as a float: too large, not a crash.
        size = int(amount) if amount < 1 << 62 else 1 << 62
    if size is None:
        raise ValueError(
            f'must be a size: a number of bytes such as 1048576, or text such as "2 MiB",'
            f" got {value!r}"
        )
    low, high = _SIZE_SPAN
    if not low <= size <= high:
        raise ValueError(f'must be from 1024 bytes ("1 KiB") to "1 GiB", got {value!r}')
    return size


BUILD_PARSERS: dict[str, Callable[[object], int]] = {
    "build.max_file_size": parse_size,
}
"""The ``[build]`` keys whose values are read by a function, not by their TOML type alone."""


def leaves_site(root: Path, folder: str) -> bool:
    """True when the folder ``folder`` of a site.toml in ``root`` names a place outside
    ``root`` as written (``..`` or an absolute path); links are the walker's to judge."""
    base = os.path.normpath(root.absolute())
    named = os.path.normpath(root.absolute() / folder)
    return named != base and not named.startswith(base.rstrip(os.sep) + os.sep)


MAX_CONFIG_SIZE = 1 << 20
"""The most bytes site.toml may have: a thousand times a large one."""


def read_config_file(root: Path, path: Path) -> bytes:
    """The bytes of site.toml; :class:`ConfigError` for one that is a link out of the site
    folder ``root``, a dangling link, a special file or over :data:`MAX_CONFIG_SIZE`.

    A link out is refused whatever the file says: its own opt-in cannot be read without
    reading it. A config kept elsewhere is given as ``--config``, which makes its folder
    the site folder.
    """

    def refused(message: str) -> ConfigError:
        return ConfigError([Problem(path, None, message)])

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise refused(f"a link to {path.readlink()}, which does not exist") from None
    real = os.path.realpath(path)
    if not Boundary.of(root).holds(real):
        raise refused(
            f"a link to {real}, outside the site folder; thrustlib does not read settings"
            f" from outside the site (name the file itself: --config {real})"
        )
    if not stat.S_ISREG(mode):
        raise refused(f"{special_kind(mode)}, not a regular file")
    try:
        return read_file(path, limit=MAX_CONFIG_SIZE)
    except Refused as exc:
        raise refused(exc.message) from None
