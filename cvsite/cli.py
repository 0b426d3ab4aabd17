"""The command line: each command parses its options and calls one plain function."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cvsite import __version__
from cvsite.console import echo_problems
from cvsite.errors import CvsiteError

EXIT_FAILURE = 1
EXIT_INVALID = 2

DirArg = click.argument(
    "directory", default=".", type=click.Path(file_okay=False, path_type=Path)
)
JobOption = click.option(
    "--job", "jobs", multiple=True, metavar="SLUG", help="Only this application (repeatable)."
)


def verbosity(command: Callable[..., Any]) -> Callable[..., Any]:
    """-q/-v on every command; the level reaches the command as `verbose` (-1, 0, 1)."""

    @click.option("-q", "--quiet", "quiet", is_flag=True, help="Only errors and the summary.")
    @click.option("-v", "--verbose", "loud", is_flag=True, help="Say more.")
    @functools.wraps(command)
    def wrapper(*args: Any, quiet: bool, loud: bool, **kwargs: Any) -> Any:
        return command(*args, verbose=-1 if quiet else int(loud), **kwargs)

    return wrapper


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CvsiteError into a clear report and exit code 2; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CvsiteError as exc:
            echo_problems(exc.problems)
            count = len(exc.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
            sys.exit(EXIT_INVALID)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cvsite")
def cli() -> None:
    """Tailored CV landing pages and PDFs, one per job application, from one YAML profile."""


@cli.command()
@DirArg
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@verbosity
def check(directory: Path, as_json: bool, strict: bool, verbose: int) -> None:
    """Validate the profile and all jobs, and give a hiring manager's advice."""
    from cvsite.checking import check_directory

    report = check_directory(directory)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        echo_problems(report.errors)
        echo_problems(report.warnings, label="warning", color="yellow")
        if verbose >= 0 or report.errors or report.warnings:
            click.echo(report.summary(), err=True)
    if report.errors:
        sys.exit(EXIT_INVALID)
    if strict and report.warnings:
        sys.exit(EXIT_FAILURE)


@cli.command()
@click.argument("kind", type=click.Choice(["profile", "job"]), default="profile")
def schema(kind: str) -> None:
    """Print the JSON Schema of profile.yaml or of a job file."""
    from cvsite.schema import schema_text

    click.echo(schema_text(kind), nl=False)  # type: ignore[arg-type]


def main() -> None:
    cli(prog_name="cvsite")
