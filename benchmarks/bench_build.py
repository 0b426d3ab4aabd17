"""Benchmark `cvsite build` on synthetic profiles: cold, no-op and one-job-edit rebuilds.

Each measurement runs `cvsite build` in a fresh subprocess (so import time is
counted, as a user would see it) and reads the child's peak memory from
getrusage. Profiles are generated from a fixed seed into a temporary folder.

    python benchmarks/bench_build.py            # the standard table
    python benchmarks/bench_build.py --quick    # a smaller grid

Every job sets `limit` (JOB_LIMITS), as a tailored application does; the general
page shows every item. Columns: items and jobs of the profile; cold build with PDFs; cold --no-pdf;
no-op rebuild (nothing changed, with PDFs); rebuild after editing one job;
peak RSS of the cold build. Times are the best of `--repeat` runs (default 3), the
least disturbed by other load on a shared machine. "-" marks runs left out of the grid because they
would take minutes without telling anything new (hundreds of 40-page PDFs).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import yaml

SEED = 7
VERBS = ["Built", "Designed", "Led", "Automated", "Migrated", "Shipped", "Cut", "Scaled"]
# A tailored CV is short by design: each job keeps the most relevant few of each section.
JOB_LIMITS = {"experience": 6, "projects": 6, "contributions": 4, "skills": 25, "education": 3,
              "highlights": 4}
NOUNS = ["pipeline", "dashboard", "model", "service", "platform", "report", "experiment", "API"]


def skill_names() -> list[str]:
    table = yaml.safe_load((resources.files("cvsite") / "data" / "skills.yaml").read_text("utf-8"))
    entries = table.get("skills", table) if isinstance(table, dict) else table
    names = list(entries) if isinstance(entries, dict) else [e["name"] for e in entries]
    return [str(n) for n in names if str(n).isascii()][:300]


def sentence(rng: random.Random, skills: list[str]) -> str:
    a, b = rng.sample(skills, 2)
    return (f"{rng.choice(VERBS)} the {rng.choice(NOUNS)} with {a} and {b}, "
            f"reaching {rng.randint(2, 90)}% better results for {rng.randint(3, 40)} teams.")


def make_profile(folder: Path, items: int, jobs: int) -> None:
    rng = random.Random(SEED)
    skills = skill_names()
    tags = lambda: [s.lower().replace(" ", "-") for s in rng.sample(skills, 3)]  # noqa: E731
    roles = max(1, items // 10)
    profile = {
        "name": "Bench Marker",
        "headline": "Data scientist and engineer",
        "experience": [
            {"role": f"Engineer {i}", "org": f"Company {i}", "start": f"{2000 + i % 20}-01",
             "end": f"{2001 + i % 20}-12", "tags": tags(),
             "highlights": [sentence(rng, skills) for _ in range(4)]}
            for i in range(roles)
        ],
        "projects": [{"title": f"Project {i}", "summary": sentence(rng, skills),
                      "contribution": sentence(rng, skills), "tags": tags(), "date": "2020"}
                     for i in range(items // 2)],
        "contributions": [{"kind": "post", "title": f"Post {i}", "summary": sentence(rng, skills),
                           "tags": tags(), "date": "2021"} for i in range(items // 4)],
        "skills": [{"name": s} for s in skills[: max(5, items // 10)]],
        "education": [{"degree": "MSc", "institution": f"University {i}", "tags": tags()}
                      for i in range(max(1, items - roles - items // 2 - items // 4 - items // 10))],
        "pdf": {"max_pages": 2},
    }
    folder.mkdir(parents=True)
    (folder / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), "utf-8")
    (folder / "jobs").mkdir()
    for j in range(jobs):
        posting = "\n".join(["About us", sentence(rng, skills), "Requirements",
                             *(f"- {sentence(rng, skills)}" for _ in range(12)), "Nice to have",
                             *(f"- {sentence(rng, skills)}" for _ in range(4))])
        job = {"company": f"Company {j}", "role": "Data Scientist", "posting": posting,
               "tags": {t: 2 for t in tags()}, "limit": JOB_LIMITS}
        (folder / "jobs" / f"job-{j:03d}.yaml").write_text(yaml.safe_dump(job), "utf-8")


# Runs the CLI in a child and reports that child's own peak RSS (KiB) on its last line.
_CHILD = """
import resource, sys
from cvsite.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="cvsite")
except SystemExit as exit:
    if exit.code:
        raise
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_build(folder: Path, *flags: str, cores: int | None = None) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of one `cvsite build` in a fresh process (on `cores` cores)."""
    pin = (lambda: os.sched_setaffinity(0, set(range(cores)))) if cores else None
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, "build", str(folder), "-q", *flags],
                          check=True, capture_output=True, text=True, preexec_fn=pin)
    seconds = time.perf_counter() - started
    return seconds, int(done.stdout.split()[-1]) // 1024


def cold(folder: Path, root: Path, label: str, repeat: int, *flags: str,
         cores: int | None = None) -> tuple[float, int]:
    """Best of `repeat` cold builds, each into a folder of its own."""
    runs = [run_build(folder, *flags, "-o", str(root / f"{label}-{n}"), cores=cores) for n in range(repeat)]
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def measure(root: Path, items: int, jobs: int, pdf: bool, repeat: int) -> dict[str, str]:
    folder = root / f"p{items}-{jobs}"
    make_profile(folder, items, jobs)
    row = {"items": str(items), "jobs": str(jobs)}
    nopdf, rss_nopdf = cold(folder, root, f"nopdf-{items}-{jobs}", repeat, "--no-pdf")
    row["cold --no-pdf"] = f"{nopdf:.2f}"
    row["peak MiB (--no-pdf)"] = str(rss_nopdf)
    if not pdf:
        row.update({"cold + PDFs": "-", "no-op": "-", "one-job edit": "-"})
        return row
    full, _ = cold(folder, root, f"full-{items}-{jobs}", repeat)
    out = root / f"full-{items}-{jobs}-0"
    noop = min(run_build(folder, "-o", str(out))[0] for _ in range(repeat))
    job = folder / "jobs" / "job-000.yaml"
    edits = []
    for n in range(repeat):
        job.write_text(job.read_text("utf-8").replace("Data Scientist", f"Data Scientist {n}"), "utf-8")
        edits.append(run_build(folder, "-o", str(out))[0])
    row.update({"cold + PDFs": f"{full:.2f}", "no-op": f"{noop:.2f}", "one-job edit": f"{min(edits):.2f}"})
    return row


def throughput(root: Path, repeat: int, items: int = 50, jobs: int = 10) -> list[dict[str, str]]:
    """Cold builds with PDFs of the same profile on 1 core, then on every core."""
    folder = root / f"throughput-{items}-{jobs}"
    make_profile(folder, items, jobs)
    rows = []
    for cores in sorted({1, len(os.sched_getaffinity(0))}):
        seconds, _ = cold(folder, root, f"cores-{cores}", repeat, cores=cores)
        rows.append({"cores": str(cores), "PDFs": str(jobs + 1), "seconds": f"{seconds:.2f}",
                     "PDFs per second": f"{(jobs + 1) / seconds:.2f}"})
    return rows


def print_table(rows: list[dict[str, str]]) -> None:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    print(" | ".join(c.rjust(widths[c]) for c in columns))
    print("-|-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(row[c].rjust(widths[c]) for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller grid")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    args = parser.parse_args()
    grid = [(50, 5, True), (50, 10, True), (500, 5, True), (500, 50, False), (2000, 5, False),
            (2000, 50, False), (2000, 200, False)]
    if args.quick:
        grid = [(50, 5, True), (500, 50, False)]
    print(f"cores: {len(os.sched_getaffinity(0))}  python: {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="cvsite-bench-") as tmp:
        rows = [measure(Path(tmp), items, jobs, pdf, args.repeat) for items, jobs, pdf in grid]
        print_table(rows)
        print()
        print_table(throughput(Path(tmp), args.repeat))


if __name__ == "__main__":
    main()
