"""Every error scaffold raises, each with the exit code the CLI maps it to.

The library raises these and never prints or exits; ``scaffold.cli`` catches
``ScaffoldError`` in one place, prints ``str(error)`` as one line on stderr and
exits with ``error.exit_code``. The codes are documented in the README.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "EXIT_ANSWER",
    "EXIT_DESTINATION",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_REQUIREMENTS",
    "EXIT_TEMPLATE",
    "EXIT_USAGE",
    "DestinationNotEmptyError",
    "IncompatibleAnswerError",
    "InvalidAnswerError",
    "InvalidRequirementError",
    "ReleaseRecordError",
    "RenderError",
    "RequirementsFileError",
    "ScaffoldError",
    "TemplateNotFoundError",
    "TemplateStoreError",
    "UnknownAnswerKeyError",
]

EXIT_USAGE = 2
"""A flag or argument is malformed (reported by the CLI parser)."""
EXIT_REQUIREMENTS = 3
"""A requirement value or the requirements file is wrong."""
EXIT_DESTINATION = 4
"""The destination exists and is not empty (and ``--force`` was not given)."""
EXIT_TEMPLATE = 5
"""The template cannot be found, read or rendered."""
EXIT_ANSWER = 6
"""An answer to a template question is invalid or unknown."""
EXIT_INTERNAL = 70
"""A bug in scaffold: an unexpected exception (``SCAFFOLD_DEBUG=1`` shows it)."""
EXIT_INTERRUPTED = 130
"""The user interrupted a prompt (Ctrl-C) or closed its input."""


class ScaffoldError(Exception):
    """Root of every error scaffold raises on purpose."""

    exit_code: int = 1


class InvalidRequirementError(ScaffoldError, ValueError):
    """A requirement has an unknown name or a value outside its choices."""

    exit_code = EXIT_REQUIREMENTS

    def __init__(self, *, key: str, value: object, expected: str) -> None:
        self.key = key
        self.value = value
        super().__init__(f"invalid requirement {key}={value!r}: expected {expected}")


class RequirementsFileError(ScaffoldError, OSError):
    """The requirements file cannot be read or parsed."""

    exit_code = EXIT_REQUIREMENTS

    def __init__(self, *, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot read requirements file {path}: {reason}")


class DestinationNotEmptyError(ScaffoldError, FileExistsError):
    """The destination already holds files, which scaffold will not overwrite."""

    exit_code = EXIT_DESTINATION

    def __init__(self, *, path: Path) -> None:
        self.path = path
        super().__init__(
            f"destination {path} exists and is not empty; "
            "choose another path or pass --force to render into it"
        )


class TemplateNotFoundError(ScaffoldError, FileNotFoundError):
    """The template source names no local template and no git repository."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, source: str) -> None:
        self.source = source
        super().__init__(f"template source {source!r} is neither a copier template nor a git URL")


class TemplateStoreError(ScaffoldError):
    """The local versioned store of the bundled template cannot be written."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot update the template store at {path}: {reason}")


class RenderError(ScaffoldError):
    """Copier failed to render the template."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, reason: str) -> None:
        super().__init__(f"rendering failed: {reason}")


class InvalidAnswerError(ScaffoldError, ValueError):
    """A template question got a value its validator or choices reject."""

    exit_code = EXIT_ANSWER

    def __init__(self, *, reason: str) -> None:
        super().__init__(reason)


class UnknownAnswerKeyError(ScaffoldError, KeyError):
    """``--data`` names a question the template does not ask."""

    exit_code = EXIT_ANSWER

    def __init__(self, *, keys: Iterable[str], known: Iterable[str]) -> None:
        self.keys = sorted(keys)
        super().__init__(
            f"unknown template question(s): {', '.join(self.keys)}; "
            f"the template asks: {', '.join(sorted(known))}"
        )

    def __str__(self) -> str:
        # KeyError.__str__ would wrap the message in quotes.
        return str(self.args[0])


class IncompatibleAnswerError(ScaffoldError, ValueError):
    """Two choices cannot go together, such as session login with FastAPI."""

    exit_code = EXIT_ANSWER

    def __init__(self, *, reason: str) -> None:
        super().__init__(reason)


class ReleaseRecordError(ScaffoldError, ValueError):
    """The release record (``releases.toml``) is malformed or names a missing commit."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"bad release record {path}: {reason}")
