"""Tailoring: which items come first, which are left out, and why, for real roles.

The fixture `alex` is one engineer with backend, frontend, ML, analytics and SRE
evidence; its jobs/ hold real-length postings for five different roles. Smaller
jobs are built inline against the same profile to pin one rule each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.loader import Workspace, load_workspace
from cvsite.model import SECTIONS, Job, Profile
from cvsite.tailor import Index, tailor, tailor_all, tailor_with
from cvsite.tailored import RankedItem, TailoredCV

ALEX = Path(__file__).parent / "fixtures" / "tailor" / "alex"
GENERIC = {"experience", "team", "strong", "data", "you", "years", "role", "skills", "work"}


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return load_workspace(ALEX)


@pytest.fixture(scope="module")
def index(workspace: Workspace) -> Index:
    return Index.build(workspace.profile)


@pytest.fixture(scope="module")
def cvs(workspace: Workspace) -> dict[str | None, TailoredCV]:
    return tailor_all(workspace)


def job(**fields: object) -> Job:
    return Job.model_validate({"company": "Acme", "role": "Engineer", **fields})


def run(index: Index, posting: str = "", **fields: object) -> TailoredCV:
    return tailor_with(index, "test", job(**fields), posting)


def ids(cv: TailoredCV, section: str) -> list[str]:
    found = cv.section(section)
    return [r.id for r in found.items] if found else []


def omitted(cv: TailoredCV, section: str) -> list[str]:
    found = cv.section(section)
    return [r.id for r in found.omitted] if found else []


def everywhere(cv: TailoredCV) -> set[str]:
    return {r.id for s in cv.sections for r in s.items}


def item(cv: TailoredCV, section: str, item_id: str) -> RankedItem:
    return next(r for r in cv.section(section).items if r.id == item_id)  # type: ignore[union-attr]


def reason_terms(cv: TailoredCV, section: str, item_id: str) -> set[str]:
    return {r.term.lower() for r in item(cv, section, item_id).reasons if r.kind in ("tag", "posting")}


# --- Five roles, one profile ---------------------------------------------------------


def test_ml_engineer_leads_with_the_model_and_drops_the_excluded_and_the_frontend(cvs: dict) -> None:
    cv = cvs["ml-engineer"]
    assert cv.sections[0].name == "experience"  # conventional order: work history first
    assert ids(cv, "projects")[0] == "delay-model"
    assert set(ids(cv, "projects")) == {"delay-model", "runbooks", "cohorts"}  # limit 3
    assert "arbitrage" not in everywhere(cv)  # exclude: [crypto]
    assert [r.id for r in cv.excluded] == ["arbitrage"]
    assert "fleet-dashboard" in omitted(cv, "projects")  # frontend: -2 makes it worse than nothing
    northwind = item(cv, "experience", "northwind")
    assert northwind.highlights[0].text.startswith("Trained a PyTorch model")
    assert len(northwind.item.highlights) == 3  # limit: {highlights: 3}
    assert all("React" not in h.text for h in northwind.item.highlights)  # the negative bullet is cut
    assert {"PyTorch", "Python", "SQL", "Kubernetes"} <= set(cv.matched_skills)
    assert "Rust" not in cv.matched_skills


def test_experience_stays_reverse_chronological_while_its_bullets_are_reordered(cvs: dict) -> None:
    # profile order is statlab, northwind, brightcart; statlab outscores brightcart here
    cv = cvs["ml-engineer"]
    assert ids(cv, "experience") == ["northwind", "brightcart", "statlab"]
    assert item(cv, "experience", "statlab").score > item(cv, "experience", "brightcart").score
    analyst = cvs["analyst"]
    assert ids(analyst, "experience") == ["northwind", "brightcart", "statlab"]
    assert item(analyst, "experience", "northwind").item.highlights[0].text.startswith("Ran A/B tests")
    assert item(analyst, "experience", "statlab").item.highlights[0].text.startswith("Wrote SQL with window")


def test_frontend_ranks_projects_and_keeps_one_contribution(cvs: dict) -> None:
    cv = cvs["frontend"]
    assert [s.name for s in cv.sections[:2]] == ["experience", "projects"]
    assert ids(cv, "projects")[:2] == ["fleet-dashboard", "html-mailer"]
    assert ids(cv, "projects")[-1] == "delay-model"  # machine-learning: -1
    assert ids(cv, "contributions") == ["post-hooks"]  # limit 1
    assert ids(cv, "skills")[:3] == ["typescript", "react", "html"]


def test_analyst_limits_drop_zero_relevance_items_even_below_the_limit(cvs: dict) -> None:
    cv = cvs["analyst"]
    assert ids(cv, "projects") == ["cohorts", "fleet-dashboard"]  # limit 2
    # limit 4, only three match; Tableau leads: SQL and Python are named by most postings (specificity)
    assert ids(cv, "skills") == ["tableau", "sql", "python"]
    assert "go" in omitted(cv, "skills")
    reasons = {r.id: r.why_left_out.kind for r in cv.section("skills").omitted}  # type: ignore[union-attr]
    assert reasons["go"] == "irrelevant"
    assert ids(cv, "education")[0] == "msc"  # statistics


def test_backend_pins_sections_and_matches_java_not_javascript(cvs: dict) -> None:
    cv = cvs["backend"]
    assert [s.name for s in cv.sections[:2]] == ["experience", "skills"]
    assert ids(cv, "skills")[0] == "java"
    assert "JavaScript" not in cv.matched_skills
    assert reason_terms(cv, "projects", "snake") == set()
    brightcart = item(cv, "experience", "brightcart")
    assert brightcart.item.highlights[0].text.startswith("Split the checkout monolith into Java")


def test_sre_exclusion_removes_items_and_only_the_tagged_bullet(cvs: dict) -> None:
    cv = cvs["sre"]
    assert ids(cv, "projects")[0] == "runbooks"
    gone = {"fleet-dashboard", "post-hooks"}  # exclude: [frontend]
    assert gone.isdisjoint(everywhere(cv))
    assert gone == {r.id for r in cv.excluded}
    northwind = item(cv, "experience", "northwind")
    texts = [h.text for h in northwind.item.highlights]
    assert len(texts) == 4 and not any("React" in t for t in texts)
    assert [h.reasons[-1].kind for h in northwind.dropped_highlights] == ["excluded"]
    assert "react" in ids(cv, "skills")  # the React skill is not tagged frontend: it stays…
    assert reason_terms(cv, "skills", "react") == set()  # …but "React to incidents" is no match
    assert "react" not in {t.term for t in cv.coverage.matched + cv.coverage.unused}  # type: ignore[union-attr]


def test_generic_posting_words_never_become_reasons_or_coverage(cvs: dict) -> None:
    for slug, cv in cvs.items():
        if slug is None:
            continue
        terms = {r.term.lower() for s in cv.sections for i in s.items for r in i.reasons}
        coverage = cv.coverage
        assert coverage is not None
        terms |= {t.display.lower() for t in coverage.matched + coverage.unused + coverage.missing}
        assert not terms & GENERIC, slug


def test_general_cv_is_the_profile_as_written(cvs: dict, workspace: Workspace) -> None:
    cv = cvs[None]
    assert [s.name for s in cv.sections] == [name for name in SECTIONS if workspace.profile.section(name)]
    assert ids(cv, "projects") == [p.id for p in workspace.profile.projects]
    assert ids(cv, "experience") == ["statlab", "northwind", "brightcart"]
    assert all(r.score == 0 and not r.reasons for s in cv.sections for r in s.items)
    assert cv.coverage is None and cv.excluded == []


def test_tailor_one_job_equals_tailor_all(workspace: Workspace, cvs: dict) -> None:
    assert tailor(workspace, "sre") == cvs["sre"]
    assert tailor(workspace, None) == cvs[None]


# --- One rule at a time ----------------------------------------------------------------


def test_positive_tag_pulls_up_and_negative_pushes_down(index: Index) -> None:
    assert ids(run(index, tags={"css": 2}), "projects")[0] == "html-mailer"
    assert ids(run(index, tags={"typescript": -2}), "projects")[-1] == "fleet-dashboard"
    # the featured, newest project leads when nothing else speaks
    assert ids(run(index, tags={"typescript": 0}), "projects")[0] == "fleet-dashboard"


def test_exclude_removes_item_from_sections_skills_and_coverage(index: Index) -> None:
    cv = run(index, "Requirements\n- Python and Kubernetes in production\n", exclude=["python"])
    assert {"delay-model", "arbitrage", "pr-pandas", "python"}.isdisjoint(everywhere(cv))
    assert "Python" not in cv.matched_skills
    coverage = cv.coverage
    assert coverage is not None
    assert "python" not in {t.term for t in coverage.matched}
    assert "python" in {t.term for t in coverage.unused}  # the profile has it; this CV leaves it out
    assert "kubernetes" in {t.term for t in coverage.matched}


def test_excluded_bullet_neither_shows_nor_scores(index: Index) -> None:
    cv = run(index, "Requirements\n- PyTorch\n- Grafana\n", exclude=["pytorch"])
    northwind = item(cv, "experience", "northwind")
    assert not any("PyTorch" in h.text for h in northwind.item.highlights)
    assert "pytorch" not in reason_terms(cv, "experience", "northwind")
    assert "grafana" in reason_terms(cv, "experience", "northwind")
    assert "delay-model" not in everywhere(cv) and "pytorch" not in everywhere(cv)


def test_highlight_limit_keeps_the_most_relevant_bullets(index: Index) -> None:
    cv = run(index, "Requirements\n- Kafka and Terraform\n", limit={"highlights": 1})
    assert [h.text[:5] for h in item(cv, "experience", "brightcart").item.highlights] == ["Split"]
    assert len(item(cv, "experience", "northwind").item.highlights) == 1
    assert all(len(r.item.highlights) <= 1 for r in cv.section("projects").items)  # type: ignore[union-attr]


def test_unpinned_sections_follow_relevance_when_asked(index: Index) -> None:
    cv = run(index, "Requirements\n- Portuguese\n", tags={"sre": 1}, sections=["languages"],
             section_order="relevance")
    assert cv.sections[0].name == "languages"
    rest = [s.score for s in cv.sections[1:]]
    assert rest == sorted(rest, reverse=True)


def test_sections_read_conventionally_by_default_and_by_relevance_on_request(index: Index) -> None:
    conventional = run(index, tags={"typescript": 3, "css": 3})
    names = [s.name for s in conventional.sections]
    assert names == [n for n in SECTIONS if n in names] and names[0] == "experience"
    relevance = run(index, tags={"typescript": 3, "css": 3}, section_order="relevance")
    assert relevance.sections[0].name == "projects"  # the strongest matches
    scores = [s.score for s in relevance.sections]
    assert scores == sorted(scores, reverse=True)
    index.profile.section_order = "relevance"
    try:
        assert [s.name for s in run(index, tags={"typescript": 3, "css": 3}).sections] == \
            [s.name for s in relevance.sections]
        pinned_back = run(index, tags={"typescript": 3}, section_order="conventional")
        assert pinned_back.sections[0].name == "experience"
    finally:
        index.profile.section_order = "conventional"


def test_priors_break_ties_but_never_outweigh_a_real_match(index: Index) -> None:
    # html-mailer (2019, not featured) has the job's only, tiny match; fleet-dashboard
    # (2024, featured) has the biggest prior of all and no match.
    cv = run(index, tags={"css": 0.01})
    assert ids(cv, "projects")[0] == "html-mailer"
    assert item(cv, "projects", "html-mailer").score > item(cv, "projects", "fleet-dashboard").score
    # a tiny negative weight is real too: the featured item sinks below unmatched ones
    assert ids(run(index, tags={"typescript": -0.01}), "projects")[-1] == "fleet-dashboard"
    # between equal matches the prior decides: newer and featured first
    tie = run(index, tags={"python": 1})
    assert ids(tie, "projects")[:2] == ["arbitrage", "delay-model"]


def test_ties_keep_profile_order(index: Index, workspace: Workspace) -> None:
    cv = run(index, tags={"sql": 1})
    skills = ids(cv, "skills")
    assert skills[0] == "sql"
    profile_order = [s.id for s in workspace.profile.skills if s.id != "sql"]
    assert skills[1:] == profile_order


def test_same_inputs_give_identical_output(workspace: Workspace) -> None:
    first = tailor_all(workspace)
    second = tailor_all(load_workspace(ALEX))
    assert first == second


def test_react_to_incidents_does_not_pull_up_a_react_project(index: Index) -> None:
    cv = run(index, "Requirements\n- React to incidents quickly.\n- Kubernetes\n")
    assert reason_terms(cv, "projects", "fleet-dashboard") == set()
    assert ids(cv, "projects")[0] == "runbooks"


def test_react_mid_sentence_after_a_skill_is_still_a_verb(index: Index) -> None:
    cv = run(index, "Requirements\n- Join the on-call rotation and react quickly to incidents.\n")
    assert reason_terms(cv, "projects", "fleet-dashboard") == set()


def test_java_posting_does_not_match_javascript(index: Index) -> None:
    cv = run(index, "Requirements\n- Strong Java skills\n")
    assert reason_terms(cv, "projects", "snake") == set()
    assert cv.matched_skills == ["Java"]


def test_ml_is_not_found_inside_html(index: Index) -> None:
    cv = run(index, "Requirements\n- Experience with ML in production\n")
    assert reason_terms(cv, "projects", "html-mailer") == set()
    assert "machine learning" in reason_terms(cv, "projects", "delay-model")


def test_go_counts_as_a_language_not_as_a_verb(index: Index) -> None:
    verb = run(index, "Requirements\n- You go the extra mile for customers\n- Kubernetes\n")
    assert reason_terms(verb, "projects", "ratelimit") == set()
    assert "Go" not in verb.matched_skills
    language = run(index, "Requirements\n- Services written in Go\n")
    assert ids(language, "projects")[0] == "ratelimit"
    assert "Go" in language.matched_skills


def test_requirements_weigh_more_than_nice_to_have(index: Index) -> None:
    cv = run(index, "Requirements\n- Rust\n\nNice to have\n- Terraform\n")
    assert item(cv, "skills", "rust").score > item(cv, "skills", "terraform").score > 0
    swapped = run(index, "Requirements\n- Terraform\n\nNice to have\n- Rust\n")
    assert item(swapped, "skills", "terraform").score > item(swapped, "skills", "rust").score


def test_benefits_weigh_nothing(index: Index) -> None:
    cv = run(index, "Requirements\n- SQL\n\nBenefits\n- Free Kubernetes and Terraform training\n")
    assert reason_terms(cv, "projects", "runbooks") == set()
    coverage = cv.coverage
    assert coverage is not None
    assert {t.term for t in coverage.matched + coverage.unused + coverage.missing} == {"sql"}


def test_coverage_splits_matched_unused_and_missing(index: Index) -> None:
    posting = ("Requirements\n- Services written in Go\n- Kubernetes\n- Haskell\n- Erlang\n"
               "- Terraform\n- PostgreSQL\n")
    cv = run(index, posting, exclude=["golang"])
    coverage = cv.coverage
    assert coverage is not None
    assert {t.term for t in coverage.matched} == {"kubernetes", "terraform", "postgresql"}
    assert {t.term for t in coverage.unused} == {"go"}
    assert {t.term for t in coverage.missing} == {"haskell", "erlang"}
    weights = [t.weight for t in coverage.matched + coverage.unused + coverage.missing]
    assert coverage.ratio == pytest.approx(sum(t.weight for t in coverage.matched) / sum(weights), abs=1e-3)
    assert 0 < coverage.ratio < 1
    assert "projects:runbooks" in next(t for t in coverage.matched if t.term == "kubernetes").where
    assert not coverage.low_confidence


def test_coverage_flags_too_few_recognised_terms(index: Index, cvs: dict) -> None:
    thin = run(index, "We are hiring! Requirements: Kubernetes.").coverage
    assert thin is not None and thin.low_confidence
    assert not cvs["ml-engineer"].coverage.low_confidence


def test_coverage_counts_only_bullets_the_cv_shows(index: Index) -> None:
    # Grafana lives only in a northwind bullet; with one bullet per role it is cut
    posting = "Requirements\n- PyTorch and MLflow\n\nNice to have\n- Grafana\n"
    cv = run(index, posting, limit={"highlights": 1})
    coverage = cv.coverage
    assert coverage is not None
    assert {t.term for t in coverage.unused} == {"grafana"}
    assert next(t for t in coverage.unused if t.term == "grafana").where == ("experience:northwind",)
    assert "grafana" in {t.term for t in run(index, posting).coverage.matched}  # type: ignore[union-attr]


# --- Properties over generated profiles ---------------------------------------------------

TAGS = ["python", "sql", "react", "go", "kubernetes", "java", "terraform", "css"]
RANKED = ("projects", "contributions", "skills", "education")


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    tags = st.lists(st.sampled_from(TAGS), max_size=3, unique=True)
    bullets = st.lists(st.fixed_dictionaries({"text": st.sampled_from(
        ["Shipped the Python service", "Tuned SQL queries", "Built React pages", "Ran Kubernetes"]),
        "tags": tags}), max_size=3)
    projects = [{"id": f"p{i}", "title": f"Project {i}", "tags": draw(tags), "featured": draw(st.booleans()),
                 "date": f"{draw(st.integers(2010, 2024))}", "highlights": draw(bullets)}
                for i in range(draw(st.integers(1, 8)))]
    roles = [{"id": f"r{i}", "role": "Engineer", "org": f"Org {i}", "start": f"{2000 + i}",
              "end": f"{2001 + i}", "tags": draw(tags), "highlights": draw(bullets)}
             for i in range(draw(st.integers(0, 4)))]
    return Profile.model_validate({
        "name": "Pat", "headline": "Engineer", "projects": projects, "experience": roles,
        "contributions": [{"id": f"c{i}", "title": f"Talk {i}", "tags": draw(tags)} for i in range(3)],
        "skills": [{"id": t, "name": t.title(), "tags": draw(tags)} for t in TAGS[: draw(st.integers(0, 8))]],
        "education": [{"id": "e0", "degree": "BSc", "institution": "Uni", "tags": draw(tags)}],
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(),
       weights=st.dictionaries(st.sampled_from(TAGS), st.floats(-3, 3, allow_nan=False), max_size=5),
       exclude=st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
       posting=st.sampled_from(["", "Requirements\n- Python and SQL\n\nNice to have\n- Go, Terraform\n"]))
def test_scoring_properties(profile: Profile, weights: dict, exclude: list, posting: str) -> None:
    cv = tailor_with(Index.build(profile), "p", job(tags=weights, exclude=exclude), posting)
    for section in cv.sections:
        for ranked in section.items:
            assert not set(ranked.item.tags) & set(exclude)
            assert ranked.id.lower() not in exclude or section.name != "skills"
            for bullet in getattr(ranked.item, "highlights", []):
                assert not set(bullet.tags) & set(exclude)
            assert ranked.score == pytest.approx(sum(r.weight for r in ranked.reasons), abs=1e-6)
            for bullet in ranked.highlights:
                assert bullet.score == pytest.approx(sum(r.weight for r in bullet.reasons), abs=1e-6)
        if section.name in RANKED:
            scores = [r.score for r in section.items]
            assert scores == sorted(scores, reverse=True)
    assert {r.id for r in cv.excluded} == {
        i.id for name in ("projects", "experience", "contributions", "education")
        for i in profile.section(name) if set(i.tags) & set(exclude)
    } | {s.id for s in profile.skills if s.id in exclude or set(s.tags) & set(exclude)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(),
       weights=st.dictionaries(st.sampled_from(TAGS), st.floats(-3, 3, allow_nan=False), max_size=5),
       exclude=st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
       limits=st.dictionaries(st.sampled_from(["experience", *RANKED]), st.integers(0, 3), max_size=3),
       posting=st.sampled_from(["", "Requirements\n- Python and SQL\n\nNice to have\n- Go, Terraform\n"]))
def test_sections_chosen_before_ranking_agree_with_their_ranked_items(
        profile: Profile, weights: dict, exclude: list, limits: dict, posting: str) -> None:
    # Which sections show, their scores and the matched skills are worked out before any
    # item is ranked (the ranked lists are made when first read): they must say the same.
    index = Index.build(profile)
    cv = tailor_with(index, "p", job(tags=weights, exclude=exclude, limit=limits), posting)
    excluded = {(r.section, r.id) for r in cv.excluded}
    for section in cv.sections:
        assert section.items
        best = sorted((r.match for r in (*section.items, *section.omitted) if r.match > 0), reverse=True)
        assert section.score == round(sum(best[:3]), 4)
    skills = cv.section("skills")
    order = [s.id for s in profile.skills]
    shown = sorted(skills.items, key=lambda r: order.index(r.id)) if skills else []
    assert cv.matched_skills == [r.title for r in shown if r.match > 0]
    for name in {"experience", *RANKED} - {s.name for s in cv.sections}:
        others = {key: value for key, value in limits.items() if key != name}
        unlimited = tailor_with(index, "p", job(tags=weights, exclude=exclude, limit=others), posting)
        whole = unlimited.section(name)
        if whole is None:  # nothing to show at all: every item is excluded
            assert all((name, i.id) in excluded for i in profile.section(name))
        else:  # a limit of 0, or nothing with a positive match to fill the places
            assert limits.get(name) == 0 or all(r.match <= 0 for r in whole.items)
