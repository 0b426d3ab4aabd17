"""Freezing a job: keep exactly what was sent, and publish that from then on.

`cvsite freeze SLUG` builds the job once more and copies its folder (page, PDF and
every other document) into `DIR/.cvsite/sent/<slug>/`, beside a `sent.json`
record: the date, the cvsite version, a SHA-256 per file and the order of the
items shown. The page's theme assets (styles, fonts) are copied in too and the
page points at those copies, so later changes to the theme or to cvsite cannot
restyle what was sent. The folder lives in the profile, so it travels with the
repository.

While a job is frozen, `build` (and so `serve` and `deploy`) publishes the stored
files byte for byte instead of rendering the job; a stored file whose hash no
longer matches its record is an error, never silently published. `unfreeze`
moves the copy aside to `.cvsite/unfrozen/` (it is never deleted) and the job
goes back to live output.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cvsite import __version__
from cvsite.applications import today
from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.loader import Workspace, load_workspace
from cvsite.tailored import TailoredCV

SENT = Path(".cvsite") / "sent"
UNFROZEN = Path(".cvsite") / "unfrozen"
RECORD = "sent.json"
ASSETS = "assets"
_ASSET_LINK = re.compile(r'((?:href|src)=")\.\./assets/([^"/]+)/')


@dataclass(frozen=True)
class SentRecord:
    """What `sent.json` says of one frozen job."""

    slug: str
    frozen: str
    cvsite: str
    files: dict[str, str]
    sections: dict[str, list[str]]
    folder: Path

    def as_json(self) -> dict[str, object]:
        return {"slug": self.slug, "frozen": self.frozen, "cvsite": self.cvsite,
                "files": self.files, "sections": self.sections}


@dataclass(frozen=True)
class SentDiff:
    """How the job's items would differ from what was sent if it were rebuilt now."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reordered: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.reordered)


@dataclass(frozen=True)
class FreezeResult:
    record: SentRecord
    suggestion: str | None


def sent_records(root: Path) -> dict[str, SentRecord]:
    """Every frozen job of the profile at `root`, by slug."""
    folder = root / SENT
    if not folder.is_dir():
        return {}
    return {path.name: _read_record(path) for path in sorted(folder.iterdir()) if (path / RECORD).is_file()}


def _read_record(folder: Path) -> SentRecord:
    file = folder / RECORD
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return SentRecord(slug=str(data["slug"]), frozen=str(data["frozen"]), cvsite=str(data["cvsite"]),
                          files={str(k): str(v) for k, v in data["files"].items()},
                          sections={str(k): [str(i) for i in v] for k, v in data["sections"].items()},
                          folder=folder)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CvsiteError([Problem(str(file), 1, 1, "", f"unreadable freeze record ({exc}); "
                                   "restore it from version control or remove the folder")]) from None


def sent_files(record: SentRecord, only: str | None = None) -> Iterator[tuple[str, bytes]]:
    """(path inside the job folder, bytes) of each stored file (or just `only`), each
    checked against its hash."""
    for relative, digest in sorted(record.files.items()):
        if only is not None and relative != only:
            continue
        path = record.folder / relative
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CvsiteError([Problem(str(path), 0, 0, "", f"frozen file is missing ({exc.strerror}); "
                                       f"restore it or run `cvsite unfreeze {record.slug}`")]) from None
        if _digest(data) != digest:
            raise CvsiteError([Problem(str(path), 0, 0, "", "frozen file changed since it was frozen; "
                                       f"restore it or run `cvsite unfreeze {record.slug}`")])
        yield relative, data


def freeze_job(directory: Path, slug: str, when: date | None = None) -> FreezeResult:
    """Build SLUG now and keep its outputs as sent; refuse if it is frozen already."""
    from cvsite.build import build_site
    from cvsite.tailor import tailor
    from cvsite.tokens import job_folders

    directory = Path(directory)
    workspace = load_workspace(directory)
    _check_known(workspace, slug)
    target = directory / SENT / slug
    if (target / RECORD).is_file():
        frozen = _read_record(target).frozen
        raise CvsiteError(f"{slug}: frozen on {frozen} already; run `cvsite unfreeze {slug}` "
                          "first to freeze it again")
    with tempfile.TemporaryDirectory(prefix="cvsite-freeze-") as temp:
        site = Path(temp) / "site"
        build_site(directory, out=site, jobs=[slug])
        staged = Path(temp) / slug
        files = _collect(site, job_folders(workspace)[slug], staged)
        record = SentRecord(slug=slug, frozen=(when or today()).isoformat(), cvsite=__version__,
                            files=files, sections=shown_ids(tailor(workspace, slug)), folder=target)
        (staged / RECORD).write_text(json.dumps(record.as_json(), indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staged, target)
    return FreezeResult(record, _status_hint(workspace, slug, record.frozen))


def unfreeze_job(directory: Path, slug: str) -> Path:
    """Move SLUG's sent copy aside (never deleted); return where it went."""
    directory = Path(directory)
    source = directory / SENT / slug
    if not (source / RECORD).is_file():
        known = list(sent_records(directory))
        raise CvsiteError(f"{slug}: not frozen{did_you_mean(slug, known)}")
    record = _read_record(source)
    target = directory / UNFROZEN / f"{slug}-{record.frozen}"
    serial = 1
    while target.exists():
        serial += 1
        target = directory / UNFROZEN / f"{slug}-{record.frozen}-{serial}"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return target


def shown_ids(cv: TailoredCV) -> dict[str, list[str]]:
    """Each section's shown item ids, in page order."""
    return {section.name: [ranked.id for ranked in section.items] for section in cv.sections}


def changes_since_sent(record: SentRecord, cv: TailoredCV) -> SentDiff:
    """Items a rebuild now would add, remove, or show in another order than was sent."""
    now = shown_ids(cv)
    added, removed, reordered = [], [], []
    for name in sorted(set(now) | set(record.sections)):
        before, after = record.sections.get(name, []), now.get(name, [])
        added += [f"{name}: {i}" for i in after if i not in before]
        removed += [f"{name}: {i}" for i in before if i not in after]
        kept_before = [i for i in before if i in after]
        kept_after = [i for i in after if i in before]
        if kept_before != kept_after:
            reordered.append(f"{name}: {', '.join(kept_after)} (was {', '.join(kept_before)})")
    return SentDiff(added, removed, reordered)


def _check_known(workspace: Workspace, slug: str) -> None:
    if slug not in workspace.jobs:
        raise CvsiteError([Problem(str(workspace.root / "jobs"), 0, 0, "",
                                   f"no job '{slug}'{did_you_mean(slug, workspace.jobs)}")])


def _collect(site: Path, folder: str, staged: Path) -> dict[str, str]:
    """Copy the job's folder and the theme assets its pages use into `staged`;
    point the pages at those copies. Returns path -> SHA-256."""
    source = site / folder
    shutil.copytree(source, staged)
    themes: set[str] = set()
    for page in staged.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        themes.update(match.group(2) for match in _ASSET_LINK.finditer(text))
        page.write_text(_ASSET_LINK.sub(rf"\1{ASSETS}/\2/", text), encoding="utf-8")
    for theme in sorted(themes):
        shutil.copytree(site / "assets" / theme, staged / ASSETS / theme)
    return {path.relative_to(staged).as_posix(): _digest(path.read_bytes())
            for path in sorted(staged.rglob("*")) if path.is_file()}


def _status_hint(workspace: Workspace, slug: str, frozen: str) -> str | None:
    job = workspace.jobs[slug]
    if job.status != "draft":
        return None
    return (f"{workspace.job_file(slug)} still says `status: draft`; if you sent it, set "
            f"`status: applied` and `applied: {frozen}` there")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def frozen_slugs(root: Path, slugs: Sequence[str]) -> set[str]:
    """Which of `slugs` are frozen (cheap: looks for the record files only)."""
    return {slug for slug in slugs if (root / SENT / slug / RECORD).is_file()}
