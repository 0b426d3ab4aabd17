"""Every declared section works end to end in every theme, discovered, not listed.

The profile is generated from the declaration (`SECTION_TYPES`): one item per
section, each field filled with the first of a few candidate values its own
validator accepts, so a section added to the declaration is covered here without
editing this file. For each section × theme: the page and the PDF show the
section's label and every item's heading, the Word and text CVs show the item, the
JSON Schema describes it, JSON Resume export and import bring it back unchanged,
and `check` and `explain` read it.
"""

from __future__ import annotations

import json
from functools import cache, partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader
from section_samples import sample_item

from cvsite.build import build_site
from cvsite.checking import check_directory
from cvsite.explain import as_json, as_text, explain
from cvsite.jsonresume import export_jsonresume, import_jsonresume
from cvsite.loader import load_workspace
from cvsite.locale import load_locale
from cvsite.model import SECTION_TYPES, Profile, SectionType
from cvsite.schema import json_schema
from cvsite.themes import available_themes

SECTIONS = [pytest.param(section, id=section.name) for section in SECTION_TYPES]
THEMES = available_themes()


def _token(section: SectionType, key: str) -> str:
    """A value found nowhere else in the CV, so a test can look for it."""
    field = key.rsplit(".", 1)[1]
    return f"Zq{section.name.title()}{field.title().replace('_', '')}"


def sample(section: SectionType) -> dict[str, Any]:
    item = sample_item(section, partial(_token, section),
                       lambda key: f"https://example.org/{_token(section, key).lower()}", section.name)
    item["tags"] = [f"tag-{section.name}"]
    return item


@cache
def sample_profile() -> dict[str, Any]:
    data: dict[str, Any] = {"name": "Ada Sample", "headline": "Engineer"}
    for section in SECTION_TYPES:
        data[section.name] = [sample(section)]
    return data


def item_label(section: SectionType) -> str:
    return section.model.model_validate(sample(section)).label()


def heading_texts(section: SectionType) -> list[str]:
    """The text values of the fields the declaration says make the item's heading."""
    item = sample(section)
    texts = [item[name] for name in section.heading if isinstance(item.get(name), str)]
    assert texts, f"{section.name} declares no heading field with a value"
    return texts


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build: the general CV, and per theme one job that asks for every section."""
    root = tmp_path_factory.mktemp("sections")
    (root / "profile.yaml").write_text(yaml.safe_dump(sample_profile(), allow_unicode=True), "utf-8")
    (root / "jobs").mkdir()
    tags = {f"tag-{section.name}": 1.0 for section in SECTION_TYPES}
    for theme in THEMES:
        job = {"company": f"Co {theme}", "role": "Engineer", "theme": theme, "listed": True, "tags": tags}
        (root / "jobs" / f"{theme}.yaml").write_text(yaml.safe_dump(job), "utf-8")
    build_site(root)
    return root


def _section_element(html: str, name: str) -> Any:
    soup = BeautifulSoup(html, "html.parser")
    found = soup.select(f"section.section-{name}")
    assert len(found) == 1, f"the page has {len(found)} section(s) of class section-{name}"
    return found[0]


def _pdf_text(path: Path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, f"{folder} holds {found} for {pattern}"
    return found[0]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("section", SECTIONS)
def test_the_page_shows_the_section_its_label_and_every_heading(site: Path, section: SectionType,
                                                                theme: str) -> None:
    html = (site / "site" / theme / "index.html").read_text("utf-8")
    element = _section_element(html, section.name)
    text = " ".join(element.get_text(" ").split())
    assert load_locale("en").section(section.name) in text
    for value in heading_texts(section):
        assert value in text, f"{value!r} missing from the {section.name} section in {theme}"
    keys = [tag["data-key"] for tag in element.select("[data-key]")]
    assert keys and all(key.startswith(f"{section.name}-") for key in keys), keys


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("section", SECTIONS)
def test_the_pdf_word_and_text_cvs_show_the_item(site: Path, section: SectionType, theme: str) -> None:
    folder = site / "site" / theme
    pdf = " ".join(_pdf_text(_one(folder, "*-CV-*.pdf")).split())
    plain = " ".join(_one(folder, "*-CV-*.txt").read_text("utf-8").split())
    for text, kind in ((pdf, "PDF"), (plain, "text CV")):
        assert load_locale("en").section(section.name).upper() in text.upper(), kind
        for value in heading_texts(section):
            assert value in text, f"{value!r} missing from the {kind} of {theme}"
    docx = _one(folder, "*-CV-*.docx")
    words = " ".join(p.text for p in Document(str(docx)).paragraphs)
    assert all(value in words for value in heading_texts(section))


@pytest.mark.parametrize("section", SECTIONS)
def test_the_json_schema_describes_the_section(section: SectionType) -> None:
    schema = json_schema("profile")
    prop = schema["properties"][section.name]
    assert prop["type"] == "array" and prop["description"] == section.description
    ref = prop["items"]["$ref"].rsplit("/", 1)[1]
    item_schema = schema["$defs"][ref]
    required = {n for n, f in section.model.model_fields.items() if f.is_required()}
    assert set(item_schema.get("required", [])) == required
    assert set(item_schema["properties"]) == set(section.model.model_fields)


@pytest.mark.parametrize("section", SECTIONS)
def test_json_resume_export_and_import_bring_the_section_back(tmp_path: Path, section: SectionType) -> None:
    profile = Profile.model_validate(sample_profile())
    source = tmp_path / "resume.json"
    source.write_text(json.dumps(export_jsonresume(profile)), "utf-8")
    import_jsonresume(source, tmp_path / "back")
    back = load_workspace(tmp_path / "back").profile
    before = [item.model_dump(exclude={"id"}) for item in profile.section(section.name)]
    after = [item.model_dump(exclude={"id"}) for item in back.section(section.name)]
    assert after == before


@pytest.mark.parametrize("section", SECTIONS)
def test_check_and_explain_read_the_section(site: Path, section: SectionType) -> None:
    assert not check_directory(site).errors
    cvs = explain(site, [THEMES[0]])
    job = as_json(cvs)["jobs"][0]
    found = [item for group in job["sections"] if group["name"] == section.name for item in group["items"]]
    assert [item["title"] for item in found] == [item_label(section)]
    assert found[0]["included"] and any(r["term"] == f"tag-{section.name}" for r in found[0]["reasons"])
    assert item_label(section) in as_text(cvs)
