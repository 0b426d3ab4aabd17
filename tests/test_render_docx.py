"""The Word CV, read back by python-docx and, independently, by mammoth."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import mammoth
import pytest
from bs4 import BeautifulSoup
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from render_support import EXAMPLE, tailored, workspace

from cvsite.locale import load_locale
from cvsite.render_docx import FIXED_DATE, render_docx
from cvsite.render_html import PageContext, render_page
from cvsite.themes import available_themes, load_theme


@pytest.fixture(scope="module")
def ws():
    return workspace()


@pytest.fixture(scope="module")
def acme(ws):
    cv = tailored(ws, "acme")
    data = render_docx(cv)
    return cv, data, docx.Document(io.BytesIO(data))


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_sections_and_items_in_the_tailored_order_with_word_styles(acme):
    cv, _, document = acme
    loc = load_locale(cv.language)
    assert styled(document, "Title") == ["Marta Kowalczyk-Łęcka"]
    assert styled(document, "Subtitle") == ["Staff engineer for payments infrastructure"]
    sections = [loc.section("summary")] + [loc.section(s.name) for s in cv.sections]
    assert styled(document, "Heading 1") == sections
    roles = [" · ".join(p for p in (r.item.role, r.item.org, r.item.location) if p)
             for r in cv.section("experience").items]
    projects = [r.item.title for r in cv.section("projects").items]
    headings = styled(document, "Heading 2")
    assert [h for h in headings if h in roles] == roles
    assert [h for h in headings if h in projects] == projects


def test_bullets_are_list_bullets_in_the_pages_order(acme):
    cv, _, document = acme
    payco = next(r for r in cv.section("experience").items if r.id == "payco")
    bullets = styled(document, "List Bullet")
    wanted = [h.text.replace("**", "") for h in payco.item.highlights]
    assert [b for b in bullets if b in wanted] == wanted
    strong = [run.text for p in document.paragraphs for run in p.runs if run.bold]
    assert "Kubernetes" in strong, "markdown emphasis becomes bold runs"


def test_excluded_items_are_absent(acme, ws):
    cv, data, document = acme
    assert [r.title for r in cv.excluded] == ["Bird watch"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Bird watch" not in text and "Raspberry" not in text
    general = docx.Document(io.BytesIO(render_docx(tailored(ws, None))))
    assert "Bird watch" in "\n".join(p.text for p in general.paragraphs), "the search can find it"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any("Bird watch" in archive.read(name).decode("utf-8", "replace")
                       for name in archive.namelist())


def test_no_tables_text_boxes_headers_or_footers(acme):
    _, data, document = acme
    assert document.tables == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        names = archive.namelist()
    assert "txbxContent" not in body and "<w:tbl>" not in body and "w:drawing" not in body
    assert not [n for n in names if re.search(r"word/(header|footer)\d*\.xml", n)]


def test_document_properties(acme):
    cv, _, document = acme
    core = document.core_properties
    assert core.title == "Marta Kowalczyk-Łęcka – CV for Staff Engineer at Acme Payments"
    assert core.author == "Marta Kowalczyk-Łęcka"
    assert core.subject == "Staff Engineer at Acme Payments"
    assert core.keywords == ", ".join(cv.matched_skills) and "PostgreSQL" in core.keywords
    assert core.created == core.modified == FIXED_DATE
    assert core.language == "en"


def test_live_hyperlinks(acme):
    _, _, document = acme
    part = document.part
    targets = {rel.rId: rel.target_ref for rel in part.rels.values()
               if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK}
    links = part.element.body.findall(".//" + qn("w:hyperlink"))
    linked = {targets[link.get(qn("r:id"))]: "".join(t.text for t in link.iter(qn("w:t"))) for link in links}
    assert linked["mailto:marta@example.com"] == "marta@example.com"
    assert linked["https://github.com/martak"] == "https://github.com/martak"
    assert linked["https://payco.example"] == "Senior Backend Engineer · PayCo · Kraków"
    assert linked["https://pycon.example/talk"] == "Queues in Postgres"
    assert not [t for t in targets.values() if t.startswith("javascript:")], "unsafe links stay text"


@pytest.mark.parametrize("theme", available_themes())
def test_the_theme_accent_colours_headings_and_links(ws, theme):
    cv = tailored(ws, "acme")
    cv.theme = theme
    document = docx.Document(io.BytesIO(render_docx(cv)))
    accent = str(load_theme(theme).config.word.accent).lstrip("#").upper()
    for style in ("Title", "Heading 1", "Heading 2"):
        assert str(document.styles[style].font.color.rgb) == accent
    colours = {c.get(qn("w:val")) for c in document.part.element.body.iter(qn("w:color"))}
    assert colours == {accent}, "hyperlinks take the accent"
    assert document.styles["Normal"].font.name == load_theme(theme).config.word.font


def test_same_input_same_bytes(ws):
    cv = tailored(ws, "acme")
    first, second = render_docx(cv), render_docx(tailored(ws, "acme"))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("slug", [None, "ml-engineer", "analytics-engineer"])
def test_mammoth_reads_the_page_order(slug):
    """An independent reader sees the headings in the order the landing page shows them."""
    example = workspace(EXAMPLE)
    cv = tailored(example, slug)
    text = mammoth.extract_raw_text(io.BytesIO(render_docx(cv))).value
    page = BeautifulSoup(render_page(cv, PageContext()), "html.parser")
    main = page.find("main")
    order = [h.get_text(" ", strip=True) for h in main.find_all(["h2", "h3"])
             if not h.find_parent("section", class_=re.compile("why|letter|applications|evidence"))]
    order = [re.sub(r"\s+", " ", h) for h in order]
    positions = []
    cursor = 0
    for heading in order:
        found = text.find(heading, cursor)
        assert found >= 0, f"{heading!r} missing or out of order"
        positions.append(found)
        cursor = found + len(heading)
    assert len(order) > 10
    for excluded in cv.excluded:
        if excluded.section != "skills":
            assert excluded.title not in text
