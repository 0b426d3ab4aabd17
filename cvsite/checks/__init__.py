"""Advice for `cvsite check`: what a hiring manager would flag, before they see it.

Each check is a pure function `Workspace -> list[Problem]` with a stable code,
one module per family. `run_checks` runs them all and then applies silencing in
one place, so no check needs to know about it: a code in the profile's
`checks.ignore` is dropped everywhere, a code in an item's `ignore_checks` is
dropped for warnings inside that item.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cvsite.checks.applications import check_deadlines, check_frozen_changed, check_not_frozen
from cvsite.checks.common import warning
from cvsite.checks.consistency import check_consistency
from cvsite.checks.coverage import check_keyword_coverage
from cvsite.checks.extraction import check_theme_extraction
from cvsite.checks.fit import check_page_fit
from cvsite.checks.letter import check_letters
from cvsite.checks.links import check_links
from cvsite.checks.personal import check_personal_data
from cvsite.checks.placeholder import check_placeholders
from cvsite.checks.rating import check_self_rating
from cvsite.checks.spelling import check_spelling
from cvsite.checks.vague import check_vague_contributions
from cvsite.errors import Problem, did_you_mean
from cvsite.loader import Workspace
from cvsite.model import ITEM_TYPES

Check = Callable[[Workspace], list[Problem]]

CHECKS: dict[str, Check] = {
    "personal-data": check_personal_data,
    "self-rating": check_self_rating,
    "vague-contribution": check_vague_contributions,
    "spelling": check_spelling,
    "placeholder": check_placeholders,
    "consistency": check_consistency,
    "keyword-coverage": check_keyword_coverage,
    "links": check_links,
    "application-deadline": check_deadlines,
    "application-not-frozen": check_not_frozen,
    "application-frozen-changed": check_frozen_changed,
    "theme-extraction": check_theme_extraction,
    "page-fit": check_page_fit,
    "letter": check_letters,
}
"""Every check by its stable code (the codes users write in ignore lists)."""

UNKNOWN_CHECK = "unknown-check"
_ITEM_PATH = re.compile(r"^(\w+)\[(\d+)\]")


def run_checks(ws: Workspace) -> list[Problem]:
    """All warnings for a loaded workspace, silenced as the profile asks, sorted by place."""
    ignored = set(ws.profile.checks.ignore)
    problems = [
        problem
        for code, check in CHECKS.items()
        if code not in ignored
        for problem in check(ws)
        if not _silenced_by_item(ws, problem)
    ]
    problems += unknown_codes(ws)
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.code or "", p.message))


def _silenced_by_item(ws: Workspace, problem: Problem) -> bool:
    if problem.file != ws.profile_file:
        return False
    match = _ITEM_PATH.match(problem.path)
    if not match or match.group(1) not in ITEM_TYPES:
        return False
    section = ws.profile.section(match.group(1))
    index = int(match.group(2))
    return index < len(section) and problem.code in section[index].ignore_checks


def unknown_codes(ws: Workspace) -> list[Problem]:
    """A misspelled code in an ignore list silences nothing; say so rather than fail quietly."""
    known = list(CHECKS)
    lists = [(("checks", "ignore"), ws.profile.checks.ignore)]
    for section in ITEM_TYPES:
        for index, item in enumerate(ws.profile.section(section)):
            lists.append(((section, index, "ignore_checks"), item.ignore_checks))
    problems = []
    for loc, codes in lists:
        for number, code in enumerate(codes):
            if code not in known:
                hint = did_you_mean(code, known).strip(" ()") or f"known checks: {', '.join(known)}"
                problems.append(warning(ws, ws.profile_file, (*loc, number), UNKNOWN_CHECK,
                                        f"there is no check called '{code}'", hint))
    return problems
