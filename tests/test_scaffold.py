"""`cvsite init` and `cvsite new-job`: real files written, loaded back and checked."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cvsite.checking import check_directory
from cvsite.cli import cli
from cvsite.deploy import DEFAULT_BRANCH
from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.model import Job
from cvsite.scaffold import (
    UNKNOWN,
    WORKFLOW_FILE,
    init_profile,
    new_job,
    new_job_report,
    render_job,
)
from cvsite.tailor import Index, tailor
from cvsite.terms import extract_posting_terms
from cvsite.yamlsource import parse_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "scaffold"
POSTING = (FIXTURES / "analytics-engineer.txt").read_text(encoding="utf-8")
GENERIC = {"experience", "team", "strong", "data", "skills", "years", "culture", "english", "good"}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    init_profile(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- init


def test_init_writes_a_commented_profile_that_loads(tmp_path: Path) -> None:
    result = init_profile(tmp_path / "cv")
    root = tmp_path / "cv"
    assert {p.as_posix() for p in result.written} == {
        "profile.yaml", "jobs/example-job.yaml", "jobs/example-job.txt",
        ".cvsite/profile.schema.json", ".cvsite/job.schema.json", ".gitignore",
    }
    assert not result.existing_profile and result.replaced == result.kept == [] and result.backup is None
    profile_text = (root / "profile.yaml").read_text(encoding="utf-8")
    job_text = (root / "jobs/example-job.yaml").read_text(encoding="utf-8")
    assert profile_text.splitlines()[0] == "# yaml-language-server: $schema=.cvsite/profile.schema.json"
    assert job_text.splitlines()[0] == "# yaml-language-server: $schema=../.cvsite/job.schema.json"
    assert sum(line.lstrip().startswith("#") for line in profile_text.splitlines()) > 40
    workspace = load_workspace(root)
    profile = workspace.profile
    assert profile.experience and profile.projects and profile.skills and profile.education
    assert list(workspace.jobs) == ["example-job"]
    assert workspace.jobs["example-job"].company == "Kestrel Freight"
    assert "Apache Airflow" in workspace.postings["example-job"]
    assert not (root / WORKFLOW_FILE).exists()


def test_init_output_passes_check_cleanly(profile_dir: Path) -> None:
    report = check_directory(profile_dir)
    assert report.errors == [] and report.warnings == []
    result = CliRunner().invoke(cli, ["check", str(profile_dir), "--strict"])
    assert result.exit_code == 0, result.output


def test_example_job_is_well_covered_by_the_sample_profile(profile_dir: Path) -> None:
    cv = tailor(load_workspace(profile_dir), "example-job")
    assert cv.coverage is not None and not cv.coverage.low_confidence
    assert cv.coverage.ratio >= 0.8
    first = cv.sections[0].items[0]
    assert first.matched, "the top item of the example job should match the posting"


def my_profile(root: Path) -> Path:
    """A profile someone has worked on: their own person, jobs, posting, theme and tokens."""
    (root / "jobs").mkdir(parents=True)
    (root / "profile.yaml").write_text("name: Ada Example\nheadline: Mine, not the sample\n", "utf-8")
    (root / "jobs" / "acme.yaml").write_text("company: Acme\nrole: Engineer\nposting: acme.txt\n", "utf-8")
    (root / "jobs" / "acme.txt").write_text("The ad I applied to.\n", "utf-8")
    (root / "theme").mkdir()
    (root / "theme" / "style.css").write_text("body { color: teal; }\n", "utf-8")
    (root / ".cvsite").mkdir()
    (root / ".cvsite" / "tokens.yaml").write_text('acme: "0123456789abcdef"\n', "utf-8")
    return root


def test_an_existing_profile_survives_init_github_pages_byte_for_byte(tmp_path: Path) -> None:
    root = my_profile(tmp_path / "cv")
    before = snapshot(root)
    result = CliRunner().invoke(cli, ["init", str(root), "--github-pages"])
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before, "nothing of the user's changed"
    added = {".github/workflows/pages.yml", ".gitignore", ".cvsite/profile.schema.json",
             ".cvsite/job.schema.json"}
    assert set(after) - set(before) == added, "only what was missing; no sample person, no example job"
    for path in sorted(added):
        assert f"added {root / path}" in result.output
    assert "already holds a profile: left profile.yaml and jobs/ as they were" in result.output
    again = CliRunner().invoke(cli, ["init", str(root), "--github-pages"])
    assert again.exit_code == 0 and "nothing to add" in again.output and snapshot(root) == after


def test_init_in_a_profile_without_jobs_adds_no_example_job(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("name: Ada Example\nheadline: Mine\n", "utf-8")
    result = init_profile(tmp_path)
    assert result.existing_profile and not (tmp_path / "jobs").exists()
    assert (tmp_path / "profile.yaml").read_text("utf-8") == "name: Ada Example\nheadline: Mine\n"


def test_force_replaces_only_cvsites_files_and_keeps_a_backup(tmp_path: Path) -> None:
    root = my_profile(tmp_path / "cv")
    init_profile(root, github_pages=True)
    (root / ".gitignore").write_text("my-own-ignores/\n", "utf-8")
    (root / WORKFLOW_FILE).write_text("name: my edited workflow\n", "utf-8")
    user_files = {k: v for k, v in snapshot(root).items()
                  if k.startswith(("jobs/", "theme/")) or k in ("profile.yaml", ".cvsite/tokens.yaml")}
    plain = CliRunner().invoke(cli, ["init", str(root), "--github-pages"])
    assert plain.exit_code == 0 and f"kept {root / '.gitignore'}: it differs" in plain.output
    assert (root / ".gitignore").read_text("utf-8") == "my-own-ignores/\n", "without --force, kept"
    result = CliRunner().invoke(cli, ["init", str(root), "--github-pages", "--force"])
    assert result.exit_code == 0, result.output
    (backup,) = (root / ".cvsite" / "backup").iterdir()
    assert (backup / ".gitignore").read_text("utf-8") == "my-own-ignores/\n"
    assert (backup / WORKFLOW_FILE).read_text("utf-8") == "name: my edited workflow\n"
    assert sorted(p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()) == \
           [".github/workflows/pages.yml", ".gitignore"], "only what was replaced, nothing unchanged"
    assert f"replaced {root / '.gitignore'} (the old one is in {backup})" in result.output
    assert "Publish CV site" in (root / WORKFLOW_FILE).read_text("utf-8")
    after = snapshot(root)
    assert {k: after[k] for k in user_files} == user_files, "profile.yaml, jobs/, theme/ and tokens never"


def test_the_gitignore_keeps_the_site_out_and_the_tokens_in(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    init_profile(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    paths = ["site/index.html", ".site.cvsite-manifest.json", ".site.cvsite-staging-12-1/index.html",
             ".cvsite/backup/20260101-120000/.gitignore", ".cvsite/tokens.yaml", "profile.yaml",
             "jobs/example-job.yaml", ".cvsite/job.schema.json"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.stdout.split() == paths[:4], "build output ignored; the profile and its tokens committed"


def test_init_refuses_a_file_as_directory(tmp_path: Path) -> None:
    target = tmp_path / "cv"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(CvsiteError, match="is a file, not a folder"):
        init_profile(target)


KNOWN_ACTIONS = {  # action -> the release tags that exist and do what the workflow needs
    "actions/checkout": {"v4"},
    "actions/configure-pages": {"v5"},
    "actions/upload-pages-artifact": {"v3"},
    "actions/deploy-pages": {"v4"},
}
INSTALLERS = re.compile(r"\b(?:pip3?|pipx|uv pip|npm|yarn|gem|apt-get|apt|brew|cargo) (?:install|add)\b")


def workflow_steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_github_pages_workflow_serves_the_deployed_branch_and_installs_nothing(tmp_path: Path) -> None:
    init_profile(tmp_path, github_pages=True)
    workflow = yaml.safe_load((tmp_path / WORKFLOW_FILE).read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert "gh-pages" not in triggers["push"]["branches"], "a push to gh-pages runs gh-pages' workflows"
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    steps = workflow_steps(workflow)
    for step in steps:
        if "uses" in step:
            action, _, tag = step["uses"].partition("@")
            assert tag in KNOWN_ACTIONS.get(action, set()), f"unknown action or version: {step['uses']}"
        for line in step.get("run", "").splitlines():
            for command in re.split(r"&&|\|\||;|\|", line):
                words = command.split()
                assert not words or shutil.which(words[0]) or words[0] in {"cd", "echo", "test"}, line
            assert not INSTALLERS.search(line), f"installs a package: {line}"
    uses = [step["uses"].partition("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact",
                    "actions/deploy-pages"], "check out, configure, upload, deploy: in that order"
    checkout, _, upload, deploy = (step for step in steps if "uses" in step)
    assert checkout["with"]["ref"] == DEFAULT_BRANCH, "serves the branch `cvsite deploy` pushes"
    assert upload["with"]["path"] == "."
    (job,) = workflow["jobs"].values()
    assert job["environment"]["name"] == "github-pages"
    assert job["environment"]["url"] == f"${{{{ steps.{deploy['id']}.outputs.page_url }}}}"


def test_the_workflow_runs_on_the_branch_the_profile_repository_uses(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", "-b", "trunk"], cwd=tmp_path, check=True)
    init_profile(tmp_path, github_pages=True)
    workflow = yaml.safe_load((tmp_path / WORKFLOW_FILE).read_text(encoding="utf-8"))
    assert workflow[True]["push"]["branches"] == ["trunk"]


# ---------------------------------------------------------------- new-job


def test_new_job_prefills_company_role_and_covered_tags(profile_dir: Path) -> None:
    result = new_job(profile_dir, "lumen-analytics", POSTING)
    assert (result.company, result.role) == ("Lumen Health", "Senior Analytics Engineer")
    assert result.posting_file.read_text(encoding="utf-8") == POSTING
    text = result.job_file.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.cvsite/job.schema.json\n")

    workspace = load_workspace(profile_dir, ["lumen-analytics"])
    job = workspace.jobs["lumen-analytics"]
    assert (job.company, job.role, job.posting) == ("Lumen Health", "Senior Analytics Engineer",
                                                    "lumen-analytics.txt")
    assert job.tags == result.tags
    assert {"python", "sql", "dbt", "postgresql"} <= set(job.tags)
    assert any("airflow" in tag for tag in job.tags)
    assert all(weight in (1, 2, 3) for weight in job.tags.values())
    assert not GENERIC & set(job.tags)
    assert not {"snowflake", "looker", "fhir", "hl7"} & set(job.tags), "the profile never mentions these"
    assert 3 in job.tags.values()


def test_new_job_tags_follow_the_posting_weights(profile_dir: Path) -> None:
    result = new_job(profile_dir, "lumen-analytics", POSTING)
    core = max(result.tags.values())
    assert result.tags["sql"] == core, "SQL is a requirement and a daily task: it weighs most"
    assert result.tags.get("docker", 0) < core, "a nice-to-have weighs less than the core"


def test_new_job_cli_reads_stdin_and_prints_coverage(profile_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["new-job", "lumen", str(profile_dir), "--posting", "-"], input=POSTING)
    assert result.exit_code == 0, result.output
    assert (profile_dir / "jobs" / "lumen.txt").read_text(encoding="utf-8") == POSTING
    assert "Lumen Health" in result.output and "Senior Analytics Engineer" in result.output
    assert "Keyword coverage:" in result.output
    missing = next(line for line in result.output.splitlines() if "never mentioned" in line)
    assert "Snowflake" in missing and "Looker" in missing
    assert "cvsite explain --job lumen" in result.output


def test_new_job_without_company_or_role_says_what_to_edit(profile_dir: Path) -> None:
    posting = "We need someone who knows Python and SQL and can build pipelines with dbt.\n"
    args = ["new-job", "mystery", str(profile_dir), "--posting", "-"]
    result = CliRunner().invoke(cli, args, input=posting)
    assert result.exit_code == 0, result.output
    assert f"edit `company:` in {profile_dir / 'jobs' / 'mystery.yaml'}" in result.output
    assert "edit `role:`" in result.output
    job = load_workspace(profile_dir, ["mystery"]).jobs["mystery"]
    assert (job.company, job.role) == (UNKNOWN, UNKNOWN)
    assert "not found in the posting" in (profile_dir / "jobs" / "mystery.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", ["Acme", "acme corp", "_acme", "acme/../x", "ä", "a" * 81])
def test_new_job_bad_slug_exits_2(profile_dir: Path, slug: str) -> None:
    result = CliRunner().invoke(cli, ["new-job", slug, str(profile_dir), "--posting", "-"], input=POSTING)
    assert result.exit_code == 2
    assert f"'{slug}' is not a usable job slug" in result.output
    assert "lowercase letters, digits and hyphens" in result.output
    assert sorted(p.name for p in (profile_dir / "jobs").iterdir()) == ["example-job.txt", "example-job.yaml"]


def test_new_job_refuses_to_overwrite_without_force(profile_dir: Path) -> None:
    runner = CliRunner()
    args = ["new-job", "example-job", str(profile_dir), "--posting", "-"]
    before = snapshot(profile_dir)
    refused = runner.invoke(cli, args, input=POSTING)
    assert refused.exit_code == 2
    assert "already exists; use --force" in refused.output
    assert snapshot(profile_dir) == before
    forced = runner.invoke(cli, [*args, "--force"], input=POSTING)
    assert forced.exit_code == 0, forced.output
    assert load_workspace(profile_dir).jobs["example-job"].company == "Lumen Health"


def test_new_job_never_adds_a_second_file_for_a_yml_job(profile_dir: Path) -> None:
    (profile_dir / "jobs" / "acme.yml").write_text("company: Acme\nrole: Engineer\n", encoding="utf-8")
    with pytest.raises(CvsiteError, match="already holds this job"):
        new_job(profile_dir, "acme", POSTING, force=True)
    assert not (profile_dir / "jobs" / "acme.yaml").exists()


@pytest.mark.parametrize("company", ['Acme: "Labs" #1', "yes", "2024", "O'Reilly & Sons", "- dash"])
def test_rendered_job_reads_back_what_was_found(company: str) -> None:
    text = render_job("acme", "acme.txt", company, "Data Engineer", {"c++": 3, "node.js": 1})
    job = Job.model_validate(parse_yaml(text, "acme.yaml").data)
    assert (job.company, job.role, job.posting) == (company, "Data Engineer", "acme.txt")
    assert job.tags == {"c++": 3, "node.js": 1}


def test_new_job_needs_a_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new-job", "acme", str(tmp_path), "--posting", "-"], input=POSTING)
    assert result.exit_code == 2
    assert "run `cvsite init` first" in result.output
    assert not (tmp_path / "jobs").exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the posting is empty"),
    (b"Data Engineer\n\xff\xfe broken", "not UTF-8 text"),
])
def test_new_job_refuses_unusable_postings(profile_dir: Path, tmp_path: Path, content: bytes,
                                           message: str) -> None:
    posting = tmp_path / "ad.txt"
    posting.write_bytes(content)
    result = CliRunner().invoke(cli, ["new-job", "acme", str(profile_dir), "--posting", str(posting)])
    assert result.exit_code == 2
    assert message in result.output
    assert not (profile_dir / "jobs" / "acme.yaml").exists()


# ---------------------------------------------------------------- reading real-looking ads


@dataclass(frozen=True)
class Ad:
    """A posting in tests/fixtures/scaffold, what a recruiter reads in it, and its traps."""

    file: str
    company: str | None
    role: str | None
    required: str  # a tag the ad asks for hard ("must", "strong", a requirements list)
    channel: str | None = "github"  # a platform named only as a channel ("ask us on GitHub")
    junk: tuple[str, ...] = ()  # words that must never become key terms
    profile: str = "profile"


ADS = [
    Ad("fernhill-backend.md", "Fernhill", "Senior Backend Engineer", "go"),
    Ad("nordlicht-jobboard.txt", "Nordlicht Mobility", "Platform Engineer", "kubernetes",
       junk=("W20", "Premium", "applicants", "Easy Apply", "Nordlicht")),
    Ad("quillbyte-html.txt", "Quillbyte", "Staff Frontend Engineer", "react",
       junk=("jobHeader", "trackingId", "nbsp", "div", "Quillbyte")),
    Ad("tidewater-identifiers.txt", "Tidewater Analytics", "Site Reliability Engineer", "kubernetes",
       junk=("jobPostingId", "reqCode", "hiringTeamId", "infraEU", "W20", "utm_source", "Tidewater")),
    Ad("copperleaf-join.txt", "Copperleaf", "Data Engineer", "sql"),
    Ad("marrow-repeated.txt", "Marrow Bio", "Machine Learning Engineer, Protein Design", "python",
       junk=("Marrow", "Ghent")),
    Ad("halcyon-about.txt", "Halcyon Health", "Product Designer", "figma", channel="dribbble",
       profile="profile-designer"),
    Ad("kestrel-labels.txt", "Kestrel Freight", "Backend Developer", "go", junk=("KF", "2024")),
    Ad("vantor-at.txt", "Vantor Energy", "Senior Python Developer", "django"),
    Ad("ledgerloop-camel.txt", "LedgerLoop", "Backend Engineer, Payments", "go", junk=("LedgerLoop",)),
    Ad("brightline-accountant.txt", "Brightline Logistics", "Staff Accountant", "ifrs",
       channel="linkedin", profile="profile-finance"),
    Ad("anonymous-agency.txt", None, None, "go", channel=None, junk=("AGY",)),
]


def _workspace_for(ad: Ad, tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / ad.profile / "profile.yaml", tmp_path / "profile.yaml")
    return tmp_path


def _report_terms(report: str) -> list[str]:
    """Every term the new-job report names: tags and the three coverage lists."""
    names = []
    for line in report.splitlines():
        label, _, listed = line.partition(":")
        if label.strip() in {"tags", "shown on this CV", "in your profile, left out here",
                             "never mentioned in your profile"}:
            names += [name.strip().rsplit(" ", 1)[0] if label.strip() == "tags" else name.strip()
                      for name in listed.split(",") if name.strip()]
    return names


@pytest.mark.parametrize("ad", ADS, ids=lambda ad: ad.file)
def test_new_job_reads_the_ad_like_a_hiring_manager(ad: Ad, tmp_path: Path) -> None:
    directory = _workspace_for(ad, tmp_path)
    posting = (FIXTURES / ad.file).read_text(encoding="utf-8")
    result = new_job(directory, "job", posting)

    assert (result.company, result.role) == (ad.company, ad.role)
    job = load_workspace(directory, ["job"]).jobs["job"]
    assert (job.company, job.role) == (ad.company or UNKNOWN, ad.role or UNKNOWN)

    report = new_job_report(result)
    named = [term.lower() for term in _report_terms(report)] + [tag.lower() for tag in result.tags]
    assert named, report
    for junk in ad.junk:
        assert not [term for term in named if junk.lower() in term], f"{junk!r} is no key term:\n{report}"
    if ad.company:
        missing = next(line for line in report.splitlines() if "never mentioned" in line)
        assert ad.company.lower() not in missing.lower()

    assert result.tags[ad.required] == 3, result.tags
    if ad.channel:
        assert result.tags.get(ad.channel, 0) < result.tags[ad.required]
        assert ad.channel not in named, f"{ad.channel} is only where to ask questions:\n{report}"


def test_tailoring_drops_the_same_identifier_junk(tmp_path: Path) -> None:
    """The tailoring stage's own term extraction leaves out the board metadata and
    identifiers new-job filters, so `explain` and `check` never report them either."""
    index = Index.build(load_workspace(_workspace_for(ADS[0], tmp_path)).profile)
    found = set()
    for ad in ADS:
        terms = extract_posting_terms((FIXTURES / ad.file).read_text(encoding="utf-8"), index.vocab)
        found |= {t.display for t in terms}
    assert not {"jobPostingId", "reqCode", "W20", "jobHeader"} & found
    assert {"Go", "Kubernetes", "TypeScript"} <= found


def test_requirement_strength_orders_the_tags(tmp_path: Path) -> None:
    directory = _workspace_for(ADS[0], tmp_path)
    result = new_job(directory, "ledgerloop", (FIXTURES / "ledgerloop-camel.txt").read_text(encoding="utf-8"))
    tags = result.tags
    assert tags["go"] == tags["postgresql"] == 3, "'Strong Go', 'Solid PostgreSQL'"
    assert tags["kafka"] == 2, "a task, not a requirement"
    assert tags["react"] == 1, "'Familiarity with React'"
    assert "rust" not in tags or tags["rust"] == 1, "'Rust is a plus'"
    assert list(tags.values()) == sorted(tags.values(), reverse=True)


@pytest.mark.parametrize(("sentence", "weight"), [
    ("Requirements\n- Experience with Docker, Kubernetes and a cloud provider, ideally AWS.", 3),
    ("Requirements\n- Docker is a plus.", 1),
    ("What you'll do\n- Package our services with Docker.", 2),
    ("What you'll do\n- You must know Docker inside out.", 3),
    ("Nice to have\n- Docker.", 1),
    ("Strong Python; Docker is a bonus.", 1),
    ("Some familiarity with Docker would help.", 1),
])
def test_cues_near_a_term_set_its_weight(profile_dir: Path, sentence: str, weight: int) -> None:
    result = new_job(profile_dir, "cue", f"Data Engineer at Kestrel Freight\n\n{sentence}\n")
    assert result.tags["docker"] == weight


def test_a_channel_asked_for_as_a_skill_keeps_its_weight(tmp_path: Path) -> None:
    directory = _workspace_for(ADS[0], tmp_path)
    posting = ("Backend Engineer at Fernhill\n\nRequirements\n- 3+ years of Go\n"
               "- Experience with GitHub Actions and GitHub pull-request workflows\n\n"
               "Questions? Ask them on our GitHub discussions board.\n")
    tags = new_job(directory, "gh", posting).tags
    assert tags["go"] == tags["github-actions"] == 3
    assert tags.get("github", 0) >= 2, "asked for as a skill in one sentence, a channel in another"


def test_html_posting_is_saved_as_text(tmp_path: Path) -> None:
    directory = _workspace_for(ADS[0], tmp_path)
    result = new_job(directory, "quillbyte", (FIXTURES / "quillbyte-html.txt").read_text(encoding="utf-8"))
    saved = result.posting_file.read_text(encoding="utf-8")
    assert "<" not in saved and "&nbsp;" not in saved and "&copy;" not in saved
    assert "# Staff Frontend Engineer" in saved and "## Bonus" in saved
    assert "- Familiarity with Go or Rust on the backend" in saved
    assert "The posting was HTML" in new_job_report(result)
    assert result.tags["go"] == 1, "under the <h2>Bonus</h2> heading"


def test_a_plain_ad_that_mentions_tags_stays_as_written(profile_dir: Path) -> None:
    posting = "Frontend Engineer at Quillbyte\n\nYou know when to use <section> and when <div>.\n"
    result = new_job(profile_dir, "tags", posting)
    assert result.posting_file.read_text(encoding="utf-8") == posting and not result.from_html


def test_placeholder_only_when_nothing_fits_and_check_flags_it(tmp_path: Path) -> None:
    directory = _workspace_for(ADS[0], tmp_path)
    result = new_job(directory, "agency", (FIXTURES / "anonymous-agency.txt").read_text(encoding="utf-8"))
    assert (result.company, result.role) == (None, None)
    flagged = [w for w in check_directory(directory).warnings if w.code == "placeholder"]
    where = {(Path(w.file).name, w.path) for w in flagged}
    assert where == {("agency.yaml", "company"), ("agency.yaml", "role")}
