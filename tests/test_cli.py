"""The real `cvsite` console script, run as a user runs it: exit codes, streams, JSON, colour."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cvsite import __version__
from cvsite.schema import SchemaName, schema_text

REPO = Path(__file__).parent.parent
FOUNDATION = REPO / "tests" / "fixtures" / "foundation"
VALID = FOUNDATION / "valid"
BROKEN = FOUNDATION / "broken"
CVSITE = shutil.which("cvsite") or str(Path(sys.executable).with_name("cvsite"))
ANSI = "\x1b["


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([CVSITE, *args], capture_output=True, text=True, cwd=cwd, env=full_env,
                          timeout=60, check=False)


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_console_script_is_installed() -> None:
    assert Path(CVSITE).exists()


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"cvsite, version {__version__}"


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "cvsite", "--version"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, f"cvsite, version {__version__}")
    checked = subprocess.run([sys.executable, "-m", "cvsite", "check", str(BROKEN)], capture_output=True,
                             text=True, timeout=60, check=False)
    assert_clean_failure(checked)


def test_check_valid_directory_exits_zero() -> None:
    result = run("check", str(VALID))
    assert result.returncode == 0, result.stderr
    assert " error:" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith(("No problems found.", "0 errors"))
    assert result.stderr == ""


def test_check_broken_directory_lists_every_problem() -> None:
    result = run("check", str(BROKEN))
    assert_clean_failure(result)
    for where in ("jobs/alpha.yaml:4:3:", "jobs/beta.yaml:1:1:", "jobs/beta.yaml:2:1:",
                  "profile.yaml:3:1:", "profile.yaml:8:5:"):
        assert f"{BROKEN}/{where}" in result.stdout
    assert "limit.projets: unknown key 'projets' (did you mean 'projects'?)" in result.stdout
    assert "rol: unknown field 'rol' (did you mean 'role'?)" in result.stdout
    assert "5 errors" in result.stdout
    assert result.stderr == ""  # the report is the output: `cvsite check | less` shows it all


def test_check_json_shape() -> None:
    result = run("check", str(BROKEN), "--json")
    assert_clean_failure(result)
    report = json.loads(result.stdout)
    assert set(report) == {"errors", "warnings"}
    assert report["warnings"] == []
    assert len(report["errors"]) == 5
    for error in report["errors"]:
        assert set(error) == {"file", "line", "column", "path", "message"}
        assert isinstance(error["line"], int) and isinstance(error["column"], int)
    assert report["errors"][0] == {
        "file": str(BROKEN / "jobs" / "alpha.yaml"), "line": 4, "column": 3, "path": "limit.projets",
        "message": "unknown key 'projets' (did you mean 'projects'?)",
    }


def test_check_json_of_a_valid_directory_has_well_formed_warnings() -> None:
    result = run("check", str(VALID), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == []
    for warning in report["warnings"]:
        assert set(warning) == {"code", "file", "line", "column", "path", "message", "suggestion"}


def test_check_defaults_to_the_working_directory(tmp_path: Path) -> None:
    shutil.copytree(BROKEN, tmp_path / "cv")
    result = run("check", cwd=tmp_path / "cv")
    assert_clean_failure(result)
    assert "jobs/alpha.yaml:4:3:" in result.stdout
    assert str(tmp_path) not in result.stdout


def test_check_from_another_working_directory(tmp_path: Path) -> None:
    result = run("check", str(VALID.resolve()), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    broken = run("check", os.path.relpath(BROKEN, tmp_path), cwd=tmp_path)
    assert_clean_failure(broken)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no profile.yaml in"),
        ("directory", "is a directory, expected a file"),
        ("latin1", "file is not valid UTF-8 text"),
        ("huge", "file is 52.4 MB; the limit is"),
        ("bomb", "alias bomb"),
        ("empty", "file is empty"),
        ("list", "expected a mapping of fields"),
        ("malformed", "invalid YAML:"),
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(tmp_path: Path, setup: str, message: str) -> None:
    profile = tmp_path / "profile.yaml"
    if setup == "directory":
        profile.mkdir()
    elif setup == "latin1":
        profile.write_bytes("name: Zoë\nheadline: x\n".encode("latin-1"))
    elif setup == "huge":
        with profile.open("wb") as handle:
            handle.truncate(50 * 1024 * 1024)
    elif setup == "bomb":
        rows = (f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "lol"] * 10) + "]\n" for i in range(10))
        profile.write_text("".join(rows), encoding="utf-8")
    elif setup != "missing":
        texts = {"empty": "", "list": "- a\n- b\n", "malformed": "name: [a\n"}
        profile.write_text(texts[setup], encoding="utf-8")
    result = run("check", str(tmp_path))
    assert_clean_failure(result)
    assert message in result.stdout


def test_check_of_a_missing_directory(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere"))
    assert_clean_failure(result)
    assert "no such directory" in result.stderr


def test_check_of_a_file_is_a_usage_error() -> None:
    result = run("check", str(VALID / "profile.yaml"))
    assert_clean_failure(result)
    assert "is a file" in result.stderr


def test_quiet_valid_check_is_silent_about_success(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("name: Ada Lovelace\nheadline: Analyst\n", encoding="utf-8")
    loud = run("check", str(tmp_path))
    quiet = run("check", "-q", str(tmp_path))
    assert loud.returncode == quiet.returncode == 0
    assert "No problems found." in loud.stdout or "warning" in loud.stdout
    assert "No problems found." not in quiet.stdout


@pytest.mark.parametrize("kind", ["profile", "job"])
def test_schema_command_prints_the_generated_schema(kind: SchemaName) -> None:
    result = run("schema", kind)
    assert result.returncode == 0
    assert result.stdout == schema_text(kind)


def test_schema_of_an_unknown_kind_is_a_usage_error() -> None:
    result = run("schema", "resume")
    assert_clean_failure(result)
    assert "Invalid value" in result.stderr


def run_on_terminal(*args: str, env: dict[str, str]) -> str:
    """Run with stdout and stderr on a pseudo-terminal, where colour would be used."""
    leader, follower = pty.openpty()
    base = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.Popen([CVSITE, *args], stdout=follower, stderr=follower, env={**base, **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_turns_colour_off_on_a_terminal() -> None:
    coloured = run_on_terminal("check", str(BROKEN), env={"TERM": "xterm"})
    plain = run_on_terminal("check", str(BROKEN), env={"TERM": "xterm", "NO_COLOR": "1"})
    assert ANSI in coloured
    assert ANSI not in plain
    assert "did you mean 'projects'?" in plain


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_as_the_readme_says(shell: str) -> None:
    script = run(env={"_CVSITE_COMPLETE": f"{shell}_source"})
    assert script.returncode == 0 and "_cvsite_completion" in script.stdout
    assert f"_CVSITE_COMPLETE={shell}_source cvsite" in (REPO / "README.md").read_text("utf-8")


def test_shell_completion_completes_subcommands() -> None:
    done = run(env={"_CVSITE_COMPLETE": "bash_complete", "COMP_WORDS": "cvsite import ", "COMP_CWORD": "2"})
    assert done.stdout.split() == ["plain,jsonresume", "plain,linkedin"]


def test_readme_documents_serve_open_and_the_option_exists() -> None:
    assert "cvsite serve my-cv --open" in (REPO / "README.md").read_text("utf-8")
    assert "--open" in run("serve", "--help").stdout
