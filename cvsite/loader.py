"""Load a profile directory: profile.yaml, jobs/*.yaml and their postings.

Everything wrong with the input is collected (across all files) and raised
once as a CvsiteError, so a user fixes all problems in one pass.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cvsite.errors import CvsiteError, Problem, did_you_mean, format_path
from cvsite.model import ITEM_TYPES, Item, Job, Profile, kebab
from cvsite.validate import check_job, check_profile, profile_tags
from cvsite.yamlsource import Loc, YamlDocument, load_yaml, read_text

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_LITERAL_BLOCK = re.compile(r":[ \t]*\|[-+1-9]*[ \t]*(#.*)?$")
TEXT_FILE = re.compile(r"^[^\n]{1,200}\.(txt|md)$", re.IGNORECASE)


@dataclass(frozen=True)
class LetterSource:
    """Where a job's cover letter was written, so advice can point at its lines.

    `line` is the line of `file` that holds the letter's first line: 1 for a
    letter file, the line after `letter: |` for a literal block in the job file
    (`column` is then the block's indentation). A letter written any other way
    in YAML (folded, quoted) has `exact` False: its lines are joined, so every
    line reports at the start of the value.
    """

    file: str
    line: int
    column: int = 1
    exact: bool = True

    def where(self, number: int, offset: int = 0) -> tuple[int, int]:
        """(line, column) in `file` of character `offset` of the letter's line `number` (0-based)."""
        return (self.line + number, self.column + offset) if self.exact else (self.line, self.column)


@dataclass
class Workspace:
    """A loaded, valid profile directory: the input of every later stage."""

    root: Path
    profile: Profile
    jobs: dict[str, Job] = field(default_factory=dict)
    postings: dict[str, str] = field(default_factory=dict)
    documents: dict[str, YamlDocument] = field(default_factory=dict)
    letters: dict[str, LetterSource] = field(default_factory=dict)

    @property
    def profile_file(self) -> str:
        return str(self.root / "profile.yaml")

    def job_file(self, slug: str) -> str:
        return str(self.root / "jobs" / f"{slug}.yaml")


def load_for_jobs(root: Path, slugs: Sequence[str] = ()) -> Workspace:
    """DIR with every job, as a build loads it: tailoring one job weighs its posting's terms
    by how many of the other postings use them, so explaining or exporting a job must
    see them all to match the site. If another job file has a problem, only the named
    jobs', so one broken file does not block the rest."""
    try:
        workspace = load_workspace(root)
    except CvsiteError:
        if not slugs:
            raise
        return load_workspace(root, slugs)
    if any(slug not in workspace.jobs for slug in slugs):
        return load_workspace(root, slugs)  # reports the unknown job, with a "did you mean"
    return workspace


def load_workspace(root: Path, only_jobs: Sequence[str] = ()) -> Workspace:
    """Load and validate DIR, or raise CvsiteError with every problem found."""
    root = require_directory(root)
    problems: list[Problem] = []
    profile_path = root / "profile.yaml"
    if not profile_path.exists() and not profile_path.is_symlink():
        problems.append(Problem(str(profile_path), 0, 0, "", f"no profile.yaml in {root}: point cvsite "
                                "at your profile directory, or create one with `cvsite init`"))
        profile_doc, profile = None, None
    else:
        profile_doc, profile = load_model(profile_path, Profile, problems)
    documents = {profile_doc.file: profile_doc} if profile_doc else {}
    if profile_doc:
        problems += check_profile(profile_doc)
    if profile:
        assign_ids(profile)

    jobs: dict[str, Job] = {}
    known_tags: set[str] | None = None
    postings: dict[str, str] = {}
    letters: dict[str, LetterSource] = {}
    for path in _job_files(root, only_jobs, problems):
        doc, job = load_model(path, Job, problems)
        if doc:
            documents[doc.file] = doc
        if job and doc:
            if profile is not None and known_tags is None:
                known_tags = profile_tags(profile)
            problems += check_job(job, doc, profile, known_tags)
            posting = _job_text("posting", job.posting, path.parent, doc, problems)
            if job.letter:
                job.letter, letters[path.stem] = _letter(job.letter, path.parent, doc, problems)
            jobs[path.stem] = job
            postings[path.stem] = posting
    if problems:
        raise CvsiteError(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    assert profile is not None
    return Workspace(root, profile, jobs, postings, documents, letters)


def require_directory(root: Path) -> Path:
    """The profile directory, or CvsiteError when the argument names no directory at all."""
    root = Path(root)
    if not root.is_dir():
        reason = "is not a directory" if root.exists() else "no such directory"
        raise CvsiteError([Problem(str(root), 0, 0, "", reason)])
    return root


def _job_files(root: Path, only: Sequence[str], problems: list[Problem]) -> list[Path]:
    jobs_dir = root / "jobs"
    found = sorted(jobs_dir.glob("*.yaml")) + sorted(jobs_dir.glob("*.yml")) if jobs_dir.is_dir() else []
    found = [p for p in found if not p.name.startswith(".")]  # editor lock and swap files
    by_slug: dict[str, Path] = {}
    inside = jobs_dir.resolve()
    for path in found:
        if not path.resolve().is_relative_to(inside):
            problems.append(Problem(str(path), 1, 1, "", "job file is a link to a file outside "
                                    f"{jobs_dir}; copy the file into jobs/ instead"))
        elif not SLUG.match(path.stem):
            problems.append(Problem(str(path), 1, 1, "", f"job file name '{path.name}' is not a "
                                    "usable slug: use lowercase letters, digits and hyphens"))
        elif path.stem in by_slug:
            problems.append(Problem(str(path), 1, 1, "", f"two job files for slug '{path.stem}'"))
        else:
            by_slug[path.stem] = path
    for slug in only:
        if slug not in by_slug:
            hint = did_you_mean(slug, by_slug)
            problems.append(Problem(str(jobs_dir), 0, 0, "", f"no job '{slug}'{hint}"))
    return [by_slug[s] for s in sorted(by_slug) if not only or s in only]


def load_model(
    path: Path, model: type[BaseModel], problems: list[Problem]
) -> tuple[YamlDocument | None, Any]:
    """One YAML file validated by `model`; what is wrong goes to `problems`, with lines."""
    try:
        doc = load_yaml(path)
    except CvsiteError as exc:
        problems += exc.problems
        return None, None
    if doc.data is None:
        problems.append(Problem(doc.file, 1, 1, "", "file is empty"))
        return doc, None
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.file, 1, 1, "", "expected a mapping of fields (`name: value` lines), "
                                f"got {_kind(doc.data)}"))
        return doc, None
    try:
        return doc, model.model_validate(doc.data)
    except ValidationError as exc:
        problems += [_to_problem(error, doc, model) for error in exc.errors()]
        return doc, None


def _to_problem(error: Any, doc: YamlDocument, model: type[BaseModel]) -> Problem:
    loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    if kind == "end_before_start":
        loc = (*loc, "end")
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = _field_names(parent) if parent else []
        message = f"unknown field '{loc[-1]}'{did_you_mean(str(loc[-1]), known)}"
        line, column = doc.where(loc)
    elif kind == "missing":
        message = f"required field '{loc[-1]}' is missing"
        line, column = doc.where(loc[:-1])
    elif kind == "literal_error":
        choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        got = error["input"]
        hint = did_you_mean(str(got), choices) or f" (expected one of: {', '.join(choices)})"
        what = f"unknown key '{got}'" if "[key]" in error["loc"] else f"'{got}' is not allowed here"
        message = f"{what}{hint}"
        line, column = doc.where(loc)
    else:
        message = _describe(error) + _extra_key_hint(model, loc)
        line, column = doc.where(loc)
    return Problem(doc.file, line, column, format_path(loc), message)


_EXPECTED = {
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of `key: value` pairs",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "dataclass_type": "expected a mapping of fields",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
}


def _describe(error: Any) -> str:
    """Pydantic's message in the words of someone editing YAML, with what was found."""
    message = str(error["msg"])
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    if error["type"] == "end_before_start":
        return message
    got = error.get("input")
    expected = _EXPECTED.get(error["type"])
    if expected is None:
        return f"{message[0].lower()}{message[1:]} (got {_kind(got)})"
    if error["type"] == "string_type" and isinstance(got, bool):
        return f"{expected}, but YAML read yes/no/true/false/on/off as a boolean; put the text in quotes"
    if error["type"] == "string_type" and isinstance(got, (int, float)):
        return f"{expected}, got the number {got}; put it in quotes if it is text"
    return f"{expected}, got {_kind(got)}"


def _kind(value: Any) -> str:
    """A short, human description of a YAML value for error messages."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) < 50 else value[:47] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _extra_key_hint(model: type[BaseModel], loc: Loc) -> str:
    """A misspelled key in a mapping that allows extra keys (contact) shows up as a bad
    value; if the key is close to a declared field, say so."""
    if len(loc) < 1 or not isinstance(loc[-1], str):
        return ""
    parent = _model_at(model, loc[:-1])
    if parent is None or parent.model_config.get("extra") != "allow":
        return ""
    known = _field_names(parent)
    return "" if loc[-1] in known else did_you_mean(loc[-1], known)


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the value at `loc` (to suggest its field names)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        info = fields.get(part) or next(
            (f for f in fields.values() if f.alias == part), None
        )
        current = _inner_model(info.annotation) if info else None
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _job_text(key: str, value: str | None, jobs_dir: Path, doc: YamlDocument,
              problems: list[Problem]) -> str:
    """A posting or letter is inline text, or the name of a .txt/.md file inside jobs/."""
    value = (value or "").strip()
    if not TEXT_FILE.match(value):
        return value
    target = _text_file(key, value, jobs_dir, doc, problems)
    if target is None:
        return ""
    try:
        return read_text(target, str(target))
    except CvsiteError as exc:
        problems += exc.problems
        return ""


def _text_file(key: str, value: str, jobs_dir: Path, doc: YamlDocument,
               problems: list[Problem]) -> Path | None:
    """The file a job's `key` names, inside jobs/; None (and a problem) when it is not usable."""
    try:
        target = (jobs_dir / value).resolve()
        exists = target.is_file()
    except (OSError, ValueError) as exc:  # a name too long, or with a NUL byte
        problems.append(doc.problem((key,), key, f"{key} file name is unusable: {exc}"))
        return None
    if not target.is_relative_to(jobs_dir.resolve()):
        problems.append(doc.problem((key,), key, f"{key} file '{value}' is outside the jobs/ folder"))
        return None
    if not exists:
        siblings = [p.name for p in jobs_dir.iterdir() if p.suffix in (".txt", ".md")]
        problems.append(doc.problem((key,), key, f"{key} file '{value}' not found "
                                    f"in {jobs_dir}{did_you_mean(value, siblings)}"))
        return None
    return target


def _letter(value: str, jobs_dir: Path, doc: YamlDocument,
            problems: list[Problem]) -> tuple[str, LetterSource]:
    """The letter's text and where it was written (a file in jobs/, or the job file itself)."""
    text = _job_text("letter", value, jobs_dir, doc, problems)
    if TEXT_FILE.match(value.strip()):
        return text, LetterSource(str((jobs_dir / value.strip()).resolve()), 1)
    line, column = doc.where(("letter",))
    try:
        source = Path(doc.file).read_text("utf-8").splitlines()
        block = _LITERAL_BLOCK.search(source[line - 1]) is not None
        first = source[line] if block else ""
    except (OSError, UnicodeDecodeError, IndexError):
        block, first = False, ""
    if block:  # a literal block keeps its lines: line n of the letter is line n of the block
        raw = str(doc.data.get("letter", "")) if isinstance(doc.data, dict) else ""
        skipped = raw[:len(raw) - len(raw.lstrip())].count("\n")  # blank lines the model stripped
        first = next((x for x in source[line:] if x.strip()), first)
        return text, LetterSource(doc.file, line + 1 + skipped, len(first) - len(first.lstrip(" ")) + 1,
                                  exact=True)
    return text, LetterSource(doc.file, line, column, exact=False)


def assign_ids(profile: Profile) -> None:
    """Give every item without an `id` a stable one derived from its label.

    Derived ids are unique per section order (a second "Data Scientist, Acme"
    becomes ...-2), so they stay the same as long as the profile's order does.
    """
    taken = {item.id for section in ITEM_TYPES for item in profile.section(section) if item.id}
    for section in ITEM_TYPES:
        for item in profile.section(section):
            if item.id:
                continue
            base = kebab(item.label()).replace(".", "").replace("+", "p").replace("#", "sharp")
            base = base[:60].strip("-") or section
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            item.id = candidate
            taken.add(candidate)


def items(profile: Profile) -> list[tuple[str, int, Item]]:
    """Every list item as (section, index, item), in profile order."""
    return [(s, i, it) for s in ITEM_TYPES for i, it in enumerate(profile.section(s))]
