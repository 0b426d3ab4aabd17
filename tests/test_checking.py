"""`cvsite check` end to end: the JSON contract, exit codes and the grouped human report."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cvsite.checking import CheckReport, check_directory, format_report
from cvsite.checks import CHECKS
from cvsite.cli import cli
from cvsite.errors import Problem

EXAMPLE = Path(__file__).resolve().parent.parent / "example_profile"
CLEAN = """\
name: Ada Example
headline: Data scientist who ships forecasting models
experience:
  - role: Data Scientist
    org: Northwind
    start: 2020-01
    highlights:
      - Cut forecast error by 12% with a gradient-boosted model.
"""
WARNED = CLEAN + "summary: 'I recieve messy data. TODO: finish this.'\n"
INVALID = CLEAN + "projets: []\n"


@pytest.fixture
def profile(tmp_path: Path):
    def make(text: str, jobs: dict[str, str] | None = None) -> Path:
        (tmp_path / "profile.yaml").write_text(text, encoding="utf-8")
        for slug, job in (jobs or {}).items():
            (tmp_path / "jobs").mkdir(exist_ok=True)
            (tmp_path / "jobs" / f"{slug}.yaml").write_text(textwrap.dedent(job), encoding="utf-8")
        return tmp_path

    return make


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args], env={"NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_shape_of_warnings(profile) -> None:
    root = profile(WARNED)
    code, out, _ = run(str(root), "--json")
    report = json.loads(out)
    assert code == 0
    assert set(report) == {"errors", "warnings"} and report["errors"] == []
    assert {w["code"] for w in report["warnings"]} == {"spelling", "placeholder"}
    for warning in report["warnings"]:
        assert set(warning) == {"code", "file", "line", "column", "path", "message", "suggestion"}
        where = (warning["file"], warning["line"], warning["path"])
        assert where == (str(root / "profile.yaml"), 9, "summary")
        assert warning["suggestion"]


def test_json_shape_of_errors_and_exit_2(profile) -> None:
    code, out, _ = run(str(profile(INVALID)), "--json")
    report = json.loads(out)
    assert code == 2 and report["warnings"] == []
    [error] = report["errors"]
    assert set(error) == {"file", "line", "column", "path", "message"}
    assert "did you mean 'projects'" in error["message"]


def test_only_warnings_exit_0_and_strict_exit_1(profile) -> None:
    root = profile(WARNED)
    assert run(str(root))[0] == 0
    assert run(str(root), "--strict")[0] == 1
    assert run(str(profile(CLEAN)), "--strict")[0] == 0


def test_human_report_is_grouped_by_file_and_plain_without_colour(profile) -> None:
    root = profile(WARNED, jobs={"acme": """\
        company: Acme
        role: Data Scientist
        note: TBD
        """})
    code, err, _ = run(str(root))
    assert code == 0
    lines = err.splitlines()
    profile_file, job_file = str(root / "profile.yaml"), str(root / "jobs" / "acme.yaml")
    assert lines.index(job_file) < lines.index(profile_file)
    assert f"  {profile_file}:9:1: warning: summary: 'recieve' may be misspelled [spelling]" in lines
    advice = "did you mean 'receive' or 'relieve'? If 'recieve' is right, add it to checks.words"
    assert f"      → {advice}" in lines
    assert f"  {job_file}:3:1: warning: note: looks like a to-do note ('TBD') [placeholder]" in lines
    assert lines[-1] == "0 errors, 3 warnings."
    assert "\x1b[" not in err


def test_quiet_hides_warnings_but_keeps_the_summary(profile) -> None:
    code, err, _ = run(str(profile(WARNED)), "-q")
    assert code == 0 and "recieve" not in err and err.strip() == "0 errors, 2 warnings."


def test_colour_report_styles_labels() -> None:
    problem = Problem("profile.yaml", 3, 1, "summary", "'teh' may be misspelled",
                      code="spelling", suggestion="did you mean 'the'?")
    coloured = format_report(CheckReport(warnings=[problem]), color=True)
    plain = format_report(CheckReport(warnings=[problem]), color=False)
    assert "\x1b[33m" in coloured and "\x1b[" not in plain
    assert plain.splitlines()[:2] == [
        "profile.yaml", "  profile.yaml:3:1: warning: summary: 'teh' may be misspelled [spelling]"]


def test_example_profile_passes_cleanly() -> None:
    report = check_directory(EXAMPLE)
    assert report.errors == [] and report.warnings == [], "\n".join(map(str, report.warnings))


def test_help_lists_every_check_code() -> None:
    help_text = " ".join(CliRunner().invoke(cli, ["check", "--help"]).output.split())
    assert all(code in help_text for code in CHECKS)


def test_a_syntax_error_is_explained_and_does_not_hide_the_other_files(tmp_path: Path) -> None:
    """A broken profile, a broken job and a job with a wrong field: all three in one report,
    each syntax error with its likely cause, its line and a caret, on stdout (`check | less`)."""
    (tmp_path / "profile.yaml").write_text("name: Sam Lee\nheadline: Engineer: backend\n", encoding="utf-8")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "acme.yaml").write_text("company: Acme\n\trole: x\n", encoding="utf-8")
    (tmp_path / "jobs" / "beta.yaml").write_text("company: Beta\nrole: Analyst\nlisted: maybe\n",
                                                 encoding="utf-8")
    code, out, err = run(str(tmp_path))
    assert code == 2 and err == ""
    lines = out.splitlines()
    profile_file = tmp_path / "profile.yaml"
    assert (f"  {profile_file}:2:19: error: invalid YAML: a colon followed by a space inside an unquoted "
            'value starts a new key; put the value in quotes: headline: "Engineer: backend" '
            "(the parser says: mapping values are not allowed in this context)") in lines
    at = lines.index("      | headline: Engineer: backend")
    assert lines[at + 1] == "      | " + " " * 18 + "^"
    assert any(f"{tmp_path / 'jobs' / 'acme.yaml'}:2:1: error: invalid YAML: a tab" in line for line in lines)
    assert any(f"{tmp_path / 'jobs' / 'beta.yaml'}:3:" in line and "listed" in line for line in lines)
    assert lines[-1].startswith("3 errors")


def test_check_of_a_missing_directory_is_a_usage_problem_on_stderr(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert f"{tmp_path / 'nowhere'}: error: no such directory" in err
