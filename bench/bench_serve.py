"""Start-up and save-to-visible latency of ``thrustlib serve`` on a big site.

Writes a site of N exercises (``--corpus``: ``corpus.py``'s shapes, ``real`` by
default, or this script's own ``minimal`` files, on which the older figures were
taken) in a temporary folder and runs ``thrustlib serve`` on it as a child process, as
a user would. It measures:

- start-up to the first page: from starting the process until the home page has been
  served over HTTP, without a content cache (``.thrustlib-cache/`` deleted) and with a
  warm one (after one ``thrustlib build`` of the site), the median of ``--starts``;
- save-to-visible latency: one exercise file is edited ``--edits`` times, and each time
  the time from the file being written until the page fetched over HTTP shows the new
  text is taken; median, p90 and maximum. Two kinds of edit: a sentence added to a list
  item (the everyday save, which swaps one exercise into the library) and the title
  (which changes the library's structure, so the whole cross-file stage runs again).

    python bench/bench_serve.py                         # real, 1,000 and 10,000, 10 edits
    python bench/bench_serve.py --corpus tidy --sizes 200 --edits 5 --starts 1

The polling client competes with the server for the CPU but not for its interpreter
lock, so the figures are what a browser would see. The debounce window of the file
watcher is part of every latency.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchutil import machine, median, percentile, run_process, thrustlib_build
from corpus import SHAPES, SITE_TOML, edit_sentence, edit_title, write_site

from thrustlib.content.text import slugify

CORPORA = (*SHAPES, "minimal")


# --- the minimal corpus, on which the older figures were taken ----------------------

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


def exercise_text(name: str, description: str) -> str:
    """One file of the ``minimal`` corpus: video and description, one short body."""
    video = (name.replace("-", "") + "abcdefghijk")[:11]
    body = BODY.format(text="Do the movement smoothly.")
    return f'---\nvideo: "{video}"\ndescription: "{description}"\n---\n{body}'


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


EDITS: dict[str, Callable[[str, str], str]] = {
    # A sentence of the body: the everyday save.
    "text": lambda text, marker: edit_sentence(text, f"{marker}."),
    # The title: the library's structure changes, so the cross-file work runs again.
    "title": lambda text, marker: edit_title(text, f"Retitled {marker}"),
}


@dataclass(slots=True)
class Figures:
    cold: list[float] = field(default_factory=list)
    """Seconds from process start to the first page, without a content cache."""
    warm: list[float] = field(default_factory=list)
    """The same with the cache of a previous build."""
    latencies: dict[str, list[float]] = field(default_factory=dict)


def _fetch(url: str, timeout: float = 10) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as exc:
        return exc.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """``thrustlib serve`` on a site, in a child process of its own."""

    def __init__(self, site: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        command = [sys.executable, "-m", "thrustlib", "serve", "--quiet"]
        command += ["--port", str(self.port)]
        self.log = (site / "serve.log").open("ab")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=site, stdout=self.log, stderr=subprocess.STDOUT
        )

    def first_page(self, timeout: float = 300) -> float:
        """Seconds from the start until the home page came back whole."""
        deadline = self.started + timeout
        while True:
            try:
                # The port is bound before the first build and answered after it: a
                # request that connects waits for the site instead of failing.
                body = _fetch(self.url, timeout)
                if b"</html>" in body:
                    return time.perf_counter() - self.started
            except (ConnectionError, urllib.error.URLError):
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"thrustlib serve exited with {self.process.returncode}")
            if time.perf_counter() > deadline:
                raise SystemExit(f"no page from {self.url} after {timeout:.0f} s")
            time.sleep(0.005)

    def stop(self) -> None:
        # Ctrl-C, as a user stops it; then the process itself, should it not stop.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def make_site(site: Path, corpus: str, count: int) -> None:
    if corpus == "minimal":
        generate_site(site, count)
        (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    else:
        write_site(site, corpus, count)


def measure(site: Path, corpus: str, count: int, edits: int, starts: int) -> Figures:
    make_site(site, corpus, count)
    figures = Figures()
    for _ in range(starts):
        shutil.rmtree(site / ".thrustlib-cache", ignore_errors=True)
        server = Server(site)
        try:
            figures.cold.append(server.first_page())
        finally:
            server.stop()
    run_process(thrustlib_build(), site, site / "build.log")  # fills .thrustlib-cache/
    for _ in range(starts - 1):
        server = Server(site)
        try:
            figures.warm.append(server.first_page())
        finally:
            server.stop()
    server = Server(site)  # the last warm start stays up for the edits
    try:
        figures.warm.append(server.first_page())
        paths = sorted((site / "exercises").glob("*.md"))
        target = paths[len(paths) // 2]
        original = target.read_text("utf-8")
        page = f"{server.url}exercises/{slugify(target.stem)}/"
        _fetch(page)  # the first view renders the page, as opening it in a browser would
        for kind, make in EDITS.items():
            figures.latencies[kind] = []
            for edit in range(edits):
                marker = f"Marker{edit}x{time.time_ns()}"
                text = make(original, marker)
                time.sleep(0.3)  # let the previous rebuild settle, as between real saves
                written = time.perf_counter()
                target.write_text(text, "utf-8")
                deadline = written + 60
                while marker.encode() not in _fetch(page):
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"the edit {marker} never showed up at {page}")
                    time.sleep(0.001)
                figures.latencies[kind].append(time.perf_counter() - written)
        target.write_text(original, "utf-8")
    finally:
        server.stop()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table of start-ups and one of latencies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=CORPORA, default="real", help="the files served")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=10, help="edits of each kind")
    parser.add_argument("--starts", type=int, default=3, help="start-ups of each kind")
    args = parser.parse_args(argv)
    if args.edits < 1 or args.starts < 1:
        parser.error("--edits and --starts must be 1 or more")
    print(f"machine: {machine()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="thrustlib-bench-") as tmp:
        for count in args.sizes:
            site = Path(tmp) / f"site-{count}"
            rows.append((count, measure(site, args.corpus, count, args.edits, args.starts)))
            print(f"  {count} exercises done", flush=True)
    print(f"\nstart-up of `thrustlib serve` to the first page, median of {args.starts}")
    print("| exercises | corpus | no cache (s) | warm cache (s) |")
    print("|---:|---|---:|---:|")
    for count, figures in rows:
        print(
            f"| {count:,} | {args.corpus} | {median(figures.cold):.2f}"
            f" | {median(figures.warm):.2f} |"
        )
    print(f"\nsave-to-visible latency, {args.edits} edits each (debounce window included)")
    print("| exercises | corpus | edit | median (ms) | p90 (ms) | max (ms) |")
    print("|---:|---|---|---:|---:|---:|")
    for count, figures in rows:
        for kind, values in figures.latencies.items():
            print(
                f"| {count:,} | {args.corpus} | {kind} | {median(values) * 1000:.1f}"
                f" | {percentile(values, 0.9) * 1000:.1f} | {max(values) * 1000:.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
