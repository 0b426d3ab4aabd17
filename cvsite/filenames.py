"""File names that read well in a recruiter's downloads folder, and stay ASCII-safe.

Kept apart from the PDF renderer so the site builder can name PDFs without
importing WeasyPrint (a no-op rebuild should not pay for it).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml


def pdf_file_name(person_name: str, company: str | None = None) -> str:
    """`Marta-Kowalczyk-CV-Acme.pdf`: ASCII-safe, readable in a downloads folder."""
    return document_file_name(person_name, company)


def document_file_name(person_name: str, company: str | None = None, what: str = "CV",
                       suffix: str = ".pdf") -> str:
    """`Marta-Kowalczyk-CV-Acme.docx`, `Marta-Kowalczyk-Cover-Letter-Acme.pdf`: the person,
    what the document is, the company; ASCII-safe."""
    person = ascii_slug(person_name)
    parts = [person, what] if person and person != what else [what]
    if company and ascii_slug(company):
        parts.append(ascii_slug(company))
    return "-".join(parts) + suffix


def ascii_slug(text: str) -> str:
    """Letters and digits of `text` in ASCII, words joined by hyphens, case kept."""
    table = _transliterations()
    text = "".join(table.get(char, char) for char in unicodedata.normalize("NFC", text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[A-Za-z0-9]+", text))


@lru_cache(maxsize=1)
def _transliterations() -> dict[str, str]:
    """Letters that Unicode decomposition does not reduce to ASCII (ł, ß, ø, …)."""
    text = (resources.files("cvsite") / "data" / "transliteration.yaml").read_text("utf-8")
    return {str(k): str(v) for k, v in (yaml.safe_load(text) or {}).items()}
