"""A profile of ten megabytes builds in bounded memory and time; bombs are refused fast.

The big build runs in a child process so its peak resident memory can be read
with `resource.getrusage` (RUSAGE_SELF of the child: no pytest in the figure).
It builds the pages; the Word and text files, made the same way for every CV,
are measured on the biggest one (the general CV, every item) on their own.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.render_docx import render_docx
from cvsite.render_text import render_text
from cvsite.tailor import tailor
from cvsite.tokens import read_tokens, unlisted_folder
from cvsite.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, parse_yaml

SECTIONS = {"projects": 2000, "experience": 1000, "contributions": 1000, "skills": 600,
            "education": 300, "languages": 100}
TAGS = ["python", "sql", "forecasting", "dbt", "kubernetes", "react", "statistics", "spark", "aws", "nlp",
        "experimentation", "leadership", "d3", "airflow", "pytorch", "rust", "go", "typescript"]
PROSE = ("Built and ran the {tag} pipeline that {n} teams relied on every day, cutting the time from raw "
         "data to a decision by {n} percent while keeping every number traceable to its source table. ")


def item_yaml(section: str, n: int) -> str:
    tags = f"[{TAGS[n % len(TAGS)]}, {TAGS[(n * 7) % len(TAGS)]}]"
    prose = "".join(PROSE.format(tag=TAGS[(n + k) % len(TAGS)], n=n % 97 + k) for k in range(11))
    if section == "projects":
        return (f"  - title: Project {n}\n    date: {2000 + n % 25}\n    tags: {tags}\n"
                f"    summary: \"{prose}\"\n    highlights:\n      - Shipped part {n} on time\n"
                f"      - text: Cut cost of part {n}\n        tags: [{TAGS[n % 5]}]\n"
                f"    links: {{code: 'https://example.com/p/{n}'}}\n")
    if section == "experience":
        return (f"  - role: Engineer {n}\n    org: Company {n}\n    start: {1990 + n % 30}-01\n"
                f"    end: {1991 + n % 30}-06\n    tags: {tags}\n    summary: \"{prose}\"\n"
                f"    highlights: [Led migration {n}, Mentored {n % 9} people]\n")
    if section == "contributions":
        return (f"  - title: Talk {n}\n    kind: talk\n    date: {2000 + n % 25}-05\n    tags: {tags}\n"
                f"    summary: \"{prose}\"\n")
    if section == "skills":
        return f"  - name: Skill {n}\n    tags: {tags}\n    group: Group {n % 12}\n"
    if section == "education":
        return (f"  - degree: Degree {n}\n    institution: University {n}\n    end: {2000 + n % 25}\n"
                f"    tags: {tags}\n    summary: \"{prose}\"\n")
    return f"  - name: Language {n}\n    level: C{n % 2 + 1}\n"


def write_big_profile(root: Path, jobs: int = 500) -> int:
    """About 10 MB of profile and `jobs` job files; returns the profile's size in bytes."""
    parts = ["name: Big Profile\nheadline: Many things\npitch: A lot of evidence.\n"]
    for section, count in SECTIONS.items():
        parts.append(f"{section}:\n")
        parts += [item_yaml(section, n) for n in range(count)]
    (root / "jobs").mkdir(parents=True)
    text = "".join(parts)
    (root / "profile.yaml").write_text(text, encoding="utf-8")
    for n in range(jobs):
        weights = ", ".join(f"{TAGS[(n + k) % len(TAGS)]}: {3 - k}" for k in range(4))
        (root / "jobs" / f"job-{n:03d}.yaml").write_text(
            f"company: Company {n}\nrole: Role {n}\ntags: {{{weights}}}\n"
            f"exclude: [{TAGS[(n + 9) % len(TAGS)]}]\n"
            "limit: {projects: 6, experience: 6, contributions: 4, skills: 20, education: 2, highlights: 3}\n"
            f"posting: |\n  We want {TAGS[n % len(TAGS)]} and {TAGS[(n + 3) % len(TAGS)]} experience, "
            "strong SQL and a habit of shipping.\n", encoding="utf-8")
    return len(text.encode())


CHILD = """
import json, resource, sys, time
from pathlib import Path
from cvsite.build import build_site
started = time.perf_counter()
result = build_site(Path(sys.argv[1]), Path(sys.argv[2]), jobs=sys.argv[3:], pdf=False, skip=("docx", "txt"))
print(json.dumps({"pages": result.pages, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_ten_megabyte_profile_with_500_jobs_builds_in_bounded_memory(tmp_path: Path) -> None:
    size = write_big_profile(tmp_path / "cv")
    assert 8e6 < size < MAX_FILE_BYTES
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "cv"), str(tmp_path / "site")],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n{size / 1e6:.1f} MB profile, 5,000 items, 500 jobs (all rendered): "
          f"{stats['seconds']:.1f} s, peak {stats['peak_mb']:.0f} MB")
    assert stats["pages"] == 1 + 500
    assert stats["peak_mb"] < 1500
    assert stats["seconds"] < 600  # a generous bound for a shared machine; about 45 s here
    general = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert general.count('class="card"') == SECTIONS["projects"]
    tokens = read_tokens(tmp_path / "cv")  # the jobs are unlisted: each folder carries its token
    job_page = (tmp_path / "site" / unlisted_folder("job-042", tokens["job-042"]) / "index.html").read_text(
        "utf-8")
    assert 0 < job_page.count('class="card"') <= 6  # the job's limit held
    assert (tmp_path / "site" / unlisted_folder("job-499", tokens["job-499"]) / "index.html").is_file()


def test_word_and_text_of_a_5000_item_cv_take_time_in_proportion(tmp_path: Path) -> None:
    """The general CV of the big profile shows every item: its Word and text files must grow
    linearly (python-docx's own paragraph insertion is quadratic, and took minutes)."""
    write_big_profile(tmp_path / "cv", jobs=1)
    cv = tailor(load_workspace(tmp_path / "cv"), None)
    started = time.perf_counter()
    document = docx.Document(io.BytesIO(render_docx(cv)))
    text = render_text(cv)
    elapsed = time.perf_counter() - started
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(titles) >= sum(SECTIONS[s] for s in ("projects", "experience", "contributions"))
    assert all(title in text for title in titles[::97])
    assert elapsed < 120, f"{elapsed:.0f} s"  # about 6 s here


BILLION_LAUGHS = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                         for p, c in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize("text", [
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BILLION_LAUGHS,
    "[" * 100_000,
    "{a: " * 100_000,
    "- " * 100_000 + "x\n",
    "".join(" " * n + "- \n" for n in range(0, 4000, 2)),
    "".join(" " * n + f"k{n}:\n" for n in range(0, 6000, 2)),
    "? " * 50_000 + "x\n",
    "a: &a [*a]\n",
    "a: &a {b: *a}\n<<: *a\n",
    "x: !!python/object/apply:os.system [echo pwned]\n",
    "x: !!python/name:os.system\n",
    "x: !!set {a, b}\n",
], ids=["billion-laughs", "flow-lists", "flow-maps", "compact-lists", "indented-lists", "indented-maps",
        "complex-keys", "self-alias", "self-merge", "python-apply", "python-name", "set-tag"])
def test_bombs_and_absurd_nesting_are_refused_fast(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(CvsiteError) as caught:
        parse_yaml(text, "profile.yaml")
    elapsed = time.perf_counter() - started
    (problem,) = caught.value.problems
    assert elapsed < 2, f"{elapsed:.1f} s"
    assert problem.file == "profile.yaml" and problem.line >= 1
    assert any(word in problem.message for word in (
        f"nesting deeper than {MAX_DEPTH}", "alias bomb", "invalid YAML", "contains itself",
        "is not allowed here")), problem


def test_a_bomb_in_a_job_file_is_refused_with_its_file(tmp_path: Path) -> None:
    root = tmp_path / "cv"
    (root / "jobs").mkdir(parents=True)
    (root / "profile.yaml").write_text("name: A\nheadline: B\n", encoding="utf-8")
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BILLION_LAUGHS
    (root / "jobs" / "acme.yaml").write_text("company: A\nrole: B\n" + bomb, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(CvsiteError) as caught:
        load_workspace(root)
    assert time.perf_counter() - started < 2
    assert [p.file for p in caught.value.problems] == [str(root / "jobs" / "acme.yaml")]
