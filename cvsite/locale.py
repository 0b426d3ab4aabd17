"""Labels, interface strings and date formats for the language of a page or PDF.

The words live in data files (`cvsite/data/locales/<code>.yaml`) so a new
language is a new file, not new code. Every locale file must define every key
the English one does; `load_locale` refuses a file with gaps rather than
printing a raw key on a recruiter's screen.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from cvsite.errors import CvsiteError, did_you_mean
from cvsite.model import PartialDate

_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
_REFERENCE = "en"


@dataclass(frozen=True)
class Locale:
    """One language's words and date formats; see `load_locale`."""

    code: str
    data: dict[str, Any]

    def section(self, name: str) -> str:
        """Heading of a CV section (projects, experience, …)."""
        return str(self.data["sections"].get(name, name.replace("-", " ").capitalize()))

    def kind(self, name: str) -> str:
        """Label of a contribution kind (talk, post, pull-request, …)."""
        return str(self.data["contribution_kinds"].get(name, self.data["contribution_kinds"]["other"]))

    def text(self, key: str, **values: object) -> str:
        """An interface string with its {placeholders} filled in."""
        return str(self.data["ui"][key]).format(**values)

    def raw(self, key: str) -> str:
        """An interface string with its placeholders left in (e.g. for CSS counters)."""
        return str(self.data["ui"][key])

    def month(self, number: int) -> str:
        return str(self.data["months"][number - 1])

    def date(self, value: PartialDate | str | None) -> str:
        """`2021-04` → "Apr 2021" (English) or "Apr. 2021" (German); `present` → "present"."""
        if value is None:
            return ""
        if isinstance(value, str):
            return self.text("present") if value == "present" else value
        if not value.month:
            return str(value.year)
        return str(self.data["date"]["month"]).format(month=self.month(value.month), year=value.year)

    def long_date(self, value: datetime.date) -> str:
        """A full date as a letter carries it: "2 December 2026", "2. Dezember 2026"."""
        month = str(self.data["months_long"][value.month - 1])
        return str(self.data["date"]["day"]).format(day=value.day, month=month, year=value.year)

    def date_range(
        self, start: PartialDate | None, end: PartialDate | str | None = None
    ) -> str:
        """"Apr 2021 – present"; a single date when start and end read the same."""
        first, last = self.date(start), self.date(end)
        if not first or not last or first == last:
            return first or last
        return str(self.data["date"]["range"]).format(start=first, end=last)


def available_locales() -> list[str]:
    """Codes of the shipped locales, e.g. ['de', 'en']."""
    folder = resources.files("cvsite") / "data" / "locales"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_locale(code: str) -> Locale:
    """The locale for a language code ("en", "de"); CvsiteError naming the choices otherwise."""
    key = str(code).strip().lower()
    known = available_locales()
    if not _CODE.match(key) or key not in known:
        raise CvsiteError(
            f"unknown language '{code}'{did_you_mean(key, known)}; available: {', '.join(known)}"
        )
    return _load(key)


@cache
def _load(code: str) -> Locale:
    data = _read(code)
    if code != _REFERENCE:
        missing = _missing_keys(_read(_REFERENCE), data)
        if missing:
            raise CvsiteError(f"locale '{code}' lacks {', '.join(missing)}")
    return Locale(code, data)


def _read(code: str) -> dict[str, Any]:
    text = (resources.files("cvsite") / "data" / "locales" / f"{code}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or len(data.get("months", [])) != 12:
        raise CvsiteError(f"locale '{code}' is malformed: expected a mapping with 12 months")
    return data


def _missing_keys(reference: dict[str, Any], data: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys present in the reference locale but absent from `data`."""
    missing = []
    for key, value in reference.items():
        if key not in data:
            missing.append(prefix + key)
        elif isinstance(value, dict) and isinstance(data[key], dict):
            missing += _missing_keys(value, data[key], f"{prefix}{key}.")
    return missing
