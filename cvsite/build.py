"""`cvsite build`: the whole pipeline, from a profile folder to a publishable site.

load -> validate (cvsite.loader) -> tailor (cvsite.tailor) -> render HTML
(cvsite.render_html) -> render PDF (cvsite.render_pdf) -> write atomically
(cvsite.output). Every output carries a content hash (tailored data, theme
files, cvsite version, page context); an output whose hash matches the
previous build's manifest is reused instead of rendered, so a rebuild with
nothing changed renders no PDF.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union
from xml.sax.saxutils import escape

import jinja2
from pydantic import BaseModel

from cvsite import __version__
from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.filenames import pdf_file_name
from cvsite.freeze import SentRecord, sent_files, sent_records
from cvsite.loader import Workspace, load_workspace
from cvsite.output import Manifest, Staging, check_output_dir
from cvsite.render_html import PageContext, render_404, render_page
from cvsite.tailor import Index, tailor_with
from cvsite.tailored import RankedItem, TailoredCV
from cvsite.themes import TEMPLATE_SUFFIXES, load_theme
from cvsite.tokens import job_folders

if TYPE_CHECKING:
    from cvsite.render_pdf import PdfResult

RESERVED_SLUGS = frozenset({"assets"})
Progress = Callable[[int, int], None]
# Decides whether and when a finished build is swapped in (serve drops stale builds).
Gate = Callable[[Callable[[], None]], None]


@dataclass
class BuildResult:
    out: Path
    pages: int = 0
    pages_reused: int = 0
    pdfs_rendered: int = 0
    pdfs_reused: int = 0
    pdfs_stale: int = 0  # kept from an earlier build by --no-pdf, though their content changed
    cut: dict[str, list[str]] = field(default_factory=dict)  # per page label, what its PDF cut to fit
    warnings: list[str] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)  # jobs published as sent (`cvsite freeze`)
    seconds: float = 0.0
    base_url: str | None = None
    unlisted: dict[str, str] = field(default_factory=dict)  # slug -> its secret folder in OUT

    def unlisted_addresses(self) -> dict[str, str]:
        """Each unlisted page's address to send: a full URL with a base URL, else its folder in OUT."""
        return {slug: (self.base_url or "") + folder for slug, folder in self.unlisted.items()}

    def summary(self) -> str:
        stale = f", {self.pdfs_stale} out of date (--no-pdf)" if self.pdfs_stale else ""
        total = sum(map(len, self.cut.values()))
        dropped = f", {total} cut to fit pages" if total else ""
        frozen = f"; {len(self.frozen)} frozen job(s) published as sent" if self.frozen else ""
        pdfs = self.pdfs_rendered + self.pdfs_reused + self.pdfs_stale
        return (f"Built {self.pages} page(s) and {pdfs} PDF(s) "
                f"({self.pdfs_rendered} rendered, {self.pdfs_reused} reused{stale}{dropped}){frozen} "
                f"in {self.seconds:.1f} s -> {self.out}")


@dataclass(frozen=True)
class PageJob:
    """One page of the site and where its files go."""

    slug: str | None
    folder: str  # "" for the general page, "<slug>/" for a job

    @property
    def html_path(self) -> str:
        return f"{self.folder}index.html"


def build_site(
    directory: Path,
    out: Path | None = None,
    jobs: Sequence[str] = (),
    pdf: bool = True,
    base_url: str | None = None,
    strict: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    gate: Gate | None = None,
) -> BuildResult:
    """Build DIR into OUT (default DIR/site); raise CvsiteError and leave OUT as it was on failure."""
    started = time.perf_counter()
    directory = Path(directory)
    workspace = load_workspace(directory)
    _check_selection(workspace, jobs)
    out = Path(out) if out else directory / "site"
    check_output_dir(directory, out, force)
    _check_slugs(workspace)
    base_url = normalise_base_url(base_url or workspace.profile.base_url)
    folders = job_folders(workspace)
    result = BuildResult(out, base_url=base_url, unlisted={
        slug: folders[slug] for slug, job in workspace.jobs.items() if not job.listed})
    try:
        staging = Staging(out)
    except OSError as exc:
        raise CvsiteError(f"{out}: cannot create the build folder: {exc.strerror or exc}") from None
    try:
        manifest = _build_into(staging, workspace, folders, set(jobs), pdf, base_url, result, progress)
        if strict and result.warnings:
            raise CvsiteError([Problem(str(out), 0, 0, "", f"warning (--strict): {w}")
                               for w in result.warnings])
        if gate:
            gate(lambda: staging.commit(manifest))
        else:
            staging.commit(manifest)
    except OSError as exc:
        staging.discard()
        raise CvsiteError(f"{exc.filename or out}: cannot write the site: {exc.strerror or exc}") from None
    except BaseException:
        staging.discard()
        raise
    staging.discard()
    result.seconds = time.perf_counter() - started
    return result


def _check_selection(workspace: Workspace, jobs: Sequence[str]) -> None:
    """`--job` renders only the named jobs; every job is still loaded, for the index."""
    unknown = [slug for slug in jobs if slug not in workspace.jobs]
    if unknown:
        raise CvsiteError([Problem(str(workspace.root / "jobs"), 0, 0, "",
                                   f"no job '{s}'{did_you_mean(s, workspace.jobs)}") for s in unknown])


def _check_slugs(workspace: Workspace) -> None:
    clashes = [slug for slug in workspace.jobs if slug in RESERVED_SLUGS]
    if clashes:
        raise CvsiteError([Problem(workspace.job_file(s), 1, 1, "", f"job slug '{s}' would write to "
                                   f"OUT/{s}/, which the site uses itself; rename the file")
                           for s in clashes])


def normalise_base_url(url: str | None) -> str | None:
    return url.rstrip("/") + "/" if url else None


# -- the build proper ---------------------------------------------------------------

@dataclass
class _Build:
    """One build in progress: where it writes, what the previous build left, what it wrote."""

    staging: Staging
    previous: Manifest
    result: BuildResult
    manifest: Manifest = field(default_factory=Manifest)

    def reuse(self, path: str) -> bool:
        """Keep the previous build's file and what it reported; False if it is gone."""
        key = self.previous.files.get(path)
        if key is None or not self.staging.reuse(path):
            return False
        self.manifest.files[path] = key
        if path in self.previous.notes:
            self.manifest.notes[path] = self.previous.notes[path]
        return True

    def write(self, path: str, data: str | bytes, key: str | None = None) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.staging.write_bytes(path, raw)
        self.manifest.files[path] = key or _digest(raw)


def _build_into(staging: Staging, workspace: Workspace, folders: dict[str, str], selected: set[str],
                pdf: bool, base_url: str | None, result: BuildResult, progress: Progress | None) -> Manifest:
    """Write every output into `staging`, each job into its folder; return the manifest
    (path -> content hash)."""
    build = _Build(staging, Manifest.read(staging.out), result)
    index = Index.build(workspace.profile, postings=workspace.postings.values())
    user_theme = _user_theme(workspace)
    themes = _ThemeHashes(user_theme)
    pdf_tasks: list[tuple[PageJob, str, str]] = []
    general = tailor_with(index, None, None, "")
    listed = _listed_jobs(workspace, folders, selected, build)
    sent = sent_records(workspace.root)
    for page, cv in _pages(index, workspace, folders, general, selected, set(sent)):
        if page.slug in sent:
            _publish_sent(build, page, sent[page.slug])
            continue
        if page.slug is not None and selected and page.slug not in selected:
            _carry_over(build, page)
            continue
        fingerprint = cv_fingerprint(cv)
        pdf_path = page.folder + _pdf_name(cv.person.name, cv.job.company if cv.job else None)
        pdf_key = _key("pdf", themes.of(cv.theme), fingerprint)
        has_pdf = _plan_pdf(build, pdf, (page, pdf_path, pdf_key), pdf_tasks)
        context = PageContext(
            root="" if page.slug is None else "../",
            pdf_name=pdf_path.rsplit("/", 1)[-1] if has_pdf else None,
            base_url=base_url,
            page_path=page.folder,
            user_theme_dir=user_theme,
            listed_jobs=tuple(listed) if page.slug is None else (),
        )
        html_key = _key("html", themes.of(cv.theme), fingerprint, repr(context))
        _emit(build, page.html_path, html_key, lambda cv=cv, context=context: render_page(cv, context))
    _write_site_files(build, workspace, general, base_url, listed)
    _render_pdfs(build, workspace, pdf_tasks, progress)
    return build.manifest


@functools.lru_cache(maxsize=1024)
def _pdf_name(person: str, company: str | None) -> str:
    """Cached: the file name reads the transliteration table, which `serve` would
    otherwise pay for on every save."""
    return pdf_file_name(person, company)


def _plan_pdf(build: _Build, pdf: bool, task: tuple[PageJob, str, str],
              queue: list[tuple[PageJob, str, str]]) -> bool:
    """Reuse an unchanged PDF, or queue it for rendering; with --no-pdf keep the
    previous one (under its old hash, so the next full build renders it afresh)."""
    page, path, key = task
    old_key = build.previous.files.get(path)
    if old_key and (old_key == key or not pdf) and build.reuse(path):
        if old_key == key:
            build.result.pdfs_reused += 1
        else:
            build.result.pdfs_stale += 1
        _report(build.result, page, build.manifest.notes.get(path, {}))
        return True
    if pdf:
        queue.append(task)
    return pdf


def _report(result: BuildResult, page: PageJob, notes: dict[str, list[str]]) -> None:
    label = page.slug or "general CV"
    if notes.get("cut"):
        result.cut[label] = notes["cut"]
    if notes.get("cut_entries") and page.slug:  # the general CV shows everything; `-v` lists its cuts
        result.warnings.append(f"{label}: {cut_entries_message(notes['cut_entries'])}")
    result.warnings += [f"{label}: {w}" for w in notes.get("warnings", [])]


def cut_entries_message(entries: list[str]) -> str:
    """The warning when the page limit forces whole entries out (`build` and `check` say the same)."""
    listed = ", ".join(entries[:4]) + (f" and {len(entries) - 4} more" if len(entries) > 4 else "")
    return (f"the page limit cuts {len(entries)} whole entr{'y' if len(entries) == 1 else 'ies'} "
            f"from the PDF: {listed}")


def _pages(index: Index, workspace: Workspace, folders: dict[str, str], general: TailoredCV,
           selected: set[str], frozen: set[str]) -> Iterator[tuple[PageJob, TailoredCV]]:
    """Tailor one job at a time, so memory stays flat however many jobs there are.
    Jobs not rendered (frozen, or not selected) get the general CV as a stand-in."""
    yield PageJob(None, ""), general
    for slug, job in workspace.jobs.items():
        page = PageJob(slug, folders[slug])
        if slug in frozen or (selected and slug not in selected):
            yield page, general
            continue
        yield page, tailor_with(index, slug, job, workspace.postings[slug])


def _publish_sent(build: _Build, page: PageJob, record: SentRecord) -> None:
    """A frozen job: its stored files, byte for byte, instead of a rendering."""
    build.result.frozen.append(page.slug or "")
    for relative, data in sent_files(record):
        build.write(page.folder + relative, data)


def _carry_over(build: _Build, page: PageJob) -> None:
    """`--job` leaves the other jobs' outputs as the previous build wrote them."""
    for path in list(build.previous.files):
        if path.startswith(page.folder):
            build.reuse(path)
            _report(build.result, page, build.manifest.notes.get(path, {}))


def _emit(build: _Build, path: str, key: str, render: Callable[[], str]) -> None:
    build.result.pages += 1
    if build.previous.files.get(path) == key and build.reuse(path):
        build.result.pages_reused += 1
    else:
        build.write(path, _render_template(path, render), key)


def _render_template(what: str, render: Callable[[], str]) -> str:
    """Render, turning a theme template's failure into a problem that names its file and line."""
    try:
        return render()
    except CvsiteError as exc:
        if isinstance(exc.__cause__, jinja2.TemplateError):
            raise CvsiteError(template_problems(what, exc.__cause__)) from None
        raise
    except jinja2.TemplateError as exc:
        raise CvsiteError(template_problems(what, exc)) from None
    except Exception as exc:
        if _template_frame(exc) is None:
            raise
        raise CvsiteError(template_problems(what, exc)) from None


def template_problems(what: str, exc: BaseException) -> list[Problem]:
    """`theme/page.html:3:1: template error while rendering acme/index.html: ...`."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = (exc.filename or exc.name or "template", exc.lineno or 0)
        message = exc.message or str(exc)
    else:
        where = _template_frame(exc) or ("template", 0)
        message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    return [Problem(where[0], where[1], 1 if where[1] else 0, "",
                    f"template error while rendering {what}: {message}")]


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost template file and line in a traceback (Jinja rewrites its
    frames to point at the template source)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(TEMPLATE_SUFFIXES) and os.path.isfile(name):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _listed_jobs(workspace: Workspace, folders: dict[str, str], selected: set[str],
                 build: _Build) -> list[tuple[str, str, str]]:
    """Listed jobs whose page this build writes or keeps: the index never links to a missing page.

    Unlisted jobs never reach the index, the sitemap or any other shared file:
    only their own folder names them."""
    def present(slug: str) -> bool:
        path = f"{folders[slug]}index.html"
        return not selected or slug in selected or (
            path in build.previous.files and (build.staging.out / path).is_file())

    return [(slug, job.company, job.role) for slug, job in workspace.jobs.items()
            if job.listed and present(slug)]


def _user_theme(workspace: Workspace) -> Path | None:
    folder = workspace.root / "theme"
    return folder if folder.is_dir() else None


def _write_site_files(build: _Build, workspace: Workspace, general: TailoredCV, base_url: str | None,
                      listed: list[tuple[str, str, str]]) -> None:
    user_theme = _user_theme(workspace)
    for name in sorted({general.theme, *(j.theme for j in workspace.jobs.values() if j.theme)}):
        theme = load_theme(name, user_theme)
        for relative, source in theme.assets().items():
            build.write(theme.asset_dir + relative, source.read_bytes())
    build.write("404.html", _render_template("404.html", lambda: render_404(general, base_url, user_theme)))
    build.write(".nojekyll", "")
    build.write("robots.txt", _robots(base_url))
    if base_url:
        build.write("sitemap.xml", _sitemap(base_url, [slug for slug, _, _ in listed]))
    if workspace.profile.domain:
        build.write("CNAME", workspace.profile.domain.strip() + "\n")


def _robots(base_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url}sitemap.xml")
    return "\n".join(lines) + "\n"


def _sitemap(base_url: str, listed: list[str]) -> str:
    """The index and the listed jobs: a sitemap needs absolute URLs, hence only with a base URL."""
    urls = [base_url, *(f"{base_url}{slug}/" for slug in listed)]
    entries = "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")


# -- PDFs, in parallel --------------------------------------------------------------

_WORKER: dict[str, Any] = {}
PdfOutcome = Union["PdfResult", list[Problem]]


def _render_pdfs(build: _Build, workspace: Workspace, tasks: list[tuple[PageJob, str, str]],
                 progress: Progress | None) -> None:
    """Render on all cores. Workers get the workspace this build loaded, not a
    fresh read, so a PDF always matches the content hash it is stored under."""
    if not tasks:
        return
    slugs = [page.slug for page, _, _ in tasks]
    workers = min(len(tasks), _usable_cores())
    if workers == 1:
        _start_worker(workspace)
        _collect(build, tasks, map(_render_one, slugs), progress)
        return
    context = _pool_context()
    if context.get_start_method() == "fork":
        _warm_fonts(workspace, slugs)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(workspace,))
    try:
        _collect(build, tasks, pool.map(_render_one, slugs), progress)
    except BrokenProcessPool:
        raise CvsiteError("a PDF rendering process died (out of memory?); try again with fewer "
                          "jobs at a time (--job)") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _usable_cores() -> int:
    """The cores this process may run on (taskset, containers), not all the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork is fastest, but forking a threaded process (serve) can deadlock."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, "cvsite.render_pdf"])  # WeasyPrint already imported
        return context
    return multiprocessing.get_context("spawn")


def _warm_fonts(workspace: Workspace, slugs: list[str | None]) -> None:
    """Decompress the themes' WOFF2 fonts once, before forking, so every worker
    inherits them: otherwise each one spends its first second doing the same."""
    from cvsite.render_pdf import ThemeFetcher

    names = {workspace.jobs[s].theme if s and workspace.jobs[s].theme else workspace.profile.theme
             for s in slugs}
    for name in sorted(names):
        theme = load_theme(name, _user_theme(workspace))
        fetcher = ThemeFetcher(theme)
        for relative, source in theme.assets().items():
            if relative.endswith(".woff2"):
                fetcher.fetch(source.as_uri())


def _start_worker(workspace: Workspace) -> None:
    index = Index.build(workspace.profile, postings=workspace.postings.values())
    _WORKER.update(workspace=workspace, index=index, theme=_user_theme(workspace))


def _render_one(slug: str | None) -> PdfOutcome:
    """One PDF, or the problems that stopped it (returned, so they cross the process boundary intact)."""
    workspace: Workspace = _WORKER["workspace"]
    job = workspace.jobs[slug] if slug else None
    what = f"the PDF of {slug}" if slug else "the general PDF"
    from cvsite.render_pdf import render_pdf  # WeasyPrint loads only when a PDF is due

    try:
        cv = tailor_with(_WORKER["index"], slug, job, workspace.postings.get(slug, "") if slug else "")
        result = render_pdf(cv, _WORKER["theme"])
        # WeasyPrint removes each document's temporary font folder when the document is
        # collected; layouts hold cycles, and a pool worker exits without collecting.
        gc.collect()
        return result
    except CvsiteError as exc:
        if isinstance(exc.__cause__, jinja2.TemplateError):
            return template_problems(what, exc.__cause__)
        return exc.problems
    except Exception as exc:  # a worker must report, not die: the user gets file and line, not a traceback
        if _template_frame(exc) is not None:
            return template_problems(what, exc)
        return [Problem(workspace.profile_file, 0, 0, "", f"rendering {what} failed: "
                        f"{type(exc).__name__}: {exc}")]


def _collect(build: _Build, tasks: list[tuple[PageJob, str, str]], outcomes: Iterator[PdfOutcome],
             progress: Progress | None) -> None:
    for done, ((page, path, key), outcome) in enumerate(zip(tasks, outcomes, strict=False), 1):
        if isinstance(outcome, list):
            raise CvsiteError(outcome)
        build.write(path, outcome.data, key)
        notes = {k: v for k, v in (("cut", outcome.cut), ("cut_entries", outcome.cut_entries),
                                   ("warnings", outcome.warnings)) if v}
        if notes:
            build.manifest.notes[path] = notes
        build.result.pdfs_rendered += 1
        _report(build.result, page, notes)
        if progress:
            progress(done, len(tasks))


# -- content hashes ----------------------------------------------------------------


class _ThemeHashes:
    """One hash per theme over its files and the user's overrides, computed once."""

    def __init__(self, user_theme: Path | None) -> None:
        self.user_theme = user_theme
        self.cache: dict[str, str] = {}

    def of(self, theme: str) -> str:
        if theme not in self.cache:
            digest = hashlib.sha256()
            for root in load_theme(theme, self.user_theme).roots():
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                    digest.update(path.read_bytes() + b"\0")
            self.cache[theme] = digest.hexdigest()
        return self.cache[theme]


def cv_fingerprint(cv: TailoredCV) -> str:
    """A stable hash of what the renderers use: the header, the job, and each
    section's shown items with their scores (PDF fitting drops by score).

    Reasons and left-out items are not rendered, so they stay out of the hash.
    """
    shown = {
        "person": cv.person,
        "job": cv.job,
        "options": [cv.slug, cv.theme, cv.language, cv.paper, cv.max_pages, cv.listed],
        "matched_skills": cv.matched_skills,
        "sections": [[section.name, [_shown_item(r) for r in section.items]] for section in cv.sections],
    }
    text = json.dumps(shown, default=_plain, sort_keys=True, ensure_ascii=False)
    return _digest(text.encode("utf-8"))


def _shown_item(ranked: RankedItem) -> list[Any]:
    return [ranked.item, ranked.score, ranked.matched, [[h.text, h.score] for h in ranked.highlights]]


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return str(value)


def _key(*parts: str) -> str:
    return _digest("\0".join((__version__, *parts)).encode("utf-8"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
