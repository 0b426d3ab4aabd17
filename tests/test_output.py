"""The safe-writing layer on its own: staging beside OUT, the swap, refusals, leftovers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cvsite.errors import CvsiteError
from cvsite.output import LEGACY_MANIFEST, STAGING_MARK, Manifest, Staging, check_output_dir, manifest_file


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative name -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def staging_leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.cvsite-staging-*"))


def dead_pid() -> int:
    """The id of a process that has already exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def written_site(out: Path) -> Path:
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("page", "utf-8")
    (out / "b.pdf").write_bytes(b"pdf")
    return out


def test_manifest_round_trip_keeps_hashes_and_notes(tmp_path: Path) -> None:
    out = written_site(tmp_path / "site")
    manifest = Manifest({"b.pdf": "2", "a/index.html": "1"}, {"b.pdf": {"warnings": ["glyph ✗"]}})
    manifest.write(out)
    again = Manifest.read(out)
    assert again == manifest
    text = manifest_file(out).read_text("utf-8")
    assert text.index('"a/index.html"') < text.index('"b.pdf"'), "sorted, so the manifest is deterministic"


def test_the_manifest_lives_beside_the_site_not_in_it(tmp_path: Path) -> None:
    out = written_site(tmp_path / "site")
    Manifest({"b.pdf": "2"}).write(out)
    assert manifest_file(out) == tmp_path / ".site.cvsite-manifest.json" and manifest_file(out).is_file()
    assert sorted(tree(out)) == ["a/index.html", "b.pdf"], "nothing of the build's state is published"


def test_an_entry_whose_file_changed_is_forgotten(tmp_path: Path) -> None:
    out = written_site(tmp_path / "site")
    Manifest({"b.pdf": "2", "a/index.html": "1"}, {"b.pdf": {"warnings": ["w"]}}).write(out)
    (out / "b.pdf").unlink()
    (out / "b.pdf").write_bytes(b"another pdf")
    (out / "a" / "index.html").unlink()
    assert Manifest.read(out) == Manifest(), "a rewritten or removed file is never reused on trust"


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"files": [1]}', '{"files": {}, "notes": 3}',
                                  '{"files": {"b.pdf": "2"}, "stamps": {"b.pdf": 7}}'])
def test_a_damaged_manifest_reads_as_empty(tmp_path: Path, text: str) -> None:
    out = written_site(tmp_path / "site")
    manifest_file(out).write_text(text, "utf-8")
    assert Manifest.read(out) == Manifest()


def test_refuses_output_equal_to_or_containing_the_profile(tmp_path: Path) -> None:
    source = tmp_path / "cv"
    source.mkdir()
    for out in (source, tmp_path, source / ".." / "cv"):
        with pytest.raises(CvsiteError, match="must not be the profile folder or contain it"):
            check_output_dir(source, out, force=True)
    check_output_dir(source, source / "site", force=False)  # the default is fine


def test_refuses_output_inside_folders_the_build_reads(tmp_path: Path) -> None:
    for inner in ("theme/out", "jobs/site"):
        with pytest.raises(CvsiteError, match="which the build reads"):
            check_output_dir(tmp_path, tmp_path / inner, force=True)


def test_refuses_a_foreign_folder_unless_forced(tmp_path: Path) -> None:
    source, out = tmp_path / "cv", tmp_path / "photos"
    source.mkdir()
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"jpeg")
    with pytest.raises(CvsiteError, match=r"not created by cvsite.*--force"):
        check_output_dir(source, out, force=False)
    check_output_dir(source, out, force=True)
    (out / "holiday.jpg").unlink()
    check_output_dir(source, out, force=False)  # empty is fine
    (out / "index.html").write_text("old", "utf-8")
    manifest_file(out).write_text('{"files": {}}', "utf-8")
    check_output_dir(source, out, force=False)  # ours
    manifest_file(out).unlink()
    (out / LEGACY_MANIFEST).write_text('{"files": {}}', "utf-8")
    check_output_dir(source, out, force=False)  # ours, from a version that kept the manifest inside


def test_refuses_a_file_as_output(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("x", "utf-8")
    with pytest.raises(CvsiteError, match="not a folder"):
        check_output_dir(tmp_path / "cv", tmp_path / "site", force=True)


def test_commit_swaps_the_new_tree_in_and_removes_the_old(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_text("old", "utf-8")
    neighbour = tmp_path / "keep.txt"
    neighbour.write_text("mine", "utf-8")
    staging = Staging(out)
    assert staging.path.parent == out.parent and (staging.path / STAGING_MARK).is_file()
    staging.write_text("a/index.html", "new")
    staging.commit(Manifest({"a/index.html": "h"}))
    assert tree(out) == {"a/index.html": b"new"}
    assert Manifest.read(out) == Manifest({"a/index.html": "h"})
    assert staging_leftovers(out) == []
    assert neighbour.read_text("utf-8") == "mine"


def test_first_commit_creates_out_and_parents(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "site"
    staging = Staging(out)
    staging.write_text("index.html", "hi")
    staging.commit(Manifest({"index.html": "h"}))
    assert (out / "index.html").read_text("utf-8") == "hi"
    assert staging_leftovers(out) == []


def test_discard_leaves_out_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("before", "utf-8")
    before = tree(out)
    staging = Staging(out)
    staging.write_text("index.html", "after")
    staging.discard()
    assert tree(out) == before
    assert staging_leftovers(out) == []


def test_refuses_to_write_outside_the_staging_folder(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "site")
    with pytest.raises(CvsiteError, match="outside the output folder"):
        staging.write_text("../escape.txt", "x")
    assert not (tmp_path / "escape.txt").exists()
    staging.discard()


def test_reuse_links_and_a_later_write_never_changes_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "cv.pdf").write_bytes(b"old pdf")
    staging = Staging(out)
    assert staging.reuse("cv.pdf")
    assert (staging.path / "cv.pdf").stat().st_ino == (out / "cv.pdf").stat().st_ino
    staging.write_bytes("cv.pdf", b"new pdf")  # must replace the link, not write through it
    assert (out / "cv.pdf").read_bytes() == b"old pdf"
    assert not staging.reuse("missing.pdf")
    staging.discard()


def test_stale_staging_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    pid = dead_pid()
    marked = tmp_path / f".site.cvsite-staging-{pid}-1"  # killed while building
    swapped = tmp_path / f".site.cvsite-staging-{pid}-2"  # killed after the swap: the previous OUT
    alive = tmp_path / f".site.cvsite-staging-{os.getpid()}-0"  # a live build (serials start at 1)
    foreign = tmp_path / f".site.cvsite-staging-{pid}-notes"  # not a name a build gives
    for folder in (marked, swapped, alive, foreign):
        folder.mkdir()
        (folder / "index.html").write_text("x", "utf-8")
    (marked / STAGING_MARK).touch()
    (alive / STAGING_MARK).touch()
    staging = Staging(out)
    assert not marked.exists() and not swapped.exists()
    assert alive.exists() and foreign.exists(), "only dead builds' own folders go"
    staging.discard()


def test_a_fallback_swap_killed_halfway_is_undone(tmp_path: Path) -> None:
    """The two-rename swap parks the previous OUT; killed before OUT is back, the next build restores it."""
    out = tmp_path / "site"
    parked = tmp_path / f".site.cvsite-staging-{dead_pid()}-1-previous"
    parked.mkdir()
    (parked / "index.html").write_text("previous", "utf-8")
    staging = Staging(out)
    assert (out / "index.html").read_text("utf-8") == "previous"
    staging.discard()


def test_a_build_killed_between_manifest_and_swap_reuses_only_what_it_shares(tmp_path: Path) -> None:
    """The manifest beside OUT is written just before the swap: if the swap never happens, its
    entries describe the staging folder, and only files OUT shares with it (hard links) count."""
    out = tmp_path / "site"
    first = Staging(out)
    first.write_text("a.html", "first a")
    first.write_text("b.html", "first b")
    first.commit(Manifest({"a.html": "key-a1", "b.html": "key-b1"}))
    second = Staging(out)
    assert second.reuse("a.html")  # unchanged: a hard link to OUT's file
    second.write_text("b.html", "second b, another length")
    Manifest({"a.html": "key-a1", "b.html": "key-b2"}).write(out, tree=second.path)  # ... killed here
    assert Manifest.read(out) == Manifest({"a.html": "key-a1"}), "b.html in OUT is not the one recorded"
    second.discard()
