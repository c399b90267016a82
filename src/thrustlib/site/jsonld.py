"""schema.org JSON-LD for exercise pages: ``HowTo``, ``VideoObject``, ``BreadcrumbList``.

Built as plain Python data so tests can check it field by field, then serialized by
:func:`dump_jsonld`, which escapes ``<``, ``>`` and ``&``: exercise files are untrusted,
and a description holding ``</script>`` must not be able to end the script element.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from thrustlib.content.anchors import step_id
from thrustlib.content.model import Exercise
from thrustlib.content.video import iso_duration
from thrustlib.content.vocabulary import equipment_name
from thrustlib.site import jsontext, urls

SCHEMA_ORG = "https://schema.org"

# JSON's own escapes keep the text identical for a JSON parser while no HTML parser can
# see a tag or a character reference in it. U+2028/9 are escaped too: valid in JSON but
# line terminators to older JavaScript engines that eval such blocks.
_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPED = re.compile("[<>&\u2028\u2029]")


def dump_jsonld(data: Any) -> str:
    """Deterministic JSON that is safe inside ``<script type="application/ld+json">``."""
    text = jsontext.dumps(data).decode()
    return text.translate(_ESCAPE_TABLE) if _ESCAPED.search(text) else text


def video_object(
    exercise: Exercise, page_url: str, *, nocookie: bool = True
) -> dict[str, Any] | None:
    """The exercise's ``VideoObject``, or ``None`` when it has no video."""
    if exercise.video is None:
        return None
    video: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "VideoObject",
        "@id": page_url + "#video",
        "name": exercise.title,
        "description": exercise.description or exercise.title,
        "thumbnailUrl": urls.video_thumbnail(exercise.video),
        "embedUrl": urls.video_embed_base(nocookie) + exercise.video,
        "contentUrl": urls.video_watch(exercise.video),
    }
    if exercise.video_uploaded is not None:
        video["uploadDate"] = exercise.video_uploaded.isoformat()
    if exercise.video_duration is not None:
        video["duration"] = iso_duration(exercise.video_duration)
    clips = key_moments(exercise)
    if clips:
        video["hasPart"] = clips
    return video


def key_moments(exercise: Exercise) -> list[dict[str, Any]]:
    """A ``Clip`` for each step with a time in the video: its "key moment".

    A clip ends where the next timed step starts; the last one at the end of the video
    when its duration is known, else it states no end (the parser made sure every start
    is after the one before and before the end).
    """
    if exercise.video is None:
        return []
    timed = [step for step in exercise.howto if step.start is not None]
    clips = []
    for n, step in enumerate(timed):
        assert step.start is not None
        clip: dict[str, Any] = {
            "@type": "Clip",
            "name": step.name,
            "startOffset": step.start,
            "url": urls.video_watch(exercise.video, step.start),
        }
        end = timed[n + 1].start if n + 1 < len(timed) else exercise.video_duration
        if end is not None:
            clip["endOffset"] = end
        clips.append(clip)
    return clips


def howto(exercise: Exercise, page_url: str, *, nocookie: bool = True) -> dict[str, Any] | None:
    """The exercise as a ``HowTo``; each step links to its anchor (``#step-1``...).

    ``None`` when the exercise has no usable step: a HowTo without steps is invalid
    structured data, and publishing none is better than publishing a broken one.
    """
    steps = []
    for number, step in enumerate(exercise.howto, 1):
        # Search engines require a step's text; a step written as a heading alone
        # still says what to do in its name. Numbering follows the page's anchors.
        text = step.plain or step.name
        if not text:
            continue
        item = {"@type": "HowToStep", "position": number, "text": text}
        item["url"] = f"{page_url}#{step_id(number)}"
        if step.name:
            item["name"] = step.name
        steps.append(item)
    if not steps:
        return None
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "HowTo",
        "name": exercise.title,
        "url": page_url,
        "step": steps,
    }
    if exercise.description:
        data["description"] = exercise.description
    if exercise.equipment:
        data["tool"] = [
            {"@type": "HowToTool", "name": equipment_name(key)} for key in exercise.equipment
        ]
    video = video_object(exercise, page_url, nocookie=nocookie)
    if video is not None:
        del video["@context"]
        data["video"] = video
        data["image"] = video["thumbnailUrl"]
    return data


def breadcrumb_list(crumbs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A ``BreadcrumbList`` from ``(name, absolute or root-relative URL)`` pairs."""
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, 1)
        ],
    }
