"""Layout of the built landing pages in a real headless Chromium, for every built-in theme.

Parsing HTML cannot tell whether the name and the download link land in the first
screen on a phone, whether a long word pushes the page sideways, or whether a font
is fetched from a CDN at run time: only a browser laying out the real site can.
Playwright drives Debian's Chromium (`/usr/bin/chromium`, installed by .ci/run);
without Chromium or Playwright the tests skip locally and fail under CI.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cvsite.build import build_site
from cvsite.loader import load_workspace
from cvsite.tailor import tailor
from cvsite.themes import available_themes
from cvsite.tokens import job_folders

try:
    from playwright import sync_api
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed: pip install -e '.[test]'", allow_module_level=True)

EXAMPLE = Path(__file__).resolve().parent.parent / "example_profile"
THEMES = tuple(available_themes())
JOB = "ml-engineer"
# An unlisted job: its folder carries the token committed in example_profile/.cvsite/tokens.yaml.
PAGES = ("index.html", f"{job_folders(load_workspace(EXAMPLE))[JOB]}index.html")
# A phone (iPhone SE-like first screen) and a laptop.
VIEWPORTS = {375: 667, 1280: 800}
NARROWEST = 320
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium() -> str:
    """Debian's Chromium (or $CVSITE_CHROMIUM); Playwright cannot download its own here."""
    path = os.environ.get("CVSITE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
    pytest.skip("no chromium on PATH")


def _themed_copy(root: Path, theme: str) -> Path:
    """example_profile with `theme:` set in the profile and removed from every job."""
    workspace = root / theme
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns("site"))
    profile = workspace / "profile.yaml"
    text, count = re.subn(r"(?m)^theme:.*$", f"theme: {theme}", profile.read_text(encoding="utf-8"))
    assert count == 1, "example_profile/profile.yaml should set theme: once"
    profile.write_text(text, encoding="utf-8")
    for job in (workspace / "jobs").glob("*.yaml"):
        job.write_text(re.sub(r"(?m)^theme:.*\n", "", job.read_text(encoding="utf-8")), encoding="utf-8")
    return workspace


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep pytest's output clean; requests are checked in the browser instead."""


@dataclass
class Site:
    """A built site served on 127.0.0.1, one per theme."""

    out: Path
    origin: str


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """Build each theme once (with PDFs, so the pages link them) and serve it over HTTP."""
    root = tmp_path_factory.mktemp("layout")
    servers: list[ThreadingHTTPServer] = []
    built: dict[str, Site] = {}
    for theme in THEMES:
        out = root / f"{theme}-site"
        build_site(_themed_copy(root, theme), out, jobs=[JOB])
        handler = functools.partial(_QuietHandler, directory=str(out))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        built[theme] = Site(out, f"http://127.0.0.1:{server.server_address[1]}")
    yield built
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass
class Loaded:
    """A page after load, with every URL the browser asked for."""

    page: object
    requests: list[str] = field(default_factory=list)


class Browser:
    """One Chromium for the module; each site gets a context that aborts any request
    to another origin (recorded, never sent). Loaded pages are shared between tests,
    which set the viewport and colour scheme they need first."""

    def __init__(self, chromium: object, sites: dict[str, Site]) -> None:
        self.chromium = chromium
        self.sites = sites
        self.contexts = {theme: self._context(chromium, site) for theme, site in sites.items()}
        self.cache: dict[tuple[str, str], Loaded] = {}

    @staticmethod
    def _context(chromium: object, site: Site) -> object:
        context = chromium.new_context()
        local = re.compile("^" + re.escape(site.origin + "/"))
        context.route(lambda url: not local.match(url), lambda route: route.abort())
        return context

    def load(self, theme: str, path: str) -> Loaded:
        """A fresh page with `path` loaded and its web fonts ready."""
        page = self.contexts[theme].new_page()
        loaded = Loaded(page)
        page.on("request", lambda request: loaded.requests.append(request.url))
        page.goto(f"{self.sites[theme].origin}/{path}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        return loaded

    @contextlib.contextmanager
    def fresh(self, theme: str, path: str) -> Iterator[object]:
        """A page of its own, for tests that change its state (focus)."""
        page = self.load(theme, path).page
        try:
            yield page
        finally:
            page.close()

    def shared(self, theme: str, path: str, width: int, height: int = 800, scheme: str = "light") -> Loaded:
        """The cached page for (theme, path), resized, re-themed and scrolled to the top."""
        if (theme, path) not in self.cache:
            self.cache[theme, path] = self.load(theme, path)
        loaded = self.cache[theme, path]
        loaded.page.set_viewport_size({"width": width, "height": height})
        loaded.page.emulate_media(color_scheme=scheme)
        loaded.page.evaluate("window.scrollTo(0, 0)")
        return loaded


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return _chromium()


@pytest.fixture(scope="module")
def browser(chromium_path: str, sites: dict[str, Site]) -> Iterator[Browser]:
    """Chromium is looked for first, so a machine without it skips before building."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield Browser(chromium, sites)
        chromium.close()


BOX = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {top: r.top, bottom: r.bottom, width: r.width, height: r.height,
          hidden: style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0',
          text: el.textContent.trim()};
}"""


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [NARROWEST, *VIEWPORTS])
@pytest.mark.parametrize("theme", THEMES)
def test_no_horizontal_overflow(browser: Browser, theme: str, width: int, path: str) -> None:
    page = browser.shared(theme, path, width).page
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == width
    assert scroll_width <= inner_width, f"{theme} {path} scrolls sideways at {width} px: {scroll_width} px"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("theme", THEMES)
def test_name_and_pdf_link_are_in_the_first_screen(browser: Browser, theme: str, width: int,
                                                   path: str) -> None:
    height = VIEWPORTS[width]
    page = browser.shared(theme, path, width, height).page
    name, pdf = page.evaluate(BOX, "h1"), page.evaluate(BOX, 'a[href$=".pdf"]')
    assert name and name["text"] == "Marta Wiśniewska"
    assert pdf is not None, f"{theme} {path} has no PDF link"
    pdf_file = browser.sites[theme].out / Path(path).parent / page.get_attribute('a[href$=".pdf"]', "href")
    assert pdf_file.is_file(), f"the PDF link points at a missing file: {pdf_file}"
    for label, box in (("name", name), ("PDF link", pdf)):
        assert not box["hidden"], f"{theme} {path}: the {label} is hidden"
        assert box["width"] > 0 and box["height"] > 0, f"{theme} {path}: the {label} has no size"
        assert box["top"] >= 0 and box["bottom"] <= height, (
            f"{theme} {path} at {width}x{height}: the {label} ends at {box['bottom']:.0f} px, "
            "below the first screen")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("theme", THEMES)
def test_no_request_leaves_the_site(browser: Browser, theme: str, path: str) -> None:
    requests = browser.shared(theme, path, 1280).requests
    origin = browser.sites[theme].origin + "/"
    assert any(url.endswith(".woff2") for url in requests), f"the theme's fonts were not loaded: {requests}"
    outside = [url for url in requests if not url.startswith(origin)]
    assert outside == [], f"{theme} {path} asked another host for {outside}"


BACKGROUND = """() => {
  for (const el of [document.body, document.documentElement]) {
    const colour = getComputedStyle(el).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
  }
  return null;
}"""


@pytest.mark.parametrize("theme", THEMES)
def test_dark_mode_changes_the_background(browser: Browser, theme: str) -> None:
    light = browser.shared(theme, "index.html", 1280, scheme="light").page.evaluate(BACKGROUND)
    dark = browser.shared(theme, "index.html", 1280, scheme="dark").page.evaluate(BACKGROUND)
    assert light is not None and dark is not None
    assert light != dark, f"{theme}: the background stays {light} in dark mode"


FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: el.textContent.trim(), outline: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth), shadow: style.boxShadow};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("theme", THEMES)
def test_keyboard_focus_is_visible(browser: Browser, theme: str, scheme: str) -> None:
    focused = []
    with browser.fresh(theme, "index.html") as page:
        page.emulate_media(color_scheme=scheme)
        for _ in range(6):
            page.keyboard.press("Tab")
            focused.append(page.evaluate(FOCUS))
    seen = [focus["text"] for focus in focused if focus["tag"] == "A"]
    for focus in focused:
        ring = (focus["outline"] != "none" and focus["outlineWidth"] > 0) or focus["shadow"] != "none"
        assert ring, f"{theme} ({scheme}): focused {focus['tag']} '{focus['text']}' has no outline or shadow"
    assert len(seen) >= 3, f"{theme}: Tab reached too few links: {seen}"


@pytest.mark.parametrize("theme", THEMES)
def test_skip_link_appears_on_focus(browser: Browser, theme: str) -> None:
    with browser.fresh(theme, "index.html") as page:
        page.set_viewport_size({"width": 375, "height": 667})
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        box = page.evaluate(BOX, ".skip-link")
    assert box["top"] >= 0 and box["bottom"] <= 667 and box["width"] > 0, f"{theme}: skip link is off-screen"


CONTRASTS = """() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const [r, g, b, a] = parse(getComputedStyle(node).backgroundColor);
      if (a === undefined || a > 0.5) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const luminance = ([r, g, b]) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const results = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!text.textContent.trim() || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('.skip-link, [aria-hidden="true"]')) continue;
    const [l1, l2] = [luminance(parse(style.color).slice(0, 3)), luminance(background(el))];
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    results.push({text: text.textContent.trim().slice(0, 40), ratio, need: large ? 3 : 4.5});
  }
  return results;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("theme", THEMES)
def test_text_meets_wcag_aa_contrast(browser: Browser, theme: str, path: str, scheme: str) -> None:
    """Every visible text run against the background behind it: 4.5:1, or 3:1 for large text."""
    checked = browser.shared(theme, path, 1280, scheme=scheme).page.evaluate(CONTRASTS)
    failing = [f"{c['text']!r} {c['ratio']:.2f} < {c['need']}" for c in checked if c["ratio"] < c["need"]]
    assert len(checked) > 50
    assert not failing, f"{theme} {path} ({scheme}): " + "; ".join(failing[:8])


# -- the first screen: the job's strongest evidence, skills once ------------------------------

FIRST_SCREENS = {1280: 800, 375: 800}
EVIDENCE = """() => [...document.querySelectorAll('.evidence-list > li')].map(li => {
  const r = li.getBoundingClientRect();
  const link = li.querySelector('a.evidence-where');
  const target = link && document.getElementById(link.getAttribute('href').slice(1));
  return {top: r.top, bottom: r.bottom, text: li.querySelector('.evidence-text').textContent.trim(),
          target: target ? target.textContent.trim() : null};
})"""


@functools.cache
def _job_cv() -> object:
    return tailor(load_workspace(EXAMPLE), JOB)


def _bullets_by_score() -> list[str]:
    cv = _job_cv()
    bullets = [(h.score, h.text) for r in cv.section("experience").items for h in r.highlights]
    return [text for _, text in sorted(bullets, key=lambda pair: -pair[0])]


@pytest.mark.parametrize("width", FIRST_SCREENS)
@pytest.mark.parametrize("theme", THEMES)
def test_first_screen_shows_the_jobs_strongest_evidence(browser: Browser, theme: str, width: int) -> None:
    height = FIRST_SCREENS[width]
    page = browser.shared(theme, PAGES[1], width, height).page
    items = page.evaluate(EVIDENCE)
    assert len(items) == 3, f"{theme}: {items}"
    in_view = [item for item in items if item["top"] >= 0 and item["bottom"] <= height]
    assert len(in_view) >= (3 if width >= 1024 else 1), (
        f"{theme} at {width}x{height}: only {len(in_view)} of the top achievements in the first screen")
    best = _bullets_by_score()
    assert items[0]["text"] == plain(best[0])
    assert {item["text"] for item in items} <= {plain(text) for text in best[:5]}
    for item in items:
        assert item["target"] == item["text"], "each achievement links to its place on the page"


def plain(markdown: str) -> str:
    return re.sub(r"\*\*|__|`", "", markdown)


SKILL_NAMES = """() => [...document.querySelectorAll('.section-skills [data-key]')].map(e => {
  const copy = e.cloneNode(true);
  copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
  return copy.textContent.trim();
})"""
OUTSIDE = """() => document.querySelectorAll(
  '.chip:not(.section-skills .chip), .is-match:not(.section-skills .is-match)').length"""


@pytest.mark.parametrize("theme", THEMES)
def test_skills_show_once_in_relevance_order(browser: Browser, theme: str) -> None:
    page = browser.shared(theme, PAGES[1], 1280).page
    assert page.evaluate(OUTSIDE) == 0, "skills shown outside the Skills section"
    shown = page.evaluate(SKILL_NAMES)
    ranked = _job_cv().section("skills").items
    groups: dict[object, list[str]] = {}
    for item in ranked:  # the section's relevance order, grouped as the page groups them
        groups.setdefault(item.item.group, []).append(item.item.label())
    assert shown == [name for names in groups.values() for name in names]
    assert len(shown) == len(set(shown))


# -- project cards: no card alone on a row, comfortable lines -----------------------------------

CARD_COUNTS = range(1, 13)


@pytest.fixture(scope="module")
def cards_site(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Site]:
    """A profile with 12 projects and one job per count, each showing that many cards."""
    root = tmp_path_factory.mktemp("cards")
    workspace = root / "cv"
    (workspace / "jobs").mkdir(parents=True)
    projects = "".join(
        f"  - title: Project number {n}\n    tags: [python]\n"
        f"    summary: A tool that turns a week of manual reconciliation into a ten-minute job for "
        f"the finance team, with tests and docs.\n" for n in CARD_COUNTS)
    (workspace / "profile.yaml").write_text(
        "name: Card Tester\nheadline: Engineer\ntheme: modern\nprojects:\n" + projects, encoding="utf-8")
    for n in CARD_COUNTS:
        job = f"company: C{n}\nrole: Engineer\ntags: {{python: 1}}\nlimit: {{projects: {n}}}\nlisted: true\n"
        (workspace / "jobs" / f"n{n}.yaml").write_text(job, encoding="utf-8")
    out = root / "site"
    build_site(workspace, out, pdf=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(out, f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()


CARDS = """() => {
  const grid = document.querySelector('.entries-projects').getBoundingClientRect();
  return [...document.querySelectorAll('.entries-projects > .card')].map(card => {
    const r = card.getBoundingClientRect();
    const text = card.querySelector('.summary p');
    const font = parseFloat(getComputedStyle(text).fontSize);
    return {top: Math.round(r.top), span: r.width / grid.width,
            measure: text.getBoundingClientRect().width / font};
  });
}"""


@pytest.mark.parametrize("width", [1280, 800, 375])
def test_no_project_card_sits_alone_beside_an_empty_space(browser: Browser, cards_site: Site,
                                                          width: int) -> None:
    """For 1 to 12 cards: every row is full (a card alone spans it), the last row holds two
    cards unless there is one row of one, and card text runs 16 to 42 em a line."""
    context = Browser._context(browser.chromium, cards_site)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    try:
        for n in CARD_COUNTS:
            page.goto(f"{cards_site.origin}/n{n}/index.html", wait_until="load")
            cards = page.evaluate(CARDS)
            assert len(cards) == n
            rows: dict[int, list[float]] = {}
            for card in cards:
                rows.setdefault(card["top"], []).append(card["span"])
            spans = [rows[top] for top in sorted(rows)]
            for row in spans:
                assert sum(row) >= 0.95, f"{n} cards at {width} px: a row only {sum(row):.0%} full"
            if max(map(len, spans)) > 1:
                assert len(spans[-1]) >= 2, f"{n} cards at {width} px: the last card alone on its row"
            for card in cards:
                assert 16 <= card["measure"] <= 42, f"{n} cards at {width} px: {card['measure']:.1f} em lines"
    finally:
        context.close()
