"""Times in a video: its length, where it starts, and where each step starts in it.

Three things are read here, as pure functions over text: a duration or start time as a
file writes it (ISO 8601 ``PT1M30S`` or a clock ``1:30``), the start time of a pasted
YouTube URL (``t=1m30s``, ``start=90``), and the time that ends a step's heading
(``### Drive Up (0:42)``), a "key moment". :func:`timed_steps` puts the step times into
the steps and reports, at their lines, those that cannot be used.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from thrustlib.content.model import HowToStep
from thrustlib.errors import Problems

# Numbers have at most nine digits: longer ones are no time (and a 5,000-digit one
# would be more than int() converts).
_N = r"[0-9]{1,9}"
_ISO = re.compile(rf"PT(?:(?P<h>{_N})H)?(?:(?P<m>{_N})M)?(?:(?P<s>{_N})S)?", re.IGNORECASE)
# M:SS (any number of minutes) or H:MM:SS; the ranges are checked after the match, so
# that "1:75" is told why it is wrong rather than that it is not a time at all.
_CLOCK = re.compile(rf"(?:(?P<h>{_N}):(?={_N}:))?(?P<m>{_N}):(?P<s>{_N})")
# t=90, t=90s, t=1m30s, t=1h2m3s (YouTube's forms); start=90 (the embed's).
_URL_TIME = re.compile(rf"(?:(?P<h>{_N})h)?(?:(?P<m>{_N})m)?(?:(?P<s>{_N})s?)?", re.IGNORECASE)
# A time in parentheses at the end of a HowTo step's heading: "Drive Up (0:42)", M:SS or
# H:MM:SS as video players show them. Anything else in parentheses ("Lower (3:1:1)", a
# tempo) is part of the name.
_STEP_TIME = re.compile(
    rf"(?P<name>.*?\S)\s*\(\s*(?P<time>(?:{_N}:[0-5][0-9]|{_N}:[0-5][0-9]:[0-5][0-9]))\s*\)"
)

LONGEST = 24 * 3600
"""The longest time accepted (a day, in seconds): a longer one is a typo, and no video
host plays one."""

FORMS = "an ISO 8601 duration such as PT1M30S or a time such as 1:30 or 1:02:03"
"""How a duration or start time may be written, for messages."""


def parse_time(text: str) -> int | str:
    """Seconds of ``PT1M30S``, ``1:30`` or ``1:02:03``; or why ``text`` is not a time."""
    value = text.strip()
    if (iso := _ISO.fullmatch(value)) is not None:
        if not any(iso.group(part) for part in "hms"):
            return f"{value!r} gives no hours, minutes or seconds (PT1M30S is 1 minute 30)"
        return _checked(_seconds(iso.group("h"), iso.group("m"), iso.group("s")), value)
    if (clock := _CLOCK.fullmatch(value)) is not None:
        hours, minutes, seconds = clock.group("h"), clock.group("m"), clock.group("s")
        if len(seconds) != 2 or int(seconds) > 59:
            return f"{value!r} has {seconds} seconds: write them as two digits from 00 to 59"
        if hours is not None and (len(minutes) != 2 or int(minutes) > 59):
            return f"{value!r} has {minutes} minutes: after the hours write two digits, 00 to 59"
        return _checked(_seconds(hours, minutes, seconds), value)
    return f"{value!r} is not {FORMS}"


def _seconds(hours: str | None, minutes: str | None, seconds: str | None) -> int:
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)


def _checked(seconds: int, value: str) -> int | str:
    if seconds > LONGEST:
        return f"{value!r} is longer than a day"
    return seconds


def iso_duration(seconds: int) -> str:
    """``90`` -> ``PT1M30S``: the normalised ISO 8601 form structured data uses."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n]
    return "PT" + ("".join(parts) or "0S")


def clock(seconds: int) -> str:
    """``42`` -> ``0:42``, ``3723`` -> ``1:02:03``: a time as a video player shows it."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def url_start(url: str) -> int | str | None:
    """The start time a YouTube URL asks for (``t=``/``start=`` in its query or after
    ``#``) in seconds; ``None`` when it asks for none, or why its time is unusable."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    # The fragment first: "#t=" is what the player's "copy video URL at current time"
    # puts at the end, after any query, and browsers apply it last.
    for params in (parse_qs(parts.fragment), parse_qs(parts.query)):
        for key in ("t", "start"):
            values = params.get(key)
            if not values:
                continue
            raw = values[-1].strip()
            found = _URL_TIME.fullmatch(raw)
            if not raw or found is None or not any(found.group(p) for p in "hms"):
                return f"{key}={raw} is not a time such as t=90, t=1m30s or start=90"
            return _checked(_seconds(found.group("h"), found.group("m"), found.group("s")), raw)
    return None


def split_step_time(name: str) -> tuple[str, str | None]:
    """``Drive Up (0:42)`` -> ``("Drive Up", "0:42")``; a name without a time is kept."""
    found = _STEP_TIME.fullmatch(name.strip())
    if found is None:
        return name, None
    return found.group("name"), found.group("time")


def timed_steps(
    path: Path,
    steps: tuple[HowToStep, ...],
    *,
    video: bool,
    duration: int | None,
    problems: Problems,
) -> tuple[HowToStep, ...]:
    """``steps`` with the times that end their names moved into :attr:`HowToStep.start`.

    A time in a file without a video stays in the name: the page has nothing to play,
    and the text is the author's. A time that is not one, is not after
    the step time before it, or is not before the end of the video is an error at the
    step's line: each would give a key moment that ends before it starts.
    """
    out: list[HowToStep] = []
    last: tuple[HowToStep, int] | None = None
    for step in steps:
        name, raw = split_step_time(step.name)
        if raw is None:
            out.append(step)
            continue
        if not video:
            out.append(step)  # nothing to play: the time is the author's text
            continue
        seconds = parse_time(raw)
        if isinstance(seconds, str):
            problems.error(path, step.line, f"step '{name}': the video time {seconds}")
        elif last is not None and seconds <= last[1]:
            before, at = last
            problems.error(
                path,
                step.line,
                f"step '{name}' starts at {clock(seconds)} in the video, not after the step"
                f" before it ('{before.name}' at {clock(at)}, line {before.line}):"
                " step times must increase",
            )
        elif duration is not None and seconds >= duration:
            problems.error(
                path,
                step.line,
                f"step '{name}' starts at {clock(seconds)}, not before the end of the video"
                f" ('video_duration' is {clock(duration)})",
            )
        else:
            timed = dataclasses.replace(step, name=name, start=seconds)
            out.append(timed)
            last = (timed, seconds)
            continue
        out.append(dataclasses.replace(step, name=name))
    return tuple(out)
