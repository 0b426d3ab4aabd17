"""Checks that span items or files, which the per-item model cannot express."""

from __future__ import annotations

from collections import Counter

from cvsite.errors import Problem, did_you_mean
from cvsite.model import ITEM_TYPES, Job, Profile
from cvsite.themes import available_themes
from cvsite.yamlsource import YamlDocument


def check_profile(doc: YamlDocument) -> list[Problem]:
    """Cross-item checks. They read the raw document, so they run (and report) even
    when the profile has other errors: all problems are listed in one pass."""
    return duplicate_ids(doc) + unknown_theme(doc)


def unknown_theme(doc: YamlDocument) -> list[Problem]:
    """A theme names a discovered theme (`cvsite themes`); anything else (a typo, `../../etc`, an
    absolute path) is reported here, with its line, instead of failing later in the build."""
    data = doc.data if isinstance(doc.data, dict) else {}
    name = data.get("theme")
    known = available_themes()
    if not isinstance(name, str) or name.strip() in known:
        return []
    hint = did_you_mean(name, known) or f" (available: {', '.join(known)})"
    return [doc.problem(("theme",), "theme", f"unknown theme '{name}'{hint}")]


def duplicate_ids(doc: YamlDocument) -> list[Problem]:
    """Explicit ids must be unique across the whole profile (they name pages and anchors)."""
    problems: list[Problem] = []
    data = doc.data if isinstance(doc.data, dict) else {}
    seen: dict[str, str] = {}
    for section in ITEM_TYPES:
        entries = data.get(section)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            raw = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(raw, str) or not raw.strip():
                continue
            item_id, where = raw.strip(), f"{section}[{index}]"
            if item_id in seen:
                problems.append(doc.problem((section, index, "id"), f"{where}.id",
                                            f"duplicate id '{item_id}' (also used by {seen[item_id]})"))
            else:
                seen[item_id] = where
    return problems


def check_job(job: Job, doc: YamlDocument, profile: Profile | None,
              known_tags: set[str] | None = None) -> list[Problem]:
    """Checks on one job; pass `known_tags` (profile_tags) when checking many jobs."""
    problems = []
    pinned = job.sections or []
    for name, count in Counter(pinned).items():
        if count > 1:
            index = pinned.index(name)
            problems.append(doc.problem(("sections", index), f"sections[{index}]",
                                        f"section '{name}' is listed {count} times"))
    problems += unknown_theme(doc)
    if profile is not None and job.exclude:
        problems += _unknown_tags(job, doc, known_tags if known_tags is not None else profile_tags(profile))
    return problems


def _unknown_tags(job: Job, doc: YamlDocument, known: set[str]) -> list[Problem]:
    """An `exclude` tag that no item carries but that is close to one is a typo that
    would leak the item it meant to hide; a tag far from all is a harmless spare."""
    problems = []
    for index, tag in enumerate(job.exclude):
        hint = did_you_mean(tag, known) if tag not in known else ""
        if hint:
            problems.append(doc.problem(("exclude", index), f"exclude[{index}]",
                                        f"no item is tagged '{tag}'{hint}"))
    return problems


def profile_tags(profile: Profile) -> set[str]:
    tags: set[str] = set()
    for section in ITEM_TYPES:
        for item in profile.section(section):
            tags.update(item.tags)
            for highlight in getattr(item, "highlights", []):
                tags.update(highlight.tags)
    return tags
