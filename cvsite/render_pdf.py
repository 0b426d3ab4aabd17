"""The PDF CV: the theme's `cv.html` through WeasyPrint, fitted to `pdf.max_pages`.

Fitting drops the least relevant content first: highlights by ascending
score, then items from the bottom of their sections (lowest score first);
the header and summary always stay. Rather than re-rendering once per dropped
item, the first layout is measured to estimate how much must go, and a
bracketing search over "drop the first k candidates" finds the smallest k that
fits, typically in two or three layouts.

Output is reproducible: no creation or modification dates are written, and
fetching is limited to files inside the theme and the user's override folder.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from fontTools.ttLib import woff2
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cvsite.errors import CvsiteError
from cvsite.locale import load_locale
from cvsite.render_html import DropKey, render_template, template_context
from cvsite.tailored import TailoredCV
from cvsite.themes import Theme, load_theme

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
_GLYPH = re.compile(r'unsupported by fonts: "(.*)" \(U\+([0-9A-F]+)\)', re.DOTALL)


@dataclass
class PdfResult:
    """A rendered PDF with what had to be left out to fit, and what went wrong quietly."""

    data: bytes
    pages: int
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """Something the fitting may leave out, with how a report names it."""

    key: DropKey
    description: str


def render_pdf(cv: TailoredCV, user_theme_dir: Path | None = None) -> PdfResult:
    """Render the PDF CV of one tailored CV, no longer than `cv.max_pages`."""
    theme = load_theme(cv.theme, user_theme_dir)
    candidates = drop_candidates(cv)
    # The page counter sits in the page margin of pages 2 and later (cv.html), so
    # it never changes the layout and a CV that fits one page shows none.
    renderer = _Renderer(cv, theme, footer=cv.max_pages != 1)
    with _captured_warnings() as records:
        count = _fit(cv.max_pages, candidates, renderer)
        document = renderer.document(candidates, count)
        data = document.write_pdf(pdf_tags=True)
    dropped = [c.description for c in candidates[:count]]
    return PdfResult(data, len(document.pages), dropped, _warnings(records))


# Elements shorter than this (in points of page height) are not worth dropping to fit.
MIN_EXTENT = 4.0
# How many top items of each section fitting removes only after every other item.
SECTION_CORE = {"skills": 8, "languages": 3, "education": 1, "experience": 3}


def drop_candidates(cv: TailoredCV) -> list[Candidate]:
    """What fitting may leave out, least relevant first: highlights, then bottom items.

    Each item's best highlight (the first; they arrive ordered) stays until the
    item itself goes, so no role is left as a bare title while others keep detail.
    """
    highlights: list[tuple[float, int, Candidate]] = []
    items: list[tuple[float, int, Candidate]] = []
    order = 0
    for section in cv.sections:
        for position, ranked in enumerate(section.items):
            scores = [h.score for h in ranked.highlights]
            for index, highlight in enumerate(getattr(ranked.item, "highlights", [])[1:], start=1):
                score = scores[index] if index < len(scores) else 0.0
                text = _clip(highlight.text)
                key = ("highlight", section.name, position, index)
                highlights.append((score, -order, Candidate(key, f"highlight '{text}' of {ranked.title}")))
                order += 1
        items += _bottom_up(section.name, section.items, order)
        order += len(section.items)
    ranked_highlights = [c for _, _, c in sorted(highlights, key=lambda t: (t[0], t[1]))]
    return ranked_highlights + [c for *_, c in sorted(items, key=lambda t: t[:3])]


def _bottom_up(name: str, items: list[Any], order: int) -> list[tuple[bool, float, int, Candidate]]:
    """An item can go only after everything below it in its section has gone.

    Each item's drop priority is the lowest score from it to the section's end,
    so a section empties from the bottom even when scores are not monotonic.
    The top items of every section go last of all, so fitting trims each section
    before it removes one: a CV without skills or education reads as careless.
    The later a section stands, the sooner its items go on equal scores.
    """
    out = []
    floor = float("inf")
    for position in range(len(items) - 1, -1, -1):
        ranked = items[position]
        floor = min(floor, ranked.score)
        label = f"{name[:-1] if name.endswith('s') else name} '{ranked.title}'"
        keep = position < SECTION_CORE.get(name, 2)
        out.append((keep, floor, -(order + position), Candidate(("item", name, position), label)))
    return out


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Renderer:
    """Lays out the CV with the first k drop candidates left out; keeps each layout it made."""

    def __init__(self, cv: TailoredCV, theme: Theme, footer: bool) -> None:
        self.cv = cv
        self.theme = theme
        self.footer = footer
        self.fetcher = ThemeFetcher(theme)
        self.base_url = theme.path.resolve().as_uri() + "/"
        self.documents: dict[int, Any] = {}

    def html(self, drops: frozenset[DropKey]) -> str:
        context = template_context(self.cv, self.theme, asset=lambda name: name, drops=drops)
        context.update(paper_size=PAPER_SIZES.get(self.cv.paper, "A4"))
        if self.footer:
            context.update(page_counter=page_counter_css(load_locale(self.cv.language).raw("page_of")))
        return render_template(self.theme, "cv.html", context)

    def layout(self, drops: frozenset[DropKey]) -> Any:
        html = HTML(string=self.html(drops), base_url=self.base_url, url_fetcher=self.fetcher)
        return html.render(pdf_tags=True)

    def document(self, candidates: list[Candidate], k: int) -> Any:
        if k not in self.documents:
            self.documents[k] = self.layout(_keys(candidates, k))
        return self.documents[k]

    def pages(self, candidates: list[Candidate], k: int) -> int:
        return len(self.document(candidates, k).pages)


def _keys(candidates: list[Candidate], k: int) -> frozenset[DropKey]:
    return frozenset(c.key for c in candidates[:k])


def _fit(limit: int | None, candidates: list[Candidate], renderer: _Renderer) -> int:
    """How many of the first candidates to leave out so the CV fits in `limit` pages.

    Candidates that take almost no room (a skill chip, a language) are moved
    behind the others, in place: leaving them out would cost content and win no space.

    One layout of the full CV measures every droppable element; the estimate
    drops just enough of them to free the overflowing height. A second layout
    checks it; if breaks still push content over, the overflow of that layout
    is estimated again. Usually two layouts in all, never one per item. The
    estimate may leave out an item more than strictly needed, never too few.
    """
    if not limit or renderer.pages(candidates, 0) <= limit:
        return 0
    extents = _box_extents(renderer.document(candidates, 0))
    worth = [c for c in candidates if extents.get(_data_key(c.key), 0.0) >= MIN_EXTENT]
    candidates[:] = worth + [c for c in candidates if c not in worth]
    renderer.documents = {0: renderer.documents[0]}
    total, dropped = len(worth), 0
    while renderer.pages(candidates, dropped) > limit:
        if dropped == total:
            raise CvsiteError(f"the CV does not fit in {limit} page(s) even without every item")
        more = _estimate(renderer.document(candidates, dropped), candidates[dropped:], limit)
        dropped = min(total, dropped + max(1, more))
    return dropped


def _estimate(document: Any, candidates: list[Candidate], limit: int) -> int:
    """How many candidates to drop so the overflow's height is freed, from the first layout."""
    heights = _box_extents(document)
    overflow = sum(_used_height(page) for page in document.pages[limit:])
    freed, count = 0.0, 0
    for candidate in candidates:
        if freed >= overflow:
            break
        freed += heights.get(_data_key(candidate.key), 0.0)
        count += 1
    return count


def _data_key(key: DropKey) -> str:
    """The `data-key` a template puts on the element of a drop candidate."""
    if key[0] == "item":
        return f"{key[1]}-{key[2]}"
    return f"{key[1]}-{key[2]}-h{key[3]}"


def _box_extents(document: Any) -> dict[str, float]:
    """The page height each element carrying a data-key takes up, summed over pages
    where it is split.

    Measured as area over line width: a block spans the line, so this is its
    height; a skill chip shares its line with others, so dropping it frees only
    its share of that line, not a whole line's height.
    """
    extents: dict[str, float] = {}
    for page in document.pages:
        root = getattr(page, "_page_box", None)
        line_width = max(getattr(root, "width", 0.0) or 0.0, 1.0)
        seen: set[str] = set()
        for box in _walk(root):
            element = getattr(box, "element", None)
            key = element.get("data-key") if element is not None else None
            if key and key not in seen and hasattr(box, "margin_height"):
                seen.add(key)  # the outermost box; anonymous children share the element
                share = min(1.0, box.margin_width() / line_width)
                extents[key] = extents.get(key, 0.0) + box.margin_height() * share
    return extents


def _used_height(page: Any) -> float:
    """Vertical extent of a page's content, from the top of the page area to its last line.

    Split blocks stretch to the page bottom, so only lines and empty blocks count.
    """
    root = getattr(page, "_page_box", None)
    leaves = [b for b in _walk(root) if type(b).__name__ == "LineBox" or not getattr(b, "children", None)]
    if root is None or not leaves:
        return 0.0
    bottom = max(b.position_y + b.margin_height() for b in leaves)
    return max(0.0, bottom - root.content_box_y())


def _walk(box: Any) -> Iterator[Any]:
    """Block-level descendants of a page box that have real elements (not margin boxes)."""
    if box is None:
        return
    for child in getattr(box, "children", []):
        if type(child).__name__ == "MarginBox":
            continue
        yield child
        if not type(child).__name__.startswith(("Line", "Text", "Inline")):
            yield from _walk(child)


def page_counter_css(template: str) -> Markup:
    """`page {n} of {N}` from the locale as a CSS `content` value for an @page margin box."""
    pieces = re.split(r"(\{n\}|\{N\})", template)
    parts = []
    for piece in pieces:
        if piece == "{n}":
            parts.append("counter(page)")
        elif piece == "{N}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return Markup(" ".join(parts))


def _css_string(text: str) -> str:
    escaped = "".join(c if c.isalnum() or c in " .,-" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


class ThemeFetcher(URLFetcher):
    """Serve only files of the theme and the user's override folder; refuse everything else.

    A `file:` URL inside either folder is looked up by its relative name with
    overrides first, the same way the site publishes assets, so a user's
    print.css can refer to the theme's fonts by their usual relative path.
    """

    def __init__(self, theme: Theme) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.theme = theme
        self.roots = theme.roots()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self.resolve(url)
        if path is None:
            raise ValueError(f"refused to fetch {url}: only files of the theme are allowed")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        stat = path.stat()
        data = _file_bytes(path, stat.st_mtime_ns, stat.st_size)
        return URLFetcherResponse(url, data, {"Content-Type": kind})

    def resolve(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        wanted = Path(unquote(parts.path))
        for root in self.roots:
            if wanted.is_relative_to(root):
                return self.theme.asset(wanted.relative_to(root).as_posix())
        return None


@lru_cache(maxsize=128)
def _file_bytes(path: Path, mtime: int, size: int) -> bytes:
    """A theme file's bytes; WOFF2 fonts come back decompressed.

    WeasyPrint decompresses WOFF2 in pure Python on every layout (about 0.1 s
    per file); doing it once per process keeps fitting and re-renders cheap.
    The cache key includes mtime and size so an edited file is read again.
    """
    data = path.read_bytes()
    return _decompressed_font(data) if data[:4] == b"wOF2" else data


_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true")


def _decompressed_font(data: bytes) -> bytes:
    """Decompress a WOFF2 font, keeping the result in the user's cache folder.

    Decompressing a theme's fonts costs most of a second, on every build; the
    cache (keyed by the font's content hash) makes it a file read. Any problem
    with the cache just means decompressing again.
    """
    cached = _font_cache() / f"{hashlib.sha256(data).hexdigest()}.ttf"
    try:
        font = cached.read_bytes()
        if font[:4] in _FONT_MAGIC:
            return font
    except (OSError, ValueError):
        pass
    out = BytesIO()
    woff2.decompress(BytesIO(data), out)
    font = out.getvalue()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
        partial.write_bytes(font)
        partial.replace(cached)
    except (OSError, ValueError):
        pass
    return font


def _font_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cvsite" / "fonts"


@contextmanager
def _captured_warnings() -> Iterator[list[logging.LogRecord]]:
    """Collect the `weasyprint` logger's warnings instead of printing them."""
    records: list[logging.LogRecord] = []
    handler = _ListHandler(records)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _warnings(records: list[logging.LogRecord]) -> list[str]:
    """Missing glyphs grouped into one line; other warnings once each, in order."""
    glyphs: dict[str, None] = {}
    others: dict[str, None] = {}
    for record in records:
        message = record.getMessage()
        match = _GLYPH.search(message)
        if match:
            glyphs[f"'{match.group(1)}' (U+{match.group(2)})"] = None
        else:
            others[message] = None
    out = list(others)
    if glyphs:
        out.insert(0, "font lacks glyphs for " + ", ".join(glyphs) + "; install a font that has them "
                   "(e.g. Debian fonts-noto-core or fonts-noto-cjk)")
    return out

