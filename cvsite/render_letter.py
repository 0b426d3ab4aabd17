"""The cover letter as a one-page PDF in the CV's theme (`letter.html`, which extends `cv.html`).

A letter is never cut to fit: one that runs past a page is rendered whole and
comes back with a warning (an error under `--strict`), so the user shortens it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from weasyprint import HTML

from cvsite.letter import letter_view
from cvsite.locale import load_locale
from cvsite.render_html import render_template, template_context
from cvsite.render_pdf import PAPER_SIZES, PdfResult, ThemeFetcher, _captured_warnings, _warnings
from cvsite.tailored import TailoredCV
from cvsite.themes import load_theme

LETTER_PAGES = 1


def render_letter_pdf(cv: TailoredCV, user_theme_dir: Path | None = None,
                      today: datetime.date | None = None) -> PdfResult:
    """The letter of a job's tailored CV as a PDF; ValueError if the job has no letter."""
    loc = load_locale(cv.language)
    letter = letter_view(cv, loc, today)
    if letter is None:
        raise ValueError(f"job {cv.slug!r} has no letter")
    theme = load_theme(cv.theme, user_theme_dir)
    context = template_context(cv, theme, asset=lambda name: name)
    meta = dict(context["meta"])
    title = loc.text("letter_title", role=letter.role, company=letter.company)
    meta.update(title=f"{cv.person.name} – {title}", subject=loc.text("letter_subject", role=letter.role),
                keywords="")
    context.update(letter=letter, meta=meta, paper_size=PAPER_SIZES.get(cv.paper, "A4"))
    html = render_template(theme, "letter.html", context)
    with _captured_warnings() as records:
        document = HTML(string=html, base_url=theme.path.resolve().as_uri() + "/",
                        url_fetcher=ThemeFetcher(theme)).render(pdf_tags=True)
        data = document.write_pdf(pdf_tags=True)
    warnings = _warnings(records)
    pages = len(document.pages)
    if pages > LETTER_PAGES:
        warnings.append(f"the cover letter runs to {pages} pages; a letter should fit on one: "
                        "shorten it (nothing was cut)")
    return PdfResult(data, pages, warnings=warnings)
