"""`cvsite export docx|txt`: one CV's Word or text file, written where the user asks.

The same renderers as the site build, fed the same tailoring, so an exported
file is byte for byte the one the site offers.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from cvsite.errors import CvsiteError, Problem
from cvsite.letter import build_date
from cvsite.loader import load_for_jobs
from cvsite.outputs import BY_NAME
from cvsite.tailor import tailor
from cvsite.tailored import TailoredCV


def tailored(directory: Path, slug: str | None) -> TailoredCV:
    """The general CV of DIR, or the CV tailored for job `slug`."""
    return tailor(load_for_jobs(directory, (slug,) if slug else ()), slug)


def export_document(directory: Path, kind: str, slug: str | None, target: Path | None,
                    today: datetime.date | None = None) -> Path:
    """Write one CV as `kind` (docx, txt) to `target` (default: its site file name here)."""
    output = BY_NAME[kind]
    cv = tailored(directory, slug)
    user_theme = Path(directory) / "theme"
    rendered = output.render(cv, user_theme if user_theme.is_dir() else None, today or build_date())
    if target is None:
        target = Path(output.file_name(cv.person.name, cv.job.company if cv.job else None))
    try:
        target.write_bytes(rendered.data)
    except OSError as exc:
        raise CvsiteError([Problem(str(target), 0, 0, "", f"cannot write: {exc.strerror or exc}")]) from None
    return target
