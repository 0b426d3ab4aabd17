"""Script and markup payloads in every field render as inert text, or are refused by name.

Each payload goes through every field of a real profile and job; the site is
built for real and every HTML file is parsed: one script element (JSON-LD,
still valid JSON), no event handlers, no link with a scheme other than http,
https or mailto, no active element. Then the PDF build must fetch nothing.
"""

from __future__ import annotations

import http.server
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hostile_support import active_content, html_files, job_data, jsonld, profile_data, write_workspace

from cvsite.build import build_site
from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.render_pdf import ThemeFetcher, render_pdf
from cvsite.tailor import tailor
from cvsite.themes import load_theme

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[ref][r]\n\n[r]: javascript:alert(1)",
    "![pic](http://127.0.0.1:9/tracker.png)",
    "![pic](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>@import url(http://127.0.0.1:9/x.css)</style>",
    "<div style=\"background:url('http://127.0.0.1:9/x')\">x</div>",
    "{{ 7*7 }} {% raw %}{{ cycler.__init__.__globals__ }}{% endraw %}",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
]
TRICKY_URLS = [
    'https://example.com/"><script>alert(1)</script>',
    "https://example.com/?q=<img/src=x/onerror=alert(1)>",
    "HTTPS://EXAMPLE.COM/'onmouseover='alert(1)",
    'mailto:a@example.com?subject="><svg/onload=alert(1)>',
]
DANGEROUS_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "https:javascript:alert(1)",
    "http://x y.example/",
]


def field_value(corpus: list[str], round_: int) -> object:
    """Field → payload, a different payload per field and round; over all rounds, every
    field gets every payload."""
    return lambda name: corpus[(round_ + zlib.crc32(name.encode())) % len(corpus)]


def build_round(root: Path, round_: int, pdf: bool = False) -> Path:
    text = field_value(PAYLOADS, round_)
    url = field_value(TRICKY_URLS, round_)
    profile = profile_data(text, url)
    jobs = {"acme": job_data(text, url), "beta": job_data(text, url, listed=False)}
    write_workspace(root, profile, jobs)
    build_site(root, root / "site", pdf=pdf)
    return root / "site"


def assert_inert(out: Path, name: str) -> int:
    pages = 0
    for path, soup in html_files(out):
        assert active_content(soup) == [], f"{path.relative_to(out)}: {active_content(soup)}"
        if path.name == "index.html":
            assert jsonld(soup)["name"] == name, path
            assert soup.find("h1").get_text() == name
        pages += 1
    return pages


@pytest.mark.parametrize("round_", range(len(PAYLOADS)))
def test_every_payload_in_every_field_renders_inert(tmp_path: Path, round_: int) -> None:
    out = build_round(tmp_path, round_)
    name = field_value(PAYLOADS, round_)("name")
    assert assert_inert(out, name) == 4  # general page, two jobs, 404


def test_payloads_show_as_the_text_that_was_written(tmp_path: Path) -> None:
    out = build_round(tmp_path, 0)
    text = field_value(PAYLOADS, 0)
    page = (out / "acme" / "index.html").read_text("utf-8")
    assert "49" not in page.replace("2049", "")  # no template evaluated a field
    for _path, soup in html_files(out / "acme"):
        shown = soup.get_text()
        for field in ("exp0.role", "proj0.title", "job.company", "skill0.name", "contrib0.title"):
            assert text(field) in shown, field


def test_json_ld_cannot_be_closed_by_a_field(tmp_path: Path) -> None:
    name = "</script><!--<script>alert(1)</script>"
    text = field_value(PAYLOADS, 3)
    profile = profile_data(lambda f: name if f in ("name", "skill0.name", "headline") else text(f),
                           field_value(TRICKY_URLS, 0))
    write_workspace(tmp_path, profile, {})
    build_site(tmp_path, tmp_path / "site", pdf=False)
    raw = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert raw.count("</script>") == 1 and "<!--<script>" not in raw
    data = jsonld(BeautifulSoup(raw, "html.parser"))
    assert data["name"] == name and data["jobTitle"] == name and name in data["knowsAbout"]


URL_FIELDS = {
    "contact.website": lambda p, j, v: p["contact"].update(website=v),
    "contact.mastodon": lambda p, j, v: p["contact"].update(mastodon=v),
    "experience[0].url": lambda p, j, v: p["experience"][0].update(url=v),
    "projects[0].links.demo": lambda p, j, v: p["projects"][0].update(links={"demo": v}),
    "contributions[0].url": lambda p, j, v: p["contributions"][0].update(url=v),
    "education[0].url": lambda p, j, v: p["education"][0].update(url=v),
    "base_url": lambda p, j, v: p.update(base_url=v),
    "url": lambda p, j, v: j.update(url=v),
}


@pytest.mark.parametrize("field", URL_FIELDS)
def test_dangerous_urls_are_refused_naming_the_field(tmp_path: Path, field: str) -> None:
    for number, value in enumerate(DANGEROUS_URLS):
        root = tmp_path / str(number)
        profile = profile_data(lambda f: f"plain {f}", lambda f: "https://example.com/")
        job = job_data(lambda f: f"plain {f}", lambda f: "https://example.com/")
        URL_FIELDS[field](profile, job, value)
        write_workspace(root, profile, {"acme": job})
        with pytest.raises(CvsiteError) as caught:
            load_workspace(root)
        (problem,) = caught.value.problems
        assert problem.path == field, (value, problem)
        assert "is not a web address" in problem.message
        assert problem.file.endswith("acme.yaml" if field == "url" else "profile.yaml")
        assert problem.line > 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose: the server makes one handler per request

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def listener() -> Iterator[str]:
    """A local HTTP server that records every request made to it."""
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pdf_build_with_payloads_fetches_nothing(tmp_path: Path, listener: str) -> None:
    corpus = [p.replace("http://127.0.0.1:9", listener) for p in PAYLOADS]
    text = field_value(corpus, 5)
    profile = profile_data(text, field_value(TRICKY_URLS, 1))
    write_workspace(tmp_path, profile, {"acme": job_data(text, field_value(TRICKY_URLS, 2))})
    build_site(tmp_path, tmp_path / "site", pdf=False)
    result = render_pdf(tailor(load_workspace(tmp_path), "acme"))  # what the build runs per PDF
    assert result.data.startswith(b"%PDF")
    assert _Recorder.hits == []
    assert not [w for w in result.warnings if "fetch" in w or "load" in w.lower()], result.warnings
    assert assert_inert(tmp_path / "site", text("name")) == 3


def test_theme_override_cannot_make_the_pdf_fetch(tmp_path: Path, listener: str) -> None:
    """Even a user's own template and stylesheet (trusted more than data) reach no network
    and no file outside the theme: the fetcher refuses, and the build reports it."""
    profile = profile_data(lambda f: f"plain {f}", lambda f: "https://example.com/")
    write_workspace(tmp_path, profile, {})
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "cv.html").write_text(
        '{% extends "theme:cv.html" %}{% block header %}{{ super() }}'
        f'<img src="{listener}/img.png"><img src="file:///etc/hostname">'
        '<link rel="stylesheet" href="extra.css">{% endblock %}', encoding="utf-8")
    (theme / "extra.css").write_text(
        f"body {{ background: url({listener}/bg.png) }} "
        "@import url(../profile.yaml); h1 { background: url(file:///etc/passwd) }", encoding="utf-8")
    result = build_site(tmp_path, tmp_path / "site", pdf=True)
    assert _Recorder.hits == []
    refused = [w for w in result.warnings if "refused to fetch" in w or "Failed to load" in w]
    assert len(refused) >= 3, result.warnings


def test_theme_fetcher_refuses_everything_but_theme_files(tmp_path: Path) -> None:
    fetcher = ThemeFetcher(load_theme("modern"))
    inside = fetcher.theme.path.resolve() / "print.css"
    assert fetcher.fetch(inside.as_uri()).url == inside.as_uri()
    for url in ("http://127.0.0.1:9/x.css", "https://example.com/x.css", "file:///etc/passwd",
                (inside.parent / ".." / ".." / "pyproject.toml").as_uri(), "data:text/css,body{}",
                "file://evil.example/x.css", "ftp://example.com/x"):
        with pytest.raises(ValueError, match="refused to fetch"):
            fetcher.fetch(url)
