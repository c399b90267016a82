"""Incremental builds: after any sequence of edits, the output is a clean build's, byte
for byte, and a one-file edit renders only the pages that file feeds."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrustlib.config import load_config
from thrustlib.engine import cache, textedit, workers
from thrustlib.engine.build import BuildResult, build
from thrustlib.errors import ContentError
from thrustlib.site import urls

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "src" / "thrustlib" / "theme" / "templates"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the shipped library: 30 exercises in variation families."""
    copy = tmp_path / "site"
    copy.mkdir()
    shutil.copytree(ROOT / "exercises", copy / "exercises")
    shutil.copy(ROOT / "site.toml", copy / "site.toml")
    (copy / "templates").mkdir()
    (copy / "static").mkdir()
    return copy


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _both(site: Path, *, jobs: int = 1) -> BuildResult:
    """Build ``site`` incrementally into _site and from nothing into a second folder, and
    check that the two are the same, file for file and byte for byte."""
    config = load_config(site)
    result = build(config, cache=True, jobs=jobs)
    clean = site.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    fresh = build(config, output=clean, cache=False, jobs=1)
    # The same warnings too, in the same order (the indexes' own come from the cache).
    assert [str(w) for w in result.warnings] == [str(w) for w in fresh.warnings]
    got, want = _tree(site / "_site"), _tree(clean)
    assert sorted(got) == sorted(want)
    for path in want:
        assert got[path] == want[path], path
    # No folder left behind by a removed page (an update in place removes files one by one).
    assert _folders(site / "_site") == _folders(clean)
    # What the build recorded of its output is the folder as it is, entry by entry, so the
    # next build can trust it (an update in place records only what it touched anew).
    last = cache.last_build(config, site / "_site")
    assert last is not None
    assert last.holds()
    record = last.record
    assert sorted(record.manifest) == sorted(cache.manifest(site / "_site"))
    return result


def _folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def _files(site: Path) -> list[Path]:
    return sorted((site / "exercises").glob("*.md"))


def _edit_text(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    text = path.read_text()
    path.write_text(text.replace("\n## Tips\n", "\n## Tips\n\nA word added here.\n", 1) + "\n")
    return f"text of {path.name}"


def _edit_title(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    text = path.read_text()
    path.write_text(
        re.sub(r'^title: "?([^"\n]*)"?$', r'title: "\1 Renamed"', text, count=1, flags=re.M)
    )
    return f"title of {path.name}"


def _edit_muscles(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    text = path.read_text()
    muscle = rng.choice(["calves", "core", "glutes", "lower back"])
    text = re.sub(r"^muscles:\n(  - .*\n)+", f"muscles:\n  - {muscle}\n", text, count=1, flags=re.M)
    path.write_text(text)
    return f"muscles of {path.name}"


def _edit_parent(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    parent = rng.choice(["null", "glute-bridge", "romanian-deadlift", "hip-thrust"])
    if parent == path.stem:
        parent = "null"
    text = path.read_text()
    if re.search(r"^variation_of:.*$", text, flags=re.M):
        text = re.sub(r"^variation_of:.*$", f"variation_of: {parent}", text, count=1, flags=re.M)
    else:
        text = text.replace("---\n", f"---\nvariation_of: {parent}\n", 1)
    path.write_text(text)
    return f"parent of {path.name}: {parent}"


def _edit_level(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    level = rng.choice(["beginner", "intermediate", "advanced", None])
    text = re.sub(r"^level:.*\n", "", path.read_text(), count=1, flags=re.M)
    if level is not None:
        text = text.replace("---\n", f"---\nlevel: {level}\n", 1)
    path.write_text(text)
    return f"level of {path.name}: {level}"


def _edit_equipment(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    kit = rng.choice(["[bodyweight]", "[barbell, bench]", "[band]", "[]"])
    text = re.sub(r"^equipment:.*\n(  - .*\n)*", "", path.read_text(), count=1, flags=re.M)
    path.write_text(text.replace("---\n", f"---\nequipment: {kit}\n", 1))
    return f"equipment of {path.name}: {kit}"


def _edit_description(site: Path, rng: random.Random) -> str:
    path = rng.choice(_files(site))
    text = re.sub(
        r'^description: "?([^"\n]*)"?$',
        r'description: "\1 Now with more."',
        path.read_text(),
        count=1,
        flags=re.M,
    )
    path.write_text(text)
    return f"description of {path.name}"


def _edit_redirects(site: Path, rng: random.Random) -> str:
    # Old slugs of the file's own (never another's, which would be an error).
    path = rng.choice(_files(site))
    old = rng.choice([[], [f"old-{path.stem}"], [f"old-{path.stem}", f"was-{path.stem}"]])
    text = re.sub(r"^redirect_from:.*\n", "", path.read_text(), count=1, flags=re.M)
    if old:
        text = text.replace("---\n", f"---\nredirect_from: [{', '.join(old)}]\n", 1)
    path.write_text(text)
    return f"redirects of {path.name}: {old}"


def _new_file(site: Path, rng: random.Random) -> str:
    number = rng.randrange(10_000)
    path = site / "exercises" / f"added-move-{number}.md"
    path.write_text(
        f'---\ntitle: "Added Move {number}"\ndescription: "A move added later."\n'
        "muscles: [glutes]\nequipment: [bodyweight]\n---\n\n"
        "## Setup\n\n- Stand tall.\n\n## Execution\n\n1. **Drive**: Push the hips up.\n"
    )
    return f"new {path.name}"


def _delete_file(site: Path, rng: random.Random) -> str:
    # A leaf: deleting a parent would leave its children pointing at nothing (an error).
    texts = {p: p.read_text() for p in _files(site)}
    leaves = [p for p in texts if not any(f"variation_of: {p.stem}\n" in t for t in texts.values())]
    path = rng.choice(leaves)
    path.unlink()
    return f"deleted {path.name}"


def _edit_template(site: Path, rng: random.Random) -> str:
    name = rng.choice(["muscle.html", "exercise.html", "index.html"])
    text = (THEME / name).read_text()
    marker = f"<!-- edited {rng.randrange(1000)} -->"
    (site / "templates" / name).write_text(
        text.replace("{% endblock %}", marker + "{% endblock %}", 1)
    )
    return f"template {name}"


def _edit_static(site: Path, rng: random.Random) -> str:
    (site / "static" / "extra.css").write_text(f"body {{ margin: {rng.randrange(9)}px; }}\n")
    return "static/extra.css"


def _edit_config(site: Path, rng: random.Random) -> str:
    path = site / "site.toml"
    text = path.read_text()
    title = f"Library {rng.randrange(1000)}"
    path.write_text(re.sub(r'^title = ".*"$', f'title = "{title}"', text, count=1, flags=re.M))
    return "site.toml"


EDITS = [
    _edit_text,
    _edit_title,
    _edit_muscles,
    _edit_parent,
    _edit_level,
    _edit_equipment,
    _edit_description,
    _edit_redirects,
    _new_file,
    _delete_file,
    _edit_template,
    _edit_static,
    _edit_config,
]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_any_sequence_of_edits_builds_what_a_clean_build_would(site: Path, seed: int) -> None:
    rng = random.Random(seed)
    _both(site)
    for _ in range(8):
        edit = rng.choice(EDITS)
        what = edit(site, rng)
        try:
            _both(site)
        except AssertionError as exc:
            raise AssertionError(f"after editing the {what}: {exc}") from exc


def test_edits_built_on_two_cores_match_too(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(workers, "can_fork", lambda: True)
    rng = random.Random(7)
    _both(site, jobs=2)
    for edit in (_edit_text, _edit_title, _new_file, _edit_template, _edit_parent):
        edit(site, rng)
        _both(site, jobs=2)


def test_a_text_edit_renders_only_what_the_exercise_feeds(site: Path) -> None:
    first = _both(site)
    assert first.rendered == first.files  # nothing to keep the first time
    path = site / "exercises" / "frog-pump.md"
    path.write_text(path.read_text().replace("\n## Tips\n", "\n## Tips\n\nOne more word.\n", 1))
    folder = (site / "_site").stat().st_ino
    home = (site / "_site" / "index.html").stat().st_ino
    result = _both(site)
    # Other pages show its title, description, muscles and level, none of which changed.
    assert result.rendered == 2  # its own page and the API
    # The two files were moved into the output as it is: no new folder swapped in, the
    # other files not even linked again.
    assert (site / "_site").stat().st_ino == folder
    assert (site / "_site" / "index.html").stat().st_ino == home


def test_a_listed_edit_renders_the_pages_that_list_the_exercise(site: Path) -> None:
    _both(site)
    path = site / "exercises" / "frog-pump.md"
    path.write_text(path.read_text().replace('title: "Frog', 'title: "Banded Frog', 1))
    result = _both(site)
    assert result.rendered is not None and result.rendered < result.files / 2
    # Its own page, its family's, its muscles', the indexes and search, the API and the
    # sitemap, and the pages that name it as a substitute or a progression.
    assert result.rendered >= 10


def test_old_addresses_follow_their_exercise_through_edits(site: Path) -> None:
    path = site / "exercises" / "glute-bridge.md"
    path.write_text(path.read_text().replace("---\n", "---\nredirect_from: [hip-bridge]\n", 1))
    _both(site)
    moved = site / "_site" / "exercises" / "hip-bridge" / "index.html"
    assert "Glute Bridge has moved" in moved.read_text()
    path.write_text(path.read_text().replace("title:", 'title: "Floor Bridge"\nold_title:', 1))
    _both(site)
    assert "Floor Bridge has moved" in moved.read_text()
    # The old address passes to another exercise, in one edit of both files.
    path.write_text(path.read_text().replace("redirect_from: [hip-bridge]\n", "", 1))
    other = site / "exercises" / "frog-pump.md"
    other.write_text(other.read_text().replace("---\n", "---\nredirect_from: hip-bridge\n", 1))
    _both(site)
    assert "../frog-pump/" in moved.read_text()
    assert (site / "_site" / "_redirects").read_text() == (
        "/exercises/hip-bridge/ /exercises/frog-pump/ 301!\n"
        "/exercises/hip-bridge/ /exercises/frog-pump/ 301\n"
    )
    other.write_text(other.read_text().replace("redirect_from: hip-bridge\n", "", 1))
    _both(site)
    assert not moved.exists() and not (site / "_site" / "_redirects").exists()


@pytest.mark.parametrize("edit", ["drop", "delete", "to a live slug"])
def test_the_list_of_old_addresses_follows_every_edit(site: Path, edit: str) -> None:
    # A leaf, so that deleting it leaves no variation without its parent.
    bridge = site / "exercises" / "cable-glute-kickback.md"
    pump = site / "exercises" / "frog-pump.md"
    bridge.write_text(bridge.read_text().replace("---\n", "---\nredirect_from: [hip-bridge]\n", 1))
    pump.write_text(pump.read_text().replace("---\n", "---\nredirect_from: [old-pump]\n", 1))
    _both(site)
    if edit == "delete":
        bridge.unlink()
    else:
        bridge.write_text(bridge.read_text().replace("redirect_from: [hip-bridge]\n", "", 1))
    if edit == "to a live slug":  # the old address becomes an exercise's own
        (site / "exercises" / "hip-bridge.md").write_text(
            '---\ndescription: "A bridge."\nmuscles: [glutes]\n---\n\n## Execution\n1. Up.\n'
        )
    _both(site)
    assert (site / "_site" / "_redirects").read_text().count("hip-bridge") == 0


def test_a_template_edit_keeps_the_api_and_the_sitemap(site: Path) -> None:
    _both(site)
    folder = (site / "_site").stat().st_ino
    before = {p: (site / "_site" / p).stat().st_ino for p in (urls.API_DATA, urls.SITEMAP)}
    _edit_template(site, random.Random(3))
    result = _both(site)
    # Everything but the API, the sitemap, robots.txt, the schema and the search index.
    assert result.rendered is not None
    assert result.rendered == result.files - len(urls.GENERATED) - 1
    # Kept as they were: the very same files, linked into the new output, which is a new
    # folder swapped in whole (most files changed: not an update in place).
    assert {p: (site / "_site" / p).stat().st_ino for p in before} == before
    assert (site / "_site").stat().st_ino != folder


def test_a_changed_output_folder_is_rendered_in_full(site: Path) -> None:
    _both(site)
    (site / "_site" / "index.html").write_text("tampered")
    _edit_text(site, random.Random(4))
    result = _both(site)
    assert result.rendered == result.files


def test_a_settings_change_renders_everything(site: Path) -> None:
    _both(site)
    _edit_config(site, random.Random(5))
    result = _both(site)
    assert result.rendered == result.files


def test_a_text_edit_does_not_index_the_library_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlib.engine import site as engine_site

    _both(site)
    calls: list[int] = []
    real = engine_site.build_library

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_site, "build_library", counting)
    _edit_text(site, random.Random(5))
    build(load_config(site), cache=True)
    assert calls == []  # the last build's indexes: no exercise changed in what they read
    _edit_title(site, random.Random(6))
    build(load_config(site), cache=True)
    assert calls == [1]  # a title is part of them: indexed again
    monkeypatch.undo()
    _both(site)


def test_an_output_that_could_not_be_recorded_is_built_whole_next_time(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlib.site import write

    _both(site)
    out = site / "_site"
    real = write.OutputWriter._update

    def update_then_vanish(self: write.OutputWriter, folder: Path, before: set[str]) -> None:
        real(self, folder, before)
        (out / urls.API_DATA).unlink()  # another process cleaning up, say

    monkeypatch.setattr(write.OutputWriter, "_update", update_then_vanish)
    _edit_text(site, random.Random(7))
    build(load_config(site), cache=True)  # in place; the record cannot hold the folder
    monkeypatch.undo()
    shutil.rmtree(out)  # then the output is deleted by hand
    result = _both(site)
    assert result.rendered == result.files  # nothing taken on trust


# -- edits of text alone: the edited pages, nothing else read ----------------------------


def _add_a_tip(path: Path, words: str = "One more word.") -> None:
    path.write_text(path.read_text().replace("\n## Tips\n", f"\n## Tips\n\n{words}\n", 1))


SECOND_SETUP = "\n## Setup\n\n- Set up again.\n"
"""A second Setup section, before the Tips: a warning of its own."""


def _warn(path: Path, *, on: bool = True) -> None:
    text = path.read_text()
    if on:
        path.write_text(text.replace("\n## Tips\n", SECOND_SETUP + "\n## Tips\n", 1))
    else:
        path.write_text(text.replace(SECOND_SETUP, "", 1))


def test_a_text_edit_reads_no_other_file_nor_the_library(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlib.content import files
    from thrustlib.engine import fileindex
    from thrustlib.engine import site as engine_site

    # Files count as old enough to trust once written (a real one ages two seconds).
    monkeypatch.setattr(fileindex, "RACY_NS", 0)
    _both(site)

    def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError("the whole library was read")

    read: list[str] = []
    real_read = files.read_file

    def reading(path: Path, **kwargs: Any) -> bytes:
        read.append(path.name)
        return real_read(path, **kwargs)

    monkeypatch.setattr(engine_site.Engine, "load", refused)
    monkeypatch.setattr(files, "read_file", reading)
    _add_a_tip(site / "exercises" / "frog-pump.md")
    _add_a_tip(site / "exercises" / "glute-bridge.md", "And another.")
    result = build(load_config(site), cache=True)
    assert result.rendered == 3  # two pages and the API
    assert sorted(read) == ["frog-pump.md", "glute-bridge.md"]
    monkeypatch.undo()
    again = _both(site)  # what it wrote and recorded is a clean build's
    assert again.rendered == 0
    page = site / "_site" / "exercises" / "glute-bridge" / "index.html"
    assert "And another." in page.read_text()


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the builds with the cache that read the whole library (not the clean
    builds :func:`_both` compares with)."""
    from thrustlib.engine import site as engine_site

    calls: list[int] = []
    real = engine_site.Engine.load

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.cache is not None:
            calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine_site.Engine, "load", counting)
    return calls


def test_a_text_edit_that_changes_a_warning_is_built_the_whole_way(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both(site)
    loads = _loads(monkeypatch)
    pump = site / "exercises" / "frog-pump.md"
    _warn(pump)
    result = _both(site)  # the warnings checked against a clean build's, in order
    assert loads == [1]
    assert any("a second 'Setup' section" in str(w) for w in result.warnings)
    _add_a_tip(site / "exercises" / "glute-bridge.md")  # the warning stays as it was
    result = _both(site)
    assert loads == [1]  # taken from the last build
    assert any("a second 'Setup' section" in str(w) for w in result.warnings)
    _warn(pump, on=False)
    result = _both(site)
    assert loads == [1, 1]
    assert not any("a second" in str(w) for w in result.warnings)


def test_a_strict_build_after_a_text_edit_fails_on_the_warnings_and_writes_nothing(
    site: Path,
) -> None:
    _warn(site / "exercises" / "frog-pump.md")
    _both(site)
    before = _tree(site / "_site")
    _add_a_tip(site / "exercises" / "glute-bridge.md")
    with pytest.raises(ContentError) as caught:
        build(load_config(site), cache=True, strict=True)
    assert any("a second 'Setup' section" in str(p) for p in caught.value.problems)
    assert _tree(site / "_site") == before
    _both(site)  # and a build that is not strict writes the edit


def test_edits_of_many_files_or_of_a_hidden_draft_are_built_the_whole_way(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = site / "exercises" / "step-up.md"
    draft.write_text(draft.read_text().replace("---\n", "---\ndraft: true\n", 1))
    _both(site)
    loads = _loads(monkeypatch)
    _add_a_tip(site / "exercises" / "frog-pump.md")  # a draft beside it changes nothing
    _both(site)
    assert loads == []
    _add_a_tip(draft)
    _both(site)
    assert loads == [1]  # the last library had no page of it to go by
    for path in _files(site)[: textedit.MOST + 1]:
        _add_a_tip(path, "Many at once.")
    _both(site)
    assert loads == [1, 1]


def test_a_text_edit_of_exercises_kept_outside_the_site_reads_no_other(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = site.parent / "kept-elsewhere"
    (site / "exercises").rename(outside)
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text().replace(
            'exercises = "exercises"',
            f'exercises = "{outside}"\nfollow_external_symlinks = true',
        )
    )
    _both(site)
    loads = _loads(monkeypatch)
    _add_a_tip(outside / "frog-pump.md")
    result = _both(site)
    assert loads == []
    assert result.rendered == 2


def test_an_api_file_gone_after_the_output_was_checked_is_made_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlib.engine import build as build_module

    _both(site)
    real = build_module.content_cache.last_build

    def checked_then_gone(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        holds, gone = found.holds, []

        def then_gone() -> bool:
            held = holds()
            if not gone:  # once, just after the first check
                (site / "_site" / urls.API_DATA).unlink()  # a cleanup, say
                gone.append(1)
            return held

        return cache.LastBuild(found.record, then_gone)

    monkeypatch.setattr(build_module.content_cache, "last_build", checked_then_gone)
    loads = _loads(monkeypatch)
    _add_a_tip(site / "exercises" / "frog-pump.md")
    build(load_config(site), cache=True)
    assert loads == [1]  # the whole incremental way, which makes every piece again
    monkeypatch.undo()
    assert (site / "_site" / urls.API_DATA).is_file()
    _both(site)


def test_a_text_edit_keeps_the_search_index_named_for_the_preview(site: Path) -> None:
    from thrustlib.engine.build import load_library

    _both(site)
    _add_a_tip(site / "exercises" / "frog-pump.md")
    _both(site)
    config = load_config(site)
    record = cache.last_build(config, site / "_site")
    assert record is not None and record.record.site is not None
    library, _ = load_library(config, cache=True)
    named = cache.search_names(config, drafts=False).get(library)
    assert named == record.record.site.search_index != ""


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.binary(max_size=12), min_size=1, max_size=30),
    st.data(),
)
def test_pieces_spliced_into_the_api_are_where_the_spans_say(
    parts: list[bytes], data: st.DataObject
) -> None:
    slugs = [f"s{n:03d}" for n in range(len(parts))]
    pieces = dict(zip(slugs, parts, strict=True))
    spans: dict[str, tuple[int, int]] = {}
    old = _joined(pieces, spans)
    edited = data.draw(st.sets(st.sampled_from(slugs), max_size=len(slugs)))
    new = {slug: data.draw(st.binary(max_size=20)) for slug in sorted(edited)}
    got, got_spans = textedit._spliced(old, spans, new)
    want_spans: dict[str, tuple[int, int]] = {}
    assert got == _joined({**pieces, **new}, want_spans)
    assert got_spans == want_spans


def _joined(pieces: dict[str, bytes], spans: dict[str, tuple[int, int]]) -> bytes:
    out = b'{"exercises":['
    for n, slug in enumerate(sorted(pieces)):
        out += b"," if n else b""
        spans[slug] = (len(out), len(pieces[slug]))
        out += pieces[slug]
    return out + b'],"version":1}'
