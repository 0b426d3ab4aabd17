"""The profile and job schema: one declarative definition of fields, defaults and types.

Pydantic validates the data, and the JSON Schema shipped for editors is
generated from these classes (see `cvsite.schema`), so the two never drift.
Checks that span several fields or files (end before start, duplicate ids,
posting files) live in `cvsite.validate`, which knows file positions.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

CONTRIBUTION_KINDS = (
    "talk", "post", "pull-request", "publication", "package", "award", "certificate", "other",
)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date with optional month and day: `2021`, `2021-04` or `2021-04-17`."""

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("a date must be written YYYY, YYYY-MM or YYYY-MM-DD")
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    if match.group(2) is not None and not 1 <= month <= 12:
        raise ValueError(f"'{value}' has no month {month}; months run 01 to 12")
    if match.group(3) is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"'{value}' is not a real day ({calendar.month_name[month]} has {last})")
    return PartialDate(year, month, day)


def parse_day(value: Any) -> PartialDate:
    """A full date, for deadlines: `2026-03` would leave the last day unclear."""
    day = parse_date(value)
    if day.precision != "day":
        raise ValueError(f"'{value}' needs a day; write YYYY-MM-DD")
    return day


def parse_end(value: Any) -> PartialDate | str:
    if isinstance(value, str) and value.strip().lower() in {"present", "now", "current"}:
        return "present"
    return parse_date(value)


_DATE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        {"type": "integer", "minimum": 1000, "maximum": 9999},
    ],
    "description": "YYYY, YYYY-MM or YYYY-MM-DD",
}

Date = Annotated[
    PartialDate,
    BeforeValidator(parse_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_DATE_SCHEMA),
]
EndDate = Annotated[
    PartialDate | Literal["present"],
    BeforeValidator(parse_end),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"anyOf": [*_DATE_SCHEMA["anyOf"], {"const": "present"}],
                    "description": "YYYY, YYYY-MM, YYYY-MM-DD or 'present'"}),
]


def kebab(text: str) -> str:
    """Normalise a tag: case-insensitive, kebab-case ("Machine Learning" -> machine-learning).

    Characters that carry meaning in skill names (C++, C#, .NET, Node.js) are kept.
    """
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = re.sub(r"[\s_/]+", "-", text)
    text = re.sub(r"[^\w+#.\-]", "", text)
    return re.sub(r"-{2,}", "-", text).strip("-")


def _nonempty_tag(value: str) -> str:
    tag = kebab(value)
    if not tag:
        raise ValueError(f"'{value}' is not a usable tag")
    return tag


Tag = Annotated[str, AfterValidator(_nonempty_tag)]
Text = Annotated[str, Field(min_length=1)]
Markdown = Annotated[str, Field(description="Markdown text")]

_URL = re.compile(r"^(https?://[^\s/$.?#][^\s]*|mailto:[^\s@]+@[^\s@]+)$", re.IGNORECASE)


def _check_url(value: str) -> str:
    value = value.strip()
    if not _URL.match(value):
        raise ValueError(f"'{value}' is not a web address; write it as https://…")
    return value


Url = Annotated[str, AfterValidator(_check_url), Field(description="An http(s) URL")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=False)


def _ends_before(end: PartialDate, start: PartialDate) -> bool:
    """Compare at the coarser precision: `2021` does not end before `2021-06`."""
    if not end.month or not start.month:
        return end.year < start.year
    if not end.day or not start.day:
        return (end.year, end.month) < (start.year, start.month)
    return end < start


class Period(BaseModel):
    """Mixin for items with a start and an end; rejects an end before the start."""

    @model_validator(mode="after")
    def _end_after_start(self) -> Period:
        start, end = getattr(self, "start", None), getattr(self, "end", None)
        if isinstance(start, PartialDate) and isinstance(end, PartialDate) and _ends_before(end, start):
            raise PydanticCustomError(
                "end_before_start", "ends ({end}) before it starts ({start})",
                {"end": str(end), "start": str(start)},
            )
        return self


class Item(Model):
    """Fields every list item shares: a stable id and tags for tailoring."""

    id: str | None = Field(None, description="Unique id; derived from the title when omitted")
    tags: list[Tag] = Field(default_factory=list)
    ignore_checks: list[str] = Field(
        default_factory=list, description="`cvsite check` codes to silence for this item only"
    )

    def label(self) -> str:
        """How the item is named in reports; each kind of item says it best."""
        return self.id or type(self).__name__

    @property
    def link(self) -> str | None:
        """Where the item's title links: its `url`, if its kind has one."""
        url = field_value(self, "url")
        return url if isinstance(url, str) else None


def field_value(item: BaseModel, name: str) -> Any:
    """A field's value, or None for a kind of item without that field. Code that reads
    a field every kind may lack uses this: a missed attribute on a pydantic model takes
    its slow path (tens of microseconds), which adds up over thousands of items."""
    return item.__dict__.get(name)


class Contact(Model):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    __pydantic_extra__: dict[str, Url] = Field(init=False)

    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    phone: str | None = None
    website: Url | None = None
    github: str | None = Field(None, description="GitHub user name or profile URL")
    linkedin: str | None = Field(None, description="LinkedIn profile name or URL")


class Highlight(Model):
    text: Text
    tags: list[Tag] = Field(default_factory=list)


def _highlight(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


HighlightIn = Annotated[
    Highlight,
    BeforeValidator(_highlight),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, Highlight.model_json_schema()]}),
]


class Experience(Item, Period):
    role: Text
    org: Text
    start: Date
    end: EndDate | None = None
    location: str | None = None
    url: Url | None = None
    summary: Markdown | None = None
    highlights: list[HighlightIn] = Field(default_factory=list)
    kind: Literal["work", "volunteer"] = "work"
    org_description: str | None = Field(None, description="What the organisation does, e.g. 'Online grocer'")

    def label(self) -> str:
        return f"{self.role}, {self.org}"


class Project(Item, Period):
    title: Text
    summary: Markdown | None = None
    contribution: Markdown | None = Field(None, description="What you personally did")
    outcome: Markdown | None = Field(None, description="What came of it: numbers, users, results")
    links: dict[str, Url] = Field(default_factory=dict)
    date: Date | None = None
    start: Date | None = None
    end: EndDate | None = None
    featured: bool = False
    highlights: list[HighlightIn] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list, description="Your roles, e.g. 'Team lead'")
    entity: str | None = Field(None, description="Who the project was for or with")
    kind: str | None = Field(None, description="What sort of project: application, talk, library…")
    keywords: list[str] = Field(default_factory=list, description="Keywords as written; `tags` tailor")

    def label(self) -> str:
        return self.title


class Contribution(Item):
    kind: Literal[CONTRIBUTION_KINDS] = "other"  # type: ignore[valid-type]
    title: Text
    where: str | None = None
    url: Url | None = None
    date: Date | None = None
    summary: Markdown | None = None

    def label(self) -> str:
        return self.title


class Education(Item, Period):
    degree: Text
    institution: Text
    start: Date | None = None
    end: EndDate | None = None
    location: str | None = None
    summary: Markdown | None = None
    url: Url | None = None
    area: str | None = Field(None, description="Field of study, e.g. 'Computer Science'")
    study_type: str | None = Field(None, description="Kind of degree, e.g. 'Bachelor'")
    score: str | None = Field(None, description="Grade or GPA")
    courses: list[str] = Field(default_factory=list)

    def label(self) -> str:
        return f"{self.degree}, {self.institution}"


class Skill(Item):
    name: Text
    aliases: list[str] = Field(default_factory=list)
    group: str | None = None
    level: str | None = Field(None, description="Free text such as 'advanced'")

    def label(self) -> str:
        return self.name


class Language(Item):
    name: Text
    level: str | None = Field(None, description="Free text such as 'native' or 'C1'")

    def label(self) -> str:
        return self.name


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def _doi(value: Any) -> Any:
    """`10.1145/…`, `doi:10.1145/…` or `https://doi.org/10.1145/…`: stored bare."""
    if not isinstance(value, str):
        return value
    bare = re.sub(r"^(doi:\s*|https?://(dx\.)?doi\.org/)", "", value.strip(), flags=re.IGNORECASE)
    if not _DOI.match(bare):
        raise ValueError(f"'{value}' is not a DOI; write it as 10.1234/…")
    return bare


Doi = Annotated[str, BeforeValidator(_doi), Field(description="A DOI such as 10.1145/3292500.3330701")]


class Publication(Item):
    title: Text
    authors: list[str] = Field(
        default_factory=list, description="Authors as printed; the one matching your `name` is set in bold")
    venue: str | None = Field(None, description="Journal, conference, publisher or preprint server")
    date: Date | None = None
    doi: Doi | None = None
    url: Url | None = Field(None, description="Where to read it; default: the DOI's address")
    summary: Markdown | None = None

    def label(self) -> str:
        return self.title

    @property
    def link(self) -> str | None:
        """Where the title links: the given URL, else the DOI's resolver address."""
        return self.url or (f"https://doi.org/{self.doi}" if self.doi else None)

    def byline(self, me: str) -> list[tuple[str, bool]]:
        """The authors, each with whether it is `me` (written in full, or as initials and
        surname: "M. Wiśniewska", "Wiśniewska, M.")."""
        return [(author, _same_person(author, me)) for author in self.authors]


def _same_person(author: str, me: str) -> bool:
    def parts(name: str) -> list[str]:
        if "," in name:
            surname, _, given = name.partition(",")
            name = f"{given} {surname}"
        return [p.strip(".").casefold() for p in name.split() if p.strip(".")]

    theirs, mine = parts(author), parts(me)
    if not theirs or not mine or theirs[-1] != mine[-1]:
        return False
    return all(a == b or (len(a) == 1 and b.startswith(a)) for a, b in zip(theirs[:-1], mine, strict=False))


@dataclass(frozen=True)
class SectionType:
    """One kind of profile section, declared once in `SECTION_TYPES`: everything that
    handles sections (the profile schema, tailoring, page fitting, checks, templates,
    the Word and text CVs, JSON Resume) reads it instead of naming sections itself.

    name: the key in profile.yaml, the locale's label key (`sections.<name>`), the
        template partial (`sections/<name>.html`) and the `data-key` prefix.
    layout: "entries" are items a reader counts (a role, a paper), each a heading,
        a date line and prose; "list" items are short lines or chips (skills).
    dates: how its items are dated, for the consistency check: "timeline" (periods a
        reader compares line by line, so all written at one precision), "events"
        (single dates that vary by kind), or None.
    title, text: the fields tailoring searches, at the `title` and `text` weights of
        data/scoring.yaml (tags and highlights are searched for every section).
    heading, meta: the fields that make an entry's heading ("Role · Org · Place")
        and its line of facts (before the dates), for renderers without a partial of
        their own (the generic partial, the Word and text CVs).
    keep: page fitting: "all" keeps every entry while anything less relevant can
        go; a number keeps that many top items until last; 0 lets any go.
    details: parts of an entry fitting may cut on their own: (part, how a report names it).
    chronological: its items are shown newest first whatever their scores (a timeline
        is read in order), and an item without an `end` is current.
    evidence: its bullets that match a job may lead that job's page and PDF ("Most
        relevant for this role").
    vocabulary: its items are the skills tailoring matches against: each is also
        excluded by its own name, and those a job matches are the CV's matched
        skills (set in bold, and the PDF's keywords).
    jsonld: the schema.org `Person` property the page's JSON-LD lists its items' names
        under (`knowsAbout`), if any.
    jsonresume: the JSON Resume list its items export to and import from (the
        exporters of `cvsite.jsonresume` may route some kinds elsewhere); None keeps
        them in the document's `meta.x-cvsite.sections`.
    jsonresume_fields: for a section without an exporter of its own, {JSON Resume
        field: our field}; every other field travels in the entry's `x-cvsite`.
    """

    name: str
    model: type[Item]
    description: str
    layout: Literal["entries", "list"] = "entries"
    dates: Literal["timeline", "events"] | None = "events"
    title: tuple[str, ...] = ("title",)
    text: tuple[str, ...] = ("summary",)
    heading: tuple[str, ...] = ("title",)
    meta: tuple[str, ...] = ()
    keep: Literal["all"] | int = 0
    details: tuple[tuple[str, str], ...] = ()
    chronological: bool = False
    evidence: bool = False
    vocabulary: bool = False
    jsonld: str | None = None
    jsonresume: str | None = None
    jsonresume_fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def singular(self) -> str:
        """How reports name one item: "project", "experience"."""
        return self.name[:-1] if self.name.endswith("s") else self.name


SECTION_TYPES: tuple[SectionType, ...] = (
    SectionType(
        "experience", Experience, "Jobs and volunteer roles", dates="timeline",
        title=("role", "org"), text=("summary", "org_description"),
        heading=("role", "org", "location"), keep="all",
        details=(("summary", "context line"),), chronological=True, evidence=True, jsonresume="work"),
    SectionType(
        "projects", Project, "Projects: what you built, what you did in it, what came of it",
        text=("summary", "contribution", "outcome", "entity", "keywords", "roles"),
        meta=("kind", "entity", "roles"), details=(("did", "contribution and outcome"),),
        jsonresume="projects"),
    SectionType(
        "contributions", Contribution, "Talks, posts, pull requests, packages, awards, certificates",
        text=("summary", "where"), meta=("kind", "where"), details=(("summary", "summary"),),
        jsonresume="awards"),
    SectionType(
        "skills", Skill, "Skills, each with optional aliases and a group", layout="list", dates=None,
        title=("name", "aliases"), text=("group",), heading=("name",), keep=8, vocabulary=True,
        jsonld="knowsAbout", jsonresume="skills"),
    SectionType(
        "education", Education, "Degrees and schools", dates="timeline",
        title=("degree", "institution"), text=("summary", "area", "courses"),
        heading=("degree", "institution", "location"), keep="all",
        details=(("summary", "summary"),), jsonresume="education"),
    SectionType(
        "publications", Publication, "Papers, articles, books and theses, with authors, venue and DOI",
        text=("summary", "venue"), meta=("authors", "venue"), details=(("summary", "summary"),),
        jsonresume="publications", jsonresume_fields={
            "name": "title", "publisher": "venue", "releaseDate": "date", "url": "url",
            "summary": "summary"}),
    SectionType(
        "languages", Language, "Languages you speak", layout="list", dates=None,
        title=("name",), text=(), heading=("name",), meta=("level",), keep=3, jsonld="knowsLanguage",
        jsonresume="languages"),
)
"""The profile's sections, in the conventional order a tailored CV shows them (experience
first, as recruiters read). To add one, see ARCHITECTURE.md, "Adding a section"."""

SECTIONS: tuple[str, ...] = tuple(section.name for section in SECTION_TYPES)
SECTION: dict[str, SectionType] = {section.name: section for section in SECTION_TYPES}
ITEM_TYPES: dict[str, type[Item]] = {section.name: section.model for section in SECTION_TYPES}


Weight = Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False)]
"""A tag weight: finite and bounded, so scores stay numbers that sort."""
Paper = Literal["a4", "letter"]
SectionName = Literal[SECTIONS]  # type: ignore[valid-type]
# How the sections of a tailored CV are ordered (items within each are always by relevance):
# "conventional" keeps the order a recruiter expects (experience first), "relevance" puts
# the section with the strongest matches first.
SectionOrder = Literal["conventional", "relevance"]
LimitKey = Literal[(*SECTIONS, "highlights")]  # type: ignore[valid-type]


class PdfOptions(Model):
    paper: Paper | None = None
    max_pages: Annotated[int, Field(ge=1, le=20)] | None = None


class Outputs(Model):
    """Which documents besides the page and the PDF CV to build; unset means yes.

    A job's value wins over the profile's, key by key.
    """

    docx: bool | None = Field(None, description="The CV as a Word file (.docx)")
    txt: bool | None = Field(None, description="The CV as plain text (.txt), for pasting into forms")
    letter_pdf: bool | None = Field(None, description="The cover letter as a PDF (jobs with a `letter`)")

    def merged(self, override: Outputs) -> Outputs:
        """These settings with `override`'s explicit values on top."""
        return Outputs(**{**self.model_dump(exclude_none=True), **override.model_dump(exclude_none=True)})


class ChecksOptions(Model):
    ignore: list[str] = Field(default_factory=list, description="Check codes to silence")
    words: list[str] = Field(default_factory=list, description="Extra words the spell check accepts")


class Address(Model):
    """Postal address parts: kept for export, never shown on the page (`location` is)."""

    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    region: str | None = None
    country_code: str | None = None


class Interest(Model):
    name: Text
    keywords: list[str] = Field(default_factory=list)


class Reference(Model):
    name: Text
    reference: Markdown | None = None


class ResumeMeta(Model):
    """The `meta` block of an imported JSON Resume, written back on export."""

    canonical: str | None = None
    version: str | None = None
    last_modified: str | None = None


class _ProfileFields(Model):
    """profile.yaml's own fields; `Profile` adds one list per section of `SECTION_TYPES`."""

    schema_: str | None = Field(None, alias="$schema")
    name: Text
    headline: Text
    pitch: str | None = Field(None, description="One line above the fold: why read on")
    location: str | None = None
    summary: Markdown | None = None
    contact: Contact = Field(default_factory=Contact)
    image: str | None = Field(None, description="Photo URL kept from an import; never shown (invites bias)")
    address: Address | None = Field(None, description="Postal address kept for export; pages show `location`")
    interests: list[Interest] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    aliases: dict[str, str] = Field(default_factory=dict, description="Your synonyms: {term: canonical}")
    theme: str = "modern"
    language: str = Field("en", description="Locale of labels and dates (en, de)")
    pdf: PdfOptions = Field(default_factory=PdfOptions)
    section_order: SectionOrder = Field(
        "conventional", description="Order of a job's sections: conventional (experience first) or "
                                    "relevance (strongest section first); items are ranked either way")
    outputs: Outputs = Field(default_factory=Outputs)
    base_url: Url | None = Field(None, description="Public URL of the site, for canonical links")
    domain: str | None = Field(None, description="Custom domain; written to CNAME")
    checks: ChecksOptions = Field(default_factory=ChecksOptions)
    meta: ResumeMeta | None = Field(None, description="JSON Resume `meta`, kept for export")

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    def section(self, name: str) -> list[Item]:
        return list(getattr(self, name))

    def skill_names(self) -> list[tuple[str, list[str]]]:
        """(name, aliases) of the items of the `vocabulary` sections: the skills tailoring knows."""
        return [(item.label(), list(getattr(item, "aliases", [])))
                for section in SECTION_TYPES if section.vocabulary for item in self.section(section.name)]


Profile = create_model(  # type: ignore[call-overload]
    "Profile",
    __base__=_ProfileFields,
    __doc__="profile.yaml: everything about you, written once.",
    __module__=__name__,
    **{section.name: (list[section.model], Field(default_factory=list, description=section.description))
       for section in SECTION_TYPES},
)


Status = Literal["draft", "applied", "interviewing", "offer", "rejected", "withdrawn"]
"""Where an application stands, in the order it usually moves. `draft`: not sent yet;
`rejected` and `withdrawn` close it; see `cvsite.applications` for how each sorts."""
STATUSES: tuple[str, ...] = get_args(Status)

Day = Annotated[
    PartialDate,
    BeforeValidator(parse_day),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}),
]


class ApplicationContact(Model):
    """Who to write to about an application. Private: never published."""

    name: str | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    url: Url | None = None


def _contact(value: Any) -> Any:
    """`contact: Jane Doe`, `contact: jane@acme.com` or `contact: https://…` as a shorthand."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if "@" in value and " " not in value:
        return {"email": value.removeprefix("mailto:")}
    if re.match(r"^https?://", value, re.IGNORECASE):
        return {"url": value}
    return {"name": value}


class Job(Model):
    """jobs/<slug>.yaml: one application.

    The fields in `APPLICATION_FIELDS` track the application itself (status, dates,
    who to contact, private notes): they are for `cvsite jobs` and `check` only and
    are stripped by `public()` before anything is rendered, so no template can leak them.
    """

    schema_: str | None = Field(None, alias="$schema")
    company: Text
    role: Text
    posting: str | None = Field(None, description="The job ad: inline text or a file in jobs/")
    url: Url | None = Field(None, description="Where the job was advertised")
    tags: dict[Tag, Weight] = Field(default_factory=dict, description="{tag: weight}")
    exclude: list[Tag] = Field(default_factory=list)
    limit: dict[LimitKey, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="{section: max items}; `highlights` caps bullets per role"
    )
    sections: list[SectionName] | None = Field(None, description="Sections pinned first, in this order")
    section_order: SectionOrder | None = Field(
        None, description="conventional (experience first) or relevance (strongest section first); "
                          "default: the profile's")
    headline: str | None = None
    pitch: str | None = None
    note: Markdown | None = None
    # The loader replaces a file name with the file's text, so every later stage reads the letter itself.
    letter: Markdown | None = Field(
        None, description="The cover letter: Markdown inline, or the name of a .md/.txt file in jobs/")
    greeting: str | None = Field(None, description="The letter's opening line; default from the language")
    sign_off: str | None = Field(None, description="The letter's closing line; default from the language")
    letter_date: Date | None = Field(None, description="The date on the letter; default: the day it is built")
    pdf: PdfOptions = Field(default_factory=PdfOptions)
    outputs: Outputs = Field(default_factory=Outputs)
    theme: str | None = None
    language: str | None = None
    listed: bool = False
    status: Status = Field("draft", description="Where the application stands: " + ", ".join(STATUSES))
    applied: Day | None = Field(None, description="When you sent it (YYYY-MM-DD)")
    deadline: Day | None = Field(None, description="Last day to apply (YYYY-MM-DD)")
    contact: Annotated[ApplicationContact, BeforeValidator(_contact)] | None = Field(
        None, description="Recruiter or hiring manager: a name, an email, a URL, or {name, email, url}"
    )
    source: Url | None = Field(None, description="Where you found the posting")
    private_notes: str | None = Field(None, description="Your own notes; never published")

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    def public(self) -> Job:
        """This job without its application fields: what renderers may see."""
        return self.model_copy(update=dict.fromkeys(APPLICATION_FIELDS))


APPLICATION_FIELDS = ("status", "applied", "deadline", "contact", "source", "private_notes")
"""Job fields about the application, not the CV: never published, never exported."""

