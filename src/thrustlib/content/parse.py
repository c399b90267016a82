"""One exercise file -> :class:`~thrustlib.content.model.Exercise`.

The parser never raises on content: every problem becomes a :class:`Problem` with the
file and line, and :func:`parse_exercise` returns whatever could be read alongside them.
:func:`load_exercise` is the raising form, for callers that want one exercise or an error.

The front matter is read by :mod:`thrustlib.content.front_matter` and the body by
:mod:`thrustlib.content.body`; this module ties the two into one exercise.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

from thrustlib.content.anchors import section_ids, step_id
from thrustlib.content.body import Body, parse_body
from thrustlib.content.front_matter import (
    KNOWN_KEYS,
    Meta,
    known_key_like,
    read_date,
    read_muscles,
    read_time,
    read_video,
    split_front_matter,
)
from thrustlib.content.model import Exercise, HowToStep, Source
from thrustlib.content.result import ParseResult as ParseResult
from thrustlib.content.text import normalize, slugify
from thrustlib.content.titles import run_together, title_from_description
from thrustlib.content.video import clock, timed_steps
from thrustlib.content.vocabulary import (
    Vocabulary,
    equipment_key,
    level_key,
    likely_equipment,
    unknown_level,
)
from thrustlib.errors import ContentError, Problems

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def title_from_filename(path: Path) -> str:
    """``leverage-machine-hip-thrust.md`` -> ``Leverage Machine Hip Thrust``."""
    words = [w for w in re.split(r"[-_\s]+", path.stem) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def _redirects(m: Meta, slug: str) -> tuple[str, ...]:
    """The old slugs of ``redirect_from``: a slug, or the old page's address as a site
    path (``/exercises/old-name/``), one or a list."""
    out: list[str] = []
    for name, _line in m.string_list("redirect_from"):
        old = name.strip("/")
        old = old.removeprefix("exercises/").removesuffix("/index.html").strip("/")
        if not SLUG_RE.fullmatch(old):
            m.error(
                "redirect_from",
                f"'redirect_from: {name}' is not an exercise's slug or address:"
                " write the old slug, such as 'hip-bridge' (lowercase letters, digits, '-')",
            )
        elif old == slug:
            m.error("redirect_from", f"'redirect_from: {name}' is this exercise's own slug")
        elif old in out:
            m.warning("redirect_from", f"'redirect_from' names '{old}' twice")
        else:
            out.append(old)
    return tuple(out)


def _anchors(parsed: Body, howto: tuple[HowToStep, ...], video: str | None) -> tuple[str, ...]:
    """The ids of the parts of the exercise's page a link may point at, in page order:
    the video, each section shown, the summary, the HowTo and each of its steps."""
    slugs = [section.slug for section in parsed.sections]
    ids = dict(zip(slugs, section_ids(slugs), strict=True))
    shown = [
        ids.get(anchor, anchor)
        for anchor in parsed.order
        if anchor not in parsed.lists
        or parsed.lists[anchor]
        or anchor in parsed.notes
        or anchor in parsed.leads
    ]
    out = ["video"] if video is not None else []
    out += shown
    out += ["summary"] if parsed.summary else []
    out += ["howto", *(step_id(n) for n in range(1, len(howto) + 1))] if howto else []
    return tuple(out)


def _title_from_file(path: Path, description: str, problems: Problems) -> str:
    """The title of a file that states none: from its name, or the description's phrase."""
    phrase = title_from_description(path, description)
    if phrase is not None:
        problems.warning(
            path,
            1,
            f"no 'title': took {phrase!r} from the description; add 'title:' to choose another",
        )
        return phrase
    title = title_from_filename(path)
    if (part := run_together(path)) is not None:
        problems.warning(
            path,
            1,
            f"no 'title': made {title!r} from the file name, whose {part!r} looks like words"
            " run together; add 'title:' to name it",
        )
    return title


def _infer_muscles(
    path: Path,
    title: str,
    description: str,
    given: list[str] | None,
    vocabulary: Vocabulary,
    problems: Problems,
) -> tuple[list[str], list[str]]:
    """Primary and secondary muscles of a file with no 'muscles' (``given``: its secondary)."""
    guess = vocabulary.guess_muscles(title, description)
    if not guess.primary:
        problems.warning(
            path, 1, "no 'muscles', and none could be inferred from the title or description"
        )
        return [], given or []
    names = ", ".join(vocabulary.muscle(k).name.lower() for k in guess.primary)
    # Secondary muscles the file states are the author's word; only missing ones are guessed.
    secondary = list(guess.secondary) if given is None else given
    if given is None and secondary:
        names += f" (secondary: {', '.join(vocabulary.muscle(k).name.lower() for k in secondary)})"
    problems.warning(path, 1, f"no 'muscles': inferred {names} from the title and description")
    return list(guess.primary), secondary


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
    return decode_text(text)


def parse_exercise(path: Path, data: bytes | str, vocabulary: Vocabulary) -> ParseResult:
    """Parse one file's bytes (or text) into an exercise, collecting every problem."""
    problems = Problems()
    text = decode(path, data, problems) if isinstance(data, bytes) else decode_text(data)
    if text is None:
        return ParseResult(None, problems.items)
    if not text.strip():
        problems.error(path, 1, "the file is empty; an exercise needs front matter and a body")
        return ParseResult(None, problems.items)
    split = split_front_matter(path, text, problems)
    if split is None:
        return ParseResult(None, problems.items)
    meta, key_lines, body, body_line = split
    source = Source(path, MappingProxyType(key_lines), body_line + 1, digest(text))
    exercise = _build(source, meta, body, vocabulary, problems)
    return ParseResult(exercise, problems.items)


def digest(text: str) -> bytes:
    """A short hash of a file's text as read (:attr:`~thrustlib.content.model.Source.
    digest`): line endings and a BOM do not change the model, so they do not count."""
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def decode_text(text: str) -> str:
    """Normalize text that was already decoded: no BOM, LF line endings.

    Windows and old-Mac line endings give the same model as LF.
    """
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load_exercise(path: Path, data: bytes | str, vocabulary: Vocabulary | None = None) -> Exercise:
    """Parse one file; raise :class:`ContentError` with every problem if it has errors."""
    result = parse_exercise(path, data, vocabulary or Vocabulary())
    if result.exercise is None or not result.ok:
        raise ContentError(result.problems)
    return result.exercise


def _build(
    source: Source,
    meta: dict[str, Any],
    body: str,
    vocabulary: Vocabulary,
    problems: Problems,
) -> Exercise | None:
    path, key_lines, body_line0 = source.path, source.key_lines, source.body_line - 1
    m = Meta(path, meta, key_lines, problems)
    inferred: set[str] = set()
    for key in sorted(set(meta) - set(KNOWN_KEYS)):
        suggestion = known_key_like(key)
        if suggestion and normalize(suggestion) != normalize(key):
            m.warning(key, f"unknown front-matter key '{key}'; did you mean '{suggestion}'?")
        elif suggestion:
            m.warning(key, f"front-matter key '{key}' should be written '{suggestion}'")

    parsed = parse_body(path, body, body_line0, problems, vocabulary.sections)

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
    elif description is None and isinstance(meta["description"], str | None):
        m.warning("description", "'description' is empty: the page gets no meta description")
    description = description or ""

    # After the description: a file name that runs words together finds its title there.
    title = m.string("title") or parsed.h1
    if not title:
        title = _title_from_file(path, description, problems)
        inferred.add("title")

    muscles = read_muscles(m, "muscles", vocabulary)
    secondary = read_muscles(m, "secondary_muscles", vocabulary)
    if "muscles" not in meta:
        given = secondary if "secondary_muscles" in meta else None
        muscles, secondary = _infer_muscles(path, title, description, given, vocabulary, problems)
        inferred.add("muscles")
        if given is None and secondary:
            inferred.add("secondary_muscles")
    secondary = [k for k in secondary if k not in muscles]

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
            if (known := likely_equipment(key)) is not None:
                m.warning(
                    "equipment",
                    f"equipment {name!r} is not one thrustlib knows and would get a page"
                    f" of its own; did you mean {known!r}?",
                )
    level = None
    if (raw_level := m.string("level")) is not None:
        level = level_key(raw_level)
        if level is None:
            m.error("level", unknown_level(raw_level))

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

    video, video_start = _video_times(m)
    video_uploaded = read_date(m, "video_uploaded")
    video_duration = read_time(m, "video_duration") if video is not None else None
    if video_duration is not None and video_start is not None and video_start >= video_duration:
        m.error(
            "video_start" if "video_start" in meta else "video",
            f"the video starts at {clock(video_start)}, not before its end"
            f" ('video_duration' is {clock(video_duration)})",
        )
        video_start = None

    execution = parsed.lists["execution"]
    howto = parsed.howto
    if not parsed.has_howto:
        howto = tuple(
            HowToStep(
                item.label or f"Step {n}",
                item.text,
                item.plain,
                item.line,
                f"<p>{item.html}</p>\n" if item.html else "",
            )
            for n, item in enumerate(execution, 1)
        )
        inferred.add("howto")
    if parsed.has_howto:
        # Key moments are read from a HowTo part alone: one is written for structured
        # data, while an Execution label's "(0:30)" is as often a hold or a tempo.
        # A video ID with a typo is reported already; its steps' times are still read.
        has_video = video is not None or meta.get("video") not in (None, "")
        howto = timed_steps(
            path, howto, video=has_video, duration=video_duration, problems=problems
        )
    if not howto and not parsed.no_instructions_told:
        problems.warning(
            path,
            body_line0 + 1,
            "no Execution list and no HowTo steps: the page has no instructions",
        )

    if slug is None:
        return None
    # A file with errors still yields what could be read (bad values left out), so the
    # library's cross-file checks can run over it: a child of a file with a typo'd video
    # ID must not be told its parent does not exist. ParseResult.ok stays False.
    extra = {k: v for k, v in sorted(meta.items()) if k not in KNOWN_KEYS}
    return Exercise(
        source=source,
        slug=slug,
        title=title,
        description=description,
        video=video,
        video_uploaded=video_uploaded,
        video_duration=video_duration,
        video_start=video_start,
        muscles=tuple(muscles),
        secondary_muscles=tuple(secondary),
        equipment=tuple(equipment),
        level=level,
        variation_of=variation_of,
        variation_of_null=variation_null,
        aliases=tuple(dict.fromkeys(name for name, _ in m.string_list("aliases"))),
        draft=draft,
        redirect_from=_redirects(m, slug),
        links=parsed.links,
        anchors=_anchors(parsed, howto, video),
        intro=parsed.intro,
        setup=parsed.lists["setup"],
        execution=execution,
        tips=parsed.lists["tips"],
        mistakes=parsed.lists["mistakes"],
        leads=MappingProxyType(parsed.leads),
        notes=MappingProxyType(parsed.notes),
        summary=parsed.summary,
        summary_plain=parsed.summary_plain,
        rendered=MappingProxyType(parsed.rendered),
        sections=parsed.sections,
        order=parsed.order,
        howto=howto,
        extra=MappingProxyType(extra),
        inferred=frozenset(inferred),
    )


def _video_times(m: Meta) -> tuple[str | None, int | None]:
    """The video ID and the second it starts at: ``video_start``, else a pasted URL's."""
    video, from_url = read_video(m)
    if video is None:
        for key in ("video_duration", "video_start"):
            if m.meta.get(key) not in (None, "") and m.meta.get("video") in (None, ""):
                m.warning(key, f"'{key}' is set, but the file has no 'video'")
        return None, None
    start = read_time(m, "video_start", zero=True)
    if start is not None and from_url and start != from_url:
        m.error(
            "video_start",
            f"'video_start' ({clock(start)}) and the URL in 'video' ({clock(from_url)})"
            " give different start times; keep one",
        )
    if start is None and "video_start" not in m.meta:
        start = from_url
    return video, start or None
