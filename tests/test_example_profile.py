"""End to end: example_profile built with every theme, pages parsed, PDFs read back."""

from __future__ import annotations

import io
import json
import re
import shutil
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from cvsite.build import build_site
from cvsite.filenames import pdf_file_name
from cvsite.loader import Workspace, load_workspace
from cvsite.tailor import tailor
from cvsite.themes import available_themes
from cvsite.tokens import job_folders

EXAMPLE = Path(__file__).resolve().parent.parent / "example_profile"
THEMES = available_themes()


@pytest.fixture(scope="module", params=THEMES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """example_profile with every page set to one theme, built with PDFs."""
    source = tmp_path_factory.mktemp(f"example-{request.param}") / "profile"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("site"))
    _set_theme(source, request.param)
    out = source.parent / "out"
    build_site(source, out)
    return source, out


def _set_theme(folder: Path, theme: str) -> None:
    for path in [folder / "profile.yaml", *sorted((folder / "jobs").glob("*.yaml"))]:
        text = re.sub(r"(?m)^theme:.*\n", "", path.read_text("utf-8"))
        if path.name == "profile.yaml":
            text += f"\ntheme: {theme}\n"
        path.write_text(text, "utf-8")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def _pages(out: Path) -> list[Path]:
    return [out / "index.html", *sorted(out.glob("*/index.html"))]


def test_every_theme_is_exercised() -> None:
    assert {"modern", "classic"} <= set(THEMES)


def test_pages_are_semantic_and_self_contained(site: tuple[Path, Path]) -> None:
    _, out = site
    for page in _pages(out):
        soup = _soup(page)
        assert soup.html and soup.html.get("lang") == "en", page
        assert soup.find("header") and soup.find("main"), page
        assert soup.find("h1").get_text(strip=True) == "Marta Wiśniewska", page
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels)), page
        for tag in soup.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
            if tag.name == "link" and "canonical" in tag.get("rel", []):
                continue
            url = tag.get("href") or tag.get("src") or ""
            assert not urlparse(url).netloc and not url.startswith("//"), f"{page}: external {url}"
        css = "".join(p.read_text("utf-8") for p in out.glob("assets/**/*.css"))
        assert "@import url(http" not in css and "fonts.googleapis" not in css


def test_head_metadata_and_indexing_rules(site: tuple[Path, Path]) -> None:
    """The general page and listed jobs are indexable; unlisted job pages are not."""
    source, out = site
    listed = {slug for slug, job in load_workspace(source).jobs.items() if job.listed}
    assert listed and listed != set(load_workspace(source).jobs)
    for page in _pages(out):
        soup = _soup(page)
        assert soup.title and "Marta Wiśniewska" in soup.title.get_text(), page
        assert soup.find("meta", attrs={"name": "description"})["content"].strip(), page
        assert soup.find("meta", attrs={"property": "og:title"}), page
        assert soup.find("meta", attrs={"name": "twitter:card"}), page
        assert soup.find("link", rel="canonical")["href"].startswith("https://"), page
        blocks = soup.find_all("script")
        assert [b.get("type") for b in blocks] == ["application/ld+json"], page
        person = json.loads(blocks[0].string)
        assert person["@type"] == "Person" and person["name"] == "Marta Wiśniewska"
        robots = soup.find("meta", attrs={"name": "robots"})
        if page.parent == out or page.parent.name in listed:
            assert robots is None or "noindex" not in robots["content"], page
        else:
            assert robots and "noindex" in robots["content"], page


def test_job_pages_link_their_pdf_and_the_pdf_exists(site: tuple[Path, Path]) -> None:
    source, out = site
    workspace = load_workspace(source)
    for slug, job in workspace.jobs.items():
        name = pdf_file_name(workspace.profile.name, job.company)
        folder = out / job_folders(workspace)[slug]
        links = [a["href"] for a in _soup(folder / "index.html").find_all("a", href=True)]
        assert name in links and (folder / name).is_file()


def _pdf(out: Path, workspace: Workspace, slug: str, company: str) -> PdfReader:
    folder = out / job_folders(workspace)[slug]
    return PdfReader(io.BytesIO((folder / pdf_file_name("Marta Wiśniewska", company)).read_bytes()))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_pdfs_fit_carry_metadata_links_and_relevance_order(site: tuple[Path, Path]) -> None:
    source, out = site
    workspace = load_workspace(source)
    for slug, job in workspace.jobs.items():
        reader = _pdf(out, workspace, slug, job.company)
        assert len(reader.pages) <= (job.pdf.max_pages or 99)
        meta = reader.metadata
        assert meta.title and "Marta Wiśniewska" in meta.title
        assert meta.author == "Marta Wiśniewska"
        assert job.company in (meta.subject or "") and job.role in (meta.subject or "")
        cv = tailor(workspace, slug)
        keywords = meta.get("/Keywords", "")
        assert cv.matched_skills and cv.matched_skills[0] in keywords
        links = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
        uris = {link["/A"].get("/URI") for link in links if "/A" in link}
        assert any("/Dest" in link for link in links), "the top achievements link to their roles"
        assert "mailto:marta@marta-wisniewska.dev" in uris
        text = _text(reader)
        projects = [r.title for r in cv.section("projects").items if r.title in text]
        assert len(projects) >= 2, slug
        positions = [text.index(title) for title in projects]
        assert positions == sorted(positions), f"{slug}: projects out of relevance order"


def test_excluded_items_are_absent_from_html_pdf_and_metadata(site: tuple[Path, Path]) -> None:
    source, out = site
    workspace = load_workspace(source)
    checked = 0
    for slug, job in workspace.jobs.items():
        excluded = tailor(workspace, slug).excluded
        reader = _pdf(out, workspace, slug, job.company)
        pdf_text = _text(reader) + json.dumps({k: str(v) for k, v in reader.metadata.items()})
        html = (out / job_folders(workspace)[slug] / "index.html").read_text("utf-8")
        for ranked in excluded:
            marker = getattr(ranked.item, "title", None) or getattr(ranked.item, "role", "")
            assert marker not in html, f"{slug}: excluded {marker!r} in HTML"
            assert marker not in pdf_text, f"{slug}: excluded {marker!r} in PDF"
            checked += 1
    assert checked >= 3


def test_example_jobs_use_what_the_themes_need() -> None:
    data = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((EXAMPLE / "jobs").glob("*.yaml"))]
    assert any(job.get("exclude") for job in data) and any(job.get("listed") for job in data)
