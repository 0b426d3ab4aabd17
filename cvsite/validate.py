"""Checks that span items or files, which the per-item model cannot express."""

from __future__ import annotations

from collections import Counter

from cvsite.errors import Problem, did_you_mean
from cvsite.model import ITEM_TYPES, Job, Profile
from cvsite.yamlsource import YamlDocument


def check_profile(profile: Profile, doc: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for section in ITEM_TYPES:
        for index, item in enumerate(profile.section(section)):
            if not item.id:
                continue
            path = f"{section}[{index}].id"
            if item.id in seen:
                problems.append(doc.problem((section, index, "id"), path,
                                            f"duplicate id '{item.id}' (also used by {seen[item.id]})"))
            seen[item.id] = f"{section}[{index}]"
    return problems


def check_job(job: Job, doc: YamlDocument, profile: Profile | None) -> list[Problem]:
    problems = []
    pinned = job.sections or []
    for name, count in Counter(pinned).items():
        if count > 1:
            index = pinned.index(name)
            problems.append(doc.problem(("sections", index), f"sections[{index}]",
                                        f"section '{name}' is listed {count} times"))
    if profile is not None:
        problems += _unknown_tags(job, doc, profile)
    return problems


def _unknown_tags(job: Job, doc: YamlDocument, profile: Profile) -> list[Problem]:
    """An `exclude` tag that no item carries but that is close to one is a typo that
    would leak the item it meant to hide; a tag far from all is a harmless spare."""
    known = profile_tags(profile)
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
