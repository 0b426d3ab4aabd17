"""`cvsite check`: every validation error, then advice, as one report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cvsite.errors import CvsiteError, Problem
from cvsite.loader import load_workspace


@dataclass
class CheckReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, list[dict[str, object]]]:
        return {
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }

    def summary(self) -> str:
        if not self.errors and not self.warnings:
            return "No problems found."
        return f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)."


def check_directory(directory: Path) -> CheckReport:
    try:
        load_workspace(directory)
    except CvsiteError as exc:
        return CheckReport(errors=exc.problems)
    return CheckReport()
