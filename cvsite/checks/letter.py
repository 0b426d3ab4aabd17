"""`letter`: a cover letter that names another application's company, or an item this job excludes.

Letters are copied from one application to the next; "I would love to join
Isobar" in the letter to Finvera costs the interview. A company named by
another job file (and not one the profile lists as an employer or school)
is flagged. So is the title of an item the job excludes: the CV leaves it out,
and the letter should not bring it back.

Placeholders and spelling in letters are checked by those checks, line by
line (`letter_lines`), so every warning names the letter's own file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cvsite.errors import Problem
from cvsite.loader import Workspace
from cvsite.model import Contribution, Education, Experience, Item, Project
from cvsite.tailor import Index, tailor_with

CODE = "letter"
MIN_NAME = 4  # shorter names match ordinary words too often


@dataclass(frozen=True)
class LetterLine:
    """One line of a job's letter, and where it was written."""

    slug: str
    number: int
    text: str

    def problem(self, ws: Workspace, offset: int, code: str, message: str, suggestion: str) -> Problem:
        source = ws.letters[self.slug]
        line, column = source.where(self.number, offset)
        return Problem(source.file, line, column, "letter", message, code=code, suggestion=suggestion)


def letter_lines(ws: Workspace) -> Iterator[LetterLine]:
    """Every line of every job's letter, jobs in slug order."""
    for slug in sorted(ws.letters):
        for number, text in enumerate((ws.jobs[slug].letter or "").splitlines()):
            yield LetterLine(slug, number, text)


def check_letters(ws: Workspace) -> list[Problem]:
    if not ws.letters:
        return []
    employers = {name.casefold() for item in _profile_items(ws) for name in _employer_names(item)}
    index = Index.build(ws.profile)
    problems = []
    for slug in sorted(ws.letters):
        job = ws.jobs[slug]
        others = {other.company for key, other in ws.jobs.items() if key != slug}
        others = {c for c in others if c.casefold() not in employers | {job.company.casefold()}}
        cv = tailor_with(index, slug, job, ws.postings.get(slug, ""))
        excluded = {name for ranked in cv.excluded for name in _item_names(ranked.item)}
        excluded -= {name for section in cv.sections for r in section.items for name in _item_names(r.item)}
        for line in (x for x in letter_lines(ws) if x.slug == slug):
            problems += _other_companies(ws, line, others, job.company)
            problems += _excluded_items(ws, line, excluded)
    return problems


def _other_companies(ws: Workspace, line: LetterLine, others: set[str], company: str) -> list[Problem]:
    return [line.problem(ws, match.start(), CODE, f"the letter names '{name}', the company of another "
                         f"application, in the letter to {company}", f"write {company}, or remove the line")
            for name in sorted(others) for match in _find(name, line.text)]


def _excluded_items(ws: Workspace, line: LetterLine, names: set[str]) -> list[Problem]:
    return [line.problem(ws, match.start(), CODE, f"the letter mentions '{name}', which this job excludes "
                         "(its CV leaves it out)", "leave it out of the letter too, or stop excluding it")
            for name in sorted(names) for match in _find(name, line.text)]


def _find(name: str, text: str) -> list[re.Match[str]]:
    if len(name) < MIN_NAME:
        return []
    return list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE))


def _profile_items(ws: Workspace) -> list[Item]:
    return [*ws.profile.experience, *ws.profile.education, *ws.profile.projects]


def _employer_names(item: Item) -> list[str]:
    """Organisations the profile itself names: a letter may mention them for any job."""
    if isinstance(item, Experience):
        return [item.org]
    if isinstance(item, Education):
        return [item.institution]
    if isinstance(item, Project) and item.entity:
        return [item.entity]
    return []


def _item_names(item: Item) -> list[str]:
    """How a letter would name an item: a project's or a talk's title, a role's organisation."""
    if isinstance(item, (Project, Contribution)):
        return [item.title]
    if isinstance(item, Experience):
        return [item.org]
    if isinstance(item, Education):
        return [item.institution]
    return []
