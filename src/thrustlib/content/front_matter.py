"""Front matter -> checked values: the YAML block at the top of a file, split off and read.

The YAML is loaded with a safe loader that keeps the text the author wrote where YAML 1.1
would surprise them; :class:`Meta` reads each value as the type its key needs. Nothing
here raises on content: every problem is reported at its key's line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from thrustlib.content import video as video_times
from thrustlib.content.text import normalize
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.content.yaml_limits import MAX_ALIASES as MAX_ALIASES
from thrustlib.content.yaml_limits import MAX_NESTING as MAX_NESTING
from thrustlib.content.yaml_limits import alias_excess, expansion_excess, value_problem
from thrustlib.errors import Problems

VIDEO_ID_RE = re.compile(r"[A-Za-z0-9_-]{11}")
# Watch, short, embed, live and youtu.be links; the ID is the 11 characters after them.
VIDEO_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/|v/)"
    r"|youtu\.be/)(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
)

KNOWN_KEYS: tuple[str, ...] = (
    "title",
    "slug",
    "description",
    "video",
    "video_uploaded",
    "video_duration",
    "video_start",
    "muscles",
    "secondary_muscles",
    "equipment",
    "level",
    "variation_of",
    "aliases",
    "draft",
    "redirect_from",
)

# A line of three or more dashes opens and closes the front matter (the rule of
# python-frontmatter and of Jekyll, Hugo and Zola: the same pattern, kept as it was).
_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]{0,30})")
_PLAIN_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    text = str(node.value)
    if _DECIMAL_INT.fullmatch(text):
        return int(text.replace("_", ""))
    return text


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    text = str(node.value)
    if len(text) <= 40 and _PLAIN_FLOAT.fullmatch(text):
        return loader.construct_yaml_float(node)
    return text


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark
        ) from exc


def front_matter_loader(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """PyYAML's safe loader ``base``, with the YAML 1.1 surprises real front matter trips
    over taken care of.

    ``slug: 0123`` (octal), ``title: 1:30`` (base 60) and a 5,000-digit number are kept
    as the text the author wrote, and an impossible date (``2024-02-30``) is a YAML
    error at its line instead of a crash. Built on the C loader where libyaml is there,
    on the pure-Python one elsewhere (the tests compare the two).
    """
    loader: type[yaml.SafeLoader] = type("FrontMatterLoader", (base,), {})
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    return loader


_YAML_LOADER = front_matter_loader(_BASE_LOADER)


def split_front_matter(
    path: Path, text: str, problems: Problems
) -> tuple[dict[str, Any], dict[str, int], str, int] | None:
    """Split off and load the YAML front matter; lines are kept for every key."""
    # Only the first two '---' lines matter; a long body is not searched for more.
    boundaries = list(itertools.islice(_BOUNDARY.finditer(text), 2))
    if not boundaries or boundaries[0].start() != 0:
        problems.error(
            path,
            1,
            "no front matter: the file must start with a '---' line, then YAML with at least"
            " 'description:', then another '---' line",
        )
        return None
    if len(boundaries) < 2:
        problems.error(path, 1, "the front matter is not closed: add a '---' line after it")
        return None
    opening, closing = boundaries[0], boundaries[1]
    fm_text = text[opening.end() : closing.start()]
    fm_line0 = text.count("\n", 0, opening.end())
    body_line0 = text.count("\n", 0, closing.end())
    try:
        loader = _YAML_LOADER(fm_text)
        try:
            node = loader.get_single_node()
            # The keys as written: making the values merges ``<<`` keys into the node.
            written = list(node.value) if isinstance(node, yaml.MappingNode) else []
            # Before a value is made: past a budget, none is. Without an alias (``*``)
            # a front matter stands for no more than it writes, which the file size bounds.
            excess = (alias_excess(node) or expansion_excess(node)) if "*" in fm_text else None
            meta = None if node is None or excess is not None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        line, reason = _yaml_problem(exc)
        problems.error(
            path, fm_line0 + line, "the front matter is not valid YAML", reasons=[reason]
        )
        return None
    if excess is not None:
        line, message = excess
        problems.error(path, fm_line0 + line + 1, message)
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.error(path, fm_line0 + 2, "the front matter must be a mapping of keys to values")
        return None
    key_lines: dict[str, int] = {}
    for key_node, _value in written:
        if isinstance(key_node, yaml.ScalarNode):
            key, line = str(key_node.value), fm_line0 + key_node.start_mark.line + 1
            if key in key_lines:
                # YAML keeps the last value without a word; the author meant one of them.
                problems.warning(
                    path,
                    line,
                    f"'{key}' is given twice (first at line {key_lines[key]}): this value is"
                    " used; remove the other",
                )
            key_lines[key] = line  # the line of the value used
    clean: dict[str, Any] = {}
    for key, value in meta.items():
        if not isinstance(key, str):
            line = key_lines.get(str(key), fm_line0 + 1)
            problems.error(path, line, f"front-matter key {key!r} is not a name")
            continue
        wrong = value_problem(value)
        if wrong is not None:
            problems.error(path, key_lines.get(key, fm_line0 + 1), f"'{key}' {wrong}")
            continue
        clean[key] = value
    return clean, key_lines, text[closing.end() :], body_line0


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int, str]:
    """The 1-based line in the front matter where PyYAML's error is, and what it is.

    Where the text ends inside something it opened (a quote never closed) or goes on
    past it (a ``[`` or ``{`` never closed), PyYAML's problem is where it gave up, and
    the line worth naming is where the thing opened.
    """
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = getattr(exc, "context", None)
    opened = "end of stream" in problem or str(context).startswith("while parsing a flow")
    if context_mark is not None and (problem_mark is None or opened):
        if context == "while scanning a quoted scalar":
            return context_mark.line + 1, "a quoted value starts here and is never closed"
        opener = {"while parsing a flow sequence": "'['", "while parsing a flow mapping": "'{'"}
        if (what := opener.get(str(context))) is not None:
            return context_mark.line + 1, f"{problem}, for the {what} opened on this line"
        return context_mark.line + 1, f"{problem} ({context}, from this line)"
    mark = problem_mark or context_mark
    return (mark.line + 1 if mark is not None else 1), problem


class Meta:
    """Typed reads of front-matter values, each problem reported at its key's line."""

    def __init__(
        self, path: Path, meta: dict[str, Any], lines: Mapping[str, int], problems: Problems
    ) -> None:
        self.path, self.meta, self.lines, self.problems = path, meta, lines, problems

    def error(self, key: str, message: str) -> None:
        self.problems.error(self.path, self.lines.get(key), message, key=key)

    def warning(self, key: str, message: str) -> None:
        self.problems.warning(self.path, self.lines.get(key), message, key=key)

    def string(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(key, f"'{key}' must be text, not {_describe(value)}")
            return None
        text = str(value).strip()
        return text or None

    def string_list(self, key: str) -> list[tuple[str, int | None]]:
        value = self.meta.get(key)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        out: list[tuple[str, int | None]] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.error(key, f"'{key}' must be a list of names, not {_describe(item)}")
                continue
            if str(item).strip():
                out.append((str(item).strip(), self.lines.get(key)))
        return out


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def read_video(m: Meta) -> tuple[str | None, int | None]:
    """The video ID, and the start time of a pasted URL (``t=90``) in seconds, if any."""
    raw = m.meta.get("video")
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # an all-digit ID written without quotes
    if not isinstance(raw, str):
        m.error("video", f"'video' must be a YouTube video ID, not {_describe(raw)}")
        return None, None
    value = raw.strip()
    if VIDEO_ID_RE.fullmatch(value):
        return value, None
    found = VIDEO_URL_RE.match(value)
    if found:
        start = video_times.url_start(value)
        if isinstance(start, str):
            m.error("video", f"the start time of the URL in 'video': {start}")
            start = None
        if start:
            m.warning(
                "video",
                f"'video' is a URL; using its video ID '{found['id']}' and its start time"
                f' {video_times.clock(start)} (write video: "{found["id"]}" and'
                f' video_start: "{video_times.clock(start)}")',
            )
            return found["id"], start
        m.warning(
            "video",
            f"'video' is a URL; using its video ID '{found['id']}'"
            f' (write video: "{found["id"]}")',
        )
        return found["id"], None
    m.error(
        "video",
        f"'video' must be a YouTube video ID: exactly 11 characters of A-Z a-z 0-9 _ -,"
        f" got {value!r} ({len(value)} characters)",
    )
    return None, None


def read_time(m: Meta, key: str, *, zero: bool = False) -> int | None:
    """A duration or time in the video (``PT1M30S``, ``1:30``) in seconds; ``zero``
    allows ``0:00``. ``1:30`` written without quotes is YAML 1.1's base-60 number 90,
    which the loader keeps as the text written, so it reads as written either way."""
    raw = m.meta.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        seconds = video_times.parse_time(raw)
        if isinstance(seconds, str):
            m.error(key, f"'{key}': {seconds}")
        elif seconds or zero:
            return seconds
        else:
            m.error(key, f"'{key}' must be longer than zero, got {raw!r}")
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A number alone does not say whether it counts seconds or minutes.
        m.error(
            key,
            f"'{key}' must be {video_times.FORMS}, not the number {raw!r}"
            " (write PT90S or 1:30 for 90 seconds)",
        )
        return None
    m.error(key, f"'{key}' must be {video_times.FORMS}, not {_describe(raw)}")
    return None


def read_date(m: Meta, key: str) -> dt.date | None:
    raw = m.meta.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip()[:10])
        except ValueError:
            pass
    m.error(key, f"'{key}' must be an ISO date such as 2024-05-31, got {raw!r}")
    return None


def known_key_like(key: str) -> str | None:
    """The known key ``key`` is probably a misspelling of, if any.

    Stricter than the vocabulary's 'did you mean': a site's own keys (``calories``,
    ``cues``) are legitimate and must not draw a warning that fails ``--strict``.
    """
    folded = normalize(key)
    by_folded = {normalize(k): k for k in KNOWN_KEYS}
    if folded in by_folded:
        return by_folded[folded]
    found = difflib.get_close_matches(folded, sorted(by_folded), n=1, cutoff=0.75)
    if found:
        return by_folded[found[0]]
    if len(folded) >= 5:
        prefixed = [k for f, k in sorted(by_folded.items()) if f.startswith(folded)]
        if len(prefixed) == 1:
            return prefixed[0]
    return None


def read_muscles(m: Meta, key: str, vocabulary: Vocabulary) -> list[str]:
    keys: list[str] = []
    for name, _line in m.string_list(key):
        found = vocabulary.muscle_key(name)
        if found is None:
            message = vocabulary.unknown_muscle(name).replace(
                f"muscle {name!r}", f"muscle {name!r} in '{key}'", 1
            )
            m.error(key, f"{message} (muscles can be added in site.toml under [muscles])")
        elif found not in keys:
            keys.append(found)
    return keys
