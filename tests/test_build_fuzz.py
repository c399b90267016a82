"""The whole build, fuzzed: small random sites built by ``thrustlib build`` as CI builds a
stranger's pull request.

Each example makes a site in a fresh temporary folder beside a sentinel folder holding a
secret: random files and folders in exercises/, templates/ and static/ under odd names,
exercise files from a small grammar (valid, broken YAML, empty, binary, one huge line,
nested aliases...), links inside and outside the site and dangling ones, named pipes,
and a site.toml of valid and invalid values for known keys. The build runs in-process
(now and then as a process, to see real tracebacks), and then:

- the exit code is 0 or 1, and stderr holds no traceback and no internal error;
- nothing outside the output folder was written, changed or removed (the site and the
  sentinel folder are compared before and after: names, sizes, mtimes, bytes; the
  content cache, ``.thrustlib-cache/``, is the build's to write and is left out);
- the secret is in no output file unless the site opted in to links out of it;
- the previous output is intact, byte for byte, or replaced whole by what a clean build
  of the same tree gives.

The budget is fixed (``max_examples``, derandomized) so the run is reproducible and
takes well under a minute on two cores; ``THRUSTLIB_FUZZ_EXAMPLES`` raises it for a long
run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from thrustlib import cli
from thrustlib.site.write import MARKER, MARKER_TEXT

SECRET = "fz-secret-51c3a9e0"
FOLDERS = ("exercises", "templates", "static")
EXAMPLES = int(os.environ.get("THRUSTLIB_FUZZ_EXAMPLES", "45"))

# Names a careless or hostile tree may hold: spaces, non-ASCII, leading dashes, dots
# that look like "..", editor leftovers, names the theme uses, and a name near the
# 255-byte limit of one path part.
ODD_NAMES = [
    "a b.md",
    "ünï çødé.md",
    "日本語.md",
    "-leading.md",
    "--",
    "..md",
    "...",
    "..x.md",
    "x..md",
    "#x.md#",
    "x.md~",
    "_x.md",
    ".hidden.md",
    "a.markdown",
    "base.html",
    "exercise.html",
    "index.html",
    "site.css",
    "_headers",
    "README.md",
    "x" * 240 + ".md",
]

name_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
    min_size=1,
    max_size=12,
).filter(lambda n: n not in (".", "..") and len(n.encode()) <= 250)
names = st.one_of(st.sampled_from(ODD_NAMES), name_text, name_text.map(lambda n: n + ".md"))


GENTLE_NAMES = st.sampled_from(
    ["a", "b c", "ünï", "-d", "..e", "f..", "#g#", "h~", "_i", "j" * 200]
)
"""Names a site that builds may hold (gentle trees: most of them build)."""


@st.composite
def exercise_bytes(draw: st.DrawFn, gentle: bool) -> bytes:
    """An exercise file from a small grammar of the shapes a build meets; a gentle one
    is valid (``@SLUG@`` is made unique when the file is written)."""
    shapes = ["valid"] if gentle else ["valid", "broken", "empty", "binary", "huge", "aliases"]
    kind = draw(st.sampled_from([*shapes, "plain"] if not gentle else shapes))
    title = json.dumps(draw(st.text(max_size=20)))  # a JSON string is a YAML string
    if kind == "valid":
        muscles = ["glutes", "hamstrings"] + ([] if gentle else ["no-such-muscle"])
        muscle = draw(st.sampled_from(muscles))
        extra = draw(st.sampled_from(["", "draft: true\n", "variation_of: null\n"]))
        return (
            f'---\ntitle: {title}\nslug: "@SLUG@"\ndescription: "About it."\n'
            f"muscles: [{muscle}]\n{extra}---\n\n## Execution\n1. **Drive**: Push.\n"
        ).encode()
    if kind == "broken":
        return f"---\ntitle: [{title}\n: :\n---\n".encode()
    if kind == "empty":
        return b""
    if kind == "binary":
        return draw(st.binary(max_size=300))
    if kind == "huge":
        return b"---\ndescription: x\nmuscles: [glutes]\n---\n" + b"word " * 60_000
    if kind == "aliases":
        levels = draw(st.integers(1, 40))
        lines = ["l0: &l0 [lol, lol]"] + [
            f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]" for i in range(1, levels)
        ]
        return ("---\ndescription: x\nmuscles: [glutes]\n" + "\n".join(lines) + "\n---\n").encode()
    return draw(st.text(max_size=200)).encode()


# Where links point: inside the site (files and folders, ancestors among them), outside
# it (the sentinel's secret, its folders, a device), or nowhere.
INSIDE_TARGETS = ["exercises", "static", "templates", "content", "content/c.md", ".", ".."]
OUTSIDE_TARGETS = ["secret.txt", "secret.md", "dir", "", "dir/pipe.md", "/dev/zero"]


@dataclass(frozen=True)
class Entry:
    folder: str
    parts: tuple[str, ...]
    kind: str  # file, dir, inside, outside, dangling, fifo
    data: bytes = b""
    target: str = ""


@st.composite
def entries(draw: st.DrawFn, gentle: bool, outside: bool) -> Entry:
    """One entry of a tree; a gentle tree's only warn (loops, pipes, dangling links),
    and link out only when ``outside`` (the site opted in)."""
    folder = draw(st.sampled_from(FOLDERS))
    parts = tuple(draw(st.lists(GENTLE_NAMES if gentle else names, min_size=1, max_size=2)))
    if gentle and folder == "exercises" and draw(st.booleans()):
        parts = (*parts[:-1], parts[-1] + ".md")
    kinds = ["file"] * 6 + ["dir", "inside", "inside", "fifo", "dangling"]
    if outside or not gentle:
        kinds += ["outside", "outside"]
    kind = draw(st.sampled_from(kinds))
    if kind == "file":
        if folder == "exercises":
            data = draw(exercise_bytes(gentle))
        elif folder == "templates" and (gentle or draw(st.booleans())):
            data = draw(st.sampled_from([b"{% extends 'theme/base.html' %}", b"{{ oops", b"<p>"]))
            if gentle:
                parts, data = ("own.html",), b"<p>{{ 1 + 1 }}</p>"
        else:
            data = draw(st.binary(max_size=200))
        return Entry(folder, parts, kind, data)
    if kind == "dangling" and gentle and folder == "exercises":
        kind = "fifo"  # a dangling exercise link is an error
    if kind == "inside":
        targets = INSIDE_TARGETS[-2:] if gentle and folder == "exercises" else INSIDE_TARGETS
        return Entry(folder, parts, kind, target=draw(st.sampled_from(targets)))
    if kind == "outside":
        targets = OUTSIDE_TARGETS[:1] + OUTSIDE_TARGETS[3:] if gentle else OUTSIDE_TARGETS
        return Entry(folder, parts, kind, target=draw(st.sampled_from(targets)))
    return Entry(folder, parts, kind)


# site.toml: known keys with values of the right type (first) and of wrong ones.
TOML_VALUES: dict[str, list[str]] = {
    "site.title": ['"Fuzzed"', '"Ünï"', '""', "5"],
    "site.base_url": ['"/"', '"/lib/"', '"https://example.org/x/"', '"nope"'],
    "site.language": ['"en"', '"de-CH"', '"not a tag"'],
    "build.drafts": ["true", "false", '"yes"'],
    "build.exercises": ['"exercises"', '"content"', '"../sentinel"', '""'],
    "build.static": ['"static"', '"../sentinel/dir"', "1"],
    "build.output": ['"exercises"', "3"],
    "build.max_file_size": ['"2 MiB"', "1024", '"lots"', "-1", '"1 KiB"'],
    "build.max_exercises": ["0", "100", "1", "2", '"many"'],
    "pages.substitutes": ["0", "6", "99", '"x"'],
    "video.nocookie": ["true", "false", "0"],
}
VALID = {"build.exercises": 2, "build.static": 1, "build.output": 0, "build.max_file_size": 1}
"""How many of a key's values are valid, where it is not all but the last."""


@st.composite
def site_toml(draw: st.DrawFn, gentle: bool, opt_in: bool) -> str | None:
    """site.toml's text (``None``: no file); a gentle one is valid."""
    if not gentle and draw(st.sampled_from([False] * 9 + [True])):
        return None
    chosen = draw(st.lists(st.sampled_from(sorted(TOML_VALUES)), unique=True, max_size=5))
    tables: dict[str, list[str]] = {}
    for key in chosen:
        values = TOML_VALUES[key]
        if gentle:
            values = values[: VALID.get(key, len(values) - 1)]
            if not values:
                continue
        table, name = key.split(".")
        tables.setdefault(table, []).append(f"{name} = {draw(st.sampled_from(values))}")
    external = "true" if opt_in else draw(st.sampled_from(["false", '"true"'][: 1 + (not gentle)]))
    tables.setdefault("build", []).append(f"follow_external_symlinks = {external}")
    if not gentle and draw(st.sampled_from([False] * 14 + [True])):
        tables["build"].append("unknown_key = 1")
    return "".join(f"[{t}]\n" + "\n".join(lines) + "\n" for t, lines in sorted(tables.items()))


@dataclass(frozen=True)
class Tree:
    entries: list[Entry]
    late: list[Entry]  # made after a first build, for the incremental path
    toml: str | None
    opted_in: bool
    toml_link: bool
    prebuild: bool
    subprocess: bool


def rarely(times: int) -> st.SearchStrategy[bool]:
    """True about once in ``times``."""
    return st.sampled_from([False] * (times - 1) + [True])


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    """A site: gentle (it should build) about half the time, else hostile."""
    gentle = draw(st.booleans())
    opt_in = draw(rarely(4))
    return Tree(
        entries=draw(st.lists(entries(gentle, opt_in), max_size=10)),
        late=draw(st.lists(entries(gentle, opt_in), max_size=4)),
        toml=draw(site_toml(gentle, opt_in)),
        opted_in=opt_in,
        toml_link=not gentle and draw(rarely(10)),
        prebuild=draw(rarely(3)),
        subprocess=draw(rarely(15)),
    )


def make(site: Path, sentinel: Path, entry: Entry) -> None:
    """Make one entry of the tree; one that cannot be made (a file where its folder
    should be, say) is left out, as a real tree would not have it either."""
    path = site / entry.folder / Path(*entry.parts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(path):
            return
        if entry.kind == "file":
            slug = "ex-" + hashlib.sha256(str(path).encode()).hexdigest()[:12]
            path.write_bytes(entry.data.replace(b"@SLUG@", slug.encode()))
        elif entry.kind == "dir":
            path.mkdir()
        elif entry.kind == "inside":
            path.symlink_to(site / entry.target if entry.target != ".." else path.parent.parent)
        elif entry.kind == "outside":
            path.symlink_to(sentinel / entry.target)
        elif entry.kind == "dangling":
            path.symlink_to(f"nowhere-{len(entry.parts)}")
        elif entry.kind == "fifo":
            os.mkfifo(path)
    except OSError:
        return


def snapshot(top: Path, skip: set[Path]) -> dict[str, tuple[object, ...]]:
    """Every entry below ``top`` but ``skip``: links by their text, files by size, mtime
    and bytes, special files by mode; nothing is opened but regular files."""
    found: dict[str, tuple[object, ...]] = {}
    for folder, dirs, filenames in os.walk(top):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in dirs + filenames:
            path = here / name
            if path in skip:
                continue
            info = path.lstat()
            key = str(path.relative_to(top))
            if stat.S_ISLNK(info.st_mode):
                found[key] = ("link", str(path.readlink()), info.st_mtime_ns)
            elif stat.S_ISDIR(info.st_mode):
                found[key] = ("folder",)
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[key] = ("file", info.st_size, info.st_mtime_ns, digest)
            else:
                found[key] = ("special", info.st_mode, info.st_mtime_ns)
    return found


def output(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder by relative path, with its bytes."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def run(site: Path, out: Path, *, cache: bool, as_process: bool = False) -> tuple[int, str]:
    """``thrustlib build`` of ``site`` into ``out``: the exit code and stderr."""
    args = ["build", "--out", str(out), "-j", "1", "--traceback"]
    args += [] if cache else ["--no-cache"]
    if as_process:
        done = subprocess.run(
            [sys.executable, "-m", "thrustlib", *args],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return done.returncode, done.stderr
    err = io.StringIO()
    previous = signal.signal(signal.SIGALRM, _blocked)
    signal.alarm(60)
    try:
        with contextlib.chdir(site), contextlib.redirect_stderr(err):
            code = cli.main(args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, err.getvalue()


def _blocked(signum: int, frame: object) -> None:
    raise TimeoutError("the build blocked (did it open a named pipe?)")


def check_run(code: int, err: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err, err
    assert "internal error" not in err, err


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tree=trees())
def test_a_random_site_builds_or_fails_cleanly_and_touches_nothing_else(tree: Tree) -> None:
    text = tree.toml
    opted_in = tree.opted_in and text is not None and not tree.toml_link
    with tempfile.TemporaryDirectory(prefix="thrustlib-fuzz-") as temp:
        top = Path(temp).resolve()
        site, sentinel = top / "site", top / "sentinel"
        (sentinel / "dir").mkdir(parents=True)
        (sentinel / "secret.txt").write_text(SECRET)
        (sentinel / "secret.md").write_text(
            f'---\ntitle: "{SECRET}"\ndescription: "{SECRET}"\nmuscles: [glutes]\n---\n'
        )
        (sentinel / "dir" / "secret.css").write_text(SECRET)
        (sentinel / "site.toml").write_text(f'[site]\ntitle = "{SECRET}"\n')
        os.mkfifo(sentinel / "dir" / "pipe.md")
        for folder in (*FOLDERS, "content"):
            (site / folder).mkdir(parents=True)
        (site / "content" / "c.md").write_text("---\ndescription: c\nmuscles: [glutes]\n---\n")
        if tree.toml_link:
            (site / "site.toml").symlink_to(sentinel / "site.toml")
        elif text is not None:
            (site / "site.toml").write_text(text)
        for entry in tree.entries:
            make(site, sentinel, entry)

        out = site / "_site"
        if tree.prebuild:
            code, err = run(site, out, cache=True)
            check_run(code, err)
            for entry in tree.late:
                make(site, sentinel, entry)
        if not out.exists():
            out.mkdir()
            (out / MARKER).write_bytes(MARKER_TEXT)
            (out / "old.html").write_text("the previous site")
        before_output = output(out)
        skip = {out, site / "_clean", site / ".thrustlib-cache"}
        before = snapshot(top, skip)

        code, err = run(site, out, cache=not tree.subprocess, as_process=tree.subprocess)

        check_run(code, err)
        event(f"exit {code}" + (" (after a first build)" if tree.prebuild else ""))
        assert snapshot(top, skip) == before, "a file outside the output changed"
        after_output = output(out)
        if any(SECRET.encode() in data for data in after_output.values()):
            event("the secret published, as the site opted in")
        if not opted_in:
            for path, data in after_output.items():
                assert SECRET.encode() not in data, path
        if code == 1:
            assert after_output == before_output, "a failed build changed the output"
        else:
            clean_code, clean_err = run(site, site / "_clean", cache=False)
            assert clean_code == 0, clean_err
            assert after_output == output(site / "_clean"), "not what a clean build gives"
            assert snapshot(top, skip) == before
