"""`cvsite check`: every validation error, then advice, as one report.

Validation errors (bad input) and warnings (advice from `cvsite.checks`) never
mix: advice needs a workspace that loaded, so a profile with errors gets its
errors only. Warnings exit 0 unless `--strict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import click

from cvsite.checks import run_checks
from cvsite.console import excerpt_lines
from cvsite.errors import CvsiteError, Problem
from cvsite.loader import load_workspace, require_directory


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
        return f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def check_directory(directory: Path) -> CheckReport:
    """Every error and warning of DIR; raises CvsiteError only when DIR is not a directory
    (a problem with the command, not a finding of the check)."""
    require_directory(directory)
    try:
        workspace = load_workspace(directory)
    except CvsiteError as exc:
        return CheckReport(errors=exc.problems)
    return CheckReport(warnings=run_checks(workspace))


def format_report(report: CheckReport, color: bool = False, quiet: bool = False) -> str:
    """The human report: problems grouped under their file, each still `file:line:column:`
    so terminals and editors can jump to it; `quiet` leaves warnings out."""
    problems = [(p, "error") for p in report.errors]
    if not quiet:
        problems += [(p, "warning") for p in report.warnings]
    lines: list[str] = []
    for file, group in groupby(sorted(problems, key=lambda pk: (pk[0].file, pk[0].line)),
                               key=lambda pk: pk[0].file):
        lines.append(click.style(file or "(input)", bold=True) if color else (file or "(input)"))
        lines += [line for problem, kind in group for line in _problem_lines(problem, kind, color)]
        lines.append("")
    return "\n".join(lines)


def _problem_lines(problem: Problem, kind: str, color: bool) -> Iterable[str]:
    label = f"{kind}:"
    code = f" [{problem.code}]" if problem.code else ""
    if color:
        label = click.style(label, fg="red" if kind == "error" else "yellow", bold=True)
        code = click.style(code, dim=True) if code else ""
    field_path = f" {problem.path}:" if problem.path else ""
    yield f"  {problem.file}:{problem.line}:{problem.column}: {label}{field_path} {problem.message}{code}"
    yield from excerpt_lines(problem, indent="      ")
    if problem.suggestion:
        arrow = click.style("→", fg="cyan") if color else "→"
        yield f"      {arrow} {problem.suggestion}"
