"""Tailored CVs for the renderer tests, made by the real tailoring stage from real folders."""

from __future__ import annotations

from pathlib import Path

from cvsite.loader import Workspace, load_workspace
from cvsite.tailor import tailor
from cvsite.tailored import TailoredCV

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "render"
EXAMPLE = REPO / "example_profile"


def workspace(path: Path = FIXTURE) -> Workspace:
    return load_workspace(path)


def tailored(ws: Workspace, slug: str | None = None) -> TailoredCV:
    return tailor(ws, slug)
