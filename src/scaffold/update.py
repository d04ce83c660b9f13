"""``scaffold update``: take a newer template version (or changed answers) into a project.

``update_project`` runs copier's own update (``copier.run_update``) on a project
that git has committed: scaffold's own template is synced into the local store
first and the default target is the template version of the installed scaffold
(development and pre-release builds included); a project from another template
source updates from that source directly, to the version copier would pick.
Answered questions are never asked again. ``dry_run`` and ``verify`` compute the
update in a scratch copy of the project (its ``.git`` included), so the project
itself is only written when the update is really applied.

copier deletes a file the newer template (or a changed answer) no longer makes,
even when the project changed it. scaffold keeps such a file as it was and reports
it as a conflict: whether the project changed it is decided against the recorded
version rendered with the recorded answers in a scratch folder (only when the
update removes files).
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from scaffold.decision import ANSWERS_FILE, find_project, read_answers
from scaffold.errors import (
    DirtyProjectError,
    FrameworkChangeError,
    GitMissingError,
    InvalidAnswerError,
    ProjectNotFoundError,
    RenderError,
    TemplateVersionNotFoundError,
    UnversionedProjectError,
    VerifyFailedError,
)
from scaffold.tree import Snapshot, read_entry, snapshot, write_entry

__all__ = ["UpdateOptions", "UpdateResult", "update_project"]

ConflictMode = Literal["inline", "rej"]

NEXT_STEPS = (
    "uv lock && uv sync",
    "apply database migrations if the update added any (see the README)",
    "uv run pytest -q",
)
"""What to run after an update, in order."""

_MARKERS = (b"<<<<<<< ", b">>>>>>> ")

_ENVIRONMENTS = frozenset(
    ".venv venv .tox .nox node_modules __pycache__ .mypy_cache .pytest_cache .ruff_cache "
    ".uv-cache htmlcov".split()
)
"""Folders of installed packages and tool caches. No template manages a file in them
and a virtual environment holds hundreds of megabytes, so where git ignores them the
scratch copy and the snapshots of the project leave them out."""


@dataclass(frozen=True, slots=True)
class UpdateOptions:
    """How to update a project."""

    to: str | None = None
    """Template version (git tag or commit); default: see ``update_project``."""
    data: dict[str, str] = field(default_factory=dict)
    """Answers to change (``--data KEY=VALUE``)."""
    conflict: ConflictMode = "inline"
    dry_run: bool = False
    allow_dirty: bool = False
    ask: bool = False
    """Ask new questions in the terminal; otherwise they take their defaults."""
    verify: bool = False
    """Update a scratch copy, install it and run its tests; apply only if they pass."""


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What an update changed (or, for a dry run, would change)."""

    project: Path
    source: str
    recorded: str
    target: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    conflicts: tuple[str, ...]
    applied: bool
    diff: str = ""
    """The unified diff of the update (dry runs only)."""
    notes: tuple[str, ...] = ()
    """Things the user must know (a stash that could not be brought back cleanly)."""
    kept: tuple[str, ...] = ()
    """Files the project changed that the newer template no longer has: kept as they
    were (copier would delete them) and left for the user to decide, like a conflict."""

    @property
    def files(self) -> tuple[str, ...]:
        """Every file the update adds, changes or removes."""
        return tuple(sorted((*self.added, *self.changed, *self.removed)))


def update_project(path: Path, options: UpdateOptions | None = None) -> UpdateResult:
    """Update a generated project from its template.

    Args:
        path: The project's root or any folder inside it.
        options: Target version, changed answers, conflict style, dry run, verify.

    Returns:
        The files added, changed and removed, and those left in conflict.

    Raises:
        ProjectNotFoundError: No answers file at or above ``path``.
        UnversionedProjectError: The answers file names no source or version.
        FrameworkChangeError: ``data`` switches the framework.
        GitMissingError: git is not installed.
        DirtyProjectError: The project has uncommitted changes (or is not a git
            repository) and ``allow_dirty`` is off.
        TemplateVersionNotFoundError: ``to`` names no version of the template.
        RenderError: copier failed.
        VerifyFailedError: ``verify`` is on and the updated copy failed to
            install or its tests failed; the project was not touched.
    """
    options = options or UpdateOptions()
    project = find_project(path) if path.is_dir() else None
    if project is None:
        raise ProjectNotFoundError(path=path.absolute())
    answers = read_answers(project)
    source, recorded = answers.get("_src_path"), answers.get("_commit")
    if not isinstance(source, str) or not source:
        raise UnversionedProjectError(path=project / ANSWERS_FILE, missing="template (_src_path)")
    if not isinstance(recorded, str) or not recorded:
        raise UnversionedProjectError(path=project / ANSWERS_FILE, missing="version (_commit)")
    _refuse_framework_change(answers, options.data)
    if shutil.which("git") is None:
        raise GitMissingError(needed_for="updating the project")
    dirty = _dirty(project)
    if dirty and not options.allow_dirty:
        raise DirtyProjectError(path=project, reason=dirty)
    target = options.to or _default_target(source)
    data = _checked_data(source, target, options.data, answers)
    skip = _environments(project)
    before = snapshot(project, skip)
    with tempfile.TemporaryDirectory(prefix="scaffold-update-") as scratch:
        recorded_render = _RecordedRender(source, recorded, answers, Path(scratch) / "recorded")
        if options.dry_run or options.verify:
            copy = Path(scratch) / "copy" / project.name
            shutil.copytree(project, copy, symlinks=True, ignore=_leave_out(project, skip))
            _run_update(copy, target, data, options)
            kept, after = _keep_changed(copy, before, snapshot(copy, skip), recorded_render)
            if not options.verify:
                return _compare(project, copy, before.files, after, source, recorded, options, kept)
            _verify(copy)
        notes = _run_update(project, target, data, options)
        kept, after = _keep_changed(project, before, snapshot(project, skip), recorded_render)
    added, changed, removed = _differences(before.files, after)
    conflicts = _conflicts(project, (*added, *changed), options.conflict)
    return UpdateResult(
        project,
        source,
        recorded,
        _recorded_version(project, target),
        added,
        changed,
        removed,
        conflicts,
        applied=True,
        notes=notes,
        kept=kept,
    )


class _RecordedRender:
    """The recorded template version rendered with the recorded answers, on demand."""

    def __init__(self, source: str, ref: str, answers: dict[str, Any], folder: Path) -> None:
        self._source, self._ref, self._folder = source, ref, folder
        self._data = {key: value for key, value in answers.items() if not key.startswith("_")}
        self._made: dict[tuple[str, ...], dict[str, bytes | None]] = {}

    def files(self, names: list[str]) -> dict[str, bytes | None]:
        """Each file as the recorded version made it, or None when it made no such file.

        Only these files are rendered (see ``render_version``), and only once: a
        verified update asks again for the same files after its scratch run.
        """
        from scaffold.drift import render_version

        key = tuple(names)
        if key not in self._made:
            folder = self._folder / str(len(self._made))
            render_version(self._source, self._ref, self._data, folder, only=names)
            self._made[key] = {name: read_entry(folder / name) for name in names}
        return self._made[key]


def _keep_changed(
    root: Path, before: Snapshot, after: Snapshot, recorded: _RecordedRender
) -> tuple[tuple[str, ...], dict[str, bytes]]:
    """Put back the files the update deleted that the project had changed.

    A file the recorded version made, unchanged by the project, is the template's
    to remove; one the project changed (or one the template never made) is not.

    Returns:
        The files put back, and every file of ``root`` as it now is.
    """
    removed = sorted(set(before.files) - set(after.files) - {ANSWERS_FILE})
    if not removed:
        return (), after.files
    made = recorded.files(removed)
    kept = tuple(name for name in removed if made[name] != before.files[name])
    for name in kept:
        write_entry(root / name, before.files[name], executable=name in before.executable)
    return kept, after.files | {name: before.files[name] for name in kept}


def _refuse_framework_change(answers: dict[str, Any], data: dict[str, str]) -> None:
    wanted = data.get("framework")
    current = answers.get("framework")
    if wanted is not None and wanted.strip().lower() != str(current).lower():
        raise FrameworkChangeError(current=str(current), wanted=wanted)


def _dirty(project: Path) -> str:
    """Why the project is not clean, or "" when git has committed all of it."""
    result = _git(project, "status", "--porcelain", "--untracked-files=all")
    if result.returncode != 0:
        return "it is not a git repository"
    lines = result.stdout.splitlines()
    if not lines:
        return ""
    more = f" and {len(lines) - 1} more" if len(lines) > 1 else ""
    return f"uncommitted changes ({lines[0][3:]}{more})"


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)


def _environments(project: Path) -> frozenset[str]:
    """The project's virtual environments and tool caches that git ignores (relative paths)."""
    result = _git(
        project, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"
    )
    if result.returncode != 0:
        return frozenset()
    folders = (entry[:-1] for entry in result.stdout.split("\0") if entry.endswith("/"))
    return frozenset(name for name in folders if name.rsplit("/", 1)[-1] in _ENVIRONMENTS)


def _leave_out(project: Path, skip: frozenset[str]) -> Callable[[str, list[str]], list[str]]:
    """``copytree``'s ``ignore``: the folders in ``skip``."""

    def ignore(folder: str, names: list[str]) -> list[str]:
        where = Path(folder).relative_to(project).as_posix()
        prefix = "" if where == "." else where + "/"
        return [name for name in names if prefix + name in skip]

    return ignore


def _default_target(source: str) -> str | None:
    """This scaffold's template tag for its own store; copier's choice for other sources."""
    from scaffold import store

    if Path(source).expanduser() == Path(store.store_location()).expanduser():
        return store.sync(source).tag
    return None


def _run_update(
    project: Path, target: str | None, data: dict[str, Any], options: UpdateOptions
) -> tuple[str, ...]:
    """Run copier's update; uncommitted work (``allow_dirty``) is stashed around it.

    copier refuses a dirty repository, so the work is put aside with ``git stash``
    and brought back afterwards. When git cannot bring it back (it overlaps files
    the update changed), the stash entry is kept and a note says so.
    """
    stashed = False
    if options.allow_dirty and _dirty(project).startswith("uncommitted"):
        stash = _git(
            project, "stash", "push", "--include-untracked", "--quiet", "-m", "scaffold update"
        )
        if stash.returncode != 0:
            raise RenderError(reason=f"git stash failed: {_last(stash.stderr)}")
        stashed = True
    popped = None
    try:
        _copier_update(project, target, data, options)
    finally:
        popped = _git(project, "stash", "pop", "--quiet") if stashed else None
    if popped is not None and popped.returncode != 0:
        return (
            "your uncommitted changes overlap files the update changed, so they stay in "
            "'git stash list': review and commit the update, then run 'git stash pop'",
        )
    return ()


def _last(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no reason given"


def _copier_update(
    project: Path, target: str | None, data: dict[str, Any], options: UpdateOptions
) -> None:
    from copier import run_update
    from copier.errors import CopierError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Dirty-template notes: not ours to show.
            run_update(
                project,
                data=data,
                vcs_ref=target,
                use_prereleases=target is not None,
                defaults=not options.ask,
                overwrite=True,
                skip_answered=True,
                conflict=options.conflict,
                quiet=True,
                unsafe=False,
            )
    except CopierError as exc:
        raise RenderError(reason=_first_line(exc)) from exc
    except ValueError as exc:
        message = _first_line(exc)
        if target and target in message:
            raise TemplateVersionNotFoundError(
                source=_source(project), ref=target, available=_tags(_source(project))
            ) from exc
        raise InvalidAnswerError(reason=message) from exc
    except subprocess.CalledProcessError as exc:
        stderr = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        detail = stderr.strip().splitlines()
        if target and any("pathspec" in line or "reference" in line for line in detail):
            raise TemplateVersionNotFoundError(
                source=_source(project), ref=target, available=_tags(_source(project))
            ) from exc
        raise RenderError(reason=f"git failed: {detail[-1] if detail else exc}") from exc
    except OSError as exc:
        if type(exc).__name__ == "ProcessExecutionError":
            text = str(exc).strip().splitlines()
            if target and any("pathspec" in line for line in text):
                raise TemplateVersionNotFoundError(
                    source=_source(project), ref=target, available=_tags(_source(project))
                ) from exc
            raise RenderError(reason=f"git failed: {text[-1] if text else exc}") from exc
        raise


def _checked_data(
    source: str, target: str | None, data: dict[str, str], recorded: dict[str, Any]
) -> dict[str, Any]:
    """Refuse unknown questions and bad values as ``scaffold new`` does; booleans as bools.

    Answers left at a default computed from the changed ones (the description
    from ``ml``) are changed with them, as ``scaffold new`` would have made them.
    """
    from scaffold.answers import check_data, read_questions
    from scaffold.derived import followed_defaults
    from scaffold.render import is_remote

    if not data:
        return {}
    questions = read_questions(source, target, remote=is_remote(source))
    if questions is None:
        return dict(data)
    checked = check_data(data, questions)
    return {**followed_defaults(questions, recorded, checked), **checked}


def _source(project: Path) -> str:
    return str(read_answers(project).get("_src_path"))


def _tags(source: str) -> list[str]:
    """The template's tags, for the message about a version it lacks (best effort)."""
    from scaffold.render import is_remote

    where = source if is_remote(source) else str(Path(source).expanduser())
    result = subprocess.run(
        ["git", "ls-remote", "--tags", "--refs", where],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return [
        line.split("refs/tags/", 1)[1]
        for line in result.stdout.splitlines()
        if "refs/tags/" in line
    ]


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _recorded_version(project: Path, fallback: str | None) -> str:
    commit = read_answers(project).get("_commit")
    return str(commit) if commit else (fallback or "")


def _differences(
    before: dict[str, bytes], after: dict[str, bytes]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    changed = tuple(sorted(k for k in set(before) & set(after) if before[k] != after[k]))
    return added, changed, removed


def _conflicts(root: Path, touched: tuple[str, ...], mode: ConflictMode) -> tuple[str, ...]:
    """Files the update left in conflict: ``.rej`` files, or files with conflict markers."""
    if mode == "rej":
        return tuple(sorted(name[: -len(".rej")] for name in touched if name.endswith(".rej")))
    found = []
    for name in touched:
        try:
            lines = (root / name).read_bytes().splitlines()
        except OSError:
            continue
        if any(line.startswith(_MARKERS[0]) for line in lines) and any(
            line.startswith(_MARKERS[1]) for line in lines
        ):
            found.append(name)
    return tuple(sorted(found))


def _compare(
    project: Path,
    copy: Path,
    before: dict[str, bytes],
    after: dict[str, bytes],
    source: str,
    recorded: str,
    options: UpdateOptions,
    kept: tuple[str, ...],
) -> UpdateResult:
    """The dry run's answer: ``copy`` (files ``after``) against the untouched project."""
    added, changed, removed = _differences(before, after)
    diff: list[str] = []
    for name in sorted((*added, *changed, *removed)):
        old, new = before.get(name), after.get(name)
        diff.extend(
            difflib.unified_diff(
                _lines(old),
                _lines(new),
                fromfile="/dev/null" if old is None else f"a/{name}",
                tofile="/dev/null" if new is None else f"b/{name}",
            )
        )
    return UpdateResult(
        project,
        source,
        recorded,
        _recorded_version(copy, None),
        added,
        changed,
        removed,
        _conflicts(copy, (*added, *changed), options.conflict),
        applied=False,
        diff="".join(diff),
        kept=kept,
    )


def _lines(content: bytes | None) -> list[str]:
    if content is None:
        return []
    try:
        text = content.decode()
    except UnicodeDecodeError:
        return ["(binary file)\n"]
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _verify(copy: Path) -> None:
    """Install the updated copy and run its own tests; raise when either fails."""
    from scaffold.lock import failure_reason, uv_binary

    uv = uv_binary()
    if uv is None:
        raise VerifyFailedError(step="uv sync", detail="uv is not installed or not on PATH")
    steps = (
        ("uv sync", [uv, "sync", "--quiet"]),
        ("uv run pytest -q", [uv, "run", "pytest", "-q"]),
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    for label, command in steps:
        result = subprocess.run(
            command, cwd=copy, capture_output=True, text=True, check=False, env=env, timeout=1800
        )
        if result.returncode != 0:
            if label == "uv sync":  # uv's report, its wrapped lines joined, in one line
                detail = failure_reason(result.stderr, result.returncode)
            else:  # pytest sums up on its last line
                detail = ((result.stdout + result.stderr).strip().splitlines() or [""])[-1]
            raise VerifyFailedError(step=label, detail=detail.strip())
