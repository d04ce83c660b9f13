"""Generated projects pass their own checks and serve requests, the day they are generated.

Each framework's default project is rendered by ``scaffold new``, installed into
a fresh virtual environment with its ``dev`` extra (once per run, shared with
test_served.py), and then judged by its own test suite, linters, type checker and
production server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Projects
from harness import Venv, http, lint_deploy_files, serving
from served import API, IRIS, VIRGINICA

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Generated:
    framework: str
    project: Path
    package: str
    venv: Venv


@pytest.fixture(scope="module", params=["fastapi", "flask"])
def generated(request: pytest.FixtureRequest, projects: Projects) -> Generated:
    made = projects.get(request.param)
    return Generated(made.framework, made.project, made.package, made.venv)


def test_own_test_suite_passes_with_its_coverage_gate(generated: Generated) -> None:
    result = generated.venv.run(generated.project, "pytest", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Required test coverage of 90" in result.stdout
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_ruff_lint_and_format_are_clean(generated: Generated) -> None:
    for command in (("ruff", "check", "."), ("ruff", "format", "--check", ".")):
        result = generated.venv.run(generated.project, *command)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


def test_mypy_strict_is_clean(generated: Generated) -> None:
    result = generated.venv.run(generated.project, "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_production_server_serves_health_and_predictions(
    generated: Generated, tmp_path: Path
) -> None:
    models = tmp_path / "models"  # not there yet: the server trains a model on start
    env = {"MODEL_PATH": str(models / "model.skops")}
    with serving(generated.venv, generated.project, generated.package, env) as base:
        status, _, body = http("GET", f"{base}/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        url = f"{base}{API}/predict"
        status, _, body = http("POST", url, IRIS)
        assert status == 200, body
        assert json.loads(body)["label"] == "setosa"
        status, _, body = http("POST", url, {"instances": [IRIS, VIRGINICA]})
        assert status == 200, body
        labels = [p["label"] for p in json.loads(body)["predictions"]]
        assert labels == ["setosa", "virginica"]
        status, _, body = http("POST", url, {**IRIS, "sepal_length": "long"})
        assert status == 422, body
        assert json.loads(body)["error"]["details"][0]["loc"] == ["body", "sepal_length"]
    # The estimator in a format made for it, its metadata beside it (not a pickle).
    assert (models / "model.skops").is_file()
    metadata = json.loads((models / "model.json").read_text())
    assert {"version", "features", "classes", "sha256"} <= set(metadata), metadata


def test_deploy_files_pass_their_linters(generated: Generated) -> None:
    assert (generated.project / "Dockerfile").is_file()
    assert (generated.project / ".github" / "workflows" / "ci.yml").is_file()
    failures = lint_deploy_files(generated.project)
    assert not failures, "\n\n".join(failures)
