"""`cvsite freeze`: what was sent stays published byte for byte; `unfreeze` goes back to live."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cvsite.build import build_site
from cvsite.checks import run_checks
from cvsite.errors import CvsiteError
from cvsite.explain import as_json, explain, sent_changes
from cvsite.freeze import RECORD, SENT, UNFROZEN, freeze_job, sent_records, unfreeze_job
from cvsite.loader import load_workspace
from cvsite.tokens import job_folders

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def tree(folder: Path) -> dict[str, str]:
    """Every file below `folder` by relative path, as a content hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def frozen_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site fixture with `acme` frozen once (the freeze renders its PDF for real)."""
    root = tmp_path_factory.mktemp("freeze") / "cv"
    shutil.copytree(FIXTURE, root)
    freeze_job(root, "acme")
    return root


@pytest.fixture
def profile(frozen_profile: Path, tmp_path: Path) -> Path:
    root = tmp_path / "cv"
    shutil.copytree(frozen_profile, root)
    return root


def change_profile_and_theme(root: Path) -> None:
    profile = root / "profile.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Senior Data Engineer", "Principal Data Engineer")
                       .replace("I keep data fresh, correct and cheap.", "Fresh data, every hour."),
                       encoding="utf-8")
    (root / "theme").mkdir(exist_ok=True)
    (root / "theme" / "style.css").write_text("body { background: #fee; }\n", encoding="utf-8")


def test_freeze_keeps_the_page_pdf_and_the_styles_it_used(frozen_profile: Path) -> None:
    stored = frozen_profile / SENT / "acme"
    files = tree(stored)
    assert "index.html" in files and any(name.endswith(".pdf") for name in files)
    assert any(name.startswith("assets/") and name.endswith("style.css") for name in files)
    page = (stored / "index.html").read_text("utf-8")
    assert "../assets/" not in page and 'href="assets/' in page
    record = sent_records(frozen_profile)["acme"]
    assert {k: v for k, v in files.items() if k != RECORD} == record.files
    assert record.sections["experience"] == ["fjord", "nordbank"]


def test_frozen_job_survives_profile_and_theme_changes_byte_for_byte(profile: Path, tmp_path: Path) -> None:
    before = build_site(profile, tmp_path / "before", pdf=False)
    assert before.frozen == ["acme"]
    change_profile_and_theme(profile)
    out = tmp_path / "site"
    build_site(profile, out, pdf=False)
    stored = tree(profile / SENT / "acme")
    stored.pop(RECORD)
    assert tree(out / "acme") == stored
    globex = job_folders(load_workspace(profile))["globex"]
    assert "Principal Data Engineer" in (out / globex / "index.html").read_text("utf-8")
    assert "Principal Data Engineer" not in (out / "acme" / "index.html").read_text("utf-8")
    assert tree(out / globex) != tree(tmp_path / "before" / globex)


def test_unfreeze_goes_back_to_live_and_keeps_the_sent_copy(profile: Path, tmp_path: Path) -> None:
    change_profile_and_theme(profile)
    kept = unfreeze_job(profile, "acme")
    assert kept.parent == profile / UNFROZEN and (kept / "index.html").is_file()
    out = tmp_path / "site"
    result = build_site(profile, out, pdf=False)
    page = (out / "acme" / "index.html").read_text("utf-8")
    assert result.frozen == [] and "Principal Data Engineer" in page and "../assets/" in page


def test_freezing_twice_is_refused_and_unfreezing_a_live_job_suggests(profile: Path) -> None:
    with pytest.raises(CvsiteError, match=r"frozen on .* already; run `cvsite unfreeze acme`"):
        freeze_job(profile, "acme")
    with pytest.raises(CvsiteError, match=r"not frozen .*did you mean 'acme'"):
        unfreeze_job(profile, "acmee")
    with pytest.raises(CvsiteError, match=r"no job 'globx'.*did you mean 'globex'"):
        freeze_job(profile, "globx")


def test_a_tampered_frozen_file_fails_the_build_and_keeps_the_old_site(profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(profile, out, pdf=False)
    old = tree(out)
    (profile / SENT / "acme" / "index.html").write_text("<p>edited</p>", encoding="utf-8")
    with pytest.raises(CvsiteError) as caught:
        build_site(profile, out, pdf=False)
    assert "frozen file changed since it was frozen" in str(caught.value)
    assert caught.value.problems[0].file.endswith("acme/index.html")
    assert tree(out) == old


def test_explain_says_frozen_and_what_a_rebuild_would_change(profile: Path) -> None:
    text = (profile / "profile.yaml").read_text("utf-8")
    (profile / "profile.yaml").write_text(text.replace("  - id: nordbank", "  - id: nordbank-ab"), "utf-8")
    cvs = explain(profile, ["acme"])
    [job] = as_json(cvs, sent_changes(profile, cvs))["jobs"]
    assert job["frozen"]["added"] == ["experience: nordbank-ab"]
    assert job["frozen"]["removed"] == ["experience: nordbank"]
    live = explain(profile, ["globex"])
    assert as_json(live, sent_changes(profile, live))["jobs"][0]["frozen"] is None


def test_explain_text_reports_a_reorder(profile: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    job = profile / "jobs" / "acme.yaml"
    job.write_text(job.read_text("utf-8").replace("tags: {kafka: 3, streaming: 2, python: 1}",
                                                  "tags: {kafka: 3, streaming: 2, python: 1, airflow: 9}"),
                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cvsite", "explain", str(profile), "--job", "acme"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    sent_skills = sent_records(profile)["acme"].sections["skills"]
    assert sent_skills[0] != "airflow"
    assert "frozen on " in done.stdout
    assert "  would reorder  skills: airflow, " in done.stdout


def test_freeze_suggests_applied_without_touching_the_job_file(tmp_path: Path) -> None:
    root = tmp_path / "cv"
    shutil.copytree(FIXTURE, root)
    job = root / "jobs" / "globex.yaml"
    before = job.read_bytes()
    env = {**os.environ, "CVSITE_TODAY": "2026-12-02"}
    done = subprocess.run([sys.executable, "-m", "cvsite", "freeze", "globex", str(root)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Froze globex as sent on 2026-12-02" in done.stdout
    assert "set `status: applied` and `applied: 2026-12-02`" in done.stdout
    assert job.read_bytes() == before


def test_check_knows_what_was_frozen(profile: Path) -> None:
    job = profile / "jobs" / "acme.yaml"
    job.write_text(job.read_text("utf-8") + "status: applied\napplied: 2026-11-20\n", encoding="utf-8")
    text = (profile / "profile.yaml").read_text("utf-8")
    (profile / "profile.yaml").write_text(text.replace("  - id: nordbank", "  - id: nordbank-ab"), "utf-8")
    problems = [p for p in run_checks(load_workspace(profile)) if (p.code or "").startswith("application-")]
    assert [(p.code, Path(p.file).name) for p in problems] == [("application-frozen-changed", "acme.yaml")]
    assert "experience: nordbank" in problems[0].message
