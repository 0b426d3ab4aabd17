"""Telling the user what fitting cut: `check` (page-fit), `check --strict`, and `build`'s report.

A copy of the twelve-role fixture whose job asks for one page: fitting must cut
whole projects there, which both commands have to say. The same copy with a
generous limit is the near miss that must stay quiet.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cvsite.build import build_site
from cvsite.checks.fit import CODE, check_page_fit
from cvsite.cli import cli
from cvsite.errors import CvsiteError
from cvsite.freeze import freeze_job
from cvsite.loader import load_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "fitting" / "twelve-roles"


def profile_dir(tmp_path: Path, job_pages: int | None) -> Path:
    """The fixture with `pdf.max_pages` on its one job (None: the profile's limit of 2 applies)."""
    root = tmp_path / "cv"
    shutil.copytree(FIXTURE, root)
    job_file = root / "jobs" / "platform.yaml"
    job = yaml.safe_load(job_file.read_text(encoding="utf-8"))
    if job_pages:
        job["pdf"] = {"max_pages": job_pages}
    job_file.write_text(yaml.safe_dump(job, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def one_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return profile_dir(tmp_path_factory.mktemp("fit"), 1)


def test_check_warns_at_the_jobs_page_limit(one_page: Path) -> None:
    problems = check_page_fit(load_workspace(one_page))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.code == CODE and problem.path == "pdf.max_pages"
    assert problem.file == str(one_page / "jobs" / "platform.yaml")
    lines = (one_page / "jobs" / "platform.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].strip() == "max_pages: 1"
    assert "job 'platform'" in problem.message and "project 'Open-source tool" in problem.message
    assert "raise pdf.max_pages" in (problem.suggestion or "")


def test_check_strict_fails_on_it_and_plain_check_does_not(one_page: Path) -> None:
    plain = CliRunner().invoke(cli, ["check", str(one_page)])
    assert plain.exit_code == 0 and "[page-fit]" in plain.output
    strict = CliRunner().invoke(cli, ["check", str(one_page), "--strict"])
    assert strict.exit_code != 0 and "[page-fit]" in strict.output
    assert "Traceback" not in strict.output


def test_a_limit_that_cuts_no_entry_stays_quiet(tmp_path: Path) -> None:
    root = profile_dir(tmp_path, 6)
    assert check_page_fit(load_workspace(root)) == []


def test_a_job_without_a_limit_is_not_laid_out(tmp_path: Path) -> None:
    root = profile_dir(tmp_path, None)
    profile = root / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("max_pages: 2", "max_pages: null"),
                       encoding="utf-8")
    assert check_page_fit(load_workspace(root)) == []


def test_build_counts_cuts_per_job_lists_them_with_v_and_strict_fails(one_page: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = build_site(one_page, out)
    assert result.cut["platform"], result.cut
    assert any("platform: the page limit cuts" in w for w in result.warnings)
    assert not any(w.startswith("general CV: the page limit") for w in result.warnings)

    quiet = CliRunner().invoke(cli, ["build", str(one_page), "-o", str(out)])
    count = len(result.cut["platform"])
    assert f"platform: {count} cut to fit the page limit (-v lists them)" in quiet.output
    assert "  - bullet '" not in quiet.output
    loud = CliRunner().invoke(cli, ["build", str(one_page), "-o", str(out), "-v"])
    assert "platform: cut to fit the page limit:" in loud.output
    listed = [line for line in loud.output.splitlines() if line.startswith("  - ")]
    assert len(listed) >= count and any(line.startswith("  - project '") for line in listed)

    with pytest.raises(CvsiteError, match=r"warning \(--strict\): platform: the page limit cuts"):
        build_site(one_page, out, strict=True)


def test_a_frozen_job_is_not_laid_out_again(tmp_path: Path) -> None:
    """What was sent is published as it was: its cuts are history, not advice."""
    root = profile_dir(tmp_path, 1)
    assert len(check_page_fit(load_workspace(root))) == 1
    freeze_job(root, "platform")
    assert check_page_fit(load_workspace(root)) == []
