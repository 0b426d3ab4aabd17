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

Sections are read from their declaration (`cvsite.model.SECTION_TYPES`): a section
with an exporter and importer of its own here (`_EXPORTERS`, `_IMPORTERS`) uses
them; any other travels by its `jsonresume` list and `jsonresume_fields`
(`generic_entry`, `generic_item`), or, without a list, whole in
`meta.x-cvsite.sections`. Either way an entry's `x-cvsite` holds exactly what its
JSON Resume values would not bring back on import, found by reading the entry back.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import urlparse

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.loader import assign_ids, load_for_jobs, load_workspace
from cvsite.model import (
    CONTRIBUTION_KINDS,
    SECTION,
    SECTION_TYPES,
    SECTIONS,
    Contact,
    Contribution,
    Date,
    Education,
    EndDate,
    Experience,
    Item,
    Model,
    PartialDate,
    Period,
    Profile,
    Project,
    SectionType,
    Skill,
    Text,
    Url,
    field_value,
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
EXTENSION = "x-cvsite"
FLAGS = ("section", "unset", "single_date")
"""Keys of an entry's `x-cvsite` that say how to read the entry rather than give a field of
its item: the section it belongs to when its list is another section's, the fields its
JSON Resume values set that the item leaves `unset`, and on a project, `single_date`
(its `startDate` is its one `date`). No section's model may have a field of these names."""


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


class JrSkill(_Part):
    name: Text
    level: str | None = None
    keywords: Words = Field(default_factory=list)


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
    their 1.x names, and keys the schema does not define, left out.

    `extensions` holds each entry's `x-cvsite` (and `meta`'s), taken out before the
    document is checked against JSON Resume: it carries profile fields, which the
    import checks against the profile's models, at their JSON path in `source`.
    """

    resume: JsonResume
    unknown: list[Problem]
    source: str = ""
    positions: YamlDocument | None = None
    extensions: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def problem(self, loc: tuple[Any, ...], message: str) -> Problem:
        return _at(self.positions, self.source, loc, message)


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
    extensions = _take_extensions(data)
    try:
        return Reading(JsonResume.model_validate(data), unknown, name, doc, extensions)
    except ValidationError as exc:
        extra = [error for error in exc.errors() if error["type"] == "extra_forbidden"]
        unknown += [_problem(error, name, doc) for error in extra]
        if len(extra) < exc.error_count():
            raise _invalid(exc, name, doc) from None
    for error in extra:
        _remove(data, tuple(error["loc"]))
    try:
        resume = JsonResume.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, name, doc) from None
    return Reading(resume, sorted(unknown, key=lambda p: (p.line, p.column)), name, doc, extensions)


def _take_extensions(data: dict[str, Any]) -> dict[tuple[Any, ...], Any]:
    """Take `x-cvsite` out of every entry of the lists that hold profile items, and out of
    `meta`, by location: {("projects", 0): {...}, ("meta",): {...}}."""
    found: dict[tuple[Any, ...], Any] = {}
    places = [(("meta",), data.get("meta"))]
    for name in _ENTRY_LISTS:
        value = data.get(name)
        places += [((name, i), entry) for i, entry in enumerate(value)] if isinstance(value, list) else []
    for loc, place in places:
        if isinstance(place, dict) and EXTENSION in place:
            found[loc] = place.pop(EXTENSION)
    return found


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
    write_profile(target, profile_data(reading, report))
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


def profile_data(reading: Reading, report: ImportReport) -> dict[str, Any]:
    """The profile.yaml content for a JSON Resume document, recording every mapping in `report`.

    Raises CvsiteError when an `x-cvsite` block gives a value the profile cannot hold."""
    resume = reading.resume
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
        **_sections(reading, report),
        **_profile_lists(resume, report),
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


def _profile_lists(resume: JsonResume, report: ImportReport) -> dict[str, Any]:
    """Interests, references and `meta`: profile fields kept for export, not sections."""
    data: dict[str, Any] = {
        "interests": [{"name": i.name, "keywords": i.keywords} for i in resume.interests],
        "references": [{"name": r.name, "reference": r.reference} for r in resume.references],
    }
    for key in ("interests", "references"):
        if getattr(resume, key):
            report.mapped.append((f"$.{key} ({len(getattr(resume, key))})", key))
    m = resume.meta
    if m and m.model_dump(exclude_none=True):
        data["meta"] = {"canonical": m.canonical, "version": m.version, "last_modified": m.lastModified}
        report.mapped.append(("$.meta (1)", "meta"))
    return data


def _sections(reading: Reading, report: ImportReport) -> dict[str, list[dict[str, Any]]]:
    """Every entry of the document's lists as an item of the section it belongs to (the one
    its `x-cvsite` names, else its list's), then the sections kept in `meta.x-cvsite`."""
    importing = _Importing(reading, report)
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    said: Counter[tuple[str, str]] = Counter()
    for list_name in _ENTRY_LISTS:
        for index, entry in enumerate(getattr(reading.resume, list_name)):
            found = importing.entry(list_name, index, entry)
            if found:
                sections[found[0]] += found[1]
                said[(list_name, found[0])] += 1
    report.mapped += [(f"$.{list_name} ({count})", _says(list_name, target))
                      for (list_name, target), count in said.items()]
    importing.kept_sections(sections)
    if importing.errors:
        raise CvsiteError(sorted(importing.errors, key=lambda p: (p.line, p.column)))
    return sections


@dataclass
class _Importing:
    """One import under way: its `x-cvsite` blocks checked against the profile's models, an
    unknown key a warning (left out), a bad value an error at its JSON path."""

    reading: Reading
    report: ImportReport
    errors: list[Problem] = field(default_factory=list)

    def warn(self, loc: tuple[Any, ...], message: str) -> None:
        self.report.unknown.append(self.reading.problem(loc, message))

    def fail(self, loc: tuple[Any, ...], message: str) -> None:
        self.errors.append(self.reading.problem(loc, message))

    def entry(self, list_name: str, index: int, entry: BaseModel) -> tuple[str, list[dict[str, Any]]] | None:
        """The section an entry belongs to and its items there; None when its `x-cvsite` is bad."""
        loc = (list_name, index)
        extension = self.extension(loc)
        target = self.target(list_name, loc, extension) if extension is not None else None
        if extension is None or target is None:
            return None
        section = SECTION[target]
        importer = _IMPORTERS.get((list_name, target))
        mapped = section.jsonresume_fields if section.jsonresume == list_name else {}
        if importer is None:
            written = compact(entry.model_dump(by_alias=True))
            for key in written.keys() - mapped.keys():
                self.report.no_home.append((json_path((*loc, key)), f"{target} has no field for it"))
            items = [generic_item(section, written if mapped else {}, extension)]
        else:
            items = importer.convert(entry, extension)
        at = _located(loc, extension, {ours: theirs for theirs, ours in mapped.items()})
        valid = [self.valid(section, item, at) for item in items]
        return target, [item for item in valid if item is not None]

    def kept_sections(self, sections: dict[str, list[dict[str, Any]]]) -> None:
        """`meta.x-cvsite.sections`: the items of sections JSON Resume has no list for."""
        extension = self.extension(("meta",)) or {}
        for key in extension.keys() - {"sections"}:
            self.warn(("meta", EXTENSION, key), f"unknown key '{key}'{did_you_mean(key, ['sections'])}; "
                                                 "not imported")
        where = ("meta", EXTENSION, "sections")
        kept = extension.get("sections", {})
        if not isinstance(kept, dict):
            self.fail(where, f"expected an object, got {_kind(kept)}")
            return
        for name, items in kept.items():
            if name not in SECTION:
                self.warn((*where, name), f"no section '{name}'{did_you_mean(name, SECTIONS)}; not imported")
            elif not isinstance(items, list):
                self.fail((*where, name), f"expected a list, got {_kind(items)}")
            else:
                valid = [self.valid(SECTION[name], item, _located((*where, name, i), {}, {}))
                         for i, item in enumerate(items)]
                sections[name] += [item for item in valid if item is not None]
                self.report.mapped.append((f"$.meta.{EXTENSION}.sections.{name} ({len(items)})", name))

    def extension(self, loc: tuple[Any, ...]) -> dict[str, Any] | None:
        """The `x-cvsite` at `loc`, blank values left out; None (an error) when it is not an object."""
        value = self.reading.extensions.get(loc, {})
        if not isinstance(value, dict):
            self.fail((*loc, EXTENSION), f"expected an object, got {_kind(value)}")
            return None
        return {key: item for key, item in value.items() if not _blank(item)}

    def target(self, list_name: str, loc: tuple[Any, ...], extension: dict[str, Any]) -> str | None:
        named = extension.get("section")
        if named is None:
            return _default_target(list_name, extension)
        if named in SECTION:
            return str(named)
        self.fail((*loc, EXTENSION, "section"), f"no section '{named}'{did_you_mean(str(named), SECTIONS)}")
        return None

    def valid(self, section: SectionType, item: Any, at: _Locate) -> dict[str, Any] | None:
        """`item` as `section` holds it, or None when a value is bad."""
        if not isinstance(item, dict):
            self.fail(at(()), f"expected an object, got {_kind(item)}")
            return None
        data = compact(item)
        try:
            section.model.model_validate(data)
            return data
        except ValidationError as exc:
            unknown = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden" and e["loc"]]
        for key in unknown:
            data.pop(key)
            self.warn(at((key,)), f"unknown key '{key}'{did_you_mean(key, section.model.model_fields)}; "
                                  "not imported")
        try:
            section.model.model_validate(data)
            return data
        except ValidationError as exc:
            for error in exc.errors():
                where = at(tuple(error["loc"]))
                self.fail(where, _message(error, where))
            return None


_Locate = Callable[[tuple[Any, ...]], tuple[Any, ...]]


def _located(loc: tuple[Any, ...], extension: dict[str, Any], renamed: dict[str, str]) -> _Locate:
    """Where in the document a field of the item read from the entry at `loc` came from: its
    `x-cvsite`, or the JSON Resume field `renamed` maps it from."""
    def at(path: tuple[Any, ...]) -> tuple[Any, ...]:
        if not path:
            return loc
        key, *rest = path
        return (*loc, EXTENSION, *path) if key in extension else (*loc, renamed.get(key, key), *rest)

    return at


def _default_target(list_name: str, extension: dict[str, Any]) -> str | None:
    """The section of an entry whose `x-cvsite` names none: its list's. Before publications
    had a section, cvsite marked a post exported to `publications` with `{kind: post}`
    and no section: a `kind` there still makes the entry a contribution."""
    if list_name == "publications" and "kind" in extension:
        return "contributions"
    return _owner(list_name)


def _owner(list_name: str | None) -> str | None:
    """The section a JSON Resume list's unmarked entries belong to: the first one declaring
    it as its `jsonresume` list, else the one an importer of ours reads it into."""
    declared = [section.name for section in SECTION_TYPES if section.jsonresume == list_name]
    read = [target for source, target in _IMPORTERS if source == list_name]
    return (declared or read or [None])[0]


def _with_extension(data: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """An item read from its entry's JSON Resume values, with what `x-cvsite` adds: the item's
    fields those values do not bring back, and the ones they bring that it leaves `unset`."""
    unset = extension.get("unset")
    unset = unset if isinstance(unset, list) else []
    fields = {key: value for key, value in extension.items() if key not in FLAGS}
    return {key: value for key, value in {**data, **fields}.items() if key not in unset}


def generic_item(section: SectionType, entry: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """An item of a section without an importer of its own, from its JSON Resume entry: the
    fields `jsonresume_fields` maps, and the rest from its `x-cvsite` (`generic_entry` reversed)."""
    mapped = {ours: entry[theirs] for theirs, ours in section.jsonresume_fields.items() if theirs in entry}
    return _with_extension(mapped, extension)


def _says(list_name: str, target: str) -> str:
    """How the report names where a list's entries went."""
    importer = _IMPORTERS.get((list_name, target))
    if importer is not None:
        return importer.says
    section = SECTION[target]
    renamed = [f"{theirs} -> {ours}" for theirs, ours in section.jsonresume_fields.items()
               if theirs != ours and section.jsonresume == list_name]
    return f"{target} ({', '.join(renamed)})" if renamed else target


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


def _project(p: JrProject, extension: dict[str, Any]) -> list[dict[str, Any]]:
    """The export writes a project's `contribution` and `outcome` first in `highlights` too,
    and marks a `startDate` that is the project's one `date` as `single_date`."""
    highlights = list(p.highlights)
    for said in (extension.get("contribution"), extension.get("outcome")):
        if said and highlights and highlights[0] == said:
            highlights.pop(0)
    when = "date" if extension.get("single_date") else "start"
    return [_with_extension({
        "title": p.name, "kind": p.type, "entity": p.entity, "roles": p.roles, when: p.startDate,
        "end": p.endDate, "summary": p.description, "highlights": highlights, "links": {"website": p.url},
        "keywords": p.keywords, "tags": _tags(p.keywords)}, extension)]


def _contribution(p: JrProject) -> dict[str, Any]:
    """A project the export marked as a contribution (a talk, package, pull request…)."""
    kind = p.type if p.type in CONTRIBUTION_KINDS else "other"
    return {"kind": kind, "title": p.name, "where": p.entity, "date": p.startDate, "url": p.url,
            "summary": p.description}


def _skills(group: JrSkill, extension: dict[str, Any]) -> list[dict[str, Any]]:
    """`{name: Backend, keywords: [Go, Python]}` is the group Backend of the skills Go and
    Python; an entry without keywords is one skill. Its `x-cvsite` gives each skill's other
    fields by name: `{aliases: {Go: [golang]}, tags: {Go: [go]}}`."""
    by_skill = {key: values for key, values in extension.items()
                if key not in FLAGS and isinstance(values, dict)}
    skills = [{"name": name, "group": group.name, "level": group.level} for name in group.keywords] \
        or [{"name": group.name, "level": group.level}]
    for skill in skills:
        name = skill["name"]
        skill.update({key: values[name] for key, values in by_skill.items() if name in values})
    return skills


def _education(e: JrEducation) -> dict[str, Any]:
    degree = f"{e.studyType} in {e.area}" if e.studyType and e.area else e.studyType or e.area
    return {"degree": degree, "institution": e.institution, "study_type": e.studyType, "area": e.area,
            "start": e.startDate, "end": e.endDate, "score": e.score, "courses": e.courses, "url": e.url}


def _award(a: JrAward) -> dict[str, Any]:
    return {"kind": "award", "title": a.title, "where": a.awarder, "date": a.date, "summary": a.summary}


def _certificate(c: JrCertificate) -> dict[str, Any]:
    return {"kind": "certificate", "title": c.name, "where": c.issuer, "date": c.date, "url": c.url}


def _publication(p: JrPublication) -> dict[str, Any]:
    """A publication the export marked as a contribution (its `kind`, publication or post, in `x-cvsite`)."""
    return {"kind": "publication", "title": p.name, "where": p.publisher, "date": p.releaseDate,
            "url": p.url, "summary": p.summary}


_Convert = Callable[[Any, dict[str, Any]], list[dict[str, Any]]]


def _one(convert: Callable[[Any], dict[str, Any]]) -> _Convert:
    """An importer of one item per entry: its JSON Resume values, then what `x-cvsite` adds."""
    return lambda entry, extension: [_with_extension(convert(entry), extension)]


@dataclass(frozen=True)
class _Importer:
    """How entries of one JSON Resume list become items of one section, and how the report says it."""

    convert: _Convert
    says: str


_IMPORTERS: dict[tuple[str, str], _Importer] = {
    ("work", "experience"): _Importer(_one(_work), "experience (no endDate: end: present)"),
    ("volunteer", "experience"): _Importer(_one(_volunteer), "experience (kind: volunteer)"),
    ("education", "education"): _Importer(_one(_education), "education"),
    ("awards", "contributions"): _Importer(_one(_award), "contributions (kind: award)"),
    ("certificates", "contributions"): _Importer(_one(_certificate), "contributions (kind: certificate)"),
    ("publications", "contributions"): _Importer(
        _one(_publication), "contributions (x-cvsite section: contributions; kind: publication or post)"),
    ("skills", "skills"): _Importer(_skills, "skills (each keyword a skill in the group `name`)"),
    ("languages", "languages"): _Importer(
        _one(lambda lang: {"name": lang.language, "level": lang.fluency}), "languages"),
    ("projects", "projects"): _Importer(
        _project, "projects (url -> links.website; keywords -> keywords and tags)"),
    ("projects", "contributions"): _Importer(
        _one(_contribution), "contributions (x-cvsite section: contributions; kind from type)"),
}
"""The sections' own importers, by (JSON Resume list, section); any other pair (a section
declared with `jsonresume_fields`, such as publications) is read by `generic_item`."""

_ENTRY_LISTS: tuple[str, ...] = tuple(name for name in JsonResume.model_fields if _owner(name))
"""JSON Resume's lists that hold profile items, in the document's order."""
_ENTRY_MODELS: dict[str, type[BaseModel]] = {
    name: model for name in _ENTRY_LISTS if (model := _model_in(JsonResume.model_fields[name].annotation))}


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
    """`export_jsonresume`, plus which profile fields had no place (for the command to say so).

    Each section's items go to its JSON Resume list (its own exporter may route some
    elsewhere); a section without a list is kept whole in `meta.x-cvsite.sections`,
    since JSON Resume allows extra keys in `meta` and on items but not at the top level.
    """
    person = cv.person if cv else profile
    basics = {
        "name": person.name, "label": person.headline, "image": profile.image,
        "email": person.contact.email, "phone": person.contact.phone, "url": person.contact.website,
        "summary": person.summary, "location": _location_out(profile, person.location),
        "profiles": _profiles_out(person.contact),
    }
    document: dict[str, Any] = {"$schema": SCHEMA_URL, "basics": basics}
    kept: dict[str, list[dict[str, Any]]] = {}
    for section, entries in _sections_out(profile, cv):
        if section.name not in _EXPORTERS and section.jsonresume is None:
            kept[section.name] = [generic_entry(section, entry.item)[EXTENSION] for entry in entries]
            continue
        for key, value in _EXPORTERS.get(section.name, _generic_out)(section, entries):
            document.setdefault(key, []).append(value)
    document["interests"] = [{"name": i.name, "keywords": i.keywords} for i in profile.interests]
    document["references"] = [{"name": r.name, "reference": r.reference} for r in profile.references]
    m = profile.meta
    document["meta"] = {"canonical": m.canonical, "version": m.version, "lastModified": m.last_modified,
                        EXTENSION: {"sections": kept}} if m else {EXTENSION: {"sections": kept}}
    notes = ["pitch: no JSON Resume field"] if person.pitch else []
    return Export(compact(document), notes)


def _sections_out(profile: Profile, cv: TailoredCV | None) -> list[tuple[SectionType, list[_Entry]]]:
    """Each section's items to export, in the CV's order when there is one."""
    derived = _derived_ids(profile)
    if cv is None:
        return [(section, [_entry(item, field_value(item, "highlights") or [], derived)
                           for item in profile.section(section.name)]) for section in SECTION_TYPES]
    return [(SECTION[section.name], [_entry(ranked.item, ranked.highlights, derived)
                                     for ranked in section.items]) for section in cv.sections]


def _entry(item: Item, highlights: Any, derived: set[str]) -> _Entry:
    """An item without the id the loader derives from its label (an import derives it again),
    so only ids written by hand travel."""
    return _Entry(item.model_copy(update={"id": None}) if item.id in derived else item,
                  [h.text for h in highlights])


def _derived_ids(profile: Profile) -> set[str]:
    bare = profile.model_copy(deep=True)
    for name in SECTIONS:
        for item in bare.section(name):
            item.id = None
    assign_ids(bare)
    pairs = ((item, again) for name in SECTIONS
             for item, again in zip(profile.section(name), bare.section(name), strict=True))
    return {str(item.id) for item, again in pairs if item.id == again.id}


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


def _fields(item: Item) -> dict[str, Any]:
    """An item's fields as profile.yaml would write them: dates as text, nothing left at its default."""
    return compact(item.model_dump(mode="json", exclude_defaults=True))


def generic_entry(section: SectionType, item: Item) -> dict[str, Any]:
    """An item of a section without an exporter of its own, as an entry of its JSON Resume list:
    the fields `jsonresume_fields` maps, under JSON Resume's names, and every other field in
    `x-cvsite`. For a section without a list (`jsonresume=None`) the entry is all `x-cvsite`."""
    fields = _fields(item)
    entry = {theirs: fields[ours] for theirs, ours in section.jsonresume_fields.items() if ours in fields}
    return _finished(section, item, section.jsonresume, entry)[1]


def _finished(section: SectionType, item: Item, key: str | None,
              entry: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The entry with its whole `x-cvsite`: the section it belongs to when its list is another
    section's, the exporter's own flags, every field of the item its JSON Resume values would
    not bring back on import, and as `unset` the fields they would bring that the item lacks."""
    flags = compact(entry.get(EXTENSION, {}))
    fields = _fields(item)
    back = _read_back(section, key, {**entry, EXTENSION: flags})
    rest = {name: value for name, value in fields.items() if back.get(name) != value}
    unset = [name for name in back if name not in fields]
    marker = {"section": section.name} if key and _owner(key) != section.name else {}
    return key, {**entry, EXTENSION: {**marker, **flags, **rest, **({"unset": unset} if unset else {})}}


def _read_back(section: SectionType, key: str | None, entry: dict[str, Any]) -> dict[str, Any]:
    """The fields an import makes of an exported entry, written as `_fields` writes an item's."""
    extension = entry.get(EXTENSION, {})
    written = compact({name: value for name, value in entry.items() if name != EXTENSION})
    importer = _IMPORTERS.get((key, section.name)) if key else None
    if importer is None:
        data = generic_item(section, written if key == section.jsonresume else {}, extension)
    else:
        data = importer.convert(_ENTRY_MODELS[key].model_validate(written), extension)[0]
    try:
        return _fields(section.model.model_validate(compact(data)))
    except ValidationError:  # a mapping that leaves out a required field: the rest is in x-cvsite
        return compact(data)


_SectionExport = Callable[[SectionType, list[_Entry]], list[tuple[str, dict[str, Any]]]]


def _generic_out(section: SectionType, entries: list[_Entry]) -> list[tuple[str, dict[str, Any]]]:
    return [(str(section.jsonresume), generic_entry(section, entry.item)) for entry in entries]


def _each(convert: Callable[[Any, list[str]], tuple[str, dict[str, Any]]]) -> _SectionExport:
    """A section's own exporter of one entry per item (`convert` gives its list and entry,
    with the flags its importer reads in `x-cvsite`); `_finished` adds the rest."""
    def export(section: SectionType, entries: list[_Entry]) -> list[tuple[str, dict[str, Any]]]:
        out = [_finished(section, entry.item, *convert(entry.item, entry.highlights)) for entry in entries]
        return [(str(key), value) for key, value in out]

    return export


def _skills_out(section: SectionType, entries: list[_Entry]) -> list[tuple[str, dict[str, Any]]]:
    """Skills as JSON Resume's groups: each run of skills sharing a group and a level is one
    `{name: group, level, keywords: [skills]}`; a skill without a group is an entry of its own.
    Runs, not whole groups, so the order of the skills comes back on import. `x-cvsite` gives
    each skill's other fields by skill: `{aliases: {Go: [golang]}, tags: {Go: [go]}}`."""
    runs: list[list[Skill]] = []
    for skill in cast(list[Skill], [entry.item for entry in entries]):
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
        extension: dict[str, dict[str, Any]] = {}
        for skill in run:
            for name, value in _fields(skill).items():
                if name not in ("name", "group", "level"):
                    extension.setdefault(name, {})[skill.name] = value
        out.append(("skills", {**entry, EXTENSION: extension}))
    return out


def _end_out(item: Experience) -> str | None:
    """No endDate is a current role in JSON Resume; a role without an end (a single date in
    cvsite) ends as it starts."""
    if item.end == "present":
        return None
    return _date(item.end) if item.end is not None else _date(item.start)


def _experience_out(item: Experience, highlights: list[str]) -> tuple[str, dict[str, Any]]:
    common = {"position": item.role, "url": item.url, "startDate": _date(item.start),
              "endDate": _end_out(item), "summary": item.summary, "highlights": highlights}
    if item.kind == "volunteer":
        return "volunteer", {"organization": item.org, **common}
    return "work", {"name": item.org, **common, "location": item.location,
                    "description": item.org_description}


def _project_out(item: Project, highlights: list[str]) -> tuple[str, dict[str, Any]]:
    """`contribution` and `outcome` lead the highlights (what other tools show) and are named
    again in `x-cvsite`, with `single_date` when `startDate` is the project's one `date`."""
    links = list(item.links.items())
    url = item.links.get("website") or (links[0][1] if links else None)
    flags = {"contribution": item.contribution, "outcome": item.outcome,
             "single_date": bool(item.date and not item.start) or None}
    return "projects", {
        "name": item.title, "startDate": _date(item.start or item.date), "endDate": _date(item.end),
        "description": item.summary,
        "highlights": [t for t in (item.contribution, item.outcome) if t] + highlights,
        "url": url, "roles": item.roles, "entity": item.entity, "type": item.kind,
        "keywords": item.keywords or item.tags, EXTENSION: flags}


_CONTRIBUTION_KEYS = {
    "award": "awards", "certificate": "certificates", "publication": "publications", "post": "publications",
}


def _contribution_out(item: Contribution) -> tuple[str, dict[str, Any]]:
    """Awards, certificates and publications (posts too) have lists of their own; other kinds
    (talks, packages, pull requests) are projects whose `type` says what they are. Where the
    list is another section's, `x-cvsite` names the section, so an import makes them
    contributions again."""
    key = _CONTRIBUTION_KEYS.get(item.kind, "projects")
    date = _date(item.date)
    if key == "awards":
        return key, {"title": item.title, "date": date, "awarder": item.where, "summary": item.summary}
    if key == "certificates":
        return key, {"name": item.title, "date": date, "issuer": item.where, "url": item.url}
    if key == "publications":
        return key, {"name": item.title, "publisher": item.where, "releaseDate": date, "url": item.url,
                     "summary": item.summary}
    return key, {"name": item.title, "startDate": date, "description": item.summary,
                 "url": item.url, "entity": item.where, "type": item.kind}


def _education_out(item: Education) -> tuple[str, dict[str, Any]]:
    study_type = item.study_type or (None if item.area else item.degree)
    return "education", {
        "institution": item.institution, "url": item.url, "area": item.area, "studyType": study_type,
        "startDate": _date(item.start), "endDate": _date(item.end), "score": item.score,
        "courses": item.courses}


_EXPORTERS: dict[str, _SectionExport] = {
    "experience": _each(_experience_out),
    "projects": _each(_project_out),
    "contributions": _each(lambda item, _: _contribution_out(item)),
    "skills": _skills_out,
    "education": _each(lambda item, _: _education_out(item)),
    "languages": _each(lambda item, _: ("languages", {"language": item.name, "fluency": item.level})),
}
"""The sections' own exporters, by section name; any other section is written by
`generic_entry` from its declaration."""


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
