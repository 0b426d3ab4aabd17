"""The PDF CV: the theme's `cv.html` through WeasyPrint, fitted to `pdf.max_pages`.

Fitting cuts as an editor would. Everything that may go is a candidate: the
later paragraphs of About, each bullet of a role, the details of an entry (a
role's context line, a project's contribution and outcome) and whole entries.
They go in order of relevance per point of page height (a long, weakly
relevant bullet before a short, strong one), an entry only after its parts.
A role's or a degree's entry goes only when nothing less protected is left,
so a role may lose every bullet and still be listed. The header and About's
first paragraph always stay.

Layout budget: one WeasyPrint layout when nothing is cut, two in the usual
case (the full CV, measured once for the height of every candidate, then the
estimated cut), a retry only when page breaks still push content over (each
retry frees twice the height of the one before), and at most one more to put
back what fits when the cut left over 10% of the last page empty. When a last
page holds only a small spill (under 15% of a page), a limited CV is cut to
one page fewer if that costs no protected entry.

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
from cvsite.model import SECTION, field_value
from cvsite.render_html import DropKey, render_template, summary_paragraphs, template_context
from cvsite.tailored import TailoredCV
from cvsite.themes import Theme, load_theme

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
_GLYPH = re.compile(r'unsupported by fonts: "(.*)" \(U\+([0-9A-F]+)\)', re.DOTALL)


@dataclass
class PdfResult:
    """A rendered PDF with what was cut to fit, and what went wrong quietly.

    `cut` describes every cut (a part inside an entry whose entry was cut too is
    not named again); `cut_entries` names the whole entries (roles, projects,
    contributions, degrees) among them, which `check` warns about.
    """

    data: bytes
    pages: int
    cut: list[str] = field(default_factory=list)
    cut_entries: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layouts: int = 1


@dataclass(frozen=True)
class Candidate:
    """Something the fitting may cut, with its relevance and how a report names it.

    `protected` candidates (a role's or a degree's entry, a section's core) go
    only after every other candidate; `parent` is the entry a part belongs to,
    which is never cut before its parts.
    """

    key: DropKey
    description: str
    score: float = 0.0
    protected: bool = False
    parent: DropKey | None = None

    @property
    def is_entry(self) -> bool:
        return self.key[0] == "item" and SECTION[self.key[1]].layout == "entries"


@dataclass
class FittedCV:
    """A laid-out CV within its page limit, not yet written: what `check` reads."""

    document: Any
    cut: list[Candidate]
    layouts: int

    @property
    def named(self) -> list[Candidate]:
        """What was cut, leaving out parts whose entry was cut too."""
        keys = {c.key for c in self.cut}
        return [c for c in self.cut if c.parent not in keys]

    @property
    def cut_entries(self) -> list[str]:
        return [c.description for c in self.named if c.is_entry]


def fit_cv(cv: TailoredCV, user_theme_dir: Path | None = None) -> FittedCV:
    """Lay out one tailored CV and cut it to `cv.max_pages`, without writing the PDF."""
    theme = load_theme(cv.theme, user_theme_dir)
    # The page counter sits in the page margin of pages 2 and later (cv.html), so
    # it never changes the layout and a CV that fits one page shows none.
    renderer = _Renderer(cv, theme, footer=cv.max_pages != 1)
    document, cut = fit(cv.max_pages, cut_candidates(cv), renderer)
    return FittedCV(document, cut, renderer.layouts)


def render_pdf(cv: TailoredCV, user_theme_dir: Path | None = None) -> PdfResult:
    """Render the PDF CV of one tailored CV, no longer than `cv.max_pages`."""
    with _captured_warnings() as records:
        fitted = fit_cv(cv, user_theme_dir)
        data = fitted.document.write_pdf(pdf_tags=True)
    return PdfResult(data, len(fitted.document.pages), [c.description for c in fitted.named],
                     fitted.cut_entries, _warnings(records), fitted.layouts)


# A part of an entry (a role's context line, a project's contribution and outcome)
# counts as this share of its entry's relevance.
DETAIL_SHARE = 0.5
# Elements shorter than this (in points of page height) are not worth cutting to fit.
MIN_EXTENT = 4.0
# Share of a page: a last page holding less than SPILL is cut away when that costs
# no protected entry; a cut that leaves more than FILL of the last page empty is
# refilled with the most relevant of what was cut.
SPILL = 0.15
FILL = 0.10
# Share of a page a page break may move when content before it changes: kept free per break.
BREAK_SHIFT = 0.06
# Heights measured add up to less than restoring them costs (margins, chip lines): refill
# counts each restored candidate this much taller.
REFILL_MARGIN = 1.2
# Points kept free when refilling, for the line-height rounding of page breaks.
SLACK = 12.0


def cut_candidates(cv: TailoredCV) -> list[Candidate]:
    """Everything fitting may cut, in CV order: About's later paragraphs, the bullets
    and details of entries, and the entries themselves."""
    out = [Candidate(("about", index), f"About paragraph {index + 1} '{_clip(text)}'")
           for index, text in enumerate(summary_paragraphs(cv.person.summary)) if index]
    for section in cv.sections:
        for position, ranked in enumerate(section.items):
            out += _entry_candidates(section.name, position, ranked)
    return out


def _entry_candidates(name: str, position: int, ranked: Any) -> list[Candidate]:
    """One entry's bullets and details (its parts), then the entry itself."""
    item_key = ("item", name, position)
    declared = SECTION[name]
    label = f"{declared.singular} '{ranked.title}'"
    parts = []
    scores = [h.score for h in ranked.highlights]
    for index, highlight in enumerate(field_value(ranked.item, "highlights") or []):
        score = scores[index] if index < len(scores) else 0.0
        parts.append(Candidate(("highlight", name, position, index),
                               f"bullet '{_clip(highlight.text)}' of {ranked.title}", score, parent=item_key))
    for part, what in declared.details:
        if field_value(ranked.item, part) or (part == "did" and _has_did(ranked.item)):
            parts.append(Candidate(("detail", name, position, part), f"{what} of {label}",
                                   ranked.score * DETAIL_SHARE, parent=item_key))
    protected = declared.keep == "all" or position < declared.keep
    return [*parts, Candidate(item_key, label, ranked.score, protected)]


def _has_did(item: Any) -> bool:
    return bool(getattr(item, "contribution", None) or getattr(item, "outcome", None))


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cut_order(candidates: list[Candidate], extents: dict[str, float]) -> list[Candidate]:
    """The order fitting cuts in: least relevance per point of page height first.

    An entry is measured without its parts (they go before it), so a project
    whose details were cut competes with what its title line still costs.
    Candidates too small to free a line, then protected ones (roles, degrees, a
    chip section's core) by relevance, come last.
    """
    own = _own_extents(candidates, extents)
    sequence = {c.key: n for n, c in enumerate(candidates)}

    def density(c: Candidate) -> tuple[float, int]:
        return c.score / max(own[c.key], 1.0), -sequence[c.key]  # ties: the later in the CV first

    free = [c for c in candidates if not c.protected]
    worth = sorted((c for c in free if own[c.key] >= MIN_EXTENT), key=density)
    small = sorted((c for c in free if own[c.key] < MIN_EXTENT), key=density)
    kept = sorted((c for c in candidates if c.protected), key=lambda c: (c.score, -sequence[c.key]))
    return _parts_first(worth + small + kept, candidates)


def _own_extents(candidates: list[Candidate], extents: dict[str, float]) -> dict[DropKey, float]:
    """Each candidate's height; an entry's without the parts that are candidates themselves."""
    own = {c.key: extents.get(data_key(c.key), 0.0) for c in candidates}
    for c in candidates:
        if c.parent is not None and c.parent in own:
            own[c.parent] -= own[c.key]
    return {key: max(0.0, height) for key, height in own.items()}


def _parts_first(order: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """`order`, with any part not yet cut moved just before its entry."""
    parts: dict[DropKey, list[Candidate]] = {}
    for c in candidates:
        if c.parent is not None:
            parts.setdefault(c.parent, []).append(c)
    out: list[Candidate] = []
    placed: set[DropKey] = set()
    for c in order:
        for part in parts.get(c.key, ()):
            if part.key not in placed:
                placed.add(part.key)
                out.append(part)
        if c.key not in placed:
            placed.add(c.key)
            out.append(c)
    return out


class Heights:
    """What cutting or restoring candidates frees or costs, from the full CV's layout.

    A candidate costs its own height (an entry's without its parts); the first
    entry of a section shown again, or the last one cut, also brings back or
    frees the section's heading.
    """

    def __init__(self, candidates: list[Candidate], extents: dict[str, float]) -> None:
        self.own = _own_extents(candidates, extents)
        self.sections: dict[str, int] = {}  # section -> how many entries it has
        entries: dict[str, float] = {}  # section -> the height of its entries
        for c in candidates:
            if c.key[0] == "item":
                self.sections[c.key[1]] = self.sections.get(c.key[1], 0) + 1
                entries[c.key[1]] = entries.get(c.key[1], 0.0) + extents.get(data_key(c.key), 0.0)
        # What a section takes beyond its entries: its heading and margins.
        self.headings = {name: max(0.0, extents.get(f"section-{name}", 0.0) - entries[name])
                         for name in self.sections}

    def freed(self, cut: list[Candidate]) -> list[float]:
        """What each candidate of `cut` frees, cut in that order."""
        left = dict(self.sections)
        out = []
        for c in cut:
            height = self.own[c.key]
            if c.key[0] == "item":
                left[c.key[1]] -= 1
                height += self.headings[c.key[1]] if not left[c.key[1]] else 0.0
            out.append(height)
        return out


class _Renderer:
    """Lays out the CV with a set of candidates cut; counts its layouts."""

    def __init__(self, cv: TailoredCV, theme: Theme, footer: bool) -> None:
        self.cv = cv
        self.theme = theme
        self.footer = footer
        self.fetcher = ThemeFetcher(theme)
        self.base_url = theme.path.resolve().as_uri() + "/"
        self.layouts = 0

    def html(self, drops: frozenset[DropKey]) -> str:
        context = template_context(self.cv, self.theme, asset=lambda name: name, drops=drops,
                                   for_print=True)
        context.update(paper_size=PAPER_SIZES.get(self.cv.paper, "A4"))
        if self.footer:
            context.update(page_counter=page_counter_css(load_locale(self.cv.language).raw("page_of")))
        return render_template(self.theme, "cv.html", context)

    def layout(self, cut: list[Candidate]) -> Any:
        self.layouts += 1
        html = HTML(string=self.html(frozenset(c.key for c in cut)), base_url=self.base_url,
                    url_fetcher=self.fetcher)
        return html.render(pdf_tags=True)


def fit(limit: int | None, candidates: list[Candidate], renderer: _Renderer) -> tuple[Any, list[Candidate]]:
    """The laid-out document no longer than `limit` pages, and what was cut for it.

    Within the layout budget of the module docstring: the full CV is laid out
    once and measured; a prefix of `cut_order` is cut (`_cut_to`), then refilled
    (`_refill`). With a limit, a last page holding less than SPILL of a page is
    cut away too (one page fewer), unless that would cost a protected entry.
    """
    full = renderer.layout([])
    pages = len(full.pages)
    if not limit:
        return full, []
    spill = pages <= limit
    if spill and (pages == 1 or _used_height(full.pages[-1]) >= SPILL * _page_height(full)):
        return full, []
    target = pages - 1 if spill else limit
    extents = _box_extents(full)
    order = cut_order(candidates, extents)
    heights = Heights(order, extents)
    fitted = _cut_to(target, order, heights.freed(order), full, renderer, give_up=spill)
    if fitted is None:
        return full, []
    document, cut = fitted
    return _refill(target, document, cut, heights, renderer)


def _cut_to(target: int, order: list[Candidate], freed: list[float], full: Any,
            renderer: _Renderer, give_up: bool) -> tuple[Any, list[Candidate]] | None:
    """Cut a prefix of `order` until the CV fits `target` pages; None if `give_up`
    and that would cost a protected entry."""
    document, count, attempt = full, 0, 0
    boundary = next((n for n, c in enumerate(order) if c.protected), len(order))
    while len(document.pages) > target:
        if count == len(order):
            raise CvsiteError(f"the CV does not fit in {target} page(s) even without every item")
        need = _overflow(document, target) * 2 ** attempt + SLACK
        wanted = _prefix_freeing(freed, count, need)
        if wanted > boundary and give_up:
            return None
        # Heights add up to less than a cut frees (margins, lines shared by chips), so before
        # cutting a role or a degree, see whether cutting everything else is enough.
        count = boundary if count < boundary < wanted else wanted
        document, attempt = renderer.layout(order[:count]), attempt + 1
    return document, order[:count]


def _prefix_freeing(freed: list[float], start: int, need: float) -> int:
    """The shortest prefix longer than `start` whose candidates after `start` free `need` points."""
    total, count = 0.0, start
    while count < len(freed) and (total < need or count == start):
        total += freed[count]
        count += 1
    return count


def _refill(target: int, document: Any, cut: list[Candidate], heights: Heights,
            renderer: _Renderer) -> tuple[Any, list[Candidate]]:
    """Put back the most relevant of what was cut while it fits the room the cut left.

    A cut is estimated from heights, and page breaks move whole lines, so it can
    free more than needed; an editor would fill the page again. One layout checks
    the refill; if it overflows after all, the first cut stands.
    """
    page = _page_height(document)
    room = page * (target - len(document.pages)) + page - _used_height(document.pages[-1]) - SLACK
    room -= BREAK_SHIFT * page * (len(document.pages) - 1)  # restored lines may move a break
    if not cut or room < FILL * page:
        return document, cut
    kept = list(cut)
    for candidate in reversed(cut):
        if candidate.parent in {c.key for c in kept}:
            continue  # a part shows only with its entry
        smaller = [c for c in kept if c is not candidate]
        cost = (sum(heights.freed(kept)) - sum(heights.freed(smaller))) * REFILL_MARGIN
        if cost <= room:
            room -= cost
            kept = smaller
        elif candidate.protected:
            break  # nothing less relevant comes back while a role or a degree stays out
    if len(kept) == len(cut):
        return document, cut
    refilled = renderer.layout(kept)
    return (refilled, kept) if len(refilled.pages) <= target else (document, cut)


def data_key(key: DropKey) -> str:
    """The `data-key` a template puts on the element of a cut candidate."""
    if key[0] == "about":
        return f"about-{key[1]}"
    if key[0] == "item":
        return f"{key[1]}-{key[2]}"
    if key[0] == "detail":
        return f"{key[1]}-{key[2]}-{key[3]}"
    return f"{key[1]}-{key[2]}-h{key[3]}"


def _box_extents(document: Any) -> dict[str, float]:
    """The page height each element carrying a data-key takes up, summed over the
    pages it is split across; and each whole section's, as `section-<name>`.

    A block spans its line, so its height is what cutting it frees. An inline
    chip shares a line with others: cutting it frees its share of that line
    (its area over the line's width).
    """
    extents: dict[str, float] = {}
    for page in document.pages:
        root = _page_root(page)
        line_width = max(getattr(root, "width", 0.0) or 0.0, 1.0)
        seen: set[str] = set()
        for box, inline in _keyed(root):
            element = box.element
            key = element.get("data-key")
            if element.tag == "section" and element.get("aria-labelledby"):
                key = f"section-{element.get('aria-labelledby')}"
            if key and key not in seen and hasattr(box, "margin_height"):
                seen.add(key)  # the outermost box; anonymous children share the element
                share = min(1.0, box.margin_width() / line_width) if inline else 1.0
                extents[key] = extents.get(key, 0.0) + box.margin_height() * share
    return extents


def _keyed(box: Any, inline: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every box below `box` that has an element, with whether it sits inside a line."""
    for child in getattr(box, "children", None) or ():
        name = type(child).__name__
        if name == "MarginBox" or name.startswith("Text"):
            continue
        in_line = inline or name == "LineBox"
        if getattr(child, "element", None) is not None and name != "LineBox":
            yield child, in_line
        yield from _keyed(child, in_line)


def _page_root(page: Any) -> Any:
    """A laid-out page's box tree. WeasyPrint has no public API for it; read directly
    (not with a default) so an upgrade that renames it fails here, and
    tests/test_private_hooks.py pins what fitting relies on."""
    return page._page_box


def _page_height(document: Any) -> float:
    """Height of the page area (inside the margins) of the first page."""
    return float(_page_root(document.pages[0]).height)


def _overflow(document: Any, target: int) -> float:
    return sum(_used_height(page) for page in document.pages[target:])


def _used_height(page: Any) -> float:
    """Vertical extent of a page's content, from the top of the page area to its last line.

    Split blocks stretch to the page bottom, so only lines and empty blocks count.
    """
    root = _page_root(page)
    leaves = [b for b in _walk(root) if type(b).__name__ == "LineBox" or not getattr(b, "children", None)]
    if not leaves:
        return 0.0
    bottom = max(b.position_y + b.margin_height() for b in leaves)
    return max(0.0, bottom - root.content_box_y())


def _walk(box: Any) -> Iterator[Any]:
    """Block-level descendants of a page box that have real elements (not margin boxes)."""
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

