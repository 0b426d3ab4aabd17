"""`cvsite check` warns when a theme override would make the PDF misread by an ATS.

Each rule gets a true positive and a near miss, in real override folders loaded
by the real loader; one case renders the PDF to show the warning is not idle.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from cvsite.checking import check_directory
from cvsite.checks import run_checks
from cvsite.checks.extraction import CODE, check_theme_extraction
from cvsite.loader import Workspace, load_workspace
from cvsite.render_pdf import render_pdf
from cvsite.tailor import tailor
from cvsite.themes import available_themes, theme_path

PROFILE = """\
name: Ada Example
headline: Data scientist who ships forecasting models
experience:
  - role: Data Scientist
    org: Larder
    start: 2020-01
    highlights: [Cut forecast error by a third with one global model.]
"""


def workspace(root: Path, files: dict[str, str]) -> Workspace:
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    (root / "theme").mkdir()
    for name, text in files.items():
        (root / "theme" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return load_workspace(root)


def theme_print_css() -> str:
    return (theme_path(available_themes()[0]) / "print.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("theme", available_themes())
def test_the_built_in_print_css_passes_its_own_check(tmp_path, theme):
    css = (theme_path(theme) / "print.css").read_text(encoding="utf-8")
    assert check_theme_extraction(workspace(tmp_path, {"print.css": css})) == []


@pytest.mark.parametrize(("css", "fragment"), [
    ("h2 { text-transform: uppercase; letter-spacing: .12em; }", "letter-spacing: .12em"),
    ("h2 { letter-spacing:2px }", "letter-spacing:2px"),
    (".highlights li::marker { color: red; }", "::marker"),
    (".highlights { list-style: disc; }", "list-style: disc"),
    (".skills dt { float: left; width: 30mm; }", "float: left"),
    ("main { columns: 2; }", "columns:"),
    (".entry-head { display: flex; justify-content: space-between; }", "justify-content: space-between"),
])
def test_a_rule_that_breaks_extraction_is_named_at_its_line(tmp_path, css, fragment):
    ws = workspace(tmp_path, {"print.css": theme_print_css() + "\n/* mine */\n" + css + "\n"})
    (problem,) = check_theme_extraction(ws)
    assert problem.code == CODE and fragment in problem.message and problem.suggestion
    assert problem.file == str(tmp_path / "theme" / "print.css")
    lines = (tmp_path / "theme" / "print.css").read_text(encoding="utf-8").splitlines()
    assert fragment in lines[problem.line - 1][problem.column - 1:]


@pytest.mark.parametrize("css", [
    "h2 { letter-spacing: 0; }",
    "h2 { letter-spacing: normal; }",
    "h1 { letter-spacing: -0.01em; }",
    ".links { list-style: none; }",
    "img { float: none; }",
    "/* h2 { letter-spacing: .1em } was too airy */",
    ".chips { justify-content: flex-start; }",
])
def test_near_misses_stay_quiet(tmp_path, css):
    ws = workspace(tmp_path, {"print.css": theme_print_css() + "\n" + css + "\n"})
    assert check_theme_extraction(ws) == []


def test_a_print_css_written_from_scratch_keeps_list_markers(tmp_path):
    ws = workspace(tmp_path, {"print.css": "h1 { color: navy; }\n"})
    (problem,) = check_theme_extraction(ws)
    assert (problem.line, problem.column) == (1, 1) and "list markers" in problem.message


def test_style_in_a_cv_html_override_is_checked_and_text_outside_it_is_not(tmp_path):
    html = """\
    {% extends "theme:cv.html" %}
    {% block header %}<p>letter-spacing: 1em is fine in prose</p>
    <style>
    .section > h2 { letter-spacing: 0.2em; }
    </style>{{ super() }}{% endblock %}
    """
    (problem,) = check_theme_extraction(workspace(tmp_path, {"cv.html": html}))
    assert problem.file.endswith("cv.html") and (problem.line, problem.column) == (4, 17)


def test_no_override_no_warning_and_the_code_can_be_silenced(tmp_path):
    (tmp_path / "plain").mkdir()
    assert check_theme_extraction(workspace(tmp_path / "plain", {})) == []
    (tmp_path / "spaced").mkdir()
    ws = workspace(tmp_path / "spaced", {"print.css": theme_print_css() + "\nh2 { letter-spacing: .2em }\n"})
    assert [p.code for p in check_directory(ws.root).warnings] == [CODE]
    silenced = PROFILE + "checks: {ignore: [theme-extraction]}\n"
    (ws.root / "profile.yaml").write_text(silenced, encoding="utf-8")
    assert run_checks(load_workspace(ws.root)) == []


def test_the_warning_is_about_a_real_fault(tmp_path):
    """What the check flags does break extraction: the letter-spaced heading falls apart."""
    css = theme_print_css() + "\n.section > h2 { letter-spacing: 0.3em; }\n"
    ws = workspace(tmp_path, {"print.css": css})
    assert check_theme_extraction(ws)
    cv = tailor(ws, None)
    cv.theme = available_themes()[0]
    text = PdfReader(io.BytesIO(render_pdf(cv, ws.root / "theme").data)).pages[0].extract_text()
    assert "EXPERIENCE" not in text.upper().replace("\n", "")
