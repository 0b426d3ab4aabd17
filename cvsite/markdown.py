"""Markdown for the free-text fields of a profile (summaries, contributions, highlights, notes).

A profile is data, not a template: whatever it contains must not be able to
inject markup into the page or make the page (or the PDF build) fetch
anything. So raw HTML is shown as text, images are off (they would be
external requests), headings are off (they would break the page's h1→h2→h3
outline), and links are kept only for http, https and mailto; any other link
is left as plain text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def is_safe_link(url: str) -> bool:
    """True for the link schemes a CV may contain: http, https and mailto."""
    return bool(_SAFE_LINK.match(url.strip()))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "heading", "lheading", "html_block", "html_inline"])
    md.validateLink = is_safe_link
    return md


@lru_cache(maxsize=8192)
def render_markdown(text: str | None) -> Markup:
    """Block markdown (paragraphs, lists, emphasis, links) as safe HTML.

    Cached: the same profile text is rendered again for every job's page.
    """
    if not text:
        return Markup("")
    return Markup(_parser().render(text).strip())


@lru_cache(maxsize=8192)
def render_inline(text: str | None) -> Markup:
    """One-line markdown (emphasis, code, links) without a wrapping paragraph."""
    if not text:
        return Markup("")
    return Markup(_parser().renderInline(" ".join(text.split())))


def plain_text(text: str | None) -> str:
    """Markdown reduced to its words, for meta descriptions and PDF metadata."""
    if not text:
        return ""
    tokens = _parser().parseInline(" ".join(text.split()))
    words: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
    return "".join(words).strip()
