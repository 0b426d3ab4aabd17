"""Section partials: one per declared section in _shared, a theme or a profile replacing
one, the generic fallback rendering any section from its declaration, the publications
partial, and the Word and text CVs read from the declaration."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader
from render_support import EXAMPLE, tailored, workspace

from cvsite.document import cv_document
from cvsite.model import SECTION, SECTIONS
from cvsite.render_docx import render_docx
from cvsite.render_html import PageContext, SectionView, render_page, template_context
from cvsite.render_pdf import render_pdf
from cvsite.render_text import render_text
from cvsite.themes import available_themes, load_theme, themes_root

THEMES = available_themes()
# The classes any entry may carry, whatever its section: the generic partial uses no other.
SHARED_CLASSES = {"entry", "compact", "entry-head", "meta", "summary", "highlights", "sep", "url"}

PUBLICATIONS_PROFILE = {
    "name": "Marta Wiśniewska",
    "headline": "Data scientist",
    "experience": [{"role": "Data Scientist", "org": "Larder", "start": "2020-01", "end": "present"}],
    "publications": [
        {"title": "Temporal hierarchies for load forecasting", "date": "2016-09",
         "authors": ["K. Zieliński", "M. Wiśniewska", "A. Nowak"], "venue": "ECML PKDD 2016 Workshop",
         "doi": "10.1007/978-3-319-50112-3_7", "summary": "Forecasts at several time scales, reconciled."},
        {"title": "Reading the grid", "authors": ["Wiśniewska, M."], "venue": "Energy Letters",
         "url": "https://example.org/grid", "date": "2018"},
        {"title": "A thesis without a link", "authors": ["Marta Wiśniewska"]},
    ],
    "languages": [{"name": "Polish", "level": "native"}],
}


def _workspace(root: Path, profile: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), "utf-8")
    return root


@pytest.fixture(scope="module")
def example():
    return tailored(workspace(EXAMPLE))


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    return tailored(workspace(_workspace(tmp_path_factory.mktemp("papers"), PUBLICATIONS_PROFILE)))


def _themed(cv, theme):
    return dataclasses.replace(cv, theme=theme)


def _context(cv, **kwargs):
    return template_context(cv, load_theme(cv.theme), asset=lambda name: name, **kwargs)


def _classes(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    return {name for tag in soup.find_all(class_=True) for name in tag["class"]}


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# --- where the partials live -------------------------------------------------------------------


def test_every_declared_section_has_one_shared_partial_and_themes_ship_only_what_differs():
    shared = themes_root() / "_shared" / "sections"
    assert {p.stem for p in shared.glob("*.html")} == {*SECTIONS, "_generic"}
    assert [p.parent.parent.name for p in themes_root().glob("*/partials/sections.html")] == ["_shared"]
    for theme in THEMES:
        for partial in (themes_root() / theme).glob("sections/*.html"):
            assert partial.read_text("utf-8") != (shared / partial.name).read_text("utf-8"), partial


@pytest.mark.parametrize("theme", THEMES)
def test_each_section_renders_through_its_own_partial(example, theme):
    html = render_page(_themed(example, theme), PageContext())
    soup = BeautifulSoup(html, "html.parser")
    for view in _context(_themed(example, theme))["sections"]:
        (element,) = soup.select(f"section.section-{view.name}")
        keys = [tag["data-key"] for tag in element.select("[data-key]")]
        assert keys and all(key.startswith(f"{view.name}-") for key in keys)
    modern = theme == "modern"
    assert bool(soup.select(".section-projects article.card")) == modern
    assert bool(soup.select(".section-skills .chips")) == modern
    assert bool(soup.select(".section-skills dl.skill-list")) != modern


# --- overrides ---------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_a_profile_overrides_one_section_partial_and_may_extend_it(example, theme, tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "languages.html").write_text(
        '<p class="mine">{{ section.entries | map(attribute="item.name") | join(" / ") }}</p>\n')
    (tmp_path / "sections" / "projects.html").write_text(
        '{% extends "theme:sections/projects.html" %}'
        '{% block head %}<article class="mine-project" data-key="{{ entry.key }}"><h3>{{ p.title }}</h3>'
        '{% endblock %}')
    html = render_page(_themed(example, theme), PageContext(user_theme_dir=tmp_path))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".section-languages p.mine").get_text() == "Polish / English / German"
    assert not soup.select(".section-languages ul.languages")
    projects = soup.select(".section-projects article")
    assert projects and all(a["class"] == ["mine-project"] for a in projects)
    assert all(a.select(".summary") or a.select(".did") for a in projects), "the rest is the theme's"
    plain = BeautifulSoup(render_page(_themed(example, theme), PageContext()), "html.parser")
    assert soup.select_one(".section-experience") == plain.select_one(".section-experience")


# --- the generic partial -----------------------------------------------------------------------


def _generic(theme: str, context: dict, view: SectionView, entry=None) -> str:
    """The generic partial alone, with what partials/sections.html gives every partial."""
    template = load_theme(theme).environment.from_string(
        '{% from "partials/entry.html" import sep, linked, links with context %}'
        '{% include "_shared:sections/_generic.html" %}')
    return template.render({**context, "section": view, "entry": entry})


@pytest.mark.parametrize("for_print", [False, True])
@pytest.mark.parametrize("theme", THEMES)
def test_the_generic_partial_renders_every_declared_section_from_its_declaration(example, theme, for_print):
    context = _context(_themed(example, theme), for_print=for_print)
    views = context["sections"]
    assert [v.name for v in views] == [n for n in SECTIONS if example.section(n).items]
    assert len(views) == len(SECTIONS), "the example profile has every section"
    for view in views:
        assert view.type is SECTION[view.name]
        if view.type.layout == "list":
            html = _generic(theme, context, view)
            assert len(BeautifulSoup(html, "html.parser").select("li[data-key]")) == len(view.entries)
            rendered = [(entry, html) for entry in view.entries]
        else:
            rendered = [(entry, _generic(theme, context, view, entry)) for entry in view.entries]
        for entry, html in rendered:
            text = _text(html)
            assert entry.heading and " · ".join(entry.heading) in text, (view.name, entry.heading)
            assert all(fact in text for fact in entry.facts)
            assert _classes(html) <= SHARED_CLASSES, (view.name, _classes(html) - SHARED_CLASSES)
            keys = [t["data-key"] for t in BeautifulSoup(html, "html.parser").select("[data-key]")]
            assert keys and all(key.startswith(f"{view.name}-") for key in keys)


def test_the_generic_entry_links_its_title_dates_its_facts_and_keys_what_fitting_cuts(example):
    cut = {("detail", "publications", 0, "summary")}
    context = _context(_themed(example, "classic"), drops=cut, for_print=True)
    (view,) = [v for v in context["sections"] if v.name == "publications"]
    entry = view.entries[0]
    soup = BeautifulSoup(_generic("classic", context, view, entry), "html.parser")
    heading = soup.select_one("h3")
    assert heading.a["href"] == entry.item.link and heading.select_one(".url"), "the address on paper"
    assert soup.select_one("p.meta").get_text() == " · ".join([*entry.facts, "Sep 2016"])
    assert "M. Wiśniewska" in entry.facts[0]
    assert not soup.select(".summary"), "page fitting cut it"
    full = _context(_themed(example, "classic"))
    (view,) = [v for v in full["sections"] if v.name == "publications"]
    soup = BeautifulSoup(_generic("classic", full, view, view.entries[0]), "html.parser")
    assert soup.select_one(".summary")["data-key"] == "publications-0-summary"
    role = next(v for v in full["sections"] if v.name == "experience")
    entry = role.entries[0]
    soup = BeautifulSoup(_generic("classic", full, role, entry), "html.parser")
    assert [s.get_text() for s in soup.select("h3 .sep")] == [" · "] * (len(entry.heading) - 1)
    assert [li["data-key"] for li in soup.select(".highlights li")] == [key for key, _ in entry.bullets]


@pytest.mark.parametrize("theme", THEMES)
def test_a_section_without_a_partial_renders_through_the_generic_one(example, theme):
    """A section declared without markup of its own: `render` falls back to _generic.html,
    never to another section's markup."""
    context = _context(_themed(example, theme))
    papers = next(v for v in context["sections"] if v.name == "publications")
    declared = dataclasses.replace(papers.type, name="certifications")
    view = dataclasses.replace(papers, name="certifications", label="Certifications", type=declared)
    macros = load_theme(theme).template("partials/sections.html").make_module(context)
    html = str(macros.render(view))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("section.section-certifications h2").get_text() == "Certifications"
    articles = soup.select(".entries-certifications > article")
    assert len(articles) == len(view.entries)
    assert _classes(html) - {"section", "section-certifications", "entries", "entries-certifications"} \
        <= SHARED_CLASSES
    assert "authors" not in _classes(html), "not the publications partial"


# --- publications ------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_a_publication_shows_its_linked_title_venue_date_and_authors_with_me_in_bold(papers, theme):
    soup = BeautifulSoup(render_page(_themed(papers, theme), PageContext()), "html.parser")
    first, second, third = soup.select(".section-publications article.entry.compact")
    assert first.h3.a["href"] == "https://doi.org/10.1007/978-3-319-50112-3_7", "the DOI's address"
    assert first.select_one(".entry-head .meta").get_text() == "ECML PKDD 2016 Workshop · Sep 2016"
    authors = first.select_one(".authors")
    assert authors.get_text() == "K. Zieliński, M. Wiśniewska, A. Nowak"
    assert [s.get_text() for s in authors.select("strong")] == ["M. Wiśniewska"]
    assert first.select_one(".summary")["data-key"] == "publications-0-summary"
    assert second.h3.a["href"] == "https://example.org/grid"
    assert [s.get_text() for s in second.select(".authors strong")] == ["Wiśniewska, M."]
    assert third.h3.a is None and third.h3.get_text() == "A thesis without a link"
    assert not first.select(".url"), "the address is printed on paper only"


@pytest.mark.parametrize("theme", THEMES)
def test_on_paper_a_publication_prints_its_address_and_fitting_may_cut_its_summary(papers, theme):
    context = _context(_themed(papers, theme), drops={("detail", "publications", 0, "summary")},
                       for_print=True)
    soup = BeautifulSoup(load_theme(theme).template("cv.html").render({**context, "paper_size": "A4"}),
                         "html.parser")
    first = soup.select_one(".section-publications article")
    assert first.select_one("h3 .url").get_text() == " doi.org/10.1007/978-3-319-50112-3_7"
    assert not first.select(".summary")


@pytest.mark.parametrize("theme", THEMES)
def test_a_publication_reads_cleanly_from_the_pdf(papers, theme):
    data = render_pdf(_themed(papers, theme)).data
    lines = [" ".join(line.split()) for page in PdfReader(io.BytesIO(data)).pages
             for line in page.extract_text().splitlines()]
    assert "PUBLICATIONS" in [line.upper() for line in lines]
    text = "\n".join(lines)
    assert re.search(r"Temporal hierarchies for load forecasting\s+doi\.org/10\.1007/978-3-319-50112-3_7",
                     text)
    assert "ECML PKDD 2016 Workshop · Sep 2016" in lines
    assert "K. Zieliński, M. Wiśniewska, A. Nowak" in lines


def test_word_and_text_show_a_publication_s_authors_venue_date_and_link(papers):
    text = render_text(papers)
    flowing = " ".join(text.split())
    assert ("Temporal hierarchies for load forecasting (https://doi.org/10.1007/978-3-319-50112-3_7) "
            "K. Zieliński, M. Wiśniewska, A. Nowak · ECML PKDD 2016 Workshop · Sep 2016 "
            "Forecasts at several time scales, reconciled.") in flowing
    assert "\nA thesis without a link\nMarta Wiśniewska\n" in text
    document = docx.Document(io.BytesIO(render_docx(papers)))
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index("Temporal hierarchies for load forecasting")
    assert paragraphs[at + 1] == "K. Zieliński, M. Wiśniewska, A. Nowak · ECML PKDD 2016 Workshop · Sep 2016"
    links = {rel.target_ref for rel in document.part.rels.values() if "hyperlink" in rel.reltype}
    assert {"https://doi.org/10.1007/978-3-319-50112-3_7", "https://example.org/grid"} <= links


# --- the Word and text CVs ---------------------------------------------------------------------


def test_the_document_reads_each_section_from_its_declaration(example):
    document = cv_document(example)
    for section in document.sections:
        declared = SECTION[section.name]
        assert bool(section.lines) == (declared.layout == "list")
        assert bool(section.entries) == (declared.layout == "entries")
    projects = next(s for s in document.sections if s.name == "projects")
    labelled = [b.spans[0].text for e in projects.entries for b in e.blocks if b.spans and b.spans[0].bold]
    assert {"What I did: ", "Outcome: "} <= set(labelled)


def test_a_list_item_shows_the_facts_its_declaration_names(papers, monkeypatch):
    """A "list" section's line is its heading in bold, then the fields its declaration
    names as `meta`: with the level declared, the level follows the language."""
    languages = SECTION["languages"]
    monkeypatch.setitem(SECTION, "languages", dataclasses.replace(languages, meta=()))
    assert "\n- Polish\n" in render_text(papers)
    monkeypatch.setitem(SECTION, "languages", dataclasses.replace(languages, meta=("level",)))
    assert "\n- Polish – native\n" in render_text(papers)
    paragraphs = docx.Document(io.BytesIO(render_docx(papers))).paragraphs
    (line,) = [p for p in paragraphs if p.text == "Polish – native"]
    assert [run.bold for run in line.runs] == [True, None]
