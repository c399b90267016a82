"""What several test modules share: hypothesis settings, the real content files, the
sites the tests build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, settings

from thrustlib.engine.stored import TAG_SIZE

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


def write_into_blobs(site: Path) -> None:
    """What a program writing into the parse cache's files in place (``cp`` or ``rsync
    --inplace`` over them) does to its files of whole exercises: the same files, the same
    sizes and tags (checked when a file is opened), other bytes after the tag."""
    for blobs in (site / ".thrustlib-cache" / "parse").glob("*.blobs"):
        data = blobs.read_bytes()
        with blobs.open("r+b") as stream:
            stream.seek(TAG_SIZE)
            stream.write(bytes(byte ^ 0x55 for byte in data[TAG_SIZE:]))
