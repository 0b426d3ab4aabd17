"""`cvsite export docx|txt`: one CV's Word or text file, written where the user asks.

The same renderers as the site build, fed the same tailoring, so an exported
file is byte for byte the one the site offers; for a frozen job that is the
file as sent (`cvsite freeze`), not a new rendering.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from cvsite.errors import CvsiteError, Problem
from cvsite.freeze import sent_files, sent_records
from cvsite.letter import build_date
from cvsite.loader import load_for_jobs
from cvsite.outputs import BY_NAME
from cvsite.tailor import tailor


def document_bytes(directory: Path, kind: str, slug: str | None,
                   today: datetime.date | None = None) -> tuple[str, bytes]:
    """One CV as `kind` (docx, txt): its site file name and its bytes."""
    output = BY_NAME[kind]
    cv = tailor(load_for_jobs(directory, (slug,) if slug else ()), slug)
    name = output.file_name(cv.person.name, cv.job.company if cv.job else None)
    record = sent_records(Path(directory)).get(slug or "")
    if record is not None and name in record.files:
        return name, next(data for relative, data in sent_files(record, only=name))
    user_theme = Path(directory) / "theme"
    return name, output.render(cv, user_theme if user_theme.is_dir() else None, today or build_date()).data


def export_document(directory: Path, kind: str, slug: str | None, target: Path | None,
                    today: datetime.date | None = None) -> Path:
    """Write one CV as `kind` (docx, txt) to `target` (default: its site file name here)."""
    name, data = document_bytes(directory, kind, slug, today)
    target = target or Path(name)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CvsiteError([Problem(str(target), 0, 0, "", f"cannot write: {exc.strerror or exc}")]) from None
    return target
