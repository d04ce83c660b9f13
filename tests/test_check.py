"""``scaffold check``: drift from the template, computed by real renders, with CI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT, git
from lifecycle import (
    V1,
    V2,
    V2_IGNORE_LINE,
    commit_all,
    copier_update,
    tree,
    two_version_template,
)
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.decision import DECISION_FILE
from scaffold.drift import check_drift
from scaffold.errors import (
    EXIT_DESTINATION,
    EXIT_TEMPLATE,
    EXIT_UPDATE_AVAILABLE,
    EXIT_UPDATE_CONFLICT,
    UnversionedProjectError,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_version_template(tmp_path_factory.mktemp("check") / "template")


@pytest.fixture
def project(tmp_path: Path, template: Path) -> Path:
    """A project generated at v1.0.0 and committed."""
    folder = tmp_path / "project"
    args = ["new", str(folder), "--no-input", "--template", str(template), "--vcs-ref", V1]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    git(folder, "init", "--quiet")
    commit_all(folder, "start")
    return folder


def check(folder: Path, *args: str) -> tuple[int, dict]:
    """Run ``scaffold check --json`` and prove it left the project byte-identical."""
    before = tree(folder)
    result = runner.invoke(app, ["check", str(folder), "--json", *args])
    assert tree(folder) == before
    return result.exit_code, json.loads(result.stdout)


def states(report: dict) -> dict[str, tuple[str, bool]]:
    return {
        item["path"]: (item["state"], item["conflict"])
        for item in report["files"]
        if item["state"] != "unchanged"
    }


def test_untouched_project_sees_the_newer_version(project: Path) -> None:
    code, report = check(project)
    assert code == EXIT_UPDATE_AVAILABLE
    assert (report["recorded"], report["newest"], report["status"]) == (V1, V2, "update-available")
    assert states(report) == {".gitignore": ("template", False), "SECURITY.md": ("added", False)}
    paths = {item["path"] for item in report["files"]}
    assert "README.md" in paths and "pyproject.toml" in paths
    # Only files the template manages: not the answers file, the decision record or .git.
    assert ".copier-answers.yml" not in paths and str(DECISION_FILE) not in paths
    assert not any(path.startswith(".git/") for path in paths)


def test_each_kind_of_drift_is_reported_and_a_clean_merge_is_no_conflict(project: Path) -> None:
    (project / "README.md").write_text((project / "README.md").read_text() + "\nOurs.\n")
    gitignore = project / ".gitignore"
    gitignore.write_text("# ours, at the top\n" + gitignore.read_text())
    deleted = ".pre-commit-config.yaml"
    (project / deleted).unlink()
    code, report = check(project)
    assert code == EXIT_UPDATE_AVAILABLE, report
    found = states(report)
    assert found["README.md"] == ("project", False)
    assert found[".gitignore"] == ("both", False)
    assert found[deleted] == ("deleted", False)
    assert found["SECURITY.md"] == ("added", False)


def test_a_conflicting_edit_exits_11_and_copier_update_agrees(project: Path) -> None:
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "# our own last line\n")
    commit_all(project, "our edit where the template's next version adds a line")
    code, report = check(project)
    assert code == EXIT_UPDATE_CONFLICT
    assert report["status"] == "conflict" and report["conflicts"] == [".gitignore"]
    assert states(report)[".gitignore"] == ("both", True)

    # The prediction is what a real update does.
    update = copier_update(project, "--conflict", "inline")
    assert update.returncode == 0, update.stderr
    merged = gitignore.read_text()
    assert "<<<<<<<" in merged and V2_IGNORE_LINE.strip() in merged


def test_after_the_update_the_project_is_up_to_date_and_keeps_its_own_changes(
    project: Path,
) -> None:
    (project / "README.md").write_text((project / "README.md").read_text() + "\nOurs.\n")
    commit_all(project, "ours")
    assert copier_update(project).returncode == 0
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == V2
    commit_all(project, "update")
    code, report = check(project)
    assert code == 0
    assert (report["recorded"], report["newest"], report["status"]) == (V2, V2, "up-to-date")
    assert states(report) == {"README.md": ("project", False)}


def test_human_report_from_a_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "docs" / "x").mkdir(parents=True)
    monkeypatch.chdir(project / "docs" / "x")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == EXIT_UPDATE_AVAILABLE, result.output
    lines = result.stdout.splitlines()
    assert f"recorded {V1}, newest {V2}" in lines[0]
    assert f"  .gitignore: changed in {V2}" in lines
    assert f"  SECURITY.md: added in {V2}" in lines
    assert lines[-1] == f"Status: update to {V2} available, no conflicts (exit 10)"


def test_outside_a_project_is_exit_4(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == EXIT_DESTINATION
    assert "not inside a generated project" in result.stderr


def test_a_missing_path_inside_a_project_is_not_taken_for_the_project(project: Path) -> None:
    result = runner.invoke(app, ["check", str(project / "no-such-folder")])
    assert result.exit_code == EXIT_DESTINATION


def test_a_project_without_a_recorded_version_is_exit_5(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("_src_path: /somewhere\nproject_name: x\n")
    with pytest.raises(UnversionedProjectError):
        check_drift(tmp_path)
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == EXIT_TEMPLATE
    assert "records no version (_commit)" in result.stderr


def test_a_recorded_version_the_template_lacks_is_exit_5(project: Path) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace(f"_commit: {V1}", "_commit: v0.9.9"))
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == EXIT_TEMPLATE
    assert "no version 'v0.9.9'" in result.stderr


def test_a_project_from_scaffolds_own_store_is_up_to_date_and_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    assert runner.invoke(app, ["new", str(folder), "--no-input"]).exit_code == 0
    code, report = check(folder)
    assert code == 0, report
    assert report["status"] == "up-to-date"
    assert states(report) == {}  # The renders reproduce what `scaffold new` wrote.
    assert len(report["files"]) > 20


def test_a_release_project_sees_what_scaffold_update_would_bring(tmp_path: Path) -> None:
    """From the store, "newest" is the installed scaffold's template, as for the update."""
    from scaffold.releases import read_releases
    from scaffold.update import UpdateOptions, update_project

    release = f"v{read_releases(REPO_ROOT)[0].version}"
    folder = tmp_path / "old"
    args = ["new", str(folder), "--no-input", "--no-lock", "--vcs-ref", release]
    made = runner.invoke(app, args)
    assert made.exit_code == 0, made.output
    git(folder, "init", "--quiet")
    commit_all(folder, "start")
    code, report = check(folder)
    dry = update_project(folder, UpdateOptions(dry_run=True))
    assert dry.files, "the release and today's template are the same"
    assert (report["recorded"], report["newest"]) == (release, dry.target)
    assert code == EXIT_UPDATE_AVAILABLE and report["status"] == "update-available", report
    changed = {path for path, (state, _) in states(report).items() if state != "project"}
    assert changed == set(dry.files) - {".copier-answers.yml"}


def test_binary_files_that_both_sides_changed_count_as_a_conflict(
    tmp_path: Path,
) -> None:
    from scaffold.drift import _conflicts

    base, mine, theirs = (tmp_path / name for name in ("base", "mine", "theirs"))
    base.write_bytes(b"\x00\x01base")
    mine.write_bytes(b"\x00\x01mine")
    theirs.write_bytes(b"\x00\x01theirs")
    assert _conflicts(mine, base, theirs)
    text = tmp_path / "text"
    text.write_text("a\nb\nc\n")
    assert not _conflicts(text, text, text)


def test_a_render_of_named_files_holds_just_those_unless_a_name_is_not_plain(
    template: Path, tmp_path: Path
) -> None:
    from scaffold.drift import render_version

    data = {"project_name": "Demo", "framework": "flask"}
    full = render_version(str(template), V1, data, tmp_path / "full")
    named = render_version(str(template), V1, data, tmp_path / "named", only=["README.md"])
    assert [p.name for p in named.rglob("*") if p.is_file()] == ["README.md"]
    assert (named / "README.md").read_bytes() == (full / "README.md").read_bytes()
    odd = render_version(str(template), V1, data, tmp_path / "odd", only=["{{ x }}.md"])
    assert tree(odd) == tree(full)
