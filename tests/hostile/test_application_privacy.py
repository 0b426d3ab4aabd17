"""Application fields (status, dates, contact, source, private notes) never reach a published file.

Every field carries a unique marker; the whole built site (pages, JSON-LD and meta
tags inside them, sitemap, robots, 404, the job's PDF text and metadata) and the
tailored JSON Resume export are searched for each. The company and role, which
the page is about, must be there, so the search can fail.
"""

from __future__ import annotations

import json
import re
import shutil
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from cvsite.build import build_site
from cvsite.cli import cli
from cvsite.model import APPLICATION_FIELDS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "site"

JOB = """\
company: Umbrella Analytics
role: Streaming Data Engineer
tags: {kafka: 3}
listed: true
status: interviewing
applied: 2026-11-17
deadline: 2026-12-24
contact: {name: Qzcontactname Person, email: qzcontactmail@umbrella.example, url: https://qzcontacturl.example/p}
source: https://qzsourceurl.example/jobs/42
private_notes: Qzprivatenote salary band is 90k; recruiter sounded keen.
"""
MARKERS = ["qzcontactname", "qzcontactmail", "qzcontacturl", "qzsourceurl", "qzprivatenote",
           "2026-11-17", "2026-12-24", "17 nov", "nov 17", "24 dec", "dec 24", "interviewing"]


def published_text(out: Path) -> str:
    parts: list[str] = []
    for path in sorted(out.rglob("*")):
        if path.suffix == ".pdf":
            reader = PdfReader(BytesIO(path.read_bytes()))
            parts += [page.extract_text() or "" for page in reader.pages]
            parts += [str(v) for v in (reader.metadata or {}).values()]
        elif path.is_file() and path.suffix in {".html", ".xml", ".txt", ".json", ""}:
            parts.append(path.read_text("utf-8", errors="replace"))
    return re.sub(r"\s+", " ", "\n".join(parts)).lower()


def test_application_fields_never_leave_the_job_file(tmp_path: Path) -> None:
    root = tmp_path / "cv"
    shutil.copytree(FIXTURE, root)
    (root / "jobs" / "umbrella.yaml").write_text(JOB, encoding="utf-8")
    out = tmp_path / "site"
    build_site(root, out, jobs=["umbrella"], base_url="https://cv.example")
    text = published_text(out)
    exported = CliRunner().invoke(cli, ["export", "jsonresume", str(root), "--job", "umbrella"])
    assert exported.exit_code == 0, exported.output
    text += json.dumps(json.loads(exported.stdout)).lower()
    assert "umbrella analytics" in text and "streaming data engineer" in text
    assert any((out / "umbrella").glob("*.pdf"))
    assert [m for m in MARKERS if m in text] == []


def test_a_theme_that_asks_for_them_gets_nothing(tmp_path: Path) -> None:
    """Renderers get the job without its application fields, so even an override that
    prints them publishes nothing."""
    root = tmp_path / "cv"
    shutil.copytree(FIXTURE, root)
    (root / "jobs" / "umbrella.yaml").write_text(JOB, encoding="utf-8")
    (root / "theme").mkdir()
    fields = " ".join(f"[{{{{ job.{name} if job else '' }}}}]" for name in APPLICATION_FIELDS)
    (root / "theme" / "page.html").write_text(
        '{% extends "theme:page.html" %}{% block footer %}<p id="leak">' + fields + "</p>{% endblock %}",
        encoding="utf-8")
    out = tmp_path / "site"
    build_site(root, out, jobs=["umbrella"], pdf=False)
    page = (out / "umbrella" / "index.html").read_text("utf-8")
    assert '<p id="leak">' + "[None] " * (len(APPLICATION_FIELDS) - 1) + "[None]</p>" in page


def test_every_application_field_is_covered_by_the_markers() -> None:
    """A new application field must get a marker above, or this test says so."""
    assert set(APPLICATION_FIELDS) <= {key.split(":")[0] for key in JOB.splitlines()}
