"""Safe YAML loading: positions, and every way a file can be unreadable or hostile."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cvsite import yamlsource
from cvsite.errors import CvsiteError, Problem
from cvsite.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, load_yaml, parse_yaml, read_text

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def only_problem(text: str, name: str = "p.yaml") -> Problem:
    with pytest.raises(CvsiteError) as caught:
        parse_yaml(text, name)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


def test_positions_of_keys_and_list_items() -> None:
    doc = parse_yaml("name: Ada\nprojects:\n  - title: X\n    tags: [a, b]\n", "p.yaml")
    assert doc.data == {"name": "Ada", "projects": [{"title": "X", "tags": ["a", "b"]}]}
    assert doc.positions[("name",)] == (1, 1)
    assert doc.positions[("projects",)] == (2, 1)
    assert doc.positions[("projects", 0)] == (3, 5)
    assert doc.positions[("projects", 0, "title")] == (3, 5)
    assert doc.positions[("projects", 0, "tags", 1)] == (4, 15)


def test_where_falls_back_to_the_nearest_ancestor() -> None:
    doc = parse_yaml("a:\n  b: 1\n", "p.yaml")
    assert doc.where(("a", "b", "missing", 3)) == (2, 3)
    assert doc.where(("nowhere",)) == (1, 1)
    problem = doc.problem(("a", "b"), "a.b", "bad")
    assert (problem.file, problem.line, problem.column, problem.message) == ("p.yaml", 2, 3, "bad")


def test_dates_stay_strings_and_years_are_numbers() -> None:
    doc = parse_yaml("start: 2021-04-17\nmonth: 2021-04\nyear: 2021\n", "p.yaml")
    assert doc.data == {"start": "2021-04-17", "month": "2021-04", "year": 2021}


def test_keys_are_their_text_so_yes_and_numbers_stay_names() -> None:
    doc = parse_yaml("yes: 1\n2024: 2\nno: 3\n", "p.yaml")
    assert list(doc.data) == ["yes", "2024", "no"]
    assert doc.positions[("2024",)] == (2, 1)


def test_malformed_yaml_names_its_line_and_column() -> None:
    problem = only_problem("name: Ada\nheadline: [unclosed\nsummary: x\n")
    assert problem.file == "p.yaml"
    assert problem.message.startswith("invalid YAML:")
    assert problem.line == 3


def test_tab_indentation_is_reported_on_its_line() -> None:
    problem = only_problem("contact:\n\temail: a@b.c\n")
    assert (problem.line, problem.column) == (2, 1)
    assert "'\\t'" in problem.message


def test_duplicate_keys_are_refused_at_the_second_one() -> None:
    problem = only_problem("name: Ada\nheadline: x\nname: Bob\n")
    assert (problem.line, problem.column) == (3, 1)
    assert problem.message == "duplicate key 'name'"


def test_nested_duplicate_key_has_its_column() -> None:
    problem = only_problem("contact:\n  email: a@b.c\n  email: d@e.f\n")
    assert (problem.line, problem.column, problem.message) == (3, 3, "duplicate key 'email'")


def test_merge_keys_work_and_explicit_keys_override() -> None:
    doc = parse_yaml("base: &b {org: Acme, start: 2020}\njob:\n  <<: *b\n  org: Other\n", "p.yaml")
    assert doc.data["job"] == {"org": "Other", "start": 2020}
    assert doc.positions[("job", "org")] == (4, 3)


def test_merge_of_a_scalar_is_refused() -> None:
    problem = only_problem("a: &a 1\nb:\n  <<: *a\n")
    assert problem.line == 3
    assert "merge" in problem.message


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    problem = only_problem(BILLION_LAUGHS)
    assert time.perf_counter() - started < 2
    assert "alias bomb" in problem.message
    assert problem.line > 1


def test_merge_key_bomb_is_refused_fast() -> None:
    node = "&a0 {x0: 1, x1: 1, x2: 1, x3: 1, x4: 1, x5: 1, x6: 1, x7: 1, x8: 1, x9: 1}"
    for level in range(1, 9):
        node = f"&a{level} {{<<: [{node}, " + ", ".join([f"*a{level - 1}"] * 9) + "]}"
    started = time.perf_counter()
    problem = only_problem(f"z: {{<<: [{node}]}}\n")
    assert time.perf_counter() - started < 2
    assert "alias bomb" in problem.message


def test_an_alias_that_contains_itself_is_refused() -> None:
    problem = only_problem("a: &a [1, *a]\n")
    assert "contains itself" in problem.message
    assert problem.line == 1


def test_absurd_flow_nesting_is_refused_fast() -> None:
    started = time.perf_counter()
    problem = only_problem("name: " + "[" * 200_000 + "]" * 200_000 + "\n")
    assert time.perf_counter() - started < 2
    assert f"nesting deeper than {MAX_DEPTH} levels" in problem.message
    assert problem.line == 1


def test_absurd_block_nesting_is_refused() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(MAX_DEPTH + 20)) + "  " * 90 + "x: 1\n"
    problem = only_problem(text)
    assert "nesting deeper" in problem.message
    assert problem.line > MAX_DEPTH // 2


def test_huge_integer_is_a_clear_error() -> None:
    problem = only_problem("name: Ada\nyear: " + "9" * 5000 + "\n")
    assert (problem.line, problem.column) == (2, 7)
    assert problem.message.startswith("cannot read this value")


def test_control_character_is_located() -> None:
    problem = only_problem("name: Ada\nheadline: a\x01b\n")
    assert (problem.line, problem.column) == (2, 12)
    assert "U+0001" in problem.message


def test_several_documents_are_refused() -> None:
    problem = only_problem("name: Ada\n---\nname: Bob\n")
    assert problem.line == 2
    assert "another document" in problem.message


def test_unknown_tag_is_refused_without_running_anything() -> None:
    problem = only_problem("name: !!python/name:os.system x\n")
    assert problem.message.startswith("invalid YAML: could not determine a constructor")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n\n"])
def test_empty_text(text: str) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.message) == (1, "file is empty")


def test_non_mapping_keys_are_refused() -> None:
    problem = only_problem("name: Ada\n? [a, b]\n: 1\n")
    assert problem.message == "mapping keys must be plain text"
    assert problem.line == 2


def test_latin1_bytes_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes("name: Ada\nlocation: Zürich\n".encode("latin-1"))
    with pytest.raises(CvsiteError) as caught:
        load_yaml(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.line == 2
    assert "not valid UTF-8" in problem.message


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes("\ufeffname: Zoë\n".encode())
    assert load_yaml(path, "shown.yaml").data == {"name": "Zoë"}
    assert load_yaml(path, "shown.yaml").file == "shown.yaml"


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes(b"name: a\x00b\n")
    with pytest.raises(CvsiteError, match="NUL bytes"):
        load_yaml(path)


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    with pytest.raises(CvsiteError) as caught:
        read_text(tmp_path, "profile.yaml")
    assert caught.value.problems[0].message == "is a directory, expected a file"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CvsiteError) as caught:
        load_yaml(tmp_path / "nope.yaml")
    assert caught.value.problems[0].message == "file not found"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.yaml"
    os.mkfifo(fifo)
    with pytest.raises(CvsiteError) as caught:
        load_yaml(fifo)
    assert caught.value.problems[0].message == "is not a regular file"


def test_fifty_megabyte_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    with path.open("wb") as handle:  # sparse: instant, and no disk used
        handle.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(CvsiteError) as caught:
        load_yaml(path)
    assert time.perf_counter() - started < 1
    (problem,) = caught.value.problems
    assert problem.message == f"file is 52.4 MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"


def test_a_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "posting.txt"
    path.write_text("x" * (MAX_FILE_BYTES - 10), encoding="utf-8")
    assert len(read_text(path, "posting.txt")) == MAX_FILE_BYTES - 10


# --- Syntax errors in words ---------------------------------------------------------------------

SYNTAX_ERRORS = [
    ("name: Sam\nheadline: Engineer: backend\n", 2,
     "put the value in quotes: headline: \"Engineer: backend\"", "headline: Engineer: backend"),
    ("name: Sam\n\theadline: x\n", 2, "a tab: YAML indents with spaces only", " headline: x"),
    ('name: "Sam\nheadline: x\nsummary: y\n', 1, "an unclosed quote: the \" that opens this value",
     'name: "Sam'),
    ("name: Sam\n  headline: x\n", 2,
     "indentation: this line is indented under a key that already has a value", "  headline: x"),
    ("experience:\n  - role: x\n    org: y\n   start: 2020\n", 4,
     "indentation: this line does not line up with line 2", "   start: 2020"),
    ("tags: [a, b\nname: x\n", 2, "the [ opened on line 1 is not closed", "name: x"),
    ("name: Sam\njust some text\nheadline: x\n", 2, "this line is neither `key: value` nor a `- ` list item",
     "just some text"),
]


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both parsers word their complaints differently; the causes must be named for both."""
    if request.param == "python":
        monkeypatch.setattr(yamlsource, "_ScalarLoader", yamlsource._PyLoader)
    elif yamlsource.CParser is None:
        pytest.skip("PyYAML without libyaml")
    return str(request.param)


@pytest.mark.parametrize(("text", "line", "cause", "shown"), SYNTAX_ERRORS)
def test_a_syntax_error_names_its_likely_cause_and_shows_the_line(
    parser: str, text: str, line: int, cause: str, shown: str
) -> None:
    problem = only_problem(text)
    assert problem.line == line
    assert problem.message.startswith("invalid YAML: ")
    assert cause in problem.message
    assert "(the parser says: " in problem.message  # its own words stay searchable
    assert problem.excerpt is not None
    source, caret = problem.excerpt.split("\n")
    assert source == shown
    assert caret == " " * (problem.column - 1) + "^"
