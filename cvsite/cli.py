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
ExportJobOption = click.option(
    "--job", "job", metavar="SLUG", help="The CV tailored for this application (default: the general CV)."
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
    """Turn CvsiteError into a clear report and exit code 2; never a traceback.

    The problems go to stderr: the command could not do its job. What a command reports
    when it runs (check's findings, build's summary) goes to stdout, so `| less` shows it.
    """

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
@reports_errors
def check(directory: Path, as_json: bool, strict: bool, verbose: int) -> None:
    """Validate the profile and all jobs, and give a hiring manager's advice.

    \b
    Warnings carry a code: personal-data, self-rating, vague-contribution,
    spelling, placeholder, consistency, keyword-coverage, links,
    application-deadline, application-not-frozen, application-frozen-changed,
    page-fit, letter, theme-extraction (theme/ CSS an applicant tracking system would misread).
    Silence one for the whole profile with `checks: {ignore: [CODE]}` in profile.yaml,
    or for one item with `ignore_checks: [CODE]`.
    """
    from cvsite.checking import check_directory, format_report
    from cvsite.console import use_color

    report = check_directory(directory)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        color = use_color(sys.stdout)
        text = format_report(report, color=color, quiet=verbose < 0)
        if text:
            click.echo(text, color=color)
        if verbose >= 0 or report.errors or report.warnings:
            click.echo(report.summary())
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
    echo_cuts(result.cut, verbose)
    echo_warnings(result.warnings)
    if verbose >= 0:
        echo_unlisted(result.unlisted_addresses())
    click.echo(result.summary())


def echo_cuts(cuts: dict[str, list[str]], verbose: int) -> None:
    """What each PDF cut to fit its page limit: a count, or with -v the list."""
    for label, cut in cuts.items() if verbose >= 0 else ():
        if verbose > 0:
            click.echo(f"{label}: cut to fit the page limit:")
            click.echo("\n".join(f"  - {line}" for line in cut))
        else:
            click.echo(f"{label}: {len(cut)} cut to fit the page limit (-v lists them)")


def echo_unlisted(addresses: dict[str, str]) -> None:
    """The unlisted pages' addresses, to paste into applications: nothing on the site links to them."""
    if not addresses:
        return
    click.echo("Unlisted pages (only these links reach them):")
    width = max(map(len, addresses))
    for slug, address in addresses.items():
        click.echo(f"  {slug:<{width}}  {address}")
    if not any(a.startswith(("http://", "https://")) for a in addresses.values()):
        click.echo("  (paths inside the site: set base_url in profile.yaml or pass --base-url "
                   "for full addresses)")


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
@click.option("--remote", metavar="URL",
              help="Publish to this repository (e.g. a public <user>.github.io), not the profile's own.")
@click.option("--remote-name", default="origin", show_default=True, metavar="NAME",
              help="The profile repository's remote to publish to, without --remote.")
@click.option("--branch", default="gh-pages", show_default=True, help="The branch that holds the site.")
@click.option("-m", "--message", metavar="TEXT", help="Commit message (the cvsite version is added).")
@click.option("--base-url", metavar="URL",
              help="Public URL of the site (default: base_url, domain, or the GitHub Pages address).")
@click.option("--dry-run", is_flag=True, help="Build and list what would be published; push nothing.")
@verbosity
def deploy(directory: Path, remote: str | None, remote_name: str, branch: str, message: str | None,
           base_url: str | None, dry_run: bool, verbose: int) -> None:
    """Build into a temporary folder and publish only the site to a branch, like `mkdocs gh-deploy`.

    \b
    Your working tree, index and current branch are never touched; the
    branch gets one new commit per deploy and keeps its history. Serve it
    with GitHub Pages: Settings → Pages → Deploy from a branch → gh-pages.
    """
    from cvsite import deploy as publish

    try:
        with _pdf_progress(verbose) as progress:
            result = publish.deploy(directory, remote=remote, remote_name=remote_name, branch=branch,
                                    message=message, dry_run=dry_run, base_url=base_url, progress=progress)
    except publish.DeployRefused as exc:
        click.echo(f"cvsite deploy: {exc.problems[0]}", err=True)
        sys.exit(EXIT_INVALID)
    except CvsiteError as exc:
        echo_problems(exc.problems)
        click.echo("Nothing was published.", err=True)
        sys.exit(EXIT_INVALID)
    echo_cuts(result.build.cut, verbose)
    echo_warnings(result.build.warnings)
    if dry_run:
        for path in result.files:
            click.echo(path)
    for note in result.notes if verbose >= 0 else ():
        click.echo(note, err=True)
    if verbose >= 0:
        echo_unlisted(result.build.unlisted_addresses())
    click.echo(result.summary(), err=True)


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
    sent = report.sent_changes(directory, cvs)
    if as_json:
        click.echo(json.dumps(report.as_json(cvs, sent), indent=2, ensure_ascii=False))
    else:
        click.echo(report.as_text(cvs, sent))


@cli.command()
@DirArg
@click.option("--github-pages", is_flag=True,
              help="Also write a GitHub Actions workflow that serves the branch `cvsite deploy` pushes.")
@click.option("--force", is_flag=True,
              help="Replace cvsite's own files (schemas, .gitignore, workflow) after a backup; "
                   "never profile.yaml or jobs/.")
@verbosity
@reports_errors
def init(directory: Path, github_pages: bool, force: bool, verbose: int) -> None:
    """Start a profile (a commented profile.yaml, an example job, schemas, .gitignore),
    or add what an existing profile folder is missing."""
    from cvsite.scaffold import init_message, init_profile

    result = init_profile(directory, github_pages=github_pages, force=force)
    click.echo(init_message(result, verbose))


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


@cli.command("jobs")
@DirArg
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@click.option("--base-url", metavar="URL", help="Public URL of the site, to print each page's address.")
@verbosity
@reports_errors
def jobs_command(directory: Path, as_json: bool, base_url: str | None, verbose: int) -> None:
    """Every application: status, deadline, whether its page is listed and frozen; most urgent first."""
    from cvsite import applications
    from cvsite.console import use_color
    from cvsite.loader import load_workspace

    on = applications.today()
    rows = applications.job_rows(directory, load_workspace(directory), base_url, on)
    if as_json:
        click.echo(json.dumps(applications.as_json(rows), indent=2, ensure_ascii=False))
    else:
        color = use_color(sys.stdout)
        click.echo(applications.as_text(rows, on, color=color), color=color)


@cli.command()
@click.argument("slug")
@DirArg
@verbosity
@reports_errors
def freeze(slug: str, directory: Path, verbose: int) -> None:
    """Keep SLUG's page, PDF and documents exactly as they are now: what you sent.

    From then on build, serve and deploy publish those files byte for byte.
    """
    from cvsite.freeze import freeze_job

    result = freeze_job(directory, slug)
    record = result.record
    click.echo(f"Froze {slug} as sent on {record.frozen}: {len(record.files)} file(s) in {record.folder}")
    if result.suggestion:
        click.echo(f"note: {result.suggestion}")


@cli.command()
@click.argument("slug")
@DirArg
@verbosity
@reports_errors
def unfreeze(slug: str, directory: Path, verbose: int) -> None:
    """Publish SLUG live again; the sent copy is moved aside, never deleted."""
    from cvsite.freeze import unfreeze_job

    kept = unfreeze_job(directory, slug)
    click.echo(f"{slug} is live again; the copy that was sent is kept in {kept}")


@cli.command()
@click.argument("slug")
@DirArg
@verbosity
@reports_errors
def rotate(slug: str, directory: Path, verbose: int) -> None:
    """Give an unlisted job a new secret address; the old link stops working at the next deploy."""
    from cvsite.tokens import rotate_job

    old, new = rotate_job(directory, slug)
    if verbose >= 0 and old:
        click.echo(f"old address: {old} (gone after the next build and deploy)", err=True)
    click.echo(f"new address: {new}")


@cli.command("themes")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
def themes_command(as_json: bool) -> None:
    """Every available theme: its description and where it comes from (built-in or a package)."""
    from cvsite.themes import list_themes, themes_text

    listings = list_themes()
    if as_json:
        click.echo(json.dumps([item.as_json() for item in listings], indent=2, ensure_ascii=False))
    else:
        click.echo(themes_text(listings))


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


@import_group.command("linkedin")
@click.argument("export", metavar="EXPORT.zip", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="The profile directory to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing profile.yaml.")
@verbosity
@reports_errors
def import_linkedin(export: Path, out_dir: Path, force: bool, verbose: int) -> None:
    """LinkedIn's "Download your data" archive (or its unzipped folder) as DIR/profile.yaml.

    Says what went where and names every value it did not import.
    """
    from cvsite import linkedin

    report = linkedin.import_linkedin(export, out_dir, force=force)
    click.echo("\n".join(report.lines(verbose)))


@cli.group("export")
def export_group() -> None:
    """Write the profile, or the CV tailored for a job, in another format."""


@export_group.command("jsonresume")
@DirArg
@ExportJobOption
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
            click.echo(f"Wrote {out_file}")
    for note in result.no_home if verbose >= 0 else ():  # beside the document itself, on stderr
        click.echo(f"no home in JSON Resume: {note}", err=out_file is None)


@export_group.command("docx")
@DirArg
@ExportJobOption
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: the name the site gives it, in the current folder).")
@verbosity
@reports_errors
def export_docx(directory: Path, job: str | None, out_file: Path | None, verbose: int) -> None:
    """The CV (or one job's tailored CV) as a Word file."""
    from cvsite.export import export_document

    written = export_document(directory, "docx", job, out_file)
    if verbose >= 0:
        click.echo(f"Wrote {written}")


@export_group.command("txt")
@DirArg
@ExportJobOption
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@verbosity
@reports_errors
def export_txt(directory: Path, job: str | None, out_file: Path | None, verbose: int) -> None:
    """The CV (or one job's tailored CV) as plain text, wrapped at 80 columns."""
    from cvsite.export import document_bytes, export_document

    if out_file is None:
        click.echo(document_bytes(directory, "txt", job)[1].decode("utf-8"), nl=False)
        return
    written = export_document(directory, "txt", job, out_file)
    if verbose >= 0:
        click.echo(f"Wrote {written}")
