import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from render_support import EXAMPLE, tailored, workspace

from cvsite.errors import CvsiteError
from cvsite.filenames import pdf_file_name
from cvsite.locale import load_locale
from cvsite.render_pdf import (
    Candidate,
    ThemeFetcher,
    cut_candidates,
    cut_order,
    data_key,
    page_counter_css,
    render_pdf,
)
from cvsite.themes import load_theme


@pytest.fixture(scope="module")
def ws():
    return workspace()


@pytest.fixture(scope="module")
def acme(ws):
    cv = tailored(ws, "acme")
    return cv, render_pdf(cv)


@pytest.fixture(scope="module")
def general(ws):
    cv = tailored(ws, None)
    return cv, render_pdf(cv)


def text_of(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def uris(data: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                found.add(action["/URI"])
    return found


def test_text_is_present_in_relevance_order(acme):
    cv, result = acme
    text = text_of(result.data)
    assert "Marta Kowalczyk-Łęcka" in text
    headings = [s.name for s in cv.sections]
    positions = [text.find(load_label(s)) for s in headings]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), headings
    titles = [r.item.role for r in cv.section("experience").items]
    assert [text.find(t) for t in titles] == sorted(text.find(t) for t in titles)


def load_label(section: str) -> str:
    return load_locale("en").section(section).upper()


def test_fits_max_pages_and_reports_what_was_cut(acme):
    cv, result = acme
    assert cv.max_pages == 1
    assert result.pages == 1 == len(PdfReader(io.BytesIO(result.data)).pages)
    text = text_of(result.data)
    for description in result.cut:
        if description.startswith(("bullet", "About", "project", "contribution")):
            quoted = re.search(r"'(.*?)…?'", description).group(1)
            assert quoted[:30] not in text, description
    for role in cv.section("experience").items:
        assert role.item.role in text  # a role may lose its bullets, never its entry


def test_cut_order_puts_parts_before_their_entry_and_roles_last(ws):
    cv = tailored(ws, "acme")
    candidates = cut_candidates(cv)
    order = cut_order(candidates, {})  # nothing measured: every candidate is too small to matter
    assert sorted(c.key for c in order) == sorted(c.key for c in candidates)
    where = {c.key: n for n, c in enumerate(order)}
    for c in order:
        if c.parent is not None:
            assert where[c.key] < where[c.parent], c
    protected = [c.protected for c in order]
    assert protected == sorted(protected)  # roles and degrees only after everything else
    roles = [c for c in order if c.key[:2] == ("item", "experience")]
    assert roles and all(c.protected for c in roles)
    assert [c.score for c in roles] == sorted(c.score for c in roles)


def test_cut_order_weighs_relevance_per_point_of_height():
    strong = Candidate(("highlight", "experience", 0, 0), "strong", 6.0, parent=("item", "experience", 0))
    weak = Candidate(("highlight", "experience", 0, 1), "weak", 2.0, parent=("item", "experience", 0))
    even = cut_order([strong, weak], {data_key(strong.key): 20.0, data_key(weak.key): 20.0})
    assert even == [weak, strong]  # the same height: the less relevant goes first
    tall = cut_order([strong, weak], {data_key(strong.key): 80.0, data_key(weak.key): 20.0})
    assert tall == [strong, weak]  # a tall bullet buys less relevance per point: it goes first


def test_metadata(acme):
    _, result = acme
    meta = PdfReader(io.BytesIO(result.data)).metadata
    assert meta.title == "Marta Kowalczyk-Łęcka – CV for Staff Engineer at Acme Payments"
    assert meta.author == "Marta Kowalczyk-Łęcka"
    assert meta.subject == "Staff Engineer at Acme Payments"
    assert set(meta["/Keywords"].split(", ")) == {"PostgreSQL", "Python"}
    assert "/CreationDate" not in meta and "/ModDate" not in meta
    root = PdfReader(io.BytesIO(result.data)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"  # tagged, for screen readers


def test_links_are_clickable(acme):
    _, result = acme
    found = uris(result.data)
    assert {"mailto:marta@example.com", "https://github.com/martak", "https://marta.example"} <= found
    assert not any(u.startswith("javascript") for u in found)


def test_link_addresses_are_printed_for_paper(general):
    _, result = general
    text = text_of(result.data)
    assert "https://github.com/martak/ledger" in uris(result.data)
    assert "code github.com/martak/ledger" in text  # the link text, then the address


def test_rendering_is_deterministic(ws, acme):
    _, result = acme
    assert render_pdf(tailored(ws, "acme")).data == result.data


def test_page_counter_only_on_later_pages(acme, general):
    """Never on page 1: above the name it would be read as the name, below the last
    line it runs into the next page's first line (tests/test_ats.py)."""
    _, one = acme
    assert "page 1 of" not in text_of(one.data)
    _, more = general
    assert more.pages == 2 and not more.cut
    first, second = (" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(more.data)).pages)
    assert not re.search(r"page \d+ of", first) and second.count("page 2 of 2") == 1


def test_a_cv_without_a_page_limit_that_fits_one_page_shows_no_counter():
    from cvsite.loader import load_workspace
    from cvsite.tailor import tailor

    cv = tailor(load_workspace(Path(__file__).parent / "fixtures" / "site"), "acme")
    assert cv.max_pages is None  # no limit: laid out with a counter, which shows from page 2 only
    result = render_pdf(cv)
    assert result.pages == 1 and "page 1 of" not in text_of(result.data)
    assert "Jonas Ødegård" in text_of(result.data)


def test_german_letter_paper_and_excluded_absent(ws):
    cv = tailored(ws, "berlin")
    result = render_pdf(cv)
    reader = PdfReader(io.BytesIO(result.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    text = text_of(result.data)
    assert "Apr. 2021 – heute" in text and "Berufserfahrung".upper() in text.upper()
    if result.pages > 1:
        assert f"Seite 2 von {result.pages}" in text and "Seite 1 von" not in text


def test_excluded_items_are_absent_from_pdf_and_metadata(acme):
    _, result = acme
    text = text_of(result.data)
    assert "Bird watch" not in text and "Raspberry" not in text
    assert "Bird" not in str(PdfReader(io.BytesIO(result.data)).metadata)


def test_fonts_are_embedded_and_non_ascii_text_extracts(general):
    _, result = general
    reader = PdfReader(io.BytesIO(result.data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Inter" in f for f in fonts)
    assert "Kraków" in text_of(result.data)


def test_missing_glyphs_become_a_warning(ws):
    cv = tailored(ws, "acme")
    cv.person.pitch = "Private use: \ue000"
    result = render_pdf(cv)
    assert any(w.startswith("font lacks glyphs for") and "U+E000" in w for w in result.warnings)


def test_fetcher_refuses_network_and_outside_files(ws, tmp_path):
    theme_dir = tmp_path / "theme"
    theme_dir.mkdir()
    environment = load_theme("modern").environment
    original = environment.loader.get_source(environment, "theme:cv.html")[0]
    leak = '<img src="https://tracker.example/p.png"><img src="file:///etc/hostname">'
    (theme_dir / "cv.html").write_text(original.replace("<main>", "<main>" + leak))
    (theme_dir / "print.css").write_text("h1 { color: red }")
    result = render_pdf(tailored(ws, "acme"), theme_dir)
    assert result.data.startswith(b"%PDF")
    refusals = [w for w in result.warnings if "refused" in w or "disallowed" in w]
    assert len(refusals) == 2, result.warnings
    fetcher = ThemeFetcher(load_theme("modern", theme_dir))
    assert fetcher.resolve((theme_dir / "print.css").as_uri()) == (theme_dir / "print.css").resolve()
    # An override's relative font path finds the theme's font file.
    font = fetcher.resolve((theme_dir / "fonts" / "inter-latin-400-normal.woff2").as_uri())
    assert font == load_theme("modern").path.resolve() / "fonts" / "inter-latin-400-normal.woff2"
    assert fetcher.resolve((theme_dir / ".." / "cv.html").as_uri()) is None


def test_unknown_theme_in_cv_is_a_clear_error(ws):
    cv = tailored(ws, "acme")
    cv.theme = "fancy"
    with pytest.raises(CvsiteError, match="unknown theme 'fancy'"):
        render_pdf(cv)


def test_pdf_file_names():
    assert pdf_file_name("Marta Kowalczyk", "Acme") == "Marta-Kowalczyk-CV-Acme.pdf"
    assert pdf_file_name("Marta Kowalczyk", None) == "Marta-Kowalczyk-CV.pdf"
    assert pdf_file_name("Łukasz Żółć", "Müller & Söhne GmbH") == "Lukasz-Zolc-CV-Muller-Sohne-GmbH.pdf"
    assert pdf_file_name("Nguyễn Thị Ánh", "Đà Nẵng Co.") == "Nguyen-Thi-Anh-CV-Da-Nang-Co.pdf"
    assert pdf_file_name("Işıl Straße", None) == "Isil-Strasse-CV.pdf"
    assert pdf_file_name("王小明", "株式会社") == "CV.pdf"


def test_page_counter_css_escapes_the_locale_text():
    assert page_counter_css("page {n} of {N}") == '"page " counter(page) " of " counter(pages)'
    assert "\\22 " in page_counter_css('"{n}"')


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig tools missing")
def test_example_profile_fits_every_job():
    example = workspace(EXAMPLE)
    for slug in example.jobs:
        cv = tailored(example, slug)
        result = render_pdf(cv)
        assert cv.max_pages is None or result.pages <= cv.max_pages
        assert not [w for w in result.warnings if "glyph" in w]
        assert example.profile.name in text_of(result.data)


def test_woff2_fonts_are_cached_on_disk_and_a_bad_cache_is_ignored(tmp_path, monkeypatch):
    from cvsite.render_pdf import _FONT_MAGIC, _decompressed_font
    from cvsite.themes import theme_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = sorted((theme_path("modern") / "fonts").glob("*.woff2"))[0].read_bytes()
    font = _decompressed_font(data)
    assert font[:4] in _FONT_MAGIC
    (cached,) = (tmp_path / "cvsite" / "fonts").glob("*.ttf")
    assert cached.read_bytes() == font
    cached.write_bytes(b"not a font")
    assert _decompressed_font(data) == font
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache cannot be a folder below a file")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _decompressed_font(data) == font
