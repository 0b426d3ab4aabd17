"""What every check needs: the texts of a workspace with their positions, and a warning maker.

Checks are small pure functions `Workspace -> list[Problem]`. They read the
profile and job files through `all_texts` (prose and names, typed) and
`strings` (every string value), so each warning names the file, line and field
path the same way validation errors do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from cvsite.errors import Problem, format_path
from cvsite.loader import Workspace, items
from cvsite.model import Experience
from cvsite.yamlsource import Loc, YamlDocument

PROSE = "prose"
NAME = "name"


@dataclass(frozen=True)
class Text:
    """One string of the input, where it sits, and whether it is prose or a name."""

    file: str
    loc: Loc
    text: str
    kind: str = PROSE

    @property
    def field(self) -> str:
        """The last named part of the path: `summary`, `highlights`, `title`..."""
        return next((str(p) for p in reversed(self.loc) if isinstance(p, str)), "")


def warning(ws: Workspace, file: str, loc: Loc, code: str, message: str, suggestion: str) -> Problem:
    """A warning at `loc` in `file`, positioned like a validation error."""
    doc = ws.documents.get(file)
    line, column = doc.where(loc) if doc else (1, 1)
    return Problem(file, line, column, format_path(loc), message, code=code, suggestion=suggestion)


def warn_at(ws: Workspace, text: Text, code: str, message: str, suggestion: str) -> Problem:
    """A warning about one text, at the text's own position."""
    return warning(ws, text.file, text.loc, code, message, suggestion)


_PROFILE_PROSE = ("headline", "pitch", "summary")
_ITEM_PROSE = ("summary", "contribution", "outcome")
_ITEM_NAMES = ("role", "org", "title", "where", "degree", "institution", "name", "group", "level",
               "location")
_JOB_PROSE = ("headline", "pitch", "note")


def profile_texts(ws: Workspace) -> Iterator[Text]:
    """Every prose field and name field of profile.yaml, in file order."""
    profile, file = ws.profile, ws.profile_file
    for key in _PROFILE_PROSE:
        value = getattr(profile, key)
        if value:
            yield Text(file, (key,), value, PROSE)
    if profile.location:
        yield Text(file, ("location",), profile.location, NAME)
    for section, index, item in items(ws.profile):
        for key in _ITEM_NAMES:
            value = getattr(item, key, None)
            if isinstance(value, str) and value:
                yield Text(file, (section, index, key), value, NAME)
        for key in _ITEM_PROSE:
            value = getattr(item, key, None)
            if value:
                yield Text(file, (section, index, key), value, PROSE)
        if isinstance(item, Experience):
            for number, highlight in enumerate(item.highlights):
                yield Text(file, highlight_loc(ws, section, index, number), highlight.text, PROSE)


def job_texts(ws: Workspace) -> Iterator[Text]:
    """The prose a user writes in job files (not the posting: that is the company's text)."""
    for slug, job in sorted(ws.jobs.items()):
        for key in _JOB_PROSE:
            value = getattr(job, key)
            if value:
                yield Text(ws.job_file(slug), (key,), value, PROSE)


def all_texts(ws: Workspace, kind: str | None = None) -> list[Text]:
    texts = [*profile_texts(ws), *job_texts(ws)]
    return [t for t in texts if kind is None or t.kind == kind]


def highlight_loc(ws: Workspace, section: str, index: int, number: int) -> Loc:
    """A highlight is a string or a `{text, tags}` mapping; point at its text either way."""
    doc = ws.documents.get(ws.profile_file)
    loc: Loc = (section, index, "highlights", number)
    if doc and (*loc, "text") in doc.positions:
        return (*loc, "text")
    return loc


def strings(doc: YamlDocument, skip: tuple[str, ...] = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in a YAML document with its path (top-level keys in `skip` left out)."""

    def walk(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
        if isinstance(value, dict):
            for key, child in value.items():
                if loc or key not in skip:
                    yield from walk(child, (*loc, str(key)))
        elif isinstance(value, list):
            for number, child in enumerate(value):
                yield from walk(child, (*loc, number))
        elif isinstance(value, str):
            yield loc, value

    yield from walk(doc.data, ())


_CODE_SPAN = re.compile(r"`[^`]*`")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_URL = re.compile(r"\b(?:https?://|www\.|mailto:)[^\s)>\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_HTML = re.compile(r"<[^>\n]+>")
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|‘[^’\n]*’|(?<!\w)'[^'\n]+'(?!\w)")


def without_code(text: str) -> str:
    """Markdown without its `code spans`, which hold code, not prose."""
    return _CODE_SPAN.sub(" ", text)


def plain(text: str) -> str:
    """Prose without markup: code spans, link targets, URLs, e-mail addresses and HTML tags go,
    link texts stay. Removed spans become spaces so words on either side stay apart."""
    text = _CODE_SPAN.sub(" ", text)
    text = _LINK.sub(lambda m: f" {m.group(1)} ", text)
    for pattern in (_URL, _EMAIL, _HTML):
        text = pattern.sub(" ", text)
    return text


def unquoted(text: str) -> str:
    """Prose without quoted titles or link texts: "How we cut costs" is a title, not a claim."""
    return _QUOTED.sub(" ", plain(_LINK.sub(" ", without_code(text))))


def markdown_links(text: str) -> list[str]:
    """The targets of `[label](target)` links in a markdown text."""
    return [m.group(2) for m in _LINK.finditer(text)]


def words(text: str) -> int:
    """How many words a reader sees: a long URL in a link counts as none."""
    return len(plain(text).split())


@functools.cache
def data_text(name: str) -> str:
    """A data file shipped in cvsite/data (tables that change live there, not in code)."""
    return resources.files("cvsite").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def data_yaml(name: str) -> Any:
    """A YAML table from cvsite/data, parsed once."""
    return yaml.safe_load(data_text(name))


def data_lines(name: str) -> list[str]:
    """Non-empty lines of a word-list data file; lines starting with '#' are comments."""
    lines = (line.strip() for line in data_text(name).splitlines())
    return [line for line in lines if line and not line.startswith("#")]
