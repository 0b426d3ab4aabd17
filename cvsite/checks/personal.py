"""`personal-data`: details that say nothing about the work (and that many countries forbid asking for)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from cvsite.checks.common import Text, data_yaml, warn_at, warning
from cvsite.errors import Problem
from cvsite.loader import Workspace, items

CODE = "personal-data"
_TABLE = "personal_data.yaml"


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(p["what"], re.compile(p["regex"], re.IGNORECASE)) for p in data_yaml(_TABLE)["patterns"]]


def check_personal_data(ws: Workspace) -> list[Problem]:
    problems = []
    advice = data_yaml(_TABLE)["suggestion"]
    for text in _personal_texts(ws):
        for what, pattern in _patterns():
            match = pattern.search(text.text)
            if match:
                problems.append(warn_at(ws, text, CODE, f"mentions {what} ('{match.group(0).strip()}')",
                                        advice))
    return problems + _photos(ws, advice)


def _personal_texts(ws: Workspace) -> Iterator[Text]:
    """Where people write personal details: the top of the profile, contact and locations."""
    profile, file = ws.profile, ws.profile_file
    for key in ("headline", "pitch", "summary", "location"):
        value = getattr(profile, key)
        if value:
            yield Text(file, (key,), value)
    for key, value in profile.contact.model_dump(exclude_none=True).items():
        if isinstance(value, str):
            yield Text(file, ("contact", key), value)
    for section, index, item in items(ws.profile):
        location = getattr(item, "location", None)
        if location:
            yield Text(file, (section, index, "location"), location)


def _photos(ws: Workspace, advice: str) -> list[Problem]:
    """A photo invites judgement on looks; the contact block is where one sneaks in."""
    table = data_yaml(_TABLE)
    problems = []
    for key, value in ws.profile.contact.model_dump(exclude_none=True).items():
        is_photo = key.lower() in table["photo_keys"] or (
            isinstance(value, str) and value.lower().split("?")[0].endswith(tuple(table["photo_extensions"]))
        )
        if is_photo:
            problems.append(warning(ws, ws.profile_file, ("contact", key), CODE, "links a photo", advice))
    return problems
