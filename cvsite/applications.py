"""`cvsite jobs`: where each application stands, what needs attention first.

The rows come from the job files' application fields (`status`, `applied`,
`deadline`; see `cvsite.model.APPLICATION_FIELDS`) and from which jobs are
frozen. Order, most urgent first: drafts with a deadline (soonest, overdue
ones first), other drafts, open applications by age (oldest first: the ones
to chase), then closed ones (rejected, withdrawn).

"Today" is a parameter everywhere; `today()` reads `CVSITE_TODAY` (YYYY-MM-DD)
when set, so tests and reproducible reports never depend on the clock.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from cvsite.errors import CvsiteError
from cvsite.loader import Workspace
from cvsite.model import PartialDate

TODAY_VARIABLE = "CVSITE_TODAY"
OPEN = ("applied", "interviewing", "offer")
CLOSED = ("rejected", "withdrawn")
_STATUS_COLOUR = {"draft": "yellow", "applied": "cyan", "interviewing": "magenta", "offer": "green",
                  "rejected": None, "withdrawn": None}


def today() -> date:
    """The date reports count from: `CVSITE_TODAY` if set, else the clock."""
    value = os.environ.get(TODAY_VARIABLE)
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CvsiteError(f"{TODAY_VARIABLE}={value!r}: not a date; write YYYY-MM-DD") from None


@dataclass(frozen=True)
class Application:
    """One row of `cvsite jobs`."""

    slug: str
    company: str
    role: str
    status: str
    applied: date | None
    deadline: date | None
    listed: bool
    frozen: bool
    url: str | None

    def days_left(self, on: date) -> int | None:
        return (self.deadline - on).days if self.deadline else None

    def as_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "company": self.company, "role": self.role, "status": self.status,
                "applied": _iso(self.applied), "deadline": _iso(self.deadline), "listed": self.listed,
                "frozen": self.frozen, "url": self.url}


def applications(workspace: Workspace, frozen: set[str], folders: dict[str, str],
                 base_url: str | None, on: date) -> list[Application]:
    """Every job as an application row, most urgent first.

    `folders` maps each slug to its page's folder in the site; a URL is given only
    when the site's base URL is known.
    """
    rows = [
        Application(slug=slug, company=job.company, role=job.role, status=job.status,
                    applied=_day(job.applied), deadline=_day(job.deadline), listed=job.listed,
                    frozen=slug in frozen, url=f"{base_url}{folders[slug]}" if base_url else None)
        for slug, job in workspace.jobs.items()
    ]
    return sorted(rows, key=lambda row: _urgency(row, on))


def _urgency(row: Application, on: date) -> tuple[int, int, str]:
    if row.status == "draft" and row.deadline:
        return 0, (row.deadline - on).days, row.slug
    if row.status == "draft":
        return 1, 0, row.slug
    if row.status in OPEN:
        return 2, -(on - row.applied).days if row.applied else 0, row.slug
    return 3, 0, row.slug


def as_json(rows: Sequence[Application]) -> dict[str, Any]:
    """The `--json` contract: {"jobs": [{slug, company, role, status, applied, deadline,
    listed, frozen, url}]}."""
    return {"jobs": [row.as_json() for row in rows]}


def as_text(rows: Sequence[Application], on: date, color: bool = False) -> str:
    """One aligned line per application, coloured by status on a terminal."""
    if not rows:
        return "no applications yet: start one with `cvsite new-job SLUG --posting ad.txt`"
    table = [["job", "company", "role", "status", "applied", "deadline", "page", "url"]]
    table += [[row.slug, row.company, row.role, row.status, _iso(row.applied) or "-",
               _deadline_text(row, on), _page_text(row), row.url or "-"] for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    lines = []
    for number, line in enumerate(table):
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        if color and number == 0:
            cells = [click.style(cell, bold=True) for cell in cells]
        elif color:
            cells[3] = click.style(cells[3], fg=_STATUS_COLOUR[rows[number - 1].status])
            if rows[number - 1].status == "draft" and (rows[number - 1].days_left(on) or 0) < 0:
                cells[5] = click.style(cells[5], fg="red", bold=True)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _deadline_text(row: Application, on: date) -> str:
    left = row.days_left(on)
    if row.deadline is None or left is None:
        return "-"
    if row.status != "draft":
        return row.deadline.isoformat()
    if left < 0:
        return f"{row.deadline.isoformat()} ({-left} day{'s' if left != -1 else ''} overdue)"
    if left == 0:
        return f"{row.deadline.isoformat()} (today)"
    return f"{row.deadline.isoformat()} ({left} day{'s' if left != 1 else ''} left)"


def _page_text(row: Application) -> str:
    return f"{'listed' if row.listed else 'unlisted'}, {'frozen' if row.frozen else 'live'}"


def _day(value: PartialDate | None) -> date | None:
    return date(value.year, value.month, value.day) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def job_rows(directory: Path, workspace: Workspace, base_url: str | None, on: date) -> list[Application]:
    """The rows for the profile at `directory`, as `cvsite jobs` prints them."""
    from cvsite.build import normalise_base_url
    from cvsite.freeze import frozen_slugs
    from cvsite.tokens import job_folders

    frozen = frozen_slugs(directory, list(workspace.jobs))
    folders = job_folders(workspace)
    base = normalise_base_url(base_url or workspace.profile.base_url)
    return applications(workspace, frozen, folders, base, on)
