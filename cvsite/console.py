"""Terminal output: problems, warnings and summaries, coloured only where it helps."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

import click

from cvsite.errors import Problem


def use_color(stream: object = None) -> bool:
    """Colour on a terminal unless NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stderr
    return not os.environ.get("NO_COLOR") and bool(getattr(stream, "isatty", lambda: False)())


def echo_problems(problems: Iterable[Problem], label: str = "error", color: str = "red") -> None:
    colored = use_color()
    for problem in problems:
        kind = click.style(f"{label}:", fg=color, bold=True) if colored else f"{label}:"
        where = f"{problem.file}:{problem.line}:{problem.column}:" if problem.line else f"{problem.file}:"
        field = f" {problem.path}:" if problem.path else ""
        code = f" [{problem.code}]" if problem.code else ""
        click.echo(f"{where} {kind}{field} {problem.message}{code}", err=True, color=colored)
        for line in excerpt_lines(problem):
            click.echo(line, err=True)
        if problem.suggestion:
            click.echo(f"    suggestion: {problem.suggestion}", err=True, color=colored)


def excerpt_lines(problem: Problem, indent: str = "    ") -> list[str]:
    """The source line of a syntax error with a caret under the column, as compilers show it."""
    return [f"{indent}| {line}" for line in problem.excerpt.split("\n")] if problem.excerpt else []


def info(message: str, quiet: bool = False) -> None:
    if not quiet:
        click.echo(message, err=True)


def echo_warnings(messages: Iterable[str]) -> None:
    """Warnings about the input, part of a command's report: on stdout."""
    colored = use_color(sys.stdout)
    label = click.style("warning:", fg="yellow", bold=True) if colored else "warning:"
    for message in messages:
        click.echo(f"{label} {message}", color=colored)
