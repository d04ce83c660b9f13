"""Every destination people meet works, or fails in one line naming the path and the cause.

Real file systems throughout: tmpfs mounts in a private mount namespace for
busy, read-only and full destinations; dropped capabilities for permissions.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from sandbox import error_line, in_private_mounts, scaffold, tmpfs, unprivileged
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.errors import EXIT_DESTINATION, EXIT_SYSTEM

runner = CliRunner()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".scaffold-" in p.name)


def test_the_sandbox_tools_work_here(tmp_path: Path) -> None:
    """CI runs as root on a machine like this one: unshare and setpriv must work."""
    mounted = in_private_mounts(tmpfs(tmp_path / "vol") + f" && touch {tmp_path}/vol/x && echo ok")
    assert mounted.returncode == 0 and mounted.stdout.strip() == "ok", mounted.stderr
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    dropped = subprocess.run(
        ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "touch", str(locked / "x")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dropped.returncode != 0 and "Permission denied" in dropped.stderr, dropped.stderr


# --- existing empty destinations are filled in place ----------------------------------


def test_new_dot_fills_the_current_folder_keeping_mode_owner_and_inode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "my-service"
    here.mkdir()
    os.chmod(here, 0o2750)
    os.chown(here, 1234, 2345)
    before = os.stat(here)
    monkeypatch.chdir(here)
    result = runner.invoke(app, ["new", ".", "--no-input", "--kind", "web"])
    assert result.exit_code == 0, result.output
    after = os.stat(here)
    assert (after.st_ino, after.st_uid, after.st_gid) == (before.st_ino, 1234, 2345)
    assert stat.S_IMODE(after.st_mode) == 0o2750
    assert (here / "src" / "my_service" / "__init__.py").is_file()
    assert leftovers(here) == [] and leftovers(tmp_path) == []
    assert Path.cwd() == here  # the shell's folder is still there


def test_an_empty_mount_point_is_filled_in_place(tmp_path: Path) -> None:
    volume = tmp_path / "volume"
    result = in_private_mounts(
        tmpfs(volume)
        + f' && "$SCAFFOLD" new {volume} --no-input; echo "RC=$?";'
        + f" ls -A {volume}; mountpoint -q {volume} && echo STILL-MOUNTED"
    )
    assert "RC=0" in result.stdout, result.stdout + result.stderr
    assert "pyproject.toml" in result.stdout and "STILL-MOUNTED" in result.stdout
    assert ".scaffold-" not in result.stdout


def test_an_own_empty_folder_in_a_parent_one_cannot_write_is_filled(tmp_path: Path) -> None:
    parent = tmp_path / "shared"
    parent.mkdir()
    mine = parent / "mine"
    mine.mkdir()
    os.chmod(parent, 0o555)
    result = unprivileged("new", mine, "--no-input")
    assert result.returncode == 0, result.stderr
    assert (mine / "pyproject.toml").is_file()
    assert sorted(p.name for p in parent.iterdir()) == ["mine"]


def test_a_new_folder_in_a_parent_one_cannot_write_is_exit_7(tmp_path: Path) -> None:
    parent = tmp_path / "shared"
    parent.mkdir(mode=0o555)
    result = unprivileged("new", parent / "app", "--no-input")
    assert result.returncode == EXIT_SYSTEM, result.stderr
    line = error_line(result.stderr)
    assert f"cannot create {parent / 'app'}: permission denied" in line
    assert list(parent.iterdir()) == []


def test_a_symlink_to_an_empty_folder_is_filled_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    result = scaffold("new", link, "--no-input")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (real / "pyproject.toml").is_file()
    assert leftovers(tmp_path) == [] and leftovers(real) == []


def test_a_name_that_fits_but_the_old_scratch_name_would_not(tmp_path: Path) -> None:
    """A 250-byte name fits; the hidden scratch folder's name is short, so it works."""
    destination = tmp_path / ("n" * 250)
    result = scaffold("new", destination, "--no-input", "--data", "project_name=long-name")
    assert result.returncode == 0, result.stderr
    assert (destination / "src" / "long_name").is_dir()


# --- the destination cannot be used: exit 4 --------------------------------------------


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_file_as_destination_is_exit_4_and_never_suggests_force(
    tmp_path: Path, force: list[str]
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    result = runner.invoke(app, ["new", str(target), "--no-input", *force])
    assert result.exit_code == EXIT_DESTINATION, result.output
    line = error_line(result.stderr)
    assert f"cannot use {target} as the destination: it is a file, not a folder" in line
    assert "--force" not in line
    assert target.read_text() == "mine\n" and leftovers(tmp_path) == []


def test_a_file_above_the_destination_is_exit_4(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    result = runner.invoke(app, ["new", str(tmp_path / "plain" / "app"), "--no-input"])
    assert result.exit_code == EXIT_DESTINATION, result.output
    assert f"{tmp_path / 'plain'} is a file, not a folder" in error_line(result.stderr)


def test_a_dangling_symlink_is_exit_4(tmp_path: Path) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    result = runner.invoke(app, ["new", str(tmp_path / "gone"), "--no-input"])
    assert result.exit_code == EXIT_DESTINATION, result.output
    assert "is a broken symbolic link" in error_line(result.stderr)
    assert not (tmp_path / "nowhere").exists()


# --- the system refuses: exit 7 ---------------------------------------------------------


def test_read_only_file_systems_are_exit_7_for_new_and_existing_folders(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    script = (
        tmpfs(ro)
        + f" && mkdir {ro}/empty && mount -o remount,ro {ro}"
        + f' && "$SCAFFOLD" new {ro}/app --no-input; echo "RC=$?"'
        + f' && "$SCAFFOLD" new {ro}/empty --no-input; echo "RC=$?"; ls -A {ro} {ro}/empty'
    )
    result = in_private_mounts(script)
    assert result.stdout.count(f"RC={EXIT_SYSTEM}") == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"scaffold: error: cannot create {ro}/app: read-only file system",
        f"scaffold: error: cannot write into {ro}/empty: read-only file system",
    ]


def test_pretend_works_where_nothing_may_be_written_and_writes_nothing(
    tmp_path: Path, isolated_home: Path
) -> None:
    ro = tmp_path / "ro"
    script = (
        tmpfs(ro)
        + f" && mount -o remount,ro {ro}"
        + f' && "$SCAFFOLD" new {ro}/site --no-input --pretend --kind web; echo "RC=$?"'
    )
    result = in_private_mounts(script)
    assert "RC=0" in result.stdout, result.stdout + result.stderr
    assert "Would write" in result.stdout and "src/site/__init__.py" in result.stdout
    assert list(isolated_home.iterdir()) == []  # not even the template store


def test_a_full_file_system_is_exit_7_and_leaves_nothing(tmp_path: Path) -> None:
    full = tmp_path / "full"
    script = (
        tmpfs(full, "size=48k")
        + f' && "$SCAFFOLD" new {full}/svc --no-input; echo "RC=$?"; echo LS; ls -A {full}'
    )
    result = in_private_mounts(script)
    assert f"RC={EXIT_SYSTEM}" in result.stdout, result.stdout + result.stderr
    line = error_line(result.stderr)
    assert f"cannot write into {full}/svc: no space left on the device" in line
    assert result.stdout.split("LS", 1)[1].strip() == ""


@pytest.mark.parametrize("path", ["/proc/scaffold-app", "/sys/scaffold-app"])
def test_kernel_file_systems_are_exit_7(path: str) -> None:
    result = runner.invoke(app, ["new", path, "--no-input"])
    assert result.exit_code == EXIT_SYSTEM, result.output
    assert "file system, which holds no projects" in error_line(result.stderr)


def test_a_name_longer_than_the_file_system_allows_is_exit_7(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / ("x" * 300)), "--no-input"])
    assert result.exit_code == EXIT_SYSTEM, result.output
    assert "is 300 bytes long and this file system allows 255" in error_line(result.stderr)
    assert list(p for p in tmp_path.iterdir() if p.name != "home") == []


def test_paths_with_spaces_are_quoted_in_the_output(tmp_path: Path) -> None:
    destination = tmp_path / "my app"
    result = runner.invoke(
        app, ["new", str(destination), "--no-input", "--data", "project_name=my-app"]
    )
    assert result.exit_code == 0, result.output
    assert f"cd {shlex.quote(str(destination))}" in result.stdout
    assert f"Created {shlex.quote(str(destination))}" in result.stdout
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["package_name"] == "my_app"


def test_sweep_removes_only_abandoned_scratch_folders(tmp_path: Path) -> None:
    import fcntl
    import time

    from scaffold.destination import sweep

    abandoned = tmp_path / ".scaffold-0123abcd"
    abandoned.mkdir()
    (abandoned / ".lock").touch()
    held = tmp_path / ".scaffold-89abcdef"
    held.mkdir()
    (held / ".lock").touch()
    handle = os.open(held / ".lock", os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    old_style = tmp_path / ".app.scaffold-x1y2z3w4"
    (old_style / "project").mkdir(parents=True)
    hour_ago = time.time() - 7200
    os.utime(old_style, (hour_ago, hour_ago))
    fresh_old_style = tmp_path / ".web.scaffold-a1b2c3d4"
    fresh_old_style.mkdir()
    lookalike = tmp_path / ".my.scaffold-notes"
    lookalike.mkdir()
    os.utime(lookalike, (hour_ago, hour_ago))
    killed_before_its_lock = tmp_path / ".scaffold-aaaabbbb"
    killed_before_its_lock.mkdir()
    os.utime(killed_before_its_lock, (time.time() - 10, time.time() - 10))
    just_made = tmp_path / ".scaffold-ccccdddd"
    just_made.mkdir()
    try:
        removed = sweep(tmp_path)
    finally:
        os.close(handle)
    assert sorted(removed) == sorted([abandoned, old_style, killed_before_its_lock])
    assert held.exists() and fresh_old_style.exists() and lookalike.exists()
    assert just_made.exists()
