"""A template's questions, and ``--data`` answers checked against them in the user's terms.

Copier would cast ``docker=maybe`` to true and phrase a bad choice as pydantic
does; scaffold checks the answers it can (booleans, fixed choices, names copier
does not ask) before copier runs, and says what is wrong as a flag would.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import InvalidAnswerError, TemplateNotFoundError, UnknownAnswerKeyError

__all__ = [
    "Question",
    "check_data",
    "package_name_for",
    "parse_bool",
    "read_questions",
]

CONFIG_NAMES = ("copier.yml", "copier.yaml")

_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0"})


@dataclass(frozen=True, slots=True)
class Question:
    """What scaffold knows of one template question."""

    name: str
    type: str
    """copier's type name: ``str``, ``bool``, ``int``, ``float``, ``yaml``, ``json``."""
    choices: tuple[str, ...] = ()
    """Fixed choices, when the template lists them without Jinja."""
    default: object = None
    """The default as ``copier.yml`` writes it (a Jinja template for a computed one)."""


def parse_bool(text: str) -> bool | None:
    """Read the usual spellings of yes and no (case-insensitive); None for anything else."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def read_questions(source: str, vcs_ref: str | None, *, remote: bool) -> dict[str, Question] | None:
    """Return the questions a local template asks, or None when they cannot be known.

    Reads ``copier.yml`` from the folder, or from ``vcs_ref`` when the folder is
    a git repository. Remote templates are not fetched twice, so they give None.

    Raises:
        TemplateNotFoundError: A local source has no copier configuration.
    """
    if remote:
        return None
    root = Path(source).expanduser()
    text = None
    if vcs_ref and (root / ".git").exists():
        text = _git_show(root, vcs_ref)
    if text is None:
        config = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
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
    questions = {}
    for key, spec in loaded.items():
        name = str(key)
        if name.startswith("_"):
            continue
        questions[name] = _question(name, spec)
    return questions


def _question(name: str, spec: object) -> Question:
    if not isinstance(spec, dict):
        kind = "bool" if isinstance(spec, bool) else "str"
        return Question(name, kind, default=spec)
    kind = str(spec.get("type", "str"))
    raw = spec.get("choices")
    values: list[object] = []
    if isinstance(raw, dict):
        values = list(raw.values())
    elif isinstance(raw, list):
        values = [item[1] if isinstance(item, list) and len(item) == 2 else item for item in raw]
    choices = tuple(str(value) for value in values)
    if any("{" in choice for choice in choices):
        choices = ()  # Choices made with Jinja: copier checks them.
    return Question(name, kind, choices, spec.get("default"))


def check_data(data: Mapping[str, Any], questions: Mapping[str, Question]) -> dict[str, Any]:
    """Check ``--data`` answers against the questions; return them with booleans as bools.

    Raises:
        UnknownAnswerKeyError: A key names no question.
        InvalidAnswerError: A boolean is not yes/no, or a value is not one of the choices.
    """
    unknown = set(data) - set(questions)
    if unknown:
        raise UnknownAnswerKeyError(keys=unknown, known=questions)
    checked: dict[str, Any] = {}
    for key, value in data.items():
        question = questions[key]
        if not isinstance(value, str):
            checked[key] = value
            continue
        if question.type == "bool":
            parsed = parse_bool(value)
            if parsed is None:
                raise InvalidAnswerError(
                    reason=f"--data {key}={value}: expected true or false "
                    "(also yes/no, y/n, on/off, 1/0)"
                )
            checked[key] = parsed
        elif question.choices:
            match = next((c for c in question.choices if c.lower() == value.lower()), None)
            if match is None:
                raise InvalidAnswerError(
                    reason=f"--data {key}={value}: expected one of {', '.join(question.choices)}"
                )
            checked[key] = match
        else:
            checked[key] = value
    return checked


def package_name_for(project_name: str) -> str:
    """Derive a Python package name from a project name, accents folded (``Café`` → ``cafe``)."""
    folded = unicodedata.normalize("NFKD", project_name)
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_only).split()
    return "_".join(words)


def _git_show(root: Path, ref: str) -> str | None:
    for name in CONFIG_NAMES:
        try:
            result = subprocess.run(
                ["git", "-C", str(root), "show", f"{ref}:{name}"],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            return None
        if result.returncode == 0:
            return result.stdout
    return None
