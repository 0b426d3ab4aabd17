"""The landing page: one tailored CV rendered through the theme's `page.html`.

The page is self-contained: every link to the site's own files is relative
(`PageContext.root`), so it works under a GitHub project path (`/repo/`) and
opened from disk, and nothing is fetched from another host. The same template
context (`template_context`) feeds the PDF template, so the page and the PDF
always show the same items in the same order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from cvsite.errors import CvsiteError
from cvsite.letter import letter_view
from cvsite.locale import Locale, load_locale
from cvsite.markdown import is_safe_link, plain_text, render_inline, render_markdown
from cvsite.model import (
    CONTRIBUTION_KINDS,
    SECTION,
    SECTION_TYPES,
    Contact,
    Item,
    PartialDate,
    SectionType,
    field_value,
)
from cvsite.tailored import RankedItem, TailoredCV
from cvsite.themes import Theme, load_theme

DESCRIPTION_LIMIT = 200


@dataclass(frozen=True)
class Download:
    """One file the page offers: its kind (pdf, docx, txt, letter_pdf), the locale key of
    its label, its name beside the page, and its size in bytes."""

    kind: str
    label: str
    href: str
    size: int

    @property
    def kilobytes(self) -> int:
        return max(1, round(self.size / 1024))


@dataclass(frozen=True)
class PageContext:
    """Where a page sits in the site, so its links and metadata are right.

    root: relative path from the page to the site root ("" for index.html, "../" for acme/).
    pdf_name: this page's PDF, relative to the page (e.g. "Marta-Kowalczyk-CV-Acme.pdf").
    downloads: the files the page offers (PDF, Word, text, cover letter), with their sizes.
    base_url: public URL of the site root; only adds the canonical link and og:url.
    page_path: the page's folder below the root ("" for the index, "acme/" for a job).
    user_theme_dir: the user's override folder (`DIR/theme/`), if any.
    listed_jobs: (slug, company, role) of the jobs the general page links to.
    """

    root: str = ""
    pdf_name: str | None = None
    downloads: tuple[Download, ...] = ()
    base_url: str | None = None
    page_path: str = ""
    user_theme_dir: Path | None = None
    listed_jobs: tuple[tuple[str, str, str], ...] = ()

    @property
    def url(self) -> str | None:
        """Absolute URL of this page when the site's base URL is known."""
        return f"{self.base_url.rstrip('/')}/{self.page_path}" if self.base_url else None


@dataclass(frozen=True)
class ContactLink:
    kind: str
    label: str
    href: str


@dataclass
class Entry:
    """One item as a template shows it: bullets and details already cut to what fits.

    `bullets` pairs each bullet shown with its `data-key`; `cut` names the
    details the PDF fitting left out ("summary", "did"), see `shows`.
    `heading` and `facts` are the texts of the fields its section's declaration
    names as `heading` and `meta` (empty ones left out), for the renderers that
    have no markup of their own for the section (`sections/_generic.html`, the
    Word and text CVs).
    """

    key: str
    ranked: RankedItem
    bullets: list[tuple[str, str]]
    cut: frozenset[str] = frozenset()
    heading: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()

    @property
    def item(self) -> Any:
        return self.ranked.item

    @property
    def highlights(self) -> list[str]:
        return [text for _, text in self.bullets]

    def shows(self, part: str) -> bool:
        """Whether the detail `part` of the item is shown (it may still be empty)."""
        return part not in self.cut

    @property
    def kind(self) -> str:
        return self.ranked.section


@dataclass(frozen=True)
class SkillChip:
    name: str
    matched: bool
    key: str = ""


@dataclass
class SkillGroup:
    name: str | None
    skills: list[SkillChip] = field(default_factory=list)


@dataclass
class SectionView:
    """One section as the templates show it. `type` is its declaration (layout,
    heading and meta fields); `skill_groups` groups the entries of a section whose
    items have a `group` (skills), in order of their most relevant item."""

    name: str
    label: str
    type: SectionType
    entries: list[Entry]
    skill_groups: list[SkillGroup] = field(default_factory=list)


# What the PDF fitting cuts: ("item", section, index), ("highlight", section, index, h),
# ("detail", section, index, part) or ("about", paragraph).
DropKey = tuple[Any, ...]


@dataclass(frozen=True)
class Evidence:
    """One of the job's strongest achievements, shown first: a bullet and the role it belongs to.

    `key` is the bullet's data-key (fitting measures and cuts it like any bullet);
    `anchor` is the id it links to: the bullet itself on the page, the role in the
    PDF, where the bullet is shown only here.
    """

    key: str
    text: str
    role: str
    org: str
    anchor: str
    score: float


# How many achievements lead a job's page and PDF, and at most how many from one role.
EVIDENCE_COUNT = 3
EVIDENCE_PER_ROLE = 2


@dataclass(frozen=True)
class Paragraph:
    key: str
    text: str


def summary_paragraphs(summary: str | None) -> list[str]:
    """About's Markdown split into its paragraphs (blocks between blank lines)."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n", summary or "") if p.strip()]


def render_page(cv: TailoredCV, page: PageContext) -> str:
    """The landing page HTML for one tailored CV (or the general one)."""
    theme = load_theme(cv.theme, page.user_theme_dir)
    context = template_context(cv, theme, asset=theme.asset_href(page.root))
    context.update(page=page, pdf_href=page.pdf_name, canonical=page.url, downloads=page.downloads)
    return render_template(theme, "page.html", context)


def render_404(cv: TailoredCV, base_url: str | None = None, user_theme_dir: Path | None = None) -> str:
    """A 404 page that works at any depth (GitHub Pages serves it for every missing path).

    Relative links would resolve against the missing page's folder, so the page
    uses none: with a base URL it links home and to the stylesheet absolutely;
    without one it carries its own small inline style and names the person
    instead of offering a link that could be wrong.
    """
    theme = load_theme(cv.theme, user_theme_dir)
    home = f"{base_url.rstrip('/')}/" if base_url else None
    context = template_context(cv, theme, asset=theme.asset_href(home) if home else lambda name: "")
    context.update(home=home)
    return render_template(theme, "404.html", context)


def render_template(theme: Theme, name: str, context: dict[str, Any]) -> str:
    """Render a theme template; errors in a user's override become a CvsiteError."""
    template = theme.template(name)
    try:
        return template.render(context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        raise CvsiteError(f"{where}: template error in theme '{theme.name}': {exc}") from exc


def template_context(
    cv: TailoredCV,
    theme: Theme,
    asset: Callable[[str], str],
    drops: Collection[DropKey] = (),
    for_print: bool = False,
) -> dict[str, Any]:
    """Everything page.html, cv.html and 404.html can use.

    cv, person, job, company, lang, t (the Locale), sections (SectionView list,
    in tailored order, empty ones left out, each with its declaration as `type`),
    about (the summary's paragraphs shown, each with its key), evidence (the job's
    strongest achievements, to show first), contacts (ContactLink list),
    matched_skills, meta (title, subject, description, keywords, author),
    jsonld, theme, and the helpers asset(name), md(text), md_inline(text),
    when(item) and host(url). The callers add page, pdf_href, canonical, home,
    paper_size and page_counter where they apply.
    `drops` leaves out what the PDF fitting chose to cut. `for_print` (the PDF)
    shows the evidence bullets only up front, not again in their role, and
    prints each link's address after it, for readers of paper.
    """
    loc = load_locale(cv.language)
    cut = set(drops)
    sections = section_views(cv, loc, cut)
    evidence = top_evidence(cv, sections, apart=for_print)
    if for_print:
        _set_apart(sections, {e.key for e in evidence})
    about = [Paragraph(f"about-{n}", text) for n, text in enumerate(summary_paragraphs(cv.person.summary))
             if ("about", n) not in cut]
    return {
        "cv": cv,
        "person": cv.person,
        "job": cv.job,
        "company": cv.job.company if cv.job else None,
        "lang": loc.code,
        "t": loc,
        "sections": sections,
        "about": about,
        "evidence": evidence,
        "contacts": contact_links(cv.person.contact),
        "matched_skills": list(cv.matched_skills),
        "meta": page_meta(cv, loc),
        "letter": letter_view(cv, loc),
        "jsonld": person_jsonld(cv),
        "theme": theme,
        "asset": asset,
        "md": render_markdown,
        "md_inline": render_inline,
        "when": lambda item: item_dates(item, loc),
        "host": display_url,
        "page": None,
        "pdf_href": None,
        "downloads": (),
        "canonical": None,
        "home": None,
        "page_counter": Markup(""),
        "for_print": for_print,
    }


def page_meta(cv: TailoredCV, loc: Locale) -> dict[str, str]:
    """Title, description, subject and keywords, shared by the page head and the PDF metadata."""
    name = cv.person.name
    if cv.job:
        subject = loc.text("role_at_company", role=cv.job.role, company=cv.job.company)
        title = f"{name} – {loc.text('cv_for', role=cv.job.role, company=cv.job.company)}"
    else:
        subject = plain_text(cv.person.headline)
        title = f"{name} – {subject}"
    description = plain_text(cv.person.pitch or cv.person.headline or cv.person.summary)
    return {
        "title": title,
        "subject": subject,
        "description": _shorten(description, DESCRIPTION_LIMIT),
        "keywords": ", ".join(cv.matched_skills),
        "author": name,
    }


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def person_jsonld(cv: TailoredCV) -> Markup:
    """schema.org Person as JSON-LD, escaped so no field can close the script element."""
    person = cv.person
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Person", "name": person.name}
    data["jobTitle"] = plain_text(person.headline)
    if person.pitch:
        data["description"] = plain_text(person.pitch)
    if person.location:
        data["address"] = {"@type": "PostalAddress", "addressLocality": person.location}
    links = contact_links(person.contact)
    for link in links:
        if link.kind == "email":
            data["email"] = link.href
        elif link.kind == "phone":
            data["telephone"] = link.label
    same_as = [link.href for link in links if link.kind not in ("email", "phone")]
    if same_as:
        data["sameAs"] = same_as
    for declared in SECTION_TYPES:
        section = cv.section(declared.name) if declared.jsonld else None
        if section and section.items:
            data[declared.jsonld] = [r.item.label() for r in section.items]
    return Markup(escape_json_for_script(data))


def escape_json_for_script(data: Any) -> str:
    """JSON safe inside <script>: `<`, `>`, `&` and line separators become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def contact_links(contact: Contact) -> list[ContactLink]:
    """Contact details as links in a fixed order; profile names become profile URLs."""
    links: list[ContactLink] = []
    if contact.email:
        links.append(ContactLink("email", contact.email, f"mailto:{contact.email}"))
    if contact.phone:
        digits = re.sub(r"[^\d+]", "", contact.phone)
        links.append(ContactLink("phone", contact.phone, f"tel:{digits}"))
    if contact.website:
        links.append(ContactLink("website", display_url(contact.website), contact.website))
    for kind, base in (("github", "https://github.com/"), ("linkedin", "https://www.linkedin.com/in/")):
        value = getattr(contact, kind)
        if value:
            href = value if is_safe_link(value) else base + quote(value.strip().strip("/@"))
            links.append(ContactLink(kind, display_url(href), href))
    for kind, url in sorted((contact.model_extra or {}).items()):
        if isinstance(url, str) and is_safe_link(url):
            links.append(ContactLink(kind, display_url(url), url))
    return links


def display_url(url: str) -> str:
    """`https://www.example.com/me/` → `example.com/me`: how a link reads on a CV."""
    parts = urlsplit(url)
    if parts.scheme == "mailto":
        return parts.path
    host = parts.netloc.removeprefix("www.")
    return (host + parts.path).rstrip("/")


def item_dates(item: Item, loc: Locale) -> str:
    """The date or date range of any item, in the page's language."""
    single = field_value(item, "date")
    start = field_value(item, "start")
    if single is not None and start is None:
        return loc.date(single)
    end = field_value(item, "end")
    return loc.date_range(start, end) if start is not None or end is not None else ""


def section_views(cv: TailoredCV, loc: Locale, drops: Collection[DropKey] = ()) -> list[SectionView]:
    """The CV's sections as templates (and the Word and text renderers) show them:
    in tailored order, without empty ones, less what the PDF fitting dropped."""
    dropped = set(drops)
    sections = [_section_view(cv, index, loc, dropped) for index in range(len(cv.sections))]
    return [s for s in sections if s.entries]


def _section_view(cv: TailoredCV, index: int, loc: Locale, drops: set[DropKey]) -> SectionView:
    section = cv.sections[index]
    declared = SECTION[section.name]
    entries = []
    for position, ranked in enumerate(section.items):
        if ("item", section.name, position) in drops:
            continue
        key = f"{section.name}-{position}"
        texts = [h.text for h in field_value(ranked.item, "highlights") or []]
        kept = [(f"{key}-h{h}", t) for h, t in enumerate(texts)
                if ("highlight", section.name, position, h) not in drops]
        cut = frozenset(k[3] for k in drops if k[0] == "detail" and k[1:3] == (section.name, position))
        heading, facts = _texts(ranked.item, declared.heading, loc), _texts(ranked.item, declared.meta, loc)
        entries.append(Entry(key, ranked, kept, cut, heading, facts))
    view = SectionView(section.name, loc.section(section.name), declared, entries)
    if "group" in declared.model.model_fields:  # items that name their group are shown by group
        view.skill_groups = _skill_groups(entries, set(cv.matched_skills))
    return view


def _texts(item: Item, fields: tuple[str, ...], loc: Locale) -> tuple[str, ...]:
    """The fields' values as text, the empty ones left out."""
    return tuple(text for text in (field_text(item, name, loc) for name in fields) if text)


def field_text(item: Item, name: str, loc: Locale) -> str:
    """One field as a heading or a line of facts shows it: a list joined with ", ", a date
    in the page's language, a contribution kind by its label (as its partial shows it);
    "" when unset."""
    value = field_value(item, name)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, PartialDate):
        return loc.date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(part) for part in value if part)
    if value in CONTRIBUTION_KINDS and _is_contribution_kind(item, name):
        return loc.kind(value)
    return str(value)


def _is_contribution_kind(item: Item, name: str) -> bool:
    """Whether the field is typed as a contribution kind (the locale labels those)."""
    return get_args(type(item).model_fields[name].annotation) == CONTRIBUTION_KINDS


def top_evidence(cv: TailoredCV, sections: list[SectionView], apart: bool = False) -> list[Evidence]:
    """The job's most relevant role bullets shown, best first: at most EVIDENCE_PER_ROLE
    from one role, only bullets that match the job, none for the general CV."""
    if cv.is_general:
        return []
    found = []
    for view in sections:
        if not view.type.evidence:
            continue
        for entry in view.entries:
            scores = [h.score for h in entry.ranked.highlights]
            for key, text in entry.bullets:
                index = int(key.rsplit("-h", 1)[1])
                score = scores[index] if index < len(scores) else 0.0
                if score > 0:
                    found.append(Evidence(key, text, entry.item.role, entry.item.org,
                                          entry.key if apart else key, score))
    found.sort(key=lambda e: -e.score)  # stable: ties keep CV order
    chosen: list[Evidence] = []
    for evidence in found:
        role = evidence.key.rsplit("-h", 1)[0]
        if sum(e.key.rsplit("-h", 1)[0] == role for e in chosen) < EVIDENCE_PER_ROLE:
            chosen.append(evidence)
    return chosen[:EVIDENCE_COUNT]


def _set_apart(sections: list[SectionView], keys: set[str]) -> None:
    """Leave the bullets shown up front out of their roles (the PDF reads them once)."""
    for view in sections:
        for entry in view.entries:
            entry.bullets = [(key, text) for key, text in entry.bullets if key not in keys]


def _skill_groups(entries: list[Entry], matched: set[str]) -> list[SkillGroup]:
    """Skills grouped by their `group`, groups in order of their first (most relevant) skill."""
    groups: dict[str | None, SkillGroup] = {}
    for entry in entries:
        name = field_value(entry.item, "group")
        group = groups.setdefault(name, SkillGroup(name))
        label = entry.item.label()
        group.skills.append(SkillChip(label, label in matched, entry.key))
    return list(groups.values())

