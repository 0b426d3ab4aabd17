"""The plain-text CV: what a recruiter pastes into a form, checked line by line."""

from __future__ import annotations

import itertools
import re

import pytest
from bs4 import BeautifulSoup
from render_support import EXAMPLE, tailored, workspace

from cvsite.render_html import PageContext, render_page
from cvsite.render_text import WIDTH, render_text


@pytest.fixture(scope="module")
def ws():
    return workspace()


@pytest.fixture(scope="module")
def acme(ws):
    cv = tailored(ws, "acme")
    return cv, render_text(cv)


def test_wrapped_at_80_columns_utf8_without_tabs(acme):
    _, text = acme
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    assert "\t" not in text and not [line for line in lines if line != line.rstrip()]
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert lines[0] == "Marta Kowalczyk-Łęcka"


def test_headings_are_set_off(acme):
    cv, text = acme
    lines = text.splitlines()
    headings = [lines[i] for i in range(1, len(lines)) if re.fullmatch(r"=+", lines[i])
                and len(lines[i]) == len(lines[i - 1])]
    assert len(headings) == len(cv.sections) + 1  # and the summary
    for i in range(1, len(lines)):
        if re.fullmatch(r"=+", lines[i]):
            title = lines[i - 1]
            assert title == title.upper() and lines[i - 2] == "" and lines[i + 1] == ""


def test_bullets_dates_and_addresses_are_spelled_out(acme):
    _, text = acme
    assert "- Cut p99 checkout latency from 900 ms to 120 ms with a Postgres queue." in text
    assert "- Led the move to Kubernetes for 40 services." in text, "markdown emphasis is dropped"
    assert "\nApr 2021 – present\n" in text, "dates on a line of their own, as an ATS reads them"
    assert "Email: marta@example.com" in text and "GitHub: https://github.com/martak" in text
    assert "Phone: +48 600 100 200" in text
    assert "Senior Backend Engineer · PayCo · Kraków (https://payco.example)" in text
    assert "code: https://github.com/martak/ledger" in text
    flowing = " ".join(text.split())
    assert "my blog (https://marta.example)" in flowing
    assert "[this](javascript:alert(1))" in flowing, "an unsafe link stays as written, never a link"


def test_long_bullets_hang_under_their_dash(ws):
    cv = tailored(workspace(EXAMPLE), "ml-engineer")
    lines = render_text(cv).splitlines()
    continued = [b for a, b in itertools.pairwise(lines) if a.startswith("- ") and b.startswith("  ")]
    assert continued and all(not line.startswith("   ") for line in continued)
    assert max(len(line) for line in lines) <= WIDTH


@pytest.mark.parametrize("slug", [None, "acme", "berlin"])
def test_reading_order_and_exclusions_match_the_page(ws, slug):
    cv = tailored(ws, slug)
    text = render_text(cv)
    page = BeautifulSoup(render_page(cv, PageContext()), "html.parser").find("main")
    order = [(h.name, " ".join(h.get_text(" ", strip=True).split())) for h in page.find_all(["h2", "h3"])
             if not h.find_parent("section", class_=re.compile("why|letter|applications|evidence"))]
    cursor = 0
    for tag, heading in order:
        wanted = heading.upper() if tag == "h2" else heading  # section headings in capitals
        found = text.find(wanted, cursor)
        assert found >= 0, f"{wanted!r} missing or out of order"
        cursor = found
    for excluded in cv.excluded:
        assert excluded.title not in text


def test_a_url_longer_than_a_line_is_never_broken(ws):
    cv = tailored(ws, "acme")
    long = "https://example.com/" + "a" * 90
    cv.person.summary = f"See [the write-up]({long}) for details."
    text = render_text(cv)
    assert long in text.split()[text.split().index("write-up") + 1].strip("()")
