"""A project's files as bytes: the one way ``check`` and ``update`` read and put them back.

A symbolic link reads as a marker plus its target, so a link never compares equal
to a file holding the same text; a snapshot keeps which files were executable, so a
file put back keeps its mode as well as its bytes.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Snapshot", "read_entry", "snapshot", "write_entry"]

_LINK = b"symlink:"


def read_entry(path: Path) -> bytes | None:
    """The bytes at ``path`` (a symbolic link: its target, marked); None when no file is there."""
    if path.is_symlink():
        return _LINK + os.readlink(path).encode()
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def write_entry(path: Path, content: bytes, *, executable: bool = False) -> None:
    """Put ``content``, as :func:`read_entry` gave it, back at ``path`` (folders made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if content.startswith(_LINK):
        path.symlink_to(content[len(_LINK) :].decode())
        return
    path.write_bytes(content)
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@dataclass(frozen=True)
class Snapshot:
    """Every file of a folder by its POSIX path relative to the folder."""

    files: dict[str, bytes]
    executable: frozenset[str]


def snapshot(root: Path, skip: frozenset[str] = frozenset()) -> Snapshot:
    """Every file under ``root`` but ``.git`` and the relative folder paths in ``skip``."""
    files: dict[str, bytes] = {}
    executable: set[str] = set()
    for folder, dirs, names in os.walk(root):
        where = Path(folder).relative_to(root).as_posix()
        prefix = "" if where == "." else where + "/"
        dirs[:] = [name for name in dirs if name != ".git" and prefix + name not in skip]
        for name in names:
            item = Path(folder) / name
            content = read_entry(item)
            if content is None:  # pragma: no cover - removed while we walked
                continue
            files[prefix + name] = content
            if not item.is_symlink() and item.stat().st_mode & stat.S_IXUSR:
                executable.add(prefix + name)
    return Snapshot(files, frozenset(executable))
