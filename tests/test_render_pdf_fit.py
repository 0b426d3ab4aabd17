"""Fitting measured on the rendered PDF: pages filled, roles and degrees kept, the layout budget.

Each fixture under tests/fixtures/fitting/ is rendered at 1, 2 and 3 pages in every
theme found; the PDF is read back with pdfplumber and the rules are checked on
its text boxes, as a reader would see them.
"""

from __future__ import annotations

import io
import re
from functools import cache

import pdfplumber
import pytest
from render_support import EXAMPLE, REPO, tailored, workspace

from cvsite.render_pdf import SPILL, PdfResult, render_pdf
from cvsite.tailored import TailoredCV
from cvsite.themes import available_themes, load_theme

FITTING = REPO / "tests" / "fixtures" / "fitting"
PROFILES = ("one-role", "twelve-roles")
THEMES = tuple(available_themes())
MM = 72 / 25.4
FILL_TOLERANCE = 0.10  # "no page but the last ends with more than about 10% of its height empty"


@cache
def _fitted(profile: str, theme: str, pages: int) -> tuple[TailoredCV, PdfResult]:
    cv = tailored(workspace(FITTING / profile), "platform")
    cv.theme, cv.max_pages = theme, pages
    return cv, render_pdf(cv)


def bottom_margin(theme: str) -> float:
    """The bottom page margin of a theme's print.css, in points."""
    css = (load_theme(theme).path / "print.css").read_text(encoding="utf-8")
    found = re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+mm(?:\s+[\d.]+mm){0,3})", css)
    assert found, f"{theme}: no @page margin in print.css"
    values = [float(v[:-2]) for v in found.group(1).split()]
    return (values[2] if len(values) >= 3 else values[0]) * MM


def page_fills(data: bytes, theme: str) -> list[tuple[float, float]]:
    """Per page: (empty share of the page below the last line of the body, body bottom share)."""
    margin = bottom_margin(theme)
    fills = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            area = page.height - margin
            body = [w["bottom"] for w in page.extract_words() if w["top"] < area]
            last = max(body, default=0.0)
            fills.append(((area - last) / page.height, last / page.height))
    return fills


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)


CASES = [(p, t, n) for p in PROFILES for t in THEMES for n in (1, 2, 3)]


@pytest.mark.parametrize(("profile", "theme", "pages"), CASES)
def test_fits_the_limit_and_cuts_roles_and_degrees_last(profile: str, theme: str, pages: int) -> None:
    cv, result = _fitted(profile, theme, pages)
    assert result.pages <= pages
    text = pdf_text(result.data)
    missing = [r.title for name in ("experience", "education") for r in cv.section(name).items
               if (getattr(r.item, "role", None) or r.item.degree) not in text]
    if not missing:
        return
    # A role or a degree is gone only when nothing less protected is left: no bullet,
    # no context line, no project, no contribution.
    assert (profile, pages) == ("twelve-roles", 1), missing  # every other case keeps them all
    for ranked in cv.section("experience").items:
        for highlight in ranked.highlights:
            assert highlight.text[:40] not in text
        assert not ranked.item.summary or ranked.item.summary[:40] not in text
    for ranked in cv.section("projects").items:
        assert ranked.item.title not in text


@pytest.mark.parametrize(("profile", "theme", "pages"), CASES)
def test_pages_before_the_last_end_nearly_full(profile: str, theme: str, pages: int) -> None:
    _, result = _fitted(profile, theme, pages)
    fills = page_fills(result.data, theme)
    if result.cut:
        for number, (empty, _) in enumerate(fills[:-1], 1):
            assert empty <= FILL_TOLERANCE, f"page {number} of {len(fills)} ends {empty:.0%} empty"
    if len(fills) > 1:
        assert fills[-1][1] >= SPILL / 2, "a last page holding only a few lines"


@pytest.mark.parametrize(("profile", "theme", "pages"), CASES)
def test_what_was_cut_is_gone_and_what_was_not_is_there(profile: str, theme: str, pages: int) -> None:
    cv, result = _fitted(profile, theme, pages)
    text = pdf_text(result.data)
    cut_bullets = [d.split("'")[1].rstrip("…")[:40] for d in result.cut if d.startswith("bullet")]
    for clipped in cut_bullets:
        assert clipped not in text
    for ranked in cv.section("experience").items:
        for highlight in ranked.highlights:
            if highlight.text[:40] not in cut_bullets and ranked.item.role in text:
                assert highlight.text[:40] in text  # nothing goes missing unreported


@pytest.mark.parametrize(("profile", "theme", "pages"), CASES)
def test_layout_budget(profile: str, theme: str, pages: int) -> None:
    _, result = _fitted(profile, theme, pages)
    assert result.layouts <= 4
    if not result.cut:
        assert result.layouts == 1


def test_one_page_lists_every_role_of_the_example_profile() -> None:
    example = workspace(EXAMPLE)
    for slug in example.jobs:
        for theme in THEMES:
            cv = tailored(example, slug)
            cv.theme, cv.max_pages = theme, 1
            result = render_pdf(cv)
            text = pdf_text(result.data)
            assert result.pages == 1
            for ranked in cv.section("experience").items:
                assert ranked.item.role in text, (slug, theme, ranked.title)
            for ranked in cv.section("education").items:
                assert ranked.item.degree in text, (slug, theme, ranked.title)


def test_a_small_spill_is_cut_to_one_page_fewer() -> None:
    """Fewer and fewer projects until the unlimited CV spills a few lines onto page 2:
    with a limit of 2 (or more) pages, those lines are cut to make it one page."""
    ws = workspace(FITTING / "one-role")
    projects = list(ws.profile.projects)
    for count in range(len(projects), -1, -1):
        ws.profile.projects = projects[:count]
        cv = tailored(ws, "platform")
        cv.max_pages = None  # no limit: nothing is cut
        loose = render_pdf(cv)
        spill = page_fills(loose.data, cv.theme)[-1][1] - bottom_margin_top(cv.theme)
        if loose.pages == 2 and spill < SPILL:
            break
    else:
        pytest.fail("no project count makes the one-role fixture spill a few lines onto page 2")
    for limit in (2, 3):
        cv.max_pages = limit
        fitted = render_pdf(cv)
        assert fitted.pages == 1 and fitted.cut
        assert not [e for e in fitted.cut_entries if e.startswith(("experience", "education"))]


def bottom_margin_top(theme: str) -> float:
    """Share of the page above the body: the @page top margin."""
    css = (load_theme(theme).path / "print.css").read_text(encoding="utf-8")
    found = re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+)mm", css)
    assert found
    return float(found.group(1)) * MM / (297 * MM)


def test_cut_report_names_parts_once() -> None:
    _, result = _fitted("twelve-roles", THEMES[0], 1)
    assert result.cut
    entries = {d for d in result.cut if d.startswith(("project", "contribution"))}
    titles = {d.split("'")[1] for d in entries}
    for description in result.cut:
        if " of project '" in description:
            assert description.split(" of project '")[1].rstrip("'") not in titles, description


@pytest.mark.parametrize("theme", THEMES)
def test_top_third_of_page_one_holds_the_jobs_strongest_achievements(theme: str) -> None:
    example = workspace(EXAMPLE)
    cv = tailored(example, "ml-engineer")
    cv.theme = theme
    result = render_pdf(cv)
    bullets = sorted(((h.score, h.text) for r in cv.section("experience").items for h in r.highlights),
                     key=lambda pair: -pair[0])
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        page = pdf.pages[0]
        third = page.height / 3
        for _, text in bullets[:1]:
            opening = " ".join(text.split()[:5])
            found = page.search(opening)
            assert found, f"{theme}: '{opening}' is not on page 1"
            assert found[0]["bottom"] < third, f"{theme}: the strongest achievement is below the top third"
        heading = page.search("MOST RELEVANT") or page.search("Most relevant")
        assert heading and heading[0]["top"] < third * 0.8
        words = pdf_text(result.data)
    assert words.count(" ".join(bullets[0][1].split()[:8])) == 1, "shown up front, not again in its role"
