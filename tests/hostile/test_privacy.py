"""Nothing of an item excluded for a job appears anywhere in that job's output.

Searched: the job page's HTML (text and every attribute, so JSON-LD and the
Open Graph / Twitter tags too), the PDFs' text and metadata (CV and cover
letter) read back with pypdf, the Word file (its text read back with
python-docx, and every XML part raw, so properties and link targets too),
the plain-text file, and `cvsite export jsonresume --job`. Once on a fixture whose excluded
items carry a unique marker in every field, once on every job of the example
profile with the real phrases of its excluded items.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hostile_support import job_data, profile_data, write_workspace
from pypdf import PdfReader

from cvsite.build import build_site
from cvsite.cli import cli
from cvsite.filenames import pdf_file_name
from cvsite.loader import load_workspace
from cvsite.markdown import plain_text
from cvsite.model import ITEM_TYPES, kebab
from cvsite.render_letter import render_letter_pdf
from cvsite.render_pdf import render_pdf
from cvsite.tailor import tailor
from cvsite.tokens import job_folders

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example_profile"


def marker(field: str) -> str:
    """A short token no layout hyphenates or splits, unique to the field."""
    return f"Qz{zlib.crc32(field.encode()):08x}"


def fixture_text(field: str) -> str:
    """Items numbered 1 are the excluded ones: every field of theirs is a marker."""
    return f"secret {marker(field)}" if re.match(r"[a-z]+1\.", field) else f"plain text for {field}"


def fixture_url(field: str) -> str:
    return f"https://{marker(field).lower()}.example/" if re.match(r"[a-z]+1\.", field) \
        else "https://example.com/"


def fixture_profile() -> tuple[dict, list[str], list[str]]:
    """The profile, the markers that must not show and some that must (to prove the search)."""
    data = profile_data(fixture_text, fixture_url, items=2)
    hidden = []
    for section in ITEM_TYPES:
        item = data[section][1]
        item["tags"] = ["secret", f"tag{marker(section).lower()}"]
        hidden.append(f"tag{marker(section).lower()}")
    kept_bullet = data["experience"][0]["highlights"]
    kept_bullet.append({"text": f"hidden bullet {marker('bullet')}", "tags": ["secret"]})
    hidden.append(marker("bullet"))
    hidden += [marker(f) for f in _fields(data) if re.match(r"[a-z]+1\.", f)]
    shown = ["plain text for exp0.role", "plain text for proj0.title"]
    return data, sorted(set(hidden)), shown


def _fields(_data: dict) -> list[str]:
    """Every field name profile_data fills, found by asking it."""
    asked: list[str] = []
    profile_data(lambda f: asked.append(f) or "x", lambda f: asked.append(f) or "https://e.x/", items=2)
    return sorted(set(asked))


def squash(text: str) -> str:
    """Case and whitespace (line breaks, soft hyphens) do not hide a leak."""
    return re.sub(r"[\s\u00ad]+", "", text).lower()


def job_output_text(out: Path, folder: str) -> str:
    """Everything a reader or a machine can get from the job's folder, as one string."""
    parts: list[str] = []
    for path in sorted((out / folder).rglob("*")):
        if path.suffix == ".html":
            raw = path.read_text("utf-8")
            soup = BeautifulSoup(raw, "html.parser")
            parts += [raw, soup.get_text(" ")]
            for element in soup.find_all(True):
                parts += [str(v) for v in element.attrs.values()]
            for block in soup.find_all("script", type="application/ld+json"):
                parts.append(json.dumps(json.loads(block.string), ensure_ascii=False))
        elif path.suffix == ".pdf":
            reader = PdfReader(BytesIO(path.read_bytes()))
            parts += [page.extract_text() or "" for page in reader.pages]
            parts += [str(v) for v in (reader.metadata or {}).values()]
        elif path.suffix == ".docx":
            parts.append(docx_text(path))
        elif path.suffix == ".txt":
            parts.append(path.read_text("utf-8"))
    return "\n".join(parts)


def docx_text(path: Path) -> str:
    """A Word file's paragraphs as python-docx reads them, and every XML part as written
    (document properties, hyperlink targets, styles)."""
    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    with zipfile.ZipFile(path) as archive:
        parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts)


def exported(root: Path, slug: str) -> str:
    result = CliRunner().invoke(cli, ["export", "jsonresume", str(root), "--job", slug])
    assert result.exit_code == 0, result.output
    return json.dumps(json.loads(result.stdout), ensure_ascii=False)


def test_excluded_items_leave_no_trace_in_any_output(tmp_path: Path) -> None:
    profile, hidden, shown = fixture_profile()
    root = write_workspace(tmp_path / "cv", profile, {"acme": job_data(
        lambda f: f"plain {f}", lambda f: "https://example.com/", exclude=["secret"],
        letter="plain text of the letter")})
    build_site(root, tmp_path / "site", pdf=False)
    cv = tailor(load_workspace(root), "acme")
    (tmp_path / "site" / "acme" / "cv.pdf").write_bytes(render_pdf(cv).data)
    (tmp_path / "site" / "acme" / "letter.pdf").write_bytes(render_letter_pdf(cv).data)
    folder = tmp_path / "site" / "acme"
    documents = squash(" ".join([docx_text(*folder.glob("*.docx")), *(p.read_text("utf-8") for p in
                                                                      folder.glob("*.txt"))]))
    letter = squash(" ".join(page.extract_text() for page in PdfReader(folder / "letter.pdf").pages))
    assert squash(shown[0]) in documents and squash("plain text of the letter") in letter
    output = squash(job_output_text(tmp_path / "site", "acme"))
    export = squash(exported(root, "acme"))
    pdf_text = squash(" ".join(page.extract_text() for pdf in (tmp_path / "site" / "acme").glob("*.pdf")
                               for page in PdfReader(pdf).pages))
    assert all(squash(s) in output and squash(s) in export for s in shown)
    assert squash(shown[0]) in pdf_text
    leaks = [m for m in hidden if squash(m) in output or squash(m) in export]
    assert len(hidden) > 40 and leaks == []


def test_the_general_page_still_shows_the_marked_items(tmp_path: Path) -> None:
    """The markers are findable where nothing excludes them: the test above can fail."""
    profile, hidden, _ = fixture_profile()
    root = write_workspace(tmp_path / "cv", profile, {})
    build_site(root, tmp_path / "site", pdf=False)
    page = squash((tmp_path / "site" / "index.html").read_text("utf-8"))
    assert sum(squash(m) in page for m in hidden) >= 20


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, with the PDFs (CV and letter) of each job that excludes something
    rendered for real (the build's own renderers; the rest of the PDFs would only cost time)."""
    out = tmp_path_factory.mktemp("example") / "site"
    build_site(EXAMPLE, out, pdf=False)
    workspace = load_workspace(EXAMPLE)
    for slug, job in workspace.jobs.items():
        if job.exclude:
            cv = tailor(workspace, slug)
            folder = out / job_folders(workspace)[slug]
            (folder / pdf_file_name(cv.person.name, job.company)).write_bytes(render_pdf(cv).data)
            if job.letter:
                (folder / "letter.pdf").write_bytes(render_letter_pdf(cv).data)
    return out


def excluded_phrases(slug: str) -> list[str]:
    """Phrases of the items (and bullets) the job excludes that occur nowhere in what it keeps."""
    workspace = load_workspace(EXAMPLE)
    job = workspace.jobs[slug]
    cv = tailor(workspace, slug)
    gone = {id(r.item) for r in cv.excluded}
    tagged = {id(item) for section in ITEM_TYPES for item in workspace.profile.section(section)
              if set(item.tags) & {kebab(t) for t in job.exclude}}
    assert tagged <= gone, "an item carrying an excluded tag was not excluded"
    kept = squash(plain_text(json.dumps(
        [workspace.profile.model_dump(mode="json", include={"name", "headline", "pitch", "summary"}),
         job.model_dump(mode="json"), workspace.postings[slug]]
        + [r.item.model_dump(mode="json") for s in cv.sections for r in s.items]
        + [r.item.model_dump(mode="json") for s in cv.sections for r in s.omitted],
        ensure_ascii=False)))
    phrases: list[str] = []
    for ranked in cv.excluded:
        for value in _strings(ranked.item.model_dump(mode="json", exclude={"id", "tags"})):
            text = plain_text(value)
            if len(text) >= 12 and squash(text) not in kept:
                phrases.append(text)
    return phrases


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("slug", sorted(load_workspace(EXAMPLE).jobs))
def test_example_jobs_show_nothing_they_exclude(example_site: Path, slug: str) -> None:
    phrases = excluded_phrases(slug)
    folder = job_folders(load_workspace(EXAMPLE))[slug]  # unlisted jobs' folders carry their token
    assert bool(phrases) == any((example_site / folder).glob("*.pdf"))
    output = squash(job_output_text(example_site, folder)) + squash(exported(EXAMPLE, slug))
    assert [p for p in phrases if squash(p) in output] == []
    general = squash((example_site / "index.html").read_text("utf-8"))
    # The same phrases are on the general page, so the search would have found them.
    assert all(squash(p) in general for p in phrases[:3])


def test_example_profile_excludes_something() -> None:
    assert sum(len(excluded_phrases(slug)) for slug in load_workspace(EXAMPLE).jobs) >= 5
