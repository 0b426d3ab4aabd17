"""Writing the site safely: a staging folder beside OUT, swapped in only on success.

A build writes everything into `.OUT.cvsite-staging-PID-N` next to OUT. Only
when every file is written is the staging folder swapped with OUT (one
`renameat2(RENAME_EXCHANGE)` on Linux, two renames elsewhere), so a failed or
killed build leaves the previous OUT exactly as it was.

OUT holds the published site and nothing else: the manifest that marks OUT as
ours and records the content hash of every output (what incremental rebuilds
reuse) lives beside it, as `.OUT.cvsite-manifest.json`, so it is never
published with the site. The manifest and the folder cannot be replaced in
one atomic step, so each entry also records the file's size and modification
time: an entry whose file no longer matches is ignored, and a build killed
between writing the manifest and the swap costs a re-render, never a wrong
file.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import itertools
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cvsite.errors import CvsiteError

MANIFEST_SUFFIX = ".cvsite-manifest.json"
LEGACY_MANIFEST = ".cvsite-manifest.json"  # inside OUT, as cvsite 0.x wrote it
STAGING_MARK = ".cvsite-staging"
PARKED = "-previous"  # the previous OUT, during the fallback two-rename swap
_RENAME_EXCHANGE = 2
_SERIAL = itertools.count(1)


def manifest_file(out: Path) -> Path:
    """Where the manifest of OUT lives: beside it, outside the published tree."""
    out = Path(out)
    return out.parent / f".{out.name}{MANIFEST_SUFFIX}"


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
        """The manifest of OUT, keeping only entries whose file is still the one recorded."""
        try:
            data = json.loads(manifest_file(out).read_text(encoding="utf-8"))
            stamps = {str(k): list(v) for k, v in data.get("stamps", {}).items()}
            files = {str(k): str(v) for k, v in data.get("files", {}).items()
                     if _stamp(Path(out) / str(k)) == stamps.get(str(k))}
            notes = {str(path): {str(kind): [str(line) for line in lines] for kind, lines in note.items()}
                     for path, note in data.get("notes", {}).items() if path in files}
            return cls(files, notes)
        except (OSError, ValueError, AttributeError, TypeError):
            return cls()

    def write(self, out: Path, tree: Path | None = None) -> None:
        """Write OUT's manifest, stamping each entry with its file in `tree` (default OUT)."""
        tree = Path(tree or out)
        files = dict(sorted(self.files.items()))
        data = {"generator": "cvsite", "files": files,
                "stamps": {path: _stamp(tree / path) for path in files},
                "notes": {k: v for k, v in sorted(self.notes.items()) if k in self.files}}
        target = manifest_file(out)
        partial = target.with_name(target.name + f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, target)


def _stamp(path: Path) -> list[int] | None:
    """Size and modification time: a hard link shares them, a rewritten file does not."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def is_ours(out: Path) -> bool:
    """Whether a build wrote OUT: its manifest sits beside it (or inside, as older versions kept it)."""
    return manifest_file(out).is_file() or (Path(out) / LEGACY_MANIFEST).is_file()


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
    if target.is_dir() and any(target.iterdir()) and not is_ours(target) and not force:
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
        """Write the manifest beside OUT, then swap the staging folder in.

        The staging mark stays until the swap is done, so a build killed at
        any point leaves a folder that `_remove_stale` recognises.
        """
        manifest.write(self.out, tree=self.path)
        if not self.out.exists():
            os.rename(self.path, self.out)
        else:
            _exchange(self.path, self.out)
            (self.path / STAGING_MARK).touch()
            shutil.rmtree(self.path)
        (self.out / STAGING_MARK).unlink()

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
    """Remove staging folders left by killed builds: ours by name, and made by a
    process that no longer runs.

    A build killed after the swap leaves the previous OUT under the staging
    name with neither mark nor manifest (both live elsewhere), so the exact
    name `.OUT.cvsite-staging-PID-N` is what marks a folder as ours.
    """
    pattern = re.compile(rf"{re.escape(f'.{out.name}.cvsite-staging-')}(\d+)-\d+(?:{PARKED})?")
    for leftover in out.parent.glob(f"{glob.escape(f'.{out.name}.cvsite-staging-')}*"):
        match = pattern.fullmatch(leftover.name)
        if not match or not leftover.is_dir() or leftover.is_symlink() or _running(match.group(1)):
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
