"""Where a project lands: the destination checked, a scratch folder, and files moved in.

A project is rendered into a scratch folder on the destination's own file
system (inside the destination when it already exists, else beside it) and
then moved into place: as one folder when the destination is new, file by file
when it exists, so an existing folder keeps its mode, owner, mount and the
shell's working directory. Each scratch folder holds a lock for as long as its
run lives; the next run into the same place removes scratch folders whose lock
nobody holds (a run killed with SIGKILL).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import (
    DestinationNotEmptyError,
    DestinationUnusableError,
    FileSystemError,
    ScaffoldError,
)

__all__ = [
    "SCRATCH_PREFIX",
    "Target",
    "check_destination",
    "os_reason",
    "place",
    "scratch_folder",
    "sweep",
]

SCRATCH_PREFIX = ".scaffold-"
"""Scratch folders are named ``.scaffold-XXXXXXXX``: short, so any name that fits fits."""
_LOCK_NAME = ".lock"
_SCRATCH_NAME = re.compile(r"^\.scaffold-[0-9a-f]{8}$")
_OLD_SCRATCH_NAME = re.compile(r"^\..+\.scaffold-[a-z0-9_]{8}$")
_UNLOCKED_GRACE = 3600.0
"""A scratch folder without a lock file (an older scaffold's) is left alone this long."""
_EMPTY_GRACE = 1.0
"""This scaffold's empty scratch folder without its lock is left alone this long."""

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.ENAMETOOLONG: "a name is too long for the file system",
    errno.EBUSY: "device or resource busy",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EIO: "input/output error",
}
_KERNEL_FILE_SYSTEMS = frozenset(
    {
        "proc",
        "sysfs",
        "devtmpfs",
        "devpts",
        "cgroup",
        "cgroup2",
        "debugfs",
        "securityfs",
        "tracefs",
        "configfs",
        "bpf",
        "pstore",
        "mqueue",
        "binfmt_misc",
        "fusectl",
    }
)


def os_reason(exc: OSError) -> str:
    """Say what an ``OSError`` means in a user's words, without Python's framing."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or type(exc).__name__).lower()


@dataclass(frozen=True, slots=True)
class Target:
    """A checked destination."""

    path: Path
    """Absolute, with symbolic links kept as given."""
    exists: bool
    anchor: Path
    """The existing folder scratch space goes in: the destination itself, or its
    nearest existing ancestor."""
    missing: tuple[Path, ...]
    """Folders to create, outermost first; the last is the destination."""


def check_destination(path: Path, *, force: bool, pretend: bool = False) -> Target:
    """Check that a project can go to ``path``, before anything is rendered.

    Args:
        path: The destination as the user gave it.
        force: Allow a destination that already holds files.
        pretend: Only looking: a destination with files is fine.

    Returns:
        The destination, whether it exists, and where scratch space goes.

    Raises:
        DestinationUnusableError: It, or a folder above it, is a file or a broken link.
        DestinationNotEmptyError: It holds files and neither ``force`` nor ``pretend``.
        FileSystemError: The file system cannot hold it (a kernel file system, a
            name too long) or cannot be read.
    """
    path = Path(os.path.abspath(path))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        info = None  # A folder above is a file; found below.
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise FileSystemError(path=path, action="use", reason=os_reason(exc)) from exc
        info = None  # Said better below, with the name and the limit.
    if info is not None:
        if stat.S_ISLNK(info.st_mode) and not path.exists():
            raise DestinationUnusableError(
                path=path, reason=f"it is a broken symbolic link (to {os.readlink(path)})"
            )
        if not path.is_dir():
            raise DestinationUnusableError(path=path, reason="it is a file, not a folder")
        _refuse_kernel_file_system(path, path)
        if not pretend:
            sweep(path)
        if not force and not pretend and _has_entries(path):
            raise DestinationNotEmptyError(path=path)
        return Target(path, True, path, ())
    missing = [path]
    parent = path.parent
    while True:
        try:
            parent_info = os.stat(parent)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.islink(parent):
                raise DestinationUnusableError(
                    path=path, reason=f"{parent} is a broken symbolic link"
                ) from None
            missing.insert(0, parent)
            parent = parent.parent
            continue
        except OSError as exc:
            raise FileSystemError(path=path, action="create", reason=os_reason(exc)) from exc
        if not stat.S_ISDIR(parent_info.st_mode):
            raise DestinationUnusableError(path=path, reason=f"{parent} is a file, not a folder")
        break
    _refuse_kernel_file_system(path, parent)
    _refuse_long_names(path, parent, missing)
    return Target(path, False, parent, tuple(missing))


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError as exc:
        raise FileSystemError(path=folder, action="read", reason=os_reason(exc)) from exc


def _refuse_kernel_file_system(path: Path, existing: Path) -> None:
    mount, fstype = _mount_of(existing)
    if fstype in _KERNEL_FILE_SYSTEMS:
        raise FileSystemError(
            path=path,
            action="write",
            reason=f"{mount} is the kernel's {fstype} file system, which holds no projects",
        )


def _mount_of(path: Path) -> tuple[str, str]:
    """Return the mount point and file-system type holding ``path`` (best effort)."""
    real = os.path.realpath(path)
    best = ("/", "")
    try:
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                if len(fields) < 3:
                    continue
                point = fields[1].replace("\\040", " ")
                inside = real == point or real.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best[0]):
                    best = (point, fields[2])
    except OSError:
        pass
    return best


def _refuse_long_names(path: Path, parent: Path, missing: list[Path]) -> None:
    try:
        limit = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for folder in missing:
        size = len(os.fsencode(folder.name))
        if size > limit:
            raise FileSystemError(
                path=path,
                action="create",
                reason=f"the name {folder.name[:24]!r}... is {size} bytes long and this "
                f"file system allows {limit}",
            )


@contextmanager
def scratch_folder(target: Target) -> Iterator[Path]:
    """Create a locked scratch folder in ``target.anchor``; remove it afterwards.

    Abandoned scratch folders of earlier, killed runs are removed first.

    Raises:
        FileSystemError: The folder cannot be created there (permissions, a
            read-only or full file system).
    """
    sweep(target.anchor)
    action = "write into" if target.exists else "create"
    lock = -1
    folder = None
    try:
        # Named first and made inside the try, so a signal at any point is cleaned up.
        for _ in range(100):
            candidate = target.anchor / f"{SCRATCH_PREFIX}{secrets.token_hex(4)}"
            try:
                folder = candidate
                os.mkdir(candidate, 0o700)
                break
            except FileExistsError:
                folder = None
        if folder is None:
            raise FileExistsError(errno.EEXIST, "no free scratch folder name")
        lock = os.open(folder / _LOCK_NAME, os.O_CREAT | os.O_WRONLY, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield folder
    except ScaffoldError:
        raise
    except OSError as exc:
        raise FileSystemError(path=target.path, action=action, reason=os_reason(exc)) from exc
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if lock >= 0:
            os.close(lock)


def sweep(folder: Path) -> list[Path]:
    """Remove the scratch folders in ``folder`` that no living run holds.

    Returns:
        The folders removed.
    """
    removed: list[Path] = []
    try:
        with os.scandir(folder) as scan:
            entries = [entry for entry in scan if _is_scratch(entry)]
    except OSError:
        return removed
    for entry in entries:
        candidate = Path(entry.path)
        if _abandoned(candidate):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _is_scratch(entry: os.DirEntry[str]) -> bool:
    if _SCRATCH_NAME.match(entry.name):
        return entry.is_dir(follow_symlinks=False)
    if not _OLD_SCRATCH_NAME.match(entry.name) or not entry.is_dir(follow_symlinks=False):
        return False
    # Older scaffolds' .NAME.scaffold-XXXXXXXX held nothing but a project folder.
    try:
        return set(os.listdir(entry.path)) <= {"project"}
    except OSError:
        return False


def _abandoned(folder: Path) -> bool:
    try:
        handle = os.open(folder / _LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        # A run makes its lock right after its folder: ours without one, and empty,
        # was killed in between; give a living run a moment, an old scaffold an hour.
        ours_and_empty = _SCRATCH_NAME.match(folder.name) and not os.listdir(folder)
        grace = _EMPTY_GRACE if ours_and_empty else _UNLOCKED_GRACE
        try:
            return time.time() - folder.stat().st_mtime > grace
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # A living run holds it.
    finally:
        os.close(handle)
    return True


def place(staged: Path, target: Target, backup: Path) -> None:
    """Move a rendered project from ``staged`` to the destination, all or nothing.

    A new destination receives the folder itself; an existing one receives its
    files, replacing same-named ones (kept in ``backup`` until the move is
    complete, and put back if it fails or is interrupted).

    Raises:
        FileSystemError: A move failed; the destination is as it was.
    """
    try:
        if target.exists:
            _merge(staged, target.path, backup)
        else:
            _move_folder(staged, target)
    except OSError as exc:
        raise FileSystemError(path=target.path, action="write into", reason=os_reason(exc)) from exc


def _move_folder(staged: Path, target: Target) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staged, 0o777 & ~umask)
    created: list[Path] = []
    try:
        for folder in target.missing[:-1]:
            folder.mkdir()
            created.append(folder)
        os.rename(staged, target.path)
    except BaseException:
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise


def _merge(staged: Path, destination: Path, backup: Path) -> None:
    done: list[tuple[Path, Path | None]] = []
    try:
        _merge_into(staged, destination, backup, done)
    except BaseException:
        for placed, saved in reversed(done):
            _remove(placed)
            if saved is not None:
                os.replace(saved, placed)
        raise


def _merge_into(
    source: Path, destination: Path, backup: Path, done: list[tuple[Path, Path | None]]
) -> None:
    with os.scandir(source) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        here = destination / entry.name
        if entry.is_dir(follow_symlinks=False) and here.is_dir() and not here.is_symlink():
            _merge_into(Path(entry.path), here, backup / entry.name, done)
            continue
        saved = None
        if os.path.lexists(here):
            backup.mkdir(parents=True, exist_ok=True)
            saved = backup / entry.name
            os.rename(here, saved)
        done.append((here, saved))
        os.rename(entry.path, here)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
