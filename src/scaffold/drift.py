"""Template drift: how a generated project differs from its template, and what an update would do.

``check_drift`` renders the template version the project records (``_commit`` in
``.copier-answers.yml``) and the newest version with the project's own answers,
each in a scratch folder outside the project, and compares every file the
template manages with the project's copy. Where both the project and the newer
version changed a file, ``git merge-file`` (a real three-way merge) decides
whether an update would conflict. The project is only read, never written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from scaffold.decision import ANSWERS_FILE, find_project, read_answers
from scaffold.errors import (
    EXIT_UPDATE_AVAILABLE,
    EXIT_UPDATE_CONFLICT,
    GitMissingError,
    ProjectNotFoundError,
    RenderError,
    TemplateNotFoundError,
    TemplateVersionNotFoundError,
    UnversionedProjectError,
)
from scaffold.tree import read_entry

__all__ = ["DriftReport", "FileDrift", "FileState", "check_drift", "render_version"]

FileState = Literal[
    "unchanged",
    "project",
    "template",
    "both",
    "deleted",
    "added",
    "removed",
]
"""What happened to one managed file.

``project``: changed by the project; ``template``: changed in the newer version;
``both``: changed by both; ``deleted``: the project deleted it; ``added``: new in
the newer version; ``removed``: the newer version no longer has it.
"""

_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
"""A path copier's exclusion patterns (Jinja, then gitignore rules) take as itself."""

_REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+", "http://", "https://", "ssh://", "git://")


@dataclass(frozen=True, slots=True)
class FileDrift:
    """One file the template manages (in the recorded or the newest version)."""

    path: str
    """Relative to the project root, with ``/`` separators."""
    state: FileState
    conflict: bool = False
    """Whether updating to the newest version would leave a conflict in this file."""


@dataclass(frozen=True, slots=True)
class DriftReport:
    """The drift of one project from its template."""

    project: Path
    source: str
    recorded: str
    """The template version the project was made from or last updated to."""
    newest: str
    """The newest template version (the recorded one when nothing is newer)."""
    files: tuple[FileDrift, ...]

    @property
    def update_available(self) -> bool:
        """Whether a newer template version exists."""
        return self.newest != self.recorded

    @property
    def conflicts(self) -> tuple[FileDrift, ...]:
        """The files an update to the newest version would leave in conflict."""
        return tuple(item for item in self.files if item.conflict)

    @property
    def status(self) -> Literal["up-to-date", "update-available", "conflict"]:
        """The one-word summary the exit code stands for."""
        if not self.update_available:
            return "up-to-date"
        return "conflict" if self.conflicts else "update-available"

    @property
    def exit_code(self) -> int:
        """0 up to date, 10 update available, 11 the update would conflict."""
        return {"up-to-date": 0, "update-available": EXIT_UPDATE_AVAILABLE}.get(
            self.status, EXIT_UPDATE_CONFLICT
        )

    def to_json(self) -> dict[str, Any]:
        """Return the report as the object ``scaffold check --json`` prints."""
        return {
            "project": str(self.project),
            "source": self.source,
            "recorded": self.recorded,
            "newest": self.newest,
            "update_available": self.update_available,
            "status": self.status,
            "exit_code": self.exit_code,
            "conflicts": [item.path for item in self.conflicts],
            "files": [
                {"path": item.path, "state": item.state, "conflict": item.conflict}
                for item in self.files
            ],
        }


def check_drift(path: Path) -> DriftReport:
    """Compare a generated project with its recorded and its newest template version.

    Args:
        path: The project's root or any folder inside it.

    Returns:
        The state of every managed file and whether a newer version exists.

    Raises:
        ProjectNotFoundError: No answers file at or above ``path``.
        UnversionedProjectError: The answers file names no source or version.
        TemplateNotFoundError: The template source cannot be read.
        TemplateVersionNotFoundError: The recorded version is not in the template.
        RenderError: copier failed to render a version.
        GitMissingError: git is not installed.
    """
    project = find_project(path) if path.is_dir() else None
    if project is None:
        raise ProjectNotFoundError(path=path.absolute())
    answers = read_answers(project)
    source, recorded = answers.get("_src_path"), answers.get("_commit")
    if not isinstance(source, str) or not source:
        raise UnversionedProjectError(path=project / ANSWERS_FILE, missing="template (_src_path)")
    if not isinstance(recorded, str) or not recorded:
        raise UnversionedProjectError(path=project / ANSWERS_FILE, missing="version (_commit)")
    if shutil.which("git") is None:
        raise GitMissingError(needed_for="comparing the project with its template")
    installed = _sync_if_store(source)
    tags = _tags(source)
    if recorded not in tags and not _resolves(source, recorded):
        raise TemplateVersionNotFoundError(source=source, ref=recorded, available=tags)
    newest = _newest(tags, recorded, installed)
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    with tempfile.TemporaryDirectory(prefix="scaffold-check-") as scratch:
        old = render_version(source, recorded, data, Path(scratch) / "recorded")
        new = (
            old
            if newest == recorded
            else render_version(source, newest, data, Path(scratch) / "new")
        )
        empty = Path(scratch) / "empty"
        empty.write_bytes(b"")
        names = sorted((_files(old) | _files(new)) - {ANSWERS_FILE})
        files = tuple(_compare(name, project, old, new, empty) for name in names)
    return DriftReport(project, source, recorded, newest, files)


def _compare(name: str, project: Path, old: Path, new: Path, empty: Path) -> FileDrift:
    base, theirs, mine = read_entry(old / name), read_entry(new / name), read_entry(project / name)
    if base is None:  # New in the newer version.
        if mine is None or mine == theirs:
            return FileDrift(name, "added" if mine is None else "unchanged")
        return FileDrift(name, "added", conflict=_conflicts(project / name, empty, new / name))
    if mine is None:
        return FileDrift(name, "deleted", conflict=theirs is not None and theirs != base)
    if theirs is None:
        return FileDrift(name, "removed", conflict=mine != base)
    ours_changed, template_changed = mine != base, theirs != base
    if ours_changed and template_changed:
        if mine == theirs:
            return FileDrift(name, "both")
        return FileDrift(name, "both", conflict=_conflicts(project / name, old / name, new / name))
    if ours_changed:
        return FileDrift(name, "project")
    return FileDrift(name, "template" if template_changed else "unchanged")


def _conflicts(mine: Path, base: Path, theirs: Path) -> bool:
    """Three-way merge with ``git merge-file``; True when it leaves conflicts.

    Its exit status is the number of conflicts; a file it cannot merge at all
    (binary content) is a conflict too, as it would be for the update.
    """
    result = subprocess.run(
        ["git", "merge-file", "-p", "--quiet", str(mine), str(base), str(theirs)],
        capture_output=True,
        check=False,
    )
    return result.returncode != 0


def _files(root: Path) -> set[str]:
    return {
        item.relative_to(root).as_posix()
        for item in root.rglob("*")
        if (item.is_file() or item.is_symlink()) and ".git" not in item.relative_to(root).parts
    }


def render_version(
    source: str,
    ref: str,
    data: dict[str, Any],
    destination: Path,
    only: Collection[str] | None = None,
) -> Path:
    """Render one template version with a project's answers into ``destination``.

    ``only`` (paths relative to the project) renders just those files, which is
    quicker; it is ignored (everything is rendered) when a path holds characters
    that copier's exclusion patterns would read as more than a plain name.

    Raises:
        RenderError: copier failed to render the version.
    """
    from copier import run_copy
    from copier.errors import CopierError

    exclude = []
    if only is not None and all(_PLAIN_PATH.fullmatch(name) for name in only):
        exclude = ["*", *(f"!/{name}" for name in only)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Dirty-template and similar notes: not ours to show.
            run_copy(
                source,
                destination,
                data=data,
                vcs_ref=ref,
                defaults=True,
                overwrite=True,
                quiet=True,
                unsafe=False,
                exclude=exclude,
            )
    except CopierError as exc:
        first = str(exc).strip().splitlines()
        raise RenderError(reason=f"template {ref}: {first[0] if first else exc}") from exc
    except (ValueError, subprocess.CalledProcessError) as exc:
        raise RenderError(reason=f"template {ref}: {exc}") from exc
    return destination


def _sync_if_store(source: str) -> str | None:
    """When the source is scaffold's own store, sync it and return this scaffold's tag.

    The store then holds every shipped version; the tag is the version ``scaffold
    update`` goes to by default. Any other source returns None.
    """
    from scaffold import store

    if Path(source).expanduser() == Path(store.store_location()).expanduser():
        return store.sync(source).tag
    return None


def _is_remote(source: str) -> bool:
    return source.startswith(_REMOTE_PREFIXES) or source.endswith(".git")


def _tags(source: str) -> list[str]:
    if _is_remote(source):
        command = ["git", "ls-remote", "--tags", "--refs", source]
        lines = _git_lines(command, source)
        return [line.split("refs/tags/", 1)[1] for line in lines if "refs/tags/" in line]
    return _git_lines(["git", "-C", str(Path(source).expanduser()), "tag", "--list"], source)


def _resolves(source: str, ref: str) -> bool:
    if _is_remote(source):
        return False
    folder = str(Path(source).expanduser())
    result = subprocess.run(
        ["git", "-C", folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _git_lines(command: list[str], source: str) -> list[str]:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = (getattr(exc, "stderr", "") or "").strip().splitlines()
        raise TemplateNotFoundError(
            source=source, reason=detail[-1] if detail else "git cannot read it"
        ) from exc
    return [line for line in result.stdout.splitlines() if line.strip()]


def _newest(tags: list[str], recorded: str, installed: str | None = None) -> str:
    """The version an update goes to, when it is newer than the recorded one.

    For scaffold's own store that is ``installed``, the template of the scaffold
    that runs (development and pre-release builds included), as for ``scaffold
    update``; for any other source, the newest final release among the tags, as
    plain ``copier update`` picks it. The recorded version stays the answer when
    the target is not newer than it (a project is never told to go back).
    """
    from packaging.version import InvalidVersion, Version

    def parse(tag: str) -> Version | None:
        try:
            return Version(tag)
        except InvalidVersion:
            return None

    current = parse(recorded) or parse(recorded.split("-", 1)[0])  # git describe: v1-2-gabc
    if installed is not None:
        target = parse(installed)
        if installed == recorded or (target and current and target <= current):
            return recorded
        return installed
    finals = [
        (version, tag) for tag in tags if (version := parse(tag)) and not version.is_prerelease
    ]
    if not finals:
        return recorded
    best_version, best = max(finals)
    if current is not None and best_version <= current:
        return recorded
    return best
