"""Every error scaffold raises, each with the exit code the CLI maps it to.

The library raises these and never prints or exits; ``scaffold.cli`` catches
``ScaffoldError`` in one place, prints ``str(error)`` as one line on stderr and
exits with ``error.exit_code``. The codes are documented in the README.

Not every problem is an error: a ``uv lock`` that fails after a successful render
(no package index, no interpreter for ``python_version``) leaves a complete
project, so ``scaffold new`` warns, names the command that makes the lock, and
exits with ``EXIT_OK`` (``scaffold.lock`` reports it as a result, never raises).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "EXIT_ANSWER",
    "EXIT_DESTINATION",
    "EXIT_DIRTY",
    "EXIT_HANGUP",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_MISSING_TOOL",
    "EXIT_OK",
    "EXIT_REQUIREMENTS",
    "EXIT_SYSTEM",
    "EXIT_TEMPLATE",
    "EXIT_TERMINATED",
    "EXIT_UPDATE_AVAILABLE",
    "EXIT_UPDATE_CONFLICT",
    "EXIT_UPDATE_APPLIED_WITH_CONFLICTS",
    "EXIT_USAGE",
    "EXIT_VERIFY_FAILED",
    "DestinationNotEmptyError",
    "DestinationUnusableError",
    "DirtyProjectError",
    "FileSystemError",
    "FrameworkChangeError",
    "GitMissingError",
    "IncompatibleAnswerError",
    "InvalidAnswerError",
    "InvalidRequirementError",
    "ProjectNotFoundError",
    "ReleaseRecordError",
    "RenderError",
    "RequirementsFileError",
    "ScaffoldError",
    "TemplateNotFoundError",
    "TemplateStoreError",
    "TemplateVersionNotFoundError",
    "UnknownAnswerKeyError",
    "UnversionedProjectError",
    "VerifyFailedError",
]

EXIT_OK = 0
"""Success; also when the project was created but ``uv lock`` could not make ``uv.lock``."""
EXIT_USAGE = 2
"""A flag or argument is malformed (reported by the CLI parser)."""
EXIT_REQUIREMENTS = 3
"""A requirement value or the requirements file is wrong."""
EXIT_DESTINATION = 4
"""The destination cannot be used as given: it holds files (and ``--force`` was not
given), or it or a folder above it is a file or a broken symbolic link."""
EXIT_TEMPLATE = 5
"""The template cannot be found, read or rendered."""
EXIT_ANSWER = 6
"""An answer to a template question is invalid or unknown."""
EXIT_SYSTEM = 7
"""The system refused: permission denied, read-only or full file system, a name
too long for the file system, a kernel file system such as ``/proc``."""
EXIT_MISSING_TOOL = 8
"""A program scaffold needs (git) is not installed or not on ``PATH``."""
EXIT_DIRTY = 9
"""``scaffold update``: the project has uncommitted changes or is not a git repository."""
EXIT_UPDATE_AVAILABLE = 10
"""``scaffold check``: a newer template version exists and would merge cleanly."""
EXIT_UPDATE_CONFLICT = 11
"""``scaffold check``: updating to the newest template version would leave conflicts."""
EXIT_UPDATE_APPLIED_WITH_CONFLICTS = 12
"""``scaffold update``: the update was applied and left conflicts to resolve."""
EXIT_VERIFY_FAILED = 13
"""``scaffold update --verify``: the updated scratch copy failed to install or its tests
failed; the project was not touched."""
EXIT_INTERNAL = 70
"""A bug in scaffold: an unexpected exception (``SCAFFOLD_DEBUG=1`` shows it)."""
EXIT_INTERRUPTED = 130
"""The user interrupted a prompt (Ctrl-C) or closed its input."""
EXIT_HANGUP = 129
"""The terminal closed (SIGHUP); nothing was written."""
EXIT_TERMINATED = 143
"""scaffold was asked to stop (SIGTERM); nothing was written."""


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


class DestinationUnusableError(ScaffoldError, NotADirectoryError):
    """The destination, or a folder above it, is a file or a broken symbolic link."""

    exit_code = EXIT_DESTINATION

    def __init__(self, *, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot use {path} as the destination: {reason}")


class FileSystemError(ScaffoldError, OSError):
    """The file system refused to read or write a path (permissions, space, names)."""

    exit_code = EXIT_SYSTEM

    def __init__(self, *, path: Path, action: str, reason: str, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        tail = f"; {hint}" if hint else ""
        super().__init__(f"cannot {action} {path}: {reason}{tail}")

    def __str__(self) -> str:
        # OSError.__str__ would show the arguments as a tuple.
        return str(self.args[0])


class GitMissingError(ScaffoldError, FileNotFoundError):
    """git, which the template store and git templates need, cannot be run."""

    exit_code = EXIT_MISSING_TOOL

    def __init__(self, *, needed_for: str) -> None:
        super().__init__(
            f"git is not installed or not on PATH; scaffold needs it for {needed_for} "
            "(install git, e.g. apt-get install git, and run again)"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class TemplateNotFoundError(ScaffoldError, FileNotFoundError):
    """The template source names no local template and no git repository."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, source: str, reason: str | None = None) -> None:
        self.source = source
        if reason is None:
            super().__init__(
                f"template source {source!r} is neither a copier template nor a git URL"
            )
        else:
            super().__init__(f"cannot fetch template {source}: {reason}")

    def __str__(self) -> str:
        return str(self.args[0])


class TemplateStoreError(ScaffoldError):
    """The local versioned store of the bundled template cannot be written."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot update the template store at {path}: {reason}")


class TemplateVersionNotFoundError(ScaffoldError, LookupError):
    """``--vcs-ref`` names a tag or commit the template does not have."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, source: str, ref: str, available: Iterable[str]) -> None:
        self.ref = ref
        versions = list(available)
        listed = ", ".join(versions[-10:]) if versions else "none (the template has no tags)"
        super().__init__(f"template {source} has no version {ref!r}; its versions: {listed}")


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


class ProjectNotFoundError(ScaffoldError, FileNotFoundError):
    """No ``.copier-answers.yml`` at or above the given folder: not a generated project."""

    exit_code = EXIT_DESTINATION

    def __init__(self, *, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is not inside a generated project (no .copier-answers.yml in it "
            "or any folder above it)"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class UnversionedProjectError(ScaffoldError, ValueError):
    """The answers file names no template source or version to compare with."""

    exit_code = EXIT_TEMPLATE

    def __init__(self, *, path: Path, missing: str) -> None:
        self.path = path
        super().__init__(
            f"{path} records no {missing}: the project was not made from a versioned "
            "(git) template, so there is nothing to compare it with"
        )


class DirtyProjectError(ScaffoldError):
    """``scaffold update`` will not merge into uncommitted work."""

    exit_code = EXIT_DIRTY

    def __init__(self, *, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"{path} cannot be updated: {reason}; commit or stash first, or pass --allow-dirty"
        )


class FrameworkChangeError(ScaffoldError, ValueError):
    """``--data framework=...`` on an update: a rewrite, not an update."""

    exit_code = EXIT_ANSWER

    def __init__(self, *, current: str, wanted: str) -> None:
        super().__init__(
            f"--data framework={wanted}: this project is built on {current}, and switching "
            "the framework is a rewrite, not an update; generate a new project with "
            f"scaffold new --framework {wanted} and move your code into it"
        )


class VerifyFailedError(ScaffoldError):
    """``scaffold update --verify``: the updated scratch copy did not pass."""

    exit_code = EXIT_VERIFY_FAILED

    def __init__(self, *, step: str, detail: str) -> None:
        self.step = step
        tail = f": {detail}" if detail else ""
        super().__init__(
            f"update not applied: '{step}' failed in the updated copy{tail}; "
            "the project was not touched"
        )
