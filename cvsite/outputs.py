"""The documents built for every CV besides its page, declared once.

Each kind names its key in `outputs:` (profile or job) and its `--no-…` flag,
its file name, its download label, and what feeds it. `cvsite.build` plans,
reuses and renders every kind the same way; a new kind is one line here and
one renderer. Renderers are imported only when a file is due, so a rebuild
that reuses everything never loads WeasyPrint or python-docx.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cvsite.filenames import document_file_name
from cvsite.model import Job, Profile
from cvsite.tailored import TailoredCV


@dataclass
class Rendered:
    """A rendered document, what fitting cut (PDF CVs: every cut, and the whole entries
    among them), and what went wrong quietly."""

    data: bytes
    cut: list[str] = field(default_factory=list)
    cut_entries: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Renderer = Callable[[TailoredCV, Path | None, datetime.date], Rendered]


def _pdf(cv: TailoredCV, user_theme: Path | None, _today: datetime.date) -> Rendered:
    from cvsite.render_pdf import render_pdf

    result = render_pdf(cv, user_theme)
    return Rendered(result.data, result.cut, result.cut_entries, result.warnings)


def _letter_pdf(cv: TailoredCV, user_theme: Path | None, today: datetime.date) -> Rendered:
    from cvsite.render_letter import render_letter_pdf

    letter = render_letter_pdf(cv, user_theme, today)
    return Rendered(letter.data, warnings=letter.warnings)


def _docx(cv: TailoredCV, user_theme: Path | None, _today: datetime.date) -> Rendered:
    from cvsite.render_docx import render_docx

    return Rendered(render_docx(cv, user_theme))


def _txt(cv: TailoredCV, _user_theme: Path | None, _today: datetime.date) -> Rendered:
    from cvsite.render_text import render_text

    return Rendered(render_text(cv).encode("utf-8"))


@dataclass(frozen=True)
class OutputKind:
    """One kind of document: `name` is its key in `outputs:`, its flag and its manifest label.

    what, suffix: its file name (`<Name>-<what>-<Company><suffix>`).
    label: the locale key of its download link; summary: its name in the build's summary line.
    pdf: rendered by WeasyPrint (`--no-pdf` skips it too).
    letter: made only for jobs that have a `letter`.
    themed: the theme's files shape it (they go into its content hash).
    render: makes the file from a tailored CV, the user's theme folder and the build's date.
    configurable: the profile or a job may turn it off in `outputs:`.
    """

    name: str
    what: str
    suffix: str
    label: str
    summary: str
    render: Renderer
    pdf: bool = False
    letter: bool = False
    themed: bool = True
    configurable: bool = True

    def file_name(self, person: str, company: str | None) -> str:
        return document_file_name(person, company, self.what, self.suffix)


KINDS: tuple[OutputKind, ...] = (
    OutputKind("pdf", "CV", ".pdf", "format_pdf", "PDF", _pdf, pdf=True, configurable=False),
    OutputKind("docx", "CV", ".docx", "format_docx", "Word", _docx),
    OutputKind("txt", "CV", ".txt", "format_txt", "text", _txt, themed=False),
    OutputKind("letter_pdf", "Cover-Letter", ".pdf", "format_letter", "letter", _letter_pdf, pdf=True,
               letter=True),
)
"""In the order the page offers them."""
BY_NAME = {kind.name: kind for kind in KINDS}


def wanted(kind: OutputKind, profile: Profile, job: Job | None) -> bool:
    """Whether this CV gets the kind at all: the job's `outputs:` over the profile's, and a
    letter only where the job has one."""
    if kind.letter and (job is None or not (job.letter or "").strip()):
        return False
    if not kind.configurable:
        return True
    settings = profile.outputs.merged(job.outputs) if job else profile.outputs
    return getattr(settings, kind.name) is not False


