"""Names in the input never reach files outside the profile folder, the theme or the output.

Job slugs, posting files, theme names, the theme override folder and the
photo reference are each tried with `../`, absolute paths and symlinks that
point out: each is a clear error naming the file (and line), and nothing of
the file outside shows up in the site or in the message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hostile_support import job_data, profile_data, write_workspace

from cvsite.build import build_site
from cvsite.checking import check_directory
from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.output import manifest_file

SECRET = "SECRET-6f1d2c-do-not-publish"
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")


def plain(field: str) -> str:
    return f"plain {field}"


def web(_field: str) -> str:
    return "https://example.com/"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the profile folder holding a secret in every kind of file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for name in ("secret.txt", "secret.md", "secret.yaml", "page.html", "style.css"):
        (folder / name).write_text(f"company: {SECRET}\nrole: {SECRET}\n", encoding="utf-8")
    return folder


def workspace(tmp_path: Path, **job_fields: object) -> Path:
    root = tmp_path / "cv"
    job = {**job_data(plain, web), **job_fields}
    return write_workspace(root, profile_data(plain, web), {"acme": job})


def problems_of(root: Path) -> list:
    with pytest.raises(CvsiteError) as caught:
        load_workspace(root)
    assert SECRET not in str(caught.value)
    return caught.value.problems


def assert_no_secret(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("posting", ["../outside/secret.txt", "../../outside/secret.md",
                                     "jobs/../../outside/secret.txt", "ABSOLUTE"])
def test_posting_file_outside_jobs_is_refused(tmp_path: Path, outside: Path, posting: str) -> None:
    value = str(outside / "secret.txt") if posting == "ABSOLUTE" else posting
    root = workspace(tmp_path, posting=value)
    (problem,) = problems_of(root)
    assert (problem.path, problem.file) == ("posting", str(root / "jobs" / "acme.yaml"))
    assert "is outside the jobs/ folder" in problem.message and problem.line > 1


@needs_symlinks
def test_posting_symlink_pointing_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    root = workspace(tmp_path, posting="ad.txt")
    (root / "jobs" / "ad.txt").symlink_to(outside / "secret.txt")
    (problem,) = problems_of(root)
    assert problem.path == "posting" and "outside the jobs/ folder" in problem.message


@needs_symlinks
def test_job_file_symlink_pointing_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    root = workspace(tmp_path)
    (root / "jobs" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (problem,) = problems_of(root)
    assert problem.file == str(root / "jobs" / "leak.yaml")
    assert "link to a file outside" in problem.message


@needs_symlinks
def test_job_symlink_inside_jobs_is_fine(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "jobs" / "acme-copy.yaml").symlink_to(root / "jobs" / "acme.yaml")
    assert sorted(load_workspace(root).jobs) == ["acme", "acme-copy"]


@pytest.mark.parametrize("name", ["x.y.yaml", "Bad Name.yaml", "-x.yaml", "a..b!.yaml", "ÄÖ.yaml"])
def test_unusable_job_file_names_are_refused(tmp_path: Path, name: str) -> None:
    root = workspace(tmp_path)
    (root / "jobs" / name).write_text(yaml.safe_dump(job_data(plain, web)), encoding="utf-8")
    (problem,) = problems_of(root)
    assert problem.file == str(root / "jobs" / name) and "not a usable slug" in problem.message


def test_slug_that_would_overwrite_site_files_is_refused(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "jobs" / "assets.yaml").write_text(yaml.safe_dump(job_data(plain, web)), encoding="utf-8")
    with pytest.raises(CvsiteError, match="rename the file") as caught:
        build_site(root, tmp_path / "out", pdf=False)
    assert caught.value.problems[0].file == str(root / "jobs" / "assets.yaml")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("theme", ["../../etc", "/etc", "modern/../classic", "modern/", "..", "themes"])
@pytest.mark.parametrize("where", ["profile", "job"])
def test_theme_names_are_only_built_in_themes(tmp_path: Path, theme: str, where: str) -> None:
    root = tmp_path / "cv"
    profile, job = profile_data(plain, web), job_data(plain, web)
    (profile if where == "profile" else job)["theme"] = theme
    write_workspace(root, profile, {"acme": job})
    (problem,) = problems_of(root)
    assert problem.path == "theme" and problem.line > 1
    assert problem.message.startswith(f"unknown theme '{theme}'")
    assert problem.file.endswith("profile.yaml" if where == "profile" else "acme.yaml")
    report = check_directory(root)
    assert [p.path for p in report.errors] == ["theme"]


@needs_symlinks
@pytest.mark.parametrize("link", ["page.html", "partials/head.html", "style.css", "fonts"])
def test_theme_override_symlinks_pointing_outside_are_refused(tmp_path: Path, outside: Path,
                                                              link: str) -> None:
    root = workspace(tmp_path)
    override = root / "theme" / link
    override.parent.mkdir(parents=True, exist_ok=True)
    override.symlink_to(outside if link == "fonts" else outside / Path(link).name)
    with pytest.raises(CvsiteError) as caught:
        build_site(root, tmp_path / "site", pdf=False)
    message = str(caught.value)
    assert str(override) in message and "outside" in message and SECRET not in message
    assert not (tmp_path / "site").exists()


@needs_symlinks
def test_theme_override_symlink_inside_the_folder_is_used(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    theme = root / "theme"
    theme.mkdir()
    (theme / "extra.css").write_text("/* mine */", encoding="utf-8")
    (theme / "style.css").symlink_to(theme / "extra.css")
    build_site(root, tmp_path / "site", pdf=False)
    assert (tmp_path / "site" / "assets" / "modern" / "style.css").read_text("utf-8") == "/* mine */"


@pytest.mark.parametrize("image", ["../outside/secret.txt", "/etc/passwd", "file:///etc/passwd",
                                   "http://127.0.0.1:9/me.jpg"])
def test_photo_reference_is_never_read_or_shown(tmp_path: Path, outside: Path, image: str) -> None:
    root = tmp_path / "cv"
    profile = {**profile_data(plain, web), "image": image}
    write_workspace(root, profile, {"acme": job_data(plain, web)})
    build_site(root, tmp_path / "site", pdf=False)
    assert_no_secret(tmp_path / "site")
    for page in (tmp_path / "site").rglob("*.html"):
        assert image not in page.read_text("utf-8")


def test_every_output_file_stays_inside_the_output_folder(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    for slug in ("a", "z-9", "x_y"):
        (root / "jobs" / f"{slug}.yaml").write_text(yaml.safe_dump(job_data(plain, web)), "utf-8")
    before = {p for p in tmp_path.rglob("*")}
    build_site(root, tmp_path / "site", pdf=False)
    created = {p for p in tmp_path.rglob("*")} - before
    site = (tmp_path / "site").resolve()
    beside = {manifest_file(tmp_path / "site")}  # the build's state, kept out of the published tree
    assert beside <= created and all(p.resolve().is_relative_to(site) for p in created - beside)
    assert {p.name for p in (tmp_path / "site").iterdir() if p.is_dir()} >= {"a", "z-9", "x_y", "acme"}
