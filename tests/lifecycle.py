"""Helpers for the lifecycle tests: a template with two tagged versions, real copier and git."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, git, template_repo

V1, V2 = "v1.0.0", "v2.0.0"
V2_IGNORE_LINE = "# added by the template's next version\n"


def commit_all(folder: Path, message: str) -> None:
    git(folder, "add", "--all")
    git(folder, "commit", "--quiet", "--allow-empty", "-m", message)


def two_version_template(folder: Path) -> Path:
    """The template as a git repository tagged v1.0.0, then v2.0.0.

    v2.0.0 adds a line at the end of the shared .gitignore and a new SECURITY.md.
    """
    template = template_repo(folder)
    git(template, "tag", V1)
    gitignore = template / "templates" / "common" / "gitignore.jinja"
    gitignore.write_text(gitignore.read_text() + V2_IGNORE_LINE)
    for framework in ("flask", "fastapi"):
        (template / "templates" / framework / "SECURITY.md").write_text("Report privately.\n")
    commit_all(template, "next version")
    git(template, "tag", V2)
    return template


def copier_update(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run the copier CLI as a user would, in the project folder."""
    copier = Path(sys.executable).with_name("copier")
    return subprocess.run(
        [str(copier), "update", "--defaults", *options],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the .git folder included) with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def clone_with_working_tree(root: Path, message: str = "what is on disk") -> Path:
    """A clone of this repository (its history, no tags) with what is on disk committed on top."""
    clone = root / "clone"
    git(root, "clone", "--quiet", "--no-local", str(REPO_ROOT), str(clone))
    ignore = shutil.ignore_patterns(".git", ".venv", "*cache*", "*.pyc", "dist", "build")
    shutil.copytree(REPO_ROOT, clone, ignore=ignore, dirs_exist_ok=True)
    git(clone, "add", "--all")
    git(clone, "commit", "--quiet", "--allow-empty", "-m", message)
    return clone


def conflicts(project: Path) -> list[str]:
    """Files an update left conflicts in: ``.rej`` files and files with conflict markers."""
    return [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and ".git" not in path.parts
        and (path.suffix == ".rej" or "<<<<<<< " in path.read_text(errors="ignore"))
    ]
