"""`vague-contribution`: projects and highlights that don't say what *you* did, or what came of it.

The question every hiring manager asks of a team project is "what exactly did
you do?", and of every bullet "so what?". A `contribution` field, first-person
verbs and a number or a result answer both before they are asked.
"""

from __future__ import annotations

import functools
import re

from cvsite.checks.common import Text, data_yaml, highlight_loc, unquoted, warn_at, warning
from cvsite.errors import Problem
from cvsite.loader import Workspace, items
from cvsite.model import Contribution, Experience, Project

CODE = "vague-contribution"
_TABLE = "vague.yaml"
_YEAR = re.compile(r"^(19|20)\d\d$")


def _words_pattern(key: str, at_start: bool = False) -> re.Pattern[str]:
    phrases = sorted(data_yaml(_TABLE)[key], key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"{'^' if at_start else ''}\b({body})\b", re.IGNORECASE)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "vague": _words_pattern("vague_phrases"),
        "team": _words_pattern("team_openers", at_start=True),
        "me": _words_pattern("first_person"),
        "outcome": _words_pattern("outcome_words"),
    }


def check_vague_contributions(ws: Workspace) -> list[Problem]:
    problems: list[Problem] = []
    for section, index, item in items(ws.profile):
        if isinstance(item, Project):
            problems += _project(ws, (section, index), item)
        elif isinstance(item, Experience):
            problems += _experience(ws, (section, index), item)
        elif isinstance(item, Contribution) and item.summary:
            problems += _vague_text(ws, Text(ws.profile_file, (section, index, "summary"), item.summary))
    return problems


def _project(ws: Workspace, loc: tuple[str, int], project: Project) -> list[Problem]:
    file = ws.profile_file
    problems: list[Problem] = []
    if not project.contribution and not _patterns()["me"].search(unquoted(project.summary or "")):
        problems.append(warning(ws, file, (*loc, "title"), CODE,
                                f"'{project.title}' says what the project is, not what you did",
                                "add `contribution:` with what you personally built, decided or led"))
    if project.contribution:
        problems += _vague_text(ws, Text(file, (*loc, "contribution"), project.contribution), team=True)
    if project.summary:
        problems += _vague_text(ws, Text(file, (*loc, "summary"), project.summary))
    texts = [project.summary, project.contribution, project.outcome]
    if not project.outcome and not any(has_outcome(t) for t in texts if t):
        problems.append(warning(ws, file, (*loc, "title"), CODE,
                                f"'{project.title}' names no concrete outcome",
                                "add `outcome:` with a number, a metric or a result (users, speed-up, "
                                "money saved, what it made possible)"))
    return problems


def _experience(ws: Workspace, loc: tuple[str, int], job: Experience) -> list[Problem]:
    file = ws.profile_file
    problems: list[Problem] = []
    if job.summary:
        problems += _vague_text(ws, Text(file, (*loc, "summary"), job.summary))
    for number, highlight in enumerate(job.highlights):
        problems += _vague_text(ws, Text(file, highlight_loc(ws, *loc, number),
                                         highlight.text), team=True)
    texts = [job.summary or "", *(h.text for h in job.highlights)]
    if not any(t.strip() for t in texts):
        problems.append(warning(ws, file, (*loc, "role"), CODE,
                                f"'{job.label()}' says nothing about what you did there",
                                "add `highlights:`, each with what you did and what came of it"))
    elif not any(has_outcome(t) for t in texts):
        problems.append(warning(ws, file, (*loc, "role"), CODE,
                                f"no highlight of '{job.label()}' names a concrete outcome",
                                "give at least one highlight a number, a metric or a result"))
    return problems


def _vague_text(ws: Workspace, text: Text, team: bool = False) -> list[Problem]:
    """A vague phrase anywhere, or (for what should be *your* part) a text about the team only."""
    prose = unquoted(text.text).strip()
    vague = _patterns()["vague"].search(prose)
    if vague:
        phrase = " ".join(vague.group(0).split())
        return [warn_at(ws, text, CODE, f"'{phrase}' does not say what you did",
                        "name what you built, decided or changed, with an active verb (built, "
                        "designed, led, cut...)")]
    if team and _patterns()["team"].search(prose) and not _patterns()["me"].search(prose):
        opener = _patterns()["team"].search(prose).group(0)  # type: ignore[union-attr]
        return [warn_at(ws, text, CODE, f"says what the team did ('{opener} ...'), not what you did",
                        "say what your part was: 'I built ...', or start with your verb")]
    return []


def has_outcome(text: str) -> bool:
    """A number (not a bare year) or a result word: the "so what" of a highlight."""
    prose = unquoted(text)
    numbers = [n for n in re.findall(r"\d[\d.,]*", prose) if not _YEAR.match(n)]
    return bool(numbers) or bool(_patterns()["outcome"].search(prose))
