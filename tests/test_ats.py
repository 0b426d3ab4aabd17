"""The PDFs read right in an applicant tracking system (issue 17).

An ATS extracts a PDF's text, finds the sections by their headings, files each
role as title, organisation and dates, and each line that starts with a bullet
as one achievement. This module renders every PDF of three profiles (the
example; tests/fixtures/ats: several roles and degrees, bullets that wrap, bold
runs in running text; and the renderer tests' profile, whose "berlin" job is in
German), in every built-in theme, general and per job; reads each back
with independent extractors (pdfplumber, pdfminer's own layout analysis,
poppler's pdftotext, pypdf); parses the text with the small heuristic parser below, which knows no
theme; and compares what it finds with the profile.

The parser works the way résumé parsers do: a heading is a known section word
on a line of its own; an entry (a role, a degree) is found by its date line,
with the line above it as "title · organisation · place"; an achievement is a
line that starts with a bullet character, continued by the lines that follow
until the next bullet or entry. A job's PDF leads with its strongest bullets
under the locale's "most relevant" heading, each followed by " — Role · Org";
the roles then show their other bullets.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pdfplumber
import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader
from render_support import EXAMPLE, FIXTURE, REPO

from cvsite.loader import load_workspace
from cvsite.locale import Locale, load_locale
from cvsite.markdown import plain_text
from cvsite.model import ITEM_TYPES
from cvsite.render_html import (
    DropKey,
    contact_links,
    display_url,
    item_dates,
    summary_paragraphs,
    template_context,
)
from cvsite.render_pdf import Candidate, PdfResult, cut_candidates, render_pdf
from cvsite.tailor import tailor
from cvsite.tailored import RankedItem, TailoredCV
from cvsite.themes import available_themes, load_theme

PROFILES = {"example": EXAMPLE, "ats": REPO / "tests" / "fixtures" / "ats", "render": FIXTURE}


def _cases() -> list[tuple[str, str, str | None]]:
    cases = []
    for name, folder in PROFILES.items():
        slugs: list[str | None] = [None, *sorted(load_workspace(folder).jobs)]
        cases += [(name, theme, slug) for theme in available_themes() for slug in slugs]
    return cases


CASES = _cases()
CASE_IDS = [f"{name}-{theme}-{slug or 'general'}" for name, theme, slug in CASES]


# --- extractors: PDF bytes -> the text of each page ---------------------------------

def _pdfplumber(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _pdfminer(data: bytes) -> list[str]:
    """pdfminer's own layout analysis (text boxes, then reading order), as résumé parsers call it."""
    return extract_text(io.BytesIO(data)).split("\f")[:-1]


def _pdftotext(data: bytes) -> list[str]:
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    done = subprocess.run(command, input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]  # every page ends with a form feed


def _pypdf(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


EXTRACTORS: dict[str, Callable[[bytes], list[str]]] = {
    "pdfplumber": _pdfplumber,
    "pdfminer": _pdfminer,
    "pdftotext": _pdftotext,
    "pypdf": _pypdf,
}
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
EXTRACTOR_PARAMS = [
    pytest.param(name, marks=needs_poppler) if name == "pdftotext" else name for name in EXTRACTORS
]


# --- the parser ---------------------------------------------------------------------

BULLET = re.compile(r"^[•●▪‣◦*-]\s+")
SEPARATOR = " · "


def normalise(line: str) -> str:
    """One line as a parser sees it: ligatures unfolded, runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFKC", line).split())


def same_words(extracted: str, expected: str) -> bool:
    """Equal text, ignoring hyphens: pdftotext rejoins a word broken after its hyphen
    ("fresh-" / "food" becomes "freshfood"). Spaces, order and every letter still count."""
    return " ".join(extracted.replace("-", "").split()) == " ".join(expected.replace("-", "").split())


def join_wrapped(lines: list[str]) -> str:
    """Lines of one wrapped paragraph as one: a line that ends where a word may break
    without a space (after a hyphen or a slash, "A/" + "B") continues without one."""
    text = ""
    for line in lines:
        text += line if not text or text.endswith(("-", "/")) else " " + line
    return text


@dataclass
class Entry:
    """A role or degree: its title line split at the separators, its dates, the lines below."""

    head: str
    dates: str
    body: list[str] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return self.head.split(SEPARATOR)

    def bullets(self) -> list[str]:
        return bullets(self.body)


def bullets(lines: list[str]) -> list[str]:
    """Each line-started bullet joined with the lines that continue it."""
    found: list[list[str]] = []
    for line in lines:
        if BULLET.match(line):
            found.append([BULLET.sub("", line)])
        elif found:
            found[-1].append(line)
    return [join_wrapped(lines) for lines in found]


@dataclass
class Resume:
    """What the parser made of one PDF's text."""

    header: list[str]
    sections: list[tuple[str, list[str]]]
    pages: list[list[str]]
    counter_lines: list[tuple[int, int, str]]  # page, line index on it, text

    def section(self, heading: str) -> list[str]:
        return next((lines for head, lines in self.sections if head.casefold() == heading.casefold()), [])


def parse(pages: list[str], headings: set[str], counter: re.Pattern[str]) -> Resume:
    """Split a CV's text into header and sections; page counters are set aside."""
    page_lines = [[normalise(line) for line in text.splitlines() if line.strip()] for text in pages]
    counters = [(number, index, line) for number, lines in enumerate(page_lines, start=1)
                for index, line in enumerate(lines) if counter.search(line)]
    header: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for lines in page_lines:
        for line in lines:
            if counter.fullmatch(line):
                continue
            if line.casefold() in headings:
                sections.append((line, []))
            elif sections:
                sections[-1][1].append(line)
            else:
                header.append(line)
    return Resume(header, sections, page_lines, counters)


def parse_entries(lines: list[str], dates: re.Pattern[str]) -> list[Entry]:
    """Entries by their date lines; the title line is the one above (a title that
    wrapped at a separator, "· …" or "… ·", is joined back first)."""
    entries: list[Entry] = []
    loose: list[str] = []
    for line in lines:
        if not dates.fullmatch(line):
            (entries[-1].body if entries else loose).append(line)
            continue
        before = entries[-1].body if entries else loose
        head = [before.pop()] if before else [""]
        while before and (head[0].startswith(SEPARATOR.lstrip()) or before[-1].endswith(SEPARATOR.rstrip())):
            head.insert(0, before.pop())
        entries.append(Entry(" ".join(head), line))
    return entries


def date_pattern(loc: Locale) -> re.Pattern[str]:
    """A date or date range as CVs write them: "Apr 2022", "2015", "Apr 2022 – present"."""
    one = r"(?:[^\W\d_]{3,9}\.? )?\d{4}"
    return re.compile(rf"{one}(?: ?[–-] ?(?:{one}|{re.escape(loc.text('present'))}))?")


def counter_pattern(loc: Locale) -> re.Pattern[str]:
    """The page counter ("page 2 of 3") as it reads in the CV's language."""
    pieces = re.split(r"(\{n\}|\{N\})", loc.raw("page_of"))
    return re.compile("".join(r"\d+" if p in ("{n}", "{N}") else re.escape(p) for p in pieces))


def known_headings(loc: Locale) -> set[str]:
    """Section words the parser knows: the item types, About, and the evidence block's."""
    return {loc.section(name).casefold() for name in (*ITEM_TYPES, "summary")} | {
        loc.text("most_relevant").casefold()}


# --- what the profile says the PDF shows ----------------------------------------------

@dataclass
class Rendered:
    """A rendered PDF with what the profile says it shows.

    The fitting reports its cuts in words (`PdfResult.cut`); they are mapped back
    to the keys of `cut_candidates` (a part of a cut entry is not named again, so
    it goes with its entry), and the print template's context built with those
    keys gives the About paragraphs and the evidence bullets the PDF shows.
    """

    cv: TailoredCV
    result: PdfResult
    loc: Locale
    drops: frozenset[DropKey] = frozenset()
    context: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, cv: TailoredCV, result: PdfResult) -> Rendered:
        drops = cut_keys(cv, result.cut)
        context = template_context(cv, load_theme(cv.theme), asset=str, drops=drops, for_print=True)
        return cls(cv, result, load_locale(cv.language), drops, context)

    def positions(self, section: str) -> list[int]:
        tailored = self.cv.section(section)
        if tailored is None:
            return []
        return [n for n in range(len(tailored.items)) if ("item", section, n) not in self.drops]

    def shown(self, section: str) -> list[RankedItem]:
        """The section's items minus those the page fitting left out."""
        tailored = self.cv.section(section)
        return [tailored.items[n] for n in self.positions(section)] if tailored else []

    def evidence(self) -> list[tuple[str, str, str]]:
        """The bullets shown up front as (text, role, organisation), in order."""
        return [(plain_text(" ".join(e.text.split())), e.role, e.org) for e in self.context["evidence"]]

    def role_bullets(self, position: int) -> list[str]:
        """All bullets of the role at `position` as plain text (what evidence may quote)."""
        ranked = self.cv.section("experience").items[position]
        return [plain_text(" ".join(h.text.split())) for h in getattr(ranked.item, "highlights", [])]

    def highlights(self, position: int) -> list[str]:
        """The bullets a role shows in the PDF: those not cut, minus those shown up front."""
        up_front = {e.key for e in self.context["evidence"]}
        texts = self.role_bullets(position)
        return [text for h, text in enumerate(texts)
                if ("highlight", "experience", position, h) not in self.drops
                and f"experience-{position}-h{h}" not in up_front]

    def about(self) -> list[str]:
        """About's paragraphs as plain text, minus those the page fitting left out."""
        return [plain_text(text) for n, text in enumerate(summary_paragraphs(self.cv.person.summary))
                if ("about", n) not in self.drops]

    def headings(self) -> list[str]:
        """As cv.html renders them: the evidence block, About, then each section shown."""
        evidence = [self.loc.text("most_relevant")] if self.context["evidence"] else []
        summary = [self.loc.section("summary")] if self.about() else []
        return evidence + summary + [self.loc.section(s.name) for s in self.cv.sections if self.shown(s.name)]


def cut_keys(cv: TailoredCV, cut: list[str]) -> frozenset[DropKey]:
    """The fitting's cut keys from its report: each description names one candidate
    (a part of an entry that was cut is not named again, so it goes with its entry)."""
    candidates = cut_candidates(cv)
    by_words: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_words.setdefault(candidate.description, []).append(candidate)
    keys = set()
    for description in cut:
        named = by_words.get(description, [])
        assert len(named) == 1, f"cut {description!r} names {len(named)} candidates"
        keys.add(named[0].key)
    return frozenset(keys | {c.key for c in candidates if c.parent in keys})


class PdfCache:
    """Each PDF rendered once, each extraction done once, for the whole module."""

    def __init__(self) -> None:
        self.workspaces = {name: load_workspace(folder) for name, folder in PROFILES.items()}

    @cache  # noqa: B019  # the cache lives as long as the module-scoped fixture
    def rendered(self, case: tuple[str, str, str | None]) -> Rendered:
        name, theme, slug = case
        cv = tailor(self.workspaces[name], slug)
        cv.theme = theme
        return Rendered.of(cv, render_pdf(cv))

    @cache  # noqa: B019
    def resume(self, case: tuple[str, str, str | None], extractor: str) -> Resume:
        loc = self.rendered(case).loc
        pages = EXTRACTORS[extractor](self.rendered(case).result.data)
        return parse(pages, known_headings(loc), counter_pattern(loc))


@pytest.fixture(scope="module")
def pdfs() -> Iterator[PdfCache]:
    yield PdfCache()


def read(pdfs: PdfCache, case: tuple[str, str, str | None], extractor: str) -> tuple[Rendered, Resume]:
    return pdfs.rendered(case), pdfs.resume(case, extractor)


# --- the checks -----------------------------------------------------------------------

cases = pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
extractors = pytest.mark.parametrize("extractor", EXTRACTOR_PARAMS)


@cases
@extractors
def test_name_first_then_headline_and_contacts(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    person = rendered.cv.person
    assert resume.header[0] == person.name
    header = f" {' '.join(resume.header)} "
    assert f" {plain_text(person.headline)} " in header
    for link in contact_links(person.contact):
        assert f" {link.label} " in header, link


@cases
@extractors
def test_each_section_heading_is_a_line_of_its_own_in_order(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    assert [head.casefold() for head, _ in resume.sections] == [h.casefold() for h in rendered.headings()]


@cases
@extractors
def test_page_counter_is_a_line_of_its_own_at_a_page_edge(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    counter = counter_pattern(rendered.loc)
    assert len(resume.pages) == rendered.result.pages
    for page, index, line in resume.counter_lines:
        assert counter.fullmatch(line), f"page furniture joined to content on page {page}: {line!r}"
        assert index in (0, len(resume.pages[page - 1]) - 1), (page, index, line)
    # None on the first page (a line above the name would be read as the name).
    assert [page for page, *_ in resume.counter_lines] == list(range(2, rendered.result.pages + 1))


@cases
@extractors
@pytest.mark.parametrize("section", ["experience", "education"])
def test_each_role_and_degree_files_as_title_org_place_and_dates(pdfs, case, extractor, section):
    rendered, resume = read(pdfs, case, extractor)
    entries = parse_entries(resume.section(rendered.loc.section(section)), date_pattern(rendered.loc))
    expected = []
    for ranked in rendered.shown(section):
        item = ranked.item
        title, org = (item.role, item.org) if section == "experience" else (item.degree, item.institution)
        fields = [title, org] + ([item.location] if item.location else [])
        expected.append((fields, item_dates(item, rendered.loc)))
    assert [(e.fields, e.dates) for e in entries] == expected


@cases
@extractors
def test_each_bullet_is_one_line_started_item(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    entries = parse_entries(resume.section(rendered.loc.section("experience")), date_pattern(rendered.loc))
    positions = rendered.positions("experience")
    assert len(entries) == len(positions)
    for entry, position in zip(entries, positions, strict=True):
        found, expected = entry.bullets(), rendered.highlights(position)
        assert len(found) == len(expected), (entry.head, found, expected)
        for got, want in zip(found, expected, strict=True):
            assert same_words(got, want), (got, want)


@cases
@extractors
def test_each_evidence_item_is_a_role_bullet_with_its_provenance(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    expected = rendered.evidence()
    found = bullets(resume.section(rendered.loc.text("most_relevant")))
    if rendered.cv.is_general:
        assert not expected and not found
        return
    assert expected, "a job's PDF leads with its strongest bullets"
    assert len(found) == len(expected), found
    roles = rendered.cv.section("experience").items
    quotable = {(text, roles[n].item.role, roles[n].item.org) for n in rendered.positions("experience")
                for h, text in enumerate(rendered.role_bullets(n))
                if ("highlight", "experience", n, h) not in rendered.drops}
    for got, (text, role, org) in zip(found, expected, strict=True):
        quote, dash, where = got.rpartition(" — ")
        assert dash, f"no provenance after the bullet: {got!r}"
        assert same_words(where, f"{role}{SEPARATOR}{org}"), (where, role, org)
        assert same_words(quote, text) and (text, role, org) in quotable, (quote, text)


@cases
@extractors
def test_running_text_keeps_its_spaces_around_bold_and_italic(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    about = " ".join(resume.section(rendered.loc.section("summary")))
    assert bool(about) == bool(rendered.about()), "an About section exactly when the PDF shows one"
    for text in rendered.about():
        assert " ".join(text.replace("-", "").split()) in " ".join(about.replace("-", "").split()), text


@cases
@extractors
def test_each_printed_link_address_reads_apart_from_its_label(pdfs, case, extractor):
    """On paper a link's address follows its label or title; glued to it
    ("demomarta-wisniewska.dev/…"), neither reads as what it is."""
    rendered, resume = read(pdfs, case, extractor)
    links = [link for ranked in rendered.shown("projects") for link in ranked.item.links.items()]
    links += [(r.item.title, r.item.url) for r in rendered.shown("contributions") if r.item.url]
    text = join_wrapped([line for page in resume.pages for line in page]).replace("-", "")
    for label, url in links:
        pair = rf"{re.escape(label.replace('-', ''))}\s+{re.escape(display_url(url).replace('-', ''))}"
        assert re.search(pair, text), (label, display_url(url))


@cases
@extractors
def test_every_shown_skill_is_in_the_skills_section(pdfs, case, extractor):
    rendered, resume = read(pdfs, case, extractor)
    text = f" {' '.join(resume.section(rendered.loc.section('skills')))} "
    if extractor == "pdfminer":
        # pdfminer's text boxes read a label column beside its values (classic's skills
        # table) column by column, past the next heading; each skill must still extract whole.
        text = f" {' '.join(line for page in resume.pages for line in page)} "
    for ranked in rendered.shown("skills"):
        assert re.search(rf"(?<![\w+#.]){re.escape(ranked.item.name)}(?![\w+#])", text), ranked.item.name


def test_the_fixture_profile_wraps_bullets_and_runs_over_a_page(pdfs):
    """The second profile exercises what the example might not: wrapped bullets, several pages."""
    for theme in available_themes():
        rendered = pdfs.rendered(("ats", theme, None))
        assert rendered.result.pages >= 2
        lines = [line for page in _pdfplumber(rendered.result.data) for line in page.splitlines()]
        bullets = [i for i, line in enumerate(lines) if BULLET.match(line)]
        assert any(not BULLET.match(lines[i + 1]) and not date_pattern(rendered.loc).fullmatch(lines[i + 1])
                   for i in bullets[:-1]), "no bullet wraps onto a second line"


@pytest.mark.parametrize("theme", available_themes())
def test_pdf_stays_tagged_with_headings_lists_and_links(pdfs, theme):
    rendered = pdfs.rendered(("ats", theme, "ci-lead"))
    reader = PdfReader(io.BytesIO(rendered.result.data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en"
    kinds = set(_structure_kinds(root["/StructTreeRoot"]))
    assert {"/H1", "/H2", "/H3", "/L", "/LI", "/Link"} <= kinds, kinds
    meta = reader.metadata
    assert meta.author == "Siobhán Achterberg-Nwosu" and "CI Platform Lead" in meta.title


def _structure_kinds(node: object) -> Iterator[str]:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            yield from _structure_kinds(child)
        return
    if not isinstance(node, dict):
        return
    if "/S" in node:
        yield str(node["/S"])
    if "/K" in node:
        yield from _structure_kinds(node["/K"])


def test_the_parser_catches_what_the_issue_reported():
    """Guard the guard: the extraction faults issue 17 names fail these checks."""
    loc = load_locale("en")
    counter, dates = counter_pattern(loc), date_pattern(loc)
    spaced = parse(["Ann Lee\nE X P E R I E N C E\nCook · Bistro"], known_headings(loc), counter)
    assert spaced.sections == []  # a letter-spaced heading is no heading
    glued = parse(["Ann Lee\nrun\npage 1 of 2SKILLS\nPython"], known_headings(loc), counter)
    assert not counter.fullmatch(glued.counter_lines[0][2]) and glued.sections == []
    assert not dates.fullmatch("Apr 2022 – present · London, UK") and dates.fullmatch("Apr 2022 – present")
    (entry,) = parse_entries(["Senior Data Scientist· Larder", "Apr 2022 – present", "Lead data scientist.",
                              "Set standards; teams now run", "38 experiments.", "•", "Second"], dates)
    assert entry.fields == ["Senior Data Scientist· Larder"]  # the lost space loses the organisation
    assert entry.bullets() == []  # a marker on a line of its own starts no item
    assert not same_words("betweenproduct analytics", "between product analytics")
    assert not "sensors.— Analyst · Larder".rpartition(" — ")[1]  # a glued provenance is not found
