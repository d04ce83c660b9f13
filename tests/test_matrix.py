"""Every pair of template options gives a project that passes its checks and serves.

For each combination of the all-pairs set (see test_templates.py) the project is
rendered, installed with its ``dev`` extra into a fresh virtual environment, and:

- judged by its own pytest (with the coverage gate), ruff, ruff format and strict
  mypy, and by the real linters of its deploy files: hadolint, kubernetes-validate,
  and check-jsonschema's GitHub, GitLab and compose schemas;
- started in production mode with ``python -m <package>`` on 127.0.0.1, with the
  accounts, secrets and database its options need (a fresh PostgreSQL database
  when ``database=postgresql``), then: its probes answer; headless Chromium opens
  its pages (logging in first with ``auth=session``) with no failed request, no
  CSP violation and nothing fetched from off the machine; schemathesis fuzzes its
  ``/openapi.json`` with every check (with a bearer token under ``auth=oauth2``);
  and 2,000 requests at concurrency 32 to its main endpoint all succeed. Under
  Flask's gunicorn ``gthread`` workers, slow clients must not stall a fast request,
  and ``flask --app <package> run`` must serve ``/health``.

The default projects get deeper runs in test_served.py.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import yaml
from harness import (
    POSTGRES_SERVER,
    Venv,
    fresh_postgres_database,
    http,
    lint_deploy_files,
    own_check_failures,
    serving,
)
from served import (
    IRIS,
    PageLog,
    assert_dev_server_serves_health,
    assert_slow_clients_do_not_stall_fast_ones,
    load,
    log_in_with_form,
    open_docs,
    predict_in_form,
    run_schemathesis,
)
from test_templates import PAIRS, ids

pytestmark = pytest.mark.slow

PACKAGE = "matrix_probe"
USER = "tester"
SCHEMATHESIS_EXAMPLES = 25
SCHEMATHESIS_SECONDS = 10
LOAD_REQUESTS = 2000
LOAD_CONCURRENCY = 32
LOAD_SECONDS = 90.0


class Installs:
    """Each combination rendered and installed once, for both tests of this module.

    pytest-copie removes its output after each test, so the project is copied to a
    folder of the module's own before it is installed.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.done: dict[str, tuple[Path, Venv]] = {}

    def get(self, copie: Any, combo: dict[str, Any]) -> tuple[Path, Venv]:
        key = ids(combo)
        if key not in self.done:
            result = copie.copy(extra_answers={"project_name": "Matrix Probe", **combo})
            assert result.exit_code == 0, result.exception
            folder = self.root / f"combo-{len(self.done)}"
            project = folder / "matrix-probe"
            shutil.copytree(result.project_dir, project)
            venv = Venv.create(folder / "venv")
            venv.install_editable(project)
            self.done[key] = (project, venv)
        return self.done[key]


@pytest.fixture(scope="module")
def installs(tmp_path_factory: pytest.TempPathFactory) -> Installs:
    return Installs(tmp_path_factory.mktemp("matrix"))


@pytest.mark.parametrize("combo", PAIRS, ids=ids)
def test_option_combination_passes_its_own_checks(
    copie: Any, combo: dict[str, Any], installs: Installs
) -> None:
    project, venv = installs.get(copie, combo)
    failures = own_check_failures(venv, project)
    failures += lint_deploy_files(project)
    assert not failures, "\n\n".join(failures)
    if combo["kubernetes"]:
        kustomization = yaml.safe_load((project / "deploy/k8s/kustomization.yaml").read_text())
        for resource in kustomization["resources"]:
            assert (project / "deploy" / "k8s" / resource).is_file(), resource


@dataclass(frozen=True)
class Running:
    """A combination's app answering on ``base``, and how to act as its user."""

    combo: dict[str, Any]
    base: str
    password: str
    token: str | None

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @property
    def main_endpoint(self) -> tuple[str, Any, bytes]:
        """URL, JSON body (None for a GET) and a marker of success, for the load run."""
        fastapi = self.combo["framework"] == "fastapi"
        if self.combo["ml"] != "none":
            path = "/predict" if fastapi else "/api/predict"
            return self.base + path, IRIS, b'"label"'
        if fastapi:
            return self.base + "/items", {"name": "Widget"}, b'"id"'
        return self.base + "/api/info", None, b'"version"'


def _production_env(
    combo: dict[str, Any], venv: Venv, project: Path, password: str
) -> dict[str, str]:
    env = {"ENVIRONMENT": "production", "SECRET_KEY": secrets.token_hex(32)}
    if combo["framework"] == "flask" and combo["auth"] != "none":
        hashed = venv.run(
            project, "flask", "--app", PACKAGE, "hash-password", f"--password={password}"
        )
        assert hashed.returncode == 0, hashed.stdout + hashed.stderr
        env["AUTH_USERS"] = f"{USER}:{hashed.stdout.strip().splitlines()[-1]}"
    if (
        combo["framework"] == "fastapi"
        and combo["auth"] == "oauth2"
        and combo["database"] == "none"
    ):
        env |= {"ADMIN_USERNAME": USER, "ADMIN_PASSWORD": password}
    return env


@contextmanager
def _database(combo: dict[str, Any], project: Path) -> Iterator[dict[str, str]]:
    """The DATABASE_URL the combination runs on in production, if it has a database."""
    if combo["database"] == "none":
        yield {}
    elif combo["database"] == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{project / 'served.db'}"}
    else:
        if not POSTGRES_SERVER:
            pytest.skip("database=postgresql is served only with SCAFFOLD_TEST_POSTGRES_URL set")
        with fresh_postgres_database("matrix") as url:
            yield {"DATABASE_URL": url}


def _token(combo: dict[str, Any], base: str, password: str) -> str | None:
    if combo["auth"] != "oauth2":
        return None
    path = "/token" if combo["framework"] == "fastapi" else "/api/token"
    form = urlencode({"grant_type": "password", "username": USER, "password": password})
    status, _, body = http("POST", base + path, form.encode())
    assert status == 200, f"POST {path} answered {status}: {body[:300]!r}"
    token: str = json.loads(body)["access_token"]
    return token


@pytest.fixture
def running(copie: Any, combo: dict[str, Any], installs: Installs) -> Iterator[Running]:
    project, venv = installs.get(copie, combo)
    password = secrets.token_urlsafe(12)
    env = _production_env(combo, venv, project, password)
    with _database(combo, project) as database:
        if combo["framework"] == "fastapi" and combo["auth"] == "oauth2" and database:
            added = _add_database_user(venv, project, password, {**env, **database})
            assert added.returncode == 0, added.stdout + added.stderr
        with serving(venv, project, PACKAGE, {**env, **database}) as base:
            yield Running(combo, base, password, _token(combo, base, password))


def _add_database_user(
    venv: Venv, project: Path, password: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``python -m <package>.db.users tester --password-stdin``, as an operator would."""
    return venv.run(
        project,
        "python",
        "-m",
        f"{PACKAGE}.db.users",
        USER,
        "--password-stdin",
        env=env,
        stdin=password + "\n",
    )


def _browse(app: Running, page: Any, log: PageLog, shots: Path) -> None:
    combo = app.combo
    if combo["framework"] == "fastapi":
        shows = "/predict" if combo["ml"] != "none" else "/items"
        open_docs(page, log, f"{app.base}/docs", ".swagger-ui .opblock", shows, shots / "docs.png")
        return
    if combo["auth"] == "session":
        log_in_with_form(page, app.base, USER, app.password)
    else:
        page.goto(f"{app.base}/")
    if combo["ml"] != "none":
        predict_in_form(page, log, shots / "form.png")
    else:
        assert page.locator("main").count() == 1, page.content()
        log.assert_clean(page)
    shows = "/api/predict" if combo["ml"] != "none" else "/api/info"
    open_docs(page, log, f"{app.base}/docs", "main, .swagger-ui", shows, shots / "docs.png")


@pytest.mark.parametrize("combo", PAIRS, ids=ids)
def test_option_combination_serves_pages_fuzzing_and_load(
    running: Running, page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    base = running.base
    status, _, body = http("GET", base + "/health")
    assert status == 200 and json.loads(body)["status"] == "ok", (status, body)
    status, _, body = http("GET", base + "/health/ready")
    checks = json.loads(body).get("checks", {})
    assert status == 200 and all(state == "ok" for state in checks.values()), (status, body)
    expected = {"model"} if running.combo["ml"] != "none" else set()
    if running.combo["database"] != "none":
        expected.add("database")
    assert expected <= set(checks), body

    browser_page, log = page
    _browse(running, browser_page, log, tmp_path)

    run_schemathesis(
        base,
        tmp_path,
        examples=SCHEMATHESIS_EXAMPLES,
        seconds=SCHEMATHESIS_SECONDS,
        headers=running.auth_headers,
    )

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

    if running.combo["framework"] == "flask":
        # More slow clients than gunicorn has worker processes (the skeleton's default 2).
        assert_slow_clients_do_not_stall_fast_ones(base, slow_clients=3)


@pytest.mark.parametrize(
    "combo", [combo for combo in PAIRS if combo["framework"] == "flask"], ids=ids
)
def test_flask_combination_development_server_serves_health(
    copie: Any, combo: dict[str, Any], installs: Installs
) -> None:
    project, venv = installs.get(copie, combo)
    assert_dev_server_serves_health(venv, project, PACKAGE)
