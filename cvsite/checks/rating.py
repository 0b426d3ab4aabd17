"""`self-rating`: stars, bars, scores and percentages next to skills.

A hiring manager cannot calibrate "Python ★★★★☆" against anything; a project
that used Python says more. Language levels ("native", "C1") are a shared scale
and stay allowed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from cvsite.checks.common import Text, data_yaml, plain, profile_texts, warn_at
from cvsite.errors import Problem
from cvsite.loader import Workspace
from cvsite.model import SECTION_TYPES, Language, field_value

# Sections of short named items (skills, languages): where self-ratings are written.
_LISTS = tuple(section.name for section in SECTION_TYPES if section.layout == "list")

CODE = "self-rating"
_TABLE = "self_rating.yaml"


@functools.cache
def _glyph_run() -> re.Pattern[str]:
    glyphs = re.escape(data_yaml(_TABLE)["glyphs"])
    return re.compile(f"[{glyphs}](\\s?[{glyphs}])+")


@functools.cache
def _score() -> re.Pattern[str]:
    return re.compile(data_yaml(_TABLE)["scores"], re.IGNORECASE)


@functools.cache
def _level_word() -> re.Pattern[str]:
    levels = "|".join(re.escape(w) for w in sorted(data_yaml(_TABLE)["levels"], key=len, reverse=True))
    return re.compile(rf"(^|[(\-–—:,|/]\s*)({levels})\)?\s*$", re.IGNORECASE)


def check_self_rating(ws: Workspace) -> list[Problem]:
    problems = []
    for text, skill, is_language in _skill_fields(ws):
        found = _rating_in_field(text.text, allow_levels=is_language or text.field == "level")
        if found:
            problems.append(warn_at(ws, text, CODE, f"rates a skill ('{found}')", _advice(_bare(skill))))
    return problems + _ratings_in_prose(ws)


def _bare(name: str) -> str:
    """The skill's name without the rating written into it: "Python ★★★★☆" -> "Python"."""
    for pattern in (_glyph_run(), _score(), _level_word()):
        name = pattern.sub("", name)
    return name.strip(" ()[]-–—:,|/") or name


def _skill_fields(ws: Workspace) -> Iterator[tuple[Text, str, bool]]:
    """Each name, group, level and alias of skills and languages, with the skill it names."""
    file = ws.profile_file
    for section in _LISTS:
        for index, item in enumerate(ws.profile.section(section)):
            for key in ("name", "group", "level"):
                value = field_value(item, key)
                if value:
                    yield Text(file, (section, index, key), value), item.label(), isinstance(item, Language)
            for number, alias in enumerate(field_value(item, "aliases") or []):
                yield Text(file, (section, index, "aliases", number), alias), item.label(), False


def _rating_in_field(value: str, allow_levels: bool) -> str:
    """The rating written in a skill or language field, or ''."""
    for pattern in (_glyph_run(), _score()):
        match = pattern.search(value)
        if match:
            return match.group(0)
    if not allow_levels:
        match = _level_word().search(value)
        if match:
            return match.group(2)
    return ""


def _ratings_in_prose(ws: Workspace) -> list[Problem]:
    """In prose only glyph runs and a score right after a skill name count: "Python: 9/10"."""
    names = [name for name, _ in ws.profile.skill_names()]
    after_skill = re.compile(
        rf"\b({'|'.join(re.escape(n) for n in names)})\s*[:(\-–]\s*({_score().pattern})", re.IGNORECASE
    ) if names else None
    problems = []
    for text in profile_texts(ws):
        if text.loc[0] in _LISTS:
            continue
        prose = plain(text.text)
        glyphs = _glyph_run().search(prose)
        scored = after_skill.search(prose) if after_skill else None
        if glyphs or scored:
            found = glyphs.group(0) if glyphs else scored.group(0)  # type: ignore[union-attr]
            skill = scored.group(1) if scored else "it"
            problems.append(warn_at(ws, text, CODE, f"rates a skill ('{found}')", _advice(skill)))
    return problems


def _advice(skill: str) -> str:
    return str(data_yaml(_TABLE)["suggestion"]).format(skill=skill)
