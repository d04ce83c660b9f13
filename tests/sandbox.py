"""Running the real ``scaffold`` command where the system says no.

Tests run as root, so permission failures need the file-access capabilities
dropped (``setpriv``), and read-only, full and busy destinations need tmpfs
mounts in a private mount namespace (``unshare -m``). When either tool is not
permitted here, the helpers fail the test loudly: skipping would hide exactly
the failures these tests exist to catch.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

SCAFFOLD = Path(sys.executable).with_name("scaffold")
DROP_CAPS = ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--"]
"""Run a command as root without any capability: file permissions apply to it."""


def scaffold(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``scaffold`` command."""
    return subprocess.run(
        [str(SCAFFOLD), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def unprivileged(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scaffold`` with the file-access capabilities dropped."""
    command = [*DROP_CAPS, str(SCAFFOLD), *map(str, args)]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )
    if "setpriv:" in result.stderr:
        pytest.fail(f"setpriv is not permitted here: {result.stderr.strip()}")
    return result


def in_private_mounts(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace; ``$SCAFFOLD`` is the command.

    The script's own mounts vanish with it, and nothing leaks to the host.
    """
    env = {**os.environ, "SCAFFOLD": str(SCAFFOLD)}
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    refused = [
        line for line in result.stderr.splitlines() if line.startswith(("unshare:", "mount:"))
    ]
    if refused:
        pytest.fail(f"unshare/mount is not permitted here: {result.stderr.strip()}")
    return result


def tmpfs(mount_point: Path, *options: str) -> str:
    """Shell lines that mount a fresh tmpfs at ``mount_point``."""
    opts = ",".join(("mode=0755", *options))
    return f"mkdir -p {shlex.quote(str(mount_point))} && mount -t tmpfs -o {opts} tmpfs " + (
        shlex.quote(str(mount_point))
    )


def error_line(stderr: str) -> str:
    """The one error line, checked to be the only line and free of Python's framing."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("scaffold: error: "), stderr
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    return lines[0]
