"""`cvsite.jobad`: company and role, page furniture and HTML, read from real-looking ads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvsite.jobad import (
    MAX_FIELD,
    guess_company_role,
    html_to_text,
    is_metadata_line,
    key_terms,
    scale_weight,
)
from cvsite.terms import Vocabulary, extract_posting_terms


def test_weights_scale_by_posting_section() -> None:
    assert [scale_weight(w) for w in (2.02, 1.5, 1.2, 1.0, 0.5, 0.375)] == [3, 3, 2, 2, 1, 1]


@pytest.mark.parametrize(("posting", "expected"), [
    ("Company: Acme Robotics\nJob title: Senior ML Engineer (m/f/d)\n\nWe build robots.",
     ("Acme Robotics", "Senior ML Engineer")),
    ("Northwind Bank is looking for a passionate Senior Backend Developer who loves Go.",
     ("Northwind Bank", "Senior Backend Developer")),
    ("Orbit Labs | Staff Site Reliability Engineer | Remote\n\nOrbit Labs runs satellites.",
     ("Orbit Labs", "Staff Site Reliability Engineer")),
    ("Join Tessellate as a Product Designer. About 40 people work here.", ("Tessellate", "Product Designer")),
    ("# Frontend Engineer\n\nAbout Brightwave\nWe make learning apps.", ("Brightwave", "Frontend Engineer")),
    # A place beside the title is not the company; "About us" names no one.
    ("Senior Data Engineer - Berlin\n\nWe are a startup in Berlin.\nAbout us\nWe sell shoes.",
     (None, "Senior Data Engineer")),
    ("We are hiring a frontend engineer to build our design system.", (None, "Frontend engineer")),
    ("We make software.\nYou will write code.", (None, None)),
])
def test_guess_company_role(posting: str, expected: tuple[str | None, str | None]) -> None:
    assert guess_company_role(posting) == expected


def test_html_to_text_keeps_words_drops_scripts() -> None:
    text = html_to_text("<h2>Stack</h2>\n<ul>\n  <li>Go&amp;Rust</li>\n  <li>SQL</li>\n</ul>"
                        "<script>var jobId = 1;</script><p>Caf&eacute;&nbsp;time<br>daily</p>")
    assert text == "## Stack\n\n- Go&Rust\n- SQL\n\nCafé time\ndaily"


@pytest.mark.parametrize("line", [
    "Posted 2 days ago · 143 applicants", "Job ID: W20-1183", "Apply now", "Easy Apply",
    "Full-time · Mid-Senior level", "Reference: KF-2024-117", "jobPostingId: 88421 | reqCode: SRE-W20",
    "Transportation, Logistics · 201-500 employees", "Show more", "Report this job",
])
def test_job_board_furniture_is_metadata(line: str) -> None:
    assert is_metadata_line(line)


@pytest.mark.parametrize("line", [
    "Location: Berlin", "Job title: Data Engineer", "Required: 3+ years with Kubernetes",
    "- Must have 4+ years of Go", "Posted our first open-source library in 2021 with 300 stars",
    "We are 60 employees building Go services", "Apply your SQL skills to billing data",
])
def test_content_lines_are_not_metadata(line: str) -> None:
    assert not is_metadata_line(line)


@pytest.mark.parametrize(("posting", "expected"), [
    # A repeated proper name that acts in its sentences is the company.
    ("Senior Data Engineer\n\nPolaris Grid runs the meters of 2 million homes. "
     "Polaris Grid's data team is small.\n", ("Polaris Grid", "Senior Data Engineer")),
    # Places and skills repeat too, but are not companies.
    ("Data Engineer\n\nBased in Berlin. Our Berlin office is near the river.\n"
     "Python is a must. Python is used everywhere here.\n", (None, "Data Engineer")),
    # "About the company" on a job board, followed by the name.
    ("Platform Engineer\nRemote\n\nWe run fleets.\n\nAbout the company\nOrbital Freight\n"
     "Logistics · 51-200 employees\n", ("Orbital Freight", "Platform Engineer")),
    # A title line beats the sentence's lower-case title.
    ("Analytics Engineer, Data & Graphics\n\nIsobar Climate is hiring an analytics engineer.\n",
     ("Isobar Climate", "Analytics Engineer, Data & Graphics")),
    ("At Quillbyte, we build editors.\n\n# Staff Frontend Engineer\n",
     ("Quillbyte", "Staff Frontend Engineer")),
    ("Come join Fernhill and build clinics' software.\nFernhill is 60 people.\n", ("Fernhill", None)),
    ("Senior Data Scientist at Example GmbH. Python, SQL, machine learning.\n",
     ("Example GmbH", "Senior Data Scientist")),
    # People and places act in sentences too.
    ("Senior Data Engineer (Remote, EU)\n\nYou'll report to Jana, our Head of Data. Jana has built "
     "platforms, and Jana's team owns ingestion.\nBerlin or Lisbon are our hubs. Berlin is where we sit.\n",
     (None, "Senior Data Engineer")),
    ("My client, a leading fintech in Amsterdam, is hiring a Machine Learning Engineer!\n\n"
     "Amsterdam-based, hybrid. #hiring #Amsterdam\n", (None, "Machine Learning Engineer")),
    # Job-board chrome around the title block; emoji and bold in Markdown ads.
    ("Apply for this job\n\nData Scientist, Forecasting\nat Wavelength Health (View all jobs)\nLondon, UK\n"
     "\nWavelength Health predicts demand.\n\nApply for this job\n",
     ("Wavelength Health", "Data Scientist, Forecasting")),
    ("🚀 Product Analyst (Marketplace)\n\n🌍 About Lattice Ops\nLattice Ops connects repair shops.\n",
     ("Lattice Ops", "Product Analyst")),
    ("**Helio Batteries** is looking for an **Analytics Engineer** to help us.\n",
     ("Helio Batteries", "Analytics Engineer")),
    # Said outright, a company may share its name with a skill or a channel...
    ("Snowflake is hiring a Senior Data Engineer.\n", ("Snowflake", "Senior Data Engineer")),
    ("About GitLab\nGitLab builds DevOps software.\n", ("GitLab", None)),
    # ...but repetition or "at" alone never makes a skill, a channel or a job board the company.
    ("Data Engineer\n\nWe run at AWS scale. Built at AWS, proven at AWS.\n", (None, "Data Engineer")),
    # German ads, and names that start with an article.
    ("Die Stadtwerke München suchen ab sofort einen Softwareentwickler (m/w/d) für die Abrechnung.\n",
     ("Die Stadtwerke München", "Softwareentwickler")),
    ("Wir suchen eine:n Data Engineer (m/w/d) für unser Team.\n\nÜber Helvetia Logistik\n",
     ("Helvetia Logistik", "Data Engineer")),
    ("The New York Times is hiring a Senior Software Engineer, Games.\n",
     ("The New York Times", "Senior Software Engineer")),
    ("The team is hiring a Senior Software Engineer.\n", (None, "Senior Software Engineer")),
    # Channels and job boards are never the company.
    ("Backend Engineer\n\nGitHub is where we work. GitHub is where you ask questions.\n",
     (None, "Backend Engineer")),
])
def test_guess_company_role_from_real_ad_shapes(posting: str,
                                                expected: tuple[str | None, str | None]) -> None:
    assert guess_company_role(posting) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
       | st.lists(st.sampled_from(["Join ", "About ", " at ", " is hiring a ", "Engineer", "Acme",
                                   "Company: ", "\n", " | ", "#", "**", "'s ", ". ", "Data", " a" * 50,
                                   "Lead", "(m/f/d)", "X" * 90]), max_size=40).map("".join))
def test_guessing_never_crashes_and_returns_one_short_line(text: str) -> None:
    for value in guess_company_role(text):
        assert value is None or (0 < len(value) <= MAX_FIELD and "\n" not in value and value == value.strip())


FIXTURES = Path(__file__).parent / "fixtures" / "scaffold"


@pytest.mark.parametrize(("ad", "company", "required", "channel"), [
    ("fernhill-backend.md", "Fernhill", "go", "github"),
    ("tidewater-identifiers.txt", "Tidewater Analytics", "kubernetes", "github"),
    ("halcyon-about.txt", "Halcyon Health", "figma", "dribbble"),
])
def test_key_terms_weigh_a_requirement_over_a_channel(ad: str, company: str, required: str,
                                                      channel: str) -> None:
    """With the built-in vocabulary alone, whatever the profile: a channel never becomes a tag."""
    vocab = Vocabulary.build()
    text = (FIXTURES / ad).read_text(encoding="utf-8")
    kept = {term.term: strength for term, strength in key_terms(extract_posting_terms(text, vocab), text,
                                                                company, vocab)}
    assert channel.lower() in text.lower() and channel not in kept
    assert kept[required] == 3
    assert all(strength in (1, 2, 3) for strength in kept.values())
