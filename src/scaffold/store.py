"""The local template store: a git repository of the bundled template, a tag per version.

``copier update`` needs a template source it can reach and a tag for the
version a project was made from. The template ships inside scaffold's wheel,
so scaffold copies it into a git repository under the user's home directory,
``~/.local/share/scaffold/template``, and tags it ``v<scaffold version>``.
Projects record that path with its ``~`` (copier expands it), so the answers
file means the same on every machine where scaffold has synced its store.

Each version is stored as a root commit with fixed author, committer and date,
so the same template files give the same commit on every machine. After
``pip install -U scaffold-mlweb``, ``scaffold sync`` (or any ``scaffold new``) adds the
new version's tag; plain ``copier update`` then finds it as the newest tag. The
wheel also carries every released version (see ``hatch_build.py``), so a
teammate whose scaffold is newer than the project still gets the old version
that ``copier update`` diffs against.
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scaffold._version import __version__
from scaffold.destination import os_reason
from scaffold.errors import FileSystemError, GitMissingError, TemplateStoreError
from scaffold.releases import TEMPLATE_PARTS, release_archives

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV",
    "StoredTemplate",
    "bundled_history",
    "bundled_template",
    "lookup",
    "release_archives",
    "store_location",
    "sync",
]

DEFAULT_STORE = "~/.local/share/scaffold/template"
"""Where the store lives, written with ``~`` so answers files stay portable."""
STORE_ENV = "SCAFFOLD_TEMPLATE_STORE"
"""Environment variable that moves the store (recorded as given, made absolute)."""
_STORE_HINT = f"set {STORE_ENV} to a folder you can write"

_IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}
_EXCLUDES = tuple(
    f":(exclude,glob){pattern}"
    for pattern in (
        "**/__pycache__/**",
        "**/*.py[co]",
        "**/.ruff_cache/**",
        "**/.mypy_cache/**",
        "**/.pytest_cache/**",
    )
)
"""Tool caches a development checkout may hold; they never belong in the template."""


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    """A template version in the store, as copier should be pointed at it."""

    location: str
    """The source path to give copier and record in answers (may start with ``~``)."""
    tag: str
    """The git tag of this scaffold's template version."""
    added: bool
    """Whether this call added the tag."""


def bundled_template() -> Path:
    """Return the folder holding ``copier.yml`` and ``templates/`` for this scaffold.

    An installed wheel carries them as ``scaffold/_template``; a source checkout
    (editable install) uses the repository root.
    """
    packaged = Path(str(resources.files("scaffold"))) / "_template"
    if (packaged / "copier.yml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "copier.yml").is_file():
        return checkout
    raise TemplateStoreError(path=packaged, reason="the bundled template is missing")


def store_location() -> str:
    """Return the store path as it is written into answers files.

    ``SCAFFOLD_TEMPLATE_STORE`` wins (a relative path is made absolute, so the
    answers file does not depend on the folder scaffold ran in); else
    ``$XDG_DATA_HOME/scaffold/template`` when that is set to an absolute path;
    else ``~/.local/share/scaffold/template``. A path inside the home folder is
    written with ``~``.
    """
    given = os.environ.get(STORE_ENV)
    if given:
        if given.startswith("~") or os.path.isabs(given):
            return given
        return os.path.abspath(given)
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(xdg):
        return DEFAULT_STORE
    location = os.path.join(os.path.normpath(xdg), "scaffold", "template")
    home = os.path.expanduser("~")
    if home not in ("", "/") and location.startswith(home.rstrip("/") + "/"):
        return "~" + location[len(home.rstrip("/")) :]
    return location


def lookup(location: str | None = None, *, version: str = __version__) -> StoredTemplate | None:
    """Return this version's tag in the store without writing anything, or None.

    ``scaffold new --pretend`` uses it so that looking writes nothing anywhere.
    """
    location = location or store_location()
    path = Path(location).expanduser()
    if shutil.which("git") is None or not (path / ".git").is_dir():
        return None
    tag = f"v{version}"
    return StoredTemplate(location, tag, added=False) if _tag_tree(path, tag) else None


def sync(
    location: str | None = None,
    *,
    version: str = __version__,
    template: Path | None = None,
    history: Sequence[tuple[str, bytes]] | None = None,
) -> StoredTemplate:
    """Make sure the store holds this scaffold's template version under its tag.

    Released versions that the wheel carries as history are added too, so a
    project made with an older scaffold can be updated on a machine that only
    ever installed a newer one.

    Args:
        location: Store path; defaults to ``store_location()``.
        version: The version to tag, without the leading ``v``.
        template: Folder with ``copier.yml`` and ``templates/``; defaults to the
            bundled one.
        history: Earlier versions as ``(version, tar archive)`` pairs; defaults
            to those bundled with scaffold.

    Returns:
        Where the template is and which tag to render.

    Raises:
        GitMissingError: git is not installed.
        FileSystemError: The store's folder cannot be written.
        TemplateStoreError: git failed in the store.
    """
    location = location or store_location()
    template = template or bundled_template()
    path = Path(location).expanduser()
    if shutil.which("git") is None:
        raise GitMissingError(needed_for=f"its local template store ({location})")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            if not (path / ".git").is_dir():
                _git(path, "init", "--quiet", "--initial-branch=main")
            past = bundled_history(template) if history is None else history
            for old_version, archive in past:
                if old_version != version and _tag_tree(path, f"v{old_version}") is None:
                    _add_version(path, f"v{old_version}", _tree_of_archive(path, archive))
            return _sync_current(location, path, f"v{version}", template)
    except OSError as exc:
        raise FileSystemError(
            path=path, action="write the template store", reason=os_reason(exc), hint=_STORE_HINT
        ) from exc
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()
        reason = detail[-1] if detail else f"git exited with {exc.returncode}"
        raise TemplateStoreError(path=path, reason=reason) from exc


def _sync_current(location: str, path: Path, tag: str, template: Path) -> StoredTemplate:
    tree = _tree_of_folder(path, template)
    existing = _tag_tree(path, tag)
    if existing == tree:
        return StoredTemplate(location, tag, added=False)
    if existing is not None:
        # Same version number, different files: a development build.
        tag = f"{tag}+{tree[:12]}"
        if _tag_tree(path, tag) == tree:
            return StoredTemplate(location, tag, added=False)
    commit = _add_version(path, tag, tree)
    _git(path, "checkout", "--quiet", "--force", "-B", "main", commit)
    return StoredTemplate(location, tag, added=True)


def _add_version(store: Path, tag: str, tree: str) -> str:
    """Commit a tree as a root commit with fixed metadata, tag it, return the commit."""
    commit = _git(store, "commit-tree", tree, "-m", f"scaffold template {tag}", env=_IDENTITY)
    _git(store, "tag", tag, commit)
    return commit


def bundled_history(template: Path | None = None) -> list[tuple[str, bytes]]:
    """Return earlier template versions as ``(version, tar archive)`` pairs.

    A wheel carries them in ``_template/history/v<version>.tar`` (written by the
    build hook from the release record, ``releases.toml``); a source checkout
    archives its own recorded releases (and ``v*`` tags).
    """
    template = template or bundled_template()
    folder = template / "history"
    if folder.is_dir():
        return [(tar.stem[1:], tar.read_bytes()) for tar in sorted(folder.glob("v*.tar"))]
    if not (template / ".git").exists():
        return []
    return release_archives(template)


def _tree_of_folder(store: Path, template: Path) -> str:
    """Write ``copier.yml`` and ``templates/`` of a folder as a git tree; return its id."""
    with tempfile.TemporaryDirectory(prefix="scaffold-store-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index"), "GIT_WORK_TREE": str(template)}
        _git(
            store,
            "add",
            "--all",
            "--force",
            "--",
            *TEMPLATE_PARTS,
            *_EXCLUDES,
            env=env,
            cwd=template,
        )
        return _git(store, "write-tree", env=env)


def _tree_of_archive(store: Path, archive: bytes) -> str:
    """Write the template in a tar archive as a git tree; return its id."""
    with tempfile.TemporaryDirectory(prefix="scaffold-store-") as scratch:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(scratch, filter="data")
        return _tree_of_folder(store, Path(scratch))


def _tag_tree(store: Path, tag: str) -> str | None:
    """Return the tree id a tag points at, or None when the tag does not exist."""
    try:
        return _git(store, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{tree}}")
    except subprocess.CalledProcessError:
        return None


def _git(
    store: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> str:
    command = ["git", "--git-dir", str(store / ".git")]
    if env is None or "GIT_WORK_TREE" not in env:
        command += ["--work-tree", str(store)]
    result = subprocess.run(
        [*command, *args],
        cwd=cwd or store,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


@contextmanager
def _locked(store: Path) -> Iterator[None]:
    """Hold an exclusive lock on the store while it changes."""
    lock = store.with_name(store.name + ".lock")
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
