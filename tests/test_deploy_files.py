"""The generated build and CI files do what they promise, checked without Docker or a CI host.

- Every ``uses:`` in a generated GitHub workflow is an action of
  ``../shared/pinned-actions.md`` at a commit SHA that table records, with the
  release in a trailing comment; the workflow reads with ``contents: read`` by
  default and never keeps the checkout's credentials; dependabot covers uv,
  github-actions and docker, grouped, with a cooldown.
- The Dockerfile's build stage is replayed in a scratch folder holding only the
  files its ``COPY`` lines name: the dependency layer's ``uv sync`` must succeed
  from ``pyproject.toml`` and ``uv.lock`` alone, install no project and no
  development tool, and the project layer must then install the service.
- ``pre-commit run --all-files`` passes on a freshly generated, git-initialised
  project, changes nothing and warns about no deprecated setting.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REAL_HOME, git
from harness import _uv, tool_env

SHARED = Path(__file__).resolve().parents[2] / "shared"
PINNED_ACTIONS = SHARED / "pinned-actions.md"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>\S+))?\s*$")
TABLE_ROW = re.compile(
    r"^\|\s*(?P<action>[\w.-]+/[\w.-]+)\s*\|\s*(?P<release>v[\w.]+)\s*\|"
    r"\s*(?P<sha>[0-9a-f]{40})\s*\|"
)
UV_TIMEOUT = 600
DEPRECATED_LANGUAGES = {"system", "script"}
DEPRECATED_STAGES = {"commit", "merge-commit", "push"}


def pinned_actions(table: Path) -> dict[str, tuple[str, str]]:
    """``{action: (release, sha)}`` from the table in ``pinned-actions.md``."""
    rows = {}
    for line in table.read_text().splitlines():
        if match := TABLE_ROW.match(line):
            rows[match["action"]] = (match["release"], match["sha"])
    return rows


def render(copie: Any, **answers: Any) -> Path:
    result = copie.copy(extra_answers={"project_name": "Deploy Probe", **answers})
    assert result.exit_code == 0, result.exception
    return Path(result.project_dir)


def uv(project: Path, *args: str, env: dict[str, str] | None = None) -> None:
    """Run uv in ``project`` with the real interpreter, never a downloaded one."""
    done = subprocess.run(
        [_uv(), *args],
        cwd=project,
        env=tool_env({"UV_PYTHON_DOWNLOADS": "never", "UV_PYTHON": sys.executable, **(env or {})}),
        capture_output=True,
        text=True,
        timeout=UV_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"uv {' '.join(args)}:\n{done.stdout}{done.stderr}"


def locked(project: Path) -> Path:
    """The project with its ``uv.lock`` (``scaffold new`` makes it; copier alone does not)."""
    if not (project / "uv.lock").is_file():
        uv(project, "lock", "--quiet")
    return project


# --- GitHub Actions -------------------------------------------------------------------


@pytest.mark.skipif(not PINNED_ACTIONS.is_file(), reason=f"{PINNED_ACTIONS} is absent")
@pytest.mark.parametrize(
    "answers",
    [
        {"framework": "fastapi", "docker": True, "database": "postgresql"},
        {"framework": "flask", "docker": False, "python_version": "3.13", "template_check": True},
    ],
    ids=["fastapi-docker", "flask-no-docker-template-check"],
)
def test_workflow_actions_are_pinned_to_the_recorded_commits(
    copie: Any, answers: dict[str, Any]
) -> None:
    table = pinned_actions(PINNED_ACTIONS)
    assert len(table) >= 4, f"no table parsed from {PINNED_ACTIONS}"
    project = render(copie, ci="github", **answers)
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    assert len(workflows) == (2 if answers.get("template_check") else 1)
    used = set()
    for workflow in workflows:
        for line in workflow.read_text().splitlines():
            if "uses:" not in line:
                continue
            match = USES.match(line)
            assert match, f"{workflow.name}: unreadable uses line {line!r}"
            action, _, sha = match["ref"].partition("@")
            assert action in table, f"{action} is not in {PINNED_ACTIONS.name}"
            release, recorded = table[action]
            assert sha == recorded, f"{action}@{sha}: the table records {recorded}"
            assert match["comment"] == release, f"{action}: comment {match['comment']!r}"
            used.add(action)
    expected = {"actions/checkout", "astral-sh/setup-uv"}
    if answers["docker"]:
        expected |= {"docker/setup-buildx-action", "docker/build-push-action"}
    assert expected <= used


@pytest.mark.parametrize("docker", [True, False])
def test_workflow_reads_only_and_drops_checkout_credentials(copie: Any, docker: bool) -> None:
    project = render(copie, ci="github", docker=docker, python_version="3.12")
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        runs = [step["run"] for step in job["steps"] if "run" in step]
        if any("uv sync" in run for run in runs):
            assert "uv sync --locked" in runs, name
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
        extra = {k: v for k, v in job.get("permissions", {}).items() if v != "read"}
        # Only the image job writes (to the registry), and only packages.
        assert extra == ({"packages": "write"} if name == "image" else {}), name
    assert jobs["test"]["strategy"]["matrix"]["python-version"] == ["3.12", "3.13", "3.14"]
    assert ("image" in jobs) is docker
    if docker:
        build = next(s for s in jobs["image"]["steps"] if "build-push-action" in s.get("uses", ""))
        assert build["with"]["cache-from"] == "type=gha"

    updates = yaml.safe_load((project / ".github/dependabot.yml").read_text())["updates"]
    ecosystems = {update["package-ecosystem"] for update in updates}
    assert {"uv", "github-actions"} <= ecosystems
    assert ("docker" in ecosystems) is docker
    for update in updates:
        assert update["cooldown"]["default-days"] >= 7, update
        assert update["groups"], update


# --- Dockerfile -------------------------------------------------------------------------


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    parsed = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            parsed.append((keyword.upper(), rest.strip()))
    return parsed


def build_stage(dockerfile: str) -> list[tuple[str, str]]:
    """The instructions of the stage whose ``RUN`` installs the dependencies from the lock."""
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _instructions(dockerfile):
        if keyword == "FROM":
            stages.append([])
        elif stages:
            stages[-1].append((keyword, rest))
    found = [s for s in stages if any("--no-install-project" in r for k, r in s if k == "RUN")]
    assert len(found) == 1, "expected one stage with `uv sync ... --no-install-project`"
    return found[0]


def _env_pairs(arguments: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(arguments))


def replay_build_stage(project: Path, scratch: Path) -> list[list[str]]:
    """Replay the Dockerfile's build stage in ``scratch`` without a Docker engine.

    ``COPY`` lines copy from ``project`` (never ``--from`` another stage); ``RUN`` lines
    run with the stage's ``WORKDIR`` and ``UV_PROJECT_ENVIRONMENT`` mapped into
    ``scratch``. Returns the commands run; fails on the first one that fails.
    """
    stage = build_stage((project / "Dockerfile").read_text())
    env: dict[str, str] = {}
    workdir = "/"
    ran = []
    venv_path = ""
    for keyword, arguments in stage:
        if keyword == "ENV":
            env.update(_env_pairs(arguments))
            venv_path = env.get("UV_PROJECT_ENVIRONMENT", venv_path)
        elif keyword == "WORKDIR":
            workdir = arguments
        elif keyword == "COPY" and "--from=" not in arguments:
            *sources, _destination = [w for w in shlex.split(arguments) if not w.startswith("--")]
            for source in sources:
                origin = project / source
                assert origin.exists(), f"the Dockerfile copies {source}, which is missing"
                target = scratch / source.rstrip("/")
                if origin.is_dir():
                    shutil.copytree(origin, target)
                else:
                    shutil.copy2(origin, target)
        elif keyword == "RUN":
            words = [w for w in shlex.split(arguments) if not w.startswith("--mount=")]
            mapped = [_to_scratch(w, workdir, venv_path, scratch) for w in words]
            run_env = {**env, "UV_PROJECT_ENVIRONMENT": str(scratch / "venv")}
            if mapped[0] == "uv":
                uv(scratch, *mapped[1:], env=run_env)
            else:
                done = subprocess.run(
                    mapped,
                    cwd=scratch,
                    env=tool_env(run_env),
                    capture_output=True,
                    text=True,
                    timeout=UV_TIMEOUT,
                    check=False,
                )
                assert done.returncode == 0, f"{mapped}:\n{done.stdout}{done.stderr}"
            ran.append(mapped)
            if "--no-install-project" in mapped:
                _assert_dependencies_only(scratch)
    return ran


def _to_scratch(word: str, workdir: str, venv_path: str, scratch: Path) -> str:
    if venv_path and word.startswith(venv_path):
        return str(scratch / "venv") + word[len(venv_path) :]
    if word.startswith(workdir.rstrip("/") + "/"):
        return str(scratch) + word[len(workdir.rstrip("/")) :]
    return word


def _installed(scratch: Path) -> set[str]:
    site = next((scratch / "venv" / "lib").glob("python3*/site-packages"))
    return {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}


def _assert_dependencies_only(scratch: Path) -> None:
    """After the dependency layer: the runtime libraries, neither the project nor dev tools."""
    copied = {path.name for path in scratch.iterdir()} - {"venv", ".venv"}
    assert copied == {"pyproject.toml", "uv.lock"}, copied
    installed = _installed(scratch)
    assert {"pydantic", "pydantic_settings"} <= installed, installed
    assert not {"pytest", "ruff", "mypy", "deploy_probe"} & installed, installed


@pytest.mark.slow
@pytest.mark.parametrize(
    "answers",
    [
        {"framework": "fastapi", "ml": "scikit-learn", "database": "sqlite"},
        {"framework": "flask", "ml": "none", "database": "postgresql", "auth": "session"},
    ],
    ids=["fastapi-ml-sqlite", "flask-postgresql-session"],
)
def test_dockerfile_build_stage_replays_from_the_lock(
    copie: Any, answers: dict[str, Any], tmp_path: Path
) -> None:
    project = locked(render(copie, docker=True, **answers))
    scratch = tmp_path / "context"
    scratch.mkdir()
    ran = replay_build_stage(project, scratch)
    syncs = [command for command in ran if command[:2] == ["uv", "sync"]]
    assert len(syncs) == 2 and "--locked" in syncs[0] and "--no-dev" in syncs[0], syncs
    assert "deploy_probe" in _installed(scratch)
    # A regular install, not an editable one: the runtime image has no src/.
    site = next((scratch / "venv" / "lib").glob("python3*/site-packages"))
    assert (site / "deploy_probe" / "__init__.py").is_file(), "the project is installed editable"
    framework = answers["framework"]
    checked = subprocess.run(
        [str(scratch / "venv" / "bin" / "python"), "-c", f"import deploy_probe, {framework}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    if answers["ml"] != "none":
        assert (scratch / "models" / "model.skops").is_file(), "the build stage trains no model"


def test_dockerignore_keeps_secrets_and_local_state_out(copie: Any) -> None:
    project = render(copie, docker=True)
    ignored = set((project / ".dockerignore").read_text().splitlines())
    assert {".env", ".env.*", ".venv/", ".git/", "tests/"} <= ignored
    # What the build stage copies must not be ignored.
    for keyword, arguments in build_stage((project / "Dockerfile").read_text()):
        if keyword == "COPY" and "--from=" not in arguments:
            for source in shlex.split(arguments)[:-1]:
                assert source not in ignored and f"{source.rstrip('/')}/" not in ignored, source


# --- pre-commit --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "answers",
    [
        {"framework": "fastapi", "ci": "github", "kubernetes": True},
        {"framework": "flask", "ml": "none", "auth": "session", "ci": "gitlab"},
    ],
    ids=["fastapi", "flask"],
)
def test_pre_commit_passes_on_a_fresh_project(copie: Any, answers: dict[str, Any]) -> None:
    project = locked(render(copie, **answers))
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}, "a hook needs a git clone"
    for hook in hooks:
        # pre-commit 4.4 renamed these languages and stages; the old names still load.
        assert hook["language"] not in DEPRECATED_LANGUAGES, hook
        assert not set(hook.get("stages", ())) & DEPRECATED_STAGES, hook
        if hook["language"] == "python":
            assert all("==" in dep for dep in hook["additional_dependencies"]), hook
    assert not set(config.get("default_stages", ())) & DEPRECATED_STAGES
    # The project's environment as `uv sync` makes it (--all-extras: a `dev` extra counts too).
    uv(project, "sync", "--locked", "--all-extras", "--quiet")
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    path = os.pathsep.join([str(Path(_uv()).parent), os.environ.get("PATH", "")])
    done = subprocess.run(
        [str(Path(sys.executable).with_name("pre-commit")), "run", "--all-files", "--color=never"],
        cwd=project,
        env=tool_env(
            {
                "PATH": path,
                "PRE_COMMIT_HOME": str(REAL_HOME / ".cache" / "pre-commit"),
                "UV_PYTHON_DOWNLOADS": "never",
            }
        ),
        capture_output=True,
        text=True,
        timeout=UV_TIMEOUT,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "deprecated" not in output.lower(), output
    assert re.search(r"^mypy\.+Passed$", output, re.MULTILINE), output
    assert git(project, "diff", "--name-only") == "", "the hooks changed files"
