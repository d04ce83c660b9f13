"""Helpers for the lifecycle tests: a template with two tagged versions, real copier and git."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import git, template_repo

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
