"""Themes: how they are found, their Jinja2 environment, and their static assets.

A theme is a folder holding `theme.yaml` (validated by `ThemeConfig`), the
templates (`page.html` for the landing page, `cv.html` for the PDF,
`404.html`, and any partials, all `*.html`) and static assets (every other
file: CSS, fonts, images), which the site copies to `OUT/assets/<theme>/`
(`Theme.asset_dir`) keeping their relative paths.

Themes are found through the entry-point group `cvsite.themes`, the way MkDocs
finds its themes: cvsite registers its built-in themes there, and a theme
installed as a Python package registers itself the same way (docs/themes.md
has the contract). A source checkout without installed metadata still finds
the built-in folders next to the package.

Templates and assets are looked up, first match wins, in:

1. the profile's `DIR/theme/` folder (MkDocs-style overrides),
2. the theme's own folder,
3. its parent theme's folder (`parent:` in theme.yaml), then that theme's parent,
4. `themes/_shared/`, the templates every theme gets unless it ships its own.

A template can reach past the earlier folders with a prefix: `theme:` skips
`DIR/theme/` (so an override can extend the file it replaces), a theme's name
(`classic:`) starts at that theme of the chain, so a child theme extends its
parent's file at any depth, as Pelican's `!simple/` does, and `_shared:` names
the shared file::

    {# DIR/theme/page.html #}
    {% extends "theme:page.html" %}
    {% block pitch %}{{ super() }} Available from May.{% endblock %}

Names are resolved inside those folders only: `..`, absolute paths and
symlinks pointing elsewhere are refused, so neither a template nor a stylesheet
can read files outside the theme and the user's override folder.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

import jinja2
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.yamlsource import YamlDocument

ENTRY_POINT_GROUP = "cvsite.themes"
THEME_FILE = "theme.yaml"
THEME_PREFIX = "theme:"
SHARED = "_shared"
TEMPLATE_SUFFIXES = (".html", ".j2")
BUILT_IN = "built-in"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_RESERVED = {THEME_PREFIX.rstrip(":")}  # a theme of that name could not be reached by prefix
_PACKAGE_THEMES = Path(__file__).resolve().parent / "themes"
_REPO_THEMES = Path(__file__).resolve().parent.parent / "themes"
_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-z]+)$")
_CSS_FONT = re.compile(r"""^[\w .,/"'-]+$""")

MarginBox = Literal[
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner",
    "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom",
]


class FontInfo(BaseModel):
    """A font a theme ships: `cvsite themes` shows it, since whoever publishes the
    site publishes the font files too and should know their licence."""

    model_config = ConfigDict(extra="forbid")
    family: str
    license: str
    source: str = ""


def _css_color(value: str) -> str:
    if not _CSS_COLOR.match(value):
        raise ValueError(f"expected a CSS colour such as #1e1b4b or white, got {value!r}")
    return value


def _css_font(value: str) -> str:
    if not _CSS_FONT.match(value):
        raise ValueError("expected a CSS font shorthand (letters, digits, spaces and , . / \" ' -), "
                         f"got {value!r}")
    return value


CssColor = Annotated[str, AfterValidator(_css_color)]
CssFont = Annotated[str, AfterValidator(_css_font)]


class FallbackStyle(BaseModel):
    """The 404 page's inline style. GitHub Pages serves 404.html for a missing path at
    any depth, so without a base URL the page cannot link style.css and styles itself.
    Values go into a <style> element verbatim, hence the narrow patterns."""

    model_config = ConfigDict(extra="forbid")
    font: CssFont = "1rem/1.6 system-ui, sans-serif"
    color: CssColor = "#111"
    background: CssColor = "#fff"
    dark_color: CssColor = "#eee"
    dark_background: CssColor = "#111"


class WordStyle(BaseModel):
    """How the Word (.docx) CV looks: Word has no CSS, so the theme says it here."""

    model_config = ConfigDict(extra="forbid")
    accent: CssColor | None = Field(None, description="Headings' and links' colour, #rrggbb")
    font: str = Field("", description="A font Word has, e.g. Calibri or Georgia; empty: Word's default")


class ThemeConfig(BaseModel):
    """`theme.yaml`. Keys a child theme leaves out are taken from its parent
    (except `description`, which describes this theme alone)."""

    model_config = ConfigDict(extra="forbid")
    description: str = ""
    parent: str | None = None
    fonts: list[FontInfo] = []
    page_counter_box: MarginBox = "bottom-right"  # where cv.html puts "page n of N"
    not_found_style: FallbackStyle = FallbackStyle()
    word: WordStyle = WordStyle()

    def under(self, parent: ThemeConfig) -> ThemeConfig:
        """This config with the keys it does not set taken from `parent`'s."""
        own = self.model_fields_set | {"description", "parent"}
        inherited = {k: getattr(parent, k) for k in type(self).model_fields if k not in own}
        return self.model_copy(update=inherited)


@dataclass(frozen=True)
class ThemeSource:
    """Where a theme was found: its folder, and who provides it (for `cvsite themes`).

    `error` says why the theme cannot be used (a broken entry point, a name
    two packages claim); such a theme is listed but fails when chosen.
    """

    name: str
    path: Path | None
    origin: str
    error: str | None = None


def themes_root() -> Path:
    """Folder of the built-in themes: inside the package when installed, else the repo's."""
    return _PACKAGE_THEMES if _PACKAGE_THEMES.is_dir() else _REPO_THEMES


def builtin_theme(name: str) -> Path:
    """The folder of built-in theme `name`: what cvsite's own entry points resolve to."""
    return themes_root() / name


@cache
def discover_themes() -> dict[str, ThemeSource]:
    """Every theme registered under the `cvsite.themes` entry points, by name, plus
    the built-in folders when cvsite runs from a checkout that has no metadata."""
    found: dict[str, ThemeSource] = {}
    for entry in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=_entry_order):
        _register(found, _from_entry_point(entry))
    root = themes_root()
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if _NAME.match(folder.name) and folder.name not in _RESERVED and (folder / THEME_FILE).is_file():
            _register(found, ThemeSource(folder.name, folder.resolve(), BUILT_IN))
    return dict(sorted(found.items()))


def _entry_order(entry: importlib.metadata.EntryPoint) -> tuple[bool, str, str]:
    """cvsite's own entry points first, then by package and name: a stable order."""
    dist = entry.dist.name if entry.dist else ""
    return (dist != "cvsite", dist, entry.name)


def _from_entry_point(entry: importlib.metadata.EntryPoint) -> ThemeSource:
    dist = entry.dist
    origin = BUILT_IN if dist is None or dist.name == "cvsite" else f"{dist.name} {dist.version}"
    if not _NAME.match(entry.name) or entry.name in _RESERVED:
        return ThemeSource(entry.name, None, origin, "a theme name is lowercase letters, digits, - and _, "
                           f"and not {', '.join(sorted(_RESERVED))}")
    try:
        path = _folder_of(entry.load())
    except Exception as exc:  # a third-party package's import may fail in any way
        return ThemeSource(entry.name, None, origin, f"entry point '{entry.value}' failed to load: {exc}")
    if path is None or not (path / THEME_FILE).is_file():
        return ThemeSource(entry.name, path, origin,
                           f"entry point '{entry.value}' does not lead to a folder with {THEME_FILE}")
    return ThemeSource(entry.name, path.resolve(), origin)


def _folder_of(target: Any) -> Path | None:
    """The theme folder an entry point names: a module (its folder; for a namespace
    package, the portion holding theme.yaml), a path, or a function returning a path."""
    if isinstance(target, types.ModuleType):
        if target.__file__:
            return Path(target.__file__).parent
        portions = [Path(p) for p in getattr(target, "__path__", [])]
        return next((p for p in portions if (p / THEME_FILE).is_file()), None)
    if callable(target):
        target = target()
    return Path(target) if isinstance(target, (str, os.PathLike)) else None


def _register(found: dict[str, ThemeSource], source: ThemeSource) -> None:
    """Add `source`; a second, different theme of the same name makes both unusable,
    since which one a build used would depend on install order."""
    known = found.get(source.name)
    if known is None or (known.path == source.path and source.error is None):
        found.setdefault(source.name, source)
        return
    clash = f"two themes are named '{source.name}': from {known.origin} ({known.path}) " \
            f"and from {source.origin} ({source.path}); uninstall one"
    found[source.name] = ThemeSource(source.name, known.path, known.origin, clash)


def available_themes() -> list[str]:
    """Names of every discovered theme, sorted."""
    return list(discover_themes())


def theme_source(name: str) -> ThemeSource:
    """The named theme's source; CvsiteError naming the choices when unknown or broken."""
    themes = discover_themes()
    source = themes.get(name) if isinstance(name, str) else None
    if source is None:
        known = list(themes)
        raise CvsiteError(
            f"unknown theme '{name}'{did_you_mean(str(name), known)}; available: {', '.join(known)}"
        )
    if source.error or source.path is None:
        raise CvsiteError(f"theme '{name}' ({source.origin}) cannot be used: {source.error}")
    return source


def theme_path(name: str) -> Path:
    """Folder of the named theme; CvsiteError naming the choices when unknown."""
    path = theme_source(name).path
    assert path is not None  # theme_source refuses sources without a folder
    return path


def shared_templates() -> Path | None:
    """`themes/_shared/`: templates every theme uses unless it has its own (the page
    skeleton, the PDF template, the 404 page, the page head), searched last."""
    folder = themes_root() / SHARED
    return folder if folder.is_dir() else None


def read_config(path: Path) -> tuple[ThemeConfig, YamlDocument]:
    """A theme folder's `theme.yaml`, validated; CvsiteError naming file, line and key."""
    from cvsite.loader import load_model  # the loader imports this module (theme names)

    problems: list[Problem] = []
    doc, config = load_model(path / THEME_FILE, ThemeConfig, problems)
    if problems or config is None or doc is None:
        raise CvsiteError(problems)
    return config, doc


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


class FolderLoader(jinja2.FileSystemLoader):
    """Jinja's FileSystemLoader over a list of resolved folders, refusing a file that
    resolves outside them (a symlink), and reloading a template when a file earlier in
    the list appears or disappears, not only when the file found changes, so `serve`
    picks up a newly created override."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.join(root, "")) for root in self.searchpath):
            raise jinja2.TemplateNotFound(template)

        def current() -> bool:
            return bool(uptodate()) and self._first_match(template) == filename

        return source, filename, current

    def _first_match(self, template: str) -> str | None:
        """The file FileSystemLoader would pick now (`template` was checked when loaded)."""
        for root in self.searchpath:
            path = os.path.join(root, *template.split("/"))
            if os.path.isfile(path):
                return os.path.normpath(path)
        return None


@dataclass(frozen=True)
class Theme:
    """A theme plus an optional user override folder (`DIR/theme/`).

    `parents` are its parent themes' names and folders, nearest first.
    """

    name: str
    path: Path
    user_dir: Path | None = None
    config: ThemeConfig = field(default_factory=ThemeConfig, compare=False, hash=False)
    parents: tuple[tuple[str, Path], ...] = ()

    @property
    def asset_dir(self) -> str:
        """Where this theme's assets live relative to the site root: `assets/<theme>/`.

        One folder per theme, because jobs may use different themes and their
        files (style.css, fonts) share names.
        """
        return f"assets/{self.name}/"

    @cached_property
    def environment(self) -> jinja2.Environment:
        user = self.user_dir.resolve() if self.user_dir is not None else None
        shared = shared_templates()
        chain = tuple((name, path.resolve()) for name, path in ((self.name, self.path), *self.parents))
        return _environment(user, chain, shared.resolve() if shared is not None else None)

    def template(self, name: str) -> jinja2.Template:
        """Load a template, reporting a broken override as a CvsiteError rather than a traceback."""
        try:
            return self.environment.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise CvsiteError(f"theme '{self.name}' has no template '{exc.name}'") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise CvsiteError(f"{exc.filename}:{exc.lineno}: template error: {exc.message}") from exc

    def section_template(self, name: str) -> jinja2.Template:
        """The partial of section `name`: `sections/<name>.html` where the lookup finds one,
        else the generic `sections/_generic.html`. Resolved once per section, not per entry."""
        return self.environment.select_template([f"sections/{name}.html", "sections/_generic.html"])

    def assets(self) -> dict[str, Path]:
        """Static files to publish under `assets/`: {relative posix name: source file}.

        Earlier folders in the lookup order win over later ones for the same name.
        """
        found: dict[str, Path] = {}
        for root in reversed(self.roots()):
            for name in _files(root):
                if not is_template(name) and name != THEME_FILE:
                    found[name] = root / name
        return dict(sorted(found.items()))

    def asset(self, name: str) -> Path | None:
        """The file that serves asset `name` (first in the lookup order), or None."""
        if is_template(name):
            return None
        return next((p for p in (safe_join(root, name) for root in self.roots()) if p is not None), None)

    def asset_href(self, site_root: str) -> Callable[[str], str]:
        """The templates' `asset(name)`: the URL of an asset of this theme, from `site_root`.

        A name that no folder provides is an error naming the theme, instead of a
        page whose stylesheet link leads nowhere.
        """

        def href(name: str) -> str:
            if self.asset(name) is None:
                raise CvsiteError(f"theme '{self.name}' has no asset '{name}' "
                                  f"(looked in {', '.join(str(root) for root in self.roots())})")
            return f"{site_root}{self.asset_dir}{name}"

        return href

    def roots(self) -> list[Path]:
        """Folders this theme reads from, in lookup order: overrides, the theme, its
        parents, shared templates."""
        folders = (self.user_dir, self.path, *(path for _, path in self.parents), shared_templates())
        return [p.resolve() for p in folders if p is not None]


def load_theme(name: str, user_dir: Path | None = None) -> Theme:
    """The named theme with its parents, with `DIR/theme/` overrides when that folder exists."""
    path = theme_path(name)
    config, parents = _lineage(name, path)
    user = Path(user_dir) if user_dir is not None and Path(user_dir).is_dir() else None
    if user is not None:
        _refuse_links_out(user)
    return Theme(name, path, user, config, parents)


def _lineage(name: str, path: Path) -> tuple[ThemeConfig, tuple[tuple[str, Path], ...]]:
    """The theme's config (with inherited keys) and its parents' names and folders, nearest first."""
    names, folders, configs = [name], [path], [read_config(path)]
    while configs[-1][0].parent is not None:
        config, doc = configs[-1]
        parent = str(config.parent)
        if parent in names:
            message = f"themes inherit in a circle: {' -> '.join([*names, parent])}"
            raise CvsiteError([doc.problem(("parent",), "parent", message)])
        if parent not in discover_themes():
            known = [n for n in available_themes() if n not in names]
            message = f"unknown theme '{parent}'{did_you_mean(parent, known)}; available: {', '.join(known)}"
            raise CvsiteError([doc.problem(("parent",), "parent", message)])
        names.append(parent)
        folders.append(theme_path(parent))
        configs.append(read_config(folders[-1]))
    merged = configs[-1][0]
    for own, _ in reversed(configs[:-1]):
        merged = own.under(merged)
    return merged, tuple(zip(names[1:], folders[1:], strict=True))


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
def _environment(
    user: Path | None, chain: tuple[tuple[str, Path], ...], shared: Path | None
) -> jinja2.Environment:
    """Jinja's own loaders in the lookup order; `chain` is the theme and its parents,
    (name, folder) each, nearest first."""
    below = [path for _, path in chain] + ([shared] if shared is not None else [])
    by_name = {name: FolderLoader(below[depth:]) for depth, (name, _) in enumerate(chain)}
    prefixed = jinja2.PrefixLoader(
        {
            **by_name,
            THEME_PREFIX.rstrip(":"): FolderLoader(below),
            SHARED: FolderLoader([shared] if shared is not None else []),
        },
        delimiter=":",
    )
    everywhere = FolderLoader([user, *below] if user is not None else below)
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([prefixed, everywhere]),
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


@dataclass(frozen=True)
class ThemeListing:
    """One line of `cvsite themes`: what a theme is and where it comes from."""

    name: str
    origin: str
    path: Path | None
    description: str = ""
    parents: tuple[str, ...] = ()
    fonts: tuple[FontInfo, ...] = ()
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "description": self.description, "origin": self.origin,
            "path": str(self.path) if self.path else None, "parents": list(self.parents),
            "fonts": [font.model_dump() for font in self.fonts], "error": self.error,
        }

    def lines(self, width: int) -> list[str]:
        indent = " " * (width + 2)
        lines = [f"{self.name:<{width}}  {self.description or '(no description)'}"]
        lines.append(f"{indent}{self.origin} · {self.path}")
        if self.parents:
            lines.append(f"{indent}extends {' -> '.join(self.parents)}")
        lines += [f"{indent}font: {f.family}, {f.license}" for f in self.fonts]
        if self.error:
            lines.append(f"{indent}cannot be used: {self.error}")
        return lines


def list_themes() -> list[ThemeListing]:
    """Every discovered theme, usable or not, with what `cvsite themes` shows."""
    return [_listing(source) for source in discover_themes().values()]


def _listing(source: ThemeSource) -> ThemeListing:
    if source.error or source.path is None:
        return ThemeListing(source.name, source.origin, source.path, error=source.error)
    try:
        theme = load_theme(source.name)
    except CvsiteError as exc:
        return ThemeListing(source.name, source.origin, source.path, error=str(exc))
    parents = tuple(name for name, _ in theme.parents)
    return ThemeListing(source.name, source.origin, source.path, theme.config.description, parents,
                        tuple(theme.config.fonts))


def themes_text(listings: list[ThemeListing]) -> str:
    """The listing as `cvsite themes` prints it: name and description, then where from."""
    width = max((len(item.name) for item in listings), default=0)
    return "\n".join(line for item in listings for line in item.lines(width))
