"""`page-fit` (per job): the page limit forces whole entries out of the job's PDF.

Fitting a PDF to `pdf.max_pages` first cuts bullets, details and the later
paragraphs of About; when that is not enough it cuts whole entries (a project,
a contribution, at worst a role or a degree). A reader never learns they
existed, so the user should decide: raise the limit, shorten what stays, or
set a `limit` for the job. The check lays out each limited job's CV the way
`build` does (WeasyPrint is loaded only when some job has a limit). The general
CV is left alone: it shows everything, and its cuts are listed by `build -v`. So is
a frozen job: what was sent stays published as it was.
"""

from __future__ import annotations

from cvsite.build import cut_entries_message
from cvsite.checks.common import warning
from cvsite.errors import CvsiteError, Problem
from cvsite.freeze import sent_records
from cvsite.loader import Workspace
from cvsite.tailor import Index, tailor_with

CODE = "page-fit"


def check_page_fit(ws: Workspace) -> list[Problem]:
    profile = ws.profile
    frozen = sent_records(ws.root)
    limited = sorted(slug for slug, job in ws.jobs.items()
                     if (job.pdf.max_pages or profile.pdf.max_pages) and slug not in frozen)
    if not limited:
        return []
    from cvsite.render_pdf import fit_cv  # WeasyPrint loads only when a limit is set

    index = Index.build(profile)
    theme = ws.root / "theme"
    problems = []
    for slug in limited:
        cv = tailor_with(index, slug, ws.jobs[slug], ws.postings.get(slug, ""))
        try:
            entries = fit_cv(cv, theme if theme.is_dir() else None).cut_entries
        except CvsiteError:
            continue  # a theme or template problem: `build` reports it with its place
        if entries:
            problems.append(_warning(ws, slug, entries))
    return problems


def _warning(ws: Workspace, slug: str, entries: list[str]) -> Problem:
    file = ws.job_file(slug) if ws.jobs[slug].pdf.max_pages else ws.profile_file
    return warning(ws, file, ("pdf", "max_pages"), CODE, f"job '{slug}': {cut_entries_message(entries)}",
                   "raise pdf.max_pages, shorten what the CV keeps, or set `limit:` for the job "
                   "so you choose what goes")
