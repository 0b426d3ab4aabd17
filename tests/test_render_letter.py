"""The cover letter as a PDF: one page in the CV's theme, never cut, read back with pypdf."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader
from render_support import tailored, workspace

from cvsite.letter import build_date, letter_view
from cvsite.locale import load_locale
from cvsite.model import parse_date
from cvsite.render_letter import render_letter_pdf
from cvsite.themes import available_themes

DAY = datetime.date(2026, 3, 9)


@pytest.fixture(scope="module")
def ws():
    return workspace()


def text_of(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


def with_letter(ws, slug: str, letter: str, **fields: object):
    cv = tailored(ws, slug)
    cv.job = cv.job.model_copy(update={"letter": letter, **fields})
    return cv


@pytest.mark.parametrize("theme", available_themes())
def test_one_page_with_header_company_role_date_greeting_and_sign_off(ws, theme):
    cv = with_letter(ws, "acme", "I would like to build **payment rails** at Acme.\n\nSecond paragraph.")
    cv.theme = theme
    result = render_letter_pdf(cv, today=DAY)
    text = text_of(result.data)
    assert result.pages == 1 and result.warnings == []
    for part in ("Marta Kowalczyk-Łęcka", "marta@example.com", "9 March 2026", "Acme Payments",
                 "Application: Staff Engineer", "Dear Acme Payments hiring team,",
                 "I would like to build payment rails at Acme.", "Second paragraph.", "Kind regards,"):
        assert part in text, part
    assert text.index("Dear Acme") < text.index("I would like") < text.index("Kind regards,")
    assert text.rstrip().endswith("Marta Kowalczyk-Łęcka"), "the letter ends with the name"
    meta = PdfReader(io.BytesIO(result.data)).metadata
    assert meta.title == "Marta Kowalczyk-Łęcka – Cover letter for Staff Engineer at Acme Payments"
    assert meta.author == "Marta Kowalczyk-Łęcka"


def test_german_job_gets_german_words_and_date(ws):
    cv = tailored(ws, "berlin")  # the fixture's letter, language: de
    text = text_of(render_letter_pdf(cv, today=DAY).data)
    assert "9. März 2026" in text and "Sehr geehrte Damen und Herren," in text
    assert "Bewerbung als Senior Backend-Entwicklerin" in text and "Mit freundlichen Grüßen" in text


def test_the_user_controls_greeting_sign_off_and_date(ws):
    cv = with_letter(ws, "acme", "Short.", greeting="Hello Ada,", sign_off="Cheers,",
                     letter_date=parse_date("2025-11-04"))
    text = text_of(render_letter_pdf(cv, today=DAY).data)
    assert "Hello Ada," in text and "Cheers," in text and "4 November 2025" in text
    assert "Dear" not in text and "9 March 2026" not in text


def test_a_long_letter_is_kept_whole_with_a_warning(ws):
    paragraphs = [f"Paragraph {n}: " + "I have built payment systems that stay up. " * 12 for n in range(14)]
    cv = with_letter(ws, "acme", "\n\n".join(paragraphs))
    result = render_letter_pdf(cv, today=DAY)
    assert result.pages >= 2
    assert result.warnings == [f"the cover letter runs to {result.pages} pages; a letter should fit on one: "
                               "shorten it (nothing was cut)"]
    assert "Paragraph 13:" in text_of(result.data), "nothing was cut"


def test_no_letter_no_view(ws):
    loc = load_locale("en")
    assert letter_view(tailored(ws, None), loc) is None
    assert letter_view(tailored(ws, "acme"), loc) is None
    with pytest.raises(ValueError):
        render_letter_pdf(tailored(ws, "acme"))


def test_source_date_epoch_fixes_the_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    assert build_date() == datetime.date(2026, 1, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == datetime.datetime.now(datetime.timezone.utc).date()
