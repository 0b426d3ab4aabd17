"""The command line: each command parses its options and calls one plain function."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from cvsite import __version__
from cvsite.console import echo_problems, echo_warnings
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
    """Validate the profile and all jobs, and give a hiring manager's advice.

    \b
    Warnings carry a code: personal-data, self-rating, vague-contribution,
    spelling, placeholder, consistency, keyword-coverage, links, letter. Silence one
    for the whole profile with `checks: {ignore: [CODE]}` in profile.yaml,
    or for one item with `ignore_checks: [CODE]`.
    """
    from cvsite.checking import check_directory, format_report
    from cvsite.console import use_color

    report = check_directory(directory)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        color = use_color()
        text = format_report(report, color=color, quiet=verbose < 0)
        if text:
            click.echo(text, err=True, color=color)
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


@cli.command()
@DirArg
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: DIR/site).")
@JobOption
@click.option("--no-pdf", is_flag=True, help="Skip PDF rendering, CVs and letters (keeps earlier PDFs).")
@click.option("--no-docx", is_flag=True, help="Skip the Word files (keeps earlier ones).")
@click.option("--no-txt", is_flag=True, help="Skip the plain-text files (keeps earlier ones).")
@click.option("--no-letter", is_flag=True, help="Skip the cover-letter PDFs (keeps earlier ones).")
@click.option("--base-url", metavar="URL", help="Public URL of the site, for canonical and Open Graph links.")
@click.option("--strict", is_flag=True, help="Fail the build on warnings.")
@click.option("--force", is_flag=True, help="Replace an output folder cvsite did not create.")
@verbosity
@reports_errors
def build(directory: Path, out: Path | None, jobs: tuple[str, ...], no_pdf: bool, no_docx: bool,
          no_txt: bool, no_letter: bool, base_url: str | None, strict: bool, force: bool,
          verbose: int) -> None:
    """Build the landing pages, PDFs, Word and text CVs and cover letters, one set per job
    plus a general one."""
    from cvsite.build import build_site

    skip = [kind for kind, off in (("docx", no_docx), ("txt", no_txt), ("letter_pdf", no_letter)) if off]
    with _pdf_progress(verbose) as progress:
        result = build_site(directory, out, jobs, pdf=not no_pdf, base_url=base_url, strict=strict,
                            skip=skip, force=force, progress=progress)
    for line in result.dropped if verbose > 0 else ():
        click.echo(f"dropped to fit: {line}", err=True)
    echo_warnings(result.warnings)
    click.echo(result.summary(), err=True)


@contextlib.contextmanager
def _pdf_progress(verbose: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for PDF rendering, on a terminal and unless -q."""
    if verbose < 0 or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering documents", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@DirArg
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@verbosity
@reports_errors
def serve(directory: Path, host: str, port: int, open_browser: bool, verbose: int) -> None:
    """Live preview: rebuild on save and reload the browser."""
    from cvsite.serve import serve as run

    run(directory, host=host, port=port, open_browser=open_browser, verbose=verbose)


@cli.command()
@DirArg
@JobOption
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@verbosity
@reports_errors
def explain(directory: Path, jobs: tuple[str, ...], as_json: bool, verbose: int) -> None:
    """Show each job's ranking with reasons, and the posting's keyword coverage."""
    from cvsite import explain as report

    cvs = report.explain(directory, jobs)
    if as_json:
        click.echo(json.dumps(report.as_json(cvs), indent=2, ensure_ascii=False))
    else:
        click.echo(report.as_text(cvs))


@cli.command()
@DirArg
@click.option("--github-pages", is_flag=True,
              help="Also write a GitHub Actions workflow that publishes the site.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@verbosity
@reports_errors
def init(directory: Path, github_pages: bool, force: bool, verbose: int) -> None:
    """Start a profile: a commented profile.yaml, its schemas and an example job."""
    from cvsite.scaffold import init_message, init_profile

    written = init_profile(directory, github_pages=github_pages, force=force)
    click.echo(init_message(directory, written, verbose))


@cli.command("new-job")
@click.argument("slug")
@DirArg
@click.option("--posting", "posting", required=True, type=click.File("rb"), metavar="FILE|-",
              help="The job ad as a text file, or - to read it from standard input.")
@click.option("--force", is_flag=True, help="Overwrite the job if it already exists.")
@verbosity
@reports_errors
def new_job(directory: Path, slug: str, posting: Any, force: bool, verbose: int) -> None:
    """Start an application from a job ad: jobs/SLUG.yaml with company, role and tag weights."""
    from cvsite import scaffold

    scaffold.check_slug(slug, directory / "jobs")
    result = scaffold.new_job(directory, slug, scaffold.read_posting(posting), force=force)
    click.echo(scaffold.new_job_report(result, verbose))


def main() -> None:
    cli(prog_name="cvsite")


@cli.group("import")
def import_group() -> None:
    """Turn a CV kept in another format into a profile directory."""


@import_group.command("jsonresume")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="The profile directory to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing profile.yaml.")
@verbosity
@reports_errors
def import_jsonresume(file: Path, out_dir: Path, force: bool, verbose: int) -> None:
    """A JSON Resume file (resume.json) as DIR/profile.yaml: says what went where and what had no home."""
    from cvsite import jsonresume

    report = jsonresume.import_jsonresume(file, out_dir, force=force)
    click.echo("\n".join(report.lines(verbose)))


@cli.group("export")
def export_group() -> None:
    """Write the profile, or the CV tailored for a job, in another format."""


@export_group.command("jsonresume")
@DirArg
@click.option("--job", "job", metavar="SLUG", help="The CV tailored for this application.")
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@verbosity
@reports_errors
def export_jsonresume(directory: Path, job: str | None, out_file: Path | None, verbose: int) -> None:
    """The profile (or one job's CV, in its order and without its exclusions) as JSON Resume."""
    from cvsite import jsonresume

    result = jsonresume.export_directory(directory, job)
    if out_file is None:
        click.echo(jsonresume.export_text(result.document), nl=False)
    else:
        jsonresume.write_export(result.document, out_file)
        if verbose >= 0:
            click.echo(f"Wrote {out_file}", err=True)
    for note in result.no_home if verbose >= 0 else ():
        click.echo(f"no home in JSON Resume: {note}", err=True)


@export_group.command("docx")
@DirArg
@click.option("--job", "job", metavar="SLUG", help="The CV tailored for this application.")
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: the name the site gives it, in the current folder).")
@verbosity
@reports_errors
def export_docx(directory: Path, job: str | None, out_file: Path | None, verbose: int) -> None:
    """The CV (or one job's tailored CV) as a Word file."""
    from cvsite.export import export_document

    written = export_document(directory, "docx", job, out_file)
    if verbose >= 0:
        click.echo(f"Wrote {written}", err=True)


@export_group.command("txt")
@DirArg
@click.option("--job", "job", metavar="SLUG", help="The CV tailored for this application.")
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@verbosity
@reports_errors
def export_txt(directory: Path, job: str | None, out_file: Path | None, verbose: int) -> None:
    """The CV (or one job's tailored CV) as plain text, wrapped at 80 columns."""
    from cvsite.export import export_document, tailored

    if out_file is None:
        from cvsite.render_text import render_text

        click.echo(render_text(tailored(directory, job)), nl=False)
        return
    written = export_document(directory, "txt", job, out_file)
    if verbose >= 0:
        click.echo(f"Wrote {written}", err=True)
