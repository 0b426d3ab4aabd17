"""LinkedIn import: a "Download your data" archive (zip or unzipped folder) as a profile directory.

The archive is a set of CSV files whose names, columns and quirks changed over
the years: a UTF-8 byte-order mark (or UTF-16 and tabs in old archives), quoted
descriptions with real line breaks or `•` bullets flattened onto one line, a
`Notes:` paragraph before some headers, `Mon YYYY` dates, an empty end date for a
current role, `[PERSONAL:https://…]` websites. Each file is read if present; a
row the profile cannot hold is reported and left out, never fatal, so the
result always loads and passes `cvsite check` without errors. The report names
every value that was not imported, and every file of the archive left unread.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cvsite.errors import CvsiteError, Problem
from cvsite.jsonresume import compact, profile_target, write_profile
from cvsite.model import ITEM_TYPES, SECTIONS, Contact, parse_date

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
"""The CSV files a CV needs are kilobytes; a data export with messages is a few megabytes."""

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})/(?:(\d{1,2})/)?(\d{4})$")
_BULLET = re.compile(r"\s*(?:^|\s)[•▪●◦‣]\s*|^\s*[-*]\s+", re.MULTILINE)
_WEBSITE = re.compile(r"([A-Z_]+)\s*:\s*(\S+?)(?=,[A-Z_]+\s*:|\]|$)")


@dataclass
class LinkedInReport:
    """What the import did: where each file went, and every value it did not import."""

    source: Path
    profile_file: Path
    mapped: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    def drop(self, where: str, why: str) -> None:
        self.dropped.append((where, why))

    def lines(self, verbose: int = 0) -> list[str]:
        out = [f"Imported {self.source} into {self.profile_file}"]
        if verbose >= 0:
            out += [f"  {source} -> {target}" for source, target in self.mapped]
        out += [f"warning: {where}: not imported: {why}" for where, why in self.dropped]
        return out


@cache
def _table() -> dict[str, Any]:
    return dict(yaml.safe_load((resources.files("cvsite") / "data" / "linkedin.yaml").read_text("utf-8")))


# --- Reading the archive ------------------------------------------------------------------------


def read_archive(source: Path) -> dict[str, bytes]:
    """The archive's files by name (`Positions.csv`), from a zip or an unzipped folder."""
    source = Path(source)
    if source.is_dir():
        return {path.name: path.read_bytes() for path in sorted(source.rglob("*"))
                if path.is_file() and path.stat().st_size <= MAX_ARCHIVE_BYTES}
    if not source.exists():
        raise CvsiteError([Problem(str(source), 0, 0, "", "file not found")])
    try:
        with zipfile.ZipFile(source) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_ARCHIVE_BYTES:
                limit = f"{MAX_ARCHIVE_BYTES // 2**20} MB"
                raise CvsiteError([Problem(str(source), 0, 0, "", f"archive is larger than {limit} "
                                           "unpacked; unzip it and pass the folder")])
            return {Path(m.filename).name: archive.read(m) for m in members}
    except (zipfile.BadZipFile, OSError) as exc:
        reason = "is not a zip archive or a folder" if isinstance(exc, zipfile.BadZipFile) else str(exc)
        raise CvsiteError([Problem(str(source), 0, 0, "", f"{reason}; pass LinkedIn's export "
                                   "(Basic_LinkedInDataExport_….zip) or the folder it unzips to")]) from None


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 as old archives wrote some files."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_rows(text: str) -> list[dict[str, str]]:
    """The rows of one CSV file, keyed by today's column names, with blank cells left out.

    Skips a `Notes:` paragraph before the header; reads tab-separated files too.
    """
    if text.lstrip().startswith("Notes:"):
        _, _, text = text.partition("\n\n")
        text = text.lstrip("\r\n")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    renamed = _table()["renamed_columns"]
    names = [renamed.get(name.strip(), name.strip()) for name in header]
    return [{name: cell.strip() for name, cell in zip(names, row, strict=False) if cell.strip()}
            for row in reader if any(cell.strip() for cell in row)]


def _key(name: str) -> str:
    """`Phone Numbers.csv` and `PhoneNumbers.csv` are the same file in different years."""
    return name.lower().replace(" ", "").replace("_", "")


# --- Values ---------------------------------------------------------------------------------------


def linkedin_date(value: str | None) -> str | None:
    """`Mar 2021`, `March 2021`, `Mar 5, 2021`, `2021`, `03/2021` -> `2021-03` (or `2021-03-05`).

    Raises ValueError for anything else, so the caller can say which cell it was.
    """
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return str(parse_date(value))
    match = _MONTH_YEAR.match(value)
    if match and match.group(1).lower() in _MONTHS:
        month, day, year = _MONTHS[match.group(1).lower()], match.group(2), match.group(3)
        return str(parse_date(f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")))
    match = _NUMERIC.match(value)
    if match:
        month, day, year = match.groups()
        return str(parse_date(f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")))
    raise ValueError(f"'{value}' is not a date LinkedIn writes (Mon YYYY, YYYY or Mon D, YYYY)")


def bullets(text: str | None) -> list[str]:
    """A description as highlights: one per line, and one per `•` bullet when LinkedIn
    flattened them onto one line."""
    if not text:
        return []
    parts = _BULLET.split(text.replace("\r\n", "\n"))
    return [" ".join(line.split()) for part in parts for line in part.split("\n") if line.strip()]


def web_address(value: str | None) -> str | None:
    """`example.com/me` -> `https://example.com/me`; None for what is not a web address."""
    if not value:
        return None
    value = value.strip()
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    try:
        Contact(website=value)
    except ValidationError:
        return None
    return value


def websites(value: str | None) -> list[tuple[str, str]]:
    """`[PERSONAL:https://a.example,BLOG:https://b.example]` -> [('personal', …), ('blog', …)]."""
    if not value:
        return []
    inner = value.strip().strip("[]")
    found = [(kind.lower(), url) for kind, url in _WEBSITE.findall(inner)]
    return found or [("personal", part.strip()) for part in inner.split(",") if part.strip()]


# --- The import -----------------------------------------------------------------------------------


@dataclass
class _Source:
    """The archive's readable files, and what the import has used of them."""

    files: dict[str, bytes]
    used: set[str] = field(default_factory=set)

    def rows(self, *names: str) -> tuple[str, list[dict[str, str]]]:
        wanted = {_key(name) for name in names}
        for name, raw in self.files.items():
            if _key(name) in wanted:
                self.used.add(name)
                return name, read_rows(decode(raw))
        return names[0], []


def import_linkedin(source: Path, out_dir: Path, force: bool = False) -> LinkedInReport:
    """Write OUT_DIR/profile.yaml (plus editor schemas and an empty jobs/) from a LinkedIn export."""
    files = read_archive(source)
    if not any(_key(name) == "profile.csv" for name in files):
        raise CvsiteError([Problem(str(source), 0, 0, "", "has no Profile.csv: is this LinkedIn's "
                                   "\"Download your data\" export?")])
    target = profile_target(out_dir, force)
    report = LinkedInReport(Path(source), target)
    archive = _Source(files)
    data = {**_basics(archive, report), **_sections(archive, report)}
    for name in sorted(set(files) - archive.used):
        if name.lower().endswith(".csv"):
            why = _table()["unread_files"].get(name, "nothing in it belongs on a CV")
            report.drop(name, why)
    write_profile(target, compact(data))
    return report


def _basics(archive: _Source, report: LinkedInReport) -> dict[str, Any]:
    name, rows = archive.rows("Profile.csv")
    row = rows[0] if rows else {}
    person = " ".join(p for p in (row.get("First Name"), row.get("Last Name")) if p)
    report.mapped.append((name, "name, headline, summary, location (Geo Location), contact"))
    _drop_columns(row, name, report)
    contact = _contact(archive, row, name, report)
    _, positions = archive.rows("Positions.csv")
    headline = row.get("Headline") or _latest_role(positions)
    if not row.get("Headline"):
        report.drop(f"{name}: Headline", f"empty; the headline is now '{headline}': write your own")
    return {"name": person or "Your Name", "headline": headline, "summary": row.get("Summary"),
            "location": row.get("Geo Location"), "contact": contact}


def _latest_role(positions: list[dict[str, str]]) -> str:
    if positions and positions[0].get("Title"):
        first = positions[0]
        return f"{first['Title']} at {first['Company Name']}" if first.get("Company Name") else first["Title"]
    return "Your headline"


def _drop_columns(row: dict[str, str], file: str, report: LinkedInReport) -> None:
    for column, why in _table()["dropped_columns"].items():
        if row.get(column):
            report.drop(f"{file}: {column}", why)


def _contact(archive: _Source, row: dict[str, str], file: str, report: LinkedInReport) -> dict[str, Any]:
    contact: dict[str, Any] = {}
    for kind, value in websites(row.get("Websites")):
        url = web_address(value)
        key = "website" if kind == "personal" and "website" not in contact else kind
        if url is None or key in contact:
            report.drop(f"{file}: Websites", f"'{value}' " + ("is not a web address" if url is None
                                                               else f"repeats {key}"))
        else:
            contact[key] = url
    for handle in re.findall(r"[\w]+", row.get("Twitter Handles", "")):
        contact.setdefault("twitter", f"https://twitter.com/{handle}")
    name, emails = archive.rows("Email Addresses.csv")
    primary = [e for e in emails if e.get("Primary", "").lower() == "yes"] or emails
    for entry in primary[:1]:
        try:
            Contact(email=entry.get("Email Address"))
            contact["email"] = entry.get("Email Address")
            report.mapped.append((name, "contact.email (the primary address)"))
        except ValidationError:
            report.drop(name, f"'{entry.get('Email Address')}' is not an e-mail address")
    name, phones = archive.rows("PhoneNumbers.csv", "Phone Numbers.csv")
    for entry in phones[:1]:
        if entry.get("Number"):
            contact["phone"] = entry["Number"]
            report.mapped.append((name, "contact.phone (the first number)"))
    return contact


def _sections(archive: _Source, report: LinkedInReport) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for file, section, convert, what in _FILES:
        name, rows = archive.rows(file)
        kept = 0
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            _drop_columns(row, name, report)
            item = _item(convert, row, section, f"{name} row {number}", report)
            if item is not None:
                sections[section].append(item)
                kept += 1
        if kept:
            report.mapped.append((f"{name} ({kept})", what))
    return sections


def _item(convert: Any, row: dict[str, str], section: str, where: str,
          report: LinkedInReport) -> dict[str, Any] | None:
    """One row as a profile item, or None (reported) when the profile cannot hold it."""
    try:
        item = compact(convert(row, where, report))
        ITEM_TYPES[section].model_validate(item)
    except ValidationError as exc:
        report.drop(where, f"{_reason(exc)}: {_describe(row)}")
        return None
    except ValueError as exc:
        report.drop(where, f"{exc}: {_describe(row)}")
        return None
    return item


def _reason(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field_name = ".".join(str(part) for part in error["loc"])
    message = "is empty" if error["type"] == "missing" else str(error["msg"]).removeprefix("Value error, ")
    return f"{field_name} {message}" if field_name else message


def _describe(row: dict[str, str]) -> str:
    first = next(iter(row.values()), "")
    return f"'{first[:60]}'"


def _dates(row: dict[str, str], where: str, report: LinkedInReport,
           start: str = "Started On", end: str = "Finished On") -> tuple[str | None, str | None]:
    out = []
    for column in (start, end):
        try:
            out.append(linkedin_date(row.get(column)))
        except ValueError as exc:
            report.drop(f"{where}: {column}", str(exc))
            out.append(None)
    return out[0], out[1]


def _position(row: dict[str, str], where: str, report: LinkedInReport,
              kind: str | None = None) -> dict[str, Any]:
    start, end = _dates(row, where, report)
    if start is None:
        raise ValueError("has no start date (Started On)")
    return {"role": row.get("Title") or row.get("Role"), "org": row.get("Company Name"), "kind": kind,
            "location": row.get("Location"), "start": start, "end": end or "present",
            "summary": f"Cause: {row['Cause']}" if row.get("Cause") else None,
            "highlights": bullets(row.get("Description"))}


def _volunteering(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    return _position(row, where, report, kind="volunteer")


def _education(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    start, end = _dates(row, where, report, "Started On", "Finished On")
    notes = [row.get("Notes"), f"Activities: {row['Activities']}" if row.get("Activities") else None]
    return {"degree": row.get("Degree Name") or "Studies", "institution": row.get("School Name"),
            "start": start, "end": end, "summary": "\n\n".join(n for n in notes if n) or None}


def _skill(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    return {"name": row.get("Name")}


def _project(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    start, end = _dates(row, where, report)
    lines = bullets(row.get("Description"))
    url = _url(row, where, report)
    return {"title": row.get("Title"), "summary": lines[0] if len(lines) == 1 else None,
            "highlights": lines if len(lines) > 1 else [], "start": start, "end": end,
            "links": {"website": url} if url else {}}


def _certification(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    date, _ = _dates(row, where, report)
    return {"kind": "certificate", "title": row.get("Name"), "where": row.get("Authority"), "date": date,
            "url": _url(row, where, report)}


def _publication(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    """LinkedIn keeps no authors: add them (and a DOI) to the publication by hand."""
    date, _ = _dates(row, where, report, "Published On", "-")
    return {"title": row.get("Name"), "venue": row.get("Publisher"), "date": date,
            "url": _url(row, where, report), "summary": row.get("Description")}


def _honor(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    date, _ = _dates(row, where, report, "Issued On", "-")
    return {"kind": "award", "title": row.get("Title"), "date": date, "summary": row.get("Description")}


def _language(row: dict[str, str], where: str, report: LinkedInReport) -> dict[str, Any]:
    return {"name": row.get("Name"), "level": row.get("Proficiency")}


def _url(row: dict[str, str], where: str, report: LinkedInReport) -> str | None:
    url = web_address(row.get("Url"))
    if row.get("Url") and url is None:
        report.drop(f"{where}: Url", f"'{row['Url']}' is not a web address")
    return url


_FILES = (
    ("Positions.csv", "experience", _position, "experience (description lines -> highlights)"),
    ("Volunteering.csv", "experience", _volunteering, "experience (kind: volunteer)"),
    ("Education.csv", "education", _education, "education"),
    ("Skills.csv", "skills", _skill, "skills"),
    ("Projects.csv", "projects", _project, "projects"),
    ("Certifications.csv", "contributions", _certification, "contributions (kind: certificate)"),
    ("Publications.csv", "publications", _publication,
     "publications (Publisher -> venue, Published On -> date; add the authors by hand)"),
    ("Honors.csv", "contributions", _honor, "contributions (kind: award)"),
    ("Languages.csv", "languages", _language, "languages"),
)
