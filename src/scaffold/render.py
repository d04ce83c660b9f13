"""Rendering through copier, all or nothing.

Copier renders into a scratch folder on the destination's file system (see
``scaffold.destination``); only a complete, valid project is moved into place.
A failed or interrupted render leaves the destination exactly as it was, and
``pretend`` asks copier to write nothing at all. ``uv lock`` runs in the scratch
folder too (``scaffold.lock``), so an interrupted lock also leaves nothing behind;
a failed one is reported in ``Rendered.lock`` and the project is placed all the
same. Copier is imported lazily so that ``scaffold --help`` and ``scaffold
recommend`` stay fast.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from scaffold.answers import check_data, read_questions
from scaffold.destination import Target, check_destination, os_reason, place, scratch_folder
from scaffold.errors import (
    FileSystemError,
    GitMissingError,
    InvalidAnswerError,
    RenderError,
    TemplateNotFoundError,
    TemplateVersionNotFoundError,
)
from scaffold.lock import LockResult, lock_project

__all__ = ["RenderRequest", "Rendered", "is_remote", "render", "template_questions"]

_REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+", "http://", "https://", "ssh://", "git://")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PRETEND_ACTIONS = frozenset({"create", "overwrite", "conflict", "identical", "force"})


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """Everything copier needs to render one project."""

    source: str
    destination: Path
    vcs_ref: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    user_defaults: Mapping[str, Any] = field(default_factory=dict)
    ask: bool = False
    """Let copier ask the questions that ``data`` does not answer."""
    force: bool = False
    """Render into a destination that already holds files, replacing same-named ones."""
    pretend: bool = False
    """Render, report the files, and write nothing to the destination."""
    lock: bool = False
    """Run ``uv lock`` in the rendered project before placing it."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a render produced."""

    destination: Path
    answers: dict[str, Any]
    files: tuple[str, ...]
    """Paths relative to the destination, sorted."""
    pretend: bool
    notes: tuple[str, ...] = ()
    """Things the user should know, such as a template with uncommitted changes."""
    lock: LockResult | None = None
    """How ``uv lock`` went; None when it was not asked for (or nothing was written)."""


def is_remote(source: str) -> bool:
    """Tell whether a template source is a git URL rather than a local path."""
    return source.startswith(_REMOTE_PREFIXES) or source.endswith(".git")


def template_questions(source: str, vcs_ref: str | None = None) -> set[str] | None:
    """Return the question names a local template asks, or None if unknown.

    Raises:
        TemplateNotFoundError: A local source has no copier configuration.
    """
    questions = read_questions(source, vcs_ref, remote=is_remote(source))
    return None if questions is None else set(questions)


def render(request: RenderRequest) -> Rendered:
    """Render a copier template into ``request.destination``, all or nothing.

    Args:
        request: Source, destination and answers.

    Returns:
        The answers copier recorded and the files written (or that would be).

    Raises:
        DestinationNotEmptyError: The destination holds files and ``force`` is off.
        DestinationUnusableError: The destination or a folder above it is a file.
        FileSystemError: The file system refused (permissions, space, names).
        GitMissingError: The template needs git and git is missing.
        TemplateNotFoundError: The source is no template, or cannot be fetched.
        TemplateVersionNotFoundError: ``vcs_ref`` names no version of the template.
        UnknownAnswerKeyError: ``data`` answers a question the template lacks.
        InvalidAnswerError: An answer fails the template's validation.
        RenderError: Copier failed for another reason.
    """
    target = check_destination(request.destination, force=request.force, pretend=request.pretend)
    _check_git(request)
    questions = read_questions(request.source, request.vcs_ref, remote=is_remote(request.source))
    data = dict(request.data)
    if questions is not None:
        data = check_data(data, questions)
    _check_version(request)
    if request.pretend:
        return _pretend(request, target, data)
    notes: list[str] = []
    with scratch_folder(target) as scratch:
        staged = scratch / "project"
        notes = _run_copy(request, data, staged)
        files = tuple(
            sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if not p.is_dir())
        )
        answers = _read_answers(staged)
        locked = lock_project(staged) if request.lock else None
        place(staged, target, scratch / "backup")
    return Rendered(target.path, answers, files, False, tuple(notes), locked)


def _pretend(request: RenderRequest, target: Target, data: dict[str, Any]) -> Rendered:
    """Let copier walk the template without writing; collect the files it would write."""
    report: list[str] = []
    notes = _run_copy(request, data, target.path, pretend=True, report=report)
    files = set()
    for line in report:
        action, _, name = line.strip().partition(" ")
        if action in _PRETEND_ACTIONS and name.strip():
            files.add(name.strip())
    return Rendered(target.path, {}, tuple(sorted(files)), True, tuple(notes))


def _check_git(request: RenderRequest) -> None:
    if shutil.which("git") is not None:
        return
    local = Path(request.source).expanduser()
    if is_remote(request.source) or request.vcs_ref or (local / ".git").exists():
        raise GitMissingError(needed_for=f"the template {request.source}")


def _check_version(request: RenderRequest) -> None:
    """Refuse a ``vcs_ref`` a local git template lacks, naming the versions it has."""
    if not request.vcs_ref or is_remote(request.source):
        return
    root = Path(request.source).expanduser()
    if not (root / ".git").exists():
        return
    found = subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "rev-parse",
            "--verify",
            "--quiet",
            f"{request.vcs_ref}^{{commit}}",
        ],
        capture_output=True,
        check=False,
    )
    if found.returncode != 0:
        raise TemplateVersionNotFoundError(
            source=request.source, ref=request.vcs_ref, available=_local_tags(root)
        )


def _local_tags(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(root), "tag", "--list", "--sort=version:refname"],
        capture_output=True,
        text=True,
        check=False,
    )
    return listed.stdout.split()


def _remote_tags(source: str) -> list[str] | None:
    try:
        listed = subprocess.run(
            ["git", "ls-remote", "--tags", "--refs", "--", source],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:
        return None
    return [line.rsplit("refs/tags/", 1)[-1] for line in listed.stdout.splitlines() if line]


def _run_copy(
    request: RenderRequest,
    data: dict[str, Any],
    staged: Path,
    *,
    pretend: bool = False,
    report: list[str] | None = None,
) -> list[str]:
    """Run copier; return notes for the user. Copier's own stderr lines go to ``report``."""
    from copier import run_copy
    from copier.errors import CopierError

    printed = io.StringIO()
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            contextlib.redirect_stderr(printed),
        ):
            warnings.simplefilter("always")
            run_copy(
                request.source,
                staged,
                data=data,
                user_defaults=dict(request.user_defaults),
                vcs_ref=request.vcs_ref,
                defaults=not request.ask,
                quiet=not pretend,
                pretend=pretend,
                overwrite=request.force,
                unsafe=False,
            )
    except KeyboardInterrupt:
        raise  # Includes copier's CopierAnswersInterrupt (Ctrl-C at a question).
    except CopierError as exc:
        raise RenderError(reason=_first_line(exc)) from exc
    except ValueError as exc:
        message = _first_line(exc)
        if message.startswith("Unknown revision") and request.vcs_ref:
            tags = _remote_tags(request.source) if is_remote(request.source) else None
            raise TemplateVersionNotFoundError(
                source=request.source, ref=request.vcs_ref, available=tags or []
            ) from exc
        if "template must be" in message or "not a git" in message.lower():
            raise TemplateNotFoundError(source=request.source) from exc
        raise InvalidAnswerError(reason=_user_terms(message)) from exc
    except subprocess.CalledProcessError as exc:
        raise RenderError(reason=f"git failed: {' '.join(map(str, exc.cmd[:3]))}") from exc
    except OSError as exc:
        _raise_os_error(request, exc)
    lines = _ANSI.sub("", printed.getvalue()).splitlines()
    if report is not None:
        report.extend(lines)
    from copier.errors import CopierWarning

    # Copier's warnings concern the user; other libraries' warnings are noise to them.
    notes = [_note(request, w.message) for w in caught if issubclass(w.category, CopierWarning)]
    if any(line.startswith("No git tags found in template") for line in lines):
        notes.insert(0, _note(request, "No git tags found in template"))
    return notes


def _raise_os_error(request: RenderRequest, exc: OSError) -> NoReturn:
    if type(exc).__name__ == "ProcessExecutionError":
        # plumbum: a git command copier ran failed (an unreachable URL, a bad ref).
        stderr = str(getattr(exc, "stderr", "") or "").strip().splitlines()
        detail = stderr[-1] if stderr else "git could not read it"
        detail = detail.removeprefix("fatal: ")
        if request.vcs_ref and is_remote(request.source):
            tags = _remote_tags(request.source)
            if tags is not None and request.vcs_ref not in tags:
                raise TemplateVersionNotFoundError(
                    source=request.source, ref=request.vcs_ref, available=tags
                ) from exc
        raise TemplateNotFoundError(source=request.source, reason=detail) from exc
    if type(exc).__name__ == "CommandNotFound" or (
        isinstance(exc, FileNotFoundError) and exc.filename == "git"
    ):
        raise GitMissingError(needed_for=f"the template {request.source}") from exc
    raise FileSystemError(
        path=request.destination.absolute(), action="write into", reason=os_reason(exc)
    ) from exc


def _note(request: RenderRequest, message: Warning | str) -> str:
    if type(message).__name__ == "DirtyLocalWarning":
        return (
            f"note: the template {request.source} has uncommitted changes; "
            "they were used as they are"
        )
    text = _first_line(Exception(str(message)))
    if text.startswith("No git tags found in template"):
        return f"note: the template {request.source} has no version tags; its last commit was used"
    return f"note: {_user_terms(text)}"


def _user_terms(message: str) -> str:
    """Drop a library's framing (pydantic's 'Value error, ') from a message."""
    message = re.sub(r"^Validation error for question '[^']*': ", "", message)
    message = re.sub(r"^(Value error, )+", "", message)
    return re.sub(r"\s*\[type=[^\]]*\]$", "", message)


def _read_answers(project: Path) -> dict[str, Any]:
    import yaml

    answers_file = project / ".copier-answers.yml"
    if not answers_file.is_file():
        return {}
    loaded = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."
