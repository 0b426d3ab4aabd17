"""JSON Resume import and export: every section and field, the round trip, tailoring, bad input."""

from __future__ import annotations

import copy
import json
import string
import tempfile
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.checking import check_directory
from cvsite.cli import cli
from cvsite.errors import CvsiteError
from cvsite.jsonresume import (
    FLAGS,
    SCHEMA_URL,
    JsonResume,
    build_export,
    dump_yaml,
    export_jsonresume,
    filled_paths,
    generic_entry,
    generic_item,
    import_jsonresume,
    not_shown,
    read_jsonresume,
)
from cvsite.loader import load_workspace
from cvsite.model import (
    SECTION,
    SECTION_TYPES,
    Contribution,
    Experience,
    Job,
    Profile,
    Project,
    Publication,
    SectionType,
    kebab,
)
from cvsite.tailored import Person, RankedHighlight, RankedItem, Reason, TailoredCV, TailoredSection

FIXTURES = Path(__file__).parent / "fixtures" / "jsonresume"
FULL = FIXTURES / "full.json"
MINIMAL = FIXTURES / "minimal.json"
EVERY_SECTION = FIXTURES / "every_section"
SECTIONS = [pytest.param(section, id=section.name) for section in SECTION_TYPES]
EXAMPLE = Path(__file__).parent.parent / "example_profile"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = load("schema.json")
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def assert_valid(validator: jsonschema.Draft7Validator, document: dict[str, Any]) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def imported(tmp_path: Path, source: Path = FULL) -> Profile:
    import_jsonresume(source, tmp_path / "cv")
    return load_workspace(tmp_path / "cv").profile


# --- The fixtures themselves ----------------------------------------------------------------------


def _schema_paths(schema: dict[str, Any], prefix: str = "") -> set[str]:
    paths = set()
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{key}"
        paths.add(path)
        target = sub.get("items", sub)
        paths |= _schema_paths(target, path)
    return paths


def _document_paths(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, list):
        return set().union(*(_document_paths(v, prefix) for v in value)) if value else set()
    if isinstance(value, dict):
        paths = set()
        for key, sub in value.items():
            paths |= {f"{prefix}.{key}"} | _document_paths(sub, f"{prefix}.{key}")
        return paths
    return set()


def test_full_fixture_exercises_every_field_of_the_schema(validator: jsonschema.Draft7Validator) -> None:
    full = load("full.json")
    assert_valid(validator, full)
    assert _schema_paths(load("schema.json")) - _document_paths(full) == set()


def test_schema_rejects_a_bad_date(validator: jsonschema.Draft7Validator) -> None:
    """The validator used on exports really checks dates, so a passing export means something."""
    assert not validator.is_valid({"work": [{"startDate": "March 2020"}]})
    assert validator.is_valid({"work": [{"startDate": "2020-03"}]})


# --- Import ---------------------------------------------------------------------------------------


def test_import_writes_a_profile_directory_that_builds(tmp_path: Path) -> None:
    out = tmp_path / "cv"
    report = import_jsonresume(FULL, out)
    text = (out / "profile.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=.cvsite/profile.schema.json"
    assert (out / ".cvsite" / "profile.schema.json").is_file()
    assert (out / ".cvsite" / "job.schema.json").is_file()
    assert (out / "jobs").is_dir() and not any((out / "jobs").iterdir())
    assert check_directory(out).errors == []
    assert report.profile_file == out / "profile.yaml"
    assert report.no_home == []


def test_import_report_says_where_each_section_went(tmp_path: Path) -> None:
    report = import_jsonresume(FULL, tmp_path / "cv")
    mapped = dict(report.mapped)
    assert mapped["$.work (2)"] == "experience (no endDate: end: present)"
    assert mapped["$.volunteer (1)"] == "experience (kind: volunteer)"
    assert mapped["$.awards (1)"] == "contributions (kind: award)"
    assert mapped["$.publications (1)"] == (
        "publications (name -> title, publisher -> venue, releaseDate -> date)")
    assert mapped["$.skills (3)"] == "skills (each keyword a skill in the group `name`)"
    assert mapped["$.basics.profiles[0] (GitHub)"] == "contact.github"
    assert mapped["$.basics.label"] == "headline"
    sections = {"work", "volunteer", "education", "awards", "certificates", "publications", "skills",
                "languages", "interests", "references", "projects", "meta"}
    assert {source.split(" ")[0].removeprefix("$.") for source in mapped} >= sections


def test_import_maps_basics_into_profile_and_contact(tmp_path: Path) -> None:
    profile = imported(tmp_path)
    assert (profile.name, profile.headline) == ("Ada Quinlan", load("full.json")["basics"]["label"])
    assert profile.location == "Berlin, DE"
    assert profile.address is not None and profile.address.street == "Beispielweg 12\nHinterhaus"
    assert profile.address.postal_code == "10115"
    assert profile.image == "https://ada-quinlan.example/portrait.jpg"
    contact = profile.contact
    assert contact.github == "adaq"  # the usual link: the user name is enough
    assert contact.linkedin == "https://www.linkedin.com/in/ada-quinlan/"  # not the usual link: kept
    assert contact.model_extra == {"Mastodon": "https://hachyderm.io/@adaq",
                                   "Stack Overflow": "https://stackoverflow.com/users/4711"}
    assert contact.email == "ada@ada-quinlan.example" and contact.website == "https://ada-quinlan.example"


def test_import_maps_every_section(tmp_path: Path) -> None:
    profile = imported(tmp_path)
    work, old, volunteer = profile.experience
    assert (work.kind, work.org, work.role, str(work.start), work.end) == (
        "work", "Ledgerly", "Senior Backend Engineer", "2021-03", "present")
    assert work.org_description == "Payments platform for online marketplaces"
    assert [h.text for h in old.highlights][1] == "null"
    assert (volunteer.kind, volunteer.org, str(volunteer.end)) == ("volunteer", "Code Club Berlin", "2023-06")
    assert [(c.kind, c.title, c.where) for c in profile.contributions] == [
        ("award", "Engineer of the Year", "Ledgerly"),
        ("certificate", "Certified Kubernetes Administrator", "The Linux Foundation"),
    ]
    [paper] = profile.publications
    assert (paper.title, paper.venue, str(paper.date), paper.url) == (
        "Exactly-once payouts with event sourcing", "InfoQ", "2023-02-07",
        "https://infoq.example/articles/exactly-once-payouts")
    assert [e.degree for e in profile.education] == [
        "Master of Science in Computer Science", "Mathematics", "Certificate in Statistics"]
    assert profile.education[0].courses == ["Distributed Systems", "Database Internals"]
    assert [(s.name, s.group, s.level) for s in profile.skills] == [
        ("Go", "Backend", "Expert"), ("PostgreSQL", "Backend", "Expert"), ("Kafka", "Backend", "Expert"),
        ("C++", "Backend", "Expert"), ("Kubernetes", "Operations", "Advanced"),
        ("Terraform", "Operations", "Advanced"), ("Python", None, None)]
    project = profile.projects[0]
    assert (project.links, project.roles, project.kind, project.entity) == (
        {"website": "https://github.com/adaq/pgledger"}, ["Author", "Maintainer"], "library", "Open source")
    assert (project.keywords, project.tags) == (["PostgreSQL", "C", "Event Sourcing"],
                                                ["postgresql", "c", "event-sourcing"])
    assert [(lang.name, lang.level) for lang in profile.languages][1] == ("English", "C2")
    assert profile.interests[0].keywords == ["Bouldering", "route setting"]
    assert profile.references[0].name == "Jonas Weber, CTO at Ledgerly"
    assert profile.meta is not None and profile.meta.last_modified == "2024-01-15T10:30:00"


def test_multiline_text_is_written_as_a_yaml_block(tmp_path: Path) -> None:
    import_jsonresume(FULL, tmp_path / "cv")
    text = (tmp_path / "cv" / "profile.yaml").read_text(encoding="utf-8")
    assert "summary: |-\n  I build backend systems that move money safely.\n\n  Lately:" in text


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    import_jsonresume(MINIMAL, tmp_path)
    with pytest.raises(CvsiteError, match="already exists; pass --force"):
        import_jsonresume(FULL, tmp_path)
    import_jsonresume(FULL, tmp_path, force=True)
    assert load_workspace(tmp_path).profile.name == "Ada Quinlan"


def test_blank_strings_and_nulls_count_as_absent(tmp_path: Path) -> None:
    source = tmp_path / "resume.json"
    source.write_text(json.dumps({
        "basics": {"name": "Sam Lee", "label": "Analyst", "url": "", "email": None, "location": {"city": ""}},
        "work": [{"name": "Acme", "position": "Analyst", "startDate": "2020-01", "endDate": "",
                  "highlights": ["", "Built the reports"]}],
    }), encoding="utf-8")
    profile = imported(tmp_path, source)
    assert profile.contact.website is None and profile.location is None
    assert profile.experience[0].end == "present"
    assert [h.text for h in profile.experience[0].highlights] == ["Built the reports"]


def test_network_profiles_that_cannot_be_kept_whole_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "resume.json"
    source.write_text(json.dumps({"basics": {"name": "Sam Lee", "label": "Analyst", "profiles": [
        {"network": "Twitter", "username": "sam_l", "url": "https://twitter.com/samlee"},
        {"network": "Keybase", "username": "saml"},
        {"network": "github", "username": "saml"},
        {"network": "GitHub", "username": "other"},
        {"network": "email", "url": "https://example.org/contact"},
        {"url": "https://gitlab.com/saml"},
    ]}}), encoding="utf-8")
    report = import_jsonresume(source, tmp_path / "cv")
    no_home = dict(report.no_home)
    assert "not the end of the url" in no_home["$.basics.profiles[0].username"]
    assert "without a url" in no_home["$.basics.profiles[1]"]
    assert no_home["$.basics.profiles[3]"] == "contact.github is already taken"
    assert no_home["$.basics.profiles[4]"] == "contact.email is already taken"
    contact = load_workspace(tmp_path / "cv").profile.contact
    assert contact.github == "saml"
    assert contact.model_extra == {"Twitter": "https://twitter.com/samlee", "gitlab.com": "https://gitlab.com/saml"}


# --- Bad input ------------------------------------------------------------------------------------


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CvsiteError) as caught:
        read_jsonresume(path)
    return [str(p) for p in caught.value.problems]


def test_not_json_names_line_and_column() -> None:
    [problem] = problems_of(FIXTURES / "bad_not_json.json")
    assert problem.startswith(f"{FIXTURES / 'bad_not_json.json'}:5:3:")
    assert "not valid JSON" in problem


def test_not_an_object() -> None:
    [problem] = problems_of(FIXTURES / "bad_not_object.json")
    assert problem.endswith("$: expected a JSON object, got a list")


def test_wrong_types_are_reported_at_their_json_path_and_line() -> None:
    """bad_types.json is indented with tabs, as JSON.stringify(x, null, '\\t') writes it."""
    found = problems_of(FIXTURES / "bad_types.json")
    name = FIXTURES / "bad_types.json"
    assert found == [
        f"{name}:5:3: $.basics.email: 'sam at example.org' is not an e-mail address",
        f"{name}:6:3: $.basics.profiles: expected a list, got an object",
        f"{name}:10:68: $.work[1].endDate: ends (2019-02) before it starts (2019-06)",
        f"{name}:11:53: $.work[2].startDate: a date is text written YYYY, YYYY-MM or YYYY-MM-DD "
        "(got the number 2018)",
        f"{name}:11:72: $.work[2].highlights: expected a list, got text 'Built reports'",
        f"{name}:13:54: $.skills[0].keywords[1]: expected text, got the number 5",
        f"{name}:14:39: $.education[0].startDate: '2015-13' has no month 13; months run 01 to 12",
    ]


def test_unknown_keys_are_warnings_with_a_suggestion(tmp_path: Path) -> None:
    """A typo or a key some theme added is named, and the rest of the document still imports."""
    reading = read_jsonresume(FIXTURES / "bad_unknown_key.json")
    assert [str(p).split(": ", 1)[1] for p in reading.unknown] == [
        "$.basics.summmary: unknown key 'summmary' (did you mean 'summary'?); not imported",
        "$.work[0].hilights: unknown key 'hilights' (did you mean 'highlights'?); not imported",
        "$.hobbies: unknown key 'hobbies'; not imported",
    ]
    assert reading.resume.work[0].name == "Acme"
    report = import_jsonresume(FIXTURES / "bad_unknown_key.json", tmp_path / "cv")
    assert "warning: $.work[0].hilights: unknown key 'hilights' (did you mean 'highlights'?); not imported" \
        in report.lines()
    assert check_directory(tmp_path / "cv").errors == []


def test_unknown_keys_beside_errors_leave_only_the_errors(tmp_path: Path) -> None:
    source = tmp_path / "resume.json"
    source.write_text(json.dumps({"basics": {"name": "Sam", "label": "x", "nickname": "S"},
                                  "work": [{"name": "Acme", "position": "Analyst", "startDate": "soon"}]}))
    assert [p.split(": ", 1)[1] for p in problems_of(source)] == [
        "$.work[0].startDate: 'soon' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"]


@pytest.mark.parametrize(("document", "expected"), [
    ({}, "$.basics: is missing; cvsite needs it to import this entry"),
    ({"basics": {"name": "Sam"}}, "$.basics.label: is missing"),
    ({"basics": {"name": "Sam", "label": "x"}, "work": [{"name": "Acme", "position": "Analyst"}]},
     "$.work[0].startDate: is missing"),
    ({"basics": {"name": "Sam", "label": "x"}, "education": [{"institution": "Uni"}]},
     "$.education[0]: needs a studyType or an area"),
    ({"basics": {"name": "Sam", "label": "x", "url": "ftp://example.org"}},
     "$.basics.url: 'ftp://example.org' is not a web address"),
    ({"basics": {"name": "Sam", "label": "x"}, "awards": [{"title": "Prize", "date": "2021-02-30"}]},
     "$.awards[0].date: '2021-02-30' is not a real day"),
    ({"basics": {"name": "Sam", "label": "x"}, "projects": [{"name": "P", "startDate": "Spring 2020"}]},
     "$.projects[0].startDate: 'Spring 2020' is not a date"),
])
def test_entries_cvsite_cannot_hold_are_reported(tmp_path: Path, document: dict[str, Any],
                                                 expected: str) -> None:
    source = tmp_path / "resume.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    assert any(expected in p for p in problems_of(source))


# --- Export and the round trip --------------------------------------------------------------------


def test_round_trip_of_every_field_gives_the_document_back(
    tmp_path: Path, validator: jsonschema.Draft7Validator
) -> None:
    document = export_jsonresume(imported(tmp_path))
    assert_valid(validator, document)
    assert document == load("full.json")


def test_round_trip_of_a_minimal_document(tmp_path: Path, validator: jsonschema.Draft7Validator) -> None:
    document = export_jsonresume(imported(tmp_path, MINIMAL))
    assert_valid(validator, document)
    assert document == {"$schema": SCHEMA_URL, **load("minimal.json")}


def test_export_of_a_hand_written_profile_validates(validator: jsonschema.Draft7Validator) -> None:
    profile = load_workspace(EXAMPLE).profile
    result = build_export(profile)
    assert_valid(validator, result.document)
    work = result.document["work"]
    assert [w["name"] for w in work] == [e.org for e in profile.experience if e.kind == "work"]
    assert work[0]["highlights"] == [h.text for h in profile.experience[0].highlights]
    assert "pitch: no JSON Resume field" in result.no_home
    groups = [(s["name"], s.get("keywords", [])) for s in result.document["skills"]]
    assert groups[0] == ("Machine learning", [s.name for s in profile.skills[:len(groups[0][1])]])
    assert [name for _, names in groups for name in names] == [s.name for s in profile.skills if s.group]


def test_contribution_kinds_find_a_json_resume_section() -> None:
    kinds = ("talk", "post", "pull-request", "package", "award", "certificate", "publication", "other")
    profile = Profile(name="Sam Lee", headline="Analyst", contributions=[
        Contribution(kind=kind, title=f"A {kind}", where="Somewhere", date="2022-05") for kind in kinds
    ])
    document = export_jsonresume(profile)
    assert [p["name"] for p in document["publications"]] == ["A post", "A publication"]
    assert [(p["name"], p["type"], p["entity"], p["startDate"]) for p in document["projects"]] == [
        ("A talk", "talk", "Somewhere", "2022-05"),
        ("A pull-request", "pull-request", "Somewhere", "2022-05"),
        ("A package", "package", "Somewhere", "2022-05"),
        ("A other", "other", "Somewhere", "2022-05"),
    ]
    assert document["awards"] == [{"title": "A award", "date": "2022-05", "awarder": "Somewhere"}]
    assert document["certificates"] == [{"name": "A certificate", "date": "2022-05", "issuer": "Somewhere"}]


def test_project_contribution_and_outcome_become_highlights() -> None:
    """Its tags stand in for the keywords other tools show; `unset` says it had none of its own."""
    profile = Profile(name="Sam Lee", headline="Analyst", projects=[Project(
        title="Dashboards", contribution="Built them", outcome="Used daily by 40 people",
        highlights=["Open source"], links={"code": "https://example.org/code", "demo": "https://example.org/demo"},
        tags=["sql"], date="2021")])
    [project] = export_jsonresume(profile)["projects"]
    assert project == {"name": "Dashboards", "startDate": "2021", "url": "https://example.org/code",
                       "highlights": ["Built them", "Used daily by 40 people", "Open source"],
                       "keywords": ["sql"], "x-cvsite": {
                           "contribution": "Built them", "outcome": "Used daily by 40 people",
                           "links": {"code": "https://example.org/code", "demo": "https://example.org/demo"},
                           "single_date": True, "unset": ["keywords"]}}


# --- Every declared section -----------------------------------------------------------------------


def written(document: dict[str, Any]) -> Path:
    folder = Path(tempfile.mkdtemp())
    (folder / "resume.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return folder / "resume.json"


@pytest.mark.parametrize("section", SECTIONS)
def test_every_declared_section_comes_back_from_json_resume_unchanged(
    tmp_path: Path, section: SectionType, validator: jsonschema.Draft7Validator
) -> None:
    """Items filling the fields JSON Resume has no place for (ids written by hand, tags,
    ignore_checks, a role ending as it starts, a project with a date beside its start…)."""
    profile = load_workspace(EVERY_SECTION).profile
    assert profile.section(section.name), f"give {EVERY_SECTION / 'profile.yaml'} items of '{section.name}'"
    result = build_export(profile)
    assert_valid(validator, result.document)
    assert result.no_home == []
    report = import_jsonresume(written(result.document), tmp_path / "back")
    assert report.no_home == [] and report.unknown == []
    back = load_workspace(tmp_path / "back").profile
    assert [item.model_dump() for item in back.section(section.name)] == [
        item.model_dump() for item in profile.section(section.name)]


def test_the_profile_with_every_section_comes_back_whole(tmp_path: Path) -> None:
    profile = load_workspace(EVERY_SECTION).profile
    import_jsonresume(written(export_jsonresume(profile)), tmp_path / "back")
    assert load_workspace(tmp_path / "back").profile.model_dump() == profile.model_dump()


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_alone_exports_in_full_and_tailored(
    tmp_path: Path, section: SectionType, validator: jsonschema.Draft7Validator
) -> None:
    """No section crashes the export or goes missing from it, in a general or a tailored CV."""
    from cvsite.tailor import tailor

    data = yaml.safe_load((EVERY_SECTION / "profile.yaml").read_text("utf-8"))
    data = {key: value for key, value in data.items() if key not in SECTION or key == section.name}
    (tmp_path / "cv" / "jobs").mkdir(parents=True)
    (tmp_path / "cv" / "profile.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (tmp_path / "cv" / "jobs" / "acme.yaml").write_text("company: Acme\nrole: Engineer\n", "utf-8")
    workspace = load_workspace(tmp_path / "cv")
    cv = tailor(workspace, "acme")
    shown = cv.section(section.name)
    for document, count in ((export_jsonresume(workspace.profile), len(data[section.name])),
                            (export_jsonresume(workspace.profile, cv), len(shown.items) if shown else 0)):
        assert_valid(validator, document)
        import_jsonresume(written(document), tmp_path / "back", force=True)
        assert len(load_workspace(tmp_path / "back").profile.section(section.name)) == count


@pytest.mark.parametrize("section", SECTIONS)
def test_the_declaration_names_json_resume_lists_and_fields_that_exist(section: SectionType) -> None:
    """A section's `jsonresume` is one of JSON Resume's lists, its `jsonresume_fields` map
    fields of that list to fields of its model (every field the import requires among them),
    and its model leaves the keys `x-cvsite` reserves free."""
    assert not set(FLAGS) & set(section.model.model_fields)
    if section.jsonresume is None:
        assert not section.jsonresume_fields
        return
    entry = typing.get_args(JsonResume.model_fields[section.jsonresume].annotation)[0]
    assert set(section.jsonresume_fields) <= set(entry.model_fields)
    assert set(section.jsonresume_fields.values()) <= set(section.model.model_fields)
    if section.jsonresume_fields:
        assert {name for name, info in entry.model_fields.items() if info.is_required()} <= set(
            section.jsonresume_fields)


PAPER = Publication(title="Ledgers in Postgres", authors=["A. Quinlan", "J. Weber"], venue="VLDB",
                    date="2021-08", doi="10.1234/vldb.2021.8", summary="Double entry, in SQL.",
                    tags=["ledgers"], id="ledgers-vldb")
_REST = {"id": "ledgers-vldb", "tags": ["ledgers"], "authors": ["A. Quinlan", "J. Weber"],
         "doi": "10.1234/vldb.2021.8"}


@pytest.mark.parametrize(("section", "entry"), [
    pytest.param(SectionType("patents", Publication, "Patents"), {"x-cvsite": {
        "title": "Ledgers in Postgres", "venue": "VLDB", "date": "2021-08",
        "summary": "Double entry, in SQL.", **_REST}}, id="no-list"),
    pytest.param(SectionType("papers", Publication, "Papers", jsonresume="publications", jsonresume_fields={
        "name": "title", "publisher": "venue", "releaseDate": "date"}), {
        "name": "Ledgers in Postgres", "publisher": "VLDB", "releaseDate": "2021-08",
        "x-cvsite": {"section": "papers", **_REST, "summary": "Double entry, in SQL."}},
        id="another-sections-list"),
    pytest.param(SectionType("theses", Publication, "Theses", jsonresume="awards", jsonresume_fields={
        "title": "title", "awarder": "venue", "date": "date", "summary": "summary"}), {
        "title": "Ledgers in Postgres", "awarder": "VLDB", "date": "2021-08",
        "summary": "Double entry, in SQL.", "x-cvsite": {"section": "theses", **_REST}},
        id="a-list-with-an-importer-of-its-own"),
])
def test_a_section_not_yet_declared_travels_by_its_declaration_alone(
    section: SectionType, entry: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    """The generic exporter and importer, on sections the registry does not hold: mapped
    fields under JSON Resume's names, the rest in `x-cvsite`, marked with the section
    when the list belongs to another; without a list, the whole item in `x-cvsite`."""
    assert section.name not in SECTION
    assert generic_entry(section, PAPER) == entry
    if section.jsonresume:
        assert_valid(validator, {section.jsonresume: [entry]})
    values = {key: value for key, value in entry.items() if key != "x-cvsite"}
    assert Publication.model_validate(generic_item(section, values, entry["x-cvsite"])) == PAPER


def test_contributions_of_kind_publication_or_post_come_back_as_contributions(tmp_path: Path) -> None:
    profile = Profile(name="Sam Lee", headline="Analyst", contributions=[
        Contribution(kind="publication", title="Exactly-once payouts", where="InfoQ", date="2023-02"),
        Contribution(kind="post", title="Why we event-source", where="Blog"),
    ], publications=[PAPER])
    document = export_jsonresume(profile)
    assert [(p["name"], p["x-cvsite"]) for p in document["publications"]] == [
        ("Exactly-once payouts", {"section": "contributions"}),
        ("Why we event-source", {"section": "contributions", "kind": "post"}),
        ("Ledgers in Postgres", _REST),
    ]
    import_jsonresume(written(document), tmp_path / "back")
    back = load_workspace(tmp_path / "back").profile
    assert [c.model_dump(exclude={"id"}) for c in back.contributions] == [
        c.model_dump(exclude={"id"}) for c in profile.contributions]
    assert back.publications == [PAPER]


def test_publications_of_other_tools_are_publications_and_older_exports_posts_contributions(
    tmp_path: Path
) -> None:
    """An entry without a marker belongs to the publications section; cvsite before it marked
    a post `{kind: post}` without naming a section, and that still reads as a contribution."""
    document = {"basics": {"name": "Sam Lee", "label": "Analyst"}, "publications": [
        {"name": "A paper", "publisher": "ACM", "releaseDate": "2020-05", "url": "https://acm.example/p",
         "summary": "What we found."},
        {"name": "A post", "publisher": "My blog", "x-cvsite": {"kind": "post"}},
    ]}
    report = import_jsonresume(written(document), tmp_path / "cv")
    assert report.no_home == [] and report.unknown == []
    profile = load_workspace(tmp_path / "cv").profile
    assert [(p.title, p.venue, str(p.date), p.url, p.summary) for p in profile.publications] == [
        ("A paper", "ACM", "2020-05", "https://acm.example/p", "What we found.")]
    assert [(c.kind, c.title, c.where) for c in profile.contributions] == [("post", "A post", "My blog")]
    post = {**document["publications"][1], "x-cvsite": {"section": "contributions", "kind": "post"}}
    assert export_jsonresume(profile)["publications"] == [post, document["publications"][0]]


def test_sections_kept_in_meta_import_into_their_sections(tmp_path: Path) -> None:
    """Where the export keeps a section without a JSON Resume list; a section this cvsite
    does not know is a warning, not an error."""
    document = {"basics": {"name": "Sam Lee", "label": "Analyst"}, "meta": {"version": "v2", "x-cvsite": {
        "sections": {"languages": [{"name": "Esperanto", "level": "B1", "tags": ["esperanto"]}],
                     "patents": [{"title": "A patent"}]}}}}
    report = import_jsonresume(written(document), tmp_path / "cv")
    profile = load_workspace(tmp_path / "cv").profile
    assert [(lang.name, lang.level, lang.tags) for lang in profile.languages] == [
        ("Esperanto", "B1", ["esperanto"])]
    assert profile.meta is not None and profile.meta.version == "v2"
    assert ("$.meta.x-cvsite.sections.languages (1)", "languages") in report.mapped
    assert [p.message for p in report.unknown] == ["no section 'patents'; not imported"]


def test_bad_values_in_x_cvsite_are_errors_at_their_line_and_unknown_keys_warnings(tmp_path: Path) -> None:
    source = tmp_path / "resume.json"
    source.write_text(json.dumps({"basics": {"name": "Sam Lee", "label": "Analyst"}, "publications": [
        {"name": "A paper", "x-cvsite": {"doi": "not-a-doi", "authros": ["S. Lee"]}},
        {"name": "A talk", "x-cvsite": {"section": "talks"}},
        {"name": "A post", "x-cvsite": "post"},
    ]}, indent=1), "utf-8")
    with pytest.raises(CvsiteError) as caught:
        import_jsonresume(source, tmp_path / "cv")
    assert [str(p).removeprefix(f"{source}:") for p in caught.value.problems] == [
        "10:5: $.publications[0].x-cvsite.doi: 'not-a-doi' is not a DOI; write it as 10.1234/…",
        "19:5: $.publications[1].x-cvsite.section: no section 'talks'",
        "24:4: $.publications[2].x-cvsite: expected an object, got text 'post'",
    ]
    assert not (tmp_path / "cv" / "profile.yaml").exists()
    source.write_text(json.dumps({"basics": {"name": "Sam Lee", "label": "Analyst"}, "publications": [
        {"name": "A paper", "x-cvsite": {"authros": ["S. Lee"]}}]}), "utf-8")
    report = import_jsonresume(source, tmp_path / "cv")
    assert [f"{p.path}: {p.message}" for p in report.unknown] == [
        "$.publications[0].x-cvsite.authros: unknown key 'authros' (did you mean 'authors'?); not imported"]
    assert load_workspace(tmp_path / "cv").profile.publications[0].authors == []


# --- Tailored export ------------------------------------------------------------------------------


def _ranked(section: str, item: Any, highlights: list[str] | None = None) -> RankedItem:
    ranked = [RankedHighlight(text, [], 1.0) for text in highlights or []]
    return RankedItem(section, item, 1.0, highlights=ranked)


def test_tailored_export_follows_the_cv_and_leaves_out_what_it_excludes(tmp_path: Path) -> None:
    profile = imported(tmp_path)
    work, old, volunteer = profile.experience
    skills = {skill.name: skill for skill in profile.skills}
    go, python, terraform = skills["Go"], skills["Python"], skills["Terraform"]
    trimmed = work.model_copy(update={"highlights": [work.highlights[0]]})
    cv = TailoredCV(
        slug="payments",
        person=Person("Ada Quinlan", "Payments engineer", "Pitch", profile.location, profile.summary,
                      profile.contact),
        job=Job(company="Payfast", role="Backend engineer"),
        sections=[
            TailoredSection("skills", [_ranked("skills", python), _ranked("skills", go)]),
            TailoredSection("experience", [_ranked("experience", old, [old.highlights[1].text]),
                                           _ranked("experience", trimmed, [work.highlights[0].text])],
                            omitted=[_ranked("experience", volunteer)]),
        ],
        excluded=[RankedItem("skills", terraform, 0.0, included=False,
                             why_left_out=Reason("excluded", "tag 'terraform'"))],
        matched_skills=[], coverage=None, theme="modern", language="en", paper="a4", max_pages=None,
    )
    document = export_jsonresume(profile, cv)
    assert list(document)[:4] == ["$schema", "basics", "skills", "work"]
    assert document["basics"]["label"] == "Payments engineer"
    assert document["skills"] == [{"name": "Python"}, {"name": "Backend", "level": "Expert",
                                                        "keywords": ["Go"]}]
    assert [w["name"] for w in document["work"]] == ["Kranich Logistik", "Ledgerly"]
    assert document["work"][0]["highlights"] == ["null"]
    assert document["work"][1]["highlights"] == [work.highlights[0].text]
    assert "volunteer" not in document and "projects" not in document
    assert "Terraform" not in json.dumps(document)
    assert document["interests"] == load("full.json")["interests"]


def test_tailored_export_from_the_tailoring_stage(
    tmp_path: Path, validator: jsonschema.Draft7Validator
) -> None:
    tailor = pytest.importorskip("cvsite.tailor")
    out = tmp_path / "cv"
    import_jsonresume(FULL, out)
    (out / "jobs" / "payments.yaml").write_text(
        "company: Payfast\nrole: Backend engineer\ntags: {go: 3, kafka: 2, postgresql: 1}\n"
        "exclude: [terraform, event-sourcing]\nheadline: Payments backend engineer\n", encoding="utf-8")
    workspace = load_workspace(out)
    cv = tailor.tailor(workspace, "payments")
    document = export_jsonresume(workspace.profile, cv)
    assert_valid(validator, document)
    assert document["basics"]["label"] == "Payments backend engineer"
    text = json.dumps(document)
    assert "Terraform" not in text and "pgledger" not in text
    skills = cv.section("skills")
    assert skills is not None
    assert [k for s in document["skills"] for k in s.get("keywords", [s["name"]])] == [
        r.item.name for r in skills.items]
    experience = cv.section("experience")
    assert experience is not None
    assert [w["name"] for w in document["work"]] == [
        r.item.org for r in experience.items if isinstance(r.item, Experience) and r.item.kind == "work"]


# --- Command line ---------------------------------------------------------------------------------


def test_cli_import_then_export_to_stdout_and_file(
    tmp_path: Path, validator: jsonschema.Draft7Validator
) -> None:
    runner = CliRunner()
    out = tmp_path / "cv"
    result = runner.invoke(cli, ["import", "jsonresume", str(FULL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Imported {FULL} into {out / 'profile.yaml'}" in result.output
    assert "$.work (2) -> experience" in result.output

    result = runner.invoke(cli, ["export", "jsonresume", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == load("full.json")

    target = tmp_path / "resume.json"
    result = runner.invoke(cli, ["export", "jsonresume", str(EXAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert_valid(validator, json.loads(target.read_text(encoding="utf-8")))
    assert "no home in JSON Resume: pitch: no JSON Resume field" in result.stdout  # the report
    assert result.stderr == ""
    to_stdout = runner.invoke(cli, ["export", "jsonresume", str(EXAMPLE)])
    assert json.loads(to_stdout.stdout)["basics"]["name"]  # the document alone; the notes beside it
    assert "no home in JSON Resume: pitch" in to_stdout.stderr


def test_cli_export_for_one_job(tmp_path: Path) -> None:
    pytest.importorskip("cvsite.tailor")
    result = CliRunner().invoke(cli, ["export", "jsonresume", str(EXAMPLE), "--job", "ml-engineer"])
    assert result.exit_code == 0, result.output
    job = load_workspace(EXAMPLE).jobs["ml-engineer"]
    assert json.loads(result.stdout)["basics"]["label"] == job.headline


def test_cli_bad_input_exits_2_with_the_json_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "jsonresume", str(FIXTURES / "bad_types.json"),
                                      "-o", str(tmp_path / "cv")])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "$.work[2].startDate: a date is text" in result.stderr
    assert "7 problems found." in result.stderr
    assert not (tmp_path / "cv").exists()


def test_cli_missing_file_and_unknown_job(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "jsonresume", str(tmp_path / "nope.json"), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "file not found" in result.stderr
    result = runner.invoke(cli, ["export", "jsonresume", str(EXAMPLE), "--job", "ml-enginer"])
    assert result.exit_code == 2 and "no job 'ml-enginer' (did you mean 'ml-engineer'?)" in result.stderr


# --- Round trip of generated documents ------------------------------------------------------------

_ALPHABET = string.ascii_letters + string.digits + " -:#'\"&*!%@`|>{}[],.?\néßü中"
text = st.text(_ALPHABET, min_size=1, max_size=24).map(str.strip).filter(bool)
slug = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
url = slug.map(lambda s: f"https://example.org/{s}")


@st.composite
def dates(draw: st.DrawFn) -> tuple[int, int, int]:
    month = draw(st.integers(0, 12))
    return draw(st.integers(1950, 2030)), month, draw(st.integers(1, 28)) if month else 0


def _iso(value: tuple[int, int, int]) -> str:
    year, month, day = value
    return "-".join([f"{year}", *([f"{month:02d}"] if month else []), *([f"{day:02d}"] if day else [])])


@st.composite
def span(draw: st.DrawFn, required: bool = False) -> dict[str, str]:
    first, second = sorted([draw(dates()), draw(dates())])
    out = {"startDate": _iso(first)} if required or draw(st.booleans()) else {}
    if draw(st.booleans()):
        out["endDate"] = _iso(second)
    return out


def entry(fields: dict[str, Any], optional: dict[str, Any], dated: str | None = None) -> Any:
    base = st.fixed_dictionaries(fields, optional=optional)
    if dated is None:
        return base
    return st.tuples(base, span(required=dated == "required")).map(lambda pair: {**pair[0], **pair[1]})


words = st.lists(text, max_size=3)
profiles = st.lists(st.sampled_from(["GitHub", "LinkedIn", "Mastodon", "Keybase"]), unique=True).flatmap(
    lambda networks: st.tuples(*[st.tuples(st.just(n), slug) for n in networks])
).map(lambda pairs: [{"network": n, "username": u, "url": f"https://example.org/{n.lower()}/{u}"}
                     for n, u in pairs])

documents = st.fixed_dictionaries({
    "basics": st.fixed_dictionaries({"name": text, "label": text}, optional={
        "image": url, "email": slug.map(lambda s: f"{s}@example.org"), "phone": text, "url": url,
        "summary": text, "profiles": profiles,
        "location": st.fixed_dictionaries({}, optional={
            "address": text, "postalCode": text, "city": text, "countryCode": text, "region": text}),
    }),
}, optional={
    "work": st.lists(entry({"name": text, "position": text}, {
        "url": url, "summary": text, "highlights": words, "location": text, "description": text,
    }, "required"), max_size=2),
    "volunteer": st.lists(entry({"organization": text, "position": text},
                                {"url": url, "summary": text, "highlights": words}, "required"), max_size=2),
    "education": st.lists(entry({"institution": text, "area": text}, {
        "url": url, "studyType": text, "score": text, "courses": words}, "optional"), max_size=2),
    "awards": st.lists(entry({"title": text}, {"date": dates().map(_iso), "awarder": text, "summary": text}),
                       max_size=2),
    "certificates": st.lists(entry({"name": text}, {"date": dates().map(_iso), "issuer": text, "url": url}),
                             max_size=2),
    "publications": st.lists(entry({"name": text}, {
        "publisher": text, "releaseDate": dates().map(_iso), "url": url, "summary": text}), max_size=2),
    "skills": st.lists(entry({"name": text}, {"level": text, "keywords": words}), max_size=3),
    "languages": st.lists(entry({"language": text}, {"fluency": text}), max_size=2),
    "interests": st.lists(entry({"name": text}, {"keywords": words}), max_size=2),
    "references": st.lists(entry({"name": text}, {"reference": text}), max_size=2),
    "projects": st.lists(entry({"name": text}, {
        "description": text, "highlights": words, "url": url, "roles": words, "entity": text, "type": text,
        "keywords": words}, "optional"), max_size=2),
    "meta": st.fixed_dictionaries({}, optional={"canonical": url, "version": text, "lastModified": text}),
})


def normalised(document: dict[str, Any]) -> Any:
    """Empty values dropped (both mean 'not given'), profiles by network (contact is keyed by network)."""
    def compact(value: Any) -> Any:
        if isinstance(value, dict):
            pairs = ((k, compact(v)) for k, v in value.items())
            return {k: v for k, v in pairs if v not in ([], {}, None)}
        return [compact(v) for v in value] if isinstance(value, list) else value

    result = compact(copy.deepcopy(document))
    result.pop("$schema", None)
    basics = result["basics"]
    if "profiles" in basics:
        basics["profiles"] = sorted(basics["profiles"], key=lambda p: p["network"])
    return result


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_round_trip_of_generated_documents(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "resume.json"
        source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        report = import_jsonresume(source, Path(folder) / "cv")
        assert report.no_home == []
        profile = load_workspace(Path(folder) / "cv").profile
    assert normalised(export_jsonresume(profile)) == normalised(document)



# --- What the pages show ----------------------------------------------------------------------------

SAMPLE = FIXTURES / "sample.json"
_DATE_KEYS = {"startDate", "endDate", "date", "releaseDate"}


def _values_at(value: Any, parts: list[str]) -> list[Any]:
    """Every value of a document at a schema path split into parts (`work[]`, `highlights[]`)."""
    if not parts:
        return [value]
    head, rest = parts[0], parts[1:]
    key, many = head.removesuffix("[]"), head.endswith("[]")
    inner = value.get(key) if isinstance(value, dict) else None
    if inner is None:
        return []
    return [found for item in (inner if many else [inner]) for found in _values_at(item, rest)]


def _plain(text: str) -> str:
    """Text without markdown emphasis or any whitespace: markup splits text in different places."""
    return "".join(text.replace("**", "").split())


def _shown_paths(document: dict[str, Any]) -> set[str]:
    return filled_paths(document) - set(not_shown())


def _built(tmp_path: Path, source: Path, theme: str, pdf: bool = False) -> Path:
    from cvsite.build import build_site

    import_jsonresume(source, tmp_path / "cv")
    profile = tmp_path / "cv" / "profile.yaml"
    profile.write_text(profile.read_text("utf-8") + f"theme: {theme}\n", "utf-8")
    build_site(tmp_path / "cv", tmp_path / "site", pdf=pdf)
    return tmp_path / "site"


def assert_page_shows_every_field(page: Path, document: dict[str, Any]) -> None:
    from bs4 import BeautifulSoup

    from cvsite.locale import load_locale
    from cvsite.model import parse_date

    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    text = _plain(soup.get_text())
    hrefs = {a["href"].rstrip("/") for a in soup.find_all("a", href=True)}
    locale = load_locale("en")
    missing = []
    for path in sorted(_shown_paths(document)):
        for value in _values_at(document, path.removeprefix("$.").split(".")):
            if value == "":
                continue
            key = path.rsplit(".", 1)[-1].removesuffix("[]")
            if key in _DATE_KEYS:
                found = _plain(locale.date(parse_date(value))) in text
            elif key == "url":
                found = value.rstrip("/") in hrefs or f"https://{value}".rstrip("/") in hrefs
            else:
                found = _plain(str(value)) in text
            if not found:
                missing.append(f"{path}: {value!r}")
    assert missing == []


def test_not_shown_table_names_only_fields_of_the_schema() -> None:
    schema_leaves = filled_paths(_leaf_document(load("schema.json")))
    assert set(not_shown()) <= schema_leaves
    assert _shown_paths(load("full.json")) == schema_leaves - set(not_shown())


def _leaf_document(schema: dict[str, Any]) -> Any:
    """A document with the text 'x' in every field the schema defines."""
    if "properties" in schema:
        return {key: _leaf_document(sub) for key, sub in schema["properties"].items()}
    if "items" in schema:
        return [_leaf_document(schema["items"])]
    return "x"


@pytest.mark.parametrize("theme", ["modern", "classic"])
@pytest.mark.parametrize("source", [FULL, SAMPLE], ids=["full", "sample"])
def test_page_shows_every_field_the_import_does_not_list_as_not_shown(
    tmp_path: Path, source: Path, theme: str
) -> None:
    """full.json fills every field of the schema, so this proves the not-shown table complete."""
    site = _built(tmp_path, source, theme)
    assert check_directory(tmp_path / "cv").errors == []
    assert_page_shows_every_field(site / "index.html", json.loads(source.read_text("utf-8")))


def test_official_sample_imports_with_its_quirks(tmp_path: Path) -> None:
    """The schema's sample gives a Twitter user name without a url and a project url without https://."""
    report = import_jsonresume(SAMPLE, tmp_path / "cv")
    assert report.no_home == [] and report.unknown == []
    assert {path for path, _ in report.not_shown} == filled_paths(load("sample.json")) & set(not_shown())
    profile = load_workspace(tmp_path / "cv").profile
    assert profile.contact.model_extra is not None
    assert profile.contact.model_extra["Twitter"] == "https://twitter.com/neutralthoughts"
    assert profile.projects[0].links == {"website": "https://missdirection.example.com"}
    assert [(s.name, s.group) for s in profile.skills][:2] == [("HTML", "Web Development"),
                                                               ("CSS", "Web Development")]


@pytest.mark.parametrize("theme", ["modern", "classic"])
def test_project_highlights_reach_the_pdf(tmp_path: Path, theme: str) -> None:
    from pypdf import PdfReader

    site = _built(tmp_path, SAMPLE, theme, pdf=True)
    [pdf] = site.glob("*.pdf")
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages).split())
    for highlight in load("sample.json")["projects"][0]["highlights"]:
        assert highlight in text
    assert "Dec 2013 – Dec 2014" in text


# --- Round trip of generated profiles -------------------------------------------------------------

_KIND_ORDER = ("award", "certificate", "publication", "post", "talk", "pull-request", "package", "other")
maybe = st.none() | text
tag = st.text(string.ascii_lowercase, min_size=1, max_size=6)


@st.composite
def period(draw: st.DrawFn, current: bool) -> dict[str, Any]:
    """A start and an end that is absent, current, the start itself or later."""
    first, second = sorted([draw(dates()), draw(dates())])
    end = draw(st.sampled_from(["none", "present", "date"] if current else ["none", "date"]))
    out: dict[str, Any] = {"start": _iso(first)}
    if end == "present":
        out["end"] = "present"
    elif end == "date":
        out["end"] = _iso(second)
    return out


def item(fields: dict[str, Any], optional: dict[str, Any], dated: Any = None) -> Any:
    base = st.fixed_dictionaries(fields, optional=optional)
    return base if dated is None else st.tuples(base, dated).map(lambda pair: {**pair[0], **pair[1]})


tags = st.lists(tag, max_size=2, unique=True)


def _experience(kind: str) -> Any:
    return item({"role": text, "org": text, "kind": st.just(kind)}, {
        "url": url, "summary": text, "highlights": words, "location": text, "org_description": text,
        "tags": tags}, period(current=True))


@st.composite
def education(draw: st.DrawFn) -> dict[str, Any]:
    """A degree named as the import names it ("Master of Science in Physics"), or otherwise."""
    study, area = draw(st.sampled_from([(True, True), (True, False), (False, True), (False, False)]))
    names = {"study_type": draw(text) if study else None, "area": draw(text) if area else None}
    derived = " in ".join(n for n in (names["study_type"], names["area"]) if n)
    degree = draw(text) if not derived or draw(st.booleans()) else derived
    extra = draw(st.fixed_dictionaries({"institution": text}, optional={
        "url": url, "score": text, "courses": words, "location": text, "summary": text, "tags": tags}))
    dated = draw(st.none() | period(current=False))
    return {k: v for k, v in {"degree": degree, **names, **extra, **(dated or {})}.items() if v is not None}


@st.composite
def project(draw: st.DrawFn) -> dict[str, Any]:
    """Keywords with the tags they make, or tags of their own; a single date, a period or both."""
    data = draw(st.fixed_dictionaries({"title": text}, optional={
        "summary": text, "contribution": text, "outcome": text, "highlights": words, "roles": words,
        "entity": text, "kind": text, "keywords": words, "featured": st.booleans(),
        "links": st.dictionaries(slug, url, max_size=2) | url.map(lambda u: {"website": u}),
    }))
    derived = list(dict.fromkeys(t for t in (kebab(k) for k in data.get("keywords", [])) if t))
    data["tags"] = draw(st.just(derived) | tags)
    single = dates().map(lambda d: {"date": _iso(d)})
    both = st.tuples(period(current=False), single).map(lambda pair: {**pair[0], **pair[1]})
    return {**data, **(draw(st.none() | period(current=False) | single | both) or {})}


@st.composite
def contribution(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(_KIND_ORDER))
    optional = {"where": text, "date": dates().map(_iso), "url": url, "summary": text, "tags": tags}
    return {"kind": kind, **draw(st.fixed_dictionaries({"title": text}, optional=optional))}


doi = st.tuples(st.integers(1000, 99999), slug).map(lambda pair: f"10.{pair[0]}/{pair[1]}")
publication = item({"title": text}, {"authors": words, "venue": text, "date": dates().map(_iso),
                                     "doi": doi, "url": url, "summary": text, "tags": tags})


skill = st.fixed_dictionaries({}, optional={
    "group": st.sampled_from(["Backend", "Data"]), "level": st.sampled_from(["Expert", "Advanced"]),
    "aliases": words, "tags": st.lists(tag, max_size=2, unique=True)})

generated_profiles = st.fixed_dictionaries({"name": text, "headline": text}, optional={
    "location": text, "summary": text, "image": url,
    "contact": st.fixed_dictionaries({}, optional={
        "email": slug.map(lambda s: f"{s}@example.org"), "phone": text, "website": url,
        "github": slug, "linkedin": slug, "Mastodon": url}),
    "experience": st.tuples(st.lists(_experience("work"), max_size=2),
                            st.lists(_experience("volunteer"), max_size=2)).map(lambda p: p[0] + p[1]),
    "projects": st.lists(project(), max_size=2),
    "contributions": st.lists(contribution(), max_size=4).map(
        lambda items: sorted(items, key=lambda c: _KIND_ORDER.index(c["kind"]))),
    "education": st.lists(education(), max_size=2),
    "skills": st.lists(st.tuples(text, skill), max_size=5, unique_by=lambda pair: pair[0]).map(
        lambda pairs: [{"name": name, **rest} for name, rest in pairs]),
    "publications": st.lists(publication, max_size=2),
    "languages": st.lists(item({"name": text}, {"level": text, "tags": tags}), max_size=2),
    "interests": st.lists(item({"name": text}, {"keywords": words}), max_size=2),
    "references": st.lists(item({"name": text}, {"reference": text}), max_size=2),
    "meta": st.fixed_dictionaries({"version": text}, optional={"canonical": url, "last_modified": text}),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_profiles)
def test_round_trip_of_generated_profiles(data: dict[str, Any]) -> None:
    """profile -> JSON Resume -> profile gives back every field (what JSON Resume has no
    place for in x-cvsite): current roles and roles that end as they start, skill groups and
    levels, contributions of every kind, project contribution, outcome, links and tags,
    publications with authors and DOI. Experience lists work before volunteering and
    contributions follow JSON Resume's sections, as the generated profiles do."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "cv").mkdir()
        (root / "cv" / "profile.yaml").write_text(dump_yaml(data), encoding="utf-8")
        before = load_workspace(root / "cv").profile
        result = build_export(before)
        (root / "resume.json").write_text(json.dumps(result.document, ensure_ascii=False), "utf-8")
        report = import_jsonresume(root / "resume.json", root / "back")
        assert report.no_home == [] and report.unknown == []
        after = load_workspace(root / "back").profile
    assert result.no_home == []
    assert after.model_dump() == before.model_dump()


def test_what_older_tools_and_themes_write_imports_with_warnings(tmp_path: Path) -> None:
    """JSON Resume 0.x key names, `meta.theme` (resume-cli) and keys a theme reads: warnings, not errors."""
    source = FIXTURES / "resume-cli.json"
    report = import_jsonresume(source, tmp_path / "cv")
    warnings = [line.removeprefix("warning: ") for line in report.lines() if line.startswith("warning: ")]
    assert ("$.basics.picture: 'picture' is JSON Resume 0.x's name for 'image'; imported as 'image'"
            in warnings)
    assert "$.work[0].company: 'company' is JSON Resume 0.x's name for 'name'; imported as 'name'" in warnings
    assert "$.education[0].gpa: 'gpa' is JSON Resume 0.x's name for 'score'; imported as 'score'" in warnings
    assert "$.meta.theme: unknown key 'theme'; not imported" in warnings
    assert "$.work[0].isCurrentRole: unknown key 'isCurrentRole'; not imported" in warnings
    assert "$.skills[0].icon: unknown key 'icon'; not imported" in warnings
    assert (report.unknown[0].line, report.unknown[0].column) == (6, 5)  # where `picture` is
    assert check_directory(tmp_path / "cv").errors == []
    profile = load_workspace(tmp_path / "cv").profile
    [job] = profile.experience
    assert (job.org, job.url, job.end) == ("Orbit Hosting", "https://orbit.example", "present")
    assert (profile.contact.website, profile.image) == (
        "https://lee-park.example", "https://lee-park.example/me.png")
    assert profile.education[0].score == "3.7"
    assert [(s.name, s.group) for s in profile.skills] == [
        ("Kubernetes", "Operations"), ("Terraform", "Operations")]


# --- The frictions issue 16 reported, one test each -----------------------------------------------


def test_a_current_job_reads_as_current_on_the_page(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    site = _built(tmp_path, FULL, "modern")
    soup = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    ledgerly = next(a for a in soup.select("article.entry") if "Ledgerly" in a.get_text())
    assert "Mar 2021 – present" in ledgerly.select_one(".meta").get_text()


@pytest.mark.parametrize("theme", ["modern", "classic"])
def test_skill_groups_are_groups_of_skills_on_the_page(tmp_path: Path, theme: str) -> None:
    from bs4 import BeautifulSoup

    site = _built(tmp_path, FULL, theme)
    soup = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    section = soup.select_one("section.section-skills")
    assert section is not None
    skills = [" ".join(node.get_text().split()) for node in section.select("[data-key]")]
    assert {"Go", "PostgreSQL", "Kafka", "C++", "Kubernetes", "Terraform", "Python"} == set(skills)
    headings = [" ".join(h.get_text().split()) for h in section.select("h3, dt")]
    assert headings == ["Backend", "Operations"]


def test_export_then_import_keeps_present_projects_and_contributions(tmp_path: Path) -> None:
    """The round trip the issue tried by hand, on the example profile."""
    before = load_workspace(EXAMPLE).profile
    (tmp_path / "resume.json").write_text(json.dumps(export_jsonresume(before)), "utf-8")
    import_jsonresume(tmp_path / "resume.json", tmp_path / "cv")
    after = load_workspace(tmp_path / "cv").profile
    assert [x.end for x in after.experience] == [x.end for x in before.experience]
    assert "present" in [x.end for x in after.experience]
    assert [(p.title, p.contribution, p.outcome, p.highlights, p.links) for p in after.projects] == [
        (p.title, p.contribution, p.outcome, p.highlights, p.links) for p in before.projects]
    assert sorted((c.kind, c.title) for c in after.contributions) == sorted(
        (c.kind, c.title) for c in before.contributions)
    assert [(s.name, s.group, s.aliases) for s in after.skills] == [
        (s.name, s.group, s.aliases) for s in before.skills]
