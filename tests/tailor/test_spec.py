"""The fast path (cvsite.tailor.fast) against the plain reference scorer (cvsite.tailor.spec):
on generated profiles and jobs both give identical scores, reasons and order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.model import Job, Profile
from cvsite.tailor import Index, tailor_with
from cvsite.tailor.spec import tailor_plainly
from cvsite.tailored import TailoredCV

TAGS = ["python", "sql", "react", "go", "kubernetes", "amazon-rds", "postgresql", "full-stack", "frontend",
        "design-docs", "incident-review", "forecasting"]
BULLETS = [
    "Shipped the Python service on Amazon RDS",
    "Tuned SQL queries on PostgreSQL",
    "Built React pages as a full-stack engineer",
    "Ran Kubernetes on EKS",
    "Wrote 15 design specs and two public incident retros",
    "Built the demand forecast in Go",
]
POSTINGS = [
    "",
    "Requirements\n- Python and SQL\n\nNice to have\n- Go, Terraform\n",
    "Senior Frontend Engineer\n\nAbout us\nWe build ML tools for scientists.\n\nRequirements\n"
    "- React and PostgreSQL\n- No Kubernetes experience needed.\n- Design docs and incident reviews\n",
    "Data Engineer\n\nWhat you'll do\n- Forecasting with Python on Amazon RDS\n- Kubernetes (EKS)\n"
    "- Forecasting with Python on Amazon RDS\n\nBenefits\n- Free Go courses\n",
]


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    tags = st.lists(st.sampled_from(TAGS), max_size=3, unique=True)
    bullets = st.lists(st.fixed_dictionaries({"text": st.sampled_from(BULLETS), "tags": tags}), max_size=4)
    projects = [{"id": f"p{i}", "title": f"Project {i}", "summary": draw(st.sampled_from(["", *BULLETS])),
                 "tags": draw(tags), "featured": draw(st.booleans()),
                 "date": f"{draw(st.integers(2010, 2024))}", "highlights": draw(bullets)}
                for i in range(draw(st.integers(1, 8)))]
    roles = [{"id": f"r{i}", "role": draw(st.sampled_from(["Engineer", "Data engineer", "SRE"])),
              "org": f"Org {i}", "start": f"{2000 + i}",
              "end": draw(st.sampled_from([f"{2001 + i}", "present"])),
              "tags": draw(tags), "highlights": draw(bullets)}
             for i in range(draw(st.integers(0, 4)))]
    return Profile.model_validate({
        "name": "Pat", "headline": "Engineer", "projects": projects, "experience": roles,
        "contributions": [{"id": f"c{i}", "title": f"Talk {i}",
                           "where": draw(st.sampled_from(["GitHub", "PyCon"])), "tags": draw(tags)}
                          for i in range(3)],
        "skills": [{"id": t, "name": t.replace("-", " ").title(), "tags": draw(tags)}
                   for t in TAGS[: draw(st.integers(0, len(TAGS)))]],
        "education": [{"id": "e0", "degree": "BSc", "institution": "Uni", "tags": draw(tags)}],
    })


def snapshot(cv: TailoredCV) -> object:
    """Everything both scorers must agree on (coverage is the fast path's alone)."""
    def items(ranked: list) -> list:
        return [(r.section, r.id, r.score, r.reasons, r.included, r.why_left_out, r.item,
                 [(h.text, h.score, h.reasons) for h in r.highlights],
                 [(h.text, h.score, h.reasons) for h in r.dropped_highlights]) for r in ranked]

    return ([(s.name, s.score, items(s.items), items(s.omitted)) for s in cv.sections], items(cv.excluded),
            cv.matched_skills, cv.reading)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(),
       weights=st.dictionaries(st.sampled_from(TAGS), st.floats(-3, 3, allow_nan=False), max_size=5),
       exclude=st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
       limits=st.dictionaries(st.sampled_from(["experience", "projects", "contributions", "skills",
                                               "education", "highlights"]), st.integers(0, 3), max_size=3),
       pinned=st.lists(st.sampled_from(["skills", "projects", "experience"]), max_size=2, unique=True),
       posting=st.sampled_from(POSTINGS),
       others=st.lists(st.sampled_from(POSTINGS), max_size=4))
def test_fast_path_equals_the_reference_scorer(profile: Profile, weights: dict, exclude: list, limits: dict,
                                               pinned: list, posting: str, others: list) -> None:
    index = Index.build(profile, postings=[posting, *others])
    job = Job.model_validate({"company": "Acme", "role": "Data Engineer", "tags": weights, "exclude": exclude,
                              "limit": limits, "sections": pinned or None})
    fast = tailor_with(index, "job", job, posting)
    plain = tailor_plainly(index, "job", job, posting)
    assert snapshot(fast) == snapshot(plain)
