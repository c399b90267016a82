"""What several test modules share: hypothesis settings, the real content files, the
sites the tests build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = settings(
    max_examples=int(os.environ.get("THRUSTLIB_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Generated cases per property test (THRUSTLIB_EXAMPLES=5000 for a long run)."""


def content_files() -> list[Path]:
    """Every Markdown file the project has: the shipped library and the test fixtures."""
    files = sorted([*ROOT.glob("exercises/*.md"), *ROOT.glob("tests/**/*.md")])
    assert len(files) > 30  # the glob found them, or the tests using it test nothing
    return files


def copy_site(tmp_path: Path, name: str = "basic") -> Path:
    """A copy of the test site ``tests/sites/<name>`` in ``tmp_path``, to build and edit."""
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "sites" / name, copy)
    return copy
