"""`cvsite deploy` against real local bare repositories, with real git and real builds.

The profile is a git repository in a deliberately messy state (a staged
change, an unstaged edit, an untracked file); every deploy must leave that
state byte for byte as it was, and the published branch must hold exactly the
built site.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from cvsite import __version__
from cvsite.build import build_site
from cvsite.cli import cli
from cvsite.deploy import _guess_base_url
from cvsite.deploy import deploy as publish
from cvsite.tokens import read_tokens

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
IDENTITY = {"GIT_AUTHOR_NAME": "Jonas Tester", "GIT_AUTHOR_EMAIL": "jonas@example.test",
            "GIT_COMMITTER_NAME": "Jonas Tester", "GIT_COMMITTER_EMAIL": "jonas@example.test"}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        if os.environ.get("CI"):
            pytest.fail("git is not installed; .ci/run installs it")
        pytest.skip("git is not installed")
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass
class Setup:
    profile: Path
    remote: Path


def make_profile(root: Path, jobs: tuple[str, ...] = ("acme", "globex")) -> Path:
    """The fixture profile with two jobs (one listed, one unlisted: three PDFs per build)."""
    profile = Path(shutil.copytree(FIXTURE, root / "cv"))
    for job in (profile / "jobs").glob("*.yaml"):
        if job.stem not in jobs:
            job.unlink()
    return profile


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    """A profile repository whose origin is a bare repository, with unlisted tokens committed."""
    profile = make_profile(tmp_path)
    build_site(profile, tmp_path / "first-build", pdf=False)  # makes .cvsite/tokens.yaml, as a user would
    remote = tmp_path / "pages.git"
    git("init", "-q", "--bare", str(remote))
    git("init", "-q", "-b", "main", cwd=profile)
    git("add", "-A", cwd=profile)
    git("commit", "-q", "-m", "my profile", cwd=profile)
    git("remote", "add", "origin", str(remote), cwd=profile)
    return Setup(profile, remote)


def messy(profile: Path) -> None:
    """Staged, unstaged and untracked changes: what a user's tree looks like mid-edit."""
    (profile / "notes.txt").write_text("untracked, private\n", "utf-8")
    (profile / "jobs" / "acme.yaml").write_text(
        (profile / "jobs" / "acme.yaml").read_text("utf-8") + "note: staged\n", "utf-8")
    git("add", "jobs/acme.yaml", cwd=profile)
    (profile / "jobs" / "globex.txt").write_text(
        (profile / "jobs" / "globex.txt").read_text("utf-8") + "\nUnstaged line.\n", "utf-8")


def repository_state(profile: Path) -> dict[str, object]:
    """HEAD, current branch, refs, status, the index file's bytes and every working file's hash."""
    files = {p.relative_to(profile).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(profile.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(profile).parts}
    return {
        "head": git("rev-parse", "HEAD", cwd=profile),
        "branch": git("symbolic-ref", "HEAD", cwd=profile),
        "refs": git("for-each-ref", cwd=profile),
        "status": git("status", "--porcelain", "--untracked-files=all", cwd=profile),
        "index": (profile / ".git" / "index").read_bytes(),
        "files": files,
    }


def branch_files(remote: Path, branch: str = "gh-pages") -> dict[str, str]:
    """Path -> blob sha of every file on the published branch."""
    lines = git("--git-dir", str(remote), "ls-tree", "-r", branch).splitlines()
    return {line.split("\t", 1)[1]: line.split()[2] for line in lines}


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def site_files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): blob_sha(p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def deploy(*args: str) -> tuple[int, str, str]:
    run = CliRunner().invoke(cli, ["deploy", *args])
    assert "Traceback" not in run.output, run.output
    return run.exit_code, run.stdout, run.stderr


# -- publishing ----------------------------------------------------------------------------


def test_deploy_publishes_exactly_the_site_and_leaves_the_repository_alone(setup: Setup,
                                                                           tmp_path: Path) -> None:
    messy(setup.profile)
    before = repository_state(setup.profile)
    code, _, err = deploy(str(setup.profile))
    assert code == 0, err
    assert repository_state(setup.profile) == before, "working tree, index, HEAD and refs untouched"
    expected = tmp_path / "expected"
    build_site(setup.profile, expected, base_url="https://cv.jonas.example/")  # what the user sees locally
    published = branch_files(setup.remote)
    assert published == site_files(expected), "the branch holds exactly the built site, byte for byte"
    assert not [path for path in published if path.startswith(("jobs/", ".cvsite", "profile"))]
    assert "notes.txt" not in published and ".nojekyll" in published and "CNAME" in published
    assert f"Published {len(published)} file(s) to gh-pages of {setup.remote}" in err


def test_history_accumulates_and_an_unchanged_site_pushes_nothing(setup: Setup) -> None:
    assert deploy(str(setup.profile))[0] == 0
    first = git("--git-dir", str(setup.remote), "rev-parse", "gh-pages").strip()
    profile = setup.profile / "profile.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Oslo, Norway", "Bergen, Norway"), "utf-8")
    code, _, err = deploy(str(setup.profile), "-m", "Moved to Bergen")
    assert code == 0, err
    log = git("--git-dir", str(setup.remote), "log", "--format=%H %P", "gh-pages").splitlines()
    assert len(log) == 2 and log[0].split()[1] == first, "the new commit sits on top of the previous one"
    message = git("--git-dir", str(setup.remote), "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("Moved to Bergen") and f"cvsite {__version__}" in message
    counts = re.search(r"\((\d+) added, (\d+) changed, (\d+) removed\)", err)
    assert counts and counts.group(1) == counts.group(3) == "0" and int(counts.group(2)) >= 2, err
    code, _, err = deploy(str(setup.profile))
    assert code == 0 and "already holds this site; nothing pushed" in err
    assert len(git("--git-dir", str(setup.remote), "rev-list", "gh-pages").split()) == 2


def test_default_message_names_the_version_and_the_source_commit(setup: Setup) -> None:
    assert deploy(str(setup.profile))[0] == 0
    message = git("--git-dir", str(setup.remote), "log", "-1", "--format=%B", "gh-pages").strip()
    head = git("rev-parse", "--short=12", "HEAD", cwd=setup.profile).strip()
    assert message == f"Published with cvsite {__version__} from {head}"
    author = git("--git-dir", str(setup.remote), "log", "-1", "--format=%an <%ae>", "gh-pages").strip()
    assert author == "Jonas Tester <jonas@example.test>"


def test_remote_url_from_a_folder_that_is_no_repository(tmp_path: Path) -> None:
    """The safe layout: a private profile anywhere, the site pushed to a separate public repository."""
    profile = make_profile(tmp_path, jobs=("acme",))
    remote = tmp_path / "user.github.io.git"
    git("init", "-q", "--bare", str(remote))
    code, out, err = deploy(str(profile), "--remote", str(remote), "--branch", "main", "--dry-run")
    assert code == 0, err
    listed = out.splitlines()
    assert "index.html" in listed and "acme/index.html" in listed and ".nojekyll" in listed
    assert "nothing pushed" in err and git("--git-dir", str(remote), "for-each-ref") == ""
    code, _, err = deploy(str(profile), "--remote", str(remote), "--branch", "main")
    assert code == 0, err
    assert set(branch_files(remote, "main")) == set(listed)


# -- refusals --------------------------------------------------------------------------------


def test_refuses_outside_a_repository_without_remote(tmp_path: Path) -> None:
    profile = make_profile(tmp_path, jobs=("acme",))
    code, out, err = deploy(str(profile))
    assert code == 2 and out == ""
    assert err.strip() == (f"cvsite deploy: {profile}: is not in a git repository; pass --remote URL to "
                           "publish to another repository (for example a public <user>.github.io)")


def test_refuses_a_missing_remote_name(setup: Setup) -> None:
    code, _, err = deploy(str(setup.profile), "--remote-name", "pages")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "has no remote 'pages'" in err


def test_refuses_an_unreachable_remote_before_building(setup: Setup, tmp_path: Path) -> None:
    before = repository_state(setup.profile)
    for remote in (str(tmp_path / "missing.git"), "https://127.0.0.1:9/nobody/site.git"):
        code, out, err = deploy(str(setup.profile), "--remote", remote)
        assert code == 2 and out == "", err
        assert err.startswith(f"cvsite deploy: {remote}: cannot reach the remote: ")
        assert len(err.strip().splitlines()) == 1
    assert repository_state(setup.profile) == before


def test_a_failed_build_pushes_nothing(setup: Setup) -> None:
    assert deploy(str(setup.profile))[0] == 0
    tip = git("--git-dir", str(setup.remote), "rev-parse", "gh-pages")
    (setup.profile / "theme").mkdir()
    broken = '{% extends "theme:page.html" %}\n{{ oops( }}\n'
    (setup.profile / "theme" / "page.html").write_text(broken, "utf-8")
    code, _, err = deploy(str(setup.profile))
    assert code == 2
    assert f"{setup.profile / 'theme' / 'page.html'}:2:1: error: template error" in err
    assert err.strip().endswith("Nothing was published.")
    assert git("--git-dir", str(setup.remote), "rev-parse", "gh-pages") == tip


def test_refuses_without_git(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(setup.profile / "no-programs-here"))
    code, _, err = deploy(str(setup.profile))
    assert code == 2
    assert err.strip() == "cvsite deploy: git: is not installed; cvsite deploy publishes with git"


def test_refuses_a_bad_branch_name(setup: Setup) -> None:
    code, _, err = deploy(str(setup.profile), "--branch", "two..dots")
    assert code == 2 and "not a valid branch name" in err


# -- CNAME and addresses ---------------------------------------------------------------------


def without_domain(profile: Path) -> None:
    text = (profile / "profile.yaml").read_text("utf-8")
    assert "domain: cv.jonas.example" in text
    (profile / "profile.yaml").write_text(text.replace("domain: cv.jonas.example\n", ""), "utf-8")


def test_cname_comes_from_the_profile_folder_or_is_kept_from_the_branch(tmp_path: Path) -> None:
    profile = make_profile(tmp_path, jobs=("acme",))
    without_domain(profile)
    remote = tmp_path / "site.git"
    git("init", "-q", "--bare", str(remote))
    (profile / "CNAME").write_text("me.example.org\n", "utf-8")
    assert deploy(str(profile), "--remote", str(remote))[0] == 0
    assert git("--git-dir", str(remote), "show", "gh-pages:CNAME") == "me.example.org\n"
    (profile / "CNAME").unlink()
    (profile / "profile.yaml").write_text((profile / "profile.yaml").read_text("utf-8") + "\n", "utf-8")
    code, _, err = deploy(str(profile), "--remote", str(remote), "-m", "again")
    assert code == 0 and "CNAME kept from the branch" in err
    assert git("--git-dir", str(remote), "show", "gh-pages:CNAME") == "me.example.org\n"


def test_unlisted_addresses_are_printed_with_the_sites_url(setup: Setup) -> None:
    code, out, _ = deploy(str(setup.profile), "--dry-run")
    token = read_tokens(setup.profile)["globex"]
    assert code == 0 and f"https://cv.jonas.example/globex-{token}/" in out
    assert f"globex-{token}/index.html" in out.splitlines()


@pytest.mark.parametrize(("url", "expected"), [
    ("git@github.com:Jonas/cv-site.git", "https://jonas.github.io/cv-site/"),
    ("https://github.com/jonas/cv-site", "https://jonas.github.io/cv-site/"),
    ("ssh://git@github.com/jonas/jonas.github.io.git", "https://jonas.github.io/"),
    ("https://gitlab.com/jonas/cv.git", None),
    ("/srv/git/site.git", None),
])
def test_the_pages_address_is_guessed_only_for_github(url: str, expected: str | None) -> None:
    assert _guess_base_url(None, url) == expected
    assert _guess_base_url("cv.example.org", url) == "https://cv.example.org/"


def test_a_new_unlisted_job_gets_its_address_and_a_reminder_to_commit_it(setup: Setup) -> None:
    (setup.profile / "jobs" / "initech.yaml").write_text("company: Initech\nrole: Data Engineer\n", "utf-8")
    code, _, err = deploy(str(setup.profile), "--dry-run")
    assert code == 0 and "initech" in read_tokens(setup.profile)
    assert f"new unlisted addresses saved in {setup.profile / '.cvsite' / 'tokens.yaml'}: commit it" in err
    assert os.path.exists(setup.profile / ".cvsite" / "tokens.yaml")


def test_from_a_fresh_init_one_command_publishes(tmp_path: Path) -> None:
    profile = tmp_path / "me"
    assert CliRunner().invoke(cli, ["init", str(profile), "--github-pages"]).exit_code == 0
    remote = tmp_path / "pages.git"
    git("init", "-q", "--bare", str(remote))
    git("init", "-q", "-b", "main", cwd=profile)
    git("remote", "add", "origin", str(remote), cwd=profile)
    code, out, err = deploy(str(profile))
    assert code == 0, err
    published = branch_files(remote)
    assert {"index.html", "404.html", ".nojekyll", "robots.txt"} <= set(published)
    folders = {path.split("/")[0] for path in published if path.count("/") == 1 and path.endswith(".pdf")}
    assert len(folders) == 1 and next(iter(folders)).startswith("example-job-"), "the example job, unlisted"
    assert next(iter(folders)) in out, "its address is printed"
    assert not [p for p in published if p.startswith((".github", ".cvsite", "jobs/", "profile.yaml"))]


def test_deploy_reuses_the_pdfs_of_the_last_build_and_leaves_that_build_alone(setup: Setup) -> None:
    build_site(setup.profile)  # the user's own build, into DIR/site
    site = setup.profile / "site"
    before = {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
              for p in site.rglob("*") if p.is_file()}
    result = publish(setup.profile)
    assert (result.build.pdfs_rendered, result.build.pdfs_reused) == (0, 3), "nothing to render again"
    assert result.build.rendered == {}, "nor any other document (the letter PDF among them)"
    after = {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
             for p in site.rglob("*") if p.is_file()}
    assert after == before, "the user's site folder is only read"
    published = branch_files(setup.remote)
    pdfs = [path for path in before if path.endswith(".pdf")]
    assert len(pdfs) == 4 and all(published[path] == blob_sha(before[path][2]) for path in pdfs)
