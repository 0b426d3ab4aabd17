"""Cross-item and cross-file checks, run on real parsed YAML so positions are real."""

from __future__ import annotations

from cvsite.model import Job, Profile
from cvsite.validate import check_job, check_profile, duplicate_ids, profile_tags
from cvsite.yamlsource import YamlDocument, parse_yaml

PROFILE = """\
name: Ada
headline: DS
experience:
  - id: acme
    role: DS
    org: Acme
    start: 2020
    tags: [Machine Learning]
    highlights:
      - text: Built a feature store
        tags: [data-engineering]
projects:
  - id: ' acme '
    title: Dup
  - id: radar
    title: Radar
    tags: [dashboards]
skills:
  - id: radar
    name: Python
"""


def test_duplicate_ids_across_sections_with_positions() -> None:
    doc = parse_yaml(PROFILE, "profile.yaml")
    found = [(p.path, p.line, p.column, p.message) for p in check_profile(doc)]
    assert found == [
        ("projects[0].id", 13, 5, "duplicate id 'acme' (also used by experience[0])"),
        ("skills[0].id", 19, 5, "duplicate id 'radar' (also used by projects[1])"),
    ]


def test_duplicate_ids_tolerate_malformed_sections() -> None:
    doc = parse_yaml("projects: oops\nskills: [1, {id: 3}, {id: ''}, {id: x}, {id: x}]\n", "p.yaml")
    assert [p.path for p in duplicate_ids(doc)] == ["skills[4].id"]
    assert duplicate_ids(parse_yaml("- a\n", "p.yaml")) == []


def test_profile_tags_include_highlight_tags() -> None:
    profile = Profile.model_validate(parse_yaml(PROFILE, "p.yaml").data)
    assert profile_tags(profile) == {"machine-learning", "data-engineering", "dashboards"}


def _job(text: str) -> tuple[Job, YamlDocument]:
    doc = parse_yaml(text, "jobs/acme.yaml")
    return Job.model_validate(doc.data), doc


def test_exclude_close_to_a_real_tag_is_a_typo() -> None:
    profile = Profile.model_validate(parse_yaml(PROFILE, "p.yaml").data)
    job, doc = _job("company: A\nrole: B\nexclude:\n  - dashboard\n  - knitting\n  - dashboards\n")
    found = check_job(job, doc, profile)
    assert [(p.file, p.path, p.line, p.column, p.message) for p in found] == [
        ("jobs/acme.yaml", "exclude[0]", 4, 5, "no item is tagged 'dashboard' (did you mean 'dashboards'?)"),
    ]


def test_exclude_is_not_checked_without_a_profile() -> None:
    job, doc = _job("company: A\nrole: B\nexclude: [dashboard]\n")
    assert check_job(job, doc, None) == []


def test_pinned_section_twice() -> None:
    job, doc = _job("company: A\nrole: B\nsections: [skills, projects, skills, skills]\n")
    (problem,) = check_job(job, doc, None)
    assert (problem.path, problem.line, problem.column) == ("sections[0]", 3, 12)
    assert problem.message == "section 'skills' is listed 3 times"
