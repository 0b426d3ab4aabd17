"""`cvsite build`: the whole pipeline, from a profile folder to a publishable site.

load -> validate (cvsite.loader) -> tailor (cvsite.tailor) -> render HTML
(cvsite.render_html) -> render PDF (cvsite.render_pdf) -> write atomically
(cvsite.output). Every output carries a content hash (tailored data, theme
files, cvsite version, page context); an output whose hash matches the
previous build's manifest is reused instead of rendered, so a rebuild with
nothing changed renders no PDF.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from cvsite import __version__
from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.loader import Workspace, load_workspace
from cvsite.output import Manifest, Staging, check_output_dir
from cvsite.render_html import PageContext, render_404, render_page
from cvsite.render_pdf import PdfResult, pdf_file_name, render_pdf
from cvsite.tailor import Index, tailor_with
from cvsite.tailored import TailoredCV
from cvsite.themes import load_theme

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
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        dropped = f", {len(self.dropped)} item(s) dropped to fit pages" if self.dropped else ""
        return (f"Built {self.pages} page(s) and {self.pdfs_rendered + self.pdfs_reused} PDF(s) "
                f"({self.pdfs_rendered} rendered, {self.pdfs_reused} reused{dropped}) "
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
    base_url = _normalise_base_url(base_url or workspace.profile.base_url)
    result = BuildResult(out)
    try:
        staging = Staging(out)
    except OSError as exc:
        raise CvsiteError(f"{out}: cannot create the build folder: {exc.strerror or exc}") from None
    try:
        files = _build_into(staging, workspace, set(jobs), pdf, base_url, result, progress)
        if strict and result.warnings:
            raise CvsiteError([Problem(str(out), 0, 0, "", f"warning (--strict): {w}")
                               for w in result.warnings])
        if gate:
            gate(lambda: staging.commit(Manifest(files)))
        else:
            staging.commit(Manifest(files))
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


def _normalise_base_url(url: str | None) -> str | None:
    return url.rstrip("/") + "/" if url else None


# -- the build proper ---------------------------------------------------------------

def _build_into(staging: Staging, workspace: Workspace, selected: set[str], pdf: bool,
                base_url: str | None, result: BuildResult, progress: Progress | None) -> dict[str, str]:
    """Write every output into `staging`; return the manifest (path -> content hash)."""
    previous = Manifest.read(staging.out)
    files: dict[str, str] = {}
    index = Index.build(workspace.profile)
    user_theme = _user_theme(workspace)
    themes = _ThemeHashes(user_theme)
    pdf_tasks: list[tuple[PageJob, str, str]] = []
    general = tailor_with(index, None, None, "")
    listed = _listed_jobs(workspace)
    for page, cv in _pages(index, workspace, general, selected):
        if page.slug is not None and selected and page.slug not in selected:
            _carry_over(staging, previous, files, page)
            continue
        fingerprint = cv_fingerprint(cv)
        pdf_path = page.folder + pdf_file_name(cv.person.name, cv.job.company if cv.job else None)
        pdf_key = _key("pdf", themes.of(cv.theme), fingerprint)
        has_pdf = _plan_pdf(staging, previous, files, pdf, (page, pdf_path, pdf_key), pdf_tasks, result)
        context = PageContext(
            root="" if page.slug is None else "../",
            pdf_name=pdf_path.rsplit("/", 1)[-1] if has_pdf else None,
            base_url=base_url,
            page_path=page.folder,
            user_theme_dir=user_theme,
            listed_jobs=tuple(listed) if page.slug is None else (),
        )
        html_key = _key("html", themes.of(cv.theme), fingerprint, repr(context))
        _emit(staging, previous, files, page.html_path, html_key, result,
              lambda cv=cv, context=context: render_page(cv, context))
    _write_site_files(staging, workspace, general, base_url, listed, files)
    _render_pdfs(staging, workspace, pdf_tasks, files, result, progress)
    return files


def _plan_pdf(staging: Staging, previous: Manifest, files: dict[str, str], pdf: bool,
              task: tuple[PageJob, str, str], queue: list[tuple[PageJob, str, str]],
              result: BuildResult) -> bool:
    """Reuse an unchanged PDF, or queue it for rendering; with --no-pdf keep the
    previous one (under its old hash, so the next full build renders it afresh)."""
    _page, path, key = task
    old_key = previous.files.get(path)
    if (old_key == key or not pdf) and old_key and staging.reuse(path):
        files[path] = old_key
        result.pdfs_reused += old_key == key
        return True
    if pdf:
        queue.append(task)
    return pdf


def _pages(index: Index, workspace: Workspace, general: TailoredCV,
           selected: set[str]) -> Iterator[tuple[PageJob, TailoredCV]]:
    """Tailor one job at a time, so memory stays flat however many jobs there are."""
    yield PageJob(None, ""), general
    for slug, job in workspace.jobs.items():
        if selected and slug not in selected:
            yield PageJob(slug, f"{slug}/"), general
            continue
        yield PageJob(slug, f"{slug}/"), tailor_with(index, slug, job, workspace.postings[slug])


def _carry_over(staging: Staging, previous: Manifest, files: dict[str, str], page: PageJob) -> None:
    for path, key in previous.files.items():
        if path.startswith(page.folder) and staging.reuse(path):
            files[path] = key


def _emit(staging: Staging, previous: Manifest, files: dict[str, str], path: str, key: str,
          result: BuildResult, render: Callable[[], str]) -> None:
    result.pages += 1
    if previous.files.get(path) == key and staging.reuse(path):
        result.pages_reused += 1
    else:
        staging.write_text(path, _render_template(path, render))
    files[path] = key


def _render_template(path: str, render: Callable[[], str]) -> str:
    try:
        return render()
    except jinja2.TemplateSyntaxError as exc:
        raise CvsiteError([Problem(exc.filename or exc.name or "template", exc.lineno or 0, 1, "",
                                   f"template error while rendering {path}: {exc.message}")]) from None
    except jinja2.TemplateError as exc:
        raise CvsiteError(f"template error while rendering {path}: {exc}") from None


def _listed_jobs(workspace: Workspace) -> list[tuple[str, str, str]]:
    return [(slug, job.company, job.role) for slug, job in workspace.jobs.items() if job.listed]


def _user_theme(workspace: Workspace) -> Path | None:
    folder = workspace.root / "theme"
    return folder if folder.is_dir() else None


def _write_site_files(staging: Staging, workspace: Workspace, general: TailoredCV, base_url: str | None,
                      listed: list[tuple[str, str, str]], files: dict[str, str]) -> None:
    user_theme = _user_theme(workspace)
    for name in sorted({general.theme, *(j.theme for j in workspace.jobs.values() if j.theme)}):
        theme = load_theme(name, user_theme)
        for relative, source in theme.assets().items():
            data = source.read_bytes()
            staging.write_bytes(theme.asset_dir + relative, data)
            files[theme.asset_dir + relative] = _digest(data)
    staging.write_text("404.html", render_404(general, base_url, user_theme))
    staging.write_text(".nojekyll", "")
    staging.write_text("robots.txt", _robots(base_url))
    if base_url:
        staging.write_text("sitemap.xml", _sitemap(base_url, [slug for slug, _, _ in listed]))
    if workspace.profile.domain:
        staging.write_text("CNAME", workspace.profile.domain.strip() + "\n")


def _robots(base_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url}sitemap.xml")
    return "\n".join(lines) + "\n"


def _sitemap(base_url: str, listed: list[str]) -> str:
    from xml.sax.saxutils import escape

    urls = [base_url, *(f"{base_url}{slug}/" for slug in listed)]
    entries = "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")


# -- PDFs, in parallel --------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _render_pdfs(staging: Staging, workspace: Workspace, tasks: list[tuple[PageJob, str, str]],
                 files: dict[str, str], result: BuildResult, progress: Progress | None) -> None:
    if not tasks:
        return
    slugs = [page.slug for page, _, _ in tasks]
    workers = min(len(tasks), os.cpu_count() or 1)
    if workers == 1:
        _start_worker(workspace.root)
        _collect(staging, tasks, map(_render_one, slugs), files, result, progress)
        return
    with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_start_worker,
                             initargs=(workspace.root,)) as pool:
        _collect(staging, tasks, pool.map(_render_one, slugs), files, result, progress)


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork is fastest, but forking a threaded process (serve) can deadlock."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _start_worker(root: Path) -> None:
    workspace = load_workspace(root)
    _WORKER.update(workspace=workspace, index=Index.build(workspace.profile), theme=_user_theme(workspace))


def _render_one(slug: str | None) -> PdfResult:
    workspace: Workspace = _WORKER["workspace"]
    index: Index = _WORKER["index"]
    job = workspace.jobs[slug] if slug else None
    cv = tailor_with(index, slug, job, workspace.postings.get(slug, "") if slug else "")
    return render_pdf(cv, _WORKER["theme"])


def _collect(staging: Staging, tasks: list[tuple[PageJob, str, str]], outcomes: Iterator[PdfResult],
             files: dict[str, str], result: BuildResult, progress: Progress | None) -> None:
    for done, ((page, path, key), outcome) in enumerate(zip(tasks, outcomes, strict=False), 1):
        staging.write_bytes(path, outcome.data)
        files[path] = key
        result.pdfs_rendered += 1
        label = page.slug or "general CV"
        result.dropped += [f"{label}: {d}" for d in outcome.dropped]
        result.warnings += [f"{label}: {w}" for w in outcome.warnings]
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
    """A stable hash of everything a renderer can see of this CV."""
    text = json.dumps(cv, default=_plain, sort_keys=True, ensure_ascii=False)
    return _digest(text.encode("utf-8"))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def _key(*parts: str) -> str:
    return _digest("\0".join((__version__, *parts)).encode("utf-8"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
