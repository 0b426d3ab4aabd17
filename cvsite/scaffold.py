"""`cvsite init` and `cvsite new-job`: start a profile, and start an application from a job ad.

Both commands write files the user will edit by hand, so both follow one rule:
check every target first and refuse (naming the file) before writing anything,
unless `force` says to overwrite. The starter files are data files under
`cvsite/data/scaffold/`, so their wording can change without touching code.
"""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from pydantic import ValidationError

from cvsite.errors import CvsiteError, Problem
from cvsite.jobad import guess_company_role, html_to_text, key_terms, looks_like_html
from cvsite.loader import SLUG, load_for_jobs, load_workspace
from cvsite.model import Job, kebab
from cvsite.schema import SCHEMA_DIR, SchemaName, modeline, schema_file_name, schema_text
from cvsite.tailor import Index, tailor
from cvsite.tailored import Coverage, CoverageTerm, TailoredCV
from cvsite.terms import PostingTerm, extract_posting_terms
from cvsite.yamlsource import MAX_FILE_BYTES, parse_yaml

WORKFLOW_FILE = Path(".github/workflows/pages.yml")
# The person and the example job: written into a folder that has no profile yet, never over one.
STARTER_FILES = {
    "profile.yaml": Path("profile.yaml"),
    "jobs/example-job.yaml": Path("jobs/example-job.yaml"),
    "jobs/example-job.txt": Path("jobs/example-job.txt"),
}
# Files cvsite owns: added where missing; rewritten only with --force, after a backup.
GITIGNORE = Path(".gitignore")
WORKFLOW_SOURCE = "github-pages.yml"
BACKUP_DIR = Path(SCHEMA_DIR) / "backup"
# What new-job writes when the posting does not say; `cvsite check` flags it as a leftover.
UNKNOWN = "TBD"
MAX_TAGS = 15


def scaffold_text(name: str) -> str:
    """One of the starter files shipped in cvsite/data/scaffold."""
    return (resources.files("cvsite") / "data" / "scaffold" / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- init


@dataclass
class InitResult:
    """What `init` did, file by file (paths relative to the profile folder)."""

    directory: Path
    existing_profile: bool
    written: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # cvsite's files that differ from the template
    backup: Path | None = None  # where --force put the files it replaced


def init_profile(directory: Path, github_pages: bool = False, force: bool = False) -> InitResult:
    """Start a profile in `directory`, or add what an existing one is missing.

    User content is never overwritten: the starter profile and example job are
    written only into a folder without a profile.yaml, and only files cvsite
    owns (schemas, .gitignore, the workflow) are ever replaced, with `force`,
    after a copy of each goes to `.cvsite/backup/<time>/`.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise CvsiteError([Problem(str(directory), 0, 0, "", "is a file, not a folder")])
    result = InitResult(directory, existing_profile=(directory / "profile.yaml").exists())
    for relative, text in _init_plan(directory, result.existing_profile, github_pages).items():
        _place(result, relative, text, force)
    return result


def _init_plan(directory: Path, existing_profile: bool, github_pages: bool) -> dict[Path, str]:
    """Every file init would like to see, relative to the profile folder, with its text."""
    plan: dict[Path, str] = {}
    if not existing_profile:
        jobs = directory / "jobs"
        has_jobs = jobs.is_dir() and any(jobs.iterdir())
        plan.update({target: scaffold_text(source) for source, target in STARTER_FILES.items()
                     if target.parts[0] != "jobs" or not has_jobs})
    schemas: tuple[SchemaName, ...] = ("profile", "job")
    for name in schemas:
        plan[Path(SCHEMA_DIR) / schema_file_name(name)] = schema_text(name)
    plan[GITIGNORE] = scaffold_text("gitignore")
    if github_pages:
        branch = json.dumps(_current_branch(directory) or "main")
        plan[WORKFLOW_FILE] = string.Template(scaffold_text(WORKFLOW_SOURCE)).safe_substitute(branch=branch)
    return plan


def _place(result: InitResult, relative: Path, text: str, force: bool) -> None:
    """Write one file if missing; with `force`, replace a differing one that cvsite owns, after a backup."""
    path = result.directory / relative
    if path.exists() or path.is_symlink():
        if relative in STARTER_FILES.values() or (path.is_file() and path.read_bytes() == text.encode()):
            return
        if not force:
            result.kept.append(relative)
            return
        result.backup = result.backup or _backup_folder(result.directory)
        (result.backup / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, result.backup / relative)
        result.replaced.append(relative)
    else:
        result.written.append(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _backup_folder(directory: Path) -> Path:
    """A new folder per run, so a second --force never overwrites the first one's copies."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = directory / BACKUP_DIR / stamp
    serial = 1
    while folder.exists():
        serial += 1
        folder = directory / BACKUP_DIR / f"{stamp}-{serial}"
    folder.mkdir(parents=True)
    return folder


def _current_branch(directory: Path) -> str | None:
    """The branch the profile repository is on, so the workflow runs on pushes to it."""
    if shutil.which("git") is None or not directory.is_dir():
        return None
    done = subprocess.run(["git", "symbolic-ref", "--short", "-q", "HEAD"], cwd=directory,
                          capture_output=True, text=True, check=False)
    branch = done.stdout.strip() if done.returncode == 0 else ""
    return branch or None


def refuse_existing(paths: Iterable[Path], hint: str = "use --force to overwrite it") -> None:
    """Raise one problem per path that exists, so nothing is overwritten by surprise."""
    problems = [Problem(str(path), 0, 0, "", f"already exists; {hint}")
                for path in paths if path.exists() or path.is_symlink()]
    if problems:
        raise CvsiteError(problems)


# ---------------------------------------------------------------- new-job


@dataclass
class NewJobResult:
    """What `new_job` wrote and found; `company`/`role` are None when the posting did not say."""

    job_file: Path
    posting_file: Path
    company: str | None
    role: str | None
    tags: dict[str, int]
    cv: TailoredCV
    from_html: bool = False
    # Posting terms that are not terms of the job (identifiers, page furniture, the
    # company's name): the report leaves them out of the keyword coverage.
    not_terms: frozenset[str] = frozenset()


def new_job(directory: Path, slug: str, posting_text: str, force: bool = False) -> NewJobResult:
    """Create jobs/SLUG.yaml and jobs/SLUG.txt from a job ad, then tailor the CV for it."""
    directory = Path(directory)
    jobs_dir = directory / "jobs"
    check_slug(slug, jobs_dir)
    text, from_html = _normalise_posting(posting_text)
    job_file, posting_file = jobs_dir / f"{slug}.yaml", jobs_dir / f"{slug}.txt"
    refuse_existing([jobs_dir / f"{slug}.yml"], hint="it already holds this job; edit or remove it")
    if not force:
        refuse_existing([job_file, posting_file])
    if not (directory / "profile.yaml").is_file():
        raise CvsiteError([Problem(str(directory / "profile.yaml"), 0, 0, "",
                                   "no profile here; run `cvsite init` first")])
    index = Index.build(load_workspace(directory).profile)
    company, role = guess_company_role(text, index.vocab)
    found = extract_posting_terms(text, index.vocab)
    terms = key_terms(found, text, company, index.vocab)
    tags = suggest_tags(terms, index)
    not_terms = frozenset(t.term for t in found) - {t.term for t, _ in terms}
    job_text = render_job(slug, posting_file.name, company, role, tags)
    _validate_job(job_text, job_file)
    jobs_dir.mkdir(parents=True, exist_ok=True)
    posting_file.write_text(text, encoding="utf-8")
    job_file.write_text(job_text, encoding="utf-8")
    cv = tailor(load_for_jobs(directory, (slug,)), slug)
    return NewJobResult(job_file, posting_file, company, role, tags, cv, from_html, not_terms)


def check_slug(slug: str, jobs_dir: Path) -> None:
    """A slug names the job's files and its page's folder, so it must be safe in both."""
    if not SLUG.match(slug):
        raise CvsiteError([Problem(str(jobs_dir), 0, 0, "", (
            f"'{slug}' is not a usable job slug: use lowercase letters, digits and hyphens, "
            "starting with a letter or digit (for example acme-data-engineer)"))])


def _normalise_posting(text: str) -> tuple[str, bool]:
    """The ad as plain text with Unix line ends, and whether it arrived as HTML.

    An ad copied from a page's source keeps its words but loses its tags, so the
    section headings (`<h2>Bonus</h2>`) are read as headings and no tag becomes a term.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    from_html = looks_like_html(text)
    if from_html:
        text = html_to_text(text)
    if not text:
        raise CvsiteError("the posting is empty: give the job ad as a file, or pipe it in with `--posting -`")
    return text + "\n", from_html


def suggest_tags(terms: list[tuple[PostingTerm, int]], index: Index) -> dict[str, int]:
    """Tags for the key terms (with their strengths, from `key_terms`) that the profile covers.

    Terms the profile never mentions are left out: a tag no item matches
    changes nothing, and the coverage report lists those gaps anyway. Strongest first.
    """
    tags: dict[str, int] = {}
    for term, strength in terms:
        if len(tags) == MAX_TAGS:
            break
        if term.term in index.postings:
            tags.setdefault(_tag_name(term, index), strength)
    return dict(sorted(tags.items(), key=lambda tag: -tag[1]))


def _tag_name(term: PostingTerm, index: Index) -> str:
    """The readable form of a term ("data-modeling"), as long as it maps back to the same term."""
    readable = kebab(term.display)
    return readable if readable and index.vocab.key(readable) == term.term else kebab(term.term)


def render_job(slug: str, posting: str, company: str | None, role: str | None, tags: dict[str, int]) -> str:
    """The job file's text: the schema modeline, the fields, and comments on what to edit."""
    template = string.Template(scaffold_text("new-job.yaml"))
    body = template.substitute(
        slug=slug,
        posting=_scalar(posting),
        company=_field_value(company, "the company's name"),
        role=_field_value(role, "the job title"),
        tags=_tags_block(tags),
    )
    return modeline("job", depth=1) + body


def _field_value(value: str | None, what: str) -> str:
    if value:
        return _scalar(value)
    return f"{UNKNOWN}  # not found in the posting: write {what} here"


def _tags_block(tags: dict[str, int]) -> str:
    if not tags:
        return "# None of the posting's key terms appear in your profile yet.\ntags: {}"
    return "tags:\n" + "\n".join(f"  {_scalar(tag)}: {weight}" for tag, weight in tags.items())


_PLAIN = re.compile(r"^[A-Za-z0-9][\w .,&()'/+#-]*$")


def _scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when that reads back unchanged, else double-quoted."""
    plain = _PLAIN.match(value) and ": " not in value and " #" not in value
    if plain and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _validate_job(text: str, job_file: Path) -> None:
    """Validate the generated job before writing it: new-job never leaves a broken file behind."""
    data: Any = parse_yaml(text, str(job_file)).data
    try:
        Job.model_validate(data)
    except ValidationError as exc:
        reason = exc.errors()[0]
        field_path = ".".join(str(part) for part in reason["loc"])
        problem = Problem(str(job_file), 0, 0, field_path, f"cannot write this job: {reason['msg']}")
        raise CvsiteError([problem]) from None


# ---------------------------------------------------------------- messages


def read_posting(stream: BinaryIO) -> str:
    """The job ad from a file or standard input, as text; a binary or non-UTF-8 file is refused."""
    name = getattr(stream, "name", "<stdin>")
    name = "<stdin>" if name in ("<stdin>", "-") else str(name)
    raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise CvsiteError([Problem(name, 0, 0, "", f"the posting is over {MAX_FILE_BYTES // 10**6} MB; "
                                   "is it the right file?")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CvsiteError([Problem(name, line, 1, "", "the posting is not UTF-8 text (save it as UTF-8)")]) \
            from None
    if "\x00" in text:
        raise CvsiteError([Problem(name, 1, 1, "", "the posting contains NUL bytes; is it a binary file?")])
    if not text.strip():
        raise CvsiteError([Problem(name, 1, 1, "", "the posting is empty")])
    return text


def init_message(result: InitResult, verbose: int = 0) -> str:
    """What init added, replaced (and where the copies went) and left alone; then what to do next."""
    directory = result.directory
    lines = [] if verbose < 0 else [f"  added {directory / path}" for path in result.written]
    lines += [f"  replaced {directory / path} (the old one is in {result.backup})"
              for path in result.replaced]
    lines += [f"  kept {directory / path}: it differs from cvsite's; `--force` replaces it after a backup"
              for path in result.kept]
    here = directory == Path(".")
    where = "this folder" if here else str(directory)
    if result.existing_profile:
        changed = len(result.written) + len(result.replaced)
        lines.append(f"{where} already holds a profile: left profile.yaml and jobs/ as they were"
                     + ("." if changed else "; nothing to add."))
    else:
        lines.append(f"Started a profile in {where}. Replace the sample person in "
                     f"{directory / 'profile.yaml'} with yourself, then run "
                     f"`cvsite serve{'' if here else f' {directory}'}`.")
    if WORKFLOW_FILE in result.written or WORKFLOW_FILE in result.replaced:
        lines.append("To publish: `cvsite deploy` pushes the built site to the gh-pages branch. In the "
                     "repository's Settings → Pages, either choose \"Deploy from a branch\" (gh-pages), or "
                     f"\"GitHub Actions\" to publish it with {WORKFLOW_FILE}.")
    return "\n".join(lines)


def new_job_report(result: NewJobResult, verbose: int = 0) -> str:
    """What was written, what the user must still edit, and how well the profile covers the ad."""
    slug = result.job_file.stem
    lines = [f"Wrote {result.job_file} and {result.posting_file}."]
    if result.from_html:
        lines.append(f"  The posting was HTML: {result.posting_file.name} keeps its text without the tags.")
    for name, value in (("company", result.company), ("role", result.role)):
        shown = value or f"{UNKNOWN}: not found in the posting; edit `{name}:` in {result.job_file}"
        lines.append(f"  {name + ':':<9}{shown}")
    tags = ", ".join(f"{tag} {weight}" for tag, weight in result.tags.items())
    lines.append(f"  {'tags:':<9}{tags or 'none: no key term of the posting appears in your profile'}")
    coverage = result.cv.coverage
    if coverage and verbose >= 0:
        lines += ["", *_coverage_lines(coverage, result.not_terms)]
    lines += ["", f"Next: `cvsite explain --job {slug}` shows the ranking; `cvsite serve` shows the page."]
    return "\n".join(lines)


def _coverage_lines(coverage: Coverage, not_terms: frozenset[str] = frozenset()) -> list[str]:
    """The coverage report over the job's own terms: `not_terms` (a tracking code, the
    company's name) are neither gaps nor matches."""
    def kept(terms: Iterable[CoverageTerm]) -> list[CoverageTerm]:
        return [t for t in terms if t.term not in not_terms]

    def names(terms: Iterable[CoverageTerm]) -> str:
        return ", ".join(t.display for t in terms) or "none"

    matched, unused, missing = kept(coverage.matched), kept(coverage.unused), kept(coverage.missing)
    total = sum(t.weight for t in (*matched, *unused, *missing))
    ratio = sum(t.weight for t in matched) / total if total else 0.0
    recognised = coverage.recognised - len(not_terms)
    lines = [f"Keyword coverage: {ratio:.0%} of the posting's weighted key terms ({recognised} recognised)"]
    if coverage.low_confidence or recognised < 5:
        lines.append("  few key terms recognised in the posting: too few to judge coverage")
    lines.append(f"  shown on this CV:                   {names(matched)}")
    if unused:
        lines.append(f"  in your profile, left out here:     {names(unused)}")
    lines.append(f"  never mentioned in your profile:    {names(missing)}")
    return lines
