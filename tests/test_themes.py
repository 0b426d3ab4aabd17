import importlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from render_support import EXAMPLE, tailored, workspace

from cvsite.errors import CvsiteError
from cvsite.render_pdf import render_pdf
from cvsite.themes import (
    Theme,
    ThemeConfig,
    available_themes,
    discover_themes,
    list_themes,
    load_theme,
    read_config,
    safe_join,
    theme_path,
    themes_root,
)


def test_builtin_themes_are_found():
    assert {"modern", "classic"} <= set(available_themes())
    assert (themes_root() / "modern" / "theme.yaml").is_file()


def test_every_theme_is_complete():
    for name in available_themes():
        theme = load_theme(name)
        for template in ("page.html", "cv.html", "404.html"):
            theme.template(template)
        assets = theme.assets()
        for css in ("style.css", "print.css", "fonts.css", "print-fonts.css", "fonts/OFL.txt"):
            assert css in assets, f"{name} lacks {css}"
        assert any(n.endswith(".woff2") for n in assets)
        assert not any(n.endswith(".html") or n == "theme.yaml" for n in assets)


def test_shared_templates_serve_every_theme_and_stay_overridable(tmp_path):
    assert "_shared" not in available_themes()
    for name in available_themes():
        loader = load_theme(name).environment.loader
        _, filename, _ = loader.get_source(load_theme(name).environment, "partials/head.html")
        assert filename.endswith("_shared/partials/head.html") or f"/{name}/" in filename
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "contact.html").write_text("MINE {% include 'theme:partials/contact.html' %}")
    environment = load_theme("classic", tmp_path).environment
    source, filename, _ = environment.loader.get_source(environment, "partials/contact.html")
    assert source.startswith("MINE") and filename.startswith(str(tmp_path))
    original, filename, _ = environment.loader.get_source(environment, "theme:partials/contact.html")
    assert "_shared" in filename and "MINE" not in original


def test_unknown_theme_names_the_choices():
    with pytest.raises(CvsiteError) as error:
        load_theme("modren")
    assert "unknown theme 'modren'" in str(error.value)
    assert "did you mean 'modern'" in str(error.value)
    assert "classic" in str(error.value)


def test_override_wins_and_can_extend_the_original(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "page.html").write_text(
        '{% extends "theme:page.html" %}{% block pitch %}OVERRIDE {{ super() }}{% endblock %}'
    )
    theme = load_theme("modern", tmp_path)
    source = theme.environment.loader.get_source(theme.environment, "page.html")[0]
    assert source.startswith("{% extends")
    original = theme.environment.loader.get_source(theme.environment, "theme:page.html")[0]
    assert "block pitch" in original


def test_new_override_is_picked_up_without_a_new_environment(tmp_path):
    theme = load_theme("modern", tmp_path)
    before = theme.environment.get_template("partials/contact.html")
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "contact.html").write_text("custom contact")
    after = theme.environment.get_template("partials/contact.html")
    assert before is not after
    assert after.render() == "custom contact"


def test_asset_overrides_win(tmp_path):
    (tmp_path / "style.css").write_text("body{}")
    (tmp_path / "extra.png").write_bytes(b"\x89PNG")
    theme = load_theme("classic", tmp_path)
    assets = theme.assets()
    assert assets["style.css"] == (tmp_path / "style.css").resolve()
    assert assets["print.css"].parent == theme.path.resolve()
    assert "extra.png" in assets
    assert theme.asset("style.css") == (tmp_path / "style.css").resolve()
    assert theme.asset_dir == "assets/classic/"


def test_paths_cannot_escape(tmp_path):
    root = tmp_path / "theme"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "link.css")
    for name in ("../secret.txt", "/etc/passwd", "a/../../secret.txt", "link.css", "C:/x", ""):
        assert safe_join(root, name) is None, name
    with pytest.raises(CvsiteError, match=r"link\.css: links to .*secret\.txt, outside"):
        load_theme("modern", root)
    theme = Theme("modern", theme_path("modern"), root)  # the inner defence, past that check
    assert "link.css" not in theme.assets()
    with pytest.raises(jinja2.TemplateNotFound):
        theme.environment.get_template("../secret.txt")
    with pytest.raises(jinja2.TemplateNotFound):
        theme.environment.get_template("theme:../../README.md")


def test_broken_override_is_a_clear_error(tmp_path):
    (tmp_path / "page.html").write_text("{% block x %}")
    with pytest.raises(CvsiteError, match="template error"):
        load_theme("modern", tmp_path).template("page.html")


def test_autoescaping_is_on_everywhere():
    env = load_theme("modern").environment
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


# --- theme.yaml ---------------------------------------------------------------------------------


def _theme_folder(root, name="mine", yaml_text="description: Mine.\n", files=None):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text(yaml_text, "utf-8")
    for relative, text in (files or {}).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, "utf-8")
    return folder


def test_every_theme_yaml_is_valid_and_described():
    for name in available_themes():
        config, _ = read_config(theme_path(name))
        assert config.description, f"{name}: theme.yaml has no description"


def test_unknown_theme_yaml_key_names_file_line_and_the_key_meant(tmp_path):
    folder = _theme_folder(tmp_path, yaml_text="description: Mine.\npage_counter_bx: top-left\n")
    with pytest.raises(CvsiteError) as error:
        read_config(folder)
    message = str(error.value)
    assert f"{folder / 'theme.yaml'}:2:1: page_counter_bx: unknown field 'page_counter_bx'" in message
    assert "did you mean 'page_counter_box'" in message


KEYS = set(ThemeConfig.model_fields)


@settings(max_examples=40, deadline=None)
@given(key=st.from_regex(r"[a-z][a-z_]{0,19}", fullmatch=True).filter(lambda k: k not in KEYS),
       blank_lines=st.integers(0, 6))
def test_any_unknown_key_is_named_on_its_line(tmp_path_factory, key, blank_lines):
    folder = tmp_path_factory.mktemp("theme")
    (folder / "theme.yaml").write_text("# a theme\n" * blank_lines + f"description: Mine.\n{key}: 1\n")
    with pytest.raises(CvsiteError) as error:
        read_config(folder)
    [problem] = error.value.problems
    assert (problem.line, problem.path) == (blank_lines + 2, key)
    assert problem.message.startswith(f"unknown field '{key}'")


def test_theme_yaml_values_are_checked(tmp_path):
    bad = ("description: Mine.\npage_counter_box: bottom\n"
           "not_found_style:\n  font: 'x; } body { display: none'\n")
    folder = _theme_folder(tmp_path, yaml_text=bad)
    with pytest.raises(CvsiteError) as error:
        read_config(folder)
    problems = {p.path: p for p in error.value.problems}
    assert problems["page_counter_box"].line == 2
    assert "'bottom' is not allowed here (did you mean" in problems["page_counter_box"].message
    assert problems["not_found_style.font"].line == 4
    assert problems["not_found_style.font"].message.startswith("expected a CSS font shorthand")


def test_not_found_style_styles_the_404_page():
    for name in available_themes():
        theme = load_theme(name)
        style = theme.config.not_found_style
        page = theme.environment.get_template("404.html").render(
            lang="en", t=_Texts(), person=_Person(), home=None, asset=str, theme=theme)
        assert f"font: {style.font}; color: {style.color}; background: {style.background};" in page
        assert f"color: {style.dark_color}; background: {style.dark_background};" in page


class _Texts:
    def text(self, key, **_):
        return key


class _Person:
    name = "Ada"


def _counter_position(data: bytes) -> float:
    """Where "page 2 of" starts on the second page (page 1 has no counter), as a fraction
    of the page width."""
    page = PdfReader(io.BytesIO(data)).pages[1]
    found = []

    def visit(text, cm, tm, *_):
        if "page 2 of" in text:
            found.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    assert found, "no page counter on page 2"
    return found[0] / float(page.mediabox.width)


HORIZONTAL = {"left": (0.0, 0.3), "center": (0.3, 0.6), "right": (0.6, 1.0)}


def test_page_counter_box_places_the_pdf_page_counter(tmp_path, monkeypatch):
    cv = tailored(workspace(EXAMPLE))
    cv.max_pages = None  # the whole example profile: pages enough for a counter in every theme
    for name in available_themes():
        cv.theme = name
        box = load_theme(name).config.page_counter_box
        low, high = HORIZONTAL[box.rsplit("-", 1)[-1]]
        assert low <= _counter_position(render_pdf(cv).data) < high, (name, box)
    base = available_themes()[0]
    _theme_folder(tmp_path / "site", "lefty", f"parent: {base}\npage_counter_box: bottom-left\n")
    _install(monkeypatch, tmp_path / "site", "left-theme", "1.0", {"lefty": "lefty"})
    cv.theme = "lefty"
    assert _counter_position(render_pdf(cv).data) < 0.3


# --- lookup order -------------------------------------------------------------------------------


def test_lookup_order_is_override_theme_parents_shared(tmp_path, monkeypatch):
    """A theme inherits its parents' templates, assets and settings, and reaches each
    layer by prefix: theme: skips the overrides, a theme's name starts at that theme
    (at any depth of the chain), _shared: names the shared file."""
    base = available_themes()[0]
    base_theme = load_theme(base)
    site = tmp_path / "site"
    child = _theme_folder(site, "child", f"description: Child.\nparent: {base}\n", {
        "style.css": "/* child */",
        "partials/contact.html": f"CHILD {{% include '{base}:partials/contact.html' %}}",
    })
    grandchild = _theme_folder(site, "grandchild", "description: Grandchild.\nparent: child\n", {
        "partials/contact.html": "GRANDCHILD {% include 'child:partials/contact.html' %}",
    })
    _install(monkeypatch, site, "family", "0.1", {"child": "child", "grandchild": "grandchild"})
    user = tmp_path / "override"
    (user / "partials").mkdir(parents=True)
    (user / "partials" / "contact.html").write_text("USER {% include 'theme:partials/contact.html' %}")
    theme = load_theme("grandchild", user)
    assert theme.roots() == [user.resolve(), grandchild.resolve(), child.resolve(), *base_theme.roots()]
    assert [name for name, _ in theme.parents] == ["child", base]
    assert theme.config.page_counter_box == base_theme.config.page_counter_box
    assert theme.config.not_found_style == base_theme.config.not_found_style
    assert theme.config.description == "Grandchild."
    env = theme.environment
    rendered = env.get_template("partials/contact.html").render(contacts=[])
    assert rendered.startswith("USER GRANDCHILD CHILD ")
    base_env = base_theme.environment
    base_file = base_env.loader.get_source(base_env, "partials/contact.html")[1]
    assert env.loader.get_source(env, f"{base}:partials/contact.html")[1] == base_file
    shared_404 = str(themes_root().resolve() / "_shared" / "404.html")
    assert env.loader.get_source(env, "_shared:404.html")[1] == shared_404
    assets = theme.assets()
    assert assets["style.css"] == child.resolve() / "style.css"
    assert assets["print.css"] == base_theme.assets()["print.css"], "inherited from the base theme"
    theme.template("page.html")
    listed = {item.name: item for item in list_themes()}
    assert listed["grandchild"].parents == ("child", base)


def test_a_child_theme_overrides_a_parent_setting(tmp_path, monkeypatch):
    parent = available_themes()[0]
    _theme_folder(tmp_path / "site", "child", f"description: C.\nparent: {parent}\n"
                  "page_counter_box: top-right\n")
    _install(monkeypatch, tmp_path / "site", "child-theme", "0.1", {"child": "child"})
    assert load_theme("child").config.page_counter_box == "top-right"


def test_parent_cycles_and_unknown_parents_are_clear_errors(tmp_path, monkeypatch):
    site = tmp_path / "site"
    _theme_folder(site, "ping", "description: P.\nparent: pong\n")
    _theme_folder(site, "pong", "description: P.\n\nparent: ping\n")
    _theme_folder(site, "orphan", "description: O.\nparent: clasic\n")
    _install(monkeypatch, site, "loops", "1.0", {n: n for n in ("ping", "pong", "orphan")})
    with pytest.raises(CvsiteError, match=r"pong/theme\.yaml:3:1: parent: themes inherit in a circle: "
                                          r"ping -> pong -> ping"):
        load_theme("ping")
    with pytest.raises(CvsiteError, match=r"orphan/theme\.yaml:2:1: parent: unknown theme 'clasic' "
                                          r"\(did you mean 'classic'\?\)"):
        load_theme("orphan")


# --- installed themes ---------------------------------------------------------------------------


def _install(monkeypatch, site, dist, version, entries):
    """A real installed distribution in `site`: a dist-info folder with METADATA and
    entry_points.txt, found by importlib.metadata once `site` is on sys.path."""
    _write_dist_info(site, dist, version, entries)
    monkeypatch.syspath_prepend(str(site))
    discover_themes.cache_clear()
    monkeypatch.setattr("sys.path_importer_cache", {})


def _write_dist_info(site, dist, version, entries):
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entries.items())
    (info / "entry_points.txt").write_text(f"[cvsite.themes]\n{lines}")


@pytest.fixture(autouse=True)
def _fresh_discovery():
    discover_themes.cache_clear()
    yield
    discover_themes.cache_clear()


def test_entry_points_may_name_a_module_or_a_function(tmp_path, monkeypatch):
    site = tmp_path / "site"
    _theme_folder(site, "acme_theme", "description: Acme.\n", {"__init__.py": ""})
    _theme_folder(site, "folders/beta", "description: Beta.\n")
    (site / "beta_theme.py").write_text(
        "from pathlib import Path\n\ndef folder():\n    return Path(__file__).parent / 'folders' / 'beta'\n")
    _install(monkeypatch, site, "acme-theme", "1.2.0", {"acme": "acme_theme", "beta": "beta_theme:folder"})
    found = discover_themes()
    assert found["acme"].path == (site / "acme_theme").resolve()
    assert found["acme"].origin == "acme-theme 1.2.0"
    assert found["beta"].path == (site / "folders" / "beta").resolve()
    assert {"acme", "beta", *_builtin_folders()} <= set(available_themes())
    assert load_theme("beta").config.description == "Beta."


def test_broken_and_clashing_entry_points_are_listed_and_refused_clearly(tmp_path, monkeypatch):
    site = tmp_path / "site"
    builtin = _builtin_folders()[0]
    _theme_folder(site, "impostor", "description: Not the real one.\n", {"__init__.py": ""})
    (site / "broken_theme.py").write_text("raise ImportError('missing dependency fancylib')\n")
    _install(monkeypatch, site, "bad-themes", "0.3", {"broken": "broken_theme", builtin: "impostor"})
    listing = {item.name: item for item in list_themes()}
    assert "missing dependency fancylib" in listing["broken"].error
    assert f"two themes are named '{builtin}'" in listing[builtin].error
    assert "bad-themes 0.3" in listing[builtin].error
    with pytest.raises(CvsiteError, match=r"theme 'broken' .*cannot be used: entry point 'broken_theme'"):
        load_theme("broken")


def _builtin_folders():
    return sorted(p.name for p in themes_root().iterdir() if (p / "theme.yaml").is_file())


def test_builtin_themes_are_registered_as_entry_points_in_pyproject():
    """cvsite registers its own themes the way a theme package does; the folders and
    the registrations must not drift apart."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((themes_root().parent / "pyproject.toml").read_text("utf-8"))["project"]
    registered = project["entry-points"]["cvsite.themes"]
    assert sorted(registered) == _builtin_folders()
    for name, target in registered.items():
        module, attribute = target.split(":")
        assert getattr(importlib.import_module(module), attribute) == themes_root() / name


REPO = Path(__file__).resolve().parent.parent


def test_an_installed_theme_package_is_listed_and_builds(tmp_path):
    """The whole path a user takes: a theme package on the path (as pip would leave it),
    `cvsite themes` in a fresh interpreter, then a build that uses the theme."""
    site = tmp_path / "site"
    parent = _builtin_folders()[0]
    _theme_folder(site, "acme_theme", f"description: Acme's look.\nparent: {parent}\n", {
        "__init__.py": "",
        "style.css": ".acme-marker { color: #123456; }\n",
        "partials/contact.html": '<p class="acme-contact">{{ person.name }}</p>\n',
    })
    _write_dist_info(site, "acme-cv-theme", "2.0.1", {"acme": "acme_theme"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)]), "NO_COLOR": "1"}
    listed = subprocess.run([sys.executable, "-m", "cvsite", "themes"], env=env, capture_output=True,
                            text=True, check=False, timeout=120)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    acme = next(i for i, line in enumerate(lines) if line.startswith("acme "))
    assert "Acme's look." in lines[acme]
    assert f"acme-cv-theme 2.0.1 · {(site / 'acme_theme').resolve()}" in lines[acme + 1]
    assert f"extends {parent}" in lines[acme + 2]
    for name in _builtin_folders():
        assert any(line.startswith(f"{name} ") for line in lines), name

    profile = tmp_path / "profile"
    shutil.copytree(REPO / "tests" / "fixtures" / "foundation" / "valid", profile)
    with (profile / "profile.yaml").open("a", encoding="utf-8") as file:
        file.write("theme: acme\n")
    out = tmp_path / "out"
    built = subprocess.run([sys.executable, "-m", "cvsite", "build", str(profile), "-o", str(out),
                            "--job", "data-role"], env=env, capture_output=True, text=True, check=False,
                           timeout=300)
    assert built.returncode == 0, built.stderr
    page = (out / "index.html").read_text("utf-8")
    assert '<p class="acme-contact">' in page and 'href="assets/acme/style.css"' in page
    assert (out / "assets" / "acme" / "style.css").read_text("utf-8").startswith(".acme-marker")
    assert (out / "assets" / "acme" / "print.css").is_file(), "the parent's assets come along"
    pdf = next(out.glob("*.pdf"))
    assert PdfReader(pdf).pages[0].extract_text().strip()
