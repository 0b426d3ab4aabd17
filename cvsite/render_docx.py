"""The CV as a Word file, for agencies and applicant tracking systems.

ATS parsers read .docx best when it is one column of real paragraph styles,
so the file uses Word's own Title, Subtitle, Heading 1, Heading 2 and List
Bullet styles, and no tables, text boxes, headers or footers. Links are live
(a relationship plus a `w:hyperlink` element); headings and links take the
theme's accent colour, declared once in its theme.yaml (`word: {accent, font}`).

The content is `cvsite.document.CvDocument`, the same sections, items and
order as the page. The bytes are reproducible: the document properties carry
a fixed date, and the zip entries a fixed timestamp.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from cvsite.document import CvDocument, DocEntry, DocSection, cv_document
from cvsite.markdown import Block, Span
from cvsite.render_text import contact_line
from cvsite.tailored import TailoredCV
from cvsite.themes import load_theme

FIXED_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")
DEFAULT_ACCENT = "1f2937"
PARAGRAPH_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet")


def render_docx(cv: TailoredCV, user_theme_dir: Path | None = None) -> bytes:
    """The Word CV of one tailored CV, as the bytes of a .docx file."""
    word = load_theme(cv.theme, user_theme_dir).config.word
    return document_docx(cv_document(cv), _colour(word.accent), word.font)


def document_docx(doc: CvDocument, accent: RGBColor, font: str = "") -> bytes:
    document = docx.Document()
    _styles(document, accent, font, doc.language)
    _properties(document, doc)
    writer = _Writer(document, accent)
    writer.paragraph("Title").add_run(doc.name)
    if doc.headline:
        writer.paragraph("Subtitle").add_run(doc.headline)
    for text in (doc.pitch, doc.location):
        if text:
            writer.paragraph().add_run(text)
    if doc.contacts:
        writer.contacts(doc)
    if doc.summary:
        writer.paragraph("Heading 1").add_run(doc.summary_label)
        writer.blocks(doc.summary)
    for section in doc.sections:
        writer.section(section)
    writer.finish()
    return _reproducible(document)


class _Writer:
    """Adds paragraphs and runs, links included, to one document."""

    def __init__(self, document: Any, accent: RGBColor) -> None:
        self.document = document
        self.accent = accent
        self.style_ids = {name: document.styles[name].style_id for name in PARAGRAPH_STYLES}
        self.links: dict[str, str] = {}
        self.body = document.element.body
        self.page_setup = self.body.find(qn("w:sectPr"))
        if self.page_setup is not None:
            self.body.remove(self.page_setup)

    def paragraph(self, style: str | None = None) -> Any:
        """A new paragraph at the end of the body, in a Word style.

        python-docx's `add_paragraph` looks the style up by name and searches the body for
        its section properties on every call, which grows with the document: a CV of
        thousands of items took minutes. Here the style ids are looked up once, the
        section properties wait aside until `finish`, and a paragraph is one append.
        """
        element = OxmlElement("w:p")
        if style is not None:
            element.style = self.style_ids[style]
        self.body.append(element)
        return Paragraph(element, self.document)

    def finish(self) -> None:
        """Put the section properties (page size, margins) back as the body's last child."""
        if self.page_setup is not None:
            self.body.append(self.page_setup)

    def contacts(self, doc: CvDocument) -> None:
        paragraph = self.paragraph()
        for number, link in enumerate(doc.contacts):
            if number:
                paragraph.add_run(" · ")
            text = contact_line(link).split(": ", 1)[1]
            self.link(paragraph, text, link.href)

    def section(self, section: DocSection) -> None:
        self.paragraph("Heading 1").add_run(section.label)
        for block in section.lines:
            self.block(block)
        for entry in section.entries:
            self.entry(entry)

    def entry(self, entry: DocEntry) -> None:
        heading = self.paragraph("Heading 2")
        if entry.href:
            self.link(heading, entry.heading, entry.href)
        else:
            heading.add_run(entry.heading)
        if entry.meta:
            self.paragraph().add_run(entry.meta).italic = True
        self.blocks(entry.blocks)

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        paragraph = self.paragraph("List Bullet" if block.bullet else None)
        for span in block.spans:
            self.span(paragraph, span)

    def span(self, paragraph: Any, span: Span) -> None:
        if span.href:
            self.link(paragraph, span.text, span.href)
            return
        run = paragraph.add_run(span.text)
        if span.bold:
            run.bold = True
        if span.italic:
            run.italic = True
        if span.code:
            run.font.name = "Consolas"

    def link(self, paragraph: Any, text: str, href: str) -> None:
        """A live hyperlink: an external relationship and a `w:hyperlink` around a styled run."""
        if href not in self.links:  # relate_to compares with every relationship so far
            self.links[href] = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        rel_id = self.links[href]
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel_id)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), str(self.accent))
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        properties.extend([style, colour, underline])
        text_element = OxmlElement("w:t")
        text_element.text = text
        text_element.set(qn("xml:space"), "preserve")
        run.extend([properties, text_element])
        hyperlink.append(run)
        paragraph._p.append(hyperlink)


def _styles(document: Any, accent: RGBColor, font: str, language: str) -> None:
    """Headings and the title in the accent colour; the body font and the document's language."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    if font:
        normal.font.name = font
        for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
            styles[name].font.name = font
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = accent
    if "Hyperlink" not in [s.name for s in styles]:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = accent
        link.font.underline = True
    run_defaults = styles.element.find(qn("w:docDefaults"))
    properties = run_defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if run_defaults is not None else None
    if properties is not None:
        lang = properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            properties.append(lang)
        lang.set(qn("w:val"), language)


def _properties(document: Any, doc: CvDocument) -> None:
    """Title, author, subject and keywords, as the PDF carries them; fixed dates."""
    core = document.core_properties
    core.title = doc.meta["title"]
    core.author = doc.meta["author"]
    core.last_modified_by = doc.meta["author"]
    core.subject = doc.meta["subject"]
    core.keywords = doc.meta["keywords"]
    core.comments = ""
    core.language = doc.language
    core.created = core.modified = FIXED_DATE
    core.last_printed = FIXED_DATE
    core.revision = 1


def _reproducible(document: Any) -> bytes:
    """The saved file with every zip entry's timestamp fixed (python-docx writes the clock's)."""
    raw = BytesIO()
    document.save(raw)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, _ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _colour(value: Any) -> RGBColor:
    match = _COLOUR.match(str(value or "").strip())
    return RGBColor.from_string((match.group(1) if match else DEFAULT_ACCENT).upper())
