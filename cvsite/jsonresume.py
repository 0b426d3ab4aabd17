"""JSON Resume interop: import a resume.json as a profile directory, export a profile or tailored CV.

JSON Resume (schema 1.x) is the format most CV tools and themes read. The import
validates the document against models that mirror the schema: a bad value is an
error at its JSON path (`$.work[2].startDate`), an unknown key (a typo, a key a
theme reads) a warning there, never dropped without a word. Every value the
schema carries has a field in the profile, and what the profile holds beyond the
schema travels in an `x-cvsite` key on the item, so import then export gives the
document back and export then import the profile. The fields no page shows are
listed once, in `data/jsonresume.yaml`. The export of a tailored CV consumes
`TailoredCV` only for the list items, so an item excluded for the job cannot
appear in it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.loader import load_for_jobs, load_workspace
from cvsite.model import (
    CONTRIBUTION_KINDS,
    ITEM_TYPES,
    Contact,
    Contribution,
    Date,
    Education,
    EndDate,
    Experience,
    Item,
    Language,
    Model,
    PartialDate,
    Period,
    Profile,
    Project,
    Skill,
    Text,
    Url,
    kebab,
    parse_date,
)
from cvsite.schema import SCHEMA_DIR, modeline, write_schemas
from cvsite.tailored import TailoredCV
from cvsite.yamlsource import YamlDocument, parse_yaml, read_text

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
# The official schema's date pattern; `parse_date` then rejects months and days that do not exist.
_ISO_DATE = re.compile(r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the rule Contact.email applies


# --- The JSON Resume document, as the import reads it -------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _iso_date(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a date is text written YYYY, YYYY-MM or YYYY-MM-DD (got {_kind(value)})")
    value = value.strip()
    if not _ISO_DATE.match(value):
        raise ValueError(f"'{value}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    parse_date(value)
    return value


def _email(value: Any) -> Any:
    if isinstance(value, str) and not _EMAIL.match(value.strip()):
        raise ValueError(f"'{value.strip()}' is not an e-mail address")
    return value


def _without_blanks(value: Any) -> Any:
    return [v for v in value if not _blank(v)] if isinstance(value, list) else value


_BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


def _web(value: Any) -> Any:
    """`missdirection.example.com` (as the schema's own sample writes it) is a web address."""
    if isinstance(value, str) and _BARE_HOST.match(value.strip()):
        return "https://" + value.strip()
    return value


IsoDate = Annotated[str, BeforeValidator(_iso_date)]
WebUrl = Annotated[Url, BeforeValidator(_web)]
Email = Annotated[str, BeforeValidator(_email)]
Words = Annotated[list[Text], BeforeValidator(_without_blanks)]


class _Span(Model, Period):
    """cvsite's own rule for an end before a start, applied to JSON Resume dates."""

    start: Date | None = None
    end: EndDate | None = None


class _Part(BaseModel):
    """An object of the document; empty strings and nulls count as absent, as resume tools write them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_blanks(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if not _blank(v)} if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _end_after_start(self) -> _Part:
        start, end = getattr(self, "startDate", None), getattr(self, "endDate", None)
        if start and end:
            try:
                _Span(start=start, end=end)
            except ValidationError:
                raise PydanticCustomError("end_before_start", "ends ({end}) before it starts ({start})",
                                          {"end": end, "start": start}) from None
        return self


class JrExtension(_Part):
    """`x-cvsite`: what an item needs beyond JSON Resume's fields to come back as it left.

    JSON Resume allows extra keys on every item (not at the top level); other tools ignore
    this one. On a project: `section: contributions` and the project's `type` as the
    contribution's kind, or the project's `contribution`/`outcome` (also written first in
    `highlights`, for tools that only read those), its named `links`, and `single_date` when
    its `startDate` is the one `date` it has rather than a start. On a publication:
    the contribution `kind` (a post). On a skill group: each skill's `aliases` and `tags`.
    """

    section: Literal["contributions"] | None = None
    kind: Literal[CONTRIBUTION_KINDS] | None = None  # type: ignore[valid-type]
    contribution: str | None = None
    outcome: str | None = None
    links: dict[str, WebUrl] = Field(default_factory=dict)
    single_date: bool = False
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    tags: dict[str, list[str]] = Field(default_factory=dict)


Extension = Annotated[JrExtension | None, Field(alias="x-cvsite")]


class JrLocation(_Part):
    address: str | None = None
    postalCode: str | None = None
    city: str | None = None
    countryCode: str | None = None
    region: str | None = None


class JrProfile(_Part):
    network: str | None = None
    username: str | None = None
    url: WebUrl | None = None


class JrBasics(_Part):
    name: Text
    label: Text
    image: str | None = None
    email: Email | None = None
    phone: str | None = None
    url: WebUrl | None = None
    summary: str | None = None
    location: JrLocation | None = None
    profiles: list[JrProfile] = Field(default_factory=list)


class JrWork(_Part):
    name: Text
    position: Text
    url: WebUrl | None = None
    startDate: IsoDate
    endDate: IsoDate | None = None
    summary: str | None = None
    highlights: Words = Field(default_factory=list)
    location: str | None = None
    description: str | None = None


class JrVolunteer(_Part):
    organization: Text
    position: Text
    url: WebUrl | None = None
    startDate: IsoDate
    endDate: IsoDate | None = None
    summary: str | None = None
    highlights: Words = Field(default_factory=list)


class JrEducation(_Part):
    institution: Text
    url: WebUrl | None = None
    area: str | None = None
    studyType: str | None = None
    startDate: IsoDate | None = None
    endDate: IsoDate | None = None
    score: str | None = None
    courses: Words = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_a_degree(self) -> JrEducation:
        if not self.area and not self.studyType:
            raise PydanticCustomError("no_degree", "needs a studyType or an area: cvsite names the degree")
        return self


class JrAward(_Part):
    title: Text
    date: IsoDate | None = None
    awarder: str | None = None
    summary: str | None = None


class JrCertificate(_Part):
    name: Text
    date: IsoDate | None = None
    issuer: str | None = None
    url: WebUrl | None = None


class JrPublication(_Part):
    name: Text
    publisher: str | None = None
    releaseDate: IsoDate | None = None
    url: WebUrl | None = None
    summary: str | None = None
    x_cvsite: Extension = None


class JrSkill(_Part):
    name: Text
    level: str | None = None
    keywords: Words = Field(default_factory=list)
    x_cvsite: Extension = None


class JrLanguage(_Part):
    language: Text
    fluency: str | None = None


class JrInterest(_Part):
    name: Text
    keywords: Words = Field(default_factory=list)


class JrReference(_Part):
    name: Text
    reference: str | None = None


class JrProject(_Part):
    name: Text
    startDate: IsoDate | None = None
    endDate: IsoDate | None = None
    description: str | None = None
    highlights: Words = Field(default_factory=list)
    url: WebUrl | None = None
    roles: Words = Field(default_factory=list)
    entity: str | None = None
    type: str | None = None
    keywords: Words = Field(default_factory=list)
    x_cvsite: Extension = None


class JrMeta(_Part):
    canonical: str | None = None
    version: str | None = None
    lastModified: str | None = None


class JsonResume(_Part):
    schema_: str | None = Field(None, alias="$schema")
    basics: JrBasics
    work: list[JrWork] = Field(default_factory=list)
    volunteer: list[JrVolunteer] = Field(default_factory=list)
    education: list[JrEducation] = Field(default_factory=list)
    awards: list[JrAward] = Field(default_factory=list)
    certificates: list[JrCertificate] = Field(default_factory=list)
    publications: list[JrPublication] = Field(default_factory=list)
    skills: list[JrSkill] = Field(default_factory=list)
    languages: list[JrLanguage] = Field(default_factory=list)
    interests: list[JrInterest] = Field(default_factory=list)
    references: list[JrReference] = Field(default_factory=list)
    projects: list[JrProject] = Field(default_factory=list)
    meta: JrMeta | None = None


# --- Reading and reporting bad input ------------------------------------------------------------


@dataclass
class Reading:
    """A validated document, and warnings about its keys: JSON Resume 0.x names read under
    their 1.x names, and keys the schema does not define, left out."""

    resume: JsonResume
    unknown: list[Problem]


def read_jsonresume(file: Path) -> Reading:
    """Parse and validate a JSON Resume file, or raise CvsiteError with every problem at its JSON path.

    Keys the schema does not define (a typo, or what resume-cli themes add) are warnings,
    not errors: the rest of the document still imports, and the report names each one.
    """
    name = str(file)
    text = read_text(Path(file), name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CvsiteError([Problem(name, exc.lineno, exc.colno, "", f"not valid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise CvsiteError([Problem(name, 1, 1, "", "nesting is too deep")]) from None
    if not isinstance(data, dict):
        raise CvsiteError([Problem(name, 1, 1, "$", f"expected a JSON object, got {_kind(data)}")])
    doc = _positions(text, name)
    unknown = [_at(doc, name, loc, message) for loc, message in _rename_old_keys(data)]
    try:
        return Reading(JsonResume.model_validate(data), unknown)
    except ValidationError as exc:
        extra = [error for error in exc.errors() if error["type"] == "extra_forbidden"]
        unknown += [_problem(error, name, doc) for error in extra]
        if len(extra) < exc.error_count():
            raise _invalid(exc, name, doc) from None
    for error in extra:
        _remove(data, tuple(error["loc"]))
    try:
        return Reading(JsonResume.model_validate(data), sorted(unknown, key=lambda p: (p.line, p.column)))
    except ValidationError as exc:
        raise _invalid(exc, name, doc) from None


def _rename_old_keys(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Read JSON Resume 0.x keys (`company`, `website`…) under their 1.x names, in place."""
    renamed = []
    for section, names in _table()["renamed"].items():
        value = data.get(section)
        entries = [((section,), value)] if isinstance(value, dict) else \
            [((section, i), entry) for i, entry in enumerate(value)] if isinstance(value, list) else []
        for loc, entry in entries:
            for old, new in names.items():
                if isinstance(entry, dict) and old in entry and new not in entry:
                    entry[new] = entry.pop(old)
                    renamed.append(((*loc, old), f"'{old}' is JSON Resume 0.x's name for '{new}'; "
                                                 f"imported as '{new}'"))
    return renamed


def _at(doc: YamlDocument | None, name: str, loc: tuple[Any, ...], message: str) -> Problem:
    """A problem at a JSON path, on its line when the document's positions are known."""
    line, column = doc.where(loc) if doc else (0, 0)
    return Problem(name, line, column, json_path(loc), message)


def _invalid(exc: ValidationError, name: str, doc: YamlDocument | None) -> CvsiteError:
    problems = [_problem(error, name, doc) for error in exc.errors() if error["type"] != "extra_forbidden"]
    return CvsiteError(sorted(problems, key=lambda p: (p.line, p.column)))


def _remove(data: Any, loc: tuple[Any, ...]) -> None:
    for part in loc[:-1]:
        data = data[part]
    data.pop(loc[-1], None)


def _positions(text: str, name: str) -> YamlDocument | None:
    """Line and column of every JSON path. JSON is YAML once its tabs (only ever whitespace
    outside strings) are spaces, and the YAML loader already records positions."""
    try:
        return parse_yaml(text.replace("\t", " "), name)
    except CvsiteError:
        return None


def _problem(error: Any, name: str, doc: YamlDocument | None) -> Problem:
    loc = tuple(error["loc"])
    if error["type"] == "end_before_start":
        loc = (*loc, "endDate")
    return _at(doc, name, loc, _message(error, loc))


def json_path(loc: tuple[Any, ...]) -> str:
    """('work', 2, 'startDate') -> '$.work[2].startDate'."""
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


_EXPECTED = {
    "string_type": "text",
    "list_type": "a list",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "dict_type": "an object",
}


def _message(error: Any, loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _known_keys(loc[:-1])
        return f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), known)}; not imported"
    if kind == "missing":
        return "is missing; cvsite needs it to import this entry"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_kind(error['input'])}"
    return str(error["msg"]).removeprefix("Value error, ")


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys JSON Resume allows at `loc`, to suggest the one a typo meant."""
    model: type[BaseModel] = JsonResume
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        inner = _model_in(annotation)
        if inner is None:
            return []
        model = inner
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    shown = repr(value) if len(repr(value)) < 60 else repr(value)[:57] + "..."
    return f"text {shown}"


# --- Import -------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What the import did: where each part of the document went, and what had no home."""

    source: Path
    profile_file: Path
    mapped: list[tuple[str, str]] = field(default_factory=list)
    no_home: list[tuple[str, str]] = field(default_factory=list)
    not_shown: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[Problem] = field(default_factory=list)

    def lines(self, verbose: int = 0) -> list[str]:
        out = [f"Imported {self.source} into {self.profile_file}"]
        if verbose >= 0:
            out += [f"  {source} -> {target}" for source, target in self.mapped]
        out += [f"warning: {path}: not shown on the pages: {why}" for path, why in self.not_shown]
        out += [f"warning: {p.path}: {p.message}" for p in self.unknown]
        out += [f"warning: {source}: not imported: {why}" for source, why in self.no_home]
        return out


@cache
def _table() -> dict[str, Any]:
    return dict(yaml.safe_load((resources.files("cvsite") / "data" / "jsonresume.yaml").read_text("utf-8")))


def _networks() -> dict[str, dict[str, str]]:
    return dict(_table()["networks"])


def not_shown() -> dict[str, str]:
    """JSON path (`$.work[].description`) -> why the pages never show that field."""
    return dict(_table()["not_shown"])


def filled_paths(value: Any, prefix: str = "$") -> set[str]:
    """The schema paths (`$.work[].highlights[]`) a JSON document gives a value."""
    if isinstance(value, dict):
        return set().union(set(), *(filled_paths(v, f"{prefix}.{k}") for k, v in value.items()))
    if isinstance(value, list):
        return set().union(set(), *(filled_paths(v, f"{prefix}[]") for v in value))
    return set() if _blank(value) else {prefix}


def import_jsonresume(file: Path, out_dir: Path, force: bool = False) -> ImportReport:
    """Write OUT_DIR/profile.yaml (plus editor schemas and an empty jobs/) from a JSON Resume file."""
    reading = read_jsonresume(file)
    target = profile_target(out_dir, force)
    report = ImportReport(Path(file), target, unknown=reading.unknown)
    write_profile(target, profile_data(reading.resume, report))
    return report


def profile_target(out_dir: Path, force: bool) -> Path:
    """OUT_DIR/profile.yaml, refusing to replace one that exists unless forced."""
    target = Path(out_dir) / "profile.yaml"
    if target.exists() and not force:
        raise CvsiteError([Problem(str(target), 0, 0, "", "already exists; pass --force to overwrite it")])
    return target


def write_profile(target: Path, data: dict[str, Any]) -> None:
    """Write an imported profile.yaml with its editor schemas and an empty jobs/ beside it."""
    Profile.model_validate(data)  # what is written must load; the importers make sure it does
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(modeline("profile") + dump_yaml(data), encoding="utf-8")
        write_schemas(target.parent / SCHEMA_DIR)
        (target.parent / "jobs").mkdir(exist_ok=True)
    except OSError as exc:
        raise CvsiteError([Problem(str(target), 0, 0, "", f"cannot write: {exc.strerror or exc}")]) from None


def profile_data(resume: JsonResume, report: ImportReport) -> dict[str, Any]:
    """The profile.yaml content for a JSON Resume document, recording every mapping in `report`."""
    filled = filled_paths(resume.model_dump(by_alias=True))
    report.not_shown += [(path, why) for path, why in not_shown().items() if path in filled]
    b = resume.basics
    for key, target in (("name", "name"), ("label", "headline"), ("summary", "summary"),
                        ("image", "image (kept for export; pages never show a photo)")):
        if getattr(b, key):
            report.mapped.append((f"$.basics.{key}", target))
    if b.location:
        report.mapped.append(("$.basics.location", f"location '{_place(b.location) or ''}' and address"))
    data: dict[str, Any] = {
        "name": b.name,
        "headline": b.label,
        "location": _place(b.location),
        "summary": b.summary,
        "contact": _contact(b, report),
        "image": b.image,
        "address": _address(b.location),
        **_sections(resume, report),
    }
    return compact(data)


def _place(location: JrLocation | None) -> str | None:
    """What the page shows as the location: city, region, country; never the street."""
    if location is None:
        return None
    parts = (location.city, location.region, location.countryCode)
    return ", ".join(dict.fromkeys(p for p in parts if p)) or None


def _address(location: JrLocation | None) -> dict[str, Any] | None:
    """The postal address, kept for export; a city alone is the profile's `location`."""
    if location is None or location.model_dump(exclude_none=True).keys() <= {"city"}:
        return None
    return {"street": location.address, "postal_code": location.postalCode, "city": location.city,
            "region": location.region, "country_code": location.countryCode}


def _contact(basics: JrBasics, report: ImportReport) -> dict[str, Any]:
    contact: dict[str, Any] = {"email": basics.email, "phone": basics.phone, "website": basics.url}
    for key, target in (("email", "email"), ("phone", "phone"), ("url", "website")):
        if getattr(basics, key):
            report.mapped.append((f"$.basics.{key}", f"contact.{target}"))
    for index, entry in enumerate(basics.profiles):
        _social(entry, f"$.basics.profiles[{index}]", contact, report)
    return contact


def _social(entry: JrProfile, path: str, contact: dict[str, Any], report: ImportReport) -> None:
    """A network profile becomes `contact.github`/`contact.linkedin` (user name, or URL when it is
    not the usual link) or `contact.<network>: URL`."""
    network = entry.network or _host(entry.url)
    key = network.lower() if network.lower() in _networks() else network
    if not key or not (entry.url or entry.username):
        report.no_home.append((path, "needs a network and a url or username"))
        return
    if key in contact or (key not in _networks() and key in Contact.model_fields):
        report.no_home.append((path, f"contact.{key} is already taken"))
        return
    usual = _table()["profile_urls"].get(key.lower())
    if key in _networks():
        value = _known_network_value(key, entry)
    elif entry.url:
        value = entry.url
    elif usual and entry.username:
        value = usual.format(username=entry.username)
    else:
        report.no_home.append((path, f"a {network} user name without a url; contact keeps links"))
        return
    contact[key] = value
    report.mapped.append((f"{path} ({network})", f"contact.{key}"))
    if entry.username and value == entry.url and _last_segment(entry.url) != entry.username:
        report.no_home.append((f"{path}.username", f"'{entry.username}' is not the end of the url; "
                                                   "the url is kept"))


def _known_network_value(key: str, entry: JrProfile) -> str:
    usual = _networks()[key]["url"].format(username=entry.username) if entry.username else None
    if entry.url is None or entry.url == usual:
        return str(entry.username)
    return entry.url


def _host(url: str | None) -> str:
    """A network's name from its link when the entry gives none: `github.com`."""
    host = urlparse(url).hostname or "" if url else ""
    return host.removeprefix("www.")


def _last_segment(url: str) -> str:
    return urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]


def _tags(words: list[str]) -> list[str]:
    return list(dict.fromkeys(tag for tag in map(kebab, words) if tag))


def _sections(resume: JsonResume, report: ImportReport) -> dict[str, Any]:
    experience = [_work(w) for w in resume.work] + [_volunteer(v) for v in resume.volunteer]
    marked = [p for p in resume.projects if p.x_cvsite and p.x_cvsite.section == "contributions"]
    contributions = ([_award(a) for a in resume.awards] + [_certificate(c) for c in resume.certificates]
                     + [_publication(p) for p in resume.publications]
                     + [_contribution(p) for p in marked])
    sections = {
        "experience": experience,
        "projects": [_project(p) for p in resume.projects if p not in marked],
        "contributions": contributions,
        "education": [_education(e) for e in resume.education],
        "skills": [skill for group in resume.skills for skill in _skills(group)],
        "languages": [{"name": lang.language, "level": lang.fluency} for lang in resume.languages],
        "interests": [{"name": i.name, "keywords": i.keywords} for i in resume.interests],
        "references": [{"name": r.name, "reference": r.reference} for r in resume.references],
    }
    if resume.meta:
        m = resume.meta
        sections["meta"] = {"canonical": m.canonical, "version": m.version, "last_modified": m.lastModified}
    for source, target in _SECTION_TARGETS:
        count = len(getattr(resume, source) or []) if source != "meta" else int(resume.meta is not None)
        if count:
            report.mapped.append((f"$.{source} ({count})", target))
    return sections


_SECTION_TARGETS = (
    ("work", "experience (no endDate: end: present)"),
    ("volunteer", "experience (kind: volunteer)"),
    ("projects", "projects (url -> links.website; keywords -> keywords and tags; "
                 "x-cvsite section: contributions -> contributions)"),
    ("awards", "contributions (kind: award)"),
    ("certificates", "contributions (kind: certificate)"),
    ("publications", "contributions (kind: publication)"),
    ("education", "education"),
    ("skills", "skills (each keyword a skill in the group `name`)"),
    ("languages", "languages"),
    ("interests", "interests"),
    ("references", "references"),
    ("meta", "meta"),
)


def _end(start: str, end: str | None) -> str | None:
    """A role without an end is current; one that ends as it starts is a single date (how
    the export writes a profile role that has no end)."""
    if end is None:
        return "present"
    return None if end == start else end


def _work(w: JrWork) -> dict[str, Any]:
    return {"role": w.position, "org": w.name, "org_description": w.description, "start": w.startDate,
            "end": _end(w.startDate, w.endDate), "location": w.location, "url": w.url,
            "summary": w.summary, "highlights": w.highlights}


def _volunteer(v: JrVolunteer) -> dict[str, Any]:
    return {"role": v.position, "org": v.organization, "kind": "volunteer", "start": v.startDate,
            "end": _end(v.startDate, v.endDate), "url": v.url, "summary": v.summary,
            "highlights": v.highlights}


def _project(p: JrProject) -> dict[str, Any]:
    ext = p.x_cvsite or JrExtension()
    highlights = list(p.highlights)
    for said in (ext.contribution, ext.outcome):  # the export writes them first, in this order
        if said and highlights and highlights[0] == said:
            highlights.pop(0)
    when = "date" if ext.single_date else "start"
    return {"title": p.name, "kind": p.type, "entity": p.entity, "roles": p.roles, when: p.startDate,
            "end": p.endDate, "summary": p.description, "contribution": ext.contribution,
            "outcome": ext.outcome, "highlights": highlights,
            "links": ext.links or {"website": p.url}, "keywords": p.keywords, "tags": _tags(p.keywords)}


def _contribution(p: JrProject) -> dict[str, Any]:
    """A project the export marked as a contribution (a talk, package, pull request…)."""
    kind = p.type if p.type in CONTRIBUTION_KINDS else "other"
    return {"kind": kind, "title": p.name, "where": p.entity, "date": p.startDate, "url": p.url,
            "summary": p.description}


def _skills(group: JrSkill) -> list[dict[str, Any]]:
    """`{name: Backend, keywords: [Go, Python]}` is the group Backend of the skills Go and
    Python; an entry without keywords is one skill."""
    ext = group.x_cvsite or JrExtension()
    if not group.keywords:
        return [{"name": group.name, "level": group.level, "aliases": ext.aliases.get(group.name),
                 "tags": ext.tags.get(group.name)}]
    return [{"name": name, "group": group.name, "level": group.level, "aliases": ext.aliases.get(name),
             "tags": ext.tags.get(name)} for name in group.keywords]


def _education(e: JrEducation) -> dict[str, Any]:
    degree = f"{e.studyType} in {e.area}" if e.studyType and e.area else e.studyType or e.area
    return {"degree": degree, "institution": e.institution, "study_type": e.studyType, "area": e.area,
            "start": e.startDate, "end": e.endDate, "score": e.score, "courses": e.courses, "url": e.url}


def _award(a: JrAward) -> dict[str, Any]:
    return {"kind": "award", "title": a.title, "where": a.awarder, "date": a.date, "summary": a.summary}


def _certificate(c: JrCertificate) -> dict[str, Any]:
    return {"kind": "certificate", "title": c.name, "where": c.issuer, "date": c.date, "url": c.url}


def _publication(p: JrPublication) -> dict[str, Any]:
    kind = p.x_cvsite.kind if p.x_cvsite and p.x_cvsite.kind else "publication"
    return {"kind": kind, "title": p.name, "where": p.publisher, "date": p.releaseDate,
            "url": p.url, "summary": p.summary}


def compact(value: Any) -> Any:
    """Drop empty values at every level, so profile.yaml holds only what was said."""
    if isinstance(value, dict):
        pairs = ((k, compact(v)) for k, v in value.items())
        return {k: v for k, v in pairs if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    """Indented lists and multi-line text as `|` blocks, like a hand-written profile."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


# --- Export -------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One list item to export, with the highlights the CV shows for it."""

    item: Item
    highlights: list[str]


@dataclass
class Export:
    """A JSON Resume document, and the profile fields JSON Resume has no place for."""

    document: dict[str, Any]
    no_home: list[str]


def export_jsonresume(profile: Profile, cv: TailoredCV | None = None) -> dict[str, Any]:
    """The profile as a JSON Resume document; with `cv`, that CV's items in its order and nothing else.

    The profile still supplies what is not tailored: image, address, interests,
    references and meta. `cv.person` supplies the header, so a job's headline wins.
    """
    return build_export(profile, cv).document


def build_export(profile: Profile, cv: TailoredCV | None = None) -> Export:
    """`export_jsonresume`, plus which profile fields had no place (for the command to say so)."""
    lost: Counter[str] = Counter()
    person = cv.person if cv else profile
    basics = {
        "name": person.name, "label": person.headline, "image": profile.image,
        "email": person.contact.email, "phone": person.contact.phone, "url": person.contact.website,
        "summary": person.summary, "location": _location_out(profile, person.location),
        "profiles": _profiles_out(person.contact),
    }
    if person.pitch:
        lost["pitch"] += 1
    document: dict[str, Any] = {"$schema": SCHEMA_URL, "basics": basics}
    skills: list[Skill] = []
    for entry in _entries(profile, cv):
        if isinstance(entry.item, Skill):
            document.setdefault("skills", [])
            skills.append(entry.item)
            continue
        key, value = _entry_out(entry, lost)
        document.setdefault(key, []).append(value)
    if skills:
        document["skills"] = _skills_out(skills)
    document["interests"] = [{"name": i.name, "keywords": i.keywords} for i in profile.interests]
    document["references"] = [{"name": r.name, "reference": r.reference} for r in profile.references]
    if profile.meta:
        m = profile.meta
        document["meta"] = {"canonical": m.canonical, "version": m.version, "lastModified": m.last_modified}
    notes = [f"{where}: no JSON Resume field" + (f" ({count} items)" if count > 1 else "")
             for where, count in sorted(lost.items())]
    return Export(compact(document), notes)


def _entries(profile: Profile, cv: TailoredCV | None) -> list[_Entry]:
    if cv is None:
        return [_Entry(item, [h.text for h in getattr(item, "highlights", [])])
                for name in ITEM_TYPES for item in profile.section(name)]
    return [_Entry(ranked.item, [h.text for h in ranked.highlights])
            for section in cv.sections for ranked in section.items]


def _location_out(profile: Profile, location: str | None) -> dict[str, Any] | None:
    if profile.address:
        a = profile.address
        return {"address": a.street, "postalCode": a.postal_code, "city": a.city,
                "countryCode": a.country_code, "region": a.region}
    return {"city": location} if location else None


def _profiles_out(contact: Contact) -> list[dict[str, Any]]:
    out = []
    for key, network in _networks().items():
        value = getattr(contact, key, None)
        if not value:
            continue
        if value.startswith(("http://", "https://")):
            out.append({"network": network["name"], "username": _last_segment(value), "url": value})
        else:
            out.append({"network": network["name"], "username": value,
                        "url": network["url"].format(username=value)})
    for key, url in (contact.model_extra or {}).items():
        out.append({"network": key, "username": _last_segment(url), "url": url})
    return out


def _date(value: Any) -> str | None:
    return str(value) if isinstance(value, PartialDate) else None


def _unused(lost: Counter[str], item: Item, where: str, names: tuple[str, ...]) -> None:
    for name in names:
        if getattr(item, name, None):
            lost[f"{where}.{name}"] += 1


def _entry_out(entry: _Entry, lost: Counter[str]) -> tuple[str, dict[str, Any]]:
    item = entry.item
    if isinstance(item, Experience):
        return _experience_out(item, entry.highlights, lost)
    if isinstance(item, Project):
        return "projects", _project_out(item, entry.highlights, lost)
    if isinstance(item, Contribution):
        return _contribution_out(item, lost)
    if isinstance(item, Education):
        _unused(lost, item, "education", ("location", "summary"))
        return "education", _education_out(item)
    assert isinstance(item, Language)
    return "languages", {"language": item.name, "fluency": item.level}


def _skills_out(skills: list[Skill]) -> list[dict[str, Any]]:
    """Skills as JSON Resume's groups: each run of skills sharing a group and a level is one
    `{name: group, level, keywords: [skills]}`; a skill without a group is an entry of its own.
    Runs, not whole groups, so the order of the skills comes back on import."""
    runs: list[list[Skill]] = []
    for skill in skills:
        last = runs[-1][-1] if runs else None
        if last is not None and skill.group and (last.group, last.level) == (skill.group, skill.level):
            runs[-1].append(skill)
        else:
            runs.append([skill])
    out = []
    for run in runs:
        first = run[0]
        entry: dict[str, Any] = {"name": first.group or first.name, "level": first.level,
                                 "keywords": [s.name for s in run] if first.group else []}
        extension = {"aliases": {s.name: s.aliases for s in run if s.aliases},
                     "tags": {s.name: s.tags for s in run if s.tags}}
        if any(extension.values()):
            entry["x-cvsite"] = extension
        out.append(entry)
    return out


def _end_out(item: Experience) -> str | None:
    """No endDate is a current role in JSON Resume; a role without an end (a single date in
    cvsite) ends as it starts."""
    if item.end == "present":
        return None
    return _date(item.end) if item.end is not None else _date(item.start)


def _experience_out(
    item: Experience, highlights: list[str], lost: Counter[str]
) -> tuple[str, dict[str, Any]]:
    common = {"position": item.role, "url": item.url, "startDate": _date(item.start),
              "endDate": _end_out(item), "summary": item.summary, "highlights": highlights}
    if item.kind == "volunteer":
        _unused(lost, item, "volunteer", ("location", "org_description"))
        return "volunteer", {"organization": item.org, **common}
    return "work", {"name": item.org, **common, "location": item.location,
                    "description": item.org_description}


def _project_out(item: Project, highlights: list[str], lost: Counter[str]) -> dict[str, Any]:
    """`contribution` and `outcome` lead the highlights (what other tools show) and are named
    again in `x-cvsite`, with the links when there is more than one website."""
    links = list(item.links.items())
    url = item.links.get("website") or (links[0][1] if links else None)
    extension = {"contribution": item.contribution, "outcome": item.outcome,
                 "links": item.links if item.links != {"website": url} else {},
                 "single_date": bool(item.date and not item.start) or None}
    if item.date and item.start:
        lost["projects.date beside a start"] += 1
    return {"name": item.title, "startDate": _date(item.start or item.date), "endDate": _date(item.end),
            "description": item.summary,
            "highlights": [t for t in (item.contribution, item.outcome) if t] + highlights,
            "url": url, "roles": item.roles, "entity": item.entity, "type": item.kind,
            "keywords": item.keywords or item.tags, "x-cvsite": extension}


_CONTRIBUTION_KEYS = {
    "award": "awards", "certificate": "certificates", "publication": "publications", "post": "publications",
}


def _contribution_out(item: Contribution, lost: Counter[str]) -> tuple[str, dict[str, Any]]:
    """Awards, certificates and publications have sections of their own (a post is a
    publication marked `x-cvsite: {kind: post}`); other kinds (talks, packages, pull
    requests) are projects whose `type` says what they are, marked
    `x-cvsite: {section: contributions}` so an import makes them contributions again."""
    key = _CONTRIBUTION_KEYS.get(item.kind)
    date = _date(item.date)
    if key == "awards":
        _unused(lost, item, "awards", ("url",))
        return key, {"title": item.title, "date": date, "awarder": item.where, "summary": item.summary}
    if key == "certificates":
        _unused(lost, item, "certificates", ("summary",))
        return key, {"name": item.title, "date": date, "issuer": item.where, "url": item.url}
    if key == "publications":
        marker = {"kind": item.kind} if item.kind == "post" else {}
        return key, {"name": item.title, "publisher": item.where, "releaseDate": date, "url": item.url,
                     "summary": item.summary, "x-cvsite": marker}
    return "projects", {"name": item.title, "startDate": date, "description": item.summary,
                        "url": item.url, "entity": item.where, "type": item.kind,
                        "x-cvsite": {"section": "contributions"}}


def _education_out(item: Education) -> dict[str, Any]:
    study_type = item.study_type or (None if item.area else item.degree)
    return {"institution": item.institution, "url": item.url, "area": item.area, "studyType": study_type,
            "startDate": _date(item.start), "endDate": _date(item.end), "score": item.score,
            "courses": item.courses}


def export_directory(directory: Path, slug: str | None = None) -> Export:
    """Load DIR and export its general profile, or the CV tailored for job `slug`."""
    if slug is None:
        return build_export(load_workspace(directory).profile)
    workspace = load_for_jobs(directory, (slug,))
    from cvsite.tailor import tailor

    return build_export(workspace.profile, tailor(workspace, slug))


def export_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_export(document: dict[str, Any], target: Path) -> None:
    try:
        target.write_text(export_text(document), encoding="utf-8")
    except OSError as exc:
        raise CvsiteError([Problem(str(target), 0, 0, "", f"cannot write: {exc.strerror or exc}")]) from None
