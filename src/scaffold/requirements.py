"""What a user says they are building: the requirements the selection rules read.

One table, ``FIELDS``, describes every requirement once (its name, question,
choices and default); the CLI flags, the interactive questions, the
requirements file and the answers stored in a generated project all use it.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from scaffold.errors import InvalidRequirementError, RequirementsFileError

__all__ = [
    "FIELDS",
    "Auth",
    "Deadline",
    "Experience",
    "Field",
    "Framework",
    "FrameworkChoice",
    "Kind",
    "Requirements",
    "Team",
    "Traffic",
    "load_requirements_file",
]

Framework = Literal["flask", "fastapi"]
FrameworkChoice = Literal["auto", "flask", "fastapi"]
Kind = Literal["api", "web", "ml-service", "prototype"]
Traffic = Literal["low", "medium", "high"]
Team = Literal["none", "flask", "fastapi"]
Deadline = Literal["tight", "normal"]
Experience = Literal["newcomer", "experienced"]
Auth = Literal["none", "oauth2", "session"]


@dataclass(frozen=True, slots=True)
class Requirements:
    """The answers the selection rules weigh; every field has a neutral default."""

    kind: Kind = "ml-service"
    traffic: Traffic = "low"
    concurrency: bool = False
    endpoints: int = 3
    team: Team = "none"
    deadline: Deadline = "normal"
    experience: Experience = "experienced"
    docs: bool = False
    validation: bool = False
    di: bool = False
    auth: Auth = "none"
    html: bool = False
    monitoring: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Requirements:
        """Build requirements from a mapping, checking every key and value.

        Args:
            data: Requirement names (``kind``, ``traffic``, ...) to values.
                Missing names keep their defaults.

        Returns:
            The validated requirements.

        Raises:
            InvalidRequirementError: A name is unknown or a value is out of range.
        """
        values: dict[str, Any] = {}
        for key, value in data.items():
            field = FIELD_BY_NAME.get(str(key))
            if field is None:
                raise InvalidRequirementError(
                    key=str(key), value=value, expected=f"one of the names {', '.join(NAMES)}"
                )
            values[field.name] = field.check(value)
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """Return the requirements as plain data, in ``FIELDS`` order."""
        return dataclasses.asdict(self)

    def given(self, names: set[str]) -> dict[str, Any]:
        """Return only the named requirements, as plain data."""
        return {key: value for key, value in self.to_mapping().items() if key in names}


@dataclass(frozen=True, slots=True)
class Field:
    """One requirement: its name, the question that asks for it and its values."""

    name: str
    question: str
    type: type[str] | type[bool] | type[int]
    choices: tuple[str, ...] = ()

    @property
    def default(self) -> Any:
        """The value used when the user does not say."""
        return _DEFAULTS[self.name]

    def check(self, value: object) -> Any:
        """Return ``value`` if it fits this field, else raise ``InvalidRequirementError``."""
        if self.type is bool:
            if isinstance(value, bool):
                return value
            expected = "true or false"
        elif self.type is int:
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                return value
            expected = "a whole number of at least 1"
        else:
            if isinstance(value, str) and value in self.choices:
                return value
            expected = "one of " + ", ".join(self.choices)
        raise InvalidRequirementError(key=self.name, value=value, expected=expected)


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(Requirements)}


def _choices(literal: object) -> tuple[str, ...]:
    return tuple(str(arg) for arg in get_args(literal))


FIELDS: tuple[Field, ...] = (
    Field("kind", "What are you building", str, _choices(Kind)),
    Field("traffic", "How much traffic do you expect", str, _choices(Traffic)),
    Field("concurrency", "Many slow, I/O-bound requests at once?", bool),
    Field("endpoints", "Roughly how many endpoints", int),
    Field("team", "Which framework does your team already use widely", str, _choices(Team)),
    Field("deadline", "How tight is the deadline", str, _choices(Deadline)),
    Field("experience", "Your experience with Python web frameworks", str, _choices(Experience)),
    Field("docs", "Need interactive API docs?", bool),
    Field("validation", "Need typed request validation built in?", bool),
    Field("di", "Want dependency injection?", bool),
    Field("auth", "Authentication", str, _choices(Auth)),
    Field("html", "Serve server-rendered HTML pages?", bool),
    Field("monitoring", "Always-up service with API monitoring?", bool),
)
FIELD_BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}
NAMES: tuple[str, ...] = tuple(FIELD_BY_NAME)


def load_requirements_file(path: Path) -> dict[str, Any]:
    """Read requirements from a YAML or TOML file.

    A ``.toml`` file is read as TOML, anything else as YAML (which also reads
    JSON). A generated project's ``.copier-answers.yml`` works too: its
    ``requirements`` mapping is used.

    Args:
        path: The file to read.

    Returns:
        The requirement names and values found, not yet validated.

    Raises:
        RequirementsFileError: The file is missing, unreadable or not a mapping.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RequirementsFileError(path=path, reason=_os_reason(exc)) from exc
    try:
        if path.suffix == ".toml":
            data: object = tomllib.loads(text)
        else:
            import yaml  # Imported here: only this path needs it.

            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parser error is a bad file.
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RequirementsFileError(path=path, reason=f"not valid: {first_line}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RequirementsFileError(path=path, reason="expected a mapping of requirement names")
    nested = data.get("requirements")
    if isinstance(nested, dict):
        return nested
    return data


def _os_reason(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return exc.strerror or type(exc).__name__
