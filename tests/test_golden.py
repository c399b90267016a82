"""The fixture site tests/sites/basic, built and compared file by file with a golden copy.

When a change to the theme or the renderer is intended, regenerate the copy and review
the diff like any other change (see tests/README.md):

    python tests/test_golden.py --regenerate
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from thrustlib.config import load_config
from thrustlib.engine.build import build

HERE = Path(__file__).parent
SITE = HERE / "sites" / "basic"
GOLDEN = HERE / "golden" / "basic"


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by posix path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_fixture(output: Path) -> None:
    """Build the fixture site exactly as the golden copy was built."""
    build(load_config(SITE), output=output)


def test_output_matches_the_golden_copy(tmp_path: Path) -> None:
    build_fixture(tmp_path / "out")
    built, golden = files_of(tmp_path / "out"), files_of(GOLDEN)
    assert sorted(built) == sorted(golden), "files differ; regenerate: see tests/README.md"
    for path, data in built.items():
        if data != golden[path]:
            diff = "\n".join(
                difflib.unified_diff(
                    golden[path].decode("utf-8", "replace").splitlines(),
                    data.decode("utf-8", "replace").splitlines(),
                    f"golden/{path}",
                    f"built/{path}",
                    lineterm="",
                    n=2,
                )
            )
            raise AssertionError(f"{path} differs from the golden copy:\n{diff[:4000]}")


def main(argv: list[str]) -> int:
    """``--regenerate``: rebuild tests/golden/basic from tests/sites/basic."""
    if argv != ["--regenerate"]:
        print(__doc__)
        return 2
    # write_site swaps the folder in whole, so files the site no longer has go away too.
    build_fixture(GOLDEN)
    print(f"regenerated {GOLDEN.relative_to(HERE.parent)} ({len(files_of(GOLDEN))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
