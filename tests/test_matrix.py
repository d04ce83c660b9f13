"""Every pair of template options gives a project that passes its checks and serves.

For each combination of the all-pairs set (see test_templates.py), with
``python_version`` 3.11, 3.12 and 3.13 spread over its rows, ``scaffold new``
renders the project and makes its ``uv.lock``; ``uv sync --locked`` installs it from
that lock (proving the lock valid and complete) into its ``.venv`` on a real
interpreter of that version, and it is:

- judged by its own pytest (with the coverage gate), ruff, ruff format and strict
  mypy, run through ``uv run`` as its README says, and by the real linters of its
  deploy files: hadolint, kubernetes-validate, and check-jsonschema's GitHub, GitLab
  and compose schemas;
- started in production mode with ``python -m <package>`` on 127.0.0.1, with the
  accounts, secrets and database its options need (a fresh PostgreSQL database
  when ``database=postgresql``), then: its probes answer; headless Chromium opens
  its pages (logging in first with ``auth=session``) with no failed request, no
  CSP violation and nothing fetched from off the machine; schemathesis fuzzes its
  ``/openapi.json`` with every check (with a bearer token under ``auth=oauth2``);
  ``flask --app <package> run`` must serve ``/health``;
- in the serial pass (marked ``serial``: timing matters), 2,000 requests at
  concurrency 32 to its main endpoint all succeed, and under Flask's gunicorn
  ``gthread`` workers slow clients must not stall a fast request.

Each combination is rendered and installed once per run, in the ``projects`` cache
that test_generated, test_served and test_contract share (conftest.py). The
default projects get deeper runs in test_served.py.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import Installed, Projects
from harness import http, lint_deploy_files, own_check_failures
from served import (
    API,
    USER,
    PageLog,
    Running,
    assert_dev_server_serves_health,
    assert_slow_clients_do_not_stall_fast_ones,
    in_production,
    load,
    log_in_with_form,
    open_docs,
    predict_in_form,
    run_schemathesis,
)
from test_templates import PAIRS, ids

pytestmark = pytest.mark.slow

#: The Python versions the matrix installs on, spread over its rows (3.14 only in the
#: generated CI): each row keeps its options and gets one version, in turn.
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
MATRIX = [
    {**combo, "python_version": PYTHON_VERSIONS[index % len(PYTHON_VERSIONS)]}
    for index, combo in enumerate(PAIRS)
]
# One GitHub and one GitLab row also get the scheduled `scaffold check` job, so its
# workflow and its pipeline job go through the deploy-file linters (not row 0: that is
# the default project other tests share).
for _ci in ("github", "gitlab"):
    next(combo for combo in MATRIX[1:] if combo["ci"] == _ci)["template_check"] = True

SCHEMATHESIS_EXAMPLES = 25
SCHEMATHESIS_SECONDS = 10
LOAD_REQUESTS = 2000
LOAD_CONCURRENCY = 32
LOAD_SECONDS = 90.0


def installed(projects: Projects, combo: dict[str, Any]) -> Installed:
    """The combination from the run's shared cache (installed once, see conftest.py)."""
    options = {name: value for name, value in combo.items() if name != "framework"}
    return projects.get(combo["framework"], **options)


def test_the_matrix_spreads_every_python_version_over_both_frameworks() -> None:
    for framework in ("fastapi", "flask"):
        rows = [combo for combo in MATRIX if combo["framework"] == framework]
        assert {combo["python_version"] for combo in rows} == set(PYTHON_VERSIONS), framework


@pytest.mark.parametrize("combo", MATRIX, ids=ids)
def test_option_combination_passes_its_own_checks(
    combo: dict[str, Any], projects: Projects
) -> None:
    made = installed(projects, combo)
    project = made.project
    version = subprocess.run(
        [str(made.venv.python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == combo["python_version"], f".venv runs Python {version}"
    assert (project / ".python-version").read_text().strip() == combo["python_version"]
    failures = own_check_failures(made.venv, project)
    if combo.get("template_check"):  # the linters below saw the job
        ci = (project / ".github/workflows/template-check.yml", project / ".gitlab-ci.yml")
        assert any(path.is_file() and "scaffold check" in path.read_text() for path in ci)
    failures += lint_deploy_files(project)
    assert not failures, "\n\n".join(failures)
    if combo["kubernetes"]:
        kustomization = yaml.safe_load((project / "deploy/k8s/kustomization.yaml").read_text())
        for resource in kustomization["resources"]:
            assert (project / "deploy" / "k8s" / resource).is_file(), resource


@pytest.fixture
def running(combo: dict[str, Any], projects: Projects) -> Iterator[Running]:
    with in_production(installed(projects, combo)) as app:
        yield app


def _browse(app: Running, page: Any, log: PageLog, shots: Path) -> None:
    options = app.options
    shows = f"{API}/predict" if options["ml"] != "none" else f"{API}/items"
    if app.framework == "flask":
        if options["auth"] == "session":
            log_in_with_form(page, app.base, USER, app.password)
        else:
            page.goto(f"{app.base}/")
        if options["ml"] != "none":
            predict_in_form(page, log, shots / "form.png")
        else:
            assert page.locator("main").count() == 1, page.content()
            log.assert_clean(page)
    open_docs(page, log, f"{app.base}/docs", ".swagger-ui .opblock", shows, shots / "docs.png")


@pytest.mark.parametrize("combo", MATRIX, ids=ids)
def test_option_combination_serves_pages_and_survives_fuzzing(
    running: Running, page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    base = running.base
    status, _, body = http("GET", base + "/health")
    assert status == 200 and json.loads(body)["status"] == "ok", (status, body)
    status, _, body = http("GET", base + "/health/ready")
    checks = json.loads(body).get("checks", {})
    assert status == 200 and all(state == "ok" for state in checks.values()), (status, body)
    # Readiness is the process's own state: the database (shared by replicas) is not in it.
    expected = {"model"} if running.options["ml"] != "none" else set()
    assert expected <= set(checks) and "database" not in checks, body

    browser_page, log = page
    _browse(running, browser_page, log, tmp_path)

    run_schemathesis(
        base,
        tmp_path,
        examples=SCHEMATHESIS_EXAMPLES,
        seconds=SCHEMATHESIS_SECONDS,
        headers=running.auth_headers,
    )


@pytest.mark.serial
@pytest.mark.parametrize("combo", MATRIX, ids=ids)
def test_option_combination_takes_a_bounded_load(running: Running) -> None:
    base = running.base
    url, body, expect = running.main_endpoint
    assert urlsplit(url).hostname == "127.0.0.1"
    started = time.monotonic()
    errors = load(
        url,
        body,
        LOAD_REQUESTS,
        LOAD_CONCURRENCY,
        LOAD_SECONDS,
        expect=expect,
        headers=running.auth_headers,
    )
    elapsed = time.monotonic() - started
    assert not errors, f"{len(errors)} errors in {elapsed:.1f} s, first ones: {errors[:5]}"

    if running.framework == "flask":
        # More slow clients than gunicorn has worker processes (the skeleton's default 2).
        assert_slow_clients_do_not_stall_fast_ones(base, slow_clients=3)


@pytest.mark.parametrize(
    "combo", [combo for combo in MATRIX if combo["framework"] == "flask"], ids=ids
)
def test_flask_combination_development_server_serves_health(
    combo: dict[str, Any], projects: Projects
) -> None:
    made = installed(projects, combo)
    assert_dev_server_serves_health(made.venv, made.project, made.package)
