"""One exercise file -> :class:`~thrustlib.model.Exercise`, from markdown-it-py's tokens.

The parser never raises on content: every problem becomes a :class:`Problem` with the
file and line, and :func:`parse_exercise` returns whatever could be read alongside them.
:func:`load_exercise` is the raising form, for callers that want one exercise or an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown_it.token import Token

from thrustlib.errors import ContentError, Problem, Problems
from thrustlib.markdown import MD, plain_text
from thrustlib.model import Exercise, HowToStep, ListItem, Section, Source
from thrustlib.vocabulary import (
    LEVELS,
    Vocabulary,
    closest,
    equipment_key,
    level_key,
    normalize,
    slugify,
)

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
VIDEO_ID_RE = re.compile(r"[A-Za-z0-9_-]{11}")
# Watch, short, embed, live and youtu.be links; the ID is the 11 characters after them.
VIDEO_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/|v/)"
    r"|youtu\.be/)(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
)

MAX_NESTING = 50
"""Deepest list/mapping nesting a front-matter value may have."""

KNOWN_KEYS: tuple[str, ...] = (
    "title",
    "slug",
    "description",
    "video",
    "video_uploaded",
    "muscles",
    "secondary_muscles",
    "equipment",
    "level",
    "variation_of",
    "aliases",
    "draft",
)

# Heading text (normalized) -> section kind. Real files use these synonyms.
SECTION_KINDS: Mapping[str, str] = {
    "setup": "setup",
    "set up": "setup",
    "starting position": "setup",
    "start position": "setup",
    "preparation": "setup",
    "execution": "execution",
    "instructions": "execution",
    "steps": "execution",
    "how to": "execution",
    "how to do it": "execution",
    "technique": "execution",
    "tips": "tips",
    "coaching tips": "tips",
    "cues": "tips",
    "coaching cues": "tips",
    "tips and cues": "tips",
    "common mistakes": "mistakes",
    "mistakes": "mistakes",
    "common errors": "mistakes",
    "errors": "mistakes",
    "common faults": "mistakes",
    "mistakes to avoid": "mistakes",
}
LIST_KINDS: tuple[str, ...] = ("setup", "execution", "tips", "mistakes")

# ``**Label**: text``, ``**Label:** text`` and the underscore forms.
LABEL_RE = re.compile(
    r"(?P<mark>\*\*|__)(?P<label>(?:(?!(?P=mark)).)+?)(?P=mark)\s*:\s*(?P<rest>.*)"
    r"|(?P<mark2>\*\*|__)(?P<label2>(?:(?!(?P=mark2)).)+?):(?P=mark2)\s*(?P<rest2>.*)",
    re.DOTALL,
)

_FM = YAMLHandler()
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]{0,30})")
_PLAIN_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


class _FrontMatterLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader, with the YAML 1.1 surprises real front matter trips over.

    ``slug: 0123`` (octal), ``title: 1:30`` (base 60) and a 5,000-digit number are kept
    as the text the author wrote, and an impossible date (``2024-02-30``) is a YAML
    error at its line instead of a crash.
    """


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


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_YAML_LOADER = _FrontMatterLoader


@dataclass(slots=True)
class ParseResult:
    """What one file gave: the exercise (``None`` when it could not be read) and problems."""

    exercise: Exercise | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file had no errors (warnings allowed)."""
        return self.exercise is not None and not any(p.severity == "error" for p in self.problems)


def title_from_filename(path: Path) -> str:
    """``leverage-machine-hip-thrust.md`` -> ``Leverage Machine Hip Thrust``."""
    words = [w for w in re.split(r"[-_\s]+", path.stem) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def decode(path: Path, data: bytes, problems: Problems) -> str | None:
    """UTF-8 bytes to text with LF endings and no BOM; a bad byte is an error at its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            path,
            line,
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start});"
            " save it as UTF-8",
        )
        return None
    text = text.removeprefix("\ufeff")
    # Windows and old-Mac line endings give the same model as LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_exercise(path: Path, data: bytes | str, vocabulary: Vocabulary) -> ParseResult:
    """Parse one file's bytes (or text) into an exercise, collecting every problem."""
    problems = Problems()
    text = decode(path, data, problems) if isinstance(data, bytes) else decode_text(data)
    if text is None:
        return ParseResult(None, problems.items)
    if not text.strip():
        problems.error(path, 1, "the file is empty; an exercise needs front matter and a body")
        return ParseResult(None, problems.items)
    split = _split_front_matter(path, text, problems)
    if split is None:
        return ParseResult(None, problems.items)
    meta, key_lines, body, body_line = split
    exercise = _build(path, meta, key_lines, body, body_line, vocabulary, problems)
    return ParseResult(exercise, problems.items)


def decode_text(text: str) -> str:
    """Normalize text that was already decoded: no BOM, LF line endings."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load_exercise(path: Path, data: bytes | str, vocabulary: Vocabulary | None = None) -> Exercise:
    """Parse one file; raise :class:`ContentError` with every problem if it has errors."""
    result = parse_exercise(path, data, vocabulary or Vocabulary())
    if result.exercise is None or not result.ok:
        raise ContentError(result.problems)
    return result.exercise


# -- front matter ---------------------------------------------------------------------


def _split_front_matter(
    path: Path, text: str, problems: Problems
) -> tuple[dict[str, Any], dict[str, int], str, int] | None:
    """Split off and load the YAML front matter; lines are kept for every key."""
    boundaries = list(_FM.FM_BOUNDARY.finditer(text))
    if not _FM.detect(text) or not boundaries or boundaries[0].start() != 0:
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
            meta = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = fm_line0 + mark.line + 1 if mark is not None else fm_line0 + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.error(path, line, "the front matter is not valid YAML", reasons=[str(problem)])
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.error(path, fm_line0 + 2, "the front matter must be a mapping of keys to values")
        return None
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            key_lines.setdefault(str(key_node.value), fm_line0 + key_node.start_mark.line + 1)
    clean: dict[str, Any] = {}
    for key, value in meta.items():
        if not isinstance(key, str):
            line = key_lines.get(str(key), fm_line0 + 1)
            problems.error(path, line, f"front-matter key {key!r} is not a name")
            continue
        reason = _value_problem(value)
        if reason is not None:
            problems.error(path, key_lines.get(key, fm_line0 + 1), f"'{key}' {reason}")
            continue
        clean[key] = value
    return clean, key_lines, text[closing.end() :], body_line0


def _value_problem(value: object) -> str | None:
    """Why a front-matter value cannot be used as data, or ``None`` when it can.

    A YAML alias inside its own anchor (``a: &x [*x]``) gives a value that holds itself,
    and thousands of nested brackets give one deeper than Python recurses; templates and
    JSON would fail on either, so both are reported here. Iterative, for the same reason.
    """
    on_path: set[int] = set()
    # Aliases share one object between many places; checking each shared object once
    # keeps a small file of nested aliases (a "billion laughs") from taking forever.
    done: set[int] = set()
    stack: list[tuple[object, int, bool]] = [(value, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if not isinstance(node, list | dict) or id(node) in done:
            continue
        if id(node) in on_path:
            return "refers to itself (a YAML alias inside its own anchor)"
        if depth > MAX_NESTING:
            return f"is nested more than {MAX_NESTING} levels deep"
        on_path.add(id(node))
        stack.append((node, depth, True))
        inner = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1, False) for child in inner)
    return None


class _Meta:
    """Typed reads of front-matter values, each problem reported at its key's line."""

    def __init__(
        self, path: Path, meta: dict[str, Any], lines: dict[str, int], problems: Problems
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


def _video_id(m: _Meta) -> str | None:
    raw = m.meta.get("video")
    if raw is None or raw == "":
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # an all-digit ID written without quotes
    if not isinstance(raw, str):
        m.error("video", f"'video' must be a YouTube video ID, not {_describe(raw)}")
        return None
    value = raw.strip()
    if VIDEO_ID_RE.fullmatch(value):
        return value
    found = VIDEO_URL_RE.match(value)
    if found:
        m.warning(
            "video",
            f"'video' is a URL; using its video ID '{found['id']}'"
            f' (write video: "{found["id"]}")',
        )
        return found["id"]
    m.error(
        "video",
        f"'video' must be a YouTube video ID: exactly 11 characters of A-Z a-z 0-9 _ -,"
        f" got {value!r} ({len(value)} characters)",
    )
    return None


def _date(m: _Meta, key: str) -> dt.date | None:
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


def _build(
    path: Path,
    meta: dict[str, Any],
    key_lines: dict[str, int],
    body: str,
    body_line0: int,
    vocabulary: Vocabulary,
    problems: Problems,
) -> Exercise | None:
    m = _Meta(path, meta, key_lines, problems)
    inferred: set[str] = set()
    for key in sorted(set(meta) - set(KNOWN_KEYS)):
        suggestion = _known_key_like(key)
        if suggestion and normalize(suggestion) != normalize(key):
            m.warning(key, f"unknown front-matter key '{key}'; did you mean '{suggestion}'?")
        elif suggestion:
            m.warning(key, f"front-matter key '{key}' should be written '{suggestion}'")

    parsed = _parse_body(path, body, body_line0, problems)

    title = m.string("title") or parsed.h1
    if not title:
        title = title_from_filename(path)
        inferred.add("title")

    errors_before = len(problems.errors)
    slug = m.string("slug")
    if slug is not None and not SLUG_RE.fullmatch(slug):
        m.error(
            "slug",
            f"slug {slug!r} must be lower-case letters and digits joined by single hyphens"
            f" (for example {slugify(slug) or 'hip-thrust'!r})",
        )
        slug = None
    # An empty 'slug:' (null or "") means the default; a wrong one was reported above.
    if slug is None and len(problems.errors) == errors_before:
        slug = slugify(path.stem)
        inferred.add("slug")
        if not slug:
            problems.error(path, None, "cannot make a slug from the file name; add 'slug:'")
    description = m.string("description")
    if description is None and "description" not in meta:
        problems.warning(
            path, 1, "no 'description': the page gets no meta description or card text"
        )
    description = description or ""

    muscles = _muscles(m, "muscles", vocabulary)
    secondary = [k for k in _muscles(m, "secondary_muscles", vocabulary) if k not in muscles]
    if "muscles" not in meta:
        guessed = vocabulary.infer_muscles(f"{title}. {description}")
        inferred.add("muscles")
        if guessed:
            muscles = list(guessed)
            secondary = [k for k in secondary if k not in muscles]
            names = ", ".join(vocabulary.muscle(k).name.lower() for k in guessed)
            problems.warning(
                path, 1, f"no 'muscles': inferred {names} from the title and description"
            )
        else:
            problems.warning(
                path, 1, "no 'muscles', and none could be inferred from the title or description"
            )

    equipment: list[str] = []
    for name, _line in m.string_list("equipment"):
        key = equipment_key(name)
        if not key:
            # The key names the equipment's page; one with no usable letter would have none.
            m.error(
                "equipment",
                f"equipment {name!r} has no letters or digits to name its page by;"
                " use a Latin-letter name such as 'band'",
            )
        elif key not in equipment:
            equipment.append(key)
    level = None
    if (raw_level := m.string("level")) is not None:
        level = level_key(raw_level)
        if level is None:
            hint = closest(raw_level, LEVELS)
            m.error(
                "level",
                f"unknown level {raw_level!r}; use beginner, intermediate or advanced"
                + (f" (did you mean {hint!r}?)" if hint else ""),
            )

    variation_of: str | None = None
    variation_null = "variation_of" in meta and meta["variation_of"] in (None, "")
    if not variation_null and "variation_of" in meta:
        parent = m.string("variation_of")
        if parent is not None:
            variation_of = parent if SLUG_RE.fullmatch(parent) else slugify(parent)

    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        m.error("draft", f"'draft' must be true or false, got {draft!r}")
        draft = False

    howto = parsed.howto
    if not parsed.has_howto:
        howto = tuple(
            HowToStep(item.label or f"Step {n}", item.text, item.plain, item.line)
            for n, item in enumerate(parsed.lists["execution"], 1)
        )
        inferred.add("howto")
    if not howto:
        problems.warning(
            path, None, "no Execution list and no HowTo steps: the page has no instructions"
        )

    video = _video_id(m)
    video_uploaded = _date(m, "video_uploaded")
    if slug is None or problems.has_errors():
        return None
    extra = {k: v for k, v in sorted(meta.items()) if k not in KNOWN_KEYS}
    return Exercise(
        source=Source(path, MappingProxyType(dict(key_lines)), body_line0 + 1),
        slug=slug,
        title=title,
        description=description,
        video=video,
        video_uploaded=video_uploaded,
        muscles=tuple(muscles),
        secondary_muscles=tuple(secondary),
        equipment=tuple(equipment),
        level=level,
        variation_of=variation_of,
        variation_of_null=variation_null,
        aliases=tuple(dict.fromkeys(name for name, _ in m.string_list("aliases"))),
        draft=draft,
        intro=parsed.intro,
        setup=parsed.lists["setup"],
        execution=parsed.lists["execution"],
        tips=parsed.lists["tips"],
        mistakes=parsed.lists["mistakes"],
        notes=MappingProxyType(parsed.notes),
        summary=parsed.summary,
        sections=parsed.sections,
        howto=howto,
        extra=MappingProxyType(extra),
        inferred=frozenset(inferred),
    )


def _known_key_like(key: str) -> str | None:
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


def _muscles(m: _Meta, key: str, vocabulary: Vocabulary) -> list[str]:
    keys: list[str] = []
    for name, _line in m.string_list(key):
        found = vocabulary.muscle_key(name)
        if found is None:
            hint = vocabulary.suggest_muscle(name)
            m.error(
                key,
                f"unknown muscle {name!r} in '{key}'"
                + (f"; did you mean {hint!r}?" if hint else "")
                + " (muscles can be added in site.toml under [muscles])",
            )
        elif found not in keys:
            keys.append(found)
    return keys


# -- body -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Body:
    """What the Markdown body held, before it is put into an Exercise."""

    h1: str | None = None
    intro: str = ""
    lists: dict[str, tuple[ListItem, ...]] = field(
        default_factory=lambda: dict.fromkeys(LIST_KINDS, ())
    )
    notes: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    sections: tuple[Section, ...] = ()
    has_howto: bool = False
    howto: tuple[HowToStep, ...] = ()


@dataclass(slots=True)
class _Block:
    """One top-level block of the body: its tokens and the 0-based lines it spans."""

    tokens: list[Token]
    start: int
    end: int

    @property
    def kind(self) -> str:
        return self.tokens[0].type


def _blocks(tokens: list[Token]) -> list[_Block]:
    """Group the token stream into top-level blocks (level 0 open ... close)."""
    blocks: list[_Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        j = i
        if token.nesting == 1:
            depth = 0
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        start, end = token.map if token.map else (0, 0)
        blocks.append(_Block(tokens[i : j + 1], start, end))
        i = j + 1
    return blocks


def _source(lines: list[str], blocks: list[_Block]) -> str:
    """The Markdown source of consecutive blocks, exactly as written."""
    if not blocks:
        return ""
    return "\n".join(lines[blocks[0].start : blocks[-1].end]).strip("\n")


def _heading_text(block: _Block) -> str:
    inline = block.tokens[1] if len(block.tokens) > 1 else None
    return plain_text(inline.children).strip() if inline is not None else ""


def _parse_body(path: Path, body: str, line0: int, problems: Problems) -> _Body:
    """Walk the top-level blocks: ``##`` sections, their lists, summary, HowTo steps."""
    env: dict[str, Any] = {}
    tokens = MD.parse(body, env)
    lines = body.split("\n")
    blocks = _blocks(tokens)
    out = _Body()

    marker = next((i for i, b in enumerate(blocks) if b.kind == "howto_marker"), None)
    main, howto = (blocks, []) if marker is None else (blocks[:marker], blocks[marker + 1 :])
    out.has_howto = marker is not None

    # Split the main part at each h2; a leading h1 is the title.
    chunks: list[tuple[_Block | None, list[_Block]]] = [(None, [])]
    for block in main:
        if block.kind == "heading_open" and block.tokens[0].tag == "h2":
            chunks.append((block, []))
        elif block.kind == "heading_open" and block.tokens[0].tag == "h1" and out.h1 is None:
            if len(chunks) == 1 and not chunks[0][1]:
                out.h1 = _heading_text(block) or None
            else:
                chunks[-1][1].append(block)
        else:
            chunks[-1][1].append(block)

    out.intro = _source(lines, chunks[0][1])
    lists: dict[str, list[ListItem]] = {kind: [] for kind in LIST_KINDS}
    sections: list[Section] = []
    anchors: set[str] = {"setup", "execution", "tips", "mistakes", "summary", "howto"}
    seen: dict[str, int] = {}
    last = len(chunks) - 1
    for index, (heading, content) in enumerate(chunks[1:], 1):
        assert heading is not None
        title = _heading_text(heading)
        heading_line = line0 + heading.start + 1
        kind = SECTION_KINDS.get(normalize(title.rstrip(":")))
        list_blocks = [b for b in content if b.kind in ("bullet_list_open", "ordered_list_open")]
        if kind is None:
            # A generic section; if it is the last one and ends in prose after a list, that
            # prose is still the closing summary.
            own, summary = content, []
            if index == last and list_blocks:
                cut = content.index(list_blocks[-1]) + 1
                own, summary = content[:cut], content[cut:]
            anchor = _unique(slugify(title) or "section", anchors)
            sections.append(Section(title, anchor, _source(lines, own), heading_line))
            out.summary = _source(lines, summary) or out.summary
            continue
        if kind in seen:
            problems.warning(
                path,
                heading_line,
                f"a second '{title}' section (the first is at line {seen[kind]});"
                " its items are added to the first",
            )
        seen.setdefault(kind, heading_line)
        for block in list_blocks:
            lists[kind].extend(_items(block, lines, line0))
        if not list_blocks:
            problems.warning(
                path, heading_line, f"'{title}' should be a list ('- ...' or '1. ...' items)"
            )
        cut = content.index(list_blocks[-1]) + 1 if list_blocks else 0
        before = [b for b in content[:cut] if b not in list_blocks]
        after = content[cut:]
        if index == last and list_blocks:
            out.summary = _source(lines, after)
            prose = before
        else:
            prose = before + after
        if prose:
            note = _source(lines, prose)
            out.notes[kind] = f"{out.notes[kind]}\n\n{note}" if kind in out.notes else note
    out.lists = {kind: tuple(items) for kind, items in lists.items()}
    out.sections = tuple(sections)
    if marker is not None:
        marker_line = line0 + blocks[marker].start + 1
        out.howto = _howto_steps(path, howto, lines, line0, marker_line, problems)
    return out


def _unique(anchor: str, taken: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in taken:
        candidate, n = f"{anchor}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _items(block: _Block, lines: list[str], line0: int) -> list[ListItem]:
    """The items of one list; nested lists stay part of their item's text."""
    items: list[ListItem] = []
    depth = 0
    current: list[Token] | None = None
    start = 0
    for token in block.tokens[1:-1]:
        if token.type == "list_item_open" and depth == 0:
            current, start = [], token.map[0] if token.map else 0
        if current is not None:
            current.append(token)
        depth += token.nesting
        if token.type == "list_item_close" and depth == 0 and current is not None:
            item = _item(current, start + line0 + 1)
            if item is not None:
                items.append(item)
            current = None
    return items


def _item(tokens: list[Token], line: int) -> ListItem | None:
    inlines = [t for t in tokens if t.type == "inline"]
    if not inlines:
        return None
    source = "\n\n".join(t.content for t in inlines).strip()
    plain = " ".join(plain_text(t.children).strip() for t in inlines).strip()
    if not source:
        return None
    found = LABEL_RE.fullmatch(source)
    if found is None:
        return ListItem(None, source, plain, line)
    label_md = found["label"] or found["label2"]
    rest = (found["rest"] if found["label"] is not None else found["rest2"]) or ""
    # markdown-it leaves an empty text token before a leading delimiter run; skip it.
    first = [t for t in inlines[0].children or [] if t.type != "text" or t.content]
    # The label's plain text is what sits between the first strong_open and strong_close.
    label = ""
    if len(first) >= 3 and first[0].type == "strong_open":
        close = next((i for i, t in enumerate(first) if t.type == "strong_close"), None)
        label = plain_text(first[1:close]).strip() if close else ""
    label = (label or label_md).strip().rstrip(":").strip()
    rest_plain = plain[plain.find(label) + len(label) :] if label in plain else plain
    rest_plain = rest_plain.lstrip().removeprefix(":").strip()
    if not label:
        return ListItem(None, source, plain, line)
    return ListItem(label, rest.strip(), rest_plain, line)


def _howto_steps(
    path: Path,
    blocks: list[_Block],
    lines: list[str],
    line0: int,
    marker_line: int,
    problems: Problems,
) -> tuple[HowToStep, ...]:
    steps: list[HowToStep] = []
    heading: _Block | None = None
    content: list[_Block] = []

    def flush() -> None:
        if heading is None:
            if content:
                problems.warning(
                    path,
                    line0 + content[0].start + 1,
                    "text after <!-- howto --> before the first '### Step' heading is ignored",
                )
            return
        name = _heading_text(heading)
        text = _source(lines, content)
        plain = " ".join(
            plain_text(t.children).strip() for b in content for t in b.tokens if t.type == "inline"
        ).strip()
        step_line = line0 + heading.start + 1
        if not text:
            problems.warning(path, step_line, f"HowTo step '{name}' has no text")
        steps.append(HowToStep(name, text, plain, step_line))

    for block in blocks:
        if block.kind == "heading_open" and block.tokens[0].tag in ("h2", "h3", "h4"):
            flush()
            heading, content = block, []
        else:
            content.append(block)
    flush()
    if not steps:
        problems.warning(path, marker_line, "<!-- howto --> is followed by no '### Step' headings")
    return tuple(steps)
