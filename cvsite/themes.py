"""Themes: where they live, their Jinja2 environment, and their static assets.

A theme is a folder `themes/<name>/` holding `theme.yaml`, the templates
(`page.html` for the landing page, `cv.html` for the PDF, `404.html`, and any
partials, all `*.html`) and static assets (every other file: CSS, fonts,
images), which the site copies to `OUT/assets/<theme>/` (`Theme.asset_dir`)
keeping their relative paths. Templates that every built-in theme shares (the PDF template,
the page head, the contact list) live once in `themes/_shared/`, searched after the
theme's own folder, so a theme can still replace one by shipping its own.

A user customises a theme MkDocs-style with a folder `DIR/theme/`: a file there
with the same relative name as a theme file wins, for templates and assets
alike. An override template can extend the file it replaces through the
`theme:` prefix, which always names the theme's own file::

    {# DIR/theme/page.html #}
    {% extends "theme:page.html" %}
    {% block pitch %}{{ super() }} Available from May.{% endblock %}

Names are resolved inside those two folders only: `..`, absolute paths and
symlinks pointing elsewhere are refused, so neither a template nor a stylesheet
can read files outside the theme and the user's override folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import yaml

from cvsite.errors import CvsiteError, did_you_mean

THEME_PREFIX = "theme:"
SHARED = "_shared"
TEMPLATE_SUFFIXES = (".html", ".j2")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_PACKAGE_THEMES = Path(__file__).resolve().parent / "themes"
_REPO_THEMES = Path(__file__).resolve().parent.parent / "themes"


def themes_root() -> Path:
    """Folder of the built-in themes: inside the package when installed, else the repo's."""
    return _PACKAGE_THEMES if _PACKAGE_THEMES.is_dir() else _REPO_THEMES


def available_themes() -> list[str]:
    """Names of the built-in themes, sorted."""
    root = themes_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if _NAME.match(p.name) and (p / "theme.yaml").is_file())


def theme_path(name: str) -> Path:
    """Folder of the named built-in theme; CvsiteError naming the choices when unknown."""
    known = available_themes()
    if name not in known:
        raise CvsiteError(
            f"unknown theme '{name}'{did_you_mean(str(name), known)}; available: {', '.join(known)}"
        )
    return themes_root() / name


def shared_templates() -> Path | None:
    """`themes/_shared/`: templates every built-in theme uses unless it has its own
    (the page head, the contact list), searched after the theme's folder."""
    folder = themes_root() / SHARED
    return folder if folder.is_dir() else None


def safe_join(root: Path, name: str) -> Path | None:
    """`root/name` when that names a file inside root (after resolving symlinks), else None."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or any(p in ("..", "") or ":" in p for p in parts):
        return None
    base = root.resolve()
    path = base.joinpath(*parts).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def is_template(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIXES)


class ThemeLoader(jinja2.BaseLoader):
    """Search `DIR/theme/` first, then the theme; `theme:<name>` reaches the theme's own file.

    Templates are reloaded when an override appears or disappears, not only
    when a file changes, so `serve` picks up a newly created override.
    """

    def __init__(self, theme_dir: Path, user_dir: Path | None) -> None:
        self.theme_dir = theme_dir
        self.user_dir = user_dir
        self.shared_dir = shared_templates()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template.startswith(THEME_PREFIX):
            name = template[len(THEME_PREFIX):]
            found = (safe_join(root, name) for root in self._roots() if root != self.user_dir)
            return self._source(template, next((p for p in found if p is not None), None), name)
        for root in self._roots():
            path = safe_join(root, template)
            if path is not None:
                return self._source(template, path, template)
        raise jinja2.TemplateNotFound(template)

    def _roots(self) -> list[Path]:
        return [p for p in (self.user_dir, self.theme_dir, self.shared_dir) if p is not None]

    def _source(
        self, template: str, path: Path | None, name: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if path is None:
            raise jinja2.TemplateNotFound(template)
        mtime = path.stat().st_mtime_ns
        overridden = self._override_exists(name)

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime_ns == mtime and self._override_exists(name) == overridden
            except OSError:
                return False

        return path.read_text("utf-8"), str(path), uptodate

    def _override_exists(self, name: str) -> bool:
        return self.user_dir is not None and safe_join(self.user_dir, name) is not None

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for root in self._roots():
            names.update(n for n in _files(root) if is_template(n))
        return sorted(names)


@dataclass(frozen=True)
class Theme:
    """A built-in theme plus an optional user override folder (`DIR/theme/`)."""

    name: str
    path: Path
    user_dir: Path | None = None
    info: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def asset_dir(self) -> str:
        """Where this theme's assets live relative to the site root: `assets/<theme>/`.

        One folder per theme, because jobs may use different themes and their
        files (style.css, fonts) share names.
        """
        return f"assets/{self.name}/"

    @cached_property
    def environment(self) -> jinja2.Environment:
        return _environment(self.path, self.user_dir)

    def template(self, name: str) -> jinja2.Template:
        """Load a template, reporting a broken override as a CvsiteError rather than a traceback."""
        try:
            return self.environment.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise CvsiteError(f"theme '{self.name}' has no template '{exc.name}'") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise CvsiteError(f"{exc.filename}:{exc.lineno}: template error: {exc.message}") from exc

    def assets(self) -> dict[str, Path]:
        """Static files to publish under `assets/`: {relative posix name: source file}.

        Overrides in the user's folder win over the theme's file of the same name.
        """
        found: dict[str, Path] = {}
        for root in (self.path, self.user_dir):
            if root is None:
                continue
            for name in _files(root):
                if not is_template(name) and name != "theme.yaml":
                    found[name] = root.resolve() / name
        return dict(sorted(found.items()))

    def asset(self, name: str) -> Path | None:
        """The file that serves asset `name` (user override first), or None."""
        for root in (self.user_dir, self.path):
            if root is not None and not is_template(name):
                path = safe_join(root, name)
                if path is not None:
                    return path
        return None

    def roots(self) -> list[Path]:
        """Folders this theme may read from, user overrides first, shared templates last."""
        return [p.resolve() for p in (self.user_dir, self.path, shared_templates()) if p is not None]


def load_theme(name: str, user_dir: Path | None = None) -> Theme:
    """The named built-in theme, with `DIR/theme/` overrides when that folder exists."""
    path = theme_path(name)
    info = yaml.safe_load((path / "theme.yaml").read_text("utf-8")) or {}
    user = Path(user_dir) if user_dir is not None and Path(user_dir).is_dir() else None
    if user is not None:
        _refuse_links_out(user)
    return Theme(name, path, user, info)


def _refuse_links_out(user_dir: Path) -> None:
    """A symlink in DIR/theme/ that points elsewhere would be ignored without a word (the
    theme's own file would win), so it is an error naming the link instead."""
    base = user_dir.resolve()
    for folder, dirs, files in os.walk(user_dir):
        for entry in (*dirs, *files):
            path = Path(folder) / entry
            if path.is_symlink() and not path.resolve().is_relative_to(base):
                raise CvsiteError(f"{path}: links to {os.readlink(path)}, outside {user_dir}; "
                                  "a theme override must be a file inside that folder")


@lru_cache(maxsize=32)
def _environment(theme_dir: Path, user_dir: Path | None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=ThemeLoader(theme_dir, user_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _files(root: Path) -> list[str]:
    """Relative posix names of the visible files under root that stay inside it."""
    base = root.resolve()
    names = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if file.startswith("."):
                continue
            rel = (Path(folder) / file).relative_to(base).as_posix()
            if safe_join(base, rel) is not None:
                names.append(rel)
    return names
