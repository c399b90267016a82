"""Video metadata: the duration and start time, pasted URLs, key moments on HowTo steps,
and what the page, its structured data and the JSON API make of them."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from thrustlib.cli import main
from thrustlib.config import load_config
from thrustlib.content.parse import parse_exercise
from thrustlib.content.video import clock, iso_duration, parse_time, split_step_time, url_start
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine import packing
from thrustlib.engine.build import build, load_library
from thrustlib.errors import ContentError
from thrustlib.site import api

VIDEO = "Xq9_aB3-k7Z"
BASE_URL = "https://lib.example.test/"

# Line 4 holds the duration; the steps' headings are at lines 14, 17 and 20.
TIMED = """\
---
description: "Drive the hips up from a bench."
video: "{video}"
video_duration: {duration}
video_uploaded: 2024-05-31
muscles: [glutes]
variation_of: null
---

## Execution
1. **Drive**: Push the hips up.

<!-- howto -->

### Set Up (0:05)
Sit with the shoulder blades on the bench.

### Drive Up (0:42)
Push through the heels.

### Lower (1:10)
Come down under control.
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Problems print as annotations under GitHub Actions; these tests read plain lines.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CI", raising=False)


def _site(tmp_path: Path, files: dict[str, str], toml: str = "") -> Path:
    (tmp_path / "exercises").mkdir()
    (tmp_path / "site.toml").write_text(f'[site]\nbase_url = "{BASE_URL}"\n{toml}', "utf-8")
    for name, text in files.items():
        (tmp_path / "exercises" / name).write_text(text, "utf-8")
    return tmp_path


def _parse(text: str, name: str = "hip-thrust.md") -> Any:
    return parse_exercise(Path("exercises") / name, text, Vocabulary())


def _front(extra: str, body: str = "## Execution\n1. Drive up.\n") -> str:
    return f'---\ndescription: "Drive the hips up."\nmuscles: [glutes]\n{extra}---\n\n{body}'


# -- times as files write them -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT1M30S", 90),
        ("PT45S", 45),
        ("PT1H2M", 3720),
        ("pt90s", 90),
        ("PT1H", 3600),
        ("1:30", 90),
        ("0:05", 5),
        ("12:00", 720),
        ("1:02:03", 3723),
        (" 2:00 ", 120),
    ],
)
def test_times_parse(text: str, seconds: int) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["PT", "1:75", "-1:00", "abc", "1:2", "1:60:00", "PT1.5S", ""])
def test_bad_times_say_why(text: str) -> None:
    reason = parse_time(text)
    assert isinstance(reason, str)
    assert repr(text.strip()) in reason


@pytest.mark.parametrize(
    ("seconds", "iso", "shown"),
    [
        (90, "PT1M30S", "1:30"),
        (45, "PT45S", "0:45"),
        (3720, "PT1H2M", "1:02:00"),
        (3600, "PT1H", "1:00:00"),
    ],
)
def test_times_are_written_back_normalised(seconds: int, iso: str, shown: str) -> None:
    assert iso_duration(seconds) == iso
    assert clock(seconds) == shown


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("1:30", 90),  # YAML 1.1 reads this as the base-60 number 90; the loader keeps the text
        ('"1:30"', 90),
        ("1:02:03", 3723),
        ("'1:02:03'", 3723),
        ("PT1M30S", 90),
        ('"PT90S"', 90),
    ],
)
def test_video_duration_quoted_or_not(written: str, seconds: int) -> None:
    result = _parse(_front(f'video: "{VIDEO}"\nvideo_duration: {written}\n'))
    assert result.ok, result.problems
    assert result.exercise.video_duration == seconds


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("PT", "'video_duration': 'PT' gives no hours, minutes or seconds"),
        ("1:75", "'video_duration': '1:75' has 75 seconds"),
        ('"1:75"', "'video_duration': '1:75' has 75 seconds"),
        ("-1:00", "'video_duration': '-1:00' is not an ISO 8601 duration"),
        ("abc", "'video_duration': 'abc' is not an ISO 8601 duration"),
        ("0", "'video_duration' must be an ISO 8601 duration such as PT1M30S or a time"),
        ("90", "not the number 90 (write PT90S or 1:30 for 90 seconds)"),
        ('"0:00"', "'video_duration' must be longer than zero"),
        ("[1, 2]", "'video_duration' must be an ISO 8601 duration"),
    ],
)
def test_bad_durations_are_errors_with_file_and_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    written: str,
    message: str,
) -> None:
    site = _site(tmp_path, {"hip-thrust.md": TIMED.format(video=VIDEO, duration=written)})
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert first.startswith("exercises/hip-thrust.md:4: error: "), err
    assert message in first


def test_duration_and_start_need_a_video() -> None:
    result = _parse(_front('video_duration: "1:30"\nvideo_start: "0:10"\n'))
    assert [str(p) for p in result.problems] == [
        "exercises/hip-thrust.md:4: warning: 'video_duration' is set, but the file has no 'video'",
        "exercises/hip-thrust.md:5: warning: 'video_start' is set, but the file has no 'video'",
    ]
    assert (result.exercise.video_duration, result.exercise.video_start) == (None, None)


def test_start_must_be_before_the_end() -> None:
    result = _parse(_front(f'video: "{VIDEO}"\nvideo_duration: "1:00"\nvideo_start: "1:00"\n'))
    assert [str(p) for p in result.problems] == [
        "exercises/hip-thrust.md:6: error: the video starts at 1:00, not before its end"
        " ('video_duration' is 1:00)"
    ]


# -- pasted URLs ---------------------------------------------------------------------------


URLS = [
    (f"https://www.youtube.com/watch?v={VIDEO}", None),
    (f"https://www.youtube.com/watch?v={VIDEO}&t=90", 90),
    (f"https://www.youtube.com/watch?v={VIDEO}&t=90s", 90),
    (f"https://www.youtube.com/watch?v={VIDEO}&t=1m30s", 90),
    (f"https://www.youtube.com/watch?v={VIDEO}&t=1h2m3s", 3723),
    (f"https://www.youtube.com/watch?v={VIDEO}#t=1m30s", 90),
    (f"https://www.youtube.com/watch?v={VIDEO}&list=PLx1&index=2&t=42s", 42),
    (f"https://www.youtube.com/watch?feature=share&v={VIDEO}", None),
    (f"https://m.youtube.com/watch?v={VIDEO}&t=15", 15),
    (f"http://youtube.com/watch?v={VIDEO}&feature=youtu.be", None),
    (f"www.youtube.com/watch?v={VIDEO}&t=5s", 5),
    (f"https://youtu.be/{VIDEO}", None),
    (f"https://youtu.be/{VIDEO}?t=42", 42),
    (f"https://youtu.be/{VIDEO}?si=AbC-dEf_123&t=1m", 60),
    (f"youtu.be/{VIDEO}?si=abc", None),
    (f"https://www.youtube.com/shorts/{VIDEO}", None),
    (f"https://youtube.com/shorts/{VIDEO}?feature=share", None),
    (f"https://www.youtube.com/embed/{VIDEO}?start=90", 90),
    (f"https://www.youtube-nocookie.com/embed/{VIDEO}?start=90&rel=0", 90),
    (f"https://www.youtube.com/embed/{VIDEO}", None),
    (f"https://www.youtube.com/live/{VIDEO}?si=xyz&t=3600", 3600),
    (f"https://m.youtube.com/live/{VIDEO}", None),
    (f"https://www.youtube.com/watch?v={VIDEO}&t=0", None),
]


@pytest.mark.parametrize(("url", "start"), URLS)
def test_pasted_urls_give_the_id_and_start(url: str, start: int | None) -> None:
    result = _parse(_front(f'video: "{url}"\n'))
    assert result.exercise.video == VIDEO
    assert result.exercise.video_start == start
    problems = [str(p) for p in result.problems]
    assert len(problems) == 1
    assert problems[0].startswith("exercises/hip-thrust.md:4: warning: 'video' is a URL")
    if start:
        assert f'video_start: "{clock(start)}"' in problems[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [("youtu.be/x?t=abc", "t=abc is not a time"), ("youtu.be/x?start=", None), ("x?t=1x", "t=1x")],
)
def test_unusable_url_times(url: str, expected: str | None) -> None:
    found = url_start(url)
    if expected is None:
        assert found is None
    else:
        assert isinstance(found, str) and expected in found


def test_a_bad_url_time_is_an_error_at_the_video_line() -> None:
    result = _parse(_front(f'video: "https://youtu.be/{VIDEO}?t=soon"\n'))
    assert not result.ok
    assert any(
        str(p).startswith("exercises/hip-thrust.md:4: error: the start time of the URL")
        for p in result.problems
    )


def test_video_start_key_and_url_must_agree() -> None:
    same = _parse(_front(f'video: "https://youtu.be/{VIDEO}?t=42"\nvideo_start: "0:42"\n'))
    assert same.ok and same.exercise.video_start == 42
    other = _parse(_front(f'video: "https://youtu.be/{VIDEO}?t=42"\nvideo_start: "0:50"\n'))
    assert "give different start times" in str(other.problems[-1])
    plain = _parse(_front(f'video: "{VIDEO}"\nvideo_start: 1:05\n'))
    assert plain.ok and plain.problems == [] and plain.exercise.video_start == 65


# -- key moments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Drive Up (0:42)", ("Drive Up", "0:42")),
        ("Drive Up(1:02:03)", ("Drive Up", "1:02:03")),
        ("Drive Up ( 0:42 )", ("Drive Up", "0:42")),
        ("Hold (2 seconds)", ("Hold (2 seconds)", None)),
        ("(0:42)", ("(0:42)", None)),
        ("Drive (0:42) Up", ("Drive (0:42) Up", None)),
    ],
)
def test_step_times_are_split_off_the_name(heading: str, expected: tuple[str, str | None]) -> None:
    assert split_step_time(heading) == expected


def test_new_fields_travel_through_packing() -> None:
    result = _parse(TIMED.format(video=VIDEO, duration='"2:00"'))
    exercise = result.exercise
    assert exercise.video_duration == 120
    assert [s.start for s in exercise.howto] == [5, 42, 70]
    again = packing.unpack(packing.pack(result).data or b"")
    assert again == exercise
    entry = packing.pack(result).entry
    assert entry is not None and entry.video_duration == 120


_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def _jsonld(page: Path) -> list[dict[str, Any]]:
    return [json.loads(block) for block in _SCRIPT.findall(page.read_text("utf-8"))]


def _video_objects(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [i for i in items if i.get("@type") == "VideoObject"]
    found += [i["video"] for i in items if i.get("@type") == "HowTo" and "video" in i]
    return found


@pytest.mark.parametrize(("duration", "seconds"), [('"PT1M30S"', 90), ('""', None)])
def test_key_moments_in_the_structured_data(
    tmp_path: Path, duration: str, seconds: int | None
) -> None:
    site = _site(tmp_path, {"hip-thrust.md": TIMED.format(video=VIDEO, duration=duration)})
    build(load_config(site), output=tmp_path / "out")
    page = tmp_path / "out" / "exercises" / "hip-thrust" / "index.html"
    videos = _video_objects(_jsonld(page))
    assert len(videos) == 2  # the page's VideoObject, and the HowTo's
    library, _ = load_library(load_config(site))
    steps = library.whole("hip-thrust").howto
    for video in videos:
        if seconds is None:
            assert "duration" not in video
        else:
            assert video["duration"] == "PT1M30S"
        clips = video["hasPart"]
        assert [c["@type"] for c in clips] == ["Clip"] * 3
        assert (
            [c["name"] for c in clips]
            == [s.name for s in steps]
            == [
                "Set Up",
                "Drive Up",
                "Lower",
            ]
        )
        assert [c["startOffset"] for c in clips] == [5, 42, 70]
        for clip, after in zip(clips, [*clips[1:], None], strict=True):
            assert clip["url"] == (
                f"https://www.youtube.com/watch?v={VIDEO}&t={clip['startOffset']}s"
            )
            if after is not None:
                assert clip["endOffset"] == after["startOffset"]
            elif seconds is not None:
                assert clip["endOffset"] == seconds
            else:
                assert "endOffset" not in clip
            if "endOffset" in clip:
                assert clip["startOffset"] < clip["endOffset"]
                assert seconds is None or clip["endOffset"] <= seconds
    # The page shows the names without their times.
    html = page.read_text("utf-8")
    assert "<h3>Drive Up</h3>" in html
    assert "(0:42)" not in html


def test_clip_names_stay_inside_their_script(tmp_path: Path) -> None:
    text = TIMED.format(video=VIDEO, duration='"2:00"').replace(
        "### Drive Up (0:42)", "### </script><b>x</b> & Up (0:42)"
    )
    site = _site(tmp_path, {"hip-thrust.md": text})
    build(load_config(site), output=tmp_path / "out")
    html = (tmp_path / "out" / "exercises" / "hip-thrust" / "index.html").read_text("utf-8")
    for block in _SCRIPT.findall(html):
        assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    names = [c["name"] for v in _video_objects(_jsonld_from(html)) for c in v["hasPart"]]
    assert "</script><b>x</b> & Up" in names


def _jsonld_from(html: str) -> list[dict[str, Any]]:
    return [json.loads(block) for block in _SCRIPT.findall(html)]


def test_play_from_here_without_javascript(tmp_path: Path) -> None:
    site = _site(tmp_path, {"hip-thrust.md": TIMED.format(video=VIDEO, duration='"2:00"')})
    build(load_config(site), output=tmp_path / "out")
    html = (tmp_path / "out" / "exercises" / "hip-thrust" / "index.html").read_text("utf-8")
    links = re.findall(
        r'<a class="play-from" href="([^"]*)" data-start="(\d+)" aria-label="([^"]*)"', html
    )
    assert links == [
        (f"https://www.youtube.com/watch?v={VIDEO}&amp;t=5s", "5", "Play from 0:05: Set Up"),
        (f"https://www.youtube.com/watch?v={VIDEO}&amp;t=42s", "42", "Play from 0:42: Drive Up"),
        (f"https://www.youtube.com/watch?v={VIDEO}&amp;t=70s", "70", "Play from 1:10: Lower"),
    ]


@pytest.mark.parametrize(
    ("toml", "base"),
    [
        ("", "https://www.youtube-nocookie.com/embed/"),
        ("[video]\nnocookie = false\n", "https://www.youtube.com/embed/"),
    ],
)
def test_the_player_starts_where_the_url_said(tmp_path: Path, toml: str, base: str) -> None:
    text = _front(f'video: "{VIDEO}"\nvideo_uploaded: 2024-05-31\nvideo_start: "1:05"\n')
    site = _site(tmp_path, {"hip-thrust.md": text}, toml)
    build(load_config(site), output=tmp_path / "out")
    html = (tmp_path / "out" / "exercises" / "hip-thrust" / "index.html").read_text("utf-8")
    assert f'data-embed-base="{base}" data-start="65"' in html
    assert f'href="https://www.youtube.com/watch?v={VIDEO}&amp;t=65s"' in html


# -- the JSON API ----------------------------------------------------------------------------


def test_api_has_the_duration_start_and_step_times(tmp_path: Path) -> None:
    import jsonschema

    files = {
        "hip-thrust.md": TIMED.format(video=VIDEO, duration='"2:00"'),
        "glute-bridge.md": _front(
            "variation_of: null\n", "## Execution\n1. **Lift (0:10)**: Up.\n"
        ),
    }
    site = _site(tmp_path, files)
    build(load_config(site), output=tmp_path / "out")
    data = json.loads((tmp_path / "out" / "api" / "exercises.json").read_text("utf-8"))
    jsonschema.validate(data, json.loads(api.schema_text()))
    by_slug = {e["slug"]: e for e in data["exercises"]}
    timed = by_slug["hip-thrust"]
    assert (timed["video_duration"], timed["video_start"]) == ("PT2M", None)
    assert [s.get("start") for s in timed["howto"]] == [5, 42, 70]
    plain = by_slug["glute-bridge"]
    assert (plain["video_duration"], plain["video_start"]) == (None, None)
    # No video: the time stays in the name, and steps have no "start" key.
    assert plain["howto"] == [{"name": "Lift (0:10)", "text": "Up."}]


def test_the_schema_rejects_a_bad_duration() -> None:
    import jsonschema

    schema = json.loads(api.schema_text())
    step = schema["$defs"]["exercise"]["properties"]["video_duration"]
    jsonschema.validate("PT1M30S", step)
    for bad in ("PT", "1:30", "PT1.5S"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, step)


# -- upload dates under --strict ------------------------------------------------------------

NO_DATE = """\
---
description: "Drive the hips up from a bench."
video: "Xq9_aB3-k7Z"
muscles: [glutes]
variation_of: null
---

## Execution
1. **Drive**: Push the hips up.
"""


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_video_without_upload_date_warns_only_under_strict(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    site = _site(tmp_path, {"hip-thrust.md": NO_DATE})
    monkeypatch.chdir(site)
    assert main([command]) == 0
    assert "video_uploaded" not in capsys.readouterr().err
    assert main([command, "--strict"]) == 1
    err = capsys.readouterr().err
    assert (
        "exercises/hip-thrust.md:3: warning: the video has no 'video_uploaded': search engines"
        " show a video result only with its upload date; add video_uploaded: YYYY-MM-DD, the"
        " date on the video's page"
    ) in err


def test_a_strict_build_with_nothing_changed_still_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path, {"hip-thrust.md": NO_DATE})
    monkeypatch.chdir(site)
    assert main(["build"]) == 0  # records the build in the cache
    capsys.readouterr()
    assert main(["build", "--strict"]) == 1
    assert "no 'video_uploaded'" in capsys.readouterr().err


def test_a_site_without_upload_dates_says_so(tmp_path: Path) -> None:
    site = _site(tmp_path, {"hip-thrust.md": NO_DATE}, "[video]\nupload_dates = false\n")
    config = load_config(site)
    assert config.video_upload_dates is False
    library, problems = load_library(config, strict=True)
    assert len(library) == 1 and list(problems) == []
    with pytest.raises(ContentError, match="no 'video_uploaded'"):
        load_library(replace(config, video_upload_dates=True), strict=True)


def test_upload_dates_must_be_true_or_false(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path, {}, '[video]\nupload_dates = "no"\n')
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    assert (
        "site.toml:4: error: 'video.upload_dates' must be true or false" in capsys.readouterr().err
    )


def test_the_starter_site_builds_strictly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "lib"]) == 0
    monkeypatch.chdir(tmp_path / "lib")
    assert load_config(tmp_path / "lib").video_upload_dates is True
    assert main(["-q", "build", "--strict"]) == 0
