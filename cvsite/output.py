"""Writing the site safely: a staging folder beside OUT, swapped in only on success.

A build writes everything into `.OUT.cvsite-staging-PID` next to OUT. Only
when every file is written is the staging folder swapped with OUT (one
`renameat2(RENAME_EXCHANGE)` on Linux, two renames elsewhere), so a failed or
killed build leaves the previous OUT exactly as it was. OUT carries a manifest
(`.cvsite-manifest.json`) that marks it as ours and records the content hash
of every output, which is what incremental rebuilds reuse.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import itertools
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cvsite.errors import CvsiteError

MANIFEST = ".cvsite-manifest.json"
STAGING_MARK = ".cvsite-staging"
PARKED = "-previous"  # the previous OUT, during the fallback two-rename swap
_RENAME_EXCHANGE = 2
_SERIAL = itertools.count(1)


@dataclass
class Manifest:
    """What a previous build wrote: output path -> content hash.

    `notes` keeps, per output, what rendering it reported (warnings, items
    cut to fit): a reused PDF must report them again, or `--strict` would
    pass on a rebuild that merely reused a PDF with missing glyphs.
    """

    files: dict[str, str] = field(default_factory=dict)
    notes: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> Manifest:
        try:
            data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            files = {str(k): str(v) for k, v in data.get("files", {}).items()}
            notes = {str(path): {str(kind): [str(line) for line in lines] for kind, lines in note.items()}
                     for path, note in data.get("notes", {}).items() if path in files}
            return cls(files, notes)
        except (OSError, ValueError, AttributeError, TypeError):
            return cls()

    def write(self, out: Path) -> None:
        data = {"generator": "cvsite", "files": dict(sorted(self.files.items())),
                "notes": {k: v for k, v in sorted(self.notes.items()) if k in self.files}}
        text = json.dumps(data, indent=1, ensure_ascii=False)
        (out / MANIFEST).write_text(text + "\n", encoding="utf-8")


def check_output_dir(source: Path, out: Path, force: bool) -> None:
    """Refuse outputs that would destroy the user's files."""
    source, target = source.resolve(), out.resolve()
    if target == source or source.is_relative_to(target):
        raise CvsiteError(f"{out}: the output folder must not be the profile folder or contain it")
    for inputs in (source / "theme", source / "jobs"):
        if target.is_relative_to(inputs.resolve()):
            raise CvsiteError(f"{out}: the output folder must not be inside {inputs}, "
                              "which the build reads")
    if target.exists() and not target.is_dir():
        raise CvsiteError(f"{out}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file() and not force:
        raise CvsiteError(f"{out}: folder is not empty and was not created by cvsite; "
                          "choose another output folder or pass --force to replace it")


class Staging:
    """A fresh folder beside OUT to build into; `commit` swaps it in."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.out)
        self.path = self.out.parent / f".{self.out.name}.cvsite-staging-{os.getpid()}-{next(_SERIAL)}"
        self.path.mkdir()
        (self.path / STAGING_MARK).touch()

    def write_text(self, relative: str, text: str) -> Path:
        return self.write_bytes(relative, text.encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> Path:
        """Write a new file; never in place, since a reused file is a hard link into OUT."""
        target = self.target(relative)
        target.unlink(missing_ok=True)
        target.write_bytes(data)
        return target

    def target(self, relative: str) -> Path:
        target = (self.path / relative).resolve()
        if not target.is_relative_to(self.path):
            raise CvsiteError(f"refusing to write outside the output folder: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def reuse(self, relative: str) -> bool:
        """Link (or copy) an unchanged file from the previous OUT; False if it is gone.

        "Gone" includes vanishing while we look: `serve` swaps a newer build in
        from another thread, and the caller then simply renders the file again.
        """
        previous = self.out / relative
        if not previous.is_file() or previous.is_symlink():
            return False
        target = self.target(relative)
        target.unlink(missing_ok=True)
        try:
            os.link(previous, target)
        except FileNotFoundError:
            return False
        except OSError:
            try:
                shutil.copy2(previous, target)
            except FileNotFoundError:
                return False
        return True

    def commit(self, manifest: Manifest) -> None:
        manifest.write(self.path)
        (self.path / STAGING_MARK).unlink()
        if not self.out.exists():
            os.rename(self.path, self.out)
            return
        _exchange(self.path, self.out)
        (self.path / STAGING_MARK).touch()
        shutil.rmtree(self.path)

    def discard(self) -> None:
        """Remove the staging folder if it is still there (not committed)."""
        if self.path.exists() and (self.path / STAGING_MARK).exists():
            shutil.rmtree(self.path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders atomically where the kernel can; else with two renames."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    at_fdcwd = -100
    if renameat2 is not None:
        result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
        if result == 0:
            return
    parked = b.parent / f"{a.name}{PARKED}"
    os.rename(b, parked)
    os.rename(a, b)
    os.rename(parked, a)


def _remove_stale(out: Path) -> None:
    """Remove staging folders left by killed builds: ours by name and content, and
    made by a process that no longer runs.

    A build killed while committing leaves a folder with the manifest and no
    mark (the mark is removed just before the swap, and the folder swapped out
    is the previous OUT, which has a manifest too), so either one marks it ours.
    """
    prefix = f".{out.name}.cvsite-staging-"
    for leftover in out.parent.glob(f"{glob.escape(prefix)}*"):
        pid = leftover.name[len(prefix):].split("-", 1)[0]
        ours = (leftover / STAGING_MARK).is_file() or (leftover / MANIFEST).is_file()
        if not leftover.is_dir() or leftover.is_symlink() or not ours or _running(pid):
            continue
        if leftover.name.endswith(PARKED) and not out.exists():
            os.rename(leftover, out)  # killed between the fallback swap's renames: put it back
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
