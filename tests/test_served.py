"""Generated apps hold up when served for real: a browser, a fuzzer and a load run.

The default project of each framework (rendered and installed once per run, see
``projects`` in conftest.py) is started once per module with
``python -m <package>`` on 127.0.0.1 in production mode. Then, with bigger budgets
than test_matrix.py gives every option combination:

- headless Chromium (Debian's ``chromium``, driven by Playwright) opens the pages,
  both frameworks' Swagger UI at ``/docs`` among them, and screenshots them; no
  request may leave 127.0.0.1, fail, or break the Content Security Policy;
- schemathesis fuzzes each app's ``/openapi.json`` with every check, for a bounded
  number of examples and seconds;
- 2,000 predictions at concurrency 32 all succeed, and under Flask's gunicorn
  ``gthread`` workers slow requests do not hold up a fast one.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import PACKAGE, Projects
from harness import Venv, http, serving
from operations import train_model
from served import (
    API,
    IRIS,
    PageLog,
    assert_dev_server_serves_health,
    load,
    open_docs,
    predict_in_form,
    run_schemathesis,
    trickled_post,
)

pytestmark = pytest.mark.slow

# Bounds of the fuzzing and load runs.
SCHEMATHESIS_EXAMPLES = 100
SCHEMATHESIS_SECONDS = 30
LOAD_REQUESTS = 2000
LOAD_CONCURRENCY = 32
LOAD_SECONDS = 120.0
# The Flask app's gunicorn settings during the tests (the skeleton's defaults).
FLASK_WORKERS = 2
FLASK_THREADS = 4


@dataclass(frozen=True)
class Served:
    """A generated project, installed and answering on ``base``."""

    framework: str
    project: Path
    venv: Venv
    base: str

    @property
    def predict_url(self) -> str:
        return f"{self.base}{API}/predict"


def _production(**extra: str) -> dict[str, str]:
    return {"ENVIRONMENT": "production", "SECRET_KEY": secrets.token_hex(32), **extra}


@pytest.fixture(scope="module")
def fastapi_app(projects: Projects) -> Iterator[Served]:
    made = projects.get("fastapi")
    project, venv = made.project, made.venv
    env = _production()
    train_model(venv, project, PACKAGE, env)  # the deploy step: production never trains
    with serving(venv, project, PACKAGE, env) as base:
        yield Served("fastapi", project, venv, base)


@pytest.fixture(scope="module")
def flask_app(projects: Projects) -> Iterator[Served]:
    made = projects.get("flask")
    project, venv = made.project, made.venv
    env = _production(WORKERS=str(FLASK_WORKERS), THREADS=str(FLASK_THREADS))
    train_model(venv, project, PACKAGE, env)  # the deploy step: production never trains
    with serving(venv, project, PACKAGE, env) as base:
        yield Served("flask", project, venv, base)


# --- the browser -------------------------------------------------------------------------


def test_fastapi_swagger_ui_renders_offline(
    fastapi_app: Served, page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    """/docs shows Swagger UI with the API's operations; every request stays on 127.0.0.1."""
    browser_page, log = page
    url = f"{fastapi_app.base}/docs"
    shows = f"{API}/predict"
    open_docs(browser_page, log, url, ".swagger-ui .opblock", shows, tmp_path / "d.png")
    assert browser_page.locator(".swagger-ui .opblock").count() >= 2
    assert f"{fastapi_app.base}/openapi.json" in log.requests, log.requests


def test_fastapi_redoc_renders_offline(
    fastapi_app: Served, page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    """/redoc shows the API reference; every request stays on 127.0.0.1."""
    browser_page, log = page
    url = f"{fastapi_app.base}/redoc"
    open_docs(browser_page, log, url, ".api-content", f"{API}/predict", tmp_path / "r.png")


def test_flask_swagger_ui_renders_offline(
    flask_app: Served, page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    """/docs is an interactive Swagger UI under the site's CSP, everything from 127.0.0.1."""
    browser_page, log = page
    url = f"{flask_app.base}/docs"
    shows = f"{API}/predict"
    open_docs(browser_page, log, url, ".swagger-ui .opblock", shows, tmp_path / "d.png")
    assert browser_page.locator(".swagger-ui .opblock").count() >= 2
    assert f"{flask_app.base}/openapi.json" in log.requests, log.requests
    # Interactive: an operation opens and offers "Try it out".
    browser_page.locator(".opblock-summary").first.click()
    browser_page.wait_for_selector(".try-out__btn")
    log.assert_clean(browser_page)


def test_flask_form_predicts_in_a_real_browser(
    flask_app: Served, page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    """The form page loads under its CSP, and submitting it shows the predicted species."""
    browser_page, log = page
    browser_page.goto(f"{flask_app.base}/")
    assert browser_page.url == f"{flask_app.base}/"
    predict_in_form(browser_page, log, tmp_path / "form.png")


# --- schemathesis -------------------------------------------------------------------------


def test_fastapi_openapi_survives_schemathesis(fastapi_app: Served, tmp_path: Path) -> None:
    """Every check of schemathesis passes on the FastAPI app's own schema."""
    run_schemathesis(
        fastapi_app.base, tmp_path, examples=SCHEMATHESIS_EXAMPLES, seconds=SCHEMATHESIS_SECONDS
    )


def test_flask_openapi_survives_schemathesis(flask_app: Served, tmp_path: Path) -> None:
    """Every check of schemathesis passes on the Flask app's JSON API schema."""
    run_schemathesis(
        flask_app.base, tmp_path, examples=SCHEMATHESIS_EXAMPLES, seconds=SCHEMATHESIS_SECONDS
    )


# The JSON types a measurement must not arrive as; JSON Schema's "number" excludes them all.
WRONG_TYPES: list[Any] = [True, "5.1", None, [5.1], {"cm": 5.1}]


@pytest.mark.parametrize("app", ["fastapi_app", "flask_app"])
def test_predict_rejects_measurements_of_the_wrong_json_type(
    app: str, request: pytest.FixtureRequest
) -> None:
    """A measurement sent as a boolean, string, null, list or object is a 422, alone or in a batch.

    Schemathesis finds these only by chance within its time budget; this asks each one.
    """
    served: Served = request.getfixturevalue(app)
    accepted = []
    for name in IRIS:
        for value in WRONG_TYPES:
            flower = {**IRIS, name: value}
            for body in (flower, {"instances": [IRIS, flower]}):
                status, _, answer = http("POST", served.predict_url, body)
                if status != 422:
                    accepted.append(f"{json.dumps(body)} -> {status} {answer[:120]!r}")
    assert not accepted, f"{len(accepted)} wrong-typed bodies not refused: " + "\n".join(
        accepted[:8]
    )


# --- load ---------------------------------------------------------------------------------


@pytest.mark.serial
@pytest.mark.parametrize("app", ["fastapi_app", "flask_app"])
def test_predict_endpoint_takes_a_bounded_load_without_errors(
    app: str, request: pytest.FixtureRequest
) -> None:
    """2,000 predictions at concurrency 32 on loopback all answer 200 with a label."""
    served: Served = request.getfixturevalue(app)
    started = time.monotonic()
    errors = load(served.predict_url, IRIS, LOAD_REQUESTS, LOAD_CONCURRENCY, LOAD_SECONDS)
    elapsed = time.monotonic() - started
    assert not errors, f"{len(errors)} errors in {elapsed:.1f} s, first ones: {errors[:5]}"
    assert http("GET", f"{served.base}/health")[0] == 200


def _timed(call: Callable[[], tuple[int, dict[str, str], bytes]]) -> tuple[float, int]:
    started = time.monotonic()
    status = call()[0]
    return time.monotonic() - started, status


@pytest.mark.serial
def test_flask_slow_requests_do_not_stall_a_fast_one(flask_app: Served) -> None:
    """More slow uploads than gunicorn has workers, yet /health and predictions stay fast.

    Each slow request sends its JSON body over 4 s, holding one gthread thread the
    whole time. With one thread per worker (gunicorn's ``sync`` class) the fast
    requests would wait for them; with ``gthread`` they answer at once.
    """
    slow_seconds = 4.0
    slow_count = FLASK_WORKERS + 1  # more than the processes, fewer than all threads
    answers: list[tuple[int, bytes]] = []
    body = json.dumps(IRIS).encode()
    threads = [
        threading.Thread(
            target=lambda: answers.append(trickled_post(flask_app.predict_url, body, slow_seconds))
        )
        for _ in range(slow_count)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the slow requests are in, each on its own thread
    fast = [
        _timed(lambda: http("GET", f"{flask_app.base}/health", timeout=slow_seconds)),
        _timed(lambda: http("POST", flask_app.predict_url, IRIS, timeout=slow_seconds)),
        _timed(lambda: http("GET", f"{flask_app.base}/health/ready", timeout=slow_seconds)),
    ]
    fast_done = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=slow_seconds + 30)
    assert [status for _, status in fast] == [200, 200, 200], fast
    assert max(seconds for seconds, _ in fast) < 1.0, fast
    assert fast_done < slow_seconds, f"fast requests took until {fast_done:.2f} s"
    assert len(answers) == slow_count, answers
    for status, answer in answers:
        assert status == 200 and json.loads(answer)["label"] == "setosa", answer
    assert time.monotonic() - started >= slow_seconds  # they really were slow
    log = next(flask_app.project.glob("server-*.log")).read_text()
    assert "gthread" in log, log[-2000:]


def test_flask_development_server_serves_health(flask_app: Served) -> None:
    """``flask --app <package> run`` (Werkzeug's dev server) starts from the project root."""
    assert_dev_server_serves_health(flask_app.venv, flask_app.project, PACKAGE)
