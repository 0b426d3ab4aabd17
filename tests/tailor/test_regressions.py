"""Issue 11, "What goes wrong today": one test per bullet, each on a realistic posting of
tests/fixtures/tailor/sam (a profile with one item per way a posting used to be misread)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvsite.loader import Workspace, load_workspace
from cvsite.tailor import Index, tailor_all
from cvsite.tailored import RankedItem, TailoredCV
from cvsite.terms import read_posting

SAM = Path(__file__).parents[1] / "fixtures" / "tailor" / "sam"


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return load_workspace(SAM)


@pytest.fixture(scope="module")
def cvs(workspace: Workspace) -> dict[str | None, TailoredCV]:
    return tailor_all(workspace)


def ranked(cv: TailoredCV, section: str) -> list[RankedItem]:
    found = cv.section(section)
    assert found is not None
    return [*found.items, *found.omitted]


def item(cv: TailoredCV, item_id: str) -> RankedItem:
    return next(r for s in cv.sections for r in (*s.items, *s.omitted) if r.id == item_id)


def posting_reasons(ranked_item: RankedItem) -> dict[str, float]:
    return {r.term: r.weight for r in ranked_item.reasons if r.kind == "posting"}


def weights(cv: TailoredCV) -> dict[str, float]:
    assert cv.reading is not None
    return {t.display: t.weight for t in cv.reading.terms}


# --- Negation and context ------------------------------------------------------------


def test_negated_terms_are_ignored_and_said_so(cvs: dict) -> None:
    # "we won't use machine learning in this team, and no Kubernetes experience is needed"
    cv = cvs["frontend"]
    assert cv.reading is not None
    ignored = {t.display: t.why for t in cv.reading.ignored}
    assert ignored["Machine learning"].startswith("negated: 'won't use machine learning")
    assert ignored["Kubernetes"] == "negated: 'no Kubernetes experience is needed'"
    assert not {"Machine learning", "Kubernetes"} & set(weights(cv)), "not even as company context"
    assert posting_reasons(item(cv, "k8s-operator")) == {}
    assert "Machine learning" not in posting_reasons(item(cv, "lab-notebook"))


def test_company_description_is_low_weight_context(cvs: dict) -> None:
    cv = cvs["frontend"]  # "Our platform is a Python backend ...", in "About Petri"
    python = next(t for t in cv.reading.terms if t.display == "Python")  # type: ignore[union-attr]
    assert python.notes[0] == "context: describes the company"
    assert python.weight < min(w for name, w in weights(cv).items() if name in {"TypeScript", "Storybook"})
    assert "Python" not in {t.display for t in cv.reading.ignored}  # type: ignore[union-attr]
    assert next(r for r in item(cv, "lab-notebook").reasons if r.term == "Python").note.startswith("context")


def test_the_job_title_outweighs_everything_else(cvs: dict) -> None:
    cv = cvs["frontend"]  # "Frontend Engineer (React)"
    top = cv.reading.terms[0]  # type: ignore[union-attr]
    assert top.display == "React" and top.sections[0] == "title" and "job title" in top.notes
    assert {"React", "Frontend development"} == {t.display for t in cv.reading.terms[:2]}  # type: ignore[union-attr]
    assert [r.id for r in ranked(cv, "projects")][:2] == ["design-system", "intranet"]


def test_benefits_still_weigh_nothing(cvs: dict) -> None:
    # "Budget for conferences (KubeCon included) and any Python course you like"
    python = next(t for t in cvs["frontend"].reading.terms if t.display == "Python")
    assert python.sections == ("company",)


# --- Informativeness -----------------------------------------------------------------


def test_terms_every_posting_names_weigh_less_than_the_specific_one(cvs: dict) -> None:
    found = weights(cvs["analytics"])  # requirements: "Python, SQL and dbt", "Statistics"
    assert found["dbt"] > max(found["Python"], found["SQL"], found["Statistics"])
    dbt_item, python_item = item(cvs["analytics"], "dbt-models"), item(cvs["analytics"], "lab-notebook")
    assert dbt_item.score > python_item.score
    note = next(r.note for r in python_item.reasons if r.term == "Python")
    assert "common in postings" in note and "of your other postings" in note


def test_a_repeated_paragraph_counts_once(workspace: Workspace) -> None:
    text = workspace.postings["analytics"]
    paragraph = ("We work in Python and SQL every day, and every analysis starts from statistics "
                 "you can defend.\n")
    assert text.count(paragraph) == 2
    vocab = Index.build(workspace.profile).vocab
    twice = {t.term: t for t in read_posting(text, vocab).terms}
    once = {t.term: t for t in read_posting(text.replace(paragraph, "", 1), vocab).terms}
    for term in ("python", "sql", "statistics"):
        assert (twice[term].weight, twice[term].count) == (once[term].weight, once[term].count)


def test_a_venue_does_not_match_a_support_channel(cvs: dict) -> None:
    for slug in ("analytics", "web"):  # "Questions? Ask us on GitHub", "Reach us on GitHub or by email."
        cv = cvs[slug]
        assert "GitHub" not in weights(cv)
        assert any(t.display == "GitHub" and t.why.startswith("a channel") for t in cv.reading.ignored)
        assert "GitHub" not in posting_reasons(item(cv, "datefns"))  # where: GitHub


# --- Vocabulary ----------------------------------------------------------------------


def test_kinds_of_work_match_their_everyday_names(cvs: dict) -> None:
    cv = cvs["platform"]  # "Write design docs ... lead incident reviews"
    ledgerly = item(cv, "ledgerly")
    bullet = next(h for h in ledgerly.highlights if h.text.startswith("Wrote 15 design specs"))
    assert bullet.score > 0
    assert {"Design docs", "Postmortems"} <= {r.term for r in bullet.reasons}
    assert ledgerly.highlights[0] is bullet, "the bullet that answers the posting leads"


def test_word_forms_and_spellings_match(cvs: dict) -> None:
    cv = cvs["platform"]  # "forecasting", "experimentation", "cost optimization"
    assert "Forecasting" in posting_reasons(item(cv, "demand"))  # "A weekly demand forecast"
    assert "Experimentation" in posting_reasons(item(cv, "checkout-tests"))  # "Ran experiments"
    assert "Cost optimization" in posting_reasons(item(cv, "cloud-bill"))  # "Cost optimisation"


def test_role_nouns_name_their_discipline(cvs: dict) -> None:
    top = cvs["platform"].reading.terms[0]  # "Staff Data Engineer"
    assert (top.display, top.sections[0]) == ("Data engineering", "title")


def test_broader_and_managed_terms_give_partial_credit_but_no_coverage(cvs: dict) -> None:
    cv = cvs["platform"]
    postgres = next(r for r in item(cv, "ledgerly").reasons if r.term == "PostgreSQL")  # via Amazon RDS
    full = weights(cv)["PostgreSQL"]
    assert postgres.note.startswith("partial: through Amazon RDS") and 0 < postgres.weight < full
    frontend = next(r for r in item(cv, "intranet").reasons if r.term == "Frontend development")
    assert frontend.note.startswith("partial: through Full-stack development")
    assert cv.coverage is not None  # a keyword screen would still not find them
    assert {"PostgreSQL", "Frontend development"} <= {t.display for t in cv.coverage.missing}


def test_the_profiles_own_tags_match_posting_text(cvs: dict) -> None:
    cv = cvs["platform"]  # "Three-way match of invoices, orders and receipts"; tags: [three-way-match]
    assert "three-way-match" in posting_reasons(item(cv, "invoices"))
    assert [r.id for r in ranked(cv, "projects")].index("invoices") < 3
