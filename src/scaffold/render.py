"""Rendering through copier, all or nothing.

Copier renders into a temporary folder beside the destination; only a
complete, valid project is moved into place. A failed or interrupted render
leaves the destination exactly as it was. Copier is imported lazily so that
``scaffold --help`` and ``scaffold recommend`` stay fast.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import (
    DestinationNotEmptyError,
    InvalidAnswerError,
    RenderError,
    TemplateNotFoundError,
    UnknownAnswerKeyError,
)

__all__ = ["RenderRequest", "Rendered", "is_remote", "render", "template_questions"]

_CONFIG_NAMES = ("copier.yml", "copier.yaml")
_REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+", "http://", "https://", "ssh://", "git://")


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


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a render produced."""

    destination: Path
    answers: dict[str, Any]
    files: tuple[str, ...]
    """Paths relative to the destination, sorted."""
    pretend: bool


def is_remote(source: str) -> bool:
    """Tell whether a template source is a git URL rather than a local path."""
    return source.startswith(_REMOTE_PREFIXES) or source.endswith(".git")


def template_questions(source: str, vcs_ref: str | None = None) -> set[str] | None:
    """Return the question names a local template asks, or None if unknown.

    Reads ``copier.yml`` from the folder, or from ``vcs_ref`` when the folder is
    a git repository. Remote templates are not fetched twice, so they give None.

    Raises:
        TemplateNotFoundError: A local source has no copier configuration.
    """
    if is_remote(source):
        return None
    root = Path(source).expanduser()
    text = None
    if vcs_ref and (root / ".git").exists():
        text = _git_show(root, vcs_ref)
    if text is None:
        config = next((root / name for name in _CONFIG_NAMES if (root / name).is_file()), None)
        if config is None:
            raise TemplateNotFoundError(source=source)
        text = config.read_text(encoding="utf-8")
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return None  # Custom tags such as !include: leave the checking to copier.
    if not isinstance(loaded, dict):
        return None
    return {str(key) for key in loaded if not str(key).startswith("_")}


def render(request: RenderRequest) -> Rendered:
    """Render a copier template into ``request.destination``, all or nothing.

    Args:
        request: Source, destination and answers.

    Returns:
        The answers copier recorded and the files written (or that would be).

    Raises:
        DestinationNotEmptyError: The destination holds files and ``force`` is off.
        TemplateNotFoundError: The source is no template.
        UnknownAnswerKeyError: ``data`` answers a question the template lacks.
        InvalidAnswerError: An answer fails the template's validation.
        RenderError: Copier failed for another reason.
    """
    destination = request.destination.absolute()
    if destination.exists() and not request.force and not request.pretend:
        if not destination.is_dir() or any(destination.iterdir()):
            raise DestinationNotEmptyError(path=destination)
    known = template_questions(request.source, request.vcs_ref)
    if known is not None and (unknown := set(request.data) - known):
        raise UnknownAnswerKeyError(keys=unknown, known=known)

    parent = _existing_parent(destination)
    scratch = Path(tempfile.mkdtemp(prefix=f".{destination.name}.scaffold-", dir=parent))
    try:
        staged = scratch / "project"
        _run_copy(request, staged)
        files = tuple(
            sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if not p.is_dir())
        )
        answers = _read_answers(staged)
        if not request.pretend:
            _move_into_place(staged, destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Rendered(destination, answers, files, request.pretend)


def _run_copy(request: RenderRequest, staged: Path) -> None:
    from copier import run_copy
    from copier.errors import CopierError

    try:
        run_copy(
            request.source,
            staged,
            data=dict(request.data),
            user_defaults=dict(request.user_defaults),
            vcs_ref=request.vcs_ref,
            defaults=not request.ask,
            quiet=True,
            unsafe=False,
        )
    except KeyboardInterrupt:
        raise  # Includes copier's CopierAnswersInterrupt (Ctrl-C at a question).
    except CopierError as exc:
        raise RenderError(reason=_first_line(exc)) from exc
    except ValueError as exc:
        message = _first_line(exc)
        if "template must be" in message or "not a git" in message.lower():
            raise TemplateNotFoundError(source=request.source) from exc
        raise InvalidAnswerError(reason=message) from exc
    except subprocess.CalledProcessError as exc:
        raise RenderError(reason=f"git failed: {' '.join(map(str, exc.cmd[:3]))}") from exc
    except OSError as exc:
        raise RenderError(reason=str(exc)) from exc
    except Exception as exc:
        # plumbum's ProcessExecutionError (a failed git clone) is not an OSError.
        if type(exc).__name__ == "ProcessExecutionError":
            raise TemplateNotFoundError(source=request.source) from exc
        raise


def _move_into_place(staged: Path, destination: Path) -> None:
    if not destination.exists():
        destination.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(destination)
        return
    if destination.is_dir() and not any(destination.iterdir()):
        destination.rmdir()
        staged.rename(destination)
        return
    # --force into a folder with files: replace same-named files, keep the rest.
    shutil.copytree(staged, destination, dirs_exist_ok=True, symlinks=True)


def _existing_parent(path: Path) -> Path:
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    return parent


def _read_answers(project: Path) -> dict[str, Any]:
    import yaml

    answers_file = project / ".copier-answers.yml"
    if not answers_file.is_file():
        return {}
    loaded = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _git_show(root: Path, ref: str) -> str | None:
    for name in _CONFIG_NAMES:
        result = subprocess.run(
            ["git", "-C", str(root), "show", f"{ref}:{name}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return result.stdout
    return None


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."
