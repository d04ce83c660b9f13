"""A real ``scaffold`` process stopped by a signal cleans up; a killed one is cleaned after.

Also: a PATH without git is one line and its own exit code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sandbox import SCAFFOLD, error_line, scaffold

from scaffold.errors import EXIT_HANGUP, EXIT_MISSING_TOOL, EXIT_TERMINATED

# Signals sent at a moment a poll of a few milliseconds catches: timing tests.
pytestmark = pytest.mark.serial


def scratch_in(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".scaffold-")]


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL it; then wait out the moment a living run may lack its lock file."""
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    time.sleep(1.1)


def start_and_catch_rendering(destination: Path, watch: Path) -> subprocess.Popen[str]:
    """Start ``scaffold new`` and return once its scratch folder exists in ``watch``."""
    process = subprocess.Popen(
        [str(SCAFFOLD), "new", str(destination), "--no-input"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not scratch_in(watch):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"scaffold never started rendering: {process.returncode} {err}")
        time.sleep(0.002)
    return process


@pytest.mark.parametrize(
    ("signum", "code", "name"),
    [(signal.SIGTERM, EXIT_TERMINATED, "SIGTERM"), (signal.SIGHUP, EXIT_HANGUP, "SIGHUP")],
)
def test_sigterm_and_sighup_mid_render_clean_up_like_ctrl_c(
    tmp_path: Path, signum: int, code: int, name: str
) -> None:
    destination = tmp_path / "proj"
    process = start_and_catch_rendering(destination, tmp_path)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert error_line(stderr) == f"scaffold: error: stopped by {name}; nothing was written"
    assert not destination.exists()
    assert scratch_in(tmp_path) == []


def test_sigterm_while_filling_an_existing_folder_leaves_it_empty(tmp_path: Path) -> None:
    destination = tmp_path / "existing"
    destination.mkdir()
    process = start_and_catch_rendering(destination, destination)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == EXIT_TERMINATED
    assert list(destination.iterdir()) == []


def test_a_killed_runs_scratch_is_removed_by_the_next_run_into_the_same_parent(
    tmp_path: Path,
) -> None:
    process = start_and_catch_rendering(tmp_path / "first", tmp_path)
    kill(process)
    stale = scratch_in(tmp_path)
    assert len(stale) == 1  # SIGKILL cannot be caught: the scratch folder stays ...
    result = scaffold("new", tmp_path / "second", "--no-input")
    assert result.returncode == 0, result.stderr
    assert scratch_in(tmp_path) == []  # ... until the next run into the same parent.
    assert not (tmp_path / "first").exists()


def test_a_killed_runs_scratch_inside_an_empty_folder_does_not_make_it_busy(
    tmp_path: Path,
) -> None:
    destination = tmp_path / "existing"
    destination.mkdir()
    process = start_and_catch_rendering(destination, destination)
    kill(process)
    assert scratch_in(destination)
    result = scaffold("new", destination, "--no-input")
    assert result.returncode == 0, result.stderr
    assert scratch_in(destination) == [] and (destination / "pyproject.toml").is_file()


def test_git_missing_is_exit_8_and_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = scaffold(
        "new", tmp_path / "proj", "--no-input", env={**os.environ, "PATH": str(empty)}
    )
    assert result.returncode == EXIT_MISSING_TOOL, result.stderr
    line = error_line(result.stderr)
    assert "git is not installed or not on PATH" in line
    assert "No such file or directory" not in line
    assert not (tmp_path / "proj").exists()
