"""`theme-extraction`: a theme override whose PDF an applicant tracking system would misread.

An ATS reads the PDF's extracted text, not its picture. The built-in themes
keep to the rules in docs/themes.md ("What ATS parsers need"); a user's
override of the print CSS can break them without anything looking wrong. This
check scans the override's CSS text for the constructs that do (the table is
cvsite/data/theme_extraction.yaml), cheaply, without rendering a PDF.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from cvsite.checks.common import data_text
from cvsite.errors import Problem
from cvsite.loader import Workspace

CODE = "theme-extraction"
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@functools.cache
def _rules() -> tuple[list[tuple[re.Pattern[str], str, str]], re.Pattern[str]]:
    data = yaml.safe_load(data_text("theme_extraction.yaml"))
    rules = [(re.compile(r["pattern"], re.IGNORECASE), r["message"], r["suggestion"]) for r in data["rules"]]
    return rules, re.compile(data["print_css_needs"], re.IGNORECASE)


def check_theme_extraction(ws: Workspace) -> list[Problem]:
    folder = ws.root / "theme"
    problems: list[Problem] = []
    print_css = folder / "print.css"
    if print_css.is_file():
        text = _without_comments(print_css.read_text(encoding="utf-8", errors="replace"))
        problems += _scan(print_css, text, [(0, len(text))])
        _, needs = _rules()
        if not needs.search(text):
            problems.append(Problem(str(print_css), 1, 1, "", "this print.css replaces the theme's and keeps "
                                    "the browser's list markers, which extract after the page's text",
                                    code=CODE, suggestion="start from the theme's print.css, which draws "
                                    "bullets as text (docs/themes.md)"))
    cv_html = folder / "cv.html"
    if cv_html.is_file():
        text = _without_comments(cv_html.read_text(encoding="utf-8", errors="replace"))
        problems += _scan(cv_html, text, [m.span(1) for m in _STYLE.finditer(text)])
    return problems


def _without_comments(text: str) -> str:
    """CSS comments blanked out, keeping every character's line and column."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _scan(path: Path, text: str, spans: list[tuple[int, int]]) -> list[Problem]:
    rules, _ = _rules()
    problems = []
    for start, end in spans:
        for pattern, message, suggestion in rules:
            for match in pattern.finditer(text, start, end):
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                problems.append(Problem(str(path), line, column, "", f"'{match.group(0)}': {message}",
                                        code=CODE, suggestion=suggestion))
    return problems
