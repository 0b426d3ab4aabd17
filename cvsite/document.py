"""The CV as a plain document: what the Word and text renderers write.

Both take the same `CvDocument`, built from the `TailoredCV` through the page's
own section views (`render_html.section_views`), so they show exactly the
page's sections, items, bullets and order, and nothing the tailoring left out.
Sections are rendered from their declaration (`cvsite.model.SECTION_TYPES`), never by
name: each entry is a heading (its `heading` fields: title · organisation · place), a
line of its `meta` fields and dates, and blocks of prose; a "list" section is one line
per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cvsite.locale import Locale, load_locale
from cvsite.markdown import Block, Span, inline_spans, markdown_blocks, plain_text
from cvsite.model import field_value
from cvsite.render_html import (
    ContactLink,
    Entry,
    SectionView,
    SkillGroup,
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
    """Read from the section's declaration: grouped items (skills) one line per group,
    a "list" section one line per item, an "entries" section entry by entry."""
    section = DocSection(view.name, view.label)
    if view.skill_groups:
        section.lines = [_group_line(group) for group in view.skill_groups]
    elif view.type.layout == "list":
        section.lines = [_item_line(entry) for entry in view.entries]
    else:
        section.entries = [_entry(entry, loc) for entry in view.entries]
    return section


def _group_line(group: SkillGroup) -> Block:
    """`Group: a, b, c`, the items the job asks for in bold."""
    spans = [Span(f"{group.name}: ", bold=True)] if group.name else []
    for number, skill in enumerate(group.skills):
        spans.append(Span(skill.name, bold=skill.matched))
        if number < len(group.skills) - 1:
            spans.append(Span(", "))
    return Block(tuple(spans))


def _item_line(entry: Entry) -> Block:
    """A bullet: the heading in bold, then its facts (`Polish – native`)."""
    facts = f" – {', '.join(entry.facts)}" if entry.facts else ""
    return Block((Span(" · ".join(entry.heading), bold=True), Span(facts)), bullet=True)


# Fields shown as a paragraph of their own after a label in bold: (field, locale text key).
LABELLED = (("contribution", "what_i_did"), ("outcome", "outcome"))


def _entry(entry: Entry, loc: Locale) -> DocEntry:
    """"Title · Organisation · Place" (linked), the line of its facts and dates (a role's
    dates alone on it: an ATS reads a date line only when nothing else shares it, as in
    the PDF, see docs/themes.md), then the summary, the labelled paragraphs, the bullets
    and the named links."""
    item = entry.item
    meta = " · ".join(part for part in (*entry.facts, item_dates(item, loc)) if part)
    blocks = markdown_blocks(field_value(item, "summary"))
    for name, key in LABELLED:
        blocks += _labelled(loc.text(key), field_value(item, name))
    blocks += [Block(inline_spans(text), bullet=True) for text in entry.highlights]
    links = field_value(item, "links") or {}
    blocks += [Block((Span(f"{name}: "), Span(url, href=url))) for name, url in links.items()]
    return DocEntry(" · ".join(entry.heading), item.link, meta, blocks)


def _labelled(label: str, text: str | None) -> list[Block]:
    """`What I did: …` with the label in bold on the first paragraph."""
    blocks = markdown_blocks(text)
    if blocks:
        first = blocks[0]
        blocks[0] = Block((Span(f"{label}: ", bold=True), *first.spans), first.bullet)
    return blocks
