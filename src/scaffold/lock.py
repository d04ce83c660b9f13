"""``uv lock`` in a freshly rendered project: pin its dependencies, or say why not.

A new project gets a ``uv.lock`` made at generation, never rendered from the
template, so ``copier update`` never conflicts on it. Locking needs the package
index and an interpreter for the project's ``python_version``; when either is
missing the project is still complete, so a failed lock is a result to report,
not an error: ``lock_project`` never raises for it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "LOCK_FILE",
    "LOCK_TIMEOUT",
    "LockResult",
    "failure_reason",
    "lock_command",
    "lock_project",
    "uv_binary",
]

LOCK_FILE = "uv.lock"
LOCK_TIMEOUT = 300.0
"""Seconds ``uv lock`` may take (an index that never answers would otherwise hang)."""
_REASON_LIMIT = 240
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CAUSE = re.compile(r"^(?:cause|caused by):\s*", re.IGNORECASE)
_MARKERS = ("error:", "cause:", "Caused by:", "hint:", "warning:", "×", "╰─▶", "├─▶", "[stderr]")


@dataclass(frozen=True, slots=True)
class LockResult:
    """How ``uv lock`` went in a new project."""

    status: Literal["locked", "failed", "skipped"]
    reason: str = ""
    """Why the lock was not made, in one line (empty when it was)."""
    packages: int = 0
    """How many packages ``uv.lock`` pins, the project itself included."""
    seconds: float = 0.0

    @property
    def locked(self) -> bool:
        """Whether ``uv.lock`` was written."""
        return self.status == "locked"


def uv_binary() -> str | None:
    """The uv executable scaffold ships (the ``uv`` package), else one on ``PATH``."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def lock_command(destination: Path) -> str:
    """The one shell command that makes ``uv.lock`` in ``destination`` by hand."""
    on_path = shutil.which("uv")
    uv = "uv" if on_path else (uv_binary() or "uv")
    return f"{shlex.quote(uv)} lock --directory {shlex.quote(str(destination))}"


def lock_project(project: Path, *, timeout: float = LOCK_TIMEOUT) -> LockResult:
    """Run ``uv lock`` in ``project``; report the outcome instead of raising.

    uv reads the index and interpreter settings from the environment as usual
    (``UV_DEFAULT_INDEX``, ``UV_PYTHON_DOWNLOADS``, ...).

    Args:
        project: The rendered project, holding its ``pyproject.toml``.
        timeout: Seconds after which ``uv lock`` is stopped and counted as failed.

    Returns:
        ``locked`` with the number of pinned packages, ``failed`` with a reason,
        or ``skipped`` for a project without ``pyproject.toml`` (another template's).
    """
    if not (project / "pyproject.toml").is_file():
        return LockResult("skipped", "the project has no pyproject.toml")
    started = time.monotonic()
    uv = uv_binary()
    if uv is None:
        return LockResult("failed", "uv is not installed (pip install uv)")
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    try:
        ran = subprocess.run(
            [uv, "lock", "--color", "never", "--no-progress"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return LockResult("failed", f"uv lock took longer than {timeout:.0f} s")
    except OSError as exc:
        return LockResult("failed", f"cannot run {uv}: {exc.strerror or exc}")
    seconds = time.monotonic() - started
    lock_file = project / LOCK_FILE
    if ran.returncode != 0:
        return LockResult("failed", failure_reason(ran.stderr, ran.returncode), seconds=seconds)
    if not lock_file.is_file():
        return LockResult("failed", "uv lock finished but wrote no uv.lock", seconds=seconds)
    packages = lock_file.read_text(encoding="utf-8").count("\n[[package]]\n")
    return LockResult("locked", packages=packages, seconds=seconds)


def failure_reason(stderr: str, returncode: int) -> str:
    """Boil uv's error report down to one line: what failed and its deepest cause."""
    entries = _entries(stderr)
    head = next((line for line in entries if line.startswith(("error:", "×"))), "")
    head = head.removeprefix("error:").removeprefix("×").strip().rstrip(":")
    causes = []
    for line in entries:
        if _CAUSE.match(line):
            causes.append(_CAUSE.sub("", line))
        elif line.startswith(("╰─▶", "├─▶")):
            causes.append(line[3:].strip())
        elif line.startswith("[stderr]"):  # An interpreter uv queried said why it failed.
            causes.append(line.removeprefix("[stderr]").strip())
    fetch = next((cause for cause in causes if cause.startswith("Failed to fetch")), "")
    if fetch:
        head = fetch
    parts = [part for part in (head, causes[-1] if causes else "") if part]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts.pop()
    reason = ": ".join(parts) or (entries[-1] if entries else f"uv lock exited with {returncode}")
    return reason if len(reason) <= _REASON_LIMIT else reason[: _REASON_LIMIT - 3] + "..."


def _entries(stderr: str) -> list[str]:
    """Split the report of uv into logical lines, joining lines wrapped to the terminal."""
    entries: list[str] = []
    for raw in _ANSI.sub("", stderr).splitlines():
        line = raw.strip()
        if not line:
            continue
        continued = raw[:1].isspace() and not line.startswith(_MARKERS)
        if continued and entries:
            entries[-1] = f"{entries[-1]} {line}"
        else:
            entries.append(line)
    return entries
