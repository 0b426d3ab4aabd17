"""The secret part of unlisted jobs' addresses: made once, kept in a committed file, rotatable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.tokens import ensure_tokens, job_folders, read_tokens, rotate, tokens_file, unlisted_folder

SLUGS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
TOKENS = st.from_regex(r"[0-9a-f]{16}", fullmatch=True)


@given(st.dictionaries(SLUGS, TOKENS, max_size=8), st.lists(SLUGS, max_size=4))
def test_tokens_survive_a_round_trip_and_new_ones_are_added(tmp_path_factory: pytest.TempPathFactory,
                                                           saved: dict[str, str], wanted: list[str]) -> None:
    directory = tmp_path_factory.mktemp("cv")
    if saved:
        ensure_tokens(directory, [])  # nothing missing: no file written
        assert not tokens_file(directory).exists()
        tokens_file(directory).parent.mkdir(exist_ok=True)
        tokens_file(directory).write_text("".join(f'{s}: "{t}"\n' for s, t in saved.items()), "utf-8")
    tokens = ensure_tokens(directory, wanted)
    assert {s: tokens[s] for s in saved} == saved, "an existing token never changes"
    assert set(tokens) == set(saved) | set(wanted)
    assert all(re.fullmatch(r"[0-9a-f]{16}", t) for t in tokens.values())
    assert read_tokens(directory) == tokens


def test_a_token_of_digits_reads_back_as_text(tmp_path: Path) -> None:
    tokens_file(tmp_path).parent.mkdir()
    tokens_file(tmp_path).write_text('acme: "0123456789012345"\n', "utf-8")
    ensure_tokens(tmp_path, ["beta"])  # rewrites the file
    assert read_tokens(tmp_path)["acme"] == "0123456789012345"


def test_the_file_is_left_alone_when_nothing_is_missing(tmp_path: Path) -> None:
    first = ensure_tokens(tmp_path, ["acme"])
    before = tokens_file(tmp_path).stat().st_mtime_ns, tokens_file(tmp_path).read_bytes()
    assert ensure_tokens(tmp_path, ["acme"]) == first
    assert (tokens_file(tmp_path).stat().st_mtime_ns, tokens_file(tmp_path).read_bytes()) == before


def test_rotate_changes_one_token_only(tmp_path: Path) -> None:
    tokens = ensure_tokens(tmp_path, ["acme", "beta"])
    old, new = rotate(tmp_path, "acme")
    assert old == tokens["acme"] and new != old
    assert read_tokens(tmp_path) == {"acme": new, "beta": tokens["beta"]}


@pytest.mark.parametrize(("text", "line", "message"), [
    ('acme: "0123456789abcdef"\nbeta: 12\n', 2, "hex digits"),
    ('acme: "0123456789ABCDEF"\n', 1, "hex digits"),
    ('acme: "abc"\n', 1, "hex digits"),
    ('"Not A Slug": "0123456789abcdef"\n', 1, "not a job slug"),
    ("- acme\n", 1, "expected `slug: token` lines"),
])
def test_a_damaged_file_is_reported_by_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    tokens_file(tmp_path).parent.mkdir()
    tokens_file(tmp_path).write_text(text, "utf-8")
    with pytest.raises(CvsiteError) as caught:
        read_tokens(tmp_path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(tokens_file(tmp_path)), line) and message in problem.message


def test_listed_jobs_need_no_token(tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "profile.yaml").write_text("name: Ada\nheadline: Engineer\n", "utf-8")
    (tmp_path / "jobs" / "open.yaml").write_text("company: Open\nrole: Engineer\nlisted: true\n", "utf-8")
    (tmp_path / "jobs" / "quiet.yaml").write_text("company: Quiet\nrole: Engineer\n", "utf-8")
    folders = job_folders(load_workspace(tmp_path))
    assert folders == {"open": "open/", "quiet": unlisted_folder("quiet", read_tokens(tmp_path)["quiet"])}
    assert set(read_tokens(tmp_path)) == {"quiet"}
