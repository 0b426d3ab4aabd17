import itertools
import json
import re

import pytest
from bs4 import BeautifulSoup
from render_support import EXAMPLE, tailored, workspace

from cvsite.errors import CvsiteError
from cvsite.render_html import (
    Download,
    PageContext,
    contact_links,
    escape_json_for_script,
    render_404,
    render_page,
)
from cvsite.themes import available_themes

PDF = "Marta-Kowalczyk-Lecka-CV-Acme-Payments.pdf"


@pytest.fixture(scope="module")
def ws():
    return workspace()


def page(cv, **kwargs) -> BeautifulSoup:
    context = PageContext(root="../", pdf_name=PDF, page_path="acme/", **kwargs)
    return BeautifulSoup(render_page(cv, context), "html.parser")


def with_theme(cv, theme):
    cv.theme = theme
    return cv


@pytest.mark.parametrize("theme", available_themes())
def test_above_the_fold(ws, theme):
    soup = page(with_theme(tailored(ws, "acme"), theme))
    header = soup.find("header")
    assert header.find("h1").get_text() == "Marta Kowalczyk-Łęcka"
    assert "Staff engineer for payments infrastructure" in header.get_text()  # the job's headline
    assert "Black Friday" in header.get_text()
    assert header.find("a", href="mailto:marta@example.com")
    assert header.find("a", href="https://github.com/martak")
    assert header.find("a", href=PDF).get_text() == "Download PDF"


@pytest.mark.parametrize("theme", available_themes())
def test_semantic_structure_and_heading_order(ws, theme):
    soup = page(with_theme(tailored(ws, "acme"), theme))
    assert soup.find("html")["lang"] == "en"
    assert soup.find("main", id="main") and soup.find("header")
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert soup.find("meta", attrs={"name": "viewport"})


@pytest.mark.parametrize("theme", available_themes())
def test_sections_follow_the_tailored_order(ws, theme):
    cv = with_theme(tailored(ws, "berlin"), theme)
    soup = page(cv)
    ids = [s.h2["id"] for s in soup.select("main section") if s.h2 and s.h2.get("id") in
           {x.name for x in cv.sections}]
    assert ids == [s.name for s in cv.sections]
    experience = soup.find("section", class_="section-experience")
    titles = [h.get_text(" ", strip=True) for h in experience.find_all("h3")]
    expected = [r.item.role for r in cv.section("experience").items]
    assert [t.split(" · ")[0] for t in titles] == expected


@pytest.mark.parametrize("theme", available_themes())
def test_no_external_resources(ws, theme):
    soup = page(with_theme(tailored(ws, "acme"), theme), base_url="https://marta.example")
    for tag in soup.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
        for attr in ("src", "href"):
            value = tag.get(attr)
            if value and tag.get("rel") != ["canonical"]:
                assert not re.match(r"^(https?:)?//", value), (tag.name, value)
    assert not soup.find_all("script", src=True)
    assert [s["type"] for s in soup.find_all("script")] == ["application/ld+json"]
    assert not soup.find(style=re.compile("url\\("))


def test_stylesheets_are_relative_to_the_root(ws):
    soup = page(tailored(ws, "acme"))
    hrefs = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert hrefs == ["../assets/modern/fonts.css", "../assets/modern/style.css"]


def test_job_page_is_noindex_and_general_page_is_indexable(ws):
    job = page(tailored(ws, "acme"))
    assert job.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    general = BeautifulSoup(render_page(tailored(ws, None), PageContext(pdf_name="x.pdf")), "html.parser")
    assert "noindex" not in general.find("meta", attrs={"name": "robots"})["content"]


def test_canonical_and_og_url_only_with_base_url(ws):
    without = page(tailored(ws, "acme"))
    assert not without.find("link", rel="canonical")
    assert not without.find("meta", property="og:url")
    soup = page(tailored(ws, "acme"), base_url="https://marta.example/")
    assert soup.find("link", rel="canonical")["href"] == "https://marta.example/acme/"
    assert soup.find("meta", property="og:url")["content"] == "https://marta.example/acme/"


def test_social_preview_tags(ws):
    soup = page(tailored(ws, "acme"))
    title = soup.title.get_text()
    assert title == "Marta Kowalczyk-Łęcka – CV for Staff Engineer at Acme Payments"
    assert soup.find("meta", property="og:title")["content"] == title
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert description == "I build payment systems that stay up on Black Friday."


def test_json_ld_person(ws):
    soup = page(tailored(ws, "acme"))
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "Person" and data["name"] == "Marta Kowalczyk-Łęcka"
    assert data["email"] == "mailto:marta@example.com"
    assert "https://github.com/martak" in data["sameAs"]
    assert "Python" in data["knowsAbout"]


def test_json_ld_cannot_break_out_of_its_script():
    text = escape_json_for_script({"name": "</script><script>alert(1)</script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["name"].startswith("</script>")


def test_note_appears_as_why_company_with_html_escaped(ws):
    soup = page(tailored(ws, "acme"))
    why = soup.find(id="why")
    assert why.get_text() == "Why Acme Payments"
    section = why.find_parent("section")
    assert section.find("em").get_text() == "payment rails"
    assert "</script><b>not bold</b>" in section.get_text()
    assert not section.find("b")


def test_summary_markdown_is_safe(ws):
    soup = page(tailored(ws, None))
    about = soup.find(id="about").find_parent("section")
    assert about.find("a", href="https://marta.example")
    assert not about.find("a", href=re.compile("javascript"))
    assert '<script>alert("x")</script>' in about.get_text()


def test_excluded_items_are_absent(ws):
    cv = tailored(ws, "acme")
    assert any(r.title == "Bird watch" for r in cv.excluded)
    html = render_page(cv, PageContext(root="../", pdf_name=PDF))
    assert "Bird watch" not in html and "Raspberry" not in html
    assert "Bird watch" in render_page(tailored(ws, None), PageContext(pdf_name="x.pdf"))


def test_matched_skills_are_highlighted(ws):
    cv = tailored(ws, "acme")
    soup = page(cv)
    skills = soup.find("section", class_="section-skills")
    matched = [c.contents[0].strip() for c in skills.select(".chip.is-match")]
    assert sorted(matched) == sorted(cv.matched_skills) and matched
    assert "Kubernetes" not in matched
    assert "matches this role" in skills.get_text()


def test_project_cards_say_what_i_did_and_the_outcome(ws):
    soup = page(tailored(ws, "acme"))
    card = soup.find("article", class_="card")
    assert card.find("dt", string="What I did") and card.find("dt", string="Outcome")
    assert "300 companies" in card.get_text()


def test_german_labels_and_dates(ws):
    cv = tailored(ws, "berlin")
    soup = BeautifulSoup(render_page(cv, PageContext(root="../", pdf_name="x.pdf")), "html.parser")
    assert soup.find("html")["lang"] == "de"
    assert soup.find("a", href="x.pdf").get_text() == "Lebenslauf als PDF"
    assert "Apr. 2021 – heute" in soup.get_text()
    assert soup.find(id="experience").get_text() == "Berufserfahrung"


def test_contact_links_build_profile_urls(ws):
    links = {link.kind: link for link in contact_links(ws.profile.contact)}
    assert links["linkedin"].href == "https://www.linkedin.com/in/marta-kowalczyk"
    assert links["phone"].href == "tel:+48600100200"
    assert links["website"].label == "marta.example"


def test_user_override_extends_the_theme_page(ws, tmp_path):
    (tmp_path / "page.html").write_text(
        '{% extends "theme:page.html" %}{% block pitch %}{{ super() }}<p>Available from May.</p>'
        "{% endblock %}"
    )
    html = render_page(tailored(ws, "acme"), PageContext(pdf_name=PDF, user_theme_dir=tmp_path))
    assert "Available from May." in html and "Black Friday" in html


def test_template_error_in_override_is_reported(ws, tmp_path):
    (tmp_path / "page.html").write_text("{{ no_such_thing.attribute }}")
    with pytest.raises(CvsiteError, match="template error"):
        render_page(tailored(ws, "acme"), PageContext(user_theme_dir=tmp_path))


@pytest.mark.parametrize("theme", available_themes())
def test_404_has_no_depth_dependent_links(ws, theme):
    cv = with_theme(tailored(ws, None), theme)
    for base in (None, "https://marta.example/cv"):
        soup = BeautifulSoup(render_404(cv, base), "html.parser")
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        for tag in soup.find_all(href=True):
            href = tag["href"]
            assert href.startswith(("https://", "data:")), href
    soup = BeautifulSoup(render_404(cv, "https://marta.example/cv"), "html.parser")
    assert soup.find("a", href="https://marta.example/cv/")
    assert soup.find("link", href=f"https://marta.example/cv/assets/{theme}/style.css")


def test_example_profile_renders_in_every_theme():
    example = workspace(EXAMPLE)
    for theme in available_themes():
        for slug in [None, *example.jobs]:
            cv = with_theme(tailored(example, slug), theme)
            soup = BeautifulSoup(render_page(cv, PageContext(pdf_name="cv.pdf")), "html.parser")
            assert soup.find("h1").get_text() == example.profile.name
            text = soup.get_text()
            for excluded in cv.excluded:
                assert excluded.title not in text or excluded.section == "skills"


@pytest.mark.parametrize(("slug", "theme"), [(None, "modern"), ("acme", "modern"), ("berlin", "classic")])
def test_golden_pages(ws, golden, slug, theme):
    cv = with_theme(tailored(ws, slug), theme)
    downloads = (Download("pdf", "format_pdf", "cv.pdf", 48_000),
                 Download("docx", "format_docx", "cv.docx", 900),
                 Download("txt", "format_txt", "cv.txt", 5_000)) if slug == "acme" else ()
    context = PageContext(root="../" if slug else "", pdf_name="cv.pdf", base_url="https://marta.example",
                          page_path=f"{slug}/" if slug else "", downloads=downloads)
    golden(f"render/{slug or 'index'}-{theme}.html", render_page(cv, context))


@pytest.mark.parametrize("theme", available_themes())
def test_a_missing_asset_is_an_error_naming_the_theme(ws, theme, tmp_path):
    (tmp_path / "page.html").write_text(
        '{% extends "theme:page.html" %}{% block head %}{{ super() }}'
        '<link rel="stylesheet" href="{{ asset(\'extra.css\') }}">{% endblock %}')
    cv = with_theme(tailored(ws, "acme"), theme)
    with pytest.raises(CvsiteError, match=f"theme '{theme}' has no asset 'extra.css'"):
        render_page(cv, PageContext(user_theme_dir=tmp_path))
    (tmp_path / "extra.css").write_text("p {}")
    assert page(cv, user_theme_dir=tmp_path).find("link", href=f"../assets/{theme}/extra.css")
