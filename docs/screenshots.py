"""Regenerate the README's screenshots: each built-in theme's landing page and PDF, and a cover letter.

    python docs/screenshots.py            # writes docs/screenshots/*.png

For every theme it copies example_profile into a temporary folder with `theme:` set
(and any per-job theme removed), builds one tailored application with its PDF, then
takes headless Chromium screenshots of the page (1280 px and 375 px wide, light and
dark) and renders the PDF's first page (and, for the modern theme, the cover letter's)
with pdftoppm. Needs Debian's chromium and
poppler-utils. PNGs are reduced to 256 colours so each stays well under 300 KB.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from cvsite.build import build_site
from cvsite.loader import load_workspace
from cvsite.tokens import job_folders

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_profile"
OUT = REPO / "docs" / "screenshots"
THEMES = ("modern", "classic")
JOB = "ml-engineer"
# name suffix -> (window size, extra Chromium flags)
SHOTS = {
    "page": ((1280, 900), []),
    "page-375": ((375, 812), []),
    "page-375-dark": ((375, 812), ["--force-dark-mode"]),
}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--virtual-time-budget=5000", "--run-all-compositor-stages-before-draw",
]
PDF_DPI = 60
LETTER_THEME = "modern"  # the cover letter's PDF is shown in this theme


def themed_copy(root: Path, theme: str) -> Path:
    """example_profile with `theme:` set in the profile and removed from every job."""
    workspace = root / theme
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns("site"))
    profile = workspace / "profile.yaml"
    profile.write_text(re.sub(r"(?m)^theme:.*$", f"theme: {theme}", profile.read_text(encoding="utf-8")),
                       encoding="utf-8")
    for job in (workspace / "jobs").glob("*.yaml"):
        job.write_text(re.sub(r"(?m)^theme:.*\n", "", job.read_text(encoding="utf-8")), encoding="utf-8")
    return workspace


def screenshot(chromium: str, page: Path, target: Path, size: tuple[int, int], flags: list[str],
               profile_dir: Path) -> None:
    """One first-screen screenshot; a fresh profile keeps runs independent of each other."""
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, *flags, f"--user-data-dir={profile_dir}",
         f"--window-size={size[0]},{size[1]}", f"--screenshot={target}", page.as_uri()],
        check=True, capture_output=True,
    )


def pdf_first_page(pdf: Path, target: Path) -> None:
    """Page 1 of the PDF at PDF_DPI, as PNG."""
    subprocess.run(["pdftoppm", "-r", str(PDF_DPI), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True)


def shrink(png: Path) -> None:
    """256-colour palette PNG: text screenshots lose nothing visible and shrink several times."""
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(png, optimize=True)


def shoot_theme(theme: str, chromium: str, work: Path, out: Path) -> list[Path]:
    """Build `theme` and write its screenshots into `out`; return the files written."""
    site = work / f"{theme}-site"
    build_site(themed_copy(work, theme), site, jobs=[JOB])
    folder = site / job_folders(load_workspace(EXAMPLE))[JOB]
    page = folder / "index.html"
    written = []
    for suffix, (size, flags) in SHOTS.items():
        target = out / f"{theme}-{suffix}.png"
        screenshot(chromium, page, target, size, flags, work / f"chromium-{theme}-{suffix}")
        written.append(target)
    (pdf,) = folder.glob("*-CV-*.pdf")
    target = out / f"{theme}-pdf.png"
    pdf_first_page(pdf, target)
    written.append(target)
    if theme == LETTER_THEME:
        (letter,) = folder.glob("*-Cover-Letter-*.pdf")
        target = out / "letter-pdf.png"
        pdf_first_page(letter, target)
        written.append(target)
    for png in written:
        shrink(png)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs (default: %(default)s)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--theme", action="append", choices=THEMES, help="only this theme (repeatable)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cvsite-shots-") as tmp:
        for theme in args.theme or THEMES:
            for png in shoot_theme(theme, args.chromium, Path(tmp), args.out):
                print(f"{png.relative_to(REPO) if png.is_relative_to(REPO) else png}: "
                      f"{png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
