"""Build benchmark: a whole ``thrustlib build`` of a generated library, as one process.

Generates N exercises in the shape of FORMAT.md, spread over the muscle vocabulary and
grouped into variation families (a root, its variations, and theirs), then times:

- a clean build (no output folder, no cache),
- a rebuild with nothing changed (the content cache and the previous output in place),
- a rebuild after one file changed,

each as a child process, reporting wall time, pages per second and peak memory (the
child's maximum resident set size, from ``os.wait4``).

    python bench/bench_build.py                    # 1,000 and 10,000 exercises, 3 runs
    python bench/bench_build.py --sizes 1000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_parse import items, sentence

from thrustlib.content.vocabulary import DEFAULT_EQUIPMENT, DEFAULT_MUSCLES, LEVELS

MOVES = ["Hip Thrust", "Squat", "Row", "Deadlift", "Lunge", "Press", "Curl", "Bridge", "Raise"]
FORMS = ["Paused", "Banded", "Tempo", "Single-Leg", "Deficit", "Wide-Stance", "Iso-Hold"]


def generate(folder: Path, count: int, seed: int = 3) -> None:
    """Write ``count`` exercise files with explicit muscles, equipment and families."""
    rng = random.Random(seed)
    muscles = [m.name.lower() for m in DEFAULT_MUSCLES]
    equipment = sorted(DEFAULT_EQUIPMENT)
    folder.mkdir(parents=True, exist_ok=True)
    root = ""
    child = ""
    for n in range(count):
        # Families of five: a root, two variations of it, and two of the first variation.
        place = n % 5
        move = MOVES[(n // 5) % len(MOVES)]
        if place == 0:
            title, parent = f"{move} {n // 5}", None
            root = slug_of(title)
        elif place in (1, 2):
            title, parent = f"{FORMS[place]} {move} {n // 5}", root
            child = slug_of(title) if place == 1 else child
        else:
            title, parent = f"{FORMS[place]} {FORMS[1]} {move} {n // 5}", child
        primary = rng.sample(muscles, 1)
        secondary = rng.sample([m for m in muscles if m not in primary], 2)
        video = "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl0123456789_-") for _ in range(11)
        )
        front = [
            "---",
            f'title: "{title}"',
            f'video: "{video}"',
            f'description: "{sentence(rng)[:-1]} with the {title}."',
            f"muscles: [{', '.join(primary)}]",
            f"secondary_muscles: [{', '.join(secondary)}]",
            f"equipment: [{', '.join(rng.sample(equipment, 2))}]",
            f"level: {rng.choice(LEVELS)}",
            f"variation_of: {parent or 'null'}",
            "---",
        ]
        steps = "\n\n".join(f"### Step {k}\n{sentence(rng)} {sentence(rng)}" for k in range(1, 4))
        body = (
            f"\n## Setup\n{items(rng, 2, True, True)}\n\n## Execution\n{items(rng, 4, True, True)}"
            f"\n\n## Tips\n{items(rng, 3, False, rng.random() < 0.5)}\n\n## Common Mistakes\n"
            f"{items(rng, 3, False, False)}\n\n{sentence(rng)} {sentence(rng)}\n\n"
            f"<!-- howto -->\n\n{steps}\n"
        )
        (folder / f"{slug_of(title)}.md").write_text("\n".join(front) + "\n" + body, "utf-8")


def slug_of(title: str) -> str:
    return "-".join(title.lower().replace("-", " ").split())


@dataclass(frozen=True)
class Run:
    wall: float
    rss_mib: float


def run_build(site: Path, *extra: str) -> Run:
    """One ``thrustlib build`` as a child process; wall time and its peak memory."""
    command = [sys.executable, "-m", "thrustlib", "build", "-q", *extra]
    started = time.perf_counter()
    with (site / "build.log").open("wb") as log:
        child = subprocess.Popen(command, cwd=site, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed:\n{(site / 'build.log').read_text()}")
    return Run(wall, usage.ru_maxrss / 1024)


def pages(site: Path) -> int:
    return sum(1 for _ in (site / "_site").rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated library sizes")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each kind")
    args = parser.parse_args()
    print(
        f"machine: CPython {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()}"
    )
    print("| exercises | build | pages | wall median (s) | wall min-max (s) | pages/s | peak MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="thrustlib-bench-") as tmp:
            site = Path(tmp)
            generate(site / "exercises", size)
            (site / "site.toml").write_text('[site]\nbase_url = "https://example.org/"\n')
            kinds: dict[str, list[Run]] = {
                "clean": [],
                "nothing changed": [],
                "one file changed": [],
            }
            edited = sorted((site / "exercises").glob("*.md"))[size // 2]
            for round_ in range(args.runs):
                shutil.rmtree(site / "_site", ignore_errors=True)
                shutil.rmtree(site / ".thrustlib-cache", ignore_errors=True)
                kinds["clean"].append(run_build(site))
                kinds["nothing changed"].append(run_build(site))
                text = edited.read_text("utf-8")
                edited.write_text(
                    text.replace("## Tips\n", f"## Tips\n- Edit {round_}.\n"), "utf-8"
                )
                kinds["one file changed"].append(run_build(site))
            count = pages(site)
            for kind, runs in kinds.items():
                walls = [r.wall for r in runs]
                median = statistics.median(walls)
                print(
                    f"| {size:,} | {kind} | {count} | {median:.2f}"
                    f" | {min(walls):.2f}-{max(walls):.2f} | {count / median:,.0f}"
                    f" | {max(r.rss_mib for r in runs):.0f} |"
                )


if __name__ == "__main__":
    main()
