"""The CV as plain text: what a recruiter pastes into an applicant tracking system's form.

UTF-8, in reading order, lines wrapped at 80 characters (`textwrap`), section
headings in capitals over a rule, bullets as `- `, and every link's address
spelled out, since a pasted form keeps no links. No tabs, and no layout made
of spaces beyond a bullet's hanging indent.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from cvsite.document import CvDocument, DocEntry, DocSection, cv_document
from cvsite.markdown import Block, Span
from cvsite.render_html import ContactLink
from cvsite.tailored import TailoredCV

WIDTH = 80
BULLET = "- "
CONTACT_KINDS = {"email": "Email", "github": "GitHub", "linkedin": "LinkedIn"}


def render_text(cv: TailoredCV) -> str:
    """The plain-text CV of one tailored CV."""
    return document_text(cv_document(cv))


def document_text(doc: CvDocument) -> str:
    lines: list[str] = [doc.name]
    lines += _wrap(" · ".join(p for p in (doc.headline, doc.location) if p))
    lines += _wrap(doc.pitch)
    lines += [line for link in doc.contacts for line in _wrap(contact_line(link))]
    if doc.summary:
        lines += _heading(doc.summary_label)
        lines += _blocks(doc.summary)
    for section in doc.sections:
        lines += _section(section)
    return "\n".join(_tidy(lines)) + "\n"


def _section(section: DocSection) -> list[str]:
    lines = _heading(section.label)
    if section.lines:
        return lines + [line for block in section.lines for line in _block(block)]
    for number, entry in enumerate(section.entries):
        if number:
            lines.append("")
        lines += _entry(entry)
    return lines


def _entry(entry: DocEntry) -> list[str]:
    heading = f"{entry.heading} ({entry.href})" if entry.href else entry.heading
    lines = _wrap(heading)
    lines += _wrap(entry.meta)
    return lines + _blocks(entry.blocks)


def _heading(label: str) -> list[str]:
    title = label.upper()
    return ["", "", title, "=" * len(title), ""]


def _blocks(blocks: Iterable[Block]) -> list[str]:
    lines: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None and not (previous.bullet and block.bullet):
            lines.append("")  # paragraphs apart; a list's bullets together
        lines += _block(block)
        previous = block
    return lines


def _block(block: Block) -> list[str]:
    text = spans_text(block.spans)
    if block.bullet:
        return _wrap(text, BULLET, " " * len(BULLET))
    return _wrap(text)


def spans_text(spans: Iterable[Span]) -> str:
    """Spans as text, each link's address after its words unless the words are the address."""
    out: list[str] = []
    for span in spans:
        out.append(span.text)
        if span.href and _address(span.href) != span.text.strip():
            out.append(f" ({_address(span.href)})")
    return " ".join("".join(out).split())


def contact_line(link: ContactLink) -> str:
    """`Email: marta@example.org`, `GitHub: https://github.com/marta`: the kind, then the address
    in full (a phone number as written)."""
    kind = CONTACT_KINDS.get(link.kind, link.kind.replace("-", " ").capitalize())
    return f"{kind}: {link.label if link.kind == 'phone' else _address(link.href)}"


def _address(href: str) -> str:
    """An e-mail link as the address itself; any other link as its full URL."""
    return href[len("mailto:"):] if href.lower().startswith("mailto:") else href


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """Wrapped at WIDTH; a URL longer than a line stays whole (a broken URL does not work)."""
    if not text.strip():
        return []
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def _tidy(lines: list[str]) -> list[str]:
    """No blank lines at the start, at the end, or more than two in a row."""
    out: list[str] = []
    for line in lines:
        if not line and (not out or out[-2:] == ["", ""]):
            continue
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return out
