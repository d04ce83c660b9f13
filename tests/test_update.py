"""Plain ``copier update`` upgrades generated projects and keeps the user's edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import git, template_copy, template_repo
from lifecycle import commit_all, copier_update
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.store import release_archives, sync

runner = CliRunner()


def improve_template(template: Path) -> None:
    """The template's next version: a new file, and a line added to a shared part."""
    for framework in ("flask", "fastapi"):
        (template / "templates" / framework / "SECURITY.md").write_text(
            "Report issues privately.\n"
        )
    gitignore = template / "templates" / "common" / "gitignore.jinja"
    gitignore.write_text(gitignore.read_text() + "# added by the template's next version\n")


def edit_project(project: Path) -> None:
    """The user's own work: a new section in the README and a line atop .gitignore."""
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our notes\n\nKeep this.\n")
    gitignore = project / ".gitignore"
    gitignore.write_text("# ours: local scratch\nscratch/\n" + gitignore.read_text())
    commit_all(project, "our edits")


def assert_updated_and_edits_kept(project: Path, version: str) -> None:
    assert (project / "SECURITY.md").read_text() == "Report issues privately.\n"
    gitignore = (project / ".gitignore").read_text()
    assert gitignore.startswith("# ours: local scratch\nscratch/\n")
    assert "# added by the template's next version" in gitignore
    assert "Keep this." in (project / "README.md").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == version
    assert "<<<<<<<" not in gitignore


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_update_from_a_tagged_git_template_brings_changes_and_keeps_edits(
    tmp_path: Path, framework: str
) -> None:
    template = template_repo(tmp_path / "template")
    git(template, "tag", "v1.0.0")
    project = tmp_path / "project"
    args = ["new", str(project), "--no-input", "--framework", framework]
    result = runner.invoke(app, [*args, "--template", str(template), "--vcs-ref", "v1.0.0"])
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["_src_path"], answers["_commit"]) == (str(template), "v1.0.0")
    git(project, "init", "--quiet")
    commit_all(project, "start")
    edit_project(project)

    improve_template(template)
    commit_all(template, "improve")
    git(template, "tag", "v1.1.0")

    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    assert_updated_and_edits_kept(project, "v1.1.0")


def test_project_from_the_default_store_updates_after_scaffold_upgrade(tmp_path: Path) -> None:
    project = tmp_path / "project"
    result = runner.invoke(app, ["new", str(project), "--no-input"])
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == "~/.local/share/scaffold/template"
    git(project, "init", "--quiet")
    commit_all(project, "start")
    edit_project(project)

    # What `pip install -U scaffold && scaffold sync` does: the new wheel's template
    # is added to the store under the new version's tag.
    newer = template_copy(tmp_path / "scaffold-next")
    improve_template(newer)
    assert sync(version="99.0.0", template=newer).added

    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    assert_updated_and_edits_kept(project, "v99.0.0")


def test_update_without_a_synced_store_fails_with_copiers_message(
    tmp_path: Path, isolated_home: Path
) -> None:
    project = tmp_path / "project"
    assert runner.invoke(app, ["new", str(project), "--no-input"]).exit_code == 0
    git(project, "init", "--quiet")
    commit_all(project, "start")
    shutil.rmtree(isolated_home / ".local")  # a teammate's machine before `scaffold sync`
    update = copier_update(project)
    assert update.returncode != 0
    assert runner.invoke(app, ["sync"]).exit_code == 0
    # This checkout is a development build (a pre-release): copier updates to the
    # newest final release unless told to consider pre-releases too.
    assert copier_update(project, "--prereleases").returncode == 0


def test_teammate_with_only_a_newer_scaffold_can_update_after_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    # Machine A: the project is made with this scaffold's template (call it 1.0.0).
    template = template_repo(tmp_path / "scaffold-repo")
    git(template, "tag", "v1.0.0")
    sync(version="1.0.0", template=template, history=[])
    project = tmp_path / "project"
    result = runner.invoke(app, ["new", str(project), "--no-input", "--vcs-ref", "v1.0.0"])
    assert result.exit_code == 0, result.output
    git(project, "init", "--quiet")
    commit_all(project, "start")
    store_a = isolated_home / ".local/share/scaffold/template"

    # Machine B never installed 1.0.0: its scaffold is 2.0.0, whose wheel carries
    # 1.0.0 as history (what the build hook archives from the release tags).
    home_b = tmp_path / "home-b"
    home_b.mkdir()
    monkeypatch.setenv("HOME", str(home_b))
    history = release_archives(template)
    assert [version for version, _ in history] == ["1.0.0"]
    improve_template(template)
    stored = sync(version="2.0.0", template=template, history=history)
    assert stored.tag == "v2.0.0"
    store_b = home_b / ".local/share/scaffold/template"
    assert git(store_a, "rev-parse", "v1.0.0") == git(store_b, "rev-parse", "v1.0.0")

    edit_project(project)
    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    assert_updated_and_edits_kept(project, "v2.0.0")
