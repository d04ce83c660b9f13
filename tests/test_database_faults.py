"""Generated projects against a real database: hostile input, long fuzzing, and an outage.

- Hostile input: a fixed set of values that PostgreSQL refuses or would truncate where
  SQLite takes them (NUL characters, half surrogate pairs, lengths beyond the columns,
  integers beyond 32 bits, NaN and infinities) is sent to a project served in
  production, on PostgreSQL and on SQLite, for both frameworks and both kinds of
  resource (predictions, items). Every answer is a 4xx with the contract's error
  body or a success that stored the value intact; never a 5xx, never a traceback.
- Fuzzing: each PostgreSQL combination gets a seeded schemathesis run with every
  check and the stateful phase, 30 seconds by default (``--fuzz-seconds 120`` for the
  long run that found the original 500).
- Outage (serial): the project reaches PostgreSQL through a TCP proxy (tcp_proxy.py)
  that the test cuts during a bounded load run, first refusing connections, then
  swallowing them; the shared PostgreSQL server keeps running. Predictions keep
  answering 200 (FastAPI's with a bearer token whose user lives in that database),
  items answer 503 ``unavailable`` within the timeouts, and after the
  proxy is restored everything works again, the prediction log included.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import Installed, Projects
from harness import POSTGRES_SERVER, fresh_postgres_database, http
from served import API, IRIS, Running, in_production, load, raw_request, run_schemathesis
from tcp_proxy import tcp_proxy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not POSTGRES_SERVER, reason="SCAFFOLD_TEST_POSTGRES_URL is not set (see .ci/run)"
    ),
]

FRAMEWORKS = ("fastapi", "flask")
MLS = ("scikit-learn", "none")
COMBINATIONS = [
    pytest.param(framework, database, ml, id=f"{framework}-{database}-{ml}")
    for framework in FRAMEWORKS
    for database in ("postgresql", "sqlite")
    for ml in MLS
]
POSTGRESQL_COMBINATIONS = [
    pytest.param(framework, ml, id=f"{framework}-{ml}") for framework in FRAMEWORKS for ml in MLS
]

#: The same cases in every run: a finding can be replayed.
FUZZ_SEED = 20261125
FUZZ_EXAMPLES = 100_000  # the time budget, not this, ends the run

#: The limits the templates promise (docs/api.md), written out here on purpose: the
#: test checks the generated projects against the contract, not against themselves.
MAX_INTEGER = 2_147_483_647
NAME_LENGTH = 100
DESCRIPTION_LENGTH = 1000

#: The outage run's timeouts (DATABASE_CONNECT_TIMEOUT; libpq's smallest is 2 s).
CONNECT_TIMEOUT = 2
#: Longest a request may take during the outage: a pool wait, a connect attempt, slack.
OUTAGE_BOUND = 2 * CONNECT_TIMEOUT + 3.0


def _installed(
    projects: Projects, framework: str, database: str, ml: str, auth: str = "none"
) -> Installed:
    return projects.get(framework, database=database, ml=ml, auth=auth)  # shared cache


def _send(base: str, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
    """One request with a raw JSON body; the status and the decoded answer."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    status, _, content = raw_request(f"{base}{path}", method, body or b"", headers)
    try:
        return status, json.loads(content)
    except ValueError:
        return status, content.decode("utf-8", "replace")


def _assert_refused(base: str, method: str, path: str, body: bytes | None = None) -> None:
    """The request answers 400 or 422 with the contract's error body."""
    status, answer = _send(base, method, path, body)
    assert status in (400, 422), f"{method} {path} {body!r:.80} answered {status}: {answer!r:.300}"
    assert answer["error"]["status"] == status, answer


def _items_hostile_input(base: str) -> None:
    items = f"{API}/items"
    for name in ['"nul\\u0000byte"', '"lone \\ud800 half"', '"\\udfff"', "NaN", "1e309"]:
        _assert_refused(base, "POST", items, b'{"name": %s}' % name.encode())
    for description in ['"\\u0000"', '"tail \\ud83d"', json.dumps("x" * (DESCRIPTION_LENGTH + 1))]:
        _assert_refused(
            base, "POST", items, b'{"name": "ok", "description": %s}' % description.encode()
        )
    _assert_refused(base, "POST", items, json.dumps({"name": "x" * (NAME_LENGTH + 1)}).encode())
    for path in [
        f"{items}/{MAX_INTEGER + 1}",
        f"{items}/{2**63}",
        f"{items}/99999999999999999999999",
        f"{items}/-1",
        f"{items}/NaN",
        f"{items}/1%00",
        f"{items}?offset=1000001",
        f"{items}?offset=-1",
        f"{items}?offset=NaN",
        f"{items}?offset=%00",
        f"{items}?limit={2**63}",
    ]:
        _assert_refused(base, "GET", path)
    # The largest values the contract allows are stored whole, not truncated.
    largest = {"name": "ü" * NAME_LENGTH, "description": "😀" * DESCRIPTION_LENGTH}
    status, created = _send(base, "POST", items, json.dumps(largest).encode())
    assert status == 201, created
    status, read = _send(base, "GET", f"{items}/{created['id']}")
    assert status == 200 and (read["name"], read["description"]) == tuple(largest.values())
    assert _send(base, "GET", f"{items}/{MAX_INTEGER}")[0] == 404
    assert _send(base, "GET", f"{items}?offset=1000000&limit=100") == (200, [])


def _predict_hostile_input(base: str) -> None:
    predict = f"{API}/predict"
    for value in ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", '"5\\u0000"', '"\\ud800"']:
        body = json.dumps(IRIS).replace("5.1", value, 1).encode()
        _assert_refused(base, "POST", predict, body)
        _assert_refused(base, "POST", predict, b'{"instances": [%s]}' % body)
    _assert_refused(base, "POST", predict, json.dumps({"instances": [IRIS] * 1001}).encode())
    _assert_refused(base, "POST", predict, json.dumps({**IRIS, "extra\u0000": 1}).encode())
    status, answer = _send(base, "POST", predict, json.dumps({"instances": [IRIS] * 1000}).encode())
    assert status == 200 and len(answer["predictions"]) == 1000, answer


@pytest.mark.parametrize(("framework", "database", "ml"), COMBINATIONS)
def test_hostile_input_answers_4xx_never_5xx(
    framework: str, database: str, ml: str, projects: Projects
) -> None:
    """Values PostgreSQL refuses or truncates answer 422 (or 400) on every database."""
    installed = _installed(projects, framework, database, ml)
    with in_production(installed) as running:
        if ml == "none":
            _items_hostile_input(running.base)
        else:
            _predict_hostile_input(running.base)
        assert http("GET", f"{running.base}/health")[0] == 200
    logs = "".join(path.read_text() for path in installed.project.glob("server-*.log"))
    assert "Traceback" not in logs[-200_000:], logs[-4000:]


@pytest.mark.parametrize(("framework", "ml"), POSTGRESQL_COMBINATIONS)
def test_postgresql_projects_survive_seeded_fuzzing(
    framework: str, ml: str, projects: Projects, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Schemathesis, every check and the stateful phase, on a real PostgreSQL."""
    seconds = int(request.config.getoption("--fuzz-seconds"))
    with in_production(_installed(projects, framework, "postgresql", ml)) as running:
        run_schemathesis(
            running.base, tmp_path, examples=FUZZ_EXAMPLES, seconds=seconds, seed=FUZZ_SEED
        )


# --- the outage ---------------------------------------------------------------------


def _through(proxy_port: int, url: str) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{proxy_port}"))


def _psql_count(url: str, table: str) -> int:
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    result = subprocess.run(
        ["psql", "--no-psqlrc", "-tA", plain, "-c", f"SELECT count(*) FROM {table}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return int(result.stdout.strip())


class Probe:
    """Requests one endpoint in a loop on a thread; records each status and duration."""

    def __init__(self, url: str, body: Any, headers: dict[str, str] | None = None) -> None:
        self.url, self.body, self.headers = url, body, headers or {}
        self.answers: list[tuple[int, float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            method = "GET" if self.body is None else "POST"
            started = time.monotonic()
            try:
                status, _, content = http(
                    method, self.url, self.body, timeout=30, headers=self.headers
                )
                code = json.loads(content)["error"]["code"] if status >= 400 else ""
            except OSError as error:
                status, code = 0, type(error).__name__
            self.answers.append((status, time.monotonic() - started, code))
            time.sleep(0.05)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def _wait_until(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"not within {seconds:.0f} s: {what}"
        time.sleep(0.25)


def _assert_readiness_as_designed(running: Running) -> None:
    started = time.monotonic()
    status = http("GET", f"{running.base}/health/ready", timeout=30)[0]
    assert time.monotonic() - started < OUTAGE_BOUND
    # Readiness is the process's own state: a database outage leaves every replica in service.
    assert status == 200


def _predictions_through_an_outage(running: Running, proxy: Any, direct_url: str) -> None:
    """Predictions answer 200 throughout; with ``auth=oauth2`` (FastAPI, users in the
    database) the bearer token a client fetched before the outage keeps working."""
    url = f"{running.base}{API}/predict"
    table = "prediction_logs" if running.framework == "fastapi" else "prediction_log"
    headers = running.auth_headers
    assert not load(url, IRIS, 40, 4, 30, headers=headers)
    _wait_until(lambda: _psql_count(direct_url, table) >= 40, 20, "the first log rows")
    for mode in ("refuse", "blackhole"):
        proxy.cut(mode)
        with Probe(url, IRIS, headers) as probe:
            errors = load(url, IRIS, 300, 8, 60, headers=headers)
            _assert_readiness_as_designed(running)
        assert not errors, f"{mode}: {len(errors)} failed predictions, first: {errors[:3]}"
        durations = sorted(seconds for _, seconds, _ in probe.answers)
        assert {status for status, _, _ in probe.answers} == {200}, probe.answers[:5]
        assert durations[-1] < OUTAGE_BOUND, f"{mode}: a prediction took {durations[-1]:.1f} s"
        assert durations[len(durations) // 2] < 1.0, f"{mode}: median {durations}"
    proxy.restore()
    before = _psql_count(direct_url, table)
    assert not load(url, IRIS, 40, 4, 30, headers=headers)
    _wait_until(
        lambda: _psql_count(direct_url, table) >= before + 40, 30, "log rows after recovery"
    )


def _items_through_an_outage(running: Running, proxy: Any) -> None:
    items = f"{running.base}{API}/items"
    assert not load(items, {"name": "before"}, 20, 2, 30, expect=b'"id"')
    for mode in ("refuse", "blackhole"):
        proxy.cut(mode)
        with Probe(items, {"name": "during"}) as writes, Probe(items, None) as reads:
            errors = load(f"{running.base}/health", None, 200, 4, 30, expect=b'"ok"')
            time.sleep(OUTAGE_BOUND)
            _assert_readiness_as_designed(running)
        assert not errors, f"{mode}: liveness failed: {errors[:3]}"
        answers = writes.answers + reads.answers
        assert answers, "no request finished during the outage"
        assert {(status, code) for status, _, code in answers} == {(503, "unavailable")}, answers
        slowest = max(seconds for _, seconds, _ in answers)
        assert slowest < OUTAGE_BOUND, f"{mode}: a request took {slowest:.1f} s"
    proxy.restore()
    _wait_until(
        lambda: http("POST", items, {"name": "after"}, timeout=30)[0] == 201, 30, "recovery"
    )
    assert not load(items, {"name": "after"}, 40, 4, 30, expect=b'"id"')


@pytest.mark.serial
@pytest.mark.parametrize(("framework", "ml"), POSTGRESQL_COMBINATIONS)
def test_a_postgresql_outage_fails_only_what_needs_the_database(
    framework: str, ml: str, projects: Projects
) -> None:
    """Cut the database off under load: bounded 503s where it is needed, 200s elsewhere."""
    # FastAPI keeps its users in the database under auth=oauth2: its predictions go
    # through a bearer check too, which must not need the database.
    auth = "oauth2" if framework == "fastapi" and ml != "none" else "none"
    installed = _installed(projects, framework, "postgresql", ml, auth)
    server = urlsplit(POSTGRES_SERVER)
    with (
        fresh_postgres_database("outage") as direct_url,
        tcp_proxy(server.hostname or "127.0.0.1", server.port or 5432) as proxy,
    ):
        env = {
            "DATABASE_URL": _through(proxy.port, direct_url),
            "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        }
        with in_production(installed, **env) as running:
            if ml == "none":
                _items_through_an_outage(running, proxy)
            else:
                _predictions_through_an_outage(running, proxy, direct_url)
