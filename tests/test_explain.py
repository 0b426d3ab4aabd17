"""`cvsite explain`: the JSON contract of issue 3, the readable report, and the real CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from cvsite.explain import as_json, as_text, explain

ALEX = Path(__file__).parent / "fixtures" / "tailor" / "alex"

REASON = {"type": "object", "required": ["kind", "term", "weight"]}
HIGHLIGHT = {"type": "object", "required": ["text", "score"],
             "properties": {"text": {"type": "string"}, "score": {"type": "number"}}}
ITEM = {
    "type": "object",
    "required": ["id", "title", "score", "included", "reasons"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "score": {"type": "number"},
        "included": {"type": "boolean"},
        "reasons": {"type": "array", "items": REASON},
        "highlights": {"type": "array", "items": HIGHLIGHT},
    },
}
CONTRACT = {
    "type": "object",
    "required": ["jobs"],
    "properties": {"jobs": {"type": "array", "items": {
        "type": "object",
        "required": ["slug", "company", "role", "sections", "coverage"],
        "properties": {
            "sections": {"type": "array", "items": {
                "type": "object", "required": ["name", "items"],
                "properties": {
                    "name": {"enum": ["projects", "experience", "contributions", "skills", "education",
                                      "languages"]},
                    "items": {"type": "array", "items": ITEM},
                },
            }},
            "coverage": {"type": "object", "required": ["matched", "missing", "ratio"],
                         "properties": {"matched": {"type": "array"}, "missing": {"type": "array"},
                                        "ratio": {"type": "number", "minimum": 0, "maximum": 1}}},
        },
    }}},
}


@pytest.fixture(scope="module")
def report() -> dict:
    return as_json(explain(ALEX))


def job_of(report: dict, slug: str) -> dict:
    return next(j for j in report["jobs"] if j["slug"] == slug)


def section_of(job: dict, name: str) -> dict:
    return next(s for s in job["sections"] if s["name"] == name)


def test_json_follows_the_contract_for_every_job(report: dict) -> None:
    jsonschema.validate(report, CONTRACT)
    assert [j["slug"] for j in report["jobs"]] == ["analyst", "backend", "frontend", "ml-engineer", "sre"]
    sre = job_of(report, "sre")
    assert (sre["company"], sre["role"]) == ("Tramline", "Site Reliability Engineer")
    for job in report["jobs"]:
        experience = section_of(job, "experience")["items"]
        assert all("highlights" in item for item in experience)


def test_items_are_in_render_order_with_included_first(report: dict) -> None:
    for job in report["jobs"]:
        for section in job["sections"]:
            flags = [item["included"] for item in section["items"]]
            assert flags == sorted(flags, reverse=True), (job["slug"], section["name"])
    frontend = job_of(report, "frontend")
    projects = section_of(frontend, "projects")["items"]
    assert [p["id"] for p in projects[:2]] == ["fleet-dashboard", "html-mailer"]
    contributions = section_of(frontend, "contributions")["items"]
    assert (contributions[0]["id"], contributions[0]["included"]) == ("post-hooks", True)
    assert [c["included"] for c in contributions[1:]] == [False, False]
    assert {c["left_out"]["kind"] for c in contributions[1:]} == {"irrelevant"}


def test_skills_are_titled_by_name_and_reasons_carry_weights(report: dict) -> None:
    backend = job_of(report, "backend")
    java = section_of(backend, "skills")["items"][0]
    assert (java["id"], java["title"]) == ("java", "Java")
    assert (java["reasons"][0]["kind"], java["reasons"][0]["term"]) == ("posting", "Java")
    assert java["score"] == pytest.approx(sum(r["weight"] for r in java["reasons"]))


def test_excluded_items_and_bullets_are_reported_as_left_out(report: dict) -> None:
    sre = job_of(report, "sre")
    projects = section_of(sre, "projects")["items"]
    dashboard = next(p for p in projects if p["id"] == "fleet-dashboard")
    assert dashboard["included"] is False
    assert dashboard["left_out"] == {"kind": "excluded", "term": "tag 'frontend'", "weight": 0.0}
    northwind = next(i for i in section_of(sre, "experience")["items"] if i["id"] == "northwind")
    hidden = [h for h in northwind["highlights"] if not h["included"]]
    assert [h["text"][:28] for h in hidden] == ["Rewrote the customer portal "]
    assert not any(h["text"].startswith("Rewrote") for h in northwind["highlights"] if h["included"])


def test_experience_highlights_are_ordered_by_score(report: dict) -> None:
    ml = job_of(report, "ml-engineer")
    northwind = next(i for i in section_of(ml, "experience")["items"] if i["id"] == "northwind")
    shown = [h for h in northwind["highlights"] if h["included"]]
    assert len(shown) == 3
    assert shown[0]["text"].startswith("Trained a PyTorch model")
    assert [h["score"] for h in shown] == sorted((h["score"] for h in shown), reverse=True)


def test_coverage_in_json(report: dict) -> None:
    coverage = job_of(report, "sre")["coverage"]
    matched = {t["term"] for t in coverage["matched"]}
    assert {"Kubernetes", "Terraform", "Prometheus", "Grafana"} <= matched
    assert "React" not in matched
    assert {"SLOs", "Postmortems"} <= {t["term"] for t in coverage["missing"]}
    kubernetes = next(t for t in coverage["matched"] if t["term"] == "Kubernetes")
    assert "projects:runbooks" in kubernetes["where"]
    assert coverage["low_confidence"] is False


def test_text_report_names_order_reasons_exclusions_and_gaps() -> None:
    text = as_text(explain(ALEX, ["sre"]))
    assert text.startswith("== sre: Site Reliability Engineer at Tramline")
    projects = text.split("projects (section score")[1]
    assert projects.index("Incident runbook generator") < projects.index("ratelimit, a Go rate limiter")
    # Kubernetes: a requirement, discounted because two of the other four postings name it too
    assert re.search(r"posting 'Kubernetes' \+1\.\d\d \(in 50% of your other postings x0\.80\)", text)
    assert "tag 'Site reliability engineering' +2.00" in text
    assert "Rewrote the customer portal in React and TypeScript" in text
    assert "(left out: tag 'frontend')" in text
    excluded = text.split("\nexcluded\n")[1]
    assert "projects: Fleet dashboard  (tag 'frontend')" in excluded
    assert "contributions: React hooks for live data  (tag 'frontend')" in excluded
    assert "Kubernetes (experience:brightcart, projects:runbooks)" in text  # where, in render order
    never = text.split("never mentioned in the profile:")[1].split("\n")[0]
    assert "Infrastructure as code" in never
    assert "warning" not in text


def test_thin_posting_warns_that_coverage_cannot_be_judged(tmp_path: Path) -> None:
    root = tmp_path / "alex"
    shutil.copytree(ALEX, root)
    (root / "jobs" / "thin.yaml").write_text(
        "company: Tiny\nrole: Engineer\nposting: |\n  We are hiring. Requirements: Kubernetes.\n",
        encoding="utf-8")
    cvs = explain(root, ["thin"])
    assert "warning: only 1 key terms recognised in the posting; too few to judge" in as_text(cvs)
    assert as_json(cvs)["jobs"][0]["coverage"]["low_confidence"] is True


def test_same_inputs_give_identical_json(report: dict) -> None:
    assert json.dumps(as_json(explain(ALEX)), sort_keys=True) == json.dumps(report, sort_keys=True)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cvsite", "explain", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_json_matches_the_library_report(report: dict) -> None:
    result = cli(str(ALEX), "--job", "ml-engineer", "--job", "sre", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, CONTRACT)
    assert data["jobs"] == [job_of(report, "ml-engineer"), job_of(report, "sre")]


def test_cli_text_and_unknown_job() -> None:
    result = cli(str(ALEX), "--job", "frontend")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("== frontend: Senior Frontend Engineer at Parcelio")
    assert "keyword coverage:" in result.stdout
    wrong = cli(str(ALEX), "--job", "frontent")
    assert wrong.returncode != 0
    assert "no job 'frontent'" in wrong.stderr + wrong.stdout
    assert "Traceback" not in wrong.stderr


SAM = Path(__file__).parent / "fixtures" / "tailor" / "sam"


def test_json_and_text_show_how_the_posting_was_read() -> None:
    cvs = explain(SAM, ["frontend", "platform"])
    report = as_json(cvs)
    jsonschema.validate(report, CONTRACT)  # extended, not broken
    frontend, platform = report["jobs"]
    posting = frontend["posting"]
    assert posting["terms"][0] == {"term": "React", "weight": pytest.approx(2.693, abs=1e-3),
                                   "sections": ["title", "requirements"], "specificity": 1.0,
                                   "notes": ["job title"]}
    kubernetes = {"term": "Kubernetes", "why": "negated: 'no Kubernetes experience is needed'"}
    assert kubernetes in posting["ignored"]
    python = next(t for t in posting["terms"] if t["term"] == "Python")
    assert python["notes"][0] == "context: describes the company" and python["specificity"] < 1
    ledgerly = next(i for s in platform["sections"] for i in s["items"] if i["id"] == "ledgerly")
    partial = next(r for r in ledgerly["reasons"] if r["term"] == "PostgreSQL")
    assert partial["kind"] == "posting" and partial["note"] == "partial: through Amazon RDS"
    assert all("note" not in r or r["note"] for s in platform["sections"] for i in s["items"]
               for r in i["reasons"]), "no empty notes"
    text = as_text(cvs)
    assert "posting read as: React 2.69 (job title)" in text
    assert "ignored: Machine learning (negated: 'won't use machine learning" in text
    assert "posting 'PostgreSQL' +0.36 (partial: through Amazon RDS)" in text
    assert "(context: describes the company; common in postings x0.5" in text


def test_explaining_one_job_does_not_fail_on_another_broken_one(tmp_path: Path) -> None:
    shutil.copytree(SAM, tmp_path / "sam")
    (tmp_path / "sam" / "jobs" / "platform.yaml").write_text("company: Greyhound\nrole: [not, a, role]\n")
    [cv] = explain(tmp_path / "sam", ["frontend"])
    assert cv.reading is not None
    assert {t.display for t in cv.reading.terms[:2]} == {"React", "Frontend development"}
    assert "Kubernetes" in {t.display for t in cv.reading.ignored}
