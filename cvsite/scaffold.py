"""`cvsite init` and `cvsite new-job`: start a profile, and start an application from a job ad.

Both commands write files the user will edit by hand, so both follow one rule:
check every target first and refuse (naming the file) before writing anything,
unless `force` says to overwrite. The starter files are data files under
`cvsite/data/scaffold/`, so their wording can change without touching code.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from pydantic import ValidationError

from cvsite.errors import CvsiteError, Problem
from cvsite.loader import SLUG, load_workspace
from cvsite.model import Job, kebab
from cvsite.schema import SCHEMA_DIR, modeline, schema_file_name, write_schemas
from cvsite.tailor import Index, tailor
from cvsite.tailored import Coverage, CoverageTerm, TailoredCV
from cvsite.terms import PostingTerm, extract_posting_terms
from cvsite.yamlsource import MAX_FILE_BYTES, parse_yaml

WORKFLOW_FILE = Path(".github/workflows/pages.yml")
# Scaffold data file -> where `cvsite init` writes it, relative to the profile folder.
INIT_FILES = {
    "profile.yaml": Path("profile.yaml"),
    "jobs/example-job.yaml": Path("jobs/example-job.yaml"),
    "jobs/example-job.txt": Path("jobs/example-job.txt"),
}
WORKFLOW_SOURCE = "github-pages.yml"
# What new-job writes when the posting does not say; `cvsite check` flags it as a leftover.
UNKNOWN = "TBD"
MAX_TAGS = 15


def scaffold_text(name: str) -> str:
    """One of the starter files shipped in cvsite/data/scaffold."""
    return (resources.files("cvsite") / "data" / "scaffold" / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- init


def init_profile(directory: Path, github_pages: bool = False, force: bool = False) -> list[Path]:
    """Write a starter profile, its schemas and an example job into `directory`.

    Returns the files written. Without `force`, any target that already exists
    stops the whole command before a single file is written.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise CvsiteError([Problem(str(directory), 0, 0, "", "is a file, not a folder")])
    plan = {directory / target: scaffold_text(source) for source, target in INIT_FILES.items()}
    if github_pages:
        plan[directory / WORKFLOW_FILE] = scaffold_text(WORKFLOW_SOURCE)
    schema_dir = directory / SCHEMA_DIR
    schemas = [schema_dir / schema_file_name("profile"), schema_dir / schema_file_name("job")]
    if not force:
        refuse_existing([*schemas, *plan])
    written = write_schemas(schema_dir)
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


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


def new_job(directory: Path, slug: str, posting_text: str, force: bool = False) -> NewJobResult:
    """Create jobs/SLUG.yaml and jobs/SLUG.txt from a job ad, then tailor the CV for it."""
    directory = Path(directory)
    jobs_dir = directory / "jobs"
    check_slug(slug, jobs_dir)
    text = _normalise_posting(posting_text)
    job_file, posting_file = jobs_dir / f"{slug}.yaml", jobs_dir / f"{slug}.txt"
    refuse_existing([jobs_dir / f"{slug}.yml"], hint="it already holds this job; edit or remove it")
    if not force:
        refuse_existing([job_file, posting_file])
    if not (directory / "profile.yaml").is_file():
        raise CvsiteError([Problem(str(directory / "profile.yaml"), 0, 0, "",
                                   "no profile here; run `cvsite init` first")])
    index = Index.build(load_workspace(directory).profile)
    terms = extract_posting_terms(text, index.vocab)
    tags = suggest_tags(terms, index)
    company, role = guess_company_role(text)
    job_text = render_job(slug, posting_file.name, company, role, tags)
    _validate_job(job_text, job_file)
    jobs_dir.mkdir(parents=True, exist_ok=True)
    posting_file.write_text(text, encoding="utf-8")
    job_file.write_text(job_text, encoding="utf-8")
    cv = tailor(load_workspace(directory, [slug]), slug)
    return NewJobResult(job_file, posting_file, company, role, tags, cv)


def check_slug(slug: str, jobs_dir: Path) -> None:
    """A slug names the job's files and its page's folder, so it must be safe in both."""
    if not SLUG.match(slug):
        raise CvsiteError([Problem(str(jobs_dir), 0, 0, "", (
            f"'{slug}' is not a usable job slug: use lowercase letters, digits and hyphens, "
            "starting with a letter or digit (for example acme-data-engineer)"))])


def _normalise_posting(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    if not text:
        raise CvsiteError("the posting is empty: give the job ad as a file, or pipe it in with `--posting -`")
    return text + "\n"


def suggest_tags(terms: list[PostingTerm], index: Index) -> dict[str, int]:
    """Weights 1-3 for the posting's key terms that the profile covers.

    Terms the profile never mentions are left out: a tag no item matches
    changes nothing, and the coverage report lists those gaps anyway.
    """
    covered = [t for t in terms if t.term in index.postings][:MAX_TAGS]
    tags: dict[str, int] = {}
    for term in covered:
        # requirement strength, not specificity: a tag weight says how much the job needs it
        tags.setdefault(_tag_name(term, index), scale_weight(term.weight / term.specificity))
    return tags


# Posting weights come from the section a term is found in (data/posting_sections.yaml:
# requirements 1.5, responsibilities 1.2, plain text 1.0, nice to have 0.5) and grow
# with repetition. A requirement or a term the ad repeats is core (3); a term the job
# involves is 2; a nice-to-have is 1.
CORE_WEIGHT = 1.45
INVOLVED_WEIGHT = 0.9


def scale_weight(weight: float) -> int:
    return 3 if weight >= CORE_WEIGHT else 2 if weight >= INVOLVED_WEIGHT else 1


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


# ---------------------------------------------------------------- company and role


@dataclass(frozen=True)
class PostingHints:
    company_labels: tuple[str, ...]
    role_labels: tuple[str, ...]
    not_company: frozenset[str]
    role_words: frozenset[str]


@cache
def posting_hints() -> PostingHints:
    data = yaml.safe_load(scaffold_text("posting-hints.yaml"))
    return PostingHints(
        tuple(data["company_labels"]),
        tuple(data["role_labels"]),
        frozenset(w.lower() for w in data["not_company"]),
        frozenset(w.lower() for w in data["role_words"]),
    )


def guess_company_role(text: str) -> tuple[str | None, str | None]:
    """The company and the role, when the posting says them in a recognisable way.

    Explicit labels ("Company: X", "Job title: Y") win; then sentences such as
    "X is hiring a Y" or "Join X as a Y"; then the first line when it reads as
    a heading ("Y at X", "Y - X"); then an "About X" heading.
    """
    hints = posting_hints()
    lines = [line for line in (_strip_markup(raw) for raw in text.splitlines()) if line]
    labelled_role = _labelled(lines, hints.role_labels)
    candidates = [
        (_labelled(lines, hints.company_labels), labelled_role and _without_suffix(labelled_role)),
        _hiring_sentence(text, hints),
        _heading(lines[0], hints, text) if lines else (None, None),
        (_about(lines, hints), None),
    ]
    company = next((c for c, _ in candidates if c), None)
    role = next((r for _, r in candidates if r), None)
    return company, role


def _strip_markup(line: str) -> str:
    """'## **Data Engineer**' -> 'Data Engineer': Markdown headings and emphasis say nothing."""
    line = re.sub(r"^\s*#{1,6}\s*", "", line)
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    return line.strip().strip("*_").strip()


def _labelled(lines: list[str], labels: tuple[str, ...]) -> str | None:
    names = "|".join(map(re.escape, labels))
    pattern = re.compile(rf"^(?:{names})\s*[:：]\s*(.+)$", re.IGNORECASE)
    for line in lines:
        match = pattern.match(line)
        if match:
            return _tidy(match.group(1))
    return None


_NAME = r"[A-Z0-9][\w&.'’-]*(?: (?:[A-Z0-9&][\w&.'’-]*|of|and|de|la|für))*"
# Company names start a sentence: "Kestrel Freight is hiring a Data Engineer to ...".
_SENTENCE_START = r"(?:^|(?<=[.!?] ))"
_HIRING = re.compile(
    rf"{_SENTENCE_START}(?P<company>{_NAME}) (?:is|are) (?:hiring|looking for|seeking|searching for|"
    r"recruiting) (?:an? |our (?:next |new |first )?)?(?P<role>[^.,;:!?()\n]{3,80})",
    re.MULTILINE,
)
_JOIN = re.compile(rf"\bJoin (?P<company>{_NAME}) as (?:an? |our )?(?P<role>[^.,;:!?()\n]{{3,80}})")
_ROLE_END = re.compile(r"\s+(?:to|who|in|for|with|based|that|and help|on|at|from|remote)\b.*$", re.IGNORECASE)


def _hiring_sentence(text: str, hints: PostingHints) -> tuple[str | None, str | None]:
    for pattern in (_HIRING, _JOIN):
        for match in pattern.finditer(text):
            company = _company(match.group("company"), hints)
            role = _role(_ROLE_END.sub("", match.group("role")), hints)
            if company or role:
                return company, role
    return None, None


_AT = re.compile(r"\s+(?:at|@)\s+")
_SEPARATORS = re.compile(r"\s+[-|·]\s+|\s*[|·–—]\s*")


def _heading(line: str, hints: PostingHints, text: str) -> tuple[str | None, str | None]:
    """A first line such as "Data Engineer at Kestrel Freight" or "Kestrel Freight - Data Engineer".

    After "at" the rest is the company; beside a dash or bar it could as well be
    a place or a team, so it counts as the company only when the ad names it again.
    """
    if len(line) > 100 or line.endswith((".", "!", "?", ":")):
        return None, None
    at = _AT.split(line, maxsplit=1)
    if len(at) == 2 and _role(at[0], hints):
        return _company(_SEPARATORS.split(at[1])[0], hints), _role(at[0], hints)
    parts = [p for p in (_tidy(p) for p in _SEPARATORS.split(line)) if p]
    role = next((p for p in parts if _role(p, hints)), None)
    if role is None:
        return None, None
    others = [p for p in parts if p is not role and _named_again(p, text)]
    return (_company(others[0], hints) if others else None), _role(role, hints)


def _named_again(name: str, text: str) -> bool:
    """Whether the ad mentions `name` again, and not as a place ("in Berlin", "from Berlin")."""
    mentions = re.findall(rf"(\w+\s+)?\b{re.escape(name)}\b", text)
    places = {"in", "near", "from", "to", "around", "across"}
    return sum(1 for before in mentions[1:] if before.strip().lower() not in places) >= 1


def _about(lines: list[str], hints: PostingHints) -> str | None:
    for line in lines:
        match = re.match(r"^About\s+([A-Z].{1,59}?)[:.!]?$", line)
        if match:
            company = _company(match.group(1), hints)
            if company:
                return company
    return None


def _company(value: str, hints: PostingHints) -> str | None:
    value = _tidy(value)
    words = value.split()
    if not value or len(words) > 6 or value.lower() in hints.not_company:
        return None
    if words[0].lower() in {"we", "you", "our", "the", "this", "your", "they"}:
        return None
    return value if value[0].isupper() or value[0].isdigit() else None


def _without_suffix(role: str) -> str:
    """'Data Engineer (m/f/d)' -> 'Data Engineer': a trailing note in brackets is not the title."""
    return _tidy(re.sub(r"\s*\([^)]*\)\s*$", "", role)) or role


def _role(value: str, hints: PostingHints) -> str | None:
    value = _without_suffix(value)
    # "a passionate Senior Data Engineer": the title starts at its first capital.
    value = re.sub(r"^(?:[a-z][\w-]* )+(?=[A-Z])", "", value)
    words = re.findall(r"[a-z]+", value.lower())
    if not value or len(words) > 8 or not hints.role_words & set(words):
        return None
    return value[0].upper() + value[1:]


def _tidy(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip(" \t*_\"'“”.,;:!-–—|")


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


def init_message(directory: Path, written: list[Path], verbose: int = 0) -> str:
    lines = [] if verbose < 0 else [f"  wrote {path}" for path in written]
    here = Path(directory) == Path(".")
    lines.append(f"Started a profile in {'this folder' if here else directory}. Replace the sample "
                 f"person in {Path(directory) / 'profile.yaml'} with yourself, then run "
                 f"`cvsite serve{'' if here else f' {directory}'}`.")
    if Path(directory) / WORKFLOW_FILE in written:
        lines.append("To publish: push to GitHub, and in the repository's Settings → Pages "
                     "set Source to \"GitHub Actions\".")
    return "\n".join(lines)


def new_job_report(result: NewJobResult, verbose: int = 0) -> str:
    """What was written, what the user must still edit, and how well the profile covers the ad."""
    slug = result.job_file.stem
    lines = [f"Wrote {result.job_file} and {result.posting_file}."]
    for name, value in (("company", result.company), ("role", result.role)):
        shown = value or f"{UNKNOWN}: not found in the posting; edit `{name}:` in {result.job_file}"
        lines.append(f"  {name + ':':<9}{shown}")
    tags = ", ".join(f"{tag} {weight}" for tag, weight in result.tags.items())
    lines.append(f"  {'tags:':<9}{tags or 'none: no key term of the posting appears in your profile'}")
    coverage = result.cv.coverage
    if coverage and verbose >= 0:
        lines += ["", *_coverage_lines(coverage)]
    lines += ["", f"Next: `cvsite explain --job {slug}` shows the ranking; `cvsite serve` shows the page."]
    return "\n".join(lines)


def _coverage_lines(coverage: Coverage) -> list[str]:
    def names(terms: Iterable[CoverageTerm]) -> str:
        return ", ".join(t.display for t in terms) or "none"

    lines = [f"Keyword coverage: {coverage.ratio:.0%} of the posting's weighted key terms "
             f"({coverage.recognised} recognised)"]
    if coverage.low_confidence:
        lines.append("  few key terms recognised in the posting: too few to judge coverage")
    lines.append(f"  shown on this CV:                   {names(coverage.matched)}")
    if coverage.unused:
        lines.append(f"  in your profile, left out here:     {names(coverage.unused)}")
    lines.append(f"  never mentioned in your profile:    {names(coverage.missing)}")
    return lines
