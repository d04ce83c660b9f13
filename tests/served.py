"""Helpers for exercising a generated app that is being served: browser, fuzzer, load.

Used by test_served.py (the default projects, in depth), test_matrix.py (every
option combination) and test_contract.py (the HTTP contract). ``in_production``
starts a project the way its operator would, with the accounts, secrets and
database its options need. The browser fixtures live in conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from conftest import Installed
from harness import (
    POSTGRES_SERVER,
    Venv,
    free_port,
    fresh_postgres_database,
    http,
    serving,
    tool_env,
)
from operations import train_model

IRIS = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIRGINICA = {"sepal_length": 7.7, "sepal_width": 3.0, "petal_length": 6.7, "petal_width": 2.3}
API = "/api/v1"
USER = "tester"
VIEWPORT = {"width": 1280, "height": 800}
# Records CSP violations the page reports, in case a browser stops logging them.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class PageLog:
    """Everything a page did on the network and in its console."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "requestfailed",
            lambda request: self.failures.append(f"{request.url}: {request.failure}"),
        )
        page.on(
            "response",
            lambda response: (
                self.failures.append(f"{response.url}: HTTP {response.status}")
                if response.status >= 400
                else None
            ),
        )
        page.on(
            "console",
            lambda message: (
                self.console.append(f"{message.type}: {message.text}")
                if message.type in {"error", "warning"}
                else None
            ),
        )
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def assert_clean(self, page: Any) -> None:
        """Only 127.0.0.1 was asked, nothing failed, nothing was logged as a problem."""
        outside = [url for url in self.requests if not on_loopback(url)]
        assert not outside, f"requests left the machine: {outside}"
        assert not self.failures, f"failed requests: {self.failures}"
        violations = page.evaluate("window.__cspViolations || []")
        assert not violations, f"CSP violations: {violations}"
        assert not self.console, f"console errors or warnings: {self.console}"


def on_loopback(url: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme == "blob":  # blob:http://127.0.0.1:8000/<uuid>
        return on_loopback(url.removeprefix("blob:"))
    return scheme in {"data", "about"} or urlsplit(url).hostname == "127.0.0.1"


def assert_png_screenshot(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    # A blank or error page compresses to a few kilobytes; rendered docs do not.
    assert len(data) > 15_000, f"screenshot is suspiciously small ({len(data)} bytes)"


def open_docs(page: Any, log: PageLog, url: str, ready: str, shows: str, screenshot: Path) -> None:
    """Open a docs page, wait for ``ready`` and the text ``shows``, then judge the visit."""
    status, _, body = http("GET", url)
    assert status == 200, f"GET {url} answered {status}: {body[:200]!r}"
    page.goto(url)
    page.wait_for_selector(ready)
    # Swagger UI puts zero-width spaces into paths so that they wrap.
    page.wait_for_function(
        "(text) => document.body.innerText.replaceAll('\\u200b', '').includes(text)", arg=shows
    )
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot))
    assert_png_screenshot(screenshot)
    log.assert_clean(page)


def log_in_with_form(page: Any, base: str, user: str, password: str) -> None:
    """Open ``/``, get sent to the login form, log in, and land back on ``/``."""
    page.goto(f"{base}/")
    assert urlsplit(page.url).path == "/login", page.url
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    assert page.url == f"{base}/", page.content()


def predict_in_form(page: Any, log: PageLog, screenshot: Path) -> None:
    """Fill in the prediction form on the current page, submit it, and see setosa."""
    for name, value in IRIS.items():
        page.fill(f"input[name={name}]", str(value))
    with page.expect_navigation():
        page.locator("form:has(input[name=sepal_length]) [type=submit]").click()
    assert page.locator("#prediction").inner_text().strip() == "setosa", page.content()
    page.screenshot(path=str(screenshot))
    assert_png_screenshot(screenshot)
    log.assert_clean(page)


def run_schemathesis(
    base: str,
    workdir: Path,
    *,
    examples: int,
    seconds: int,
    headers: dict[str, str] | None = None,
    seed: int | None = None,
) -> None:
    """Fuzz ``base``'s own ``/openapi.json`` with every check; fail on any finding.

    A ``seed`` makes the run reproducible (the same cases in the same order).
    """
    status, _, body = http("GET", f"{base}/openapi.json")
    assert status == 200, f"GET /openapi.json answered {status}: {body[:200]!r}"
    st = Path(sys.executable).with_name("st")
    assert st.exists(), "schemathesis is not installed; install scaffold's test extra"
    command = [
        str(st),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--max-time",
        str(seconds),
        "--request-timeout",
        "10",
        "--workers",
        "2",
        "--generation-database",
        "none",
        "--no-color",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    if seed is not None:
        command += ["--seed", str(seed)]
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=seconds + 90, check=False
    )
    output = result.stdout + result.stderr
    report = output[output.find("FAILURES") :][:8000] if "FAILURES" in output else output[-8000:]
    assert result.returncode == 0, f"schemathesis found problems:\n{report}"
    # A clean run says "No issues found", or, when it has warnings (say, a token endpoint
    # that refuses most generated credentials), "N generated, N passed".
    cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    passed_all = cases is not None and cases.group(1) == cases.group(2) != "0"
    assert "No issues found" in result.stdout or passed_all, report


def load(
    url: str,
    body: Any,
    total: int,
    concurrency: int,
    seconds: float,
    *,
    expect: bytes = b'"label"',
    headers: dict[str, str] | None = None,
) -> list[str]:
    """POST ``body`` (or GET, when it is None) ``total`` times over keep-alive connections.

    Returns one line per request that did not answer 2xx with ``expect`` in its body,
    plus one for every request left unsent when ``seconds`` ran out.
    """
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    method = "GET" if body is None else "POST"
    payload = None if body is None else json.dumps(body).encode()
    sent_headers = {"Content-Type": "application/json", **(headers or {})}
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    remaining = [total]
    errors: list[str] = []

    def take() -> bool:
        with lock:
            if remaining[0] == 0 or time.monotonic() > deadline:
                return False
            remaining[0] -= 1
            return True

    def worker() -> None:
        connection = HTTPConnection("127.0.0.1", parts.port, timeout=30)
        try:
            while take():
                try:
                    connection.request(method, parts.path, payload, sent_headers)
                    response = connection.getresponse()
                    answer = response.read()
                    if not 200 <= response.status < 300 or expect not in answer:
                        errors.append(f"HTTP {response.status}: {answer[:200]!r}")
                except (OSError, HTTPException) as error:
                    errors.append(f"{type(error).__name__}: {error}")
                    connection.close()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    if remaining[0]:
        errors.append(f"{remaining[0]} of {total} requests not sent within {seconds:.0f} s")
    return errors


def _trickle(url: str, at_once: bytes, slowly: bytes, seconds: float) -> tuple[int, bytes]:
    """Send ``at_once``, then ``slowly`` a few bytes at a time over ``seconds``.

    A slow client like this holds one of the server's threads the whole time.
    Returns the answer's status and body.
    """
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    pieces = [slowly[i : i + 4] for i in range(0, len(slowly), 4)]
    with socket.create_connection(("127.0.0.1", parts.port), timeout=seconds + 30) as sock:
        sock.sendall(at_once)
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(seconds / len(pieces))
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1]), response.partition(b"\r\n\r\n")[2]


def trickled_get(url: str, seconds: float) -> tuple[int, bytes]:
    """GET ``url``, its request line and headers trickled over ``seconds``."""
    parts = urlsplit(url)
    head = f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    return _trickle(url, b"", head.encode(), seconds)


def trickled_post(url: str, body: bytes, seconds: float) -> tuple[int, bytes]:
    """POST the JSON ``body`` to ``url``: headers at once, the body trickled over ``seconds``."""
    parts = urlsplit(url)
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return _trickle(url, head.encode(), body, seconds)


def assert_slow_clients_do_not_stall_fast_ones(base: str, slow_clients: int) -> None:
    """``slow_clients`` trickled requests are in flight, yet /health answers at once."""
    slow_seconds = 4.0
    answers: list[tuple[int, bytes]] = []
    threads = [
        threading.Thread(
            target=lambda: answers.append(trickled_get(f"{base}/health", slow_seconds))
        )
        for _ in range(slow_clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every slow request holds a thread by now
    fast = []
    for _ in range(3):
        asked = time.monotonic()
        status = http("GET", f"{base}/health", timeout=slow_seconds)[0]
        fast.append((status, time.monotonic() - asked))
    fast_done = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=slow_seconds + 30)
    assert [status for status, _ in fast] == [200, 200, 200], fast
    assert max(seconds for _, seconds in fast) < 1.0, fast
    assert fast_done < slow_seconds, f"fast requests took until {fast_done:.2f} s"
    assert sorted(status for status, _ in answers) == [200] * slow_clients, answers
    assert time.monotonic() - started >= slow_seconds  # they really were slow


def assert_dev_server_serves_health(venv: Venv, project: Path, package: str) -> None:
    """``flask --app <package> run`` (Werkzeug's dev server) starts from the project root."""
    port = free_port()
    command = [str(venv.bin / "flask"), "--app", package, "run", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=project,
        env=tool_env({"PATH": f"{venv.bin}:/usr/bin:/bin"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                status, _, body = http("GET", f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the development server did not answer"
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["status"] == "ok"
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "Running on http://127.0.0.1" in output


# --- a project served in production ----------------------------------------------------


@dataclass(frozen=True)
class Running:
    """An installed project answering on ``base`` in production, and how to act as its user."""

    installed: Installed
    base: str
    password: str
    token: str | None

    @property
    def framework(self) -> str:
        return self.installed.framework

    @property
    def options(self) -> dict[str, Any]:
        return self.installed.options

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @property
    def main_endpoint(self) -> tuple[str, Any, bytes]:
        """URL, JSON body (None for a GET) and a marker of success, for load runs."""
        if self.options["ml"] != "none":
            return f"{self.base}{API}/predict", IRIS, b'"label"'
        return f"{self.base}{API}/items", {"name": "Widget"}, b'"id"'


def flask_password_hash(installed: Installed, password: str) -> str:
    """``flask hash-password``: the hash an operator puts in ``AUTH_USERS``."""
    hashed = installed.venv.run(
        installed.project,
        "flask",
        "--app",
        installed.package,
        "hash-password",
        f"--password={password}",
    )
    assert hashed.returncode == 0, hashed.stdout + hashed.stderr
    return str(hashed.stdout.strip().splitlines()[-1])


def _production_env(installed: Installed, password: str) -> dict[str, str]:
    env = {"ENVIRONMENT": "production", "SECRET_KEY": secrets.token_hex(32)}
    # Fuzzers and load runs ask for tokens often; the contract tests pass the real limit.
    env["LOGIN_RATE_LIMIT"] = "10000/minute"
    framework, auth, database = installed.framework, installed["auth"], installed["database"]
    if framework == "flask" and auth != "none":
        env["AUTH_USERS"] = f"{USER}:{flask_password_hash(installed, password)}"
    if framework == "fastapi" and auth == "oauth2" and database == "none":
        env |= {"ADMIN_USERNAME": USER, "ADMIN_PASSWORD": password}
    if auth != "none":
        # One process: several need a shared REDIS_URL (test_shared_state serves that way).
        env["WORKERS"] = "1"
    return env


@contextlib.contextmanager
def _database(installed: Installed) -> Iterator[dict[str, str]]:
    """The DATABASE_URL the project runs on in production, if it has a database."""
    if installed["database"] == "none":
        yield {}
    elif installed["database"] == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{installed.project / 'served.db'}"}
    else:
        if not POSTGRES_SERVER:
            pytest.skip("database=postgresql is served only with SCAFFOLD_TEST_POSTGRES_URL set")
        with fresh_postgres_database("served") as url:
            yield {"DATABASE_URL": url}


def _add_database_user(installed: Installed, password: str, env: Mapping[str, str]) -> None:
    """``python -m <package>.db.users tester --password-stdin``, as an operator would."""
    added = installed.venv.run(
        installed.project,
        "python",
        "-m",
        f"{installed.package}.db.users",
        USER,
        "--password-stdin",
        env=env,
        stdin=password + "\n",
    )
    assert added.returncode == 0, added.stdout + added.stderr


def fetch_token(base: str, password: str) -> str:
    """The OAuth2 password flow at ``/api/v1/token``."""
    form = urlencode({"grant_type": "password", "username": USER, "password": password})
    status, _, body = http("POST", f"{base}{API}/token", form.encode())
    assert status == 200, f"POST {API}/token answered {status}: {body[:300]!r}"
    token: str = json.loads(body)["access_token"]
    return token


@contextlib.contextmanager
def in_production(
    installed: Installed, *, password: str | None = None, **extra_env: str
) -> Iterator[Running]:
    """Serve ``installed`` with ``python -m <package>`` in production mode on 127.0.0.1.

    The operator's part is done first: a secret key, the user ``tester`` with a
    random password (``AUTH_USERS`` for Flask, ``ADMIN_*`` or the users command for
    FastAPI), and a database (a fresh PostgreSQL one for ``database=postgresql``).
    ``password`` is the one the caller's own ``AUTH_USERS`` in ``extra_env`` holds, if any.
    """
    password = password or secrets.token_urlsafe(12)
    env = _production_env(installed, password)
    with _database(installed) as database:
        env |= database
        if installed.framework == "fastapi" and installed["auth"] == "oauth2" and database:
            _add_database_user(installed, password, env | extra_env)  # the one it serves on
        # The deploy step: a production server never trains a model by itself.
        train_model(installed.venv, installed.project, installed.package, env | extra_env)
        with serving(installed.venv, installed.project, installed.package, env | extra_env) as base:
            token = fetch_token(base, password) if installed["auth"] != "none" else None
            yield Running(installed, base, password, token)


# --- raw requests ----------------------------------------------------------------------


def raw_request(
    url: str,
    method: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    early_answer: bool = False,
    timeout: float = 30.0,
) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection; redirects are not followed; header names lower case.

    With ``early_answer`` (a body the server may refuse before reading it, a 413)
    the head goes first; if the server answers within half a second the body is
    not sent at all, otherwise it follows. Either way the answer is read back.
    """
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    head = f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        answered = early_answer and select.select([sock], [], [], 0.5)[0]
        if not answered:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(body)
        response = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                response += chunk
    head_bytes, _, content = response.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    answer_headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        answer_headers[name.strip().lower()] = value.strip()
    if answer_headers.get("transfer-encoding") == "chunked":
        content = _unchunk(content)
    return status, answer_headers, content


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out
