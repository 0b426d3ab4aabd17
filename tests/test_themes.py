import os

import jinja2
import pytest

from cvsite.errors import CvsiteError
from cvsite.themes import Theme, available_themes, load_theme, safe_join, theme_path, themes_root


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
