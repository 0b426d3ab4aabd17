"""`cvsite build` end to end: the output tree, links under a project path, atomicity,
incremental rebuilds, `--job`, `--strict` and the command line.

Real builds of real profiles (tests/fixtures/site and example_profile, copied to a
temporary folder), real PDFs, real HTML parsed with BeautifulSoup and fetched from
a real HTTP server on 127.0.0.1. PDFs cost about a second each, so one full build
is shared (`built`) and tests that rebuild start from a copy of it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import docx
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from pypdf import PdfReader

from cvsite.build import BuildResult, build_site
from cvsite.cli import cli
from cvsite.errors import CvsiteError
from cvsite.loader import load_workspace
from cvsite.output import manifest_file
from cvsite.tokens import job_folders, read_tokens

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site"
EXAMPLE = REPO / "example_profile"
BASE = "https://user.github.io/repo/"
# slug ("" for the general page) -> its PDF
PDFS = {
    "": "Jonas-Odegard-CV.pdf",
    "acme": "Jonas-Odegard-CV-Acme-Streams.pdf",
    "globex": "Jonas-Odegard-CV-Globex.pdf",
    "initech": "Jonas-Odegard-CV-Initech.pdf",
}


# -- helpers -------------------------------------------------------------------------


def copy_profile(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site"))
    return target


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root, dotfiles included: relative name -> sha256."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.cvsite-staging-*"))


def folder(directory: Path, slug: str) -> str:
    """A page's folder in the site: "" for the general page, `<slug>/` if listed, else with its token."""
    return job_folders(load_workspace(directory))[slug] if slug else ""


def pdf_of(built: Built, slug: str) -> Path:
    return built.out / folder(built.directory, slug) / PDFS[slug]


def pdf_stats(built: Built) -> dict[str, tuple[int, int]]:
    return {slug: (pdf_of(built, slug).stat().st_ino, pdf_of(built, slug).stat().st_mtime_ns)
            for slug in PDFS}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@dataclass
class Built:
    directory: Path
    out: Path
    result: BuildResult
    progress: list[tuple[int, int]] = field(default_factory=list)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture profile built once with PDFs into www/repo (a GitHub project path)."""
    root = tmp_path_factory.mktemp("built")
    directory = copy_profile(FIXTURE, root / "cv")
    calls: list[tuple[int, int]] = []
    result = build_site(directory, root / "www" / "repo", base_url=BASE,
                        progress=lambda done, total: calls.append((done, total)))
    return Built(directory, root / "www" / "repo", result, calls)


@pytest.fixture
def copied(built: Built, tmp_path: Path) -> Built:
    """A private copy of the built profile and site, to rebuild incrementally."""
    directory = copy_profile(built.directory, tmp_path / "cv")
    out = tmp_path / "www" / "repo"
    shutil.copytree(built.out, out)
    shutil.copy2(manifest_file(built.out), manifest_file(out))  # same times: the copies stay reusable
    return Built(directory, out, built.result)


# -- the output tree -----------------------------------------------------------------


def test_output_tree_is_exactly_the_documented_one(built: Built) -> None:
    files = set(snapshot(built.out))
    outside_assets = {f for f in files if not f.startswith("assets/")}
    tokens = read_tokens(built.directory)
    assert set(tokens) == {"globex", "initech"}, "a token for each unlisted job, none for acme"
    globex, initech = f"globex-{tokens['globex']}", f"initech-{tokens['initech']}"
    assert outside_assets == {
        "index.html", "Jonas-Odegard-CV.pdf", "Jonas-Odegard-CV.docx", "Jonas-Odegard-CV.txt",
        "acme/index.html", "acme/Jonas-Odegard-CV-Acme-Streams.pdf",
        "acme/Jonas-Odegard-CV-Acme-Streams.docx", "acme/Jonas-Odegard-CV-Acme-Streams.txt",
        "acme/Jonas-Odegard-Cover-Letter-Acme-Streams.pdf",
        f"{globex}/index.html", f"{globex}/Jonas-Odegard-CV-Globex.pdf",
        f"{globex}/Jonas-Odegard-CV-Globex.docx", f"{globex}/Jonas-Odegard-CV-Globex.txt",
        f"{initech}/index.html", f"{initech}/Jonas-Odegard-CV-Initech.pdf",
        f"{initech}/Jonas-Odegard-CV-Initech.docx",
        ".nojekyll", "404.html", "robots.txt", "sitemap.xml", "CNAME",
    }, "initech turns its text file off in `outputs:`; only acme has a letter"
    assert manifest_file(built.out).is_file(), "the build's state lives beside the site, never in it"
    themes = {f.split("/")[1] for f in files if f.startswith("assets/")}
    assert themes == {"modern", "classic"}, "the general theme and the one initech uses"
    for theme in themes:
        assert f"assets/{theme}/style.css" in files
        assert any(f.startswith(f"assets/{theme}/fonts/") and f.endswith(".woff2") for f in files)
    assert (built.out / "CNAME").read_text("utf-8") == "cv.jonas.example\n"
    assert (built.out / ".nojekyll").read_bytes() == b""
    assert (built.result.pages, built.result.pdfs_rendered, built.result.pdfs_reused) == (4, 4, 0)
    assert built.result.rendered == {"pdf": 4, "docx": 4, "txt": 3, "letter_pdf": 1}
    assert built.progress[-1] == (4, 4) and len(built.progress) == 4


def test_each_pdf_is_the_tailored_cv_of_its_page(built: Built) -> None:
    titles = {slug: PdfReader(pdf_of(built, slug)).metadata.title for slug in PDFS}
    assert titles[""] == "Jonas Ødegård – Data engineer – streaming pipelines and warehouses"
    assert "Acme Streams" in titles["acme"] and "Globex" in titles["globex"]
    assert "Initech" in titles["initech"]
    for slug, name in PDFS.items():
        page = soup(pdf_of(built, slug).parent / "index.html")
        assert page.find("a", href=name) is not None, f"{slug or 'the general'} page links its own PDF"
        assert "Jonas Ødegård" in PdfReader(pdf_of(built, slug)).pages[0].extract_text()


def test_only_listed_jobs_are_linked_from_the_index_and_in_the_sitemap(built: Built) -> None:
    hrefs = [a["href"] for a in soup(built.out / "index.html").find_all("a", href=True)]
    assert "acme/index.html" in hrefs
    assert not [h for h in hrefs if "globex" in h or "initech" in h], "unlisted jobs stay unlinked"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(built.out / "sitemap.xml").getroot().findall("s:url/s:loc", namespace)]
    assert locs == [BASE, BASE + "acme/"]
    assert (built.out / "robots.txt").read_text("utf-8").splitlines()[-1] == f"Sitemap: {BASE}sitemap.xml"


def test_job_pages_are_noindex_and_carry_canonical_urls(built: Built) -> None:
    def robots(slug: str) -> str:
        page = built.out / folder(built.directory, slug) / "index.html"
        return soup(page).find("meta", attrs={"name": "robots"})["content"]

    assert robots("") == robots("acme") == "index, follow"  # acme is listed, as in the sitemap
    assert robots("globex") == robots("initech") == "noindex"
    for slug in ("", "acme", "globex"):
        page = soup(built.out / folder(built.directory, slug) / "index.html")
        url = BASE + folder(built.directory, slug)
        assert page.find("link", rel="canonical")["href"] == url
        assert page.find("meta", property="og:url")["content"] == url


def published_text(path: Path) -> str:
    """What a published file says: a PDF's text and metadata, any other file's bytes as text."""
    if path.suffix == ".pdf":
        reader = PdfReader(path)
        metadata = map(str, reader.metadata.values())
        return " ".join([*(page.extract_text() for page in reader.pages), *metadata])
    return path.read_bytes().decode("utf-8", "replace")


def test_no_file_outside_an_unlisted_jobs_folder_names_it(built: Built) -> None:
    """Index, sitemap, robots.txt, 404, CNAME, assets and the other jobs' pages and PDFs:
    none of them names an unlisted job, its company or its secret folder."""
    workspace = load_workspace(built.directory)
    folders = job_folders(workspace)
    unlisted = {slug: job for slug, job in workspace.jobs.items() if not job.listed}
    assert set(unlisted) == {"globex", "initech"}
    files = [p for p in built.out.rglob("*") if p.is_file()]
    for slug, job in unlisted.items():
        secrets = {slug, job.company, folders[slug].rstrip("/"), read_tokens(built.directory)[slug]}
        own = built.out / folders[slug]
        outside = [p for p in files if not p.is_relative_to(own)]
        assert len(outside) > 10 and any(p.suffix == ".pdf" for p in outside)
        for path in outside:
            text = published_text(path).lower()
            named = [s for s in secrets if s.lower() in text]
            assert not named, f"{path.relative_to(built.out)} names {named}"
    for slug, job in workspace.jobs.items():  # the check itself can fail: a job's own page names it
        assert job.company in published_text(built.out / folders[slug] / "index.html")


def test_unlisted_folders_are_random_and_stable(built: Built, tmp_path: Path) -> None:
    tokens = read_tokens(built.directory)
    assert all(len(token) == 16 and int(token, 16) >= 0 for token in tokens.values()), "64 bits, hex"
    assert len(set(tokens.values())) == len(tokens)
    elsewhere = copy_profile(built.directory, tmp_path / "clone")  # another machine, the same committed file
    build_site(elsewhere, tmp_path / "site", pdf=False)
    assert read_tokens(elsewhere) == tokens
    assert {p.name for p in (tmp_path / "site").iterdir() if p.is_dir()} == \
           {"assets", "acme", *(f"{slug}-{token}" for slug, token in tokens.items())}
    fresh = copy_profile(FIXTURE, tmp_path / "fresh")  # a profile without the file gets new tokens
    build_site(fresh, tmp_path / "fresh-site", pdf=False)
    assert set(read_tokens(fresh)) == set(tokens)
    assert not set(read_tokens(fresh).values()) & set(tokens.values())


def test_rotate_gives_a_new_address_and_the_old_one_disappears(copied: Built) -> None:
    old = folder(copied.directory, "globex")
    run = CliRunner().invoke(cli, ["rotate", "globex", str(copied.directory)])
    assert run.exit_code == 0, run.output
    new = folder(copied.directory, "globex")
    assert new != old and new.startswith("globex-") and run.stdout.strip() == f"new address: {new}"
    assert f"old address: {old}" in run.stderr
    assert folder(copied.directory, "initech") in {p.name + "/" for p in copied.out.iterdir()}, "others kept"
    build_site(copied.directory, copied.out, pdf=False, base_url=BASE)
    assert (copied.out / new / "index.html").is_file() and not (copied.out / old).exists()
    listed = CliRunner().invoke(cli, ["rotate", "acme", str(copied.directory)])
    assert listed.exit_code == 2 and "is listed" in listed.stderr and "Traceback" not in listed.output
    unknown = CliRunner().invoke(cli, ["rotate", "globx", str(copied.directory)])
    assert unknown.exit_code == 2 and "did you mean 'globex'" in unknown.stderr


def test_a_damaged_tokens_file_is_reported_by_line(copied: Built) -> None:
    tokens = copied.directory / ".cvsite" / "tokens.yaml"
    lines = tokens.read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("initech:"))
    lines[line - 1] = "initech: guessable"
    tokens.write_text("\n".join(lines) + "\n", "utf-8")
    before = snapshot(copied.out)
    run = CliRunner().invoke(cli, ["build", str(copied.directory), "-o", str(copied.out), "--no-pdf"])
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert f"{tokens}:{line}:" in run.stderr and "hex digits" in run.stderr
    assert snapshot(copied.out) == before


# -- links ---------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def http_server(root: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving `root`; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


RESOURCE_ATTRS = ("href", "src")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def page_links(page: BeautifulSoup) -> Iterator[tuple[str, str]]:
    """(tag name, URL) of every href and src on a page."""
    for tag in page.find_all(True):
        for attr in RESOURCE_ATTRS:
            if tag.has_attr(attr):
                yield tag.name, tag[attr]


def check_site(out: Path, base: str) -> int:
    """Serve OUT's parent, with OUT at /<name>/, and check every link of every page:
    internal ones answer 200 over HTTP and exist on disk, resources never come
    from another host. Returns how many internal links were checked."""
    checked = 0
    pages = sorted(p for p in out.rglob("*.html") if p.name != "404.html")
    assert pages, "no pages built"
    css: dict[str, Path] = {}
    with http_server(out.parent) as server:
        site = urljoin(server, f"{out.name}/")
        for path in pages:
            relative = path.relative_to(out).as_posix()
            page_url = urljoin(site, relative.removesuffix("index.html"))
            page = soup(path)
            ids = {tag["id"] for tag in page.find_all(id=True)}
            for tag, link in page_links(page):
                parts = urlsplit(link)
                if link.startswith("#"):
                    assert link[1:] in ids, f"{relative}: {link} names no element"
                elif parts.scheme in ("mailto", "tel", "data"):
                    continue
                elif parts.scheme or parts.netloc:
                    if tag == "link" and link.startswith(base):
                        continue  # canonical URL
                    assert tag == "a", f"{relative}: <{tag}> loads {link} from another host"
                else:
                    target = urldefrag(urljoin(page_url, link)).url
                    inside = urlsplit(target).path.startswith(f"/{out.name}/")
                    assert inside, f"{relative}: {link} leaves the site"
                    status, _ = fetch(target)
                    assert status == 200, f"{relative}: {link} -> {status}"
                    on_disk = (path.parent / urldefrag(link).url).resolve()
                    on_disk = on_disk / "index.html" if link.endswith("/") else on_disk
                    assert on_disk.is_file() and on_disk.is_relative_to(out.resolve()), \
                        f"{relative}: {link} does not open from disk"
                    if on_disk.suffix == ".css":
                        css[target] = on_disk
                    checked += 1
        for sheet_url, sheet in css.items():
            for match in CSS_URL.finditer(sheet.read_text("utf-8")):
                ref = match.group(1) or match.group(2)
                if ref.startswith("data:"):
                    continue
                assert not urlsplit(ref).scheme, f"{sheet.name} loads {ref} from another host"
                status, _ = fetch(urljoin(sheet_url, ref))
                assert status == 200, f"{sheet.name}: {ref}"
                assert (sheet.parent / ref).resolve().is_file()
                checked += 1
    return checked


def test_every_internal_link_resolves_under_a_project_path_and_from_disk(built: Built) -> None:
    checked = check_site(built.out, BASE)
    assert checked > 20, "pages, PDFs, stylesheets and fonts were all checked"


def test_example_profile_links_resolve_too(tmp_path: Path) -> None:
    directory = copy_profile(EXAMPLE, tmp_path / "example")
    build_site(directory, tmp_path / "www" / "repo", pdf=False)
    assert check_site(tmp_path / "www" / "repo", "https://marta-wisniewska.dev/") > 10


def test_404_links_are_absolute_to_the_base_url(built: Built) -> None:
    links = [link for _, link in page_links(soup(built.out / "404.html")) if not link.startswith("data:")]
    assert links and all(link.startswith(BASE) for link in links), links
    for link in links:
        assert (built.out / link.removeprefix(BASE)).resolve().exists(), link


def test_404_without_a_base_url_has_no_relative_links(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    out = tmp_path / "site"
    build_site(directory, out, pdf=False)
    links = [link for _, link in page_links(soup(out / "404.html"))]
    assert all(urlsplit(link).scheme for link in links), f"relative links break at depth: {links}"
    assert not (out / "sitemap.xml").exists(), "a sitemap needs absolute URLs"
    assert "Sitemap" not in (out / "robots.txt").read_text("utf-8")


# -- atomicity -----------------------------------------------------------------------


BROKEN_TEMPLATES = [
    ("page.html", '{% extends "theme:page.html" %}\n{% block pitch %}{{ oops( }}{% endblock %}\n', False),
    ("page.html", '{% extends "theme:page.html" %}\n{% block pitch %}{{ 1 // 0 }}{% endblock %}\n', False),
    ("404.html", "<p>\n{{ no_such_name.attribute }}</p>\n", False),
    ("cv.html", '{% extends "theme:cv.html" %}\n{% block header %}{{ 1 // 0 }}{% endblock %}\n', True),
]


@pytest.mark.parametrize(("name", "text", "pdf"), BROKEN_TEMPLATES,
                         ids=["page-syntax", "page-raises", "404-undefined", "cv-raises"])
def test_a_broken_theme_override_leaves_out_untouched_and_names_the_template(
        copied: Built, name: str, text: str, pdf: bool) -> None:
    before = snapshot(copied.out)
    (copied.directory / "theme").mkdir()
    (copied.directory / "theme" / name).write_text(text, "utf-8")
    with pytest.raises(CvsiteError) as caught:
        build_site(copied.directory, copied.out, pdf=pdf, base_url=BASE)
    problem = caught.value.problems[0]
    assert problem.file == str(copied.directory / "theme" / name)
    assert problem.line == 2
    assert "template error" in problem.message
    assert snapshot(copied.out) == before
    assert leftovers(copied.out) == []


def test_the_command_line_reports_a_template_error_without_a_traceback(copied: Built) -> None:
    (copied.directory / "theme").mkdir()
    (copied.directory / "theme" / "page.html").write_text(BROKEN_TEMPLATES[1][1], "utf-8")
    run = CliRunner().invoke(cli, ["build", str(copied.directory), "-o", str(copied.out), "--no-pdf"])
    assert run.exit_code == 2
    assert f"{copied.directory / 'theme' / 'page.html'}:2:1: error: template error" in run.stderr
    assert "ZeroDivisionError" in run.stderr and "Traceback" not in run.stderr


def test_sigkill_mid_build_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    directory = copy_profile(EXAMPLE, tmp_path / "example")
    out = tmp_path / "site"
    build_site(directory, out, pdf=False)
    before = snapshot(out)
    killed = 0
    for delay in (0.0, 0.4, 1.2, 2.5):
        command = [sys.executable, "-m", "cvsite", "build", str(directory), "-o", str(out)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not leftovers(out) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(delay)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            with_group_killed(process)
        if process.returncode == 0:  # finished before the kill: a complete new site, swapped in whole
            before = snapshot(out)
            continue
        assert process.returncode == -signal.SIGKILL
        killed += 1
        assert snapshot(out) == before, f"killed {delay} s into the build"
    assert killed >= 2, "the build was really killed mid-way"
    assert leftovers(out), "the killed build left its staging folder (ours to clean)"
    result = build_site(directory, out, pdf=False)
    assert leftovers(out) == []
    assert result.pages + len(result.frozen) == 4 and (out / "index.html").is_file()


def with_group_killed(process: subprocess.Popen[bytes]) -> None:
    """Also stop the killed build's PDF workers (its process group), so none outlives the test."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
        process.wait()


# -- refusals ------------------------------------------------------------------------


def test_refuses_output_equal_to_or_containing_the_profile(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    before = snapshot(tmp_path)
    for out in (directory, tmp_path):
        with pytest.raises(CvsiteError, match="must not be the profile folder or contain it"):
            build_site(directory, out, pdf=False, force=True)
    assert snapshot(tmp_path) == before


def test_a_foreign_folder_is_replaced_only_with_force_and_nothing_outside_is_touched(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"jpeg")
    (tmp_path / "notes.txt").write_text("keep me", "utf-8")
    (tmp_path / ".photos.backup").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(CvsiteError, match="not created by cvsite"):
        build_site(directory, out, pdf=False)
    assert snapshot(tmp_path) == before
    build_site(directory, out, pdf=False, force=True)
    after = snapshot(tmp_path)
    assert not (out / "holiday.jpg").exists() and (out / "index.html").is_file()
    state = {".photos.cvsite-manifest.json", "cv/.cvsite/tokens.yaml"}  # the build's own, beside OUT
    assert state <= set(after)
    assert {k: v for k, v in after.items() if not k.startswith("photos/") and k not in state} == \
           {k: v for k, v in before.items() if not k.startswith("photos/")}
    assert (tmp_path / ".photos.backup").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == \
           [".photos.backup", ".photos.cvsite-manifest.json", "cv", "notes.txt", "photos"]


@contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """Make `folder` refuse new entries, even for root (chattr +i where chmod is not enough)."""
    folder.chmod(0o555)
    immutable = False
    try:
        if _writable(folder) and shutil.which("chattr"):
            immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        if _writable(folder):
            pytest.skip("cannot make a folder read-only here (root without chattr)")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def _writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.mkdir()
    except OSError:
        return False
    probe.rmdir()
    return True


def test_a_read_only_output_parent_gives_a_clear_error_and_keeps_the_site(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    parent = tmp_path / "public"
    out = parent / "site"
    build_site(directory, out, pdf=False)
    edit(directory / "profile.yaml", "Oslo, Norway", "Bergen, Norway")
    before = snapshot(parent)
    with read_only_folder(parent), pytest.raises(CvsiteError) as caught:
        build_site(directory, out, pdf=False)
    assert str(out.resolve()) in str(caught.value) and "cannot create the build folder" in str(caught.value)
    assert "Permission denied" in str(caught.value) or "not permitted" in str(caught.value)
    assert snapshot(parent) == before


def _file_size_limit(limit: int) -> None:
    """In the child: files may not grow past `limit` bytes, as on a disk that is full.

    Python ignores SIGXFSZ, so a write past the limit fails with an OSError (EFBIG),
    the way a write to a full disk fails with ENOSPC."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_running_out_of_space_mid_build_keeps_the_site_and_says_why(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    out = tmp_path / "site"
    build_site(directory, out, pdf=False)
    edit(directory / "profile.yaml", "Oslo, Norway", "Bergen, Norway")
    before = snapshot(out)
    command = [sys.executable, "-m", "cvsite", "build", str(directory), "-o", str(out), "--no-pdf"]
    done = subprocess.run(command, capture_output=True, text=True,
                          preexec_fn=partial(_file_size_limit, 16_000))
    assert done.returncode != 0
    assert "cannot write the site" in done.stderr and "File too large" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(out) == before
    assert leftovers(out) == []


# -- incremental ---------------------------------------------------------------------


def test_a_rebuild_with_nothing_changed_renders_no_pdf(copied: Built) -> None:
    before = pdf_stats(copied)
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert (result.pdfs_rendered, result.pdfs_reused, result.pages_reused) == (0, 4, 4)
    assert pdf_stats(copied) == before, "the same files: not rewritten, not even copied"


def test_editing_one_job_rerenders_only_that_jobs_outputs(copied: Built) -> None:
    before = pdf_stats(copied)
    old_pdf = pdf_of(copied, "globex").read_bytes()
    edit(copied.directory / "jobs" / "globex.yaml", "role: Analytics", "role: Senior Analytics")
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert (result.pdfs_rendered, result.pdfs_reused, result.pages_reused) == (1, 3, 3)
    after = pdf_stats(copied)
    assert {k for k in before if before[k] != after[k]} == {"globex"}
    assert pdf_of(copied, "globex").read_bytes() != old_pdf
    assert "Senior Analytics Engineer" in PdfReader(pdf_of(copied, "globex")).metadata.title


def test_editing_the_profile_rerenders_what_depends_on_it(copied: Built) -> None:
    edit(copied.directory / "profile.yaml", "domain: cv.jonas.example", "domain: jonas.example")
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert result.pdfs_rendered == 0, "the domain only feeds CNAME"
    assert (copied.out / "CNAME").read_text("utf-8") == "jonas.example\n"
    before = pdf_stats(copied)
    edit(copied.directory / "profile.yaml", "I keep data fresh", "I keep data fast, fresh")
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert (result.pdfs_rendered, result.pdfs_reused, result.pages_reused) == (4, 0, 0)
    after = pdf_stats(copied)
    assert all(before[k] != after[k] for k in before)
    assert "fast, fresh" in PdfReader(pdf_of(copied, "")).pages[0].extract_text()


def test_a_theme_override_rerenders_and_is_published(copied: Built) -> None:
    theme = copied.directory / "theme"
    theme.mkdir()
    (theme / "print.css").write_text("@page { margin: 25mm; }\n", "utf-8")
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert result.pdfs_rendered == 4 and result.pages_reused == 0
    assert (copied.out / "assets" / "modern" / "print.css").read_text("utf-8") == "@page { margin: 25mm; }\n"
    again = build_site(copied.directory, copied.out, base_url=BASE)
    assert again.pdfs_rendered == 0


def test_no_pdf_keeps_earlier_pdfs_linked(copied: Built) -> None:
    edit(copied.directory / "jobs" / "globex.yaml", "role: Analytics Engineer", "role: Data Analyst")
    before = pdf_stats(copied)
    result = build_site(copied.directory, copied.out, pdf=False, base_url=BASE)
    assert result.pdfs_rendered == 0 and result.pdfs_reused == 3 and result.pdfs_stale == 1
    assert "1 out of date (--no-pdf)" in result.summary()
    assert pdf_stats(copied) == before
    page = soup(pdf_of(copied, "globex").parent / "index.html")
    assert "Data Analyst" in page.title.text
    assert page.find("a", href=PDFS["globex"]) is not None
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert result.pdfs_rendered == 1, "the next full build renders the out-of-date PDF"


def test_no_pdf_on_a_fresh_site_links_no_pdf(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    build_site(directory, tmp_path / "site", pdf=False)
    assert not list((tmp_path / "site").rglob("*.pdf"))
    assert not [a for a in soup(tmp_path / "site" / "index.html").find_all("a", href=True)
                if a["href"].endswith(".pdf")]


# -- Word, text and letter ----------------------------------------------------------

LETTER = "acme/Jonas-Odegard-Cover-Letter-Acme-Streams.pdf"


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def test_pages_offer_every_document_with_its_size(built: Built) -> None:
    for slug in ("", "acme", "globex", "initech"):
        page = folder(built.directory, slug)
        area = soup(built.out / page / "index.html").find("ul", class_="downloads")
        offered = {a["href"]: a.find_next_sibling("span").get_text() for a in area.find_all("a")}
        files = {p.name for p in (built.out / page).iterdir()
                 if p.suffix in (".pdf", ".docx", ".txt") and p.name != "robots.txt"}
        assert set(offered) == files, page
        for name, size in offered.items():
            assert size == f"{max(1, round((built.out / page / name).stat().st_size / 1024))} KB"
    labels = [a.get_text() for a in soup(built.out / "acme" / "index.html").select("ul.downloads a")]
    assert labels == ["PDF", "Word", "Plain text", "Cover letter (PDF)"]


def test_the_letter_is_on_its_page_and_in_its_pdf(built: Built) -> None:
    section = soup(built.out / "acme" / "index.html").find("section", class_="letter")
    assert "For five years I have run Kafka pipelines" in section.get_text()
    assert "Dear Acme Streams hiring team," in section.get_text()
    reader = PdfReader(built.out / LETTER)
    assert len(reader.pages) == 1 and "Kafka pipelines" in reader.pages[0].extract_text()
    assert soup(built.out / folder(built.directory, "globex") / "index.html").find(
        "section", class_="letter") is None


def test_editing_the_letter_rerenders_only_the_letter_and_its_page(copied: Built) -> None:
    before = snapshot(copied.out)
    edit(copied.directory / "jobs" / "acme-letter.md", "five years", "six years")
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert result.rendered == {"letter_pdf": 1} and result.pages_reused == 3
    assert changed(before, snapshot(copied.out)) == {"acme/index.html", LETTER}
    assert "six years" in PdfReader(copied.out / LETTER).pages[0].extract_text()


def test_word_and_text_follow_the_content_and_nothing_else(copied: Built) -> None:
    before = snapshot(copied.out)
    edit(copied.directory / "jobs" / "globex.yaml", "role: Analytics", "role: Senior Analytics")
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert result.rendered == {"pdf": 1, "docx": 1, "txt": 1}
    assert result.reused == {"pdf": 3, "docx": 3, "txt": 2, "letter_pdf": 1}
    # The text file does not name the role, so its bytes stay the same though it was rendered.
    globex = folder(copied.directory, "globex")
    assert changed(before, snapshot(copied.out)) == {
        f"{globex}index.html", f"{globex}Jonas-Odegard-CV-Globex.pdf",
        f"{globex}Jonas-Odegard-CV-Globex.docx"}
    document = docx.Document(str(copied.out / globex / "Jonas-Odegard-CV-Globex.docx"))
    assert "Senior Analytics Engineer" in document.core_properties.title


def test_no_docx_and_no_txt_keep_earlier_files_until_the_next_full_build(copied: Built) -> None:
    before = snapshot(copied.out)
    edit(copied.directory / "jobs" / "globex.yaml", "role: Analytics", "role: Senior Analytics")
    result = build_site(copied.directory, copied.out, base_url=BASE, skip=("docx", "txt"))
    assert result.stale == {"docx": 1, "txt": 1} and result.rendered == {"pdf": 1}
    assert "2 out of date" in result.summary()
    docx_file = f"{folder(copied.directory, 'globex')}Jonas-Odegard-CV-Globex.docx"
    assert snapshot(copied.out)[docx_file] == before[docx_file]
    page = copied.out / folder(copied.directory, "globex") / "index.html"
    assert soup(page).find("a", href=docx_file.split("/")[1])
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert result.rendered == {"docx": 1, "txt": 1}


def test_outputs_turned_off_in_the_profile_are_neither_built_nor_linked(copied: Built) -> None:
    edit(copied.directory / "profile.yaml", "domain:", "outputs: {docx: false, letter_pdf: false}\ndomain:")
    build_site(copied.directory, copied.out, base_url=BASE)
    assert not list(copied.out.rglob("*.docx")) and not (copied.out / LETTER).exists()
    links = [a["href"] for a in soup(copied.out / "acme" / "index.html").find_all("a", href=True)]
    assert not [h for h in links if h.endswith(".docx") or "Cover-Letter" in h]
    assert soup(copied.out / "acme" / "index.html").find("section", class_="letter"), "the page keeps it"


def test_documents_are_the_same_bytes_in_two_fresh_builds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    first = snapshot(build_site(directory, tmp_path / "one", skip=("pdf",), pdf=True).out)
    second = snapshot(build_site(directory, tmp_path / "two", skip=("pdf",), pdf=True).out)
    documents = {k for k in first if ("-CV" in k and k.endswith((".docx", ".txt"))) or "Cover-Letter" in k}
    assert len(documents) == 8
    assert {k: first[k] for k in documents} == {k: second[k] for k in documents}


def test_a_letter_longer_than_a_page_warns_and_fails_strict(copied: Built) -> None:
    letter = copied.directory / "jobs" / "acme-letter.md"
    letter.write_text("\n\n".join(["I have run Kafka pipelines for years. " * 14] * 8), "utf-8")
    before = snapshot(copied.out)
    with pytest.raises(CvsiteError) as caught:
        build_site(copied.directory, copied.out, base_url=BASE, strict=True)
    assert f"acme: {letter.resolve()}:1: the cover letter runs to 2 pages" in str(caught.value)
    assert snapshot(copied.out) == before
    result = build_site(copied.directory, copied.out, base_url=BASE)
    assert [w for w in result.warnings if "cover letter" in w] == [
        f"acme: {letter.resolve()}:1: the cover letter runs to 2 pages; a letter should fit on one: "
        "shorten it (nothing was cut)"]
    assert len(PdfReader(copied.out / LETTER).pages) == 2, "never a silently cut letter"


# -- --job ---------------------------------------------------------------------------


def test_job_selection_renders_only_that_job_and_keeps_the_others(copied: Built) -> None:
    globex = folder(copied.directory, "globex")
    globex_before = {k: v for k, v in snapshot(copied.out).items() if k.startswith(globex)}
    edit(copied.directory / "jobs" / "acme.yaml", "role: Staff", "role: Principal")
    edit(copied.directory / "jobs" / "globex.yaml", "role: Analytics Engineer", "role: Data Analyst")
    result = build_site(copied.directory, copied.out, jobs=["acme"], base_url=BASE)
    assert (result.pages, result.pdfs_rendered, result.pdfs_reused) == (2, 1, 1)
    assert "Principal" in PdfReader(pdf_of(copied, "acme")).metadata.title
    assert {k: v for k, v in snapshot(copied.out).items() if k.startswith(globex)} == globex_before
    assert pdf_of(copied, "initech").is_file()
    assert soup(copied.out / "index.html").find("a", href="acme/index.html") is not None


def test_job_selection_on_a_fresh_site_links_no_missing_page(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    edit(directory / "jobs" / "globex.yaml", "posting:", "listed: true\nposting:")
    build_site(directory, tmp_path / "site", jobs=["globex"], pdf=False)
    assert not (tmp_path / "site" / "acme").exists()
    hrefs = [a["href"] for a in soup(tmp_path / "site" / "index.html").find_all("a", href=True)]
    assert "globex/index.html" in hrefs and "acme/index.html" not in hrefs


def test_an_unknown_job_exits_2_with_a_suggestion(copied: Built) -> None:
    before = snapshot(copied.out)
    run = CliRunner().invoke(cli, ["build", str(copied.directory), "-o", str(copied.out), "--job", "acem"])
    assert run.exit_code == 2
    assert "no job 'acem' (did you mean 'acme'?)" in run.stderr
    assert snapshot(copied.out) == before


# -- --strict ------------------------------------------------------------------------


CJK_PROFILE = """\
name: 山田 花子
headline: Data engineer
skills:
  - {name: Python, tags: [python]}
"""


def test_strict_fails_on_warnings_and_leaves_the_site_untouched(tmp_path: Path) -> None:
    directory = tmp_path / "cv"
    directory.mkdir()
    (directory / "profile.yaml").write_text(CJK_PROFILE, "utf-8")
    out = tmp_path / "site"
    result = build_site(directory, out)
    if not result.warnings:
        pytest.skip("this machine has a font with the CJK glyphs, so there is nothing to warn about")
    assert "font lacks glyphs" in result.warnings[0] and "山" in result.warnings[0]
    before = snapshot(out)
    edit(directory / "profile.yaml", "Data engineer", "Senior data engineer")
    with pytest.raises(CvsiteError, match=r"warning \(--strict\): general CV: font lacks glyphs"):
        build_site(directory, out, strict=True)  # rendered afresh
    assert snapshot(out) == before
    edit(directory / "profile.yaml", "Senior data engineer", "Data engineer")
    with pytest.raises(CvsiteError, match="font lacks glyphs"):
        build_site(directory, out, strict=True, pdf=False)  # the reused PDF still lacks them
    assert snapshot(out) == before and leftovers(out) == []
    run = CliRunner().invoke(cli, ["build", str(directory), "-o", str(out), "--strict"])
    assert run.exit_code == 2 and "font lacks glyphs" in run.stderr


# -- the command line ----------------------------------------------------------------


SUMMARY = re.compile(r"^Built (\d+) page\(s\) and (\d+) PDF\(s\) \((\d+) rendered, (\d+) reused\)"
                     r"; (\d+) Word, (\d+) text(?:, (\d+) letter)? file\(s\) "
                     r"\((\d+) rendered, (\d+) reused\) "
                     r"in \d+\.\d s -> (.+)$")


def test_the_summary_line_and_quiet(copied: Built) -> None:
    args = ["build", str(copied.directory), "-o", str(copied.out), "--base-url", BASE]
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 0, run.output
    match = SUMMARY.match(run.stdout.splitlines()[-1])
    assert match and match.groups() == ("4", "4", "0", "4", "4", "3", "1", "0", "8", str(copied.out))
    quiet = CliRunner().invoke(cli, [*args, "-q"])
    assert quiet.exit_code == 0
    assert len(quiet.stdout.splitlines()) == 1 and SUMMARY.match(quiet.stdout) and quiet.stderr == ""


def test_build_prints_each_unlisted_jobs_address(copied: Built) -> None:
    args = ["build", str(copied.directory), "-o", str(copied.out), "--no-pdf"]
    with_base = CliRunner().invoke(cli, [*args, "--base-url", BASE])
    assert with_base.exit_code == 0, with_base.output
    lines = with_base.stdout.splitlines()
    assert lines[0] == "Unlisted pages (only these links reach them):" and SUMMARY.match(lines[-1])
    urls = [line.split()[-1] for line in lines[1:-1]]
    assert urls == [BASE + folder(copied.directory, slug) for slug in ("globex", "initech")]
    for url in urls:
        assert (copied.out / url.removeprefix(BASE) / "index.html").is_file()
    without = CliRunner().invoke(cli, args).stdout.splitlines()
    assert [line.split()[-1] for line in without[1:3]] == \
           [folder(copied.directory, slug) for slug in ("globex", "initech")]
    assert "set base_url in profile.yaml or pass --base-url" in without[3]


def test_init_then_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    directory = tmp_path / "me"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # PDF workers inherit it
    assert runner.invoke(cli, ["init", str(directory)]).exit_code == 0
    run = runner.invoke(cli, ["build", str(directory)])
    assert run.exit_code == 0, run.output
    assert list(temporary.iterdir()) == [], "no temporary font folders left behind"
    out = directory / "site"
    jobs = [p.stem for p in (directory / "jobs").glob("*.yaml")]
    assert jobs and all((out / folder(directory, slug) / "index.html").is_file() for slug in jobs)
    assert len(list(out.rglob("*.pdf"))) == len(jobs) + 1
    match = SUMMARY.match(run.stdout.splitlines()[-1])
    assert match and match.group(3) == str(len(jobs) + 1)


def test_no_flags_skip_each_kind_on_a_fresh_site(tmp_path: Path) -> None:
    directory = copy_profile(FIXTURE, tmp_path / "cv")
    out = tmp_path / "site"
    args = ["build", str(directory), "-o", str(out)]
    run = CliRunner().invoke(cli, [*args, "--no-pdf", "--no-docx", "--no-txt"])
    assert run.exit_code == 0, run.output
    documents = [p for p in out.rglob("*") if p.suffix in (".pdf", ".docx") or p.name.endswith("-CV.txt")]
    assert documents == [] and not list(out.rglob("*-CV-*.txt"))
    assert not soup(out / "acme" / "index.html").find("ul", class_="downloads")
    run = CliRunner().invoke(cli, [*args, "--no-letter", "--no-docx"])
    assert run.exit_code == 0 and not list(out.rglob("*Cover-Letter*")) and not list(out.rglob("*.docx"))
    assert len(list(out.rglob("*-CV*.txt"))) == 3 and len(list(out.rglob("*.pdf"))) == 4
