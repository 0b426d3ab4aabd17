"""Problems found in user input, and the exception that carries them.

Every stage reports bad input as `Problem`s rather than raising ad-hoc
exceptions, so the CLI can print all of them at once as
``file:line:column: field.path: message`` and exit non-zero without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str
    code: str | None = None
    suggestion: str | None = None
    excerpt: str | None = None
    """The line at fault and a caret under the column, for syntax errors."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        tail = f" ({self.suggestion})" if self.suggestion and self.code else ""
        code = f" [{self.code}]" if self.code else ""
        return f"{where}:{field} {self.message}{tail}{code}"

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        if self.code is None:
            data.pop("code")
            data.pop("suggestion")
        if self.excerpt is None:
            data.pop("excerpt")
        return data


class CvsiteError(Exception):
    """Bad input or a failed stage; carries every problem found, for one report."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="", line=0, column=0, path="", message=problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" hint for a misspelled key, or an empty string."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def format_path(loc: Sequence[object]) -> str:
    """('projects', 2, 'title') -> 'projects[2].title'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
