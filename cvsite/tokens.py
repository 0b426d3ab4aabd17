"""Unguessable addresses for unlisted jobs.

An unlisted job is private only as long as its address cannot be guessed, so
its page lives under `<slug>-<token>/`, where the token is 64 random bits
(16 hex digits from `secrets`). Each token is made once and kept in
`.cvsite/tokens.yaml` in the profile folder, a file meant to be committed with
the profile: every machine and every build then gives the job the same
address, which is what a link sent with an application needs. `cvsite jobs
rotate SLUG` replaces a token when a link has gone where it should not.

The file never goes into the built site; only each job's own folder name
carries its token.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from cvsite.errors import CvsiteError, Problem, did_you_mean
from cvsite.loader import SLUG, Workspace, load_workspace
from cvsite.yamlsource import load_yaml

TOKENS_FILE = Path(".cvsite") / "tokens.yaml"
TOKEN_BYTES = 8  # 64 bits
TOKEN = re.compile(r"^[0-9a-f]{16,64}$")
HEADER = """\
# Written by cvsite: the secret part of each unlisted job's address (SITE/SLUG-TOKEN/).
# Commit this file with your profile so every machine builds the same addresses.
# Anyone who can read it can find your unlisted pages: keep it out of public
# repositories. `cvsite rotate SLUG` gives a job a new address.
"""


def tokens_file(directory: Path) -> Path:
    return Path(directory) / TOKENS_FILE


def read_tokens(directory: Path) -> dict[str, str]:
    """The saved tokens (slug -> token); a damaged file is reported by line, never ignored."""
    path = tokens_file(directory)
    if not path.is_file():
        return {}
    document = load_yaml(path)
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise CvsiteError([document.problem((), "", "expected `slug: token` lines")])
    problems = [document.problem((slug,), str(slug), "expected 16 to 64 lowercase hex digits "
                                 "(remove the line to get a new token)")
                for slug, token in data.items() if not (isinstance(token, str) and TOKEN.match(token))]
    problems += [document.problem((slug,), str(slug), "not a job slug")
                 for slug in data if not SLUG.match(str(slug))]
    if problems:
        raise CvsiteError(problems)
    return {str(slug): token for slug, token in data.items()}


def ensure_tokens(directory: Path, slugs: Iterable[str]) -> dict[str, str]:
    """The tokens of `slugs`, making and saving any that do not exist yet."""
    tokens = read_tokens(directory)
    missing = [slug for slug in slugs if slug not in tokens]
    if missing:
        tokens.update({slug: new_token() for slug in missing})
        _save(directory, tokens)
    return tokens


def rotate(directory: Path, slug: str) -> tuple[str | None, str]:
    """Give `slug` a new token; returns (old token or None, new token)."""
    tokens = read_tokens(directory)
    old = tokens.get(slug)
    tokens[slug] = new_token()
    _save(directory, tokens)
    return old, tokens[slug]


def rotate_job(directory: Path, slug: str) -> tuple[str | None, str]:
    """Rotate an unlisted job's token; returns its old and new address (full URLs with the
    profile's base_url, else folders in the site)."""
    workspace = load_workspace(directory)
    job = workspace.jobs.get(slug)
    if job is None:
        raise CvsiteError([Problem(str(Path(directory) / "jobs"), 0, 0, "",
                                   f"no job '{slug}'{did_you_mean(slug, workspace.jobs)}")])
    if job.listed:
        raise CvsiteError([Problem(workspace.job_file(slug), 0, 0, "listed", f"'{slug}' is listed: its "
                                   f"address is {slug}/, with no secret part to rotate")])
    base = str(workspace.profile.base_url).rstrip("/") + "/" if workspace.profile.base_url else ""
    old, new = rotate(directory, slug)
    return (base + unlisted_folder(slug, old) if old else None), base + unlisted_folder(slug, new)


def new_token() -> str:
    return secrets.token_hex(TOKEN_BYTES)


def unlisted_folder(slug: str, token: str) -> str:
    """The folder of an unlisted job's page and PDF, relative to the site root."""
    return f"{slug}-{token}/"


def _save(directory: Path, tokens: dict[str, str]) -> None:
    """Write the whole file, sorted, through a temporary file: never half a file.

    Tokens are quoted: a token of digits only would otherwise read back as a number.
    """
    path = tokens_file(directory)
    text = HEADER + "".join(f'{slug}: "{token}"\n' for slug, token in sorted(tokens.items()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise CvsiteError([Problem(str(path), 0, 0, "", "cannot save the unlisted jobs' addresses: "
                                   f"{exc.strerror or exc}")]) from None


def job_folders(workspace: Workspace) -> dict[str, str]:
    """Each job's folder in the site: `<slug>/` when listed, `<slug>-<token>/` when not."""
    unlisted = [slug for slug, job in workspace.jobs.items() if not job.listed]
    tokens = ensure_tokens(workspace.root, unlisted) if unlisted else {}
    return {slug: f"{slug}/" if job.listed else unlisted_folder(slug, tokens[slug])
            for slug, job in workspace.jobs.items()}
