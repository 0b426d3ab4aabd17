"""The CV as a plain document: what the Word and text renderers write.

Both take the same `CvDocument`, built from the `TailoredCV` through the page's
own section views (`render_html.section_views`), so they show exactly the
page's sections, items, bullets and order, and nothing the tailoring left out.
Each entry is a heading (title · organisation · place), a line of dates, and blocks of prose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cvsite.locale import Locale, load_locale
from cvsite.markdown import Block, Span, inline_spans, markdown_blocks, plain_text
from cvsite.render_html import (
    ContactLink,
    Entry,
    SectionView,
    contact_links,
    item_dates,
    page_meta,
    section_views,
)
from cvsite.tailored import TailoredCV


@dataclass
class DocEntry:
    """One item: a heading (with an optional link), a meta line, and prose blocks."""

    heading: str
    href: str | None = None
    meta: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class DocSection:
    name: str
    label: str
    entries: list[DocEntry] = field(default_factory=list)
    lines: list[Block] = field(default_factory=list)  # skills and languages: one line each


@dataclass
class CvDocument:
    name: str
    headline: str
    pitch: str
    location: str
    contacts: list[ContactLink]
    summary_label: str
    summary: list[Block]
    sections: list[DocSection]
    meta: dict[str, str]
    language: str


def cv_document(cv: TailoredCV) -> CvDocument:
    """The document for one tailored CV, in the page's order."""
    loc = load_locale(cv.language)
    person = cv.person
    return CvDocument(
        name=person.name,
        headline=plain_text(person.headline),
        pitch=plain_text(person.pitch),
        location=person.location or "",
        contacts=contact_links(person.contact),
        summary_label=loc.section("summary"),
        summary=markdown_blocks(person.summary),
        sections=[_section(view, loc) for view in section_views(cv, loc)],
        meta=page_meta(cv, loc),
        language=loc.code,
    )


def _section(view: SectionView, loc: Locale) -> DocSection:
    section = DocSection(view.name, view.label)
    if view.name == "skills":
        for group in view.skill_groups:
            spans = [Span(f"{group.name}: ", bold=True)] if group.name else []
            for number, skill in enumerate(group.skills):
                spans.append(Span(skill.name, bold=skill.matched))
                if number < len(group.skills) - 1:
                    spans.append(Span(", "))
            section.lines.append(Block(tuple(spans)))
    elif view.name == "languages":
        for entry in view.entries:
            level = f" – {entry.item.level}" if entry.item.level else ""
            section.lines.append(Block((Span(entry.item.name, bold=True), Span(level)), bullet=True))
    else:
        section.entries = [_entry(entry, loc) for entry in view.entries]
    return section


def _entry(entry: Entry, loc: Locale) -> DocEntry:
    item = entry.item
    when = item_dates(item, loc)
    if entry.kind == "experience":
        blocks = markdown_blocks(item.summary)
        blocks += [Block(inline_spans(text), bullet=True) for text in entry.highlights]
        return DocEntry(_title(item.role, item.org, item.location), item.url, when, blocks)
    if entry.kind == "projects":
        blocks = markdown_blocks(item.summary)
        for label, text in ((loc.text("what_i_did"), item.contribution), (loc.text("outcome"), item.outcome)):
            blocks += _labelled(label, text)
        blocks += [Block((Span(f"{name}: "), Span(url, href=url))) for name, url in item.links.items()]
        return DocEntry(item.title, None, when, blocks)
    if entry.kind == "contributions":
        meta = " · ".join(p for p in (loc.kind(item.kind), item.where, when) if p)
        return DocEntry(item.title, item.url, meta, markdown_blocks(item.summary))
    title = _title(item.degree, item.institution, getattr(item, "location", None))
    return DocEntry(title, getattr(item, "url", None), when, markdown_blocks(item.summary))


def _title(what: str, where: str, place: str | None) -> str:
    """"Role · Organisation · Place", with the dates on a line of their own below: an ATS
    reads a date line only when nothing else shares it (as in the PDF, see docs/themes.md)."""
    return " · ".join(part for part in (what, where, place) if part)


def _labelled(label: str, text: str | None) -> list[Block]:
    """`What I did: …` with the label in bold on the first paragraph."""
    blocks = markdown_blocks(text)
    if blocks:
        first = blocks[0]
        blocks[0] = Block((Span(f"{label}: ", bold=True), *first.spans), first.bullet)
    return blocks
