"""`cvsite serve`: a live preview that rebuilds on save and reloads the browser.

The preview is built into a private temporary folder, so the user's real
output is never touched. On a change, the HTML is rebuilt at once (PDFs are
carried over) and the browser reloads; then the PDFs are re-rendered in a
background thread and the browser reloads again. A failed rebuild prints the
problems and shows them on every page, until the next good save.
"""

from __future__ import annotations

import html
import itertools
import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import click
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import ioloop

from cvsite.build import build_site
from cvsite.console import echo_problems
from cvsite.errors import CvsiteError, Problem
from cvsite.themes import discover_themes, shared_templates

POLL_MS = 100


class _QuickWatcher(Watcher):
    """livereload's watcher polls every 800 ms; poll every 100 ms instead so a
    save shows in the browser within half a second. Polling mtimes also sees
    editors' atomic saves (write a temporary file, rename it over the original).

    Every watched path only marks a change; one rebuild then runs per poll, so
    saving several files at once (or a whole folder changing) rebuilds once.
    """

    def __init__(self, on_change: Callable[[], object]) -> None:
        super().__init__()
        self.on_change = on_change
        self.changed = False

    def mark(self) -> None:
        self.changed = True

    def start(self, callback: Callable[[], None]) -> bool:
        ioloop.PeriodicCallback(callback, POLL_MS).start()
        return True

    def examine(self) -> tuple[str | None, float | None]:
        self.changed = False
        found = super().examine()
        if self.changed:
            self.on_change()
        return found


class _QuietServer(Server):
    """livereload sets its logger to INFO when it starts; keep it to warnings."""

    def _setup_logging(self) -> None:
        logging.getLogger("livereload").setLevel(logging.WARNING)


class Preview:
    """Owns the preview folder and the rebuilds, one generation at a time."""

    def __init__(self, directory: Path, out: Path, verbose: int) -> None:
        self.directory = directory
        self.out = out
        self.verbose = verbose
        self.generation = itertools.count(1)
        self.current = 0
        self.lock = threading.Lock()
        self.pdf_lock = threading.Lock()  # one PDF build at a time: each uses every core
        self.closed = threading.Event()
        self.threads: list[threading.Thread] = []
        self.unlisted: dict[str, str] = {}  # slug -> folder, from the last good build

    def rebuild(self) -> bool:
        """HTML now, PDFs in the background; True when the HTML build succeeded."""
        with self.lock:
            generation = self.current = next(self.generation)
        try:
            result = build_site(self.directory, self.out, pdf=False, skip=("docx", "txt"), force=True,
                                gate=self._gate(generation))
        except Exception as exc:  # the preview keeps running whatever the edit broke
            problems = _problems(exc)
            echo_problems(problems)
            with self.lock:
                if generation == self.current:
                    show_error(self.out, [str(p) for p in problems])
            return False
        self.unlisted = result.unlisted
        if self.verbose >= 0:
            click.echo(f"Rebuilt {result.pages} page(s) in {result.seconds:.2f} s", err=True)
        thread = threading.Thread(target=self._pdfs, args=(generation,), daemon=True)
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()
        return True

    def close(self, timeout: float = 30) -> None:
        """Stop background PDF builds before the preview folder is removed, so none
        recreates it: each stops after the PDF it is rendering."""
        self.closed.set()
        with self.lock:
            self.current = -1
        for thread in self.threads:
            thread.join(timeout)

    def _stop_if_closed(self, _done: int, _total: int) -> None:
        if self.closed.is_set():
            raise _Closed

    def _gate(self, generation: int) -> Callable[[Callable[[], None]], None]:
        """Swap a finished build in only if no newer edit has started since."""

        def gate(commit: Callable[[], None]) -> None:
            with self.lock:
                if generation == self.current:
                    commit()

        return gate

    def _pdfs(self, generation: int) -> None:
        with self.pdf_lock:
            if generation != self.current or self.closed.is_set():
                return  # a newer edit came in while waiting (its own thread renders), or closing
            try:
                result = build_site(self.directory, self.out, pdf=True, force=True,
                                    progress=self._stop_if_closed, gate=self._gate(generation))
            except _Closed:
                return
            except Exception as exc:
                echo_problems(_problems(exc))
                return
        if self.verbose >= 0 and generation == self.current:
            click.echo(f"PDFs ready ({result.pdfs_rendered} rendered) in {result.seconds:.1f} s", err=True)


class _Closed(Exception):
    """The preview is shutting down: abandon the background build."""


def _problems(exc: Exception) -> list[Problem]:
    if isinstance(exc, CvsiteError):
        return exc.problems
    return [Problem("cvsite", 0, 0, "", f"the rebuild failed: {type(exc).__name__}: {exc}")]


def show_error(out: Path, messages: list[str]) -> None:
    """Put the build errors at the top of every preview page.

    Each page is rewritten as a new file (never in place: unchanged outputs are
    hard links shared with earlier builds); a rewritten page no longer matches
    its manifest entry's size and time, so the next good build renders it afresh.
    """
    if not out.is_dir():
        out.mkdir(parents=True)
        (out / "index.html").write_text("<!doctype html><title>cvsite</title><body></body>", "utf-8")
    items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
    banner = ('<div role="alert" style="background:#7f1d1d;color:#fff;padding:1rem;font:14px/1.4 '
              f'monospace;white-space:pre-wrap"><strong>cvsite: the last edit failed</strong><ul>{items}'
              "</ul></div>")
    for page in out.rglob("*.html"):
        text = page.read_text("utf-8")
        marker = text.find(">", text.find("<body")) + 1 if "<body" in text else 0
        replacement = page.with_suffix(".html.tmp")
        replacement.write_text(text[:marker] + banner + text[marker:], "utf-8")
        replacement.replace(page)


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          verbose: int = 0) -> None:
    """Serve a live preview of DIR until interrupted."""
    workdir = Path(tempfile.mkdtemp(prefix="cvsite-serve-"))
    preview = Preview(Path(directory), workdir / "site", verbose)
    _exit_on_sigterm()
    try:
        preview.rebuild()
        watcher = _QuickWatcher(preview.rebuild)
        server = _QuietServer(watcher=watcher)
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
        for path in watched_paths(Path(directory)):
            server.watch(str(path), watcher.mark)
        server.watch(str(preview.out / "**" / "*.pdf"))
        click.echo(f"Serving {directory} on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
        for slug, folder in preview.unlisted.items():
            click.echo(f"  unlisted {slug}: http://{host}:{port}/{folder}", err=True)
        try:
            server.serve(port=port, host=host, root=str(preview.out), restart_delay=0,
                         open_url_delay=0.5 if open_browser else None)
        except OSError as exc:
            raise CvsiteError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        preview.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _exit_on_sigterm() -> None:
    """Leave through `finally` on SIGTERM too (not only Ctrl+C), so the preview folder is removed."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))


def watched_paths(directory: Path) -> list[Path]:
    """The profile, the jobs and their postings, the user's theme overrides, and every
    theme's folder, so someone writing a theme (say, installed with `pip install -e`)
    sees each change too."""
    themes = [source.path for source in discover_themes().values() if source.path is not None]
    shared = shared_templates()
    return [directory / "profile.yaml", directory / "jobs", directory / "theme", *themes,
            *([shared] if shared is not None else [])]
