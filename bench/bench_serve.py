"""Save-to-visible latency of ``thrustlib serve`` for a one-file edit in a big site.

Generates sites of 1,000 and 10,000 exercises (in the shape of FORMAT.md) in a temporary
folder, starts a :class:`~thrustlib.serve.server.PreviewServer` on a free port, then edits one
exercise file a number of times and measures, for each edit, the time from the file
being written until the page served over HTTP shows the new text. Prints a table.

    python bench/bench_serve.py                  # 1,000 and 10,000 exercises, 10 edits
    python bench/bench_serve.py --sizes 200 --edits 5

Two kinds of edit: a sentence of the body (the everyday save, which swaps one exercise
into the library) and the title (which changes the library's structure, so the whole
cross-file stage runs again).

The server runs in a child process, as it does for a real user: the polling client
then competes with the server for the CPU but not for the interpreter lock, so the
figures are what a browser would see.
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

MOVEMENTS = (
    ("hip-thrust", "Drive the hips up from a bench to train the glutes."),
    ("glute-bridge", "Lift the hips from the floor to train the glutes."),
    ("squat", "Sit down and stand up to train the quads and glutes."),
    ("deadlift", "Hinge and lift the load from the floor to train the hamstrings."),
    ("row", "Pull the load to the torso to train the back."),
    ("press", "Press the load overhead to train the shoulders."),
    ("curl", "Bend the elbows against the load to train the biceps."),
    ("lunge", "Step forward and drop the back knee to train the quads."),
    ("kickback", "Extend the hip behind you to train the glutes."),
    ("crunch", "Curl the trunk to train the abdominals."),
)
MODIFIERS = (
    "barbell",
    "dumbbell",
    "banded",
    "single-leg",
    "paused",
    "tempo",
    "deficit",
    "elevated",
    "kneeling",
    "standing",
)

BODY = """
## Setup
1. **Stance**: Set the feet about hip width apart.
2. **Grip**: Hold the load firmly with both hands.

## Execution
1. **Brace**: Take a breath and tighten the trunk.
2. **Move**: {text}
3. **Return**: Come back under control.

## Tips
- Breathe out on the hard part.
- **Neutral Neck**: Keep the gaze steady.

## Common Mistakes
- Rushing the lowering part.
- Losing the brace.

Practise with a light load first.
"""


def exercise_text(name: str, description: str, marker: str = "", title: str = "") -> str:
    """One exercise file in the shape real libraries have (video and description only)."""
    video = (name.replace("-", "") + "abcdefghijk")[:11]
    title_line = f'title: "{title}"\n' if title else ""
    return f'---\nvideo: "{video}"\n{title_line}description: "{description}"\n---\n' + BODY.format(
        text=f"Do the movement smoothly. {marker}".strip()
    )


def generate_site(root: Path, count: int) -> list[Path]:
    """Write ``count`` exercise files (and nothing else) below ``root``; return their paths."""
    folder = root / "exercises"
    folder.mkdir(parents=True)
    paths: list[Path] = []
    n = 0
    while len(paths) < count:
        for movement, description in MOVEMENTS:
            for modifier in MODIFIERS:
                if len(paths) >= count:
                    break
                # Plain names for the first round make families: "Barbell Squat" is
                # then inferred as a variation of "Squat", as in real libraries.
                name = movement if n == 0 and modifier == MODIFIERS[0] else f"{modifier}-{movement}"
                if n:
                    name = f"{name}-{n}"
                path = folder / f"{name}.md"
                if path.exists():
                    continue
                path.write_text(exercise_text(name, description), "utf-8")
                paths.append(path)
        n += 1
    return paths


def _serve_child(root: str, conn: Connection) -> None:
    """Run a preview server in this (child) process until the parent says stop."""
    from thrustlib.config import load_config
    from thrustlib.serve.server import PreviewServer, settle_heap

    # The generated files lack 'muscles:', so every one warns; only errors are news here.
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    server = PreviewServer(load_config(Path(root)), port=0)
    server.start()
    settle_heap()  # as `thrustlib serve` does
    conn.send((server.url, time.perf_counter() - started))
    conn.recv()
    server.stop()


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as exc:
        return exc.read()


EDITS: dict[str, Callable[[str, str], str]] = {
    # A sentence of the body: the everyday save.
    "text": lambda slug, marker: exercise_text(slug, "An edited exercise.", marker),
    # The title: the library's structure changes, so the cross-file work runs again.
    "title": lambda slug, marker: exercise_text(slug, "An edited exercise.", title=marker),
}


def measure(count: int, edits: int, workdir: Path) -> tuple[float, dict[str, list[float]]]:
    """Start a server over a ``count``-exercise site; return startup and edit latencies."""
    root = workdir / f"site-{count}"
    paths = generate_site(root, count)
    target = paths[len(paths) // 2]
    slug = target.stem
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve_child, args=(str(root), child))
    process.start()
    try:
        url, startup = parent.recv()
        page = f"{url}exercises/{slug}/"
        _fetch(page)  # the first view renders the page, as opening it in a browser would
        latencies: dict[str, list[float]] = {kind: [] for kind in EDITS}
        for kind, make in EDITS.items():
            for edit in range(edits):
                marker = f"Marker{edit}x{time.time_ns()}"
                text = make(slug, marker)
                time.sleep(0.3)  # let the previous rebuild settle, as between real saves
                written = time.perf_counter()
                target.write_text(text, "utf-8")
                deadline = written + 30
                while marker.encode() not in _fetch(page):
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"the edit {marker} never showed up at {page}")
                    time.sleep(0.001)
                latencies[kind].append(time.perf_counter() - written)
        return startup, latencies
    finally:
        parent.send("stop")
        process.join(30)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of all at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per site size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="thrustlib-bench-") as tmp:
        for count in args.sizes:
            startup, latencies = measure(count, args.edits, Path(tmp))
            rows.append((count, startup, latencies))
            print(f"  {count} exercises done", file=sys.stderr)
    print(f"save-to-visible latency, {args.edits} edits each (debounce window included)")
    header = f"{'exercises':>10} {'edit':>6} {'startup s':>10} {'median ms':>10}"
    print(f"{header} {'p90 ms':>8} {'max ms':>8}")
    for count, startup, latencies in rows:
        for kind, values in latencies.items():
            print(
                f"{count:>10} {kind:>6} {startup:>10.2f}"
                f" {statistics.median(values) * 1000:>10.1f}"
                f" {percentile(values, 0.9) * 1000:>8.1f} {max(values) * 1000:>8.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
