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
from cvsite.loader import Workspace, items
from cvsite.model import Item, field_value
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
    employers = {name.casefold() for _, _, item in items(ws.profile) for name in _employer_names(item)}
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


# The fields that name an organisation the profile itself mentions (a letter may name
# them for any job), and those a letter would name an item by, first found wins.
_EMPLOYER_FIELDS = ("org", "institution", "entity")
_NAMING_FIELDS = ("title", "org", "institution")


def _texts(item: Item, fields: tuple[str, ...]) -> list[str]:
    return [value for name in fields if isinstance(value := field_value(item, name), str) and value]


def _employer_names(item: Item) -> list[str]:
    return _texts(item, _EMPLOYER_FIELDS)


def _item_names(item: Item) -> list[str]:
    """How a letter would name an item: a project's, a talk's or a paper's title, a role's organisation."""
    return _texts(item, _NAMING_FIELDS)[:1]
