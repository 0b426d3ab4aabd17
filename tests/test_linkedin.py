"""LinkedIn import: archives written here from LinkedIn's documented column names (no real person's data),
with the quirks real exports have; the result checks clean, builds, and shows what it carries."""

from __future__ import annotations

import csv
import io
import string
import tempfile
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvsite.build import build_site
from cvsite.checking import check_directory
from cvsite.cli import cli
from cvsite.errors import CvsiteError
from cvsite.linkedin import bullets, import_linkedin, linkedin_date, read_rows, websites
from cvsite.loader import load_workspace

BOM = "\ufeff"

CURRENT = {
    "Profile.csv": BOM + (
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
        "Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        'Noor,Haddad,,"Hauptstraße 1, Leipzig",1990-04-01,Data engineer who ships pipelines,'
        '"I build batch and streaming pipelines.\nMostly Python and SQL.",Software Development,04109,'
        '"Leipzig, Saxony, Germany",[noorhaddad_dev],'
        '"[PERSONAL:https://noor-haddad.example,BLOG:https://blog.noor-haddad.example/posts]",\n'),
    "Positions.csv": (
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        'Kettle Analytics,Senior Data Engineer,"• Moved 40 nightly jobs to Airflow '
        '• Cut warehouse cost by 35% • Mentored two juniors","Leipzig, Germany",Feb 2021,\n'
        'Fennel Freight,Data Engineer,"Built the shipment event stream on Kafka.\n'
        'Wrote the dbt models finance still uses.",Hamburg,Sep 2017,Jan 2021\n'
        "Quill Labs,Intern,,,2016,2016\n"),
    "Education.csv": (
        "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
        "Universität Leipzig,2012,2017,Thesis on stream joins,Master of Science - Computer Science,"
        "Student data club\n"),
    "Skills.csv": "Name\nPython\nApache Airflow\nSQL\n",
    "Projects.csv": (
        "Title,Description,Url,Started On,Finished On\n"
        "tidewater,A tiny scheduler for backfills,github.com/noorhaddad/tidewater,Mar 2020,Jun 2020\n"
        "Open data dashboards,Dashboards for the city's open data portal,,2019,\n"),
    "Certifications.csv": (
        "Name,Url,Authority,Started On,Finished On,License Number\n"
        "Cloud Data Engineer,https://certs.example/noor,Example Cloud,Oct 2022,,ABC-123\n"),
    "Publications.csv": (
        "Name,Published On,Description,Publisher,Url\n"
        'Backfills without tears,"Mar 5, 2021",How we replay a year of events in an hour.,'
        "Data Eng Weekly,https://dew.example/backfills\n"),
    "Languages.csv": ("Name,Proficiency\nArabic,Native or bilingual proficiency\n"
                      "German,Full professional proficiency\n"),
    "Volunteering.csv": (
        "Company Name,Role,Cause,Started On,Finished On,Description\n"
        "Code Club Leipzig,Mentor,Education,Sep 2019,,Teach Python to teenagers\n"),
    "Honors.csv": "Title,Description,Issued On\nHackathon winner,Best use of open data,Nov 2019\n",
    "Email Addresses.csv": (
        "Email Address,Confirmed,Primary,Updated On\n"
        "old@noor-haddad.example,Yes,No,1/2/15\n"
        "noor@noor-haddad.example,Yes,Yes,3/4/21\n"),
    "PhoneNumbers.csv": "Extension,Number,Type\n,+49 341 5550100,Mobile\n",
    "Connections.csv": (
        "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses "
        "are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Example,https://www.linkedin.com/in/ada-example,,Acme,CTO,01 Feb 2023\n"),
    "messages.csv": "CONVERSATION ID,FROM,TO,DATE,CONTENT\n1,A,B,2023-01-01,hello\n",
}

OLD = {  # a 2018 archive: other headers, `Phone Numbers.csv`, a UTF-16 tab-separated file
    "Profile.csv": "First Name,Last Name,Headline,Summary,Geo Location,Websites\n"
                   "Sam,Old,Analyst,,Berlin,\n",
    "Positions.csv": "Company Name,Title,Description,Location,Start Date,End Date\n"
                     "Acme,Analyst,- Built reports,Berlin,Jan 2018,Mar 2019\n",
    "Phone Numbers.csv": "Extension,Number,Type\n,030 5550199,Home\n",
}


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "Basic_LinkedInDataExport_01-02-2026.zip", CURRENT)


def test_import_of_a_current_archive_checks_clean(tmp_path: Path, archive: Path) -> None:
    report = import_linkedin(archive, tmp_path / "cv")
    assert check_directory(tmp_path / "cv").errors == []
    mapped = dict(report.mapped)
    assert mapped["Positions.csv (3)"] == "experience (description lines -> highlights)"
    assert mapped["Skills.csv (3)"] == "skills"
    assert mapped["Publications.csv (1)"].startswith("publications (")
    dropped = dict(report.dropped)
    assert "personal data" in dropped["Profile.csv: Birth Date"]
    assert "street address" in dropped["Profile.csv: Address"]
    assert "License Number" in " ".join(dropped)
    assert dropped["messages.csv"] == "nothing in it belongs on a CV"
    assert "Connections.csv" in dropped
    assert {"Profile.csv", "Positions.csv", "Skills.csv"}.isdisjoint(dropped)


def test_fields_and_quirks_land_where_they_belong(tmp_path: Path, archive: Path) -> None:
    import_linkedin(archive, tmp_path / "cv")
    profile = load_workspace(tmp_path / "cv").profile
    assert (profile.name, profile.headline, profile.location) == (
        "Noor Haddad", "Data engineer who ships pipelines", "Leipzig, Saxony, Germany")
    assert profile.summary == "I build batch and streaming pipelines.\nMostly Python and SQL."
    contact = profile.contact
    assert contact.email == "noor@noor-haddad.example"  # the primary one, not the first
    assert contact.phone == "+49 341 5550100"
    assert contact.website == "https://noor-haddad.example"
    assert contact.model_extra == {"blog": "https://blog.noor-haddad.example/posts",
                                   "twitter": "https://twitter.com/noorhaddad_dev"}
    current, fennel, intern, club = profile.experience
    assert (club.kind, club.role, club.org, club.end, club.summary) == (
        "volunteer", "Mentor", "Code Club Leipzig", "present", "Cause: Education")
    assert [h.text for h in club.highlights] == ["Teach Python to teenagers"]
    assert (str(current.start), current.end) == ("2021-02", "present")
    assert [h.text for h in current.highlights] == [
        "Moved 40 nightly jobs to Airflow", "Cut warehouse cost by 35%", "Mentored two juniors"]
    assert [h.text for h in fennel.highlights] == [
        "Built the shipment event stream on Kafka.", "Wrote the dbt models finance still uses."]
    assert (str(fennel.start), str(fennel.end)) == ("2017-09", "2021-01")
    assert (str(intern.start), str(intern.end), intern.highlights) == ("2016", "2016", [])
    [school] = profile.education
    assert (school.degree, str(school.start), str(school.end)) == (
        "Master of Science - Computer Science", "2012", "2017")
    assert school.summary == "Thesis on stream joins\n\nActivities: Student data club"
    assert [s.name for s in profile.skills] == ["Python", "Apache Airflow", "SQL"]
    tidewater, dashboards = profile.projects
    assert tidewater.links == {"website": "https://github.com/noorhaddad/tidewater"}
    assert dashboards.links == {} and str(dashboards.start) == "2019"
    assert [(c.kind, c.title, str(c.date)) for c in profile.contributions] == [
        ("certificate", "Cloud Data Engineer", "2022-10"),
        ("award", "Hackathon winner", "2019-11"),
    ]
    [paper] = profile.publications
    assert (paper.title, paper.venue, str(paper.date), paper.url, paper.summary, paper.authors) == (
        "Backfills without tears", "Data Eng Weekly", "2021-03-05", "https://dew.example/backfills",
        "How we replay a year of events in an hour.", [])
    assert (profile.languages[0].name, profile.languages[0].level) == (
        "Arabic", "Native or bilingual proficiency")


def test_the_unzipped_folder_imports_the_same(tmp_path: Path, archive: Path) -> None:
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(folder)
    import_linkedin(archive, tmp_path / "from-zip")
    import_linkedin(folder, tmp_path / "from-folder")
    assert (tmp_path / "from-zip" / "profile.yaml").read_text("utf-8") == \
        (tmp_path / "from-folder" / "profile.yaml").read_text("utf-8")


def test_an_old_archive_with_other_headers_and_utf16(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = dict(OLD)
    files["Skills.csv"] = "Name\tEndorsements\nExcel\t3\n".encode("utf-16")
    report = import_linkedin(write_zip(tmp_path / "old.zip", files), tmp_path / "cv")
    assert check_directory(tmp_path / "cv").errors == []
    profile = load_workspace(tmp_path / "cv").profile
    [role] = profile.experience
    assert (str(role.start), str(role.end), [h.text for h in role.highlights]) == (
        "2018-01", "2019-03", ["Built reports"])
    assert profile.contact.phone == "030 5550199"
    assert [s.name for s in profile.skills] == ["Excel"]
    assert ("Phone Numbers.csv", "contact.phone (the first number)") in report.mapped


def test_a_row_the_profile_cannot_hold_is_reported_not_fatal(tmp_path: Path) -> None:
    files = {**CURRENT, "Positions.csv": "Company Name,Title,Description,Location,Started On,Finished On\n"
                                         "Acme,Analyst,,,Spring 2020,\n"
                                         ",Consultant,,,Jan 2019,Dec 2019\n"
                                         "Beta,Engineer,,,Jan 2021,Jan 2020\n"}
    report = import_linkedin(write_zip(tmp_path / "a.zip", files), tmp_path / "cv")
    dropped = dict(report.dropped)
    assert "'Spring 2020' is not a date LinkedIn writes" in dropped["Positions.csv row 2: Started On"]
    assert dropped["Positions.csv row 2"] == "has no start date (Started On): 'Acme'"
    assert dropped["Positions.csv row 3"].startswith("org is empty")
    assert "ends (2020-01) before it starts (2021-01)" in dropped["Positions.csv row 4"]
    assert [x.org for x in load_workspace(tmp_path / "cv").profile.experience] == ["Code Club Leipzig"]
    assert check_directory(tmp_path / "cv").errors == []


def test_import_refuses_to_overwrite_a_profile(tmp_path: Path, archive: Path) -> None:
    (tmp_path / "cv").mkdir()
    (tmp_path / "cv" / "profile.yaml").write_text("name: Mine\nheadline: Keep me\n", "utf-8")
    with pytest.raises(CvsiteError, match="already exists; pass --force"):
        import_linkedin(archive, tmp_path / "cv")
    assert (tmp_path / "cv" / "profile.yaml").read_text("utf-8") == "name: Mine\nheadline: Keep me\n"


def test_cli_import_prints_what_went_where_and_what_was_dropped(tmp_path: Path, archive: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "linkedin", str(archive), "-o", str(tmp_path / "cv")])
    assert result.exit_code == 0, result.output
    assert f"Imported {archive} into {tmp_path / 'cv' / 'profile.yaml'}" in result.stdout
    assert "warning: Profile.csv: Birth Date: not imported: personal data" in result.stdout
    assert result.stderr == ""
    again = CliRunner().invoke(cli, ["import", "linkedin", str(archive), "-o", str(tmp_path / "cv")])
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_cli_bad_archive_exits_2_with_a_clear_message(tmp_path: Path, content: bytes | None) -> None:
    source = tmp_path / "export.zip"
    if content is not None:
        source.write_bytes(content)
    result = CliRunner().invoke(cli, ["import", "linkedin", str(source), "-o", str(tmp_path / "cv")])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert ("not a zip archive or a folder" if content else "file not found") in result.stderr
    assert not (tmp_path / "cv").exists()


def test_an_archive_without_a_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CvsiteError, match=r"has no Profile\.csv"):
        import_linkedin(write_zip(tmp_path / "x.zip", {"Skills.csv": "Name\nGo\n"}), tmp_path / "cv")


def test_the_page_shows_every_field_the_archive_carries(tmp_path: Path, archive: Path) -> None:
    import_linkedin(archive, tmp_path / "cv")
    build_site(tmp_path / "cv", tmp_path / "site", pdf=False)
    soup = BeautifulSoup((tmp_path / "site" / "index.html").read_text("utf-8"), "html.parser")
    text = " ".join(soup.get_text(" ").split())
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    for shown in ("Noor Haddad", "Data engineer who ships pipelines", "Leipzig, Saxony, Germany",
                  "Mostly Python and SQL.", "noor@noor-haddad.example", "+49 341 5550100",
                  "Senior Data Engineer", "Kettle Analytics", "Feb 2021 – present",
                  "Cut warehouse cost by 35%",
                  "Wrote the dbt models finance still uses.", "Sep 2017 – Jan 2021", "Hamburg",
                  "Master of Science - Computer Science", "Universität Leipzig", "Thesis on stream joins",
                  "Apache Airflow", "tidewater", "A tiny scheduler for backfills", "Mar 2020 – Jun 2020",
                  "Cloud Data Engineer", "Example Cloud", "Backfills without tears", "Data Eng Weekly",
                  "How we replay a year of events in an hour.", "Hackathon winner", "Best use of open data",
                  "Arabic", "Full professional proficiency"):
        assert shown in text, shown
    assert {"https://noor-haddad.example", "https://blog.noor-haddad.example/posts",
            "https://twitter.com/noorhaddad_dev", "https://github.com/noorhaddad/tidewater",
            "https://certs.example/noor", "https://dew.example/backfills"} <= hrefs


# --- The pieces -------------------------------------------------------------------------------------


def test_notes_before_the_header_are_skipped() -> None:
    rows = read_rows(CURRENT["Connections.csv"])
    assert rows == [{"First Name": "Ada", "Last Name": "Example", "URL": "https://www.linkedin.com/in/ada-example",
                     "Company": "Acme", "Position": "CTO", "Connected On": "01 Feb 2023"}]


@pytest.mark.parametrize(("value", "expected"), [
    ("Feb 2021", "2021-02"), ("February 2021", "2021-02"), ("2016", "2016"), ("Mar 5, 2021", "2021-03-05"),
    ("03/2021", "2021-03"), ("2021-03", "2021-03"), ("Sept 2020", "2020-09"), ("", None),
])
def test_linkedin_dates(value: str, expected: str | None) -> None:
    assert linkedin_date(value) == expected


@pytest.mark.parametrize("value", ["Spring 2020", "Feb 30, 2021", "13/2020", "Foo 2020"])
def test_linkedin_dates_that_are_not(value: str) -> None:
    with pytest.raises(ValueError):
        linkedin_date(value)


def test_websites_field() -> None:
    assert websites("[PERSONAL:https://a.example/x,y,COMPANY:https://b.example]") == [
        ("personal", "https://a.example/x,y"), ("company", "https://b.example")]
    assert websites("https://plain.example") == [("personal", "https://plain.example")]


words = st.text(string.ascii_letters + string.digits + " %,.", min_size=1, max_size=30).map(
    lambda s: " ".join(s.split())).filter(bool)


@given(st.lists(words, min_size=1, max_size=5), st.sampled_from([" • ", "\n• ", "\n", "\n- ", "\r\n"]))
def test_descriptions_become_one_highlight_per_line_or_bullet(lines: list[str], joiner: str) -> None:
    lead = joiner.strip("\r\n ") and joiner.lstrip("\r\n")
    assert bullets(lead + joiner.join(lines)) == lines


@given(st.integers(1950, 2030), st.integers(1, 12))
def test_month_year_dates_round_trip(year: int, month: int) -> None:
    name = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[month - 1]
    assert linkedin_date(f"{name} {year}") == f"{year}-{month:02d}"


def test_crlf_files_and_an_empty_headline(tmp_path: Path) -> None:
    """Files re-saved on Windows end lines with CRLF; a profile without a headline gets the latest
    role as one, and the report says to write a real one."""
    files = {name: text.replace("\n", "\r\n") for name, text in CURRENT.items()}
    files["Profile.csv"] = "First Name,Last Name,Headline\r\nNoor,Haddad,\r\n"
    report = import_linkedin(write_zip(tmp_path / "a.zip", files), tmp_path / "cv")
    profile = load_workspace(tmp_path / "cv").profile
    assert profile.headline == "Senior Data Engineer at Kettle Analytics"
    assert "write your own" in dict(report.dropped)["Profile.csv: Headline"]
    assert [h.text for h in profile.experience[1].highlights] == [
        "Built the shipment event stream on Kafka.", "Wrote the dbt models finance still uses."]
    assert check_directory(tmp_path / "cv").errors == []


cell = st.text(string.ascii_letters + string.digits + ' ,;:"\'%&()éü', min_size=1, max_size=25).map(
    lambda s: " ".join(s.split())).filter(lambda s: s and not s.startswith(("-", "*")))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cell, cell, st.lists(cell, max_size=4), st.integers(1990, 2025)), min_size=1,
                max_size=4), st.booleans())
def test_positions_written_by_any_csv_writer_come_back(
    positions: list[tuple[str, str, list[str], int]], bom: bool
) -> None:
    """Commas, quotes and line breaks inside cells (quoted as CSV quotes them) never shift a column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Company Name", "Title", "Description", "Location", "Started On", "Finished On"])
    for company, title, lines, year in positions:
        writer.writerow([company, title, "\n".join(lines), "", f"Mar {year}", ""])
    files = {"Profile.csv": "First Name,Last Name,Headline\nNoor,Haddad,Engineer\n",
             "Positions.csv": ("\ufeff" if bom else "") + buffer.getvalue()}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        import_linkedin(write_zip(root / "a.zip", files), root / "cv")
        profile = load_workspace(root / "cv").profile
    back = [(x.org, x.role, [h.text for h in x.highlights], str(x.start), x.end) for x in profile.experience]
    assert back == [(org, role, lines, f"{year}-03", "present") for org, role, lines, year in positions]


def test_the_import_builds_a_pdf_with_its_highlights(tmp_path: Path, archive: Path) -> None:
    from pypdf import PdfReader

    import_linkedin(archive, tmp_path / "cv")
    build_site(tmp_path / "cv", tmp_path / "site")
    [pdf] = (tmp_path / "site").glob("*.pdf")
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages).split())
    for shown in ("Noor Haddad", "Cut warehouse cost by 35%", "Feb 2021 – present", "Backfills"):
        assert shown in text
