"""cvsite's own themes as targets of its `cvsite.themes` entry points.

pyproject.toml registers each built-in theme the way a theme package would,
e.g. `modern = "cvsite.builtin_themes:modern"`; every attribute of this module
is the folder of the built-in theme of that name, so the names are written
only there.
"""

from __future__ import annotations

from pathlib import Path

from cvsite.themes import THEME_FILE, builtin_theme


def __getattr__(name: str) -> Path:
    folder = builtin_theme(name)
    if not (folder / THEME_FILE).is_file():
        raise AttributeError(f"no built-in theme '{name}'")
    return folder
