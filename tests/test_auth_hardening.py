"""Authentication under attack, on real production servers on 127.0.0.1.

Each generated project's own suite checks the mechanisms (the hasher runs for an
unknown user, a new session id at login, same-site redirects, the limit bites);
these tests check what only a served project shows: the time a refusal takes does
not tell which usernames exist, the JSON API of ``auth=session`` is closed to
anonymous callers (and writes nothing for them), and rate limits counted in a real
Redis hold across server workers.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import Installed, Projects
from harness import free_port
from served import API, IRIS, USER, Running, in_production, raw_request

pytestmark = [pytest.mark.slow]

#: Timed attempts per kind; the kinds alternate, so drift on a busy machine hits both.
ATTEMPTS = 15
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _timed(attempt: Callable[[], int], expected: int) -> float:
    started = time.perf_counter()
    status = attempt()
    elapsed = time.perf_counter() - started
    assert status == expected, f"answered {status}, expected {expected}"
    return elapsed


def _token_attempt(app: Running, username: str) -> Callable[[], int]:
    body = urlencode({"username": username, "password": "wrong-password"}).encode()
    return lambda: raw_request(f"{app.base}{API}/token", "POST", body, FORM)[0]


def _login_form_attempt(app: Running, username: str) -> Callable[[], int]:
    """POST the login form, with the cookie and CSRF token a real browser would have."""
    status, headers, page = raw_request(f"{app.base}/login", "GET", b"", {})
    assert status == 200, page[:300]
    cookie = headers["set-cookie"].split(";", 1)[0]
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, page[:500]
    fields = {"username": username, "password": "wrong-password"}
    body = urlencode(fields | {"csrf_token": match.group(1).decode()}).encode()
    headers = FORM | {"Cookie": cookie}
    return lambda: raw_request(f"{app.base}/login", "POST", body, headers)[0]


def _assert_same_work(known: Callable[[], int], unknown: Callable[[], int]) -> None:
    """Median times of a known user's wrong password and of an unknown user within 2x."""
    for attempt in (known, unknown):  # warm up: first requests pay imports and caches
        attempt()
    known_times, unknown_times = [], []
    for _ in range(ATTEMPTS):
        known_times.append(_timed(known, 401))
        unknown_times.append(_timed(unknown, 401))
    known_median = statistics.median(known_times)
    unknown_median = statistics.median(unknown_times)
    ratio = max(known_median, unknown_median) / min(known_median, unknown_median)
    report = f"known user {known_median * 1000:.1f} ms, unknown user {unknown_median * 1000:.1f} ms"
    assert ratio <= 2, f"refusals differ {ratio:.1f}x: {report}"


@pytest.mark.serial
@pytest.mark.parametrize(
    ("framework", "options", "endpoint"),
    [
        ("fastapi", {"auth": "oauth2", "database": "sqlite"}, "token"),
        ("flask", {"auth": "oauth2"}, "token"),
        ("flask", {"auth": "session"}, "login form"),
        ("flask", {"auth": "session"}, "token"),
    ],
    ids=["fastapi-sqlite-oauth2", "flask-oauth2", "flask-session-form", "flask-session-token"],
)
def test_refusals_take_as_long_for_unknown_users(
    projects: Projects, framework: str, options: dict[str, str], endpoint: str
) -> None:
    """Timing does not tell whether a username exists (user enumeration)."""
    installed = projects.get(framework, **options)
    attempt = _login_form_attempt if endpoint == "login form" else _token_attempt
    with in_production(installed, WORKERS="1") as app:
        _assert_same_work(attempt(app, USER), attempt(app, "nobody-by-this-name"))


def _prediction_rows(installed: Installed) -> int:
    with contextlib.closing(sqlite3.connect(installed.project / "served.db")) as connection:
        (count,) = connection.execute("SELECT count(*) FROM prediction_log").fetchone()
    return int(count)


def test_session_api_is_closed_to_anonymous_callers(projects: Projects) -> None:
    """auth=session: anonymous POST /predict is a 401 with a Bearer challenge and logs nothing."""
    installed = projects.get("flask", auth="session", database="sqlite")
    with in_production(installed) as app:
        before = _prediction_rows(installed)
        json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
        body = json.dumps(IRIS).encode()
        status, headers, answer = raw_request(
            f"{app.base}{API}/predict", "POST", body, json_headers
        )
        assert status == 401, answer[:300]
        assert headers.get("www-authenticate") == "Bearer", headers
        assert b'"code":"unauthorized"' in answer.replace(b" ", b""), answer[:300]
        assert _prediction_rows(installed) == before

        form = urlencode({"username": USER, "password": app.password}).encode()
        status, _, token = raw_request(f"{app.base}{API}/token", "POST", form, FORM)
        assert status == 200, token[:300]
        bearer = {"Authorization": f"Bearer {json.loads(token)['access_token']}"}
        status, _, answer = raw_request(
            f"{app.base}{API}/predict", "POST", body, json_headers | bearer
        )
        assert status == 200, answer[:300]
        # The log is written in the background: wait for the authorised row, then make
        # sure no second row (the anonymous request's) follows it.
        deadline = time.monotonic() + 15
        while _prediction_rows(installed) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        assert _prediction_rows(installed) == before + 1


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A private Debian ``redis-server`` on a free loopback port; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            assert process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not listen"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_rate_limit_holds_across_workers_with_redis(
    projects: Projects, framework: str, tmp_path: Path
) -> None:
    """Counted in Redis, the limit binds the client whichever of two workers answers."""
    installed = projects.get(framework, auth="oauth2")
    with (
        redis_server(tmp_path) as url,
        in_production(installed, WORKERS="2", LOGIN_RATE_LIMIT="4/minute", REDIS_URL=url) as app,
    ):
        # in_production fetched one token; three more tries use up the limit, on any worker.
        statuses = [_token_attempt(app, USER)() for _ in range(6)]
    assert statuses == [401, 401, 401, 429, 429, 429], statuses
