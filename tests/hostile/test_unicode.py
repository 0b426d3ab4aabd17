"""Right-to-left scripts, CJK, combining characters and emoji survive into the page and
the PDF exactly as written; a glyph no font has is a clear warning, never a crash; and
file names stay ASCII."""

from __future__ import annotations

import re
import unicodedata
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hostile_support import job_data, jsonld, profile_data, write_workspace
from pypdf import PdfReader

from cvsite.build import build_site
from cvsite.filenames import ascii_slug, pdf_file_name
from cvsite.loader import load_workspace
from cvsite.render_pdf import render_pdf
from cvsite.tailor import tailor

SAMPLES = {
    "arabic": "مهندسة بيانات أولى",
    "hebrew": "מהנדסת נתונים בכירה",
    "chinese": "数据科学家",
    "japanese": "データサイエンティスト",
    "korean": "데이터 과학자",
    "combining": "Zoe\u0308 Ame\u0301lie Nguye\u0302\u0303n",  # decomposed on purpose
    "emoji": "Data 🚀 wizard 👩🏽‍💻 🇵🇱",
    "mixed": "Python و SQL עם 数据 ✓",
}
SHOWN = ["name", "headline", "pitch", "location", "summary", "exp0.role", "exp0.org", "exp0.location",
         "exp0.summary", "exp0.h0", "exp0.h1", "proj0.title", "proj0.summary", "proj0.contribution",
         "proj0.outcome", "proj0.link", "contrib0.title", "contrib0.where", "contrib0.summary",
         "edu0.degree", "edu0.institution", "edu0.location", "edu0.summary", "skill0.name",
         "skill0.group", "lang0.name", "lang0.level", "contact.phone"]
JOB_SHOWN = ["job.company", "job.role", "job.note", "job.headline", "job.pitch"]


def value(field: str) -> str:
    """Every field gets a sample script, and a number that makes it unique."""
    names = list(SAMPLES)
    return f"{SAMPLES[names[zlib.crc32(field.encode()) % len(names)]]} {zlib.crc32(field.encode()) % 997}"


def web(_field: str) -> str:
    return "https://example.com/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unicode")
    write_workspace(root / "cv", profile_data(value, web), {"acme": job_data(value, web)})
    build_site(root / "cv", root / "site", pdf=False)
    return root / "site"


def page_text(path: Path) -> tuple[BeautifulSoup, str]:
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    return soup, soup.get_text(" ")


def test_every_script_survives_into_the_page_exactly(site: Path) -> None:
    soup, text = page_text(site / "acme" / "index.html")
    fields = [f for f in SHOWN if f not in ("headline", "pitch")] + JOB_SHOWN  # the job's own win
    missing = [f for f in fields if value(f) not in text]
    assert missing == []
    assert soup.find("h1").get_text() == value("name")
    assert jsonld(soup)["name"] == value("name")
    assert soup.find("title").get_text().startswith(value("name"))
    for sample in SAMPLES.values():  # every script is on the page, decomposed marks kept
        assert sample in text


def test_the_general_page_and_its_metadata_keep_the_text(site: Path) -> None:
    soup, text = page_text(site / "index.html")
    assert all(value(f) in text for f in SHOWN)
    description = soup.find("meta", attrs={"property": "og:description"})["content"]
    assert description == value("pitch")
    assert soup.find("html")["lang"] == "en"


def pdf_text(data: bytes) -> str:
    pages = PdfReader(BytesIO(data)).pages
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))


def render(tmp_path: Path, samples: dict[str, str]) -> tuple[str, list[str]]:
    """The general PDF of a profile whose name, headline, pitch, location and summary
    carry the samples, in that order."""
    chosen = dict(zip(["name", "headline", "pitch", "location", "summary"], samples.values(), strict=False))
    root = write_workspace(tmp_path, profile_data(lambda f: chosen.get(f, f"plain {f}"), web), {})
    result = render_pdf(tailor(load_workspace(root), None))
    assert result.data.startswith(b"%PDF") and result.pages >= 1
    return pdf_text(result.data), result.warnings


def test_right_to_left_and_combining_text_survive_into_the_pdf(tmp_path: Path) -> None:
    samples = {k: SAMPLES[k] for k in ("arabic", "hebrew", "combining")}
    text, warnings = render(tmp_path, samples)
    for sample in samples.values():
        assert unicodedata.normalize("NFKC", sample) in text
    assert not [w for w in warnings if "lacks glyphs" in w], warnings


def test_glyphs_no_font_has_are_a_warning_not_a_crash(tmp_path: Path) -> None:
    samples = {k: SAMPLES[k] for k in ("chinese", "emoji", "japanese", "arabic")}
    text, warnings = render(tmp_path, samples)
    # Each sample is either in the PDF's text, or every glyph the fonts lack is named.
    lacking = " ".join(w for w in warnings if "font lacks glyphs" in w)
    for sample in samples.values():
        absent = [c for c in sample if c.strip() and c not in text and unicodedata.category(c)[0] != "M"]
        assert all(f"U+{ord(c):04X}" in lacking for c in absent
                   if not unicodedata.category(c).startswith(("Cf", "Sk"))), (sample, warnings)
    assert unicodedata.normalize("NFKC", SAMPLES["arabic"]) in text
    if lacking:
        assert "install a font that has them" in lacking


@pytest.mark.parametrize(("person", "company", "expected"), [
    ("Zoë Ämélie", "Ünïcode GmbH", "Zoe-Amelie-CV-Unicode-GmbH.pdf"),
    ("Zoe\u0308 Ame\u0301lie", None, "Zoe-Amelie-CV.pdf"),
    ("Łukasz Øster-Straße", "Ørsted", "Lukasz-Oster-Strasse-CV-Orsted.pdf"),
    ("مهندسة بيانات", "数据科学家", "CV.pdf"),
    ("שרה כהן", "Acme 🚀", "CV-Acme.pdf"),
    ("🚀👩🏽‍💻", None, "CV.pdf"),
    ("../../etc/passwd", "C:\\Windows\\x", "etc-passwd-CV-C-Windows-x.pdf"),
    ("Ana\u202eFDP.exe", "Acme\u200b Corp", None),
])
def test_pdf_file_names_are_ascii_safe(person: str, company: str | None, expected: str | None) -> None:
    name = pdf_file_name(person, company)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*\.pdf", name), name
    assert len(name) < 120
    if expected:
        assert name == expected


def test_ascii_slug_of_every_sample_is_ascii() -> None:
    for sample in SAMPLES.values():
        assert ascii_slug(sample).isascii()
