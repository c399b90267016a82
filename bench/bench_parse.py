"""Parser benchmark: files per second through load_exercises + build_library.

Generates N exercise files in the shape of FORMAT.md into a temporary folder, then times
reading, parsing and indexing them several times and prints the median rate. Titles and
muscles come from the Free Exercise DB names beside the repository
(``../shared/data/free-exercise-db.json``) when it is there, else from a synthetic list;
every sentence of content is generated here, none is copied from that data set.

    python bench/bench_parse.py            # 2000 files, 5 runs
    python bench/bench_parse.py -n 10000 -r 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

import benchutil  # noqa: F401  (first: makes thrustlib importable from a bare clone)

from thrustlib.content.library import build_library
from thrustlib.content.text import slugify
from thrustlib.content.vocabulary import Vocabulary
from thrustlib.engine.load import load_exercises
from thrustlib.errors import Problems

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "free-exercise-db.json"

SYNTHETIC_NAMES = [
    f"{grip} {tool} {move}"
    for grip in ("Single-Leg", "Banded", "Paused", "Deficit", "Wide-Stance", "Tempo")
    for tool in ("Barbell", "Dumbbell", "Cable", "Kettlebell", "Machine", "Bodyweight")
    for move in ("Hip Thrust", "Squat", "Row", "Deadlift", "Lunge", "Press", "Curl", "Bridge")
]
SYNTHETIC_MUSCLES = ["glutes", "hamstrings", "quadriceps", "lats", "chest", "biceps", "calves"]

VERBS = ["Brace", "Drive", "Lower", "Pause", "Squeeze", "Reset", "Breathe", "Hinge", "Press"]
PARTS = ["hips", "heels", "ribs", "shoulders", "knees", "core", "upper back", "feet", "grip"]
MANNERS = ["slowly", "under control", "with intent", "for a count of two", "without rushing"]


def sources() -> list[tuple[str, list[str], list[str]]]:
    """(name, primary muscles, secondary muscles) to vary the generated files with."""
    if DATA.is_file():
        entries = json.loads(DATA.read_text(encoding="utf-8"))
        return [
            (e["name"], list(e.get("primaryMuscles") or []), list(e.get("secondaryMuscles") or []))
            for e in entries
            if e.get("name")
        ]
    rng = random.Random(1)
    return [
        (n, rng.sample(SYNTHETIC_MUSCLES, 1), rng.sample(SYNTHETIC_MUSCLES, 2))
        for n in SYNTHETIC_NAMES
    ]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} the {rng.choice(PARTS)} {rng.choice(MANNERS)}."


def items(rng: random.Random, count: int, ordered: bool, labels: bool) -> str:
    lines = []
    for n in range(1, count + 1):
        mark = f"{n}." if ordered else "-"
        label = f"**{rng.choice(VERBS)} {rng.choice(PARTS).title()}**: " if labels else ""
        lines.append(f"{mark} {label}{sentence(rng)} {sentence(rng)}")
    return "\n".join(lines)


def exercise_file(
    rng: random.Random, name: str, primary: list[str], secondary: list[str], index: int
) -> str:
    title = f"{name} {index}" if index else name
    video = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        for _ in range(11)
    )
    front = [
        "---",
        f'video: "{video}"',
        f'description: "{sentence(rng)[:-1]} with the {title}, {sentence(rng).lower()}"',
        f'title: "{title}"',
    ]
    if primary:
        front.append(f"muscles: [{', '.join(primary)}]")
    if secondary:
        front.append(f"secondary_muscles: [{', '.join(secondary)}]")
    front.append("---")
    steps = "\n\n".join(
        f"### {rng.choice(VERBS)} and {rng.choice(VERBS)}\n{sentence(rng)} {sentence(rng)}"
        for _ in range(3)
    )
    body = f"""
## Setup
{items(rng, 2, True, True)}

## Execution
{items(rng, 4, True, True)}

## Tips
{items(rng, 3, False, rng.random() < 0.5)}

## Common Mistakes
{items(rng, 3, False, False)}

{sentence(rng)} {sentence(rng)} {sentence(rng)}

<!-- howto -->

{steps}
"""
    return "\n".join(front) + "\n" + body


def generate(folder: Path, count: int, seed: int = 2) -> int:
    """Write ``count`` files into ``folder``; returns the bytes written."""
    rng = random.Random(seed)
    pool = sources()
    total = 0
    for n in range(count):
        name, primary, secondary = pool[n % len(pool)]
        text = exercise_file(rng, name, primary, secondary, n // len(pool))
        slug = slugify(f"{name} {n // len(pool)}" if n // len(pool) else name) or f"ex-{n}"
        path = folder / f"{slug}-{n}.md"
        path.write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def run_once(folder: Path, vocabulary: Vocabulary) -> tuple[float, int, int]:
    problems = Problems()
    started = time.perf_counter()
    exercises = load_exercises(folder, vocabulary, problems, root=folder.parent)
    library = build_library(exercises, vocabulary, problems)
    return time.perf_counter() - started, len(library), len(problems.errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--files", type=int, default=2000, help="files to generate")
    parser.add_argument("-r", "--runs", type=int, default=5, help="timed runs (median shown)")
    args = parser.parse_args()

    vocabulary = Vocabulary()
    with tempfile.TemporaryDirectory(prefix="thrustlib-bench-") as tmp:
        folder = Path(tmp) / "exercises"
        folder.mkdir()
        size = generate(folder, args.files)
        run_once(folder, vocabulary)  # warm-up: imports, caches, the OS page cache
        times = []
        for _ in range(args.runs):
            seconds, built, errors = run_once(folder, vocabulary)
            times.append(seconds)
        median = statistics.median(times)
    print(
        f"corpus: {args.files} files, {size / args.files / 1024:.1f} KiB each on average,"
        f" names from {'free-exercise-db.json' if DATA.is_file() else 'a synthetic list'}"
    )
    print(f"library: {built} exercises, {errors} errors")
    print(f"runs: {', '.join(f'{t:.3f}s' for t in times)}")
    print(f"median: {median:.3f}s = {args.files / median:,.0f} files/second")
    print(
        f"machine: {platform.python_implementation()} {platform.python_version()},"
        f" {platform.machine()}, {os.cpu_count()} CPUs, {platform.processor() or platform.system()}"
    )
    return 0 if errors == 0 and built == args.files else 1


if __name__ == "__main__":
    raise SystemExit(main())
