"""Application fields in job files, `cvsite jobs`, and the `application-*` check advice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvsite.applications import Application, applications, as_json, as_text, job_rows
from cvsite.checks import run_checks
from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.model import APPLICATION_FIELDS, STATUSES, Job
from cvsite.tokens import job_folders

FIXTURE = Path(__file__).parent / "fixtures" / "site"
TODAY = date(2026, 12, 2)


def workspace_with(tmp_path: Path, jobs: dict[str, str]) -> Path:
    """The site fixture with these job files (YAML text) instead of its own."""
    root = tmp_path / "cv"
    shutil.copytree(FIXTURE, root)
    shutil.rmtree(root / "jobs")
    (root / "jobs").mkdir()
    for slug, text in jobs.items():
        (root / "jobs" / f"{slug}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def job(**fields: object) -> str:
    lines = ["company: Acme", "role: Data Engineer", *(f"{k}: {v}" for k, v in fields.items())]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- model

def test_application_fields_are_optional_and_default_to_a_draft() -> None:
    plain = Job.model_validate({"company": "Acme", "role": "Engineer"})
    assert plain.status == "draft"
    assert all(getattr(plain, name) is None for name in APPLICATION_FIELDS if name != "status")


@pytest.mark.parametrize(("written", "expected"), [
    ("Priya Shah", {"name": "Priya Shah", "email": None, "url": None}),
    ("priya@acme.example", {"name": None, "email": "priya@acme.example", "url": None}),
    ("https://acme.example/careers/priya", {"name": None, "email": None,
                                            "url": "https://acme.example/careers/priya"}),
    ({"name": "Priya", "email": "p@acme.example"}, {"name": "Priya", "email": "p@acme.example", "url": None}),
])
def test_contact_takes_a_name_an_email_a_url_or_all_three(written: object, expected: dict) -> None:
    parsed = Job.model_validate({"company": "A", "role": "B", "contact": written})
    assert parsed.contact is not None and parsed.contact.model_dump() == expected


def test_a_misspelt_status_gets_a_did_you_mean_with_its_line(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {"acme": job(listed="true", status="intervewing")})
    with pytest.raises(CvsiteError) as caught:
        load_workspace(root)
    [problem] = caught.value.problems
    assert problem.file.endswith("jobs/acme.yaml") and problem.line == 4 and problem.path == "status"
    assert "did you mean 'interviewing'" in problem.message


@pytest.mark.parametrize("value", ["2026-11", "2026", "next week", "2026-02-30"])
def test_deadlines_and_applied_dates_need_a_real_day(tmp_path: Path, value: str) -> None:
    root = workspace_with(tmp_path, {"acme": job(deadline=f"'{value}'", applied=f"'{value}'")})
    with pytest.raises(CvsiteError) as caught:
        load_workspace(root)
    assert sorted(p.path for p in caught.value.problems) == ["applied", "deadline"]


def test_the_schema_lists_every_status() -> None:
    from cvsite.schema import json_schema

    properties = json_schema("job")["properties"]
    assert properties["status"]["enum"] == list(STATUSES)
    assert "private_notes" in properties


# ---------------------------------------------------------------- rows and their order

def row(slug: str, status: str = "draft", applied: date | None = None, deadline: date | None = None
        ) -> Application:
    return Application(slug, "Co", "Role", status, applied, deadline, False, False, None)


def test_urgency_order_deadlines_then_drafts_then_open_by_age_then_closed() -> None:
    rows = [
        row("closed", "rejected", applied=TODAY - timedelta(days=90)),
        row("old-open", "applied", applied=TODAY - timedelta(days=40)),
        row("new-open", "interviewing", applied=TODAY - timedelta(days=3)),
        row("draft-plain"),
        row("due-later", deadline=TODAY + timedelta(days=9)),
        row("overdue", deadline=TODAY - timedelta(days=1)),
        row("due-soon", deadline=TODAY + timedelta(days=2)),
    ]
    from cvsite.applications import _urgency

    ordered = [r.slug for r in sorted(rows, key=lambda r: _urgency(r, TODAY))]
    assert ordered == ["overdue", "due-soon", "due-later", "draft-plain", "old-open", "new-open", "closed"]


@pytest.mark.parametrize(("offset", "text"), [
    (-3, "(3 days overdue)"), (-1, "(1 day overdue)"), (0, "(today)"), (1, "(1 day left)"),
    (12, "(12 days left)"),
])
def test_deadline_arithmetic_around_today(offset: int, text: str) -> None:
    line = as_text([row("acme", deadline=TODAY + timedelta(days=offset))], TODAY).splitlines()[1]
    assert f"{(TODAY + timedelta(days=offset)).isoformat()} {text}" in line


def test_a_sent_application_shows_its_deadline_without_a_countdown() -> None:
    line = as_text([row("acme", "applied", applied=TODAY, deadline=TODAY - timedelta(days=5))],
                   TODAY).splitlines()[1]
    assert "overdue" not in line and (TODAY - timedelta(days=5)).isoformat() in line


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(STATUSES), st.none() | st.integers(-60, 60),
                          st.none() | st.integers(-60, 60)), max_size=12))
def test_every_draft_with_a_deadline_comes_before_every_row_without_one(
        specs: list[tuple[str, int | None, int | None]]) -> None:
    rows = [row(f"j{n}", status, applied=None if a is None else TODAY + timedelta(days=a),
                deadline=None if d is None else TODAY + timedelta(days=d))
            for n, (status, a, d) in enumerate(specs)]
    from cvsite.applications import _urgency

    ordered = sorted(rows, key=lambda r: _urgency(r, TODAY))
    urgent = [r.status == "draft" and r.deadline is not None for r in ordered]
    assert urgent == sorted(urgent, reverse=True)
    deadlines = [r.deadline for r in ordered if r.status == "draft" and r.deadline]
    assert deadlines == sorted(deadlines)
    closed = [r.status in ("rejected", "withdrawn") for r in ordered]
    assert closed == sorted(closed)


def test_rows_carry_urls_only_when_a_base_url_is_known(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {"acme": job(listed="true"), "globex": job(status="applied",
                                                                               applied="2026-11-20")})
    ws = load_workspace(root)
    without = applications(ws, set(), {"acme": "acme/", "globex": "globex/"}, None, TODAY)
    assert [r.url for r in without] == [None, None]
    with_base = job_rows(root, ws, "https://me.example/cv", TODAY)
    globex = job_folders(ws)["globex"]
    assert globex.startswith("globex-") and len(globex) > len("globex-") + 15
    assert {r.slug: r.url for r in with_base} == {"acme": "https://me.example/cv/acme/",
                                                  "globex": f"https://me.example/cv/{globex}"}
    assert [r.as_json()["applied"] for r in with_base] == [None, "2026-11-20"]


# ---------------------------------------------------------------- the command

def run_cvsite(*args: str, today: str = "2026-12-02") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CVSITE_TODAY": today, "NO_COLOR": ""}
    return subprocess.run([sys.executable, "-m", "cvsite", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_jobs_json_contract(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {
        "acme": job(status="applied", applied="2026-11-02", listed="true"),
        "globex": job(deadline="2026-12-05"),
    })
    done = run_cvsite("jobs", str(root), "--json", "--base-url", "https://me.example")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    globex = job_folders(load_workspace(root))["globex"]
    assert list(data) == ["jobs"]
    assert data["jobs"] == [
        {"slug": "globex", "company": "Acme", "role": "Data Engineer", "status": "draft", "applied": None,
         "deadline": "2026-12-05", "listed": False, "frozen": False, "url": f"https://me.example/{globex}"},
        {"slug": "acme", "company": "Acme", "role": "Data Engineer", "status": "applied",
         "applied": "2026-11-02", "deadline": None, "listed": True, "frozen": False,
         "url": "https://me.example/acme/"},
    ]


def test_jobs_text_is_plain_in_a_pipe_and_counts_days(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {"globex": job(deadline="2026-11-30")})
    done = run_cvsite("jobs", str(root))
    assert done.returncode == 0 and "\x1b[" not in done.stdout
    assert "2026-11-30 (2 days overdue)" in done.stdout and "unlisted, live" in done.stdout


def test_a_bad_today_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {"globex": job()})
    done = run_cvsite("jobs", str(root), today="soon")
    assert done.returncode == 2 and "CVSITE_TODAY" in done.stderr and "Traceback" not in done.stderr


def test_colour_follows_the_terminal_rule() -> None:
    rows = [row("late", deadline=TODAY - timedelta(days=2))]
    assert "\x1b[" in as_text(rows, TODAY, color=True) and "\x1b[" not in as_text(rows, TODAY)
    assert as_json(rows)["jobs"][0]["deadline"] == (TODAY - timedelta(days=2)).isoformat()


# ---------------------------------------------------------------- check advice

def codes(root: Path) -> list[tuple[str, str]]:
    """The application advice on `root`, as of 2026-12-02 (tests/conftest.py sets CVSITE_TODAY)."""
    return [(p.code or "", p.path) for p in run_checks(load_workspace(root)) if p.code and
            p.code.startswith("application-")]


def test_a_passed_deadline_on_a_draft_is_flagged_but_not_today_or_once_sent(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {
        "late": job(deadline="2026-12-01"),
        "today": job(deadline="2026-12-02"),
        "sent": job(deadline="2026-11-01", status="withdrawn"),
    })
    assert codes(root) == [("application-deadline", "deadline")]


def test_an_application_marked_sent_but_not_frozen_is_flagged(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, {
        "sent": job(status="interviewing", applied="2026-11-01"),
        "draft": job(),
        "rejected": job(status="rejected"),
    })
    found = codes(root)
    assert found == [("application-not-frozen", "status")]
