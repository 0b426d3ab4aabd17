"""Hypothesis over the loader, `cvsite check` and the tailoring: no input makes any of them
raise anything but a CvsiteError naming a file and line.

Each test counts the inputs it tried, prints the count (visible with `pytest -s`) and
asserts it, so a strategy that silently stops generating fails the test.
"""

from __future__ import annotations

import copy
import math
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from hostile_support import job_data, profile_data, write_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.checking import check_directory
from cvsite.errors import CvsiteError
from cvsite.loader import assign_ids
from cvsite.model import ITEM_TYPES, SECTIONS, Job, Profile
from cvsite.render_html import PageContext, render_page
from cvsite.tailor import Index, tailor_with

SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TAGS = ["python", "sql", "go", "c++", "c#", "node.js", "machine-learning", "react", "rust", "ml", "ai"]


def plain(field: str) -> str:
    return f"text of {field}"


def web(_field: str) -> str:
    return "https://example.com/"


BASE_PROFILE = profile_data(plain, web, items=2)
BASE_JOB = job_data(plain, web, exclude=["rust"], limit={"projects": 1, "highlights": 1},
                    sections=["skills", "experience"], pdf={"max_pages": 1, "paper": "letter"})

ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.just(10**5000 // 10**4990),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", " ", "present", "2021-13", "2021-02-30", "0000", "yes", "~", "<b>x</b>",
                     "javascript:alert(1)", "../x.txt", "x.txt", "ѕсrірt", "\u202e", "9" * 40]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just({"text": None}), st.just([[[]]]),
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a nested document, the root excluded."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found += [(*prefix, key), *paths(child, (*prefix, key))]
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += [(*prefix, index), *paths(child, (*prefix, index))]
    return found


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """A valid document with a few values replaced by the wrong type, deleted, or joined
    by an unknown key, at random paths."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        choices = paths(doc)
        if not choices:
            break
        path = draw(st.sampled_from(choices))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(ODD_VALUES))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(["titel", "$schema", "tags", "id", "x" * 300]))
            parent[key] = copy.deepcopy(draw(ODD_VALUES))
        else:
            parent.append(copy.deepcopy(draw(ODD_VALUES)))
    return doc


def dump(doc: Any) -> str:
    return yaml.dump(doc, Dumper=yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper,
                     allow_unicode=True, sort_keys=False)


def test_check_never_crashes_on_mutated_documents() -> None:
    outcomes: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_workspace(Path(tmp), BASE_PROFILE, {})

        @settings(SETTINGS, max_examples=150)
        @given(st.one_of(mutated(BASE_PROFILE), st.just(BASE_PROFILE)), mutated(BASE_JOB))
        def run(profile: dict[str, Any], job: dict[str, Any]) -> None:
            (root / "profile.yaml").write_text(dump(profile), encoding="utf-8")
            (root / "jobs" / "fuzz.yaml").write_text(dump(job), encoding="utf-8")
            report = check_directory(root)
            for problem in report.errors + report.warnings:
                assert problem.file and problem.message and isinstance(problem.line, int)
                assert "Traceback" not in problem.message
            outcomes["errors" if report.errors else "clean"] += 1

        run()
    tried = sum(outcomes.values())
    print(f"\ncheck fuzz: {tried} mutated documents, {outcomes['clean']} loaded, "
          f"{outcomes['errors']} reported as errors")
    assert tried >= 150 and outcomes["errors"] > 60 and outcomes["clean"] > 5


WORDS = st.sampled_from(["Python", "SQL", "Go", "C++", "node.js", "machine learning", "React", "Rust",
                         "ML", "AI", "data", "team", "the", "<b>", "—", "数据", "", "  ", "\n"])
SENTENCE = st.lists(WORDS, max_size=8).map(" ".join)
TEXT = SENTENCE.filter(str.strip)
TAG_LIST = st.lists(st.sampled_from(TAGS), max_size=4)
HIGHLIGHTS = st.lists(st.one_of(TEXT, st.builds(lambda t, g: {"text": t, "tags": g}, TEXT, TAG_LIST)),
                      max_size=4)


def _item(section: str) -> st.SearchStrategy[dict[str, Any]]:
    """Items with the fields that matter for tailoring; a section not listed here gets
    text in its required fields, so a new section is fuzzed from its declaration."""
    common = {"tags": TAG_LIST}
    fields = {
        "experience": {"role": TEXT, "org": TEXT, "start": st.sampled_from(["2019", "2020-05"]),
                       "highlights": HIGHLIGHTS, "summary": SENTENCE},
        "projects": {"title": TEXT, "highlights": HIGHLIGHTS, "featured": st.booleans(), "summary": SENTENCE},
        "contributions": {"title": TEXT, "kind": st.sampled_from(["talk", "post", "award"])},
        "education": {"degree": TEXT, "institution": TEXT},
        "skills": {"name": TEXT, "aliases": st.lists(TEXT, max_size=2)},
        "languages": {"name": TEXT},
        "publications": {"title": TEXT, "authors": st.lists(TEXT, max_size=3), "venue": SENTENCE,
                         "doi": st.sampled_from(["10.1000/xyz", "doi:10.1145/3.4", "https://doi.org/10.5/x"])},
    }.get(section) or {name: TEXT for name, field in ITEM_TYPES[section].model_fields.items()
                       if field.is_required()}
    return st.fixed_dictionaries({**common, **fields})


PROFILES = st.fixed_dictionaries(
    {"name": TEXT, "headline": TEXT},
    optional={section: st.lists(_item(section), max_size=5) for section in SECTIONS}
    | {"aliases": st.dictionaries(st.sampled_from(["golang", "py", "js"]), st.sampled_from(TAGS), max_size=2),
       "summary": SENTENCE, "pitch": SENTENCE},
)
JOBS = st.fixed_dictionaries(
    {"company": TEXT, "role": TEXT},
    optional={
        "tags": st.dictionaries(st.sampled_from(TAGS), st.floats(-1000, 1000), max_size=5),
        "exclude": TAG_LIST,
        "limit": st.dictionaries(st.sampled_from([*SECTIONS, "highlights"]), st.integers(0, 3), max_size=3),
        "sections": st.lists(st.sampled_from(SECTIONS), unique=True, max_size=6),
        "headline": TEXT, "pitch": TEXT,
    },
)


def test_tailoring_never_crashes_on_valid_profiles_and_jobs() -> None:
    tried = Counter[str]()

    @settings(SETTINGS, max_examples=150)
    @given(PROFILES, st.lists(st.tuples(JOBS, SENTENCE), max_size=3))
    def run(raw_profile: dict[str, Any], raw_jobs: list[tuple[dict[str, Any], str]]) -> None:
        try:
            profile = Profile.model_validate(raw_profile)
        except ValueError:
            tried["invalid"] += 1  # e.g. a duplicate id: the loader's business, fuzzed above
            return
        assign_ids(profile)
        index = Index.build(profile)
        general = tailor_with(index, None, None, "")
        assert sum(len(s.items) for s in general.sections) == sum(len(profile.section(s)) for s in SECTIONS)
        for number, (raw_job, posting) in enumerate(raw_jobs):
            job = Job.model_validate(raw_job)
            cv = tailor_with(index, f"job-{number}", job, posting)
            shown = [r for s in cv.sections for r in s.items]
            assert all(math.isfinite(r.score) for r in shown)
            assert not {id(r.item) for r in shown} & {id(r.item) for r in cv.excluded}
            for section in cv.sections:
                assert len(section.items) <= job.limit.get(section.name, len(section.items))
            render_page(cv, PageContext(root="../"))
            tried["jobs"] += 1
        tried["profiles"] += 1

    run()
    print(f"\ntailoring fuzz: {tried['profiles']} profiles, {tried['jobs']} jobs tailored and rendered, "
          f"{tried['invalid']} invalid drawn")
    assert tried["profiles"] >= 100 and tried["jobs"] >= 100


def test_loader_refuses_raw_bytes_cleanly() -> None:
    """Arbitrary bytes in both files: a clean report, every time."""
    tried = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = write_workspace(Path(tmp), BASE_PROFILE, {"fuzz": BASE_JOB})
        valid = (root / "profile.yaml").read_bytes()

        @settings(SETTINGS, max_examples=150)
        @given(st.one_of(st.binary(max_size=300), st.integers(0, len(valid)).flatmap(
            lambda at: st.binary(max_size=6).map(lambda junk: valid[:at] + junk + valid[at:]))))
        def run(data: bytes) -> None:
            nonlocal tried
            (root / "profile.yaml").write_bytes(data)
            try:
                report = check_directory(root)
            except CvsiteError as exc:  # check reports problems; it must never raise them
                raise AssertionError(exc) from None
            assert all(p.file and p.message for p in report.errors)
            tried += 1

        run()
    print(f"\nbyte fuzz: {tried} profiles of random or corrupted bytes")
    assert tried >= 150
