"""Every pair of template options gives a project that passes all of its own checks.

For each combination of the all-pairs set (see test_templates.py) the project is
rendered, installed with its ``dev`` extra into a fresh virtual environment, and
judged by its own pytest (with the coverage gate), ruff, ruff format and strict
mypy, and by the real linters of its deploy files: hadolint, kubernetes-validate,
and check-jsonschema's GitHub, GitLab and compose schemas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from harness import Venv, lint_deploy_files, own_check_failures
from test_templates import PAIRS, ids

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("combo", PAIRS, ids=ids)
def test_option_combination_passes_its_own_checks(
    copie: Any, combo: dict[str, Any], tmp_path: Path
) -> None:
    result = copie.copy(extra_answers={"project_name": "Matrix Probe", **combo})
    assert result.exit_code == 0, result.exception
    project: Path = result.project_dir
    venv = Venv.create(tmp_path / "venv")
    venv.install_editable(project)
    failures = own_check_failures(venv, project)
    failures += lint_deploy_files(project)
    assert not failures, "\n\n".join(failures)
    if combo["kubernetes"]:
        kustomization = yaml.safe_load((project / "deploy/k8s/kustomization.yaml").read_text())
        for resource in kustomization["resources"]:
            assert (project / "deploy" / "k8s" / resource).is_file(), resource
