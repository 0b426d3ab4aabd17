"""`cvsite export docx|txt`: one CV's file, the same bytes the site offers."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from cvsite.build import build_site
from cvsite.cli import cli
from cvsite.loader import load_workspace
from cvsite.tokens import job_folders

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_profile"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "site"
    build_site(EXAMPLE, out, pdf=False)
    return out


def test_export_docx_for_a_job_is_the_sites_file(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "acme.docx"
    run = CliRunner().invoke(cli, ["export", "docx", str(EXAMPLE), "--job", "ml-engineer", "-o", str(target)])
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == f"Wrote {target}"
    folder = job_folders(load_workspace(EXAMPLE))["ml-engineer"]
    assert target.read_bytes() == (site / folder / "Marta-Wisniewska-CV-Finvera.docx").read_bytes()
    assert "Finvera" in docx.Document(io.BytesIO(target.read_bytes())).core_properties.title


def test_export_docx_names_the_file_like_the_site(site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(cli, ["export", "docx", str(EXAMPLE), "-q"])
    assert run.exit_code == 0 and run.output == ""
    name = "Marta-Wisniewska-CV.docx"
    assert (tmp_path / name).read_bytes() == (site / name).read_bytes()


def test_export_txt_to_standard_output_or_a_file(site: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["export", "txt", str(EXAMPLE), "--job", "product-analyst"])
    assert run.exit_code == 0
    folder = job_folders(load_workspace(EXAMPLE))["product-analyst"]
    expected = (site / folder / "Marta-Wisniewska-CV-Rehome.txt").read_text("utf-8")
    assert run.stdout == expected
    target = tmp_path / "cv.txt"
    assert CliRunner().invoke(cli, ["export", "txt", str(EXAMPLE), "-o", str(target)]).exit_code == 0
    assert target.read_text("utf-8") == (site / "Marta-Wisniewska-CV.txt").read_text("utf-8")


@pytest.mark.parametrize("kind", ["docx", "txt"])
def test_an_unknown_job_exits_2_with_a_suggestion(kind: str, tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["export", kind, str(EXAMPLE), "--job", "ml-enginer", "-o",
                                   str(tmp_path / "x")])
    assert run.exit_code == 2 and "no job 'ml-enginer' (did you mean 'ml-engineer'?)" in run.stderr
    assert "Traceback" not in run.output and not (tmp_path / "x").exists()


def test_an_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "cv.docx"
    run = CliRunner().invoke(cli, ["export", "docx", str(EXAMPLE), "-o", str(target)])
    assert run.exit_code == 2 and f"{target}: error: cannot write" in run.stderr


def test_a_frozen_job_exports_the_file_as_sent(site: Path, tmp_path: Path) -> None:
    """The site publishes a frozen job's files as sent, so export gives those bytes too."""
    for kind, name in (("txt", "Marta-Wisniewska-CV-Isobar-Climate.txt"),
                       ("docx", "Marta-Wisniewska-CV-Isobar-Climate.docx")):
        target = tmp_path / name
        run = CliRunner().invoke(cli, ["export", kind, str(EXAMPLE), "--job", "analytics-engineer",
                                       "-o", str(target)])
        assert run.exit_code == 0, run.output
        sent = EXAMPLE / ".cvsite" / "sent" / "analytics-engineer" / name
        assert target.read_bytes() == sent.read_bytes() == (site / "analytics-engineer" / name).read_bytes()
    shown = CliRunner().invoke(cli, ["export", "txt", str(EXAMPLE), "--job", "analytics-engineer"])
    sent_text = site / "analytics-engineer" / "Marta-Wisniewska-CV-Isobar-Climate.txt"
    assert shown.stdout == sent_text.read_text("utf-8")
