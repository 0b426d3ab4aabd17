"""`cvsite deploy`: build into a temporary folder and publish only that folder to a branch.

Like `mkdocs gh-deploy`, the site is committed with git plumbing and pushed
straight to the remote: the user's repository is only asked for its remote's
URL and its author, never written to. Objects are made in a throw-away bare
repository in the temporary folder: blobs with `hash-object --no-filters` (no
line-ending or attribute filter can change a published byte), the tree through
a private index with `update-index --index-info` and `write-tree`, and the
commit with `commit-tree` on top of the branch's current tip (fetched with
depth 1), so the branch keeps its history. So the profile's working tree,
index, current branch and refs stay exactly as they were, and the branch
holds the built site and nothing else: no job files, postings, notes or
tokens.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cvsite import __version__
from cvsite.build import BuildResult, Progress, build_site
from cvsite.errors import CvsiteError, Problem
from cvsite.loader import load_workspace
from cvsite.output import Manifest, is_ours
from cvsite.tokens import read_tokens, tokens_file

DEFAULT_BRANCH = "gh-pages"
DEFAULT_REMOTE = "origin"
FALLBACK_IDENTITY = ("cvsite", "cvsite@localhost")
# Settings that would otherwise let the user's global git configuration change what is published.
_NEUTRAL = ["-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.attributesFile=/dev/null",
            "-c", "commit.gpgSign=false"]
_GITHUB = re.compile(r"^(?:https://|ssh://git@|git@)github\.com[/:]([^/]+)/([^/]+?)(?:\.git)?/?$")


class DeployRefused(CvsiteError):
    """A deploy that cannot start or cannot push: one line that says why, nothing published."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__([Problem(where, 0, 0, "", message)])


@dataclass
class DeployResult:
    """What was (or, with --dry-run, would be) published, and where."""

    remote: str
    branch: str
    files: list[str]
    build: BuildResult
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    commit: str | None = None  # None: a dry run, or nothing changed
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        target = f"{self.branch} of {self.remote}"
        delta = f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        if self.dry_run:
            return f"Would publish {len(self.files)} file(s) to {target} ({delta}); nothing pushed."
        if self.commit is None:
            return f"{target} already holds this site; nothing pushed."
        return f"Published {len(self.files)} file(s) to {target} ({delta}), commit {self.commit[:12]}."


@dataclass(frozen=True)
class Target:
    """Where to publish: a URL git can push to, and the profile repository (None with --remote)."""

    url: str
    repository: Path | None


def deploy(directory: Path, remote: str | None = None, remote_name: str = DEFAULT_REMOTE,
           branch: str = DEFAULT_BRANCH, message: str | None = None, dry_run: bool = False,
           base_url: str | None = None, progress: Progress | None = None) -> DeployResult:
    """Build DIR into a temporary folder and commit that folder to `branch` of the remote.

    Checks run cheapest first (git, the profile, the remote), so a refusal
    costs no PDF rendering; a failed build raises before anything is pushed.
    """
    directory = Path(directory)
    _require_git()
    workspace = load_workspace(directory)
    _check_branch(branch)
    target = resolve_target(directory, remote, remote_name)
    tip = remote_tip(target.url, branch)
    base_url = base_url or workspace.profile.base_url or _guess_base_url(workspace.profile.domain, target.url)
    with tempfile.TemporaryDirectory(prefix="cvsite-deploy-") as temporary:
        work = Path(temporary)
        site = work / "site"
        tokens_before = read_tokens(directory)
        seed_from(directory / "site", site)
        built = build_site(directory, site, base_url=base_url, progress=progress)
        git = _Scratch(work / "objects.git")
        parent = git.fetch(target.url, branch) if tip else None
        notes = _complete(site, directory, git, parent)
        if read_tokens(directory) != tokens_before:
            notes.append(f"new unlisted addresses saved in {tokens_file(directory)}: commit it, so the "
                         "links you send stay the same on every machine")
        tree, files = git.tree_of(site)
        result = DeployResult(target.url, branch, files, built, dry_run=dry_run, notes=notes)
        result.added, result.changed, result.removed = git.diff(parent, tree)
        if dry_run or (parent and git.tree_of_commit(parent) == tree):
            return result
        result.commit = git.commit(tree, parent, _message(message, target.repository),
                                   _identity(target.repository))
        git.push(target.url, result.commit, branch)
    return result


# -- where to --------------------------------------------------------------------------


def resolve_target(directory: Path, remote: str | None, remote_name: str) -> Target:
    """The push URL: `--remote` as given, else the profile repository's remote `remote_name`."""
    repository = _repository_of(directory)
    if remote:
        return Target(_absolute_if_local(remote, Path.cwd()), repository)
    if repository is None:
        raise DeployRefused(str(directory), "is not in a git repository; pass --remote URL to publish to "
                            "another repository (for example a public <user>.github.io)")
    done = _git(["remote", "get-url", "--push", remote_name], cwd=repository)
    if done.returncode != 0:
        raise DeployRefused(str(repository), f"has no remote '{remote_name}'; add one (git remote add "
                            f"{remote_name} URL), choose one with --remote-name, or pass --remote URL")
    return Target(_absolute_if_local(done.stdout.strip(), repository), repository)


def remote_tip(url: str, branch: str) -> str | None:
    """The branch's current commit on the remote, None if it does not exist yet; refuses if unreachable."""
    done = _git(["ls-remote", "--heads", "--", url, f"refs/heads/{branch}"])
    if done.returncode != 0:
        raise DeployRefused(url, f"cannot reach the remote: {_last_line(done.stderr)}")
    return done.stdout.split()[0] if done.stdout.strip() else None


def _repository_of(directory: Path) -> Path | None:
    done = _git(["rev-parse", "--show-toplevel"], cwd=directory)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def _absolute_if_local(url: str, base: Path) -> str:
    """A relative path as a remote means relative to its repository; the push runs elsewhere."""
    scp_like = re.match(r"^[^/]+:", url) is not None and "://" not in url
    if "://" in url or scp_like or Path(url).is_absolute():
        return url
    return str((base / url).resolve())


def _guess_base_url(domain: str | None, url: str) -> str | None:
    """The public address Pages gives the branch, for canonical links and the printed unlisted URLs."""
    if domain:
        return f"https://{domain.strip()}/"
    match = _GITHUB.match(url)
    if not match:
        return None
    owner, name = match.group(1).lower(), match.group(2)
    return f"https://{owner}.github.io/" if name.lower() == f"{owner}.github.io" else \
        f"https://{owner}.github.io/{name}/"


def _check_branch(branch: str) -> None:
    if _git(["check-ref-format", f"refs/heads/{branch}"]).returncode != 0:
        raise DeployRefused(branch, "is not a valid branch name")


# -- what --------------------------------------------------------------------------------


def seed_from(previous: Path, site: Path) -> None:
    """Start from the user's last `cvsite build` (hard links, or copies with their times), so
    unchanged PDFs are reused rather than rendered again. Only entries of its manifest whose
    files still match are ever reused, and the user's folder is never written to."""
    manifest = Manifest.read(previous)
    if not is_ours(previous) or not manifest.files:
        return
    shutil.copytree(previous, site, copy_function=_link_or_copy, symlinks=True)
    manifest.write(site)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)



def _complete(site: Path, directory: Path, git: _Scratch, parent: str | None) -> list[str]:
    """Add what a branch-served Pages site needs: `.nojekyll` (serve files as they are) and
    the custom domain's CNAME, from the build, the profile folder, or the branch as it was."""
    notes = []
    (site / ".nojekyll").touch()
    if not (site / "CNAME").is_file():
        own = Path(directory) / "CNAME"
        kept = git.read(parent, "CNAME") if parent else None
        if own.is_file():
            shutil.copyfile(own, site / "CNAME")
            notes.append(f"CNAME from {own}")
        elif kept is not None:
            (site / "CNAME").write_bytes(kept)
            notes.append("CNAME kept from the branch (set `domain:` in profile.yaml to own it)")
    return notes


def _message(message: str | None, repository: Path | None) -> str:
    """The user's message or ours; either way it names the cvsite version, and the source commit."""
    source = _git(["rev-parse", "--short=12", "HEAD"], cwd=repository) if repository else None
    origin = f" from {source.stdout.strip()}" if source and source.returncode == 0 else ""
    trailer = f"Published with cvsite {__version__}{origin}"
    return f"{message.strip()}\n\n{trailer}\n" if message and message.strip() else trailer + "\n"


def _identity(repository: Path | None) -> dict[str, str]:
    """The author the profile repository would use (its own config included), else cvsite."""
    done = _git(["var", "GIT_AUTHOR_IDENT"], cwd=repository)
    match = re.match(r"^(.*) <(.*)> \d+ [+-]\d{4}$", done.stdout.strip()) if done.returncode == 0 else None
    name, email = (match.group(1), match.group(2)) if match else FALLBACK_IDENTITY
    identity = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    return {key: os.environ.get(key, value) for key, value in identity.items()}


# -- git -----------------------------------------------------------------------------------


class _Scratch:
    """A bare repository of our own, in the temporary folder: objects are made here, not in the user's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index = path.parent / "index"
        self._run(["init", "--bare", "-q", str(path)], bare=False)

    def fetch(self, url: str, branch: str) -> str:
        self._run(["fetch", "-q", "--depth=1", "--no-tags", "--", url, f"refs/heads/{branch}"], remote=url)
        return self._run(["rev-parse", "FETCH_HEAD^{commit}"]).strip()

    def read(self, commit: str, path: str) -> bytes | None:
        done = _git(["--git-dir", str(self.path), "cat-file", "blob", f"{commit}:{path}"], text=False)
        return done.stdout if done.returncode == 0 else None

    def tree_of(self, site: Path) -> tuple[str, list[str]]:
        """Hash every file as it is (no filters) and write one tree; returns it and the paths."""
        files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
        shas = self._run(["hash-object", "-w", "--no-filters", "--stdin-paths"],
                         stdin="".join(f"{site / f}\n" for f in files)).split()
        entries = "".join(f"{_mode(site / f)} {sha}\t{f}\n" for f, sha in zip(files, shas, strict=True))
        self.index.unlink(missing_ok=True)
        self._run(["update-index", "--add", "--index-info"], stdin=entries)
        return self._run(["write-tree"]).strip(), files

    def tree_of_commit(self, commit: str) -> str:
        return self._run(["rev-parse", f"{commit}^{{tree}}"]).strip()

    def diff(self, parent: str | None, tree: str) -> tuple[list[str], list[str], list[str]]:
        if parent is None:
            return self._run(["ls-tree", "-r", "--name-only", tree]).splitlines(), [], []
        lines = self._run(["diff-tree", "-r", "--no-renames", "--name-status", parent, tree]).splitlines()
        by_status: dict[str, list[str]] = {"A": [], "M": [], "D": []}
        for line in lines:
            status, _, path = line.partition("\t")
            by_status.setdefault(status[:1], []).append(path)
        return by_status["A"], by_status["M"], by_status["D"]

    def commit(self, tree: str, parent: str | None, message: str, identity: dict[str, str]) -> str:
        parents = ["-p", parent] if parent else []
        return self._run(["commit-tree", tree, *parents], stdin=message, env=identity).strip()

    def push(self, url: str, commit: str, branch: str) -> None:
        self._run(["push", "-q", "--", url, f"{commit}:refs/heads/{branch}"], remote=url)

    def _run(self, args: Sequence[str], stdin: str | None = None, env: dict[str, str] | None = None,
             bare: bool = True, remote: str | None = None) -> str:
        full = ["--git-dir", str(self.path), *args] if bare else list(args)
        done = _git(full, stdin=stdin, env={"GIT_INDEX_FILE": str(self.index), **(env or {})})
        if done.returncode != 0:
            if remote:
                raise DeployRefused(remote, f"git {args[0]} failed: {_last_line(done.stderr)}")
            raise CvsiteError(f"git {args[0]} failed: {_last_line(done.stderr)}")
        return done.stdout


def _mode(path: Path) -> str:
    return "100755" if os.access(path, os.X_OK) else "100644"


def _git(args: Sequence[str], cwd: Path | None = None, stdin: str | None = None,
         env: dict[str, str] | None = None, text: bool = True) -> subprocess.CompletedProcess:
    """Run git without a terminal to prompt on: a missing credential is an error, not a hang."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    return subprocess.run(["git", *_NEUTRAL, *args], cwd=cwd, input=stdin, capture_output=True,
                          text=text, env=environment, check=False)


def _require_git() -> None:
    if shutil.which("git") is None:
        raise DeployRefused("git", "is not installed; cvsite deploy publishes with git")


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no reason given"
