"""`placeholder`: lorem ipsum, TODO, example.com and other template leftovers.

Looked for in every string of the profile and the job files (but not in a
posting, which is the company's text), and in every line of a cover letter,
so a forgotten `TODO` in a job's note or a `[Company]` in a letter is caught
before it goes out.
"""

from __future__ import annotations

import functools
import re

from cvsite.checks.common import data_yaml, strings, warning, without_code
from cvsite.checks.letter import letter_lines
from cvsite.errors import Problem
from cvsite.loader import Workspace

CODE = "placeholder"
_TABLE = "placeholders.yaml"
_SKIP = ("$schema", "posting", "checks", "private_notes", "letter")  # letters are checked line by line below


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (p["what"], re.compile(p["regex"], 0 if p.get("case") else re.IGNORECASE))
        for p in data_yaml(_TABLE)["patterns"]
    ]


def check_placeholders(ws: Workspace) -> list[Problem]:
    problems = []
    advice = data_yaml(_TABLE)["suggestion"]
    for file, doc in ws.documents.items():
        for loc, value in strings(doc, skip=_SKIP):
            found = placeholder_in(value)
            if found:
                what, text = found
                problems.append(warning(ws, file, loc, CODE, f"looks like {what} ('{text}')", advice))
    for line in letter_lines(ws):
        found = placeholder_in(line.text)
        if found:
            what, text = found
            problems.append(line.problem(ws, max(0, line.text.find(text)), CODE,
                                         f"looks like {what} ('{text}')", advice))
    return problems


def placeholder_in(value: str) -> tuple[str, str] | None:
    """(what it is, the text) of the first placeholder in `value`, or None."""
    value = without_code(value)
    for what, pattern in _patterns():
        match = pattern.search(value)
        if match:
            return what, match.group(0)
    return None
