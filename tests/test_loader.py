"""Loading a profile directory: every error class, reported at once with file, line and hint."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.errors import CvsiteError, Problem
from cvsite.loader import Workspace, assign_ids, items, load_workspace
from cvsite.model import SECTIONS, Profile

FIXTURES = Path(__file__).parent / "fixtures" / "foundation"
VALID = FIXTURES / "valid"
VALID_PROFILE = (VALID / "profile.yaml").read_text(encoding="utf-8")
MINIMAL = "name: Ada Example\nheadline: Data scientist\n"


def make(root: Path, profile: str | None = MINIMAL, **files: str) -> Path:
    """A profile directory; keywords are files under jobs/ (`acme_yaml` or `**{"acme.yaml": ...}`)."""
    root.mkdir(parents=True, exist_ok=True)
    if profile is not None:
        (root / "profile.yaml").write_text(profile, encoding="utf-8")
    for name, text in files.items():
        path = root / "jobs" / name.replace("_yaml", ".yaml").replace("_txt", ".txt")
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path, only: tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(CvsiteError) as caught:
        load_workspace(root, only)
    return caught.value.problems


def one(root: Path, only: tuple[str, ...] = ()) -> Problem:
    found = problems(root, only)
    assert len(found) == 1, found
    return found[0]


def job(company: str = "Acme", role: str = "Data Scientist", extra: str = "") -> str:
    return f"company: {company}\nrole: {role}\n{extra}"


# --- a valid directory --------------------------------------------------------------------------


def test_valid_fixture_loads_everything() -> None:
    ws = load_workspace(VALID)
    assert isinstance(ws, Workspace)
    assert ws.profile.name == "Ada Example"
    assert sorted(ws.jobs) == ["data-role", "inline"]
    assert ws.postings["data-role"].startswith("Senior Data Scientist at Example GmbH")
    assert ws.postings["inline"] == "We want an analyst who knows SQL."
    assert ws.jobs["data-role"].limit == {"projects": 2}
    assert set(ws.documents) == {str(VALID / "profile.yaml"), *(str(VALID / "jobs" / f"{s}.yaml")
                                                                 for s in ws.jobs)}
    assert ws.profile_file == str(VALID / "profile.yaml")
    assert ws.job_file("inline") == str(VALID / "jobs" / "inline.yaml")


def test_valid_fixture_normalises_tags_and_dates() -> None:
    profile = load_workspace(VALID).profile
    assert profile.experience[0].tags == ["machine-learning", "python"]
    assert profile.experience[0].highlights[1].tags == ["data-engineering"]
    assert profile.projects[1].tags == ["data-engineering"]
    assert str(profile.projects[0].date) == "2021-06-15"
    assert profile.experience[0].end == "present"


def test_only_selected_jobs_are_loaded() -> None:
    ws = load_workspace(VALID, ["inline"])
    assert list(ws.jobs) == ["inline"]


def test_a_directory_without_jobs_is_valid(tmp_path: Path) -> None:
    ws = load_workspace(make(tmp_path))
    assert ws.jobs == {}
    assert ws.profile.contact.email is None


def test_merge_keys_can_share_fields(tmp_path: Path) -> None:
    profile = MINIMAL + (
        "experience:\n"
        "  - &acme {role: Analyst, org: Acme, start: 2018, end: 2020}\n"
        "  - <<: *acme\n"
        "    role: Data Scientist\n"
        "    start: 2020\n"
        "    end: present\n"
    )
    ws = load_workspace(make(tmp_path, profile))
    roles = [(e.role, e.org) for e in ws.profile.experience]
    assert roles == [("Analyst", "Acme"), ("Data Scientist", "Acme")]


def test_hidden_editor_files_in_jobs_are_ignored(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job())
    (root / "jobs" / ".#acme.yaml").write_text("garbage: [", encoding="utf-8")
    assert list(load_workspace(root).jobs) == ["acme"]


# --- misspelled keys ---------------------------------------------------------------------------


def test_misspelled_top_level_key(tmp_path: Path) -> None:
    problem = one(make(tmp_path, MINIMAL + "projets:\n  - title: X\n"))
    assert problem.file == str(tmp_path / "profile.yaml")
    assert (problem.line, problem.column) == (3, 1)
    assert problem.path == "projets"
    assert problem.message == "unknown field 'projets' (did you mean 'projects'?)"
    assert str(problem) == (f"{tmp_path / 'profile.yaml'}:3:1: projets: "
                            "unknown field 'projets' (did you mean 'projects'?)")


def test_misspelled_nested_key(tmp_path: Path) -> None:
    profile = MINIMAL + "experience:\n  - role: Analyst\n    orgg: Acme\n    start: 2020\n"
    found = problems(make(tmp_path, profile))
    by_path = {p.path: p for p in found}
    assert set(by_path) == {"experience[0].orgg", "experience[0].org"}
    typo = by_path["experience[0].orgg"]
    assert (typo.line, typo.column) == (5, 5)
    assert typo.message == "unknown field 'orgg' (did you mean 'org'?)"
    missing = by_path["experience[0].org"]
    assert missing.message == "required field 'org' is missing"
    assert missing.line == 4


def test_misspelled_key_in_a_highlight(tmp_path: Path) -> None:
    profile = MINIMAL + (
        "experience:\n  - role: A\n    org: B\n    start: 2020\n"
        "    highlights:\n      - text: Did it\n        tgs: [x]\n"
    )
    problem = one(make(tmp_path, profile))
    assert problem.path == "experience[0].highlights[0].tgs"
    assert (problem.line, problem.column) == (9, 9)
    assert problem.message == "unknown field 'tgs' (did you mean 'tags'?)"


def test_misspelled_contact_key_is_suggested(tmp_path: Path) -> None:
    problem = one(make(tmp_path, MINIMAL + "contact:\n  gihub: ada-example\n"))
    assert problem.path == "contact.gihub"
    assert (problem.line, problem.column) == (4, 3)
    assert problem.message == ("'ada-example' is not a web address; write it as https://… "
                               "(did you mean 'github'?)")


def test_unknown_key_far_from_any_field_has_no_suggestion(tmp_path: Path) -> None:
    problem = one(make(tmp_path, MINIMAL + "zzzzqqq: 1\n"))
    assert problem.message == "unknown field 'zzzzqqq'"


def test_misspelled_job_key(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml="company: Acme\nrole: DS\nexlude: [x]\n")
    problem = one(root)
    assert problem.file == str(root / "jobs" / "acme.yaml")
    assert (problem.line, problem.column, problem.path) == (3, 1, "exlude")
    assert problem.message == "unknown field 'exlude' (did you mean 'exclude'?)"


# --- wrong types ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "path", "line", "message"),
    [
        ("projects: Churn radar\n", "projects", 3, "expected a list, got the text 'Churn radar'"),
        ("contact: ada@example.com\n", "contact", 3,
         "expected a mapping of fields, got the text 'ada@example.com'"),
        ("location: 10115\n", "location", 3,
         "expected text, got the number 10115; put it in quotes if it is text"),
        ("location: no\n", "location", 3,
         "expected text, but YAML read yes/no/true/false/on/off as a boolean; put the text in quotes"),
        ("projects:\n  - title: X\n    featured: maybe\n", "projects[0].featured", 5,
         "expected true or false, got the text 'maybe'"),
        ("skills:\n  - name: SQL\n    tags: sql\n", "skills[0].tags", 5,
         "expected a list, got the text 'sql'"),
        ("aliases: [ml]\n", "aliases", 3, "expected a mapping of `key: value` pairs, got a list"),
        ("pdf:\n  max_pages: two\n", "pdf.max_pages", 4, "expected a whole number, got the text 'two'"),
        ("pdf:\n  max_pages: 0\n", "pdf.max_pages", 4,
         "input should be greater than or equal to 1 (got the number 0)"),
        ("contributions:\n  - title: T\n    kind: tallk\n", "contributions[0].kind", 5,
         "'tallk' is not allowed here (did you mean 'talk'?)"),
    ],
)
def test_wrong_types(tmp_path: Path, extra: str, path: str, line: int, message: str) -> None:
    problem = one(make(tmp_path, MINIMAL + extra))
    assert (problem.path, problem.line, problem.message) == (path, line, message)


def test_missing_required_fields_point_at_the_file_start(tmp_path: Path) -> None:
    found = problems(make(tmp_path, "location: Berlin\n"))
    assert [(p.path, p.line, p.message) for p in found] == [
        ("name", 1, "required field 'name' is missing"),
        ("headline", 1, "required field 'headline' is missing"),
    ]


# --- dates ----------------------------------------------------------------------------------------


def test_impossible_month(tmp_path: Path) -> None:
    profile = MINIMAL + "experience:\n  - role: A\n    org: B\n    start: 2021-13\n"
    problem = one(make(tmp_path, profile))
    assert (problem.path, problem.line, problem.column) == ("experience[0].start", 6, 5)
    assert problem.message == "'2021-13' has no month 13; months run 01 to 12"


def test_impossible_day(tmp_path: Path) -> None:
    profile = MINIMAL + "projects:\n  - title: P\n    date: 2021-02-30\n"
    problem = one(make(tmp_path, profile))
    assert (problem.path, problem.line) == ("projects[0].date", 5)
    assert problem.message == "'2021-02-30' is not a real day (February has 28)"


def test_end_before_start_points_at_end(tmp_path: Path) -> None:
    profile = MINIMAL + "education:\n  - degree: MSc\n    institution: U\n    start: 2019-09\n    end: 2018\n"
    problem = one(make(tmp_path, profile))
    assert (problem.path, problem.line, problem.column) == ("education[0].end", 7, 5)
    assert problem.message == "ends (2018) before it starts (2019-09)"


def test_not_a_date(tmp_path: Path) -> None:
    profile = MINIMAL + "projects:\n  - title: P\n    end: soon\n"
    problem = one(make(tmp_path, profile))
    assert problem.message == "'soon' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"


# --- ids ------------------------------------------------------------------------------------------


def test_duplicate_explicit_ids(tmp_path: Path) -> None:
    profile = MINIMAL + "projects:\n  - id: x\n    title: A\nskills:\n  - name: B\n    id: x\n"
    problem = one(make(tmp_path, profile))
    assert (problem.path, problem.line, problem.column) == ("skills[0].id", 8, 5)
    assert problem.message == "duplicate id 'x' (also used by projects[0])"


def test_duplicate_ids_are_reported_alongside_other_errors(tmp_path: Path) -> None:
    profile = MINIMAL + "projects:\n  - id: x\n    title: A\n  - id: x\n    title: B\n    featured: maybe\n"
    assert {p.path for p in problems(make(tmp_path, profile))} == {"projects[1].id", "projects[1].featured"}


def test_derived_ids_are_stable_unique_and_suffixed(tmp_path: Path) -> None:
    profile = MINIMAL + (
        "experience:\n"
        "  - {role: Data Scientist, org: Acme, start: 2020}\n"
        "  - {role: Data Scientist, org: Acme, start: 2018}\n"
        "projects:\n"
        "  - {title: C++ & C# on .NET}\n"
        "  - {title: '!!!'}\n"
        "  - {title: 'Data Scientist, Acme'}\n"
        "  - {id: data-scientist-acme-3, title: Pinned}\n"
    )
    root = make(tmp_path, profile)
    first = [item.id for _, _, item in items(load_workspace(root).profile)]
    assert first == ["data-scientist-acme", "data-scientist-acme-2", "cpp-csharp-on-net", "projects",
                     "data-scientist-acme-4", "data-scientist-acme-3"]
    assert [item.id for _, _, item in items(load_workspace(root).profile)] == first


def test_assign_ids_keeps_explicit_ids() -> None:
    profile = Profile.model_validate(
        {"name": "A", "headline": "B", "skills": [{"name": "Python"}, {"name": "Python", "id": "python"}]}
    )
    assign_ids(profile)
    assert [s.id for s in profile.skills] == ["python-2", "python"]


# --- job files ------------------------------------------------------------------------------------


def test_unknown_section_in_limit(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="limit:\n  projets: 3\n  skills: 5\n"))
    problem = one(root)
    assert (problem.path, problem.line, problem.column) == ("limit.projets", 4, 3)
    assert problem.message == "unknown key 'projets' (did you mean 'projects'?)"


def test_unknown_section_in_sections(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="sections: [projects, experiance]\n"))
    problem = one(root)
    assert (problem.path, problem.line, problem.column) == ("sections[1]", 3, 22)
    assert problem.message == "'experiance' is not allowed here (did you mean 'experience'?)"


def test_far_off_section_lists_the_choices(tmp_path: Path) -> None:
    problem = one(make(tmp_path, acme_yaml=job(extra="sections: [hobbies]\n")))
    assert problem.message == f"'hobbies' is not allowed here (expected one of: {', '.join(SECTIONS)})"


def test_section_listed_twice(tmp_path: Path) -> None:
    problem = one(make(tmp_path, acme_yaml=job(extra="sections:\n  - skills\n  - projects\n  - skills\n")))
    assert (problem.path, problem.line) == ("sections[0]", 4)
    assert problem.message == "section 'skills' is listed 2 times"


def test_negative_limit(tmp_path: Path) -> None:
    problem = one(make(tmp_path, acme_yaml=job(extra="limit: {skills: -1}\n")))
    assert problem.path == "limit.skills"
    assert problem.message.startswith("input should be greater than or equal to 0")


def test_missing_posting_file_suggests_a_sibling(tmp_path: Path) -> None:
    root = make(tmp_path, **{"acme.yaml": job(extra="posting: acme-posting.txt\n"), "acme-postng.txt": "ad"})
    problem = one(root)
    assert problem.file == str(root / "jobs" / "acme.yaml")
    assert (problem.path, problem.line, problem.column) == ("posting", 3, 1)
    assert problem.message == (f"posting file 'acme-posting.txt' not found in {root / 'jobs'} "
                               "(did you mean 'acme-postng.txt'?)")


def test_posting_file_outside_jobs(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="posting: ../secret.txt\n"))
    (root / "secret.txt").write_text("no", encoding="utf-8")
    problem = one(root)
    assert problem.message == "posting file '../secret.txt' is outside the jobs/ folder"


@pytest.mark.parametrize("name", ['"a\\0b.txt"', "é" * 150 + ".txt"])
def test_unusable_posting_file_name_is_an_error_not_a_crash(tmp_path: Path, name: str) -> None:
    problem = one(make(tmp_path, acme_yaml=job(extra=f"posting: {name}\n")))
    assert problem.path == "posting"
    assert problem.message.startswith("posting file name is unusable")


def test_posting_file_in_latin1(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="posting: ad.txt\n"))
    (root / "jobs" / "ad.txt").write_bytes("Line one\nMünchen\n".encode("latin-1"))
    problem = one(root)
    assert (problem.file, problem.line) == (str(root / "jobs" / "ad.txt"), 2)
    assert "not valid UTF-8" in problem.message


def test_exclude_typo_is_suggested(tmp_path: Path) -> None:
    root = make(tmp_path, VALID_PROFILE, acme_yaml=job(extra="exclude: [machine-learnin, cooking]\n"))
    problem = one(root)
    assert (problem.path, problem.line, problem.column) == ("exclude[0]", 3, 11)
    assert problem.message == "no item is tagged 'machine-learnin' (did you mean 'machine-learning'?)"


@pytest.mark.parametrize("name", ["Bad_Name.yaml", "my job.yaml", "-lead.yaml", "Acme.yml"])
def test_bad_job_file_name(tmp_path: Path, name: str) -> None:
    root = make(tmp_path)
    (root / "jobs").mkdir()
    (root / "jobs" / name).write_text(job(), encoding="utf-8")
    problem = one(root)
    assert problem.file == str(root / "jobs" / name)
    assert problem.message == (f"job file name '{name}' is not a usable slug: "
                               "use lowercase letters, digits and hyphens")


def test_two_files_for_one_slug(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job())
    (root / "jobs" / "acme.yml").write_text(job(), encoding="utf-8")
    problem = one(root)
    assert problem.message == "two job files for slug 'acme'"


def test_unknown_job_selected(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(), beta_yaml=job())
    problem = one(root, ("acmee",))
    assert problem.file == str(root / "jobs")
    assert problem.message == "no job 'acmee' (did you mean 'acme'?)"


def test_duplicate_keys_in_a_job(tmp_path: Path) -> None:
    problem = one(make(tmp_path, acme_yaml="company: A\nrole: B\ncompany: C\n"))
    assert (problem.line, problem.column, problem.message) == (3, 1, "duplicate key 'company'")


# --- unreadable files ----------------------------------------------------------------------------


def test_missing_profile(tmp_path: Path) -> None:
    problem = one(make(tmp_path, profile=None))
    assert problem.file == str(tmp_path / "profile.yaml")
    assert problem.message.startswith(f"no profile.yaml in {tmp_path}")
    assert "cvsite init" in problem.message


def test_directory_where_profile_should_be(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").mkdir()
    problem = one(tmp_path)
    assert problem.message == "is a directory, expected a file"


def test_directory_where_a_job_should_be(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "jobs" / "acme.yaml").mkdir(parents=True)
    problem = one(root)
    assert problem.file == str(root / "jobs" / "acme.yaml")
    assert problem.message == "is a directory, expected a file"


def test_root_that_is_not_a_directory(tmp_path: Path) -> None:
    assert one(tmp_path / "nowhere").message == "no such directory"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert one(tmp_path / "file").message == "is not a directory"


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing yet\n", "---\n", "~\n"])
def test_empty_profile(tmp_path: Path, text: str) -> None:
    problem = one(make(tmp_path, text))
    assert (problem.line, problem.message) == (1, "file is empty")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- name: Ada\n", "a list"), ("Ada Example\n", "the text 'Ada Example'"), ("42\n", "the number 42")],
)
def test_non_mapping_document(tmp_path: Path, text: str, kind: str) -> None:
    problem = one(make(tmp_path, text))
    assert problem.message == f"expected a mapping of fields (`name: value` lines), got {kind}"


def test_malformed_yaml_in_profile(tmp_path: Path) -> None:
    problem = one(make(tmp_path, MINIMAL + "summary: [oops\nlocation: Berlin\n"))
    assert problem.file == str(tmp_path / "profile.yaml")
    assert problem.line == 4
    assert problem.message.startswith("invalid YAML:")


def test_latin1_profile(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_bytes("name: Zoë\nheadline: x\n".encode("latin-1"))
    problem = one(tmp_path)
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "file is not valid UTF-8 text (save it as UTF-8)"


def test_huge_profile_is_refused_by_size(tmp_path: Path) -> None:
    with (tmp_path / "profile.yaml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    problem = one(tmp_path)
    assert problem.message.startswith("file is 52.4 MB; the limit is")


def test_alias_bomb_profile_is_refused(tmp_path: Path) -> None:
    rows = (f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "lol"] * 10) + "]\n" for i in range(10))
    bomb = "".join(rows)
    problem = one(make(tmp_path, MINIMAL + bomb))
    assert "alias bomb" in problem.message


# --- everything at once --------------------------------------------------------------------------


def test_problems_from_several_files_are_all_listed() -> None:
    root = FIXTURES / "broken"
    found = [(Path(p.file).relative_to(root).as_posix(), p.line, p.path, p.message) for p in problems(root)]
    assert found == [
        ("jobs/alpha.yaml", 4, "limit.projets", "unknown key 'projets' (did you mean 'projects'?)"),
        ("jobs/beta.yaml", 1, "role", "required field 'role' is missing"),
        ("jobs/beta.yaml", 2, "rol", "unknown field 'rol' (did you mean 'role'?)"),
        ("profile.yaml", 3, "projets", "unknown field 'projets' (did you mean 'projects'?)"),
        ("profile.yaml", 8, "experience[0].start", "'2021-13' has no month 13; months run 01 to 12"),
    ]


def test_broken_yaml_in_one_job_does_not_hide_others(tmp_path: Path) -> None:
    root = make(tmp_path, MINIMAL + "projets: []\n", a_yaml="company: [\n", b_yaml="- 1\n", c_yaml=job())
    files = sorted(Path(p.file).name for p in problems(root))
    assert files == ["a.yaml", "b.yaml", "profile.yaml"]


# --- fuzzing --------------------------------------------------------------------------------------

FUZZ_VALUES = ["123", "true", "no", "~", "[a, b]", "{x: 1}", "'2021-13'", "2021-02-30", "&x a", "*x",
               "!!binary x", "!!python/object:os.system {}", "|", "- item", "'unclosed", "{", "\t", "\x00",
               "\x85", "<<: 1", "present", "2019-01", "-1e999", "9" * 5000]
LINES = VALID_PROFILE.splitlines()


@st.composite
def mutated_profiles(draw: st.DrawFn) -> bytes:
    """The valid profile with a few lines deleted, duplicated, retyped or replaced by noise."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "retype", "noise", "indent", "swap"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "retype":
            key = lines[index].split(":", 1)[0]
            lines[index] = f"{key}: {draw(st.sampled_from(FUZZ_VALUES))}"
        elif action == "noise":
            lines[index] = draw(st.text(max_size=30))
        elif action == "indent":
            lines[index] = " " * draw(st.integers(0, 7)) + lines[index].lstrip()
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        if not lines:
            lines = [""]
    data = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


def _load_outcome(root: Path, profile: bytes, job_text: bytes) -> str:
    (root / "profile.yaml").write_bytes(profile)
    (root / "jobs" / "fuzz.yaml").write_bytes(job_text)
    try:
        load_workspace(root)
    except CvsiteError as error:
        assert error.problems
        assert all(isinstance(p.line, int) and p.message for p in error.problems)
        return "error"
    return "loaded"


def test_loader_only_ever_raises_cvsite_error() -> None:
    """Random and mutated YAML never escapes as anything but a CvsiteError (so never a traceback)."""
    outcomes = {"loaded": 0, "error": 0}
    job_text = (VALID / "jobs" / "data-role.yaml").read_bytes()
    examples = 400
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(VALID, root, dirs_exist_ok=True)
        (root / "jobs" / "data-role.yaml").unlink()

        @settings(max_examples=examples, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(st.one_of(mutated_profiles(), st.text(max_size=200).map(str.encode), st.binary(max_size=200)),
               st.one_of(st.just(job_text), mutated_job_texts()))
        def run(profile: bytes, job_bytes: bytes) -> None:
            outcomes[_load_outcome(root, profile, job_bytes)] += 1

        run()
    tried = sum(outcomes.values())
    print(f"\nloader fuzz: {tried} examples, {outcomes['loaded']} loaded, {outcomes['error']} clean errors")
    assert tried >= examples
    assert outcomes["loaded"] > 0 and outcomes["error"] > 0


def mutated_job_texts() -> st.SearchStrategy[bytes]:
    lines = (VALID / "jobs" / "data-role.yaml").read_text(encoding="utf-8").splitlines()
    return st.lists(st.sampled_from([*lines, *(f"limit: {v}" for v in FUZZ_VALUES), "posting: ../x.txt"]),
                    max_size=12).map(lambda chosen: "\n".join(chosen).encode("utf-8"))


# --- cover letters ------------------------------------------------------------------------------


def test_a_letter_file_beside_the_job_is_read_and_located(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="letter: acme-letter.md\n"),
                **{"acme-letter.md": "Dear Acme,\n\nI would like to join.\n"})
    ws = load_workspace(root)
    assert ws.jobs["acme"].letter == "Dear Acme,\n\nI would like to join.\n"
    source = ws.letters["acme"]
    assert source.file == str((root / "jobs" / "acme-letter.md").resolve())
    assert source.where(2, 4) == (3, 5)


def test_an_inline_letter_block_keeps_its_lines(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="letter: |\n\n    First line.\n\n    Third line.\n"))
    ws = load_workspace(root)
    assert ws.jobs["acme"].letter == "First line.\n\nThird line."
    source = ws.letters["acme"]
    assert (source.file, source.exact) == (str(root / "jobs" / "acme.yaml"), True)
    assert source.where(2) == (7, 5), "line 3 of the letter is line 7 of the job file, indented 4"


def test_a_folded_letter_reports_at_its_start(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="letter: One line letter.\n"))
    ws = load_workspace(root)
    assert ws.letters["acme"].where(5) == (3, 1) and not ws.letters["acme"].exact


def test_a_missing_letter_file_is_named_with_its_line(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="letter: acme-leter.md\n"), **{"acme-letter.md": "Hi"})
    problem = one(root)
    assert (problem.file, problem.line, problem.path) == (str(root / "jobs" / "acme.yaml"), 3, "letter")
    assert problem.message == (f"letter file 'acme-leter.md' not found in {root / 'jobs'} "
                               "(did you mean 'acme-letter.md'?)")


def test_a_letter_outside_the_jobs_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    root = make(tmp_path / "cv", acme_yaml=job(extra="letter: ../../secret.md\n"))
    assert one(root).message == "letter file '../../secret.md' is outside the jobs/ folder"


def test_outputs_of_a_job_override_the_profile_key_by_key(tmp_path: Path) -> None:
    root = make(tmp_path, MINIMAL + "outputs: {docx: false, txt: false}\n",
                acme_yaml=job(extra="outputs: {txt: true}\n"))
    ws = load_workspace(root)
    merged = ws.profile.outputs.merged(ws.jobs["acme"].outputs)
    assert (merged.docx, merged.txt, merged.letter_pdf) == (False, True, None)


def test_a_misspelled_outputs_key_is_suggested(tmp_path: Path) -> None:
    root = make(tmp_path, acme_yaml=job(extra="outputs: {letter: false}\n"))
    problem = one(root)
    assert problem.path == "outputs.letter" and "did you mean 'letter_pdf'" in problem.message
