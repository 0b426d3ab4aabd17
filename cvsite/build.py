"""`cvsite build`: the whole pipeline, from a profile folder to a publishable site.

load -> validate (cvsite.loader) -> tailor (cvsite.tailor) -> render HTML
(cvsite.render_html) -> render PDF (cvsite.render_pdf) -> write atomically
(cvsite.output). Every output carries a content hash (tailored data, theme
files, cvsite version, page context); an output whose hash matches the
previous build's manifest is reused instead of rendered, so a rebuild with
nothing changed renders no PDF.
"""

from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from pydantic import BaseModel

from cvsite import __version__
from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.freeze import SentRecord, sent_files, sent_records
from cvsite.letter import build_date
from cvsite.loader import Workspace, load_workspace
from cvsite.output import Manifest, Staging, check_output_dir
from cvsite.outputs import BY_NAME, KINDS, OutputKind, Rendered, wanted
from cvsite.render_html import Download, PageContext, render_404, render_page
from cvsite.tailor import Index, tailor_with
from cvsite.tailored import RankedItem, TailoredCV
from cvsite.themes import TEMPLATE_SUFFIXES, load_theme
from cvsite.tokens import job_folders

RESERVED_SLUGS = frozenset({"assets"})
POOL_MIN_TASKS = 16  # below this many CVs with only Word and text files due, a pool costs more than it saves
Progress = Callable[[int, int], None]
# Decides whether and when a finished build is swapped in (serve drops stale builds).
Gate = Callable[[Callable[[], None]], None]


@dataclass
class BuildResult:
    out: Path
    pages: int = 0
    pages_reused: int = 0
    rendered: Counter[str] = field(default_factory=Counter)  # by output kind (cvsite.outputs)
    reused: Counter[str] = field(default_factory=Counter)
    stale: Counter[str] = field(default_factory=Counter)  # kept by --no-…, though their content changed
    cut: dict[str, list[str]] = field(default_factory=dict)  # per page label, what its PDF cut to fit
    warnings: list[str] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)  # jobs published as sent (`cvsite freeze`)
    seconds: float = 0.0
    base_url: str | None = None
    unlisted: dict[str, str] = field(default_factory=dict)  # slug -> its secret folder in OUT

    def unlisted_addresses(self) -> dict[str, str]:
        """Each unlisted page's address to send: a full URL with a base URL, else its folder in OUT."""
        return {slug: (self.base_url or "") + folder for slug, folder in self.unlisted.items()}

    @property
    def pdfs_rendered(self) -> int:
        return self.rendered["pdf"]

    @property
    def pdfs_reused(self) -> int:
        return self.reused["pdf"]

    @property
    def pdfs_stale(self) -> int:
        return self.stale["pdf"]

    def summary(self) -> str:
        stale = f", {self.pdfs_stale} out of date (--no-pdf)" if self.pdfs_stale else ""
        total = sum(map(len, self.cut.values()))
        dropped = f", {total} cut to fit pages" if total else ""
        frozen = f"; {len(self.frozen)} frozen job(s) published as sent" if self.frozen else ""
        pdfs = self.pdfs_rendered + self.pdfs_reused + self.pdfs_stale
        return (f"Built {self.pages} page(s) and {pdfs} PDF(s) "
                f"({self.pdfs_rendered} rendered, {self.pdfs_reused} reused{stale}{dropped})"
                f"{self._documents()}{frozen} in {self.seconds:.1f} s -> {self.out}")

    def _documents(self) -> str:
        """`; 4 Word, 4 text, 1 letter file(s) (2 rendered, 7 reused)`: the other kinds."""
        kinds = [k for k in KINDS if k.name != "pdf"]
        counts = {k.name: self.rendered[k.name] + self.reused[k.name] + self.stale[k.name] for k in kinds}
        if not any(counts.values()):
            return ""
        listed = ", ".join(f"{counts[k.name]} {k.summary}" for k in kinds if counts[k.name])
        rendered = sum(self.rendered[k.name] for k in kinds)
        reused = sum(self.reused[k.name] for k in kinds)
        stale = sum(self.stale[k.name] for k in kinds)
        out_of_date = f", {stale} out of date" if stale else ""
        return f"; {listed} file(s) ({rendered} rendered, {reused} reused{out_of_date})"


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
    skip: Collection[str] = (),
    force: bool = False,
    progress: Progress | None = None,
    gate: Gate | None = None,
) -> BuildResult:
    """Build DIR into OUT (default DIR/site); raise CvsiteError and leave OUT as it was on failure.

    `pdf=False` skips every WeasyPrint document (CV and letter PDFs); `skip` names further
    output kinds (`docx`, `txt`, `letter_pdf`) not to render this time. Either way the
    files an earlier build made are kept, as with `--no-pdf`.
    """
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
        skipped = frozenset(skip) | (frozenset(k.name for k in KINDS if k.pdf) if not pdf else frozenset())
        manifest = _build_into(staging, workspace, folders, set(jobs), skipped, base_url, result, progress)
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


@dataclass(frozen=True)
class _Due:
    """One document to render: its kind, its path in the site, its content hash."""

    kind: str
    path: str
    key: str


@dataclass
class _PagePlan:
    """One page's documents, planned before any is rendered: the page lists their sizes."""

    page: PageJob
    fingerprint: str
    letter: str
    theme: str
    files: list[tuple[OutputKind, str]] = field(default_factory=list)  # what the page offers
    due: list[_Due] = field(default_factory=list)  # what must be rendered


def _build_into(staging: Staging, workspace: Workspace, folders: dict[str, str], selected: set[str],
                skipped: frozenset[str], base_url: str | None, result: BuildResult,
                progress: Progress | None) -> Manifest:
    """Write every output into `staging`, each job into its folder; return the manifest
    (path -> content hash). A frozen job's stored files are published as they are.

    Documents first (reused, or rendered in parallel), then the pages, which
    link to them with their sizes.
    """
    build = _Build(staging, Manifest.read(staging.out), result)
    index = Index.build(workspace.profile, postings=workspace.postings.values())
    themes = _ThemeHashes(_user_theme(workspace))
    today = build_date()
    general = tailor_with(index, None, None, "")
    listed = _listed_jobs(workspace, folders, selected, build)
    sent = sent_records(workspace.root)
    plans: list[_PagePlan] = []
    for page, cv in _pages(index, workspace, folders, general, selected, set(sent)):
        if page.slug in sent:
            _publish_sent(build, page, sent[page.slug])
            continue
        if page.slug is not None and selected and page.slug not in selected:
            _carry_over(build, page)
            continue
        plans.append(_plan_documents(build, workspace, page, cv, themes, today, skipped))
    _write_site_files(build, workspace, general, base_url, listed)
    _render_documents(build, workspace, [p for p in plans if p.due], today, progress)
    for plan in plans:
        _write_page(build, workspace, index, general, plan, themes, base_url, listed)
    return build.manifest


def _plan_documents(build: _Build, workspace: Workspace, page: PageJob, cv: TailoredCV,
                    themes: _ThemeHashes, today: datetime.date, skipped: frozenset[str]) -> _PagePlan:
    """Which documents this CV gets, which are reused, and which must be rendered."""
    plan = _PagePlan(page, cv_fingerprint(cv), letter_fingerprint(cv), cv.theme)
    company = cv.job.company if cv.job else None
    for kind in KINDS:
        if not wanted(kind, workspace.profile, cv.job):
            continue
        path = page.folder + _file_name(kind, cv.person.name, company)
        parts = [kind.name, themes.of(cv.theme) if kind.themed else "", plan.fingerprint]
        if kind.letter:
            parts += [plan.letter, today.isoformat()]
        due = _Due(kind.name, path, _key(*parts))
        if _plan_document(build, kind.name not in skipped, page, due, plan.due):
            plan.files.append((kind, path))
    return plan


@functools.lru_cache(maxsize=1024)
def _file_name(kind: OutputKind, person: str, company: str | None) -> str:
    """Cached: the file name reads the transliteration table, which `serve` would
    otherwise pay for on every save."""
    return kind.file_name(person, company)


def _plan_document(build: _Build, enabled: bool, page: PageJob, due: _Due, queue: list[_Due]) -> bool:
    """Reuse an unchanged document, or queue it for rendering; when this build skips its
    kind, keep the previous one (under its old hash, so the next full build renders it afresh).
    True if the page will have the file."""
    old_key = build.previous.files.get(due.path)
    if old_key and (old_key == due.key or not enabled) and build.reuse(due.path):
        counter = build.result.reused if old_key == due.key else build.result.stale
        counter[due.kind] += 1
        _report(build.result, page, build.manifest.notes.get(due.path, {}))
        return True
    if enabled:
        queue.append(due)
    return enabled


def _write_page(build: _Build, workspace: Workspace, index: Index, general: TailoredCV, plan: _PagePlan,
                themes: _ThemeHashes, base_url: str | None, listed: list[tuple[str, str, str]]) -> None:
    """The page, offering the documents that made it into the build (with their sizes)."""
    page = plan.page
    downloads = tuple(_download(build, kind, path) for kind, path in plan.files
                      if path in build.manifest.files)
    pdf = next((d.href for d in downloads if d.kind == "pdf"), None)
    context = PageContext(
        root="" if page.slug is None else "../",
        pdf_name=pdf,
        downloads=downloads,
        base_url=base_url,
        page_path=page.folder,
        user_theme_dir=_user_theme(workspace),
        listed_jobs=tuple(listed) if page.slug is None else (),
    )
    key = _key("html", themes.of(plan.theme), plan.fingerprint, plan.letter, repr(context))

    def render() -> str:
        slug = page.slug
        if slug is None:
            return render_page(general, context)
        cv = tailor_with(index, slug, workspace.jobs[slug], workspace.postings[slug])
        return render_page(cv, context)

    _emit(build, page.html_path, key, render)


def _download(build: _Build, kind: OutputKind, path: str) -> Download:
    size = build.staging.target(path).stat().st_size
    return Download(kind.name, kind.label, path.rsplit("/", 1)[-1], size)


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


# -- documents, in parallel ----------------------------------------------------------

_WORKER: dict[str, Any] = {}
Outcome = list[Rendered] | list[Problem]


def _render_documents(build: _Build, workspace: Workspace, plans: list[_PagePlan], today: datetime.date,
                      progress: Progress | None) -> None:
    """Render every due document, one task per CV (tailored once for all its documents).

    When PDFs are due they take all cores, and the other documents of each CV render in
    the same workers beside them; a few quick ones (Word, text) render here, sparing a pool.
    Workers get the workspace this build loaded, not a fresh read, so a document always
    matches the content hash it is stored under.
    """
    if not plans:
        return
    tasks = [(plan.page.slug, tuple(d.kind for d in plan.due), today) for plan in plans]
    heavy = len(tasks) >= POOL_MIN_TASKS or any(BY_NAME[d.kind].pdf for plan in plans for d in plan.due)
    workers = min(len(tasks), _usable_cores()) if heavy else 1
    if workers == 1:
        _start_worker(workspace)
        _collect(build, plans, map(_render_task, tasks), progress)
        return
    context = _pool_context()
    if context.get_start_method() == "fork":
        _warm_fonts(workspace, [plan.page.slug for plan in plans])
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(workspace,))
    try:
        _collect(build, plans, pool.map(_render_task, tasks), progress)
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


def _render_task(task: tuple[str | None, tuple[str, ...], datetime.date]) -> Outcome:
    """The due documents of one CV, or the problems that stopped them (returned, so they
    cross the process boundary intact)."""
    slug, kinds, today = task
    workspace: Workspace = _WORKER["workspace"]
    job = workspace.jobs[slug] if slug else None
    what = f"the documents of {slug}" if slug else "the general CV's documents"
    try:
        cv = tailor_with(_WORKER["index"], slug, job, workspace.postings.get(slug, "") if slug else "")
        done = [_located(workspace, slug, kind, BY_NAME[kind].render(cv, _WORKER["theme"], today))
                for kind in kinds]
        # WeasyPrint removes each document's temporary font folder when the document is
        # collected; layouts hold cycles, and a pool worker exits without collecting.
        gc.collect()
        return done
    except CvsiteError as exc:
        if isinstance(exc.__cause__, jinja2.TemplateError):
            return template_problems(what, exc.__cause__)
        return exc.problems
    except Exception as exc:  # a worker must report, not die: the user gets file and line, not a traceback
        if _template_frame(exc) is not None:
            return template_problems(what, exc)
        return [Problem(workspace.profile_file, 0, 0, "", f"rendering {what} failed: "
                        f"{type(exc).__name__}: {exc}")]


def _located(workspace: Workspace, slug: str | None, kind: str, rendered: Rendered) -> Rendered:
    """A letter's warnings (it runs too long) point at the file and line the letter is written in."""
    source = workspace.letters.get(slug) if slug and BY_NAME[kind].letter else None
    if source is not None:
        rendered.warnings = [f"{source.file}:{source.line}: {w}" for w in rendered.warnings]
    return rendered


def _collect(build: _Build, plans: list[_PagePlan], outcomes: Iterator[Outcome],
             progress: Progress | None) -> None:
    for done, (plan, outcome) in enumerate(zip(plans, outcomes, strict=False), 1):
        if outcome and isinstance(outcome[0], Problem):
            raise CvsiteError(outcome)  # type: ignore[arg-type]
        for due, rendered in zip(plan.due, outcome, strict=True):
            assert isinstance(rendered, Rendered)
            build.write(due.path, rendered.data, due.key)
            notes = {k: v for k, v in (("cut", rendered.cut), ("cut_entries", rendered.cut_entries),
                                       ("warnings", rendered.warnings)) if v}
            if notes:
                build.manifest.notes[due.path] = notes
            build.result.rendered[due.kind] += 1
            _report(build.result, plan.page, notes)
        if progress:
            progress(done, len(plans))


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
        "job": cv.job.model_dump(mode="json", exclude=_NOT_IN_CV) if cv.job else None,
        "options": [cv.slug, cv.theme, cv.language, cv.paper, cv.max_pages, cv.listed],
        "matched_skills": cv.matched_skills,
        "sections": [[section.name, [_shown_item(r) for r in section.items]] for section in cv.sections],
    }
    text = json.dumps(shown, default=_plain, sort_keys=True, ensure_ascii=False)
    return _digest(text.encode("utf-8"))


_LETTER_FIELDS = frozenset({"letter", "greeting", "sign_off", "letter_date"})
# A letter or a change of `outputs:` changes the page and the letter PDF, not the CV's documents.
_NOT_IN_CV = _LETTER_FIELDS | {"outputs"}


def letter_fingerprint(cv: TailoredCV) -> str:
    """A stable hash of the job's letter and the words around it ("" without a job)."""
    if cv.job is None:
        return ""
    text = json.dumps(cv.job.model_dump(mode="json", include=_LETTER_FIELDS), sort_keys=True)
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
