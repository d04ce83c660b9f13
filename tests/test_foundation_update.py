"""A project generated from the foundation's template updates to today's with copier update.

The foundation is the template as first committed (the commit that added both
frameworks' ``pyproject.toml.jinja``), read from this repository's history. A
project rendered from it, committed and edited by its user, must take plain
``copier update`` to the current template without conflicts, keep the edits,
and then pass its own checks.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT, git, template_copy
from harness import Venv, own_check_failures
from test_update import commit_all, copier_update
from typer.testing import CliRunner

from scaffold.cli import app

pytestmark = pytest.mark.slow

FOUNDATION_MARKER = "templates/flask/pyproject.toml.jinja"
NEW_SINCE_FOUNDATION = {
    "fastapi": "src/{package}/core/errors.py",
    "flask": "src/{package}/security.py",
}


@pytest.fixture(scope="module")
def foundation_archive() -> bytes:
    added = git(REPO_ROOT, "log", "--diff-filter=A", "--format=%H", "--", FOUNDATION_MARKER)
    if not added:
        pytest.fail("this checkout has no history; clone it without --depth")
    commit = added.splitlines()[-1]
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", commit, "copier.yml", "templates"],
        capture_output=True,
        check=True,
    )
    return archive.stdout


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_foundation_project_updates_cleanly_and_passes_its_checks(
    foundation_archive: bytes, framework: str, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    template.mkdir()
    with tarfile.open(fileobj=io.BytesIO(foundation_archive)) as tar:
        tar.extractall(template, filter="data")
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, "foundation")
    git(template, "tag", "v0.1.0")

    project = tmp_path / "project"
    with warnings.catch_warnings():
        # The foundation's copier.yml had a regex escape newer Pythons warn about.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        result = CliRunner().invoke(
            app,
            [
                "new",
                str(project),
                "--no-input",
                "--framework",
                framework,
                "--template",
                str(template),
                "--vcs-ref",
                "v0.1.0",
            ],
        )
    assert result.exit_code == 0, result.output
    git(project, "init", "--quiet")
    commit_all(project, "start")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our runbook\n\nPage the on-call first.\n")
    (project / "NOTES.md").write_text("Our own notes.\n")
    commit_all(project, "our edits")

    shutil.rmtree(template / "templates")
    (template / "copier.yml").unlink()
    current = template_copy(tmp_path / "current")
    shutil.move(current / "copier.yml", template / "copier.yml")
    shutil.move(current / "templates", template / "templates")
    commit_all(template, "today's template")
    git(template, "tag", "v0.2.0")

    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.2.0"
    package = answers["package_name"]
    assert (project / NEW_SINCE_FOUNDATION[framework].format(package=package)).is_file()
    assert "Page the on-call first." in readme.read_text()
    assert (project / "NOTES.md").read_text() == "Our own notes.\n"
    conflicted = [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and ".git" not in path.parts
        and (path.suffix == ".rej" or "<<<<<<< " in path.read_text(errors="ignore"))
    ]
    assert not conflicted, conflicted

    venv = Venv.create(tmp_path / "venv")
    venv.install_editable(project)
    failures = own_check_failures(venv, project)
    assert not failures, "\n\n".join(failures)
