"""One folder per invalid case (Zola's test_sites_invalid): every problem, named, at once.

Each folder under ``tests/invalid/`` is a site whose ``exercises/`` cannot be built, and
its ``expected.txt`` lists every problem the run must report, as the CLI prints them
(``path:line: severity: message``, paths relative to the site folder), sorted.

To rewrite the expected files after a deliberate change of messages, run

    THRUSTLIB_REGENERATE=1 pytest tests/test_invalid_sites.py

and review the diff before committing it. The two files with a bad byte are named
``.markdown`` (the loader's other suffix) because ``ruff format`` reads every ``.md`` file
and stops on bytes that are not UTF-8.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from thrustlib.config import load_config
from thrustlib.engine.build import load_library
from thrustlib.errors import ContentError

INVALID = Path(__file__).parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "exercises").is_dir())
REGENERATE = os.environ.get("THRUSTLIB_REGENERATE") == "1"


def reported(case: str) -> list[str]:
    site = INVALID / case
    with pytest.raises(ContentError) as info:
        load_library(load_config(site))
    return sorted(str(p) for p in info.value.problems)


@pytest.mark.parametrize("case", CASES)
def test_invalid_site(case: str) -> None:
    expected_file = INVALID / case / "expected.txt"
    found = reported(case)
    if REGENERATE:
        expected_file.write_text("\n".join(found) + "\n", encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert found == expected
    assert any(": error: " in line for line in found)
    # Every message names a file of the site, relative to the site folder.
    for line in found:
        assert line.startswith("exercises/"), line


def test_every_case_of_the_brief_has_a_folder() -> None:
    assert set(CASES) >= {
        "no-front-matter",
        "yaml-does-not-parse",
        "non-utf8-byte",
        "invalid-video-id",
        "duplicate-slug",
        "variation-of-unknown",
        "variation-cycle",
        "unknown-muscle",
        "empty-file",
        "front-matter-not-a-mapping",
        "unclosed-front-matter",
        "bad-level",
        "bad-slug",
        "multi-problem",
    }


def test_multi_problem_reports_every_bad_file_in_one_run() -> None:
    found = reported("multi-problem")
    files = {line.split(":", 1)[0] for line in found if ": error: " in line}
    assert files == {
        "exercises/bad-video.md",
        "exercises/empty.md",
        "exercises/latin1.markdown",
        "exercises/many-errors.md",
        "exercises/no-front-matter.md",
        "exercises/sub/good-one-again.md",
        "exercises/yaml.md",
    }
    # Dotfiles, other suffixes and editor backups are never read.
    assert not any(".hidden" in line or "notes.txt" in line or "~" in line for line in found)


def test_the_error_carries_no_traceback_text() -> None:
    for case in CASES:
        for line in reported(case):
            assert "Traceback" not in line
            assert 'File "' not in line
