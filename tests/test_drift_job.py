"""The generated CI's scheduled ``scaffold check`` job (``template_check``), replayed.

The job's own shell lines are read from the generated GitHub workflow or GitLab
pipeline and run as a runner would: in a shallow clone of the committed project,
with a fresh HOME (no template store yet) and scaffold as a tool. scaffold is not
published from here, so ``uvx --from scaffold-mlweb scaffold`` is replaced by this
environment's ``scaffold`` executable; everything else runs as written.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import git
from lifecycle import V1, commit_all, two_version_template
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.errors import EXIT_UPDATE_AVAILABLE

runner = CliRunner()

TOOL = "uvx --from scaffold-mlweb scaffold"
"""How the job runs scaffold: the newest release, as a tool (as the README installs it)."""
SCAFFOLD = Path(sys.executable).with_name("scaffold")
WORKFLOW = ".github/workflows/template-check.yml"
GITLAB_JOB = "template-check"


def generate(folder: Path, *args: str) -> Path:
    """``scaffold new`` with the job on, then the first commit, as the README says."""
    result = runner.invoke(
        app, ["new", str(folder), "--no-input", "--no-lock", "--data", "template_check=true", *args]
    )
    assert result.exit_code == 0, result.output
    git(folder, "init", "--quiet")
    commit_all(folder, "start")
    return folder


def github_job(project: Path) -> str:
    """The workflow's shell script, after checking its triggers and permissions."""
    workflow: dict[Any, Any] = yaml.safe_load((project / WORKFLOW).read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}, triggers
    assert [entry["cron"] for entry in triggers["schedule"]], triggers
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    checkout = next(step for step in job["steps"] if "checkout" in step.get("uses", ""))
    assert checkout["with"]["persist-credentials"] is False
    return "\n".join(step["run"] for step in job["steps"] if "run" in step)


def gitlab_job(project: Path) -> str:
    """The pipeline job's script, after checking it runs in scheduled pipelines only."""
    pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    job = pipeline[GITLAB_JOB]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert job["stage"] in pipeline["stages"]
    assert job["needs"] == []  # a failed lint or test job does not hide the answer
    return "\n".join(job["script"])


JOBS = {"github": github_job, "gitlab": gitlab_job}


def replay(project: Path, ci: str, scratch: Path) -> subprocess.CompletedProcess[str]:
    """Run the job's lines in a shallow clone with a fresh HOME, as a new runner would."""
    script = JOBS[ci](project)
    assert TOOL in script, script
    checkout = scratch / "checkout"
    git(scratch, "clone", "--quiet", "--depth", "1", project.as_uri(), str(checkout))
    home = scratch / "runner-home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SCAFFOLD_TEMPLATE_STORE", "XDG_DATA_HOME", "VIRTUAL_ENV")
    }
    env["HOME"] = str(home)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
        + [script.replace(TOOL, shlex.quote(str(SCAFFOLD)))],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_job_passes_on_a_project_of_the_installed_template(ci: str, tmp_path: Path) -> None:
    """From scaffold's own store, on a runner that has never synced one."""
    project = generate(tmp_path / "project", "--data", f"ci={ci}")
    result = replay(project, ci, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_job_fails_with_10_when_a_newer_template_version_is_out(
    ci: str, tmp_path: Path
) -> None:
    template = two_version_template(tmp_path / "template")
    project = generate(
        tmp_path / "project", "--template", str(template), "--vcs-ref", V1, "--data", f"ci={ci}"
    )
    result = replay(project, ci, tmp_path)
    assert result.returncode == EXIT_UPDATE_AVAILABLE, result.stdout + result.stderr
    assert "SECURITY.md" in result.stdout  # the report names what the update brings


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_job_is_off_by_default(ci: str, tmp_path: Path) -> None:
    folder = tmp_path / "project"
    result = runner.invoke(
        app, ["new", str(folder), "--no-input", "--no-lock", "--data", f"ci={ci}"]
    )
    assert result.exit_code == 0, result.output
    assert not (folder / WORKFLOW).exists()
    if ci == "gitlab":
        pipeline = yaml.safe_load((folder / ".gitlab-ci.yml").read_text())
        assert GITLAB_JOB not in pipeline and "template" not in pipeline["stages"]
    answers = yaml.safe_load((folder / ".copier-answers.yml").read_text())
    assert answers["template_check"] is False


def test_without_ci_the_question_is_not_asked_nor_recorded(tmp_path: Path) -> None:
    """copier's ``when``: an answer given anyway is left out of the answers file."""
    project = generate(tmp_path / "project", "--data", "ci=none")
    assert not (project / ".github").exists() and not (project / ".gitlab-ci.yml").exists()
    assert "template_check" not in yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_turning_ci_off_and_on_again_forgets_the_job(tmp_path: Path) -> None:
    """On update, copier drops the answer of a question whose ``when`` turned false."""
    project = generate(tmp_path / "project")
    assert (project / WORKFLOW).is_file()
    for ci, present in (("none", False), ("github", False)):
        result = runner.invoke(app, ["update", str(project), "--no-input", "--data", f"ci={ci}"])
        assert result.exit_code == 0, result.output
        answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
        assert answers.get("template_check", False) is False, answers
        assert (project / WORKFLOW).is_file() is present
        commit_all(project, f"ci={ci}")
