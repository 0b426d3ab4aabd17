"""`consistency`: what looks careless once printed side by side.

Mixed date precision in one section, unpadded months, two full-time roles at
once, bullets too long for a two-second scan, and the same link given twice.
(An end before its start is a validation error, reported before any check.)
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from cvsite.checks.common import Text, data_yaml, highlight_loc, strings, warn_at, warning, words
from cvsite.errors import Problem, format_path
from cvsite.loader import Workspace, items
from cvsite.model import SECTION_TYPES, Experience, PartialDate
from cvsite.yamlsource import Loc

CODE = "consistency"
_TABLE = "consistency.yaml"
_DATED = {section.name: section.dates for section in SECTION_TYPES if section.dates}
_DATE_KEYS = ("start", "end", "date")
_UNPADDED = re.compile(r"^\d{4}-(\d)(?:-\d{1,2})?$|^\d{4}-\d{2}-(\d)$")
_PRECISION_STYLE = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}


def check_consistency(ws: Workspace) -> list[Problem]:
    return [*_date_styles(ws), *_overlaps(ws), *_long_bullets(ws), *_repeated_links(ws)]


def _dates(ws: Workspace, section: str) -> list[tuple[Loc, PartialDate]]:
    found = []
    for index, item in enumerate(ws.profile.section(section)):
        for key in _DATE_KEYS:
            value = getattr(item, key, None)
            if isinstance(value, PartialDate):
                found.append(((section, index, key), value))
    return found


def _date_styles(ws: Workspace) -> list[Problem]:
    """Within a section, dates written at a precision the others don't use, or months without a 0."""
    problems = []
    doc = ws.documents.get(ws.profile_file)
    for section in _DATED:
        dates = _dates(ws, section)
        same = _DATED[section] == "timeline"
        counts = Counter(date.precision for _, date in dates if same)
        usual = max(counts, key=lambda p: (counts[p], p == "month")) if counts else ""
        for loc, date in dates:
            raw = _raw(doc.data if doc else None, loc)
            if raw and _UNPADDED.match(raw):
                problems.append(warning(ws, ws.profile_file, loc, CODE, f"date '{raw}' is written "
                                        "without a leading zero", f"write it as {date}"))
            elif len(counts) > 1 and date.precision != usual:
                problems.append(warning(
                    ws, ws.profile_file, loc, CODE,
                    f"date '{date}' is written as {_PRECISION_STYLE[date.precision]}, other "
                    f"{section} dates as {_PRECISION_STYLE[usual]}",
                    f"write every {section} date as {_PRECISION_STYLE[usual]}"))
    return problems


def _raw(data: object, loc: Loc) -> str:
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return ""
    return str(data) if data is not None else ""


def _overlaps(ws: Workspace) -> list[Problem]:
    """Two full-time roles at once puzzle a reader; only certain overlaps count."""
    roles = [(loc, job) for loc, job in _roles(ws) if _full_time(job)]
    allowed = int(data_yaml(_TABLE)["overlap_months"])
    problems = []
    for later_pos, (loc, job) in enumerate(roles):
        for _, other in roles[:later_pos]:
            months = _overlap_months(job, other)
            if months > allowed:
                problems.append(warning(
                    ws, ws.profile_file, (*loc, "start"), CODE,
                    f"'{job.label()}' overlaps '{other.label()}' by {months} months",
                    "fix the dates, or say it was part-time (e.g. a `part-time` tag) "
                    "if you held both at once"))
    return problems


def _roles(ws: Workspace) -> list[tuple[tuple[str, int], Experience]]:
    """Every role with its (section, index) in profile.yaml."""
    return [((section, index), item)
            for section, index, item in items(ws.profile) if isinstance(item, Experience)]


def _full_time(job: Experience) -> bool:
    words = [w.lower() for w in data_yaml(_TABLE)["not_full_time"]]
    text = " ".join([job.role, job.org, *job.tags]).lower().replace("-", " ")
    return not any(re.search(rf"\b{re.escape(w.replace('-', ' '))}\b", text) for w in words)


def _month_index(date: PartialDate, latest: bool) -> int:
    """Months since year 0; a year-only date is its January or December, as `latest` asks."""
    month = date.month or (12 if latest else 1)
    return date.year * 12 + month - 1


def _overlap_months(a: Experience, b: Experience) -> int:
    """Months both roles certainly ran: from the latest possible start to the earliest possible end."""
    def span(job: Experience) -> tuple[int, int]:
        start = _month_index(job.start, latest=True)
        end = _month_index(job.end, latest=False) if isinstance(job.end, PartialDate) else 10**6
        return start, end

    (a_start, a_end), (b_start, b_end) = span(a), span(b)
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _long_bullets(ws: Workspace) -> list[Problem]:
    limit = int(data_yaml(_TABLE)["max_bullet_words"])
    problems = []
    for (section, index), job in _roles(ws):
        for number, highlight in enumerate(job.highlights):
            count = words(highlight.text)
            if count > limit:
                text = Text(ws.profile_file, highlight_loc(ws, section, index, number), highlight.text)
                problems.append(warn_at(ws, text, CODE, f"bullet has {count} words; a reader "
                                        "scans it in two seconds", f"cut it to {limit} words or fewer, "
                                        "or split it in two"))
    return problems


def _repeated_links(ws: Workspace) -> list[Problem]:
    """The same address twice in one section, or a contact link again elsewhere: one of them
    should point somewhere more specific. A project linking the post that is also listed under
    contributions is a cross-reference, not a repeat."""
    doc = ws.documents.get(ws.profile_file)
    if doc is None:
        return []
    seen: dict[str, list[Loc]] = {}
    problems = []
    for loc, value in strings(doc, skip=("$schema", "base_url")):
        if not re.match(r"^https?://\S+$", value.strip(), re.IGNORECASE):
            continue
        earlier = [other for other in seen.setdefault(_normal_url(value), []) if _repeat(other, loc)]
        if earlier:
            problems.append(warning(ws, ws.profile_file, loc, CODE,
                                    f"the same link is given twice (also at {format_path(earlier[0])})",
                                    "link each item to its own page, or drop the repeat"))
        seen[_normal_url(value)].append(loc)
    return problems


def _repeat(first: Loc, again: Loc) -> bool:
    return first[0] == again[0] or "contact" in (first[0], again[0])


def _normal_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"
