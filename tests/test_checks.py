"""The advice checks of `cvsite check`: for each, a true positive and a near miss that must not fire.

Every test writes a real profile directory, loads it with the real loader and
runs one check, so positions come from the YAML exactly as a user sees them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.checks import CHECKS, UNKNOWN_CHECK, run_checks
from cvsite.checks.consistency import check_consistency
from cvsite.checks.coverage import check_keyword_coverage
from cvsite.checks.links import check_links
from cvsite.checks.personal import check_personal_data
from cvsite.checks.placeholder import check_placeholders
from cvsite.checks.rating import check_self_rating
from cvsite.checks.spelling import Speller, check_spelling, is_code_like
from cvsite.checks.vague import check_vague_contributions
from cvsite.errors import CvsiteError, Problem
from cvsite.loader import Workspace, load_workspace

HEAD = """\
name: Ada Example
headline: Data scientist who ships forecasting models
"""


def write(root: Path, profile: str, jobs: dict[str, str] | None = None) -> Workspace:
    """A profile directory on disk (HEAD plus `profile`), loaded by the real loader."""
    (root / "profile.yaml").write_text(HEAD + textwrap.dedent(profile), encoding="utf-8")
    if jobs:
        (root / "jobs").mkdir(exist_ok=True)
        for slug, text in jobs.items():
            (root / "jobs" / f"{slug}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_workspace(root)


def line_of(ws: Workspace, needle: str, file: str | None = None) -> int:
    """1-based line of the first line containing `needle`, to assert positions readably."""
    text = Path(file or ws.profile_file).read_text(encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def only(problems: list[Problem], code: str) -> list[Problem]:
    assert all(p.code == code for p in problems), problems
    return problems


# ---------------------------------------------------------------- personal-data


def test_personal_data_flags_birth_date_family_address_and_photo(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        location: 221B Baker Street, London
        summary: Born on 12 March 1990, married, two children. Nationality German.
        contact:
          email: ada@ada-example.org
          photo: https://ada-example.org/me.jpg
        """)
    found = only(check_personal_data(ws), "personal-data")
    messages = {p.message.split(" (")[0]: p for p in found}
    assert set(messages) == {"mentions a date of birth", "mentions marital status", "mentions children",
                             "mentions nationality", "mentions a full street address", "links a photo"}
    assert messages["mentions a date of birth"].line == line_of(ws, "summary:")
    assert messages["mentions a date of birth"].path == "summary"
    assert messages["mentions a full street address"].line == line_of(ws, "location:")
    assert messages["links a photo"].path == "contact.photo"
    assert all("leave it out" in (p.suggestion or "") for p in found)


def test_personal_data_near_misses_years_and_numbers_are_not_personal(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        location: London, UK
        summary: 10 years of forecasting since 2015; single-page apps for a children's charity.
        projects:
          - title: Born in 1990 - a census explorer
            summary: Ages 18 to 65 in the 1990 census, by street.
            contribution: I built the map.
        experience:
          - role: Analyst
            org: Northwind
            location: Berlin
            start: 2015-03
        """)
    assert check_personal_data(ws) == []


# ---------------------------------------------------------------- self-rating


def test_self_rating_flags_stars_scores_and_level_groups(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        skills:
          - name: Python ★★★★☆
          - name: SQL (5/5)
          - name: pandas
            group: Expert
        languages:
          - name: Spanish
            level: 60%
        """)
    found = only(check_self_rating(ws), "self-rating")
    assert [(p.path, p.line) for p in found] == [
        ("skills[0].name", line_of(ws, "Python")),
        ("skills[1].name", line_of(ws, "SQL")),
        ("skills[2].group", line_of(ws, "Expert")),
        ("languages[0].level", line_of(ws, "60%")),
    ]
    assert "('★★★★☆')" in found[0].message
    assert found[0].suggestion == ("drop the rating and show what you built with Python "
                                   "in a project or highlight instead")
    assert "what you built with SQL in" in (found[1].suggestion or "")


def test_self_rating_near_misses_language_levels_and_outcome_percentages(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: Native English speaker; Python for 8 years, 100% remote since 2020.
        skills:
          - name: Python
            group: Advanced analytics
          - name: Expert systems
        languages:
          - name: English
            level: native
          - name: German
            level: C1
          - name: French
            level: fluent
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2020-01
            highlights:
              - Cut forecast error by 90% with Python (5 models in production).
              - Ran 24/7 on-call for the pricing service.
        """)
    assert check_self_rating(ws) == []


def test_self_rating_in_prose_needs_a_score_next_to_a_skill(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: Strong in Python (9/10) and statistics.
        skills:
          - name: Python
        """)
    [problem] = only(check_self_rating(ws), "self-rating")
    assert (problem.path, problem.line) == ("summary", line_of(ws, "summary:"))


# ---------------------------------------------------------------- vague-contribution


def test_vague_contribution_flags_team_only_projects_and_vague_bullets(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        projects:
          - title: Churn model
            summary: We built a churn model for the sales team.
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2020-01
            highlights:
              - Responsible for the data pipeline.
              - We migrated the warehouse to BigQuery.
        """)
    found = only(check_vague_contributions(ws), "vague-contribution")
    by_message = {p.message: p for p in found}
    title_line = line_of(ws, "title: Churn model")
    assert by_message["'Churn model' says what the project is, not what you did"].line == title_line
    assert by_message["'Churn model' names no concrete outcome"].suggestion.startswith("add `outcome:`")
    responsible = by_message["'Responsible for' does not say what you did"]
    assert (responsible.path, responsible.line) == ("experience[0].highlights[0]",
                                                    line_of(ws, "Responsible for"))
    team = by_message["says what the team did ('We ...'), not what you did"]
    assert (team.line, team.suggestion) == (line_of(ws, "We migrated"),
                                            "say what your part was: 'I built ...', or start with your verb")
    assert by_message["no highlight of 'Data Scientist, Northwind' names a concrete outcome"].path == (
        "experience[0].role")


def test_vague_contribution_near_misses_quoted_we_and_responsible_ai(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        projects:
          - title: Scheduler
            summary: We needed nightly retraining.
            contribution: I wrote the scheduler and its retry logic.
            outcome: Retraining went from weekly to nightly.
          - title: Review checklist
            summary: I built a responsible-AI review checklist.
            outcome: Used by four teams.
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2020-01
            highlights:
              - '"We Built This Pipeline": talk at PyData Berlin, 300 attendees.'
              - Led the migration; we cut warehouse costs by a third.
        """)
    assert check_vague_contributions(ws) == []


# ---------------------------------------------------------------- spelling


def test_spelling_flags_typos_with_suggestions(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: |
          Forecasting for retail.
          I recieve messy data and turn it into forecasts.
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2020-01
            highlights:
              - Desgined the pricing pipline, cutting errors by 12%.
        """)
    found = only(check_spelling(ws), "spelling")
    assert [(p.path, p.message) for p in found] == [
        ("summary", "'recieve' may be misspelled"),
        ("experience[0].highlights[0]", "'Desgined' may be misspelled"),
        ("experience[0].highlights[0]", "'pipline' may be misspelled"),
    ]
    assert found[0].line == line_of(ws, "summary:")
    assert found[0].suggestion.startswith("did you mean 'receive'")
    assert "add it to checks.words" in found[0].suggestion
    assert found[1].line == line_of(ws, "Desgined")
    assert found[2].suggestion.startswith("did you mean 'pipeline'?")


def test_spelling_near_misses_tech_vocabulary_names_and_code(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: >-
          Runs Kubernetes, PostgreSQL, scikit-learn and LightGBM in production; speaks at PyData
          meetups about dbt, Airflow and numpy. Optimised the behaviour of our datasets and analysed
          the workflow. Wolt hired me in Wroclaw. Uses `df.groupby`, snake_case, camelCase,
          e.g. Node.js, C++, Python3 and APIs. See [the repo](https://github.com/ada/forecastr).
          Built tabler dashboards with forecastr; mail ada@ada-example.org.
        checks:
          words: [tabler]
        experience:
          - role: Data Scientist
            org: Wolt
            location: Wroclaw
            start: 2020-01
            highlights:
              - Cut training time by 40%.
        projects:
          - title: forecastr
            summary: A forecasting library.
            contribution: I wrote it.
        """)
    assert check_spelling(ws) == []
    without_names = Speller("en", [])
    assert {t.word for t in without_names.typos(ws.profile.summary or "")} >= {"Wolt", "tabler", "forecastr"}


def test_spelling_checks_job_notes_but_not_postings(tmp_path: Path) -> None:
    ws = write(tmp_path, "", jobs={"acme": """\
        company: Acme
        role: Data Scientist
        note: I would love to recieve your feedback.
        posting: Wee are lookng for a data scientst.
        """})
    [problem] = only(check_spelling(ws), "spelling")
    assert problem.file == str(tmp_path / "jobs" / "acme.yaml")
    assert (problem.path, problem.line) == ("note", 3)


@pytest.mark.parametrize(
    "word", ["snake_case", "camelCase", "PyData", "Node.js", "APIs", "K8s", "C++", "e.g"]
)
def test_code_like_tokens_are_skipped(word: str) -> None:
    assert is_code_like(word)


@pytest.mark.parametrize("word", ["recieve", "Desgined", "pipline"])
def test_plain_words_are_not_code_like(word: str) -> None:
    assert not is_code_like(word)


# ---------------------------------------------------------------- placeholder


def test_placeholder_flags_lorem_todo_and_example_addresses(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: Lorem ipsum dolor sit amet.
        contact:
          website: https://example.com
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2020-01
            highlights:
              - "TODO: add the numbers"
        """, jobs={"acme": """\
        company: Acme
        role: Data Scientist
        note: TBD
        """})
    found = only(check_placeholders(ws), "placeholder")
    assert [(Path(p.file).name, p.path, p.line) for p in found] == [
        ("profile.yaml", "summary", line_of(ws, "summary:")),
        ("profile.yaml", "contact.website", line_of(ws, "website:")),
        ("profile.yaml", "experience[0].highlights[0]", line_of(ws, "TODO")),
        ("acme.yaml", "note", 3),
    ]
    assert found[0].message == "looks like lorem ipsum ('Lorem ipsum')"
    assert found[0].suggestion == "replace it with the real text, or delete it"


def test_placeholder_near_misses_todo_apps_and_lookalike_domains(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        contact:
          website: https://myexample.com
        projects:
          - title: A todo app for teams
            summary: I wrote a todo list app; see [Add dark mode](https://github.com/ada/todo/pull/1).
            outcome: 200 users.
        """)
    assert check_placeholders(ws) == []


# ---------------------------------------------------------------- consistency


def test_consistency_flags_dates_overlaps_long_bullets_and_repeated_links(tmp_path: Path) -> None:
    long_bullet = " ".join(["word"] * 40)
    ws = write(tmp_path, f"""\
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2020-03
            end: present
            highlights:
              - {long_bullet}
          - role: Analyst
            org: Contoso
            start: 2019-1
            end: 2021-06
          - role: Intern
            org: Fabrikam
            start: 2016
            end: 2017-02
        projects:
          - title: One
            links: {{code: "https://github.com/ada/one"}}
          - title: Two
            links: {{code: "https://github.com/ada/one/"}}
        """)
    found = only(check_consistency(ws), "consistency")
    by_path = {p.path: p for p in found if "overlaps" not in p.message}
    assert by_path["experience[1].start"].message == "date '2019-1' is written without a leading zero"
    assert by_path["experience[1].start"].suggestion == "write it as 2019-01"
    assert by_path["experience[2].start"].message == (
        "date '2016' is written as YYYY, other experience dates as YYYY-MM")
    assert by_path["experience[1].start"].line == line_of(ws, "start: 2019-1")
    overlap = [p for p in found if "overlaps" in p.message]
    assert [p.message for p in overlap] == [
        "'Analyst, Contoso' overlaps 'Data Scientist, Northwind' by 15 months"]
    assert overlap[0].line == line_of(ws, "start: 2019-1")
    bullet = by_path["experience[0].highlights[0]"]
    assert bullet.message.startswith("bullet has 40 words")
    assert bullet.line == line_of(ws, "word word")
    repeat = by_path["projects[1].links.code"]
    assert repeat.message == "the same link is given twice (also at projects[0].links.code)"


def test_consistency_near_misses_part_time_handover_and_cross_references(tmp_path: Path) -> None:
    bullet = " ".join(["word"] * 35)
    ws = write(tmp_path, f"""\
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2021-06
            end: present
            highlights:
              - {bullet}
          - role: Analyst
            org: Contoso
            start: 2019-01
            end: 2021-07
          - role: Freelance consultant
            org: Self-employed
            start: 2020-01
            end: 2022-12
          - role: Mentor
            org: WiDS
            start: 2019-05
            end: 2020-06
            tags: [part-time]
        projects:
          - title: ETA model
            links: {{write-up: "https://ada-example.org/eta"}}
        contributions:
          - kind: post
            title: What an ETA model taught me
            url: https://ada-example.org/eta
            date: 2021
          - kind: talk
            title: Feature stores
            date: 2022-03-14
        """)
    assert check_consistency(ws) == []


def test_consistency_year_only_roles_overlap_only_when_certain(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        experience:
          - role: Data Scientist
            org: Northwind
            start: 2021
            end: 2023
          - role: Analyst
            org: Contoso
            start: 2019
            end: 2021
        """)
    assert check_consistency(ws) == []


# ---------------------------------------------------------------- links


def test_links_flags_domainless_urls_empty_mailto_and_relative_links(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: Write to me ([mail](mailto:)); code at [GitHub](github.com/ada); see http//ada.dev.
        contact:
          website: https://ada-example
        projects:
          - title: Demo
            links: {demo: "http://localhost:8000"}
            summary: "[Try it](javascript:alert(1))"
        """)
    found = only(check_links(ws), "links")
    assert [(p.path, p.message) for p in found] == [
        ("summary", "'mailto:' has no e-mail address"),
        ("summary", "link 'github.com/ada' has no scheme, so it is read as a path on your own site"),
        ("summary", "'http//ada.dev' has a mistyped scheme"),
        ("contact.website", "'https://ada-example' has no valid domain ('ada-example')"),
        ("projects[0].links.demo", "'http://localhost:8000' points at your own computer"),
        ("projects[0].summary", "link 'javascript:alert(1' is not a web address"),
    ]
    assert found[0].line == line_of(ws, "summary:")
    assert found[1].suggestion == "write it as https://github.com/ada"
    assert found[3].line == line_of(ws, "website:")


def test_links_near_misses_ports_anchors_and_international_domains(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: Slides at [PyData](https://pydata.org/berlin2023/), [top](#top), [me](mailto:ada@ada.dev).
        contact:
          website: https://münchen.de/ada
          blog: https://ada.dev:8443/posts?page=2
        """)
    assert check_links(ws) == []


# ---------------------------------------------------------------- keyword-coverage

POSTING = """\
    posting: |
      Analytics Engineer at Acme

      Requirements:
      - Strong SQL and Python
      - Experience with dbt, Snowflake and Airflow
      - Dashboards in Looker

      Nice to have:
      - Kafka, Terraform

      Benefits:
      - Free Kubernetes training
    """


def test_keyword_coverage_names_missing_requirements_first(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        skills:
          - name: Python
        """, jobs={"acme": "company: Acme\nrole: Analytics Engineer\n" + textwrap.dedent(POSTING)})
    [problem] = only(check_keyword_coverage(ws), "keyword-coverage")
    assert (Path(problem.file).name, problem.path, problem.line) == ("acme.yaml", "posting", 3)
    # the title line ("Analytics Engineer at Acme") names the job's discipline: it leads
    assert problem.message == ("the profile covers 11% of this posting's key terms; it never mentions "
                               "Analytics engineering, SQL, dbt, Snowflake, Airflow, Dashboards, Looker, "
                               "Kafka and 1 more")
    assert "Kubernetes" not in problem.message  # benefits weigh nothing
    assert "add `aliases:`" in (problem.suggestion or "")


def test_keyword_coverage_near_miss_aliases_versions_and_tags_count(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        summary: Analytics engineer building dashboards on Snowflake with Python 3.11 and Postgres SQL.
        skills:
          - name: Apache Airflow
          - name: Looker
            tags: [dbt]
        """, jobs={"acme": "company: Acme\nrole: Analytics Engineer\n" + textwrap.dedent(POSTING)})
    assert check_keyword_coverage(ws) == []


def test_keyword_coverage_is_silent_on_thin_postings(tmp_path: Path) -> None:
    ws = write(tmp_path, "", jobs={"acme": """\
        company: Acme
        role: Analyst
        posting: We want someone who knows Excel and SQL.
        """})
    assert check_keyword_coverage(ws) == []


# ---------------------------------------------------------------- silencing


PROFILE_WITH_TYPOS = """\
    summary: I recieve data.
    projects:
      - title: Churn model
        summary: Responsible for the churn model. Teh end.
        ignore_checks: [vague-contribution]
      - title: Pricing
        summary: Responsible for pricing.
    """


def test_profile_ignore_silences_a_check_everywhere(tmp_path: Path) -> None:
    ws = write(tmp_path, PROFILE_WITH_TYPOS + "checks: {ignore: [spelling]}\n")
    codes = {p.code for p in run_checks(ws)}
    assert "spelling" not in codes and "vague-contribution" in codes


def test_item_ignore_silences_a_check_for_that_item_only(tmp_path: Path) -> None:
    ws = write(tmp_path, PROFILE_WITH_TYPOS)
    vague = [p.path for p in run_checks(ws) if p.code == "vague-contribution"]
    spelling = [p.path for p in run_checks(ws) if p.code == "spelling"]
    assert vague and all(path.startswith("projects[1]") for path in vague)
    assert spelling == ["summary", "projects[0].summary"]


def test_unknown_codes_in_ignore_lists_get_a_did_you_mean(tmp_path: Path) -> None:
    ws = write(tmp_path, """\
        checks: {ignore: [speling]}
        projects:
          - title: Churn model
            contribution: I built it.
            outcome: 3 fewer churned accounts a week.
            ignore_checks: [nonsense-check]
        """)
    unknown = [p for p in run_checks(ws) if p.code == UNKNOWN_CHECK]
    assert [(p.path, p.message, p.suggestion) for p in unknown] == [
        ("checks.ignore[0]", "there is no check called 'speling'", "did you mean 'spelling'?"),
        ("projects[0].ignore_checks[0]", "there is no check called 'nonsense-check'",
         f"known checks: {', '.join(CHECKS)}"),
    ]
    assert unknown[0].line == line_of(ws, "checks:")


def test_every_documented_code_is_registered() -> None:
    assert set(CHECKS) == {"personal-data", "self-rating", "vague-contribution", "spelling", "placeholder",
                           "consistency", "keyword-coverage", "links", "application-deadline",
                           "application-not-frozen", "application-frozen-changed",
                           "theme-extraction", "page-fit", "letter"}


# ---------------------------------------------------------------- robustness

PROSE = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n*[]()`'\"-/:#@"),
                max_size=300)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=PROSE, highlight=PROSE, title=PROSE.filter(lambda t: t.strip() != ""))
def test_checks_never_raise_on_arbitrary_prose(
    tmp_path: Path, summary: str, highlight: str, title: str
) -> None:
    profile = {
        "name": "Ada", "headline": "Analyst", "summary": summary,
        "experience": [
            {"role": "Analyst", "org": "Northwind", "start": "2020-01", "highlights": [highlight]}
        ],
        "projects": [{"title": title, "summary": summary, "contribution": highlight}],
        "skills": [{"name": title}],
    }
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    try:
        ws = load_workspace(tmp_path)
    except CvsiteError:
        return  # e.g. a title that is only whitespace: validation's business, not the checks'
    for problem in run_checks(ws):
        assert problem.code and problem.suggestion and problem.line >= 1


# ---------------------------------------------------------------- letters

LETTER_PROFILE = """\
experience:
  - role: Data Scientist
    org: Larder
    start: 2021
    highlights: [Built the forecasts]
projects:
  - title: Gas-fee forecaster
    summary: Predicts gas fees.
    tags: [crypto]
"""


def letter_workspace(root: Path, letter_file: str) -> Workspace:
    (root / "jobs").mkdir(parents=True)
    (root / "jobs" / "finvera-letter.md").write_text(letter_file, encoding="utf-8")
    return write(root, LETTER_PROFILE, {
        "finvera": "company: Finvera\nrole: ML Engineer\nexclude: [crypto]\nletter: finvera-letter.md\n",
        "isobar": "company: Isobar Climate\nrole: Analytics Engineer\nletter: |\n"
                  "  Dear team,\n  I would love to work at [Company] and\n  I recieve energy from Finvera.\n",
    })


def test_letters_get_placeholder_spelling_and_company_advice_at_their_own_lines(tmp_path: Path) -> None:
    ws = letter_workspace(tmp_path, "I would like to join Finvera.\n\n"
                                    "At Larder I learnt a lot. TODO: numbers\n"
                                    "I loved working for Isobar Climate on teh maps.\n"
                                    "My Gas-fee forecaster shows I know markets.\n")
    found = {(Path(p.file).name, p.line, p.column, p.code, p.message) for p in run_checks(ws)
             if p.path == "letter"}
    assert found == {
        ("finvera-letter.md", 3, 27, "placeholder", "looks like a to-do note ('TODO')"),
        ("finvera-letter.md", 4, 21, "letter", "the letter names 'Isobar Climate', the company of another "
                                               "application, in the letter to Finvera"),
        ("finvera-letter.md", 4, 39, "spelling", "'teh' may be misspelled"),
        ("finvera-letter.md", 5, 4, "letter", "the letter mentions 'Gas-fee forecaster', which this job "
                                              "excludes (its CV leaves it out)"),
        ("isobar.yaml", 5, 27, "placeholder", "looks like a template field ('[Company]')"),
        ("isobar.yaml", 6, 5, "spelling", "'recieve' may be misspelled"),
        ("isobar.yaml", 6, 25, "letter", "the letter names 'Finvera', the company of another application, "
                                         "in the letter to Isobar Climate"),
    }, "Larder is the user's own employer: naming it is fine"


def test_letter_advice_can_be_silenced_by_code(tmp_path: Path) -> None:
    ws = letter_workspace(tmp_path, "I loved working for Isobar Climate.\n")
    (tmp_path / "profile.yaml").write_text((tmp_path / "profile.yaml").read_text("utf-8")
                                           + "checks: {ignore: [letter]}\n", encoding="utf-8")
    ws = load_workspace(tmp_path)
    assert not [p for p in run_checks(ws) if p.code == "letter"]
