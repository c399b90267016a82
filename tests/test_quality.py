"""Repository-wide checks that CI runs through the one test command.

Lint, format, types and the shipped library's strict build live here so that the
README's single test command is the whole of CI, on any machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    """Run a tool from the same environment as the tests."""
    return [sys.executable, "-m", name]


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "src", "tests", "bench"], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", "src", "tests", "bench"], id="ruff-format"),
        pytest.param(["mypy"], id="mypy-strict"),
    ],
)
def test_code_quality(command: list[str]) -> None:
    if shutil.which(command[0]) is None and not _importable(command[0]):
        pytest.fail(f"{command[0]} is not installed: install the test extra (.[test])")
    result = subprocess.run(
        [*_tool(command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_every_module_uses_future_annotations() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for folder in ("src", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.stat().st_size and "from __future__ import annotations" not in path.read_text()
    ]
    assert missing == []
