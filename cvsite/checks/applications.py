"""`application-*`: advice on the applications themselves, not on the CV.

- `application-deadline`: the deadline passed while the job is still a draft.
- `application-not-frozen`: marked as sent but what was sent is not kept (`cvsite freeze`).
- `application-frozen-changed`: the frozen version names profile items that have
  since been deleted; informational, the sent version is still what is published.

The date comes from `cvsite.applications.today()`, so tests set `CVSITE_TODAY`.
"""

from __future__ import annotations

from cvsite.applications import OPEN, today
from cvsite.checks.common import warning
from cvsite.errors import Problem
from cvsite.freeze import sent_records
from cvsite.loader import Workspace, items

DEADLINE = "application-deadline"
NOT_FROZEN = "application-not-frozen"
FROZEN_CHANGED = "application-frozen-changed"


def check_deadlines(ws: Workspace) -> list[Problem]:
    on = today().isoformat()
    problems = []
    for slug, job in ws.jobs.items():
        if job.status == "draft" and job.deadline and str(job.deadline) < on:
            problems.append(warning(
                ws, ws.job_file(slug), ("deadline",), DEADLINE,
                f"the deadline ({job.deadline}) has passed and the application is still a draft",
                "apply and set `status: applied`, or set `status: withdrawn`"))
    return problems


def check_not_frozen(ws: Workspace) -> list[Problem]:
    frozen = sent_records(ws.root)
    return [
        warning(ws, ws.job_file(slug), ("status",), NOT_FROZEN,
                f"marked '{job.status}' but what you sent is not kept",
                f"run `cvsite freeze {slug}` so the page and PDF stay as sent")
        for slug, job in ws.jobs.items()
        if job.status in OPEN and slug not in frozen
    ]


def check_frozen_changed(ws: Workspace) -> list[Problem]:
    present = {(section, item.id) for section, _, item in items(ws.profile)}
    problems = []
    for slug, record in sent_records(ws.root).items():
        if slug not in ws.jobs:
            continue
        gone = [f"{section}: {item}" for section, ids in record.sections.items()
                for item in ids if (section, item) not in present]
        if gone:
            problems.append(warning(
                ws, ws.job_file(slug), (), FROZEN_CHANGED,
                f"the version sent on {record.frozen} shows items since deleted from the profile "
                f"({'; '.join(gone)})",
                "nothing to do: the sent version stays published as it was"))
    return problems
