"""``scaffold new`` locks the new project with uv, and a failed lock never fails the run.

The lock is made by ``uv lock`` at generation (never rendered from the template):
by default it is written and reported; ``--no-lock`` skips it; with the package
index unreachable or no interpreter for ``python_version`` the project is still
complete, the output says the lock is missing, why (one line) and the one command
that makes it, and the exit code is 0. An interrupted lock leaves nothing behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from importlib.metadata import requires
from pathlib import Path

import pytest
from conftest import git, template_repo
from harness import free_port
from sandbox import SCAFFOLD
from test_update import commit_all, copier_update, improve_template
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.errors import EXIT_TERMINATED
from scaffold.lock import LOCK_FILE, lock_project, uv_binary

runner = CliRunner()
NEW = ["--no-input", "--framework", "fastapi", "--data", "ml=none"]


def new(destination: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["new", str(destination), *NEW, *extra])
    return result.exit_code, result.stdout, result.stderr


def files(project: Path) -> list[str]:
    return sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())


def uv_lock_is_current(project: Path) -> subprocess.CompletedProcess[str]:
    """``uv lock --locked``: fails when uv.lock does not match pyproject.toml."""
    uv = uv_binary()
    assert uv is not None
    return subprocess.run(
        [uv, "lock", "--locked"], cwd=project, capture_output=True, text=True, check=False
    )


def test_new_locks_the_project_and_says_so(tmp_path: Path) -> None:
    code, out, err = new(tmp_path / "svc")
    assert code == 0, err
    lock = tmp_path / "svc" / LOCK_FILE
    pinned = lock.read_text().count("\n[[package]]\n")
    assert f"Locked {pinned} packages in uv.lock" in out
    assert 'name = "fastapi"' in lock.read_text()
    assert "warning" not in err
    checked = uv_lock_is_current(tmp_path / "svc")
    assert checked.returncode == 0, checked.stderr
    # The lock and the decision record are made, not rendered: copier does not list them
    # among the project's files.
    made = {LOCK_FILE, "docs/decisions/0001-framework.md"}
    assert (tmp_path / "svc" / "docs/decisions/0001-framework.md").is_file()
    assert f"({len(files(tmp_path / 'svc')) - len(made)} files)" in out


def test_copier_update_leaves_the_lock_alone(tmp_path: Path) -> None:
    """The lock is no template file: an update neither conflicts on it nor touches it."""
    template = template_repo(tmp_path / "template")
    git(template, "tag", "v1.0.0")
    project = tmp_path / "svc"
    code, _, err = new(project, "--template", str(template), "--vcs-ref", "v1.0.0")
    assert code == 0, err
    lock = (project / LOCK_FILE).read_bytes()
    git(project, "init", "--quiet")
    commit_all(project, "start")
    improve_template(template)
    commit_all(template, "improve")
    git(template, "tag", "v1.1.0")

    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    assert (project / "SECURITY.md").is_file()  # the update happened
    assert (project / LOCK_FILE).read_bytes() == lock
    assert git(project, "status", "--porcelain", "--", LOCK_FILE) == ""


def test_no_lock_skips_uv_lock_and_writes_the_same_project(tmp_path: Path) -> None:
    plain, locked = tmp_path / "plain" / "svc", tmp_path / "locked" / "svc"
    code, out, err = new(plain, "--no-lock")
    assert code == 0, err
    assert not (plain / LOCK_FILE).exists()
    assert "Locked" not in out and "uv.lock was not made" not in err
    code, _, err = new(locked)
    assert code == 0, err
    assert files(locked) == sorted([*files(plain), LOCK_FILE])


def test_unreachable_index_still_creates_the_project_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = free_port()  # bound, then released: nothing listens there
    index = f"http://127.0.0.1:{closed}/simple"
    monkeypatch.setenv("UV_DEFAULT_INDEX", index)
    monkeypatch.setenv("UV_INDEX_URL", index)
    destination = tmp_path / "offline" / "svc"
    code, out, err = new(destination)
    assert code == 0, err
    assert not (destination / LOCK_FILE).exists()
    lines = err.strip().splitlines()
    warning = next(line for line in lines if line.startswith("warning: uv.lock was not made: "))
    assert f"127.0.0.1:{closed}" in warning and "Connection refused" in warning, warning
    command = lines[lines.index(warning) + 1].removeprefix("  to make it: ")
    assert command.endswith(f" lock --directory {destination}"), lines
    assert "Traceback" not in err and "scaffold: error" not in err
    assert f"Created {destination}" in out and "Next steps:" in out

    # Complete: the same files as a project rendered without locking.
    monkeypatch.delenv("UV_DEFAULT_INDEX")
    monkeypatch.delenv("UV_INDEX_URL")
    code, _, err = new(tmp_path / "reference" / "svc", "--no-lock")
    assert code == 0, err
    assert files(destination) == files(tmp_path / "reference" / "svc")

    # The command the warning gives makes the lock once the index is back.
    made = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    assert uv_lock_is_current(destination).returncode == 0


def test_no_interpreter_for_python_version_still_creates_the_project_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only uv-managed interpreters count, none is installed in this test's HOME, and
    # UV_PYTHON_DOWNLOADS=never (conftest) forbids fetching one.
    monkeypatch.setenv("UV_PYTHON_PREFERENCE", "only-managed")
    destination = tmp_path / "future"
    code, out, err = new(destination, "--data", "python_version=3.14")
    assert code == 0, err
    assert not (destination / LOCK_FILE).exists()
    assert (destination / ".python-version").read_text() == "3.14\n"
    warning = next(line for line in err.splitlines() if line.startswith("warning: uv.lock"))
    assert "No interpreter found for Python" in warning and "3.14" in warning, warning
    assert "to make it: " in err
    assert "Next steps:" in out


def test_an_unsatisfiable_requirement_is_reported_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # uv wraps its report to the terminal's width
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["flask>=999"]\n'
    )
    result = lock_project(tmp_path)
    assert result.status == "failed"
    assert "No solution found" in result.reason and "flask>=999" in result.reason
    assert result.reason.endswith("your project's requirements are unsatisfiable."), result
    assert "\n" not in result.reason
    assert not (tmp_path / LOCK_FILE).exists()


def test_a_project_without_pyproject_is_not_locked(tmp_path: Path) -> None:
    result = lock_project(tmp_path)
    assert result.status == "skipped"
    assert not (tmp_path / LOCK_FILE).exists()


def _silent_index() -> tuple[socket.socket, threading.Event]:
    """A loopback index that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    asked = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # the test closed the server: let the connections go too
                for held_connection in held:
                    held_connection.close()
                return
            held.append(connection)
            asked.set()

    threading.Thread(target=serve, daemon=True).start()
    return server, asked


def _processes_inside(folder: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            if cwd.startswith(str(folder)):
                found.append(f"{entry.name}: {(entry / 'cmdline').read_bytes()!r}")
    return found


@pytest.mark.serial
def test_sigterm_while_locking_leaves_nothing_and_stops_uv(tmp_path: Path) -> None:
    server, asked = _silent_index()
    index = f"http://127.0.0.1:{server.getsockname()[1]}/simple"
    destination = tmp_path / "proj"
    env = {**os.environ, "UV_DEFAULT_INDEX": index, "UV_INDEX_URL": index}
    process = subprocess.Popen(
        [str(SCAFFOLD), "new", str(destination), *NEW],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert asked.wait(timeout=120), "uv lock never asked the index"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        server.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == EXIT_TERMINATED, stderr
    assert "nothing was written" in stderr
    assert not destination.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".scaffold-")] == []
    deadline = time.monotonic() + 10
    while _processes_inside(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_inside(tmp_path) == [], "uv lock outlived scaffold"


def test_scaffold_runs_the_uv_binary_its_uv_dependency_ships() -> None:
    from uv import find_uv_bin

    runtime = [r for r in requires("scaffold-mlweb") or [] if "extra ==" not in r]
    assert any(r.replace(" ", "").startswith("uv>=") for r in runtime), runtime
    assert uv_binary() == find_uv_bin()
    version = subprocess.run([find_uv_bin(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("uv "), version
