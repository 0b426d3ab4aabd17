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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis and, for a link, its address."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph or one bullet of a list, as spans: what a Word or text file writes."""

    spans: tuple[Span, ...]
    bullet: bool = False


def inline_spans(text: str | None) -> tuple[Span, ...]:
    """One-line markdown as spans, with the same safety rules as the page (only safe links)."""
    if not text:
        return ()
    tokens = _parser().parseInline(" ".join(text.split()))
    return _spans(tokens[0].children or []) if tokens else ()


def markdown_blocks(text: str | None) -> list[Block]:
    """Block markdown as paragraphs and bullets, in reading order; nested lists are flattened."""
    if not text:
        return []
    blocks: list[Block] = []
    depth = 0
    for token in _parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "inline":
            blocks.append(Block(_spans(token.children or []), bullet=depth > 0))
        elif token.type in ("code_block", "fence"):
            blocks.append(Block((Span(token.content.rstrip("\n"), code=True),)))
    return blocks


def _spans(children: list[Any]) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            href = str(child.attrs.get("href", "")) or None
        elif kind == "link_close":
            href = None
        elif kind in ("text", "code_inline", "softbreak", "hardbreak"):
            content = child.content if kind in ("text", "code_inline") else " "
            spans.append(Span(content, bold > 0, italic > 0, kind == "code_inline", href))
    return tuple(spans)
