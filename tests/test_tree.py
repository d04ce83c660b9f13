"""``scaffold.tree``: a folder's files read as bytes and put back as they were."""

from __future__ import annotations

import os
from pathlib import Path

from scaffold.tree import read_entry, snapshot, write_entry


def _folder(root: Path) -> Path:
    root.mkdir()
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('hi')\n")
    (root / "run.sh").write_text("#!/bin/sh\nexec app\n")
    (root / "run.sh").chmod(0o755)
    (root / "link").symlink_to("src/app.py")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    return root


def test_a_snapshot_holds_every_file_but_git_and_the_skipped_folders(tmp_path: Path) -> None:
    taken = snapshot(_folder(tmp_path / "a"), frozenset({".venv"}))
    assert sorted(taken.files) == ["link", "run.sh", "src/app.py"]
    assert taken.executable == {"run.sh"}


def test_a_link_never_reads_as_the_file_with_its_target_as_text(tmp_path: Path) -> None:
    root = _folder(tmp_path / "a")
    (root / "text").write_text("src/app.py")
    assert read_entry(root / "link") != read_entry(root / "text")
    assert read_entry(root / "missing") is None
    assert read_entry(root / "src") is None


def test_entries_put_back_keep_their_links_and_executable_bits(tmp_path: Path) -> None:
    taken = snapshot(_folder(tmp_path / "a"), frozenset({".venv"}))
    copy = tmp_path / "b"
    for name, content in taken.files.items():
        write_entry(copy / name, content, executable=name in taken.executable)
    assert snapshot(copy) == taken
    assert os.readlink(copy / "link") == "src/app.py"
    assert not os.access(copy / "src" / "app.py", os.X_OK)
