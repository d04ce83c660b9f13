"""``scaffold update``: real copier and git, a template with two tagged versions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import git
from lifecycle import V1, V2, V2_IGNORE_LINE, commit_all, tree, two_version_template
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.errors import (
    EXIT_ANSWER,
    EXIT_DIRTY,
    EXIT_TEMPLATE,
    EXIT_UPDATE_APPLIED_WITH_CONFLICTS,
    EXIT_VERIFY_FAILED,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_version_template(tmp_path_factory.mktemp("update") / "template")


def generate(folder: Path, *args: str) -> Path:
    result = runner.invoke(app, ["new", str(folder), "--no-input", "--no-lock", *args])
    assert result.exit_code == 0, result.output
    git(folder, "init", "--quiet")
    commit_all(folder, "start")
    return folder


@pytest.fixture
def project(tmp_path: Path, template: Path) -> Path:
    """A project generated at v1.0.0 and committed."""
    return generate(tmp_path / "project", "--template", str(template), "--vcs-ref", V1)


def update(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["update", str(folder), "--no-input", *args])
    return result.exit_code, result.output


def recorded(folder: Path) -> str:
    return yaml.safe_load((folder / ".copier-answers.yml").read_text())["_commit"]


def test_update_applies_the_next_version_and_keeps_a_user_edit(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "Our own notes.\n")
    commit_all(project, "notes")
    code, output = update(project, "--to", V2)
    assert code == 0, output
    assert recorded(project) == V2
    assert (project / ".gitignore").read_text().endswith(V2_IGNORE_LINE)
    assert (project / "SECURITY.md").is_file()
    assert readme.read_text().endswith("Our own notes.\n")
    assert "added: SECURITY.md" in output and "changed: .gitignore" in output
    assert "uv lock && uv sync" in output


def test_dirty_project_is_refused_and_left_alone(project: Path) -> None:
    (project / "scratch.txt").write_text("work in progress\n")
    before = tree(project)
    code, output = update(project, "--to", V2)
    assert code == EXIT_DIRTY
    assert "uncommitted changes (scratch.txt)" in output and "--allow-dirty" in output
    assert len(output.strip().splitlines()) == 1
    assert tree(project) == before


def test_allow_dirty_updates_anyway(project: Path) -> None:
    (project / "scratch.txt").write_text("work in progress\n")
    code, output = update(project, "--to", V2, "--allow-dirty")
    assert code == 0, output
    assert recorded(project) == V2
    assert (project / "scratch.txt").read_text() == "work in progress\n"


def test_dry_run_lists_the_changes_and_leaves_the_tree_byte_identical(project: Path) -> None:
    before = tree(project)
    code, output = update(project, "--to", V2, "--dry-run")
    assert code == 0, output
    assert tree(project) == before
    assert "added: SECURITY.md" in output and "changed: .gitignore" in output
    assert "changed: .copier-answers.yml" in output
    assert f"+{V2_IGNORE_LINE}" in output
    assert "+++ b/SECURITY.md" in output and "+Report privately." in output
    assert "Nothing was written." in output


def test_without_to_a_foreign_template_goes_to_its_newest_release(project: Path) -> None:
    code, output = update(project)
    assert code == 0, output
    assert recorded(project) == V2


def test_framework_switch_is_refused(project: Path) -> None:
    framework = yaml.safe_load((project / ".copier-answers.yml").read_text())["framework"]
    other = "flask" if framework == "fastapi" else "fastapi"
    before = tree(project)
    code, output = update(project, "--data", f"framework={other}")
    assert code == EXIT_ANSWER
    assert "rewrite, not an update" in output
    assert tree(project) == before


def test_conflicting_edit_exits_12_and_names_the_file(project: Path) -> None:
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "# our own last line\n")
    commit_all(project, "own ignore line")
    code, output = update(project, "--to", V2)
    assert code == EXIT_UPDATE_APPLIED_WITH_CONFLICTS, output
    assert "conflict: .gitignore" in output
    assert "<<<<<<<" in gitignore.read_text()


def test_conflicts_as_rej_files(project: Path) -> None:
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "# our own last line\n")
    commit_all(project, "own ignore line")
    code, output = update(project, "--to", V2, "--conflict", "rej")
    assert code == EXIT_UPDATE_APPLIED_WITH_CONFLICTS, output
    assert "conflict: .gitignore" in output
    assert (project / ".gitignore.rej").is_file()
    assert "<<<<<<<" not in gitignore.read_text()


def test_verify_failure_leaves_the_project_untouched(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index("requires-python")
    end = text.index("\n", start)
    pyproject.write_text(text[:start] + 'requires-python = ">=3.99"' + text[end:])
    commit_all(project, "a Python nobody has")
    before = tree(project)
    code, output = update(project, "--to", V2, "--verify")
    assert code == EXIT_VERIFY_FAILED, output
    assert "'uv sync' failed" in output and "3.99" in output and "not touched" in output
    assert tree(project) == before


@pytest.mark.slow
def test_verify_applies_when_the_copy_passes_its_tests(project: Path) -> None:
    code, output = update(project, "--to", V2, "--verify")
    assert code == 0, output
    assert recorded(project) == V2
    assert (project / "SECURITY.md").is_file()
    assert not (project / ".venv").exists()  # The install happened in the scratch copy.


@pytest.mark.slow
def test_verify_failing_tests_leave_the_project_untouched(project: Path) -> None:
    (project / "tests" / "test_broken_by_us.py").write_text(
        "def test_broken() -> None:\n    assert False\n"
    )
    commit_all(project, "a failing test")
    before = tree(project)
    code, output = update(project, "--to", V2, "--verify")
    assert code == EXIT_VERIFY_FAILED, output
    assert "'uv run pytest -q' failed" in output and "1 failed" in output
    assert tree(project) == before


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("--data", "colour=blue"), EXIT_ANSWER, "unknown template question(s): colour"),
        (("--data", "docker=maybe"), EXIT_ANSWER, "expected true or false"),
        (("--to", "v9.9.9"), EXIT_TEMPLATE, f"its versions: {V1}, {V2}"),
    ],
)
def test_bad_input_is_one_line_and_touches_nothing(
    project: Path, args: tuple[str, ...], code: int, fragment: str
) -> None:
    before = tree(project)
    got, output = update(project, *args)
    assert got == code, output
    assert fragment in output and len(output.strip().splitlines()) == 1
    assert tree(project) == before


def test_allow_dirty_keeps_overlapping_work_in_the_stash(project: Path) -> None:
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "# not committed yet\n")
    code, output = update(project, "--to", V2, "--allow-dirty")
    assert code == 0, output
    assert recorded(project) == V2
    assert "git stash pop" in output
    assert "# not committed yet" in git(project, "stash", "show", "-p")


def test_new_questions_take_their_defaults_and_answers_are_kept(tmp_path: Path) -> None:
    """Without a terminal nothing is asked: a new question gets its default, old answers stay."""
    template = two_version_template(tmp_path / "template")
    config = template / "copier.yml"
    config.write_text(config.read_text() + "\nsupport_email:\n  type: str\n  default: ops@x.test\n")
    commit_all(template, "a new question")
    git(template, "tag", "v3.0.0")
    project = generate(
        tmp_path / "project",
        "--template",
        str(template),
        "--vcs-ref",
        V1,
        "--data",
        "description=Our own words",
    )
    result = runner.invoke(app, ["update", str(project), "--to", "v3.0.0"])  # no --no-input
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v3.0.0"
    assert answers["support_email"] == "ops@x.test"
    assert answers["description"] == "Our own words"


def test_without_to_scaffolds_own_template_goes_to_the_installed_version(tmp_path: Path) -> None:
    """Pre-releases included (what the user installed); plain copier keeps to final releases."""
    import shutil

    from lifecycle import copier_update
    from packaging.version import Version

    from scaffold import __version__

    project = generate(tmp_path / "project", "--vcs-ref", "v0.1.0")
    plain = tmp_path / "plain"
    shutil.copytree(project, plain, symlinks=True)
    code, output = update(project)
    assert code == 0, output
    assert recorded(project) == f"v{__version__}"
    result = copier_update(plain, "--skip-answered")
    assert result.returncode == 0, result.stderr
    store = Path.home() / ".local" / "share" / "scaffold" / "template"
    tags = git(store, "tag", "--list").split()
    assert f"v{__version__}" in tags
    finals = [tag for tag in tags if not Version(tag).is_prerelease]
    assert recorded(plain) == max(finals, key=Version)


def test_dry_run_neither_copies_nor_reads_the_ignored_virtual_environment(project: Path) -> None:
    """A named pipe in .venv (copying or reading it would fail or block) does not matter."""
    import os

    venv = project / ".venv" / "lib"
    venv.mkdir(parents=True)
    (venv / "site.py").write_text("# installed\n")
    os.mkfifo(venv / "pipe")
    assert git(project, "status", "--porcelain") == ""  # the generated .gitignore has .venv/
    code, output = update(project, "--to", V2, "--dry-run")
    assert code == 0, output
    assert "SECURITY.md" in output and ".venv" not in output
    assert recorded(project) == V1


def test_a_changed_file_the_template_removes_is_kept_as_a_conflict(
    tmp_path: Path, template: Path
) -> None:
    """copier deletes it; the project's edit must survive and the user decide."""
    folder = generate(
        tmp_path / "docker", "--template", str(template), "--vcs-ref", V2, "--data", "docker=true"
    )
    dockerfile = folder / "Dockerfile"
    ours = dockerfile.read_text() + "# our own build step\n"
    dockerfile.write_text(ours)
    dockerfile.chmod(0o755)
    (folder / "ignored.txt").write_text("*.log\n")
    (folder / ".dockerignore").unlink()
    (folder / ".dockerignore").symlink_to("ignored.txt")  # a link: copier leaves it alone
    commit_all(folder, "own build step")
    before = tree(folder)

    code, output = update(folder, "--data", "docker=false", "--dry-run")
    assert code == 0, output
    assert tree(folder) == before
    assert "would conflict: Dockerfile (changed here" in output
    assert "removed: Dockerfile" not in output and "removed: compose.yaml" in output

    code, output = update(folder, "--data", "docker=false")
    assert code == EXIT_UPDATE_APPLIED_WITH_CONFLICTS, output
    assert "conflict: Dockerfile (changed here, no longer in the template: kept as it was" in output
    assert dockerfile.read_text() == ours
    assert os.access(dockerfile, os.X_OK)  # kept with its mode
    assert os.readlink(folder / ".dockerignore") == "ignored.txt"
    assert not (folder / "compose.yaml").exists()  # unchanged: the template's to remove
    assert "removed: compose.yaml" in output and "removed: Dockerfile" not in output


def test_the_recorded_version_renders_the_same_files_once(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verified update asks twice (scratch run, then the project): one render serves both."""
    import scaffold.drift
    from scaffold.update import _RecordedRender

    renders: list[list[str] | None] = []
    real = scaffold.drift.render_version

    def counted(*args: Any, only: list[str] | None = None) -> Path:
        renders.append(only)
        return real(*args, only=only)

    monkeypatch.setattr(scaffold.drift, "render_version", counted)
    answers = {"framework": "flask", "project_name": "demo", "docker": True, "_commit": V1}
    recorded = _RecordedRender(str(template), V1, answers, tmp_path / "recorded")
    first = recorded.files(["Dockerfile", "nothing-here.txt"])
    assert recorded.files(["Dockerfile", "nothing-here.txt"]) == first
    assert renders == [["Dockerfile", "nothing-here.txt"]]
    assert first["Dockerfile"] is not None and b"FROM" in first["Dockerfile"]
    assert first["nothing-here.txt"] is None
