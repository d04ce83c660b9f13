"""Faults a production server of each framework must survive, on real processes.

The default project of each framework (``projects``, shared with test_served.py) is
started with ``python -m <package>`` in production mode on 127.0.0.1:

- SIGTERM in the middle of a bounded load run: every request sent before the signal
  is answered (slow uploads in flight included), and the process exits within its
  grace period (``GRACEFUL_TIMEOUT``), cutting a request that would outlast it;
- a model artifact that is missing, tampered with (its hash no longer matches) or
  corrupted: the server never becomes ready, and says why in one line naming the
  file (it never trains a model of its own in production).
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import Installed, Projects
from harness import http
from operations import started, train_model
from served import API, IRIS, trickled_post

pytestmark = [pytest.mark.slow, pytest.mark.serial]

FRAMEWORKS = ["fastapi", "flask"]
GRACE_SECONDS = 4
CONNECTIONS = 8
LOAD_BEFORE_SIGNAL = 1.5
LOAD_AFTER_SIGNAL = 1.0
#: A request sent this long before SIGTERM has surely reached the server (it may queue).
SENT_MARGIN = 0.3
#: Slow uploads in flight at SIGTERM: their bodies trickle in for this long.
IN_FLIGHT_SECONDS = 2.0


def _production(**extra: str) -> dict[str, str]:
    return {"ENVIRONMENT": "production", "SECRET_KEY": secrets.token_hex(32), **extra}


def _project(projects: Projects, framework: str) -> Installed:
    made = projects.get(framework)
    train_model(made.venv, made.project, made.package, _production())
    return made


@dataclass
class Sent:
    """One request of the load run: when it was sent, when it was answered, and how."""

    sent: float
    done: float
    failure: str | None


def _load(url: str, stop: threading.Event, results: list[Sent]) -> None:
    """Predict over one keep-alive connection until ``stop``; reconnect after a failure."""
    parts = urlsplit(url)
    body = json.dumps(IRIS).encode()
    headers = {"Content-Type": "application/json"}
    connection = HTTPConnection("127.0.0.1", parts.port, timeout=30)
    while not stop.is_set():
        sent = time.monotonic()
        try:
            connection.request("POST", parts.path, body, headers)
            response = connection.getresponse()
            answer = response.read()
            ok = response.status == 200 and b'"label"' in answer
            failure = None if ok else f"HTTP {response.status}: {answer[:200]!r}"
        except (OSError, HTTPException) as error:
            failure = f"{type(error).__name__}: {error}"
            connection.close()
            time.sleep(0.05)
        results.append(Sent(sent, time.monotonic(), failure))
    connection.close()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_sigterm_during_load_loses_no_accepted_request(framework: str, projects: Projects) -> None:
    made = _project(projects, framework)
    env = _production(WORKERS="2", GRACEFUL_TIMEOUT=str(GRACE_SECONDS))
    with started(made.venv, made.project, made.package, env) as server:
        server.wait_ready()
        url = f"{server.base}{API}/predict"
        stop = threading.Event()
        results: list[Sent] = []
        uploads: dict[str, tuple[int, bytes]] = {}
        payload = json.dumps(IRIS).encode()

        def upload(name: str, seconds: float) -> None:
            try:
                uploads[name] = trickled_post(url, payload, seconds)
            except (OSError, IndexError, ValueError) as error:  # cut: no (whole) answer
                uploads[name] = (0, repr(error).encode())

        clients = [
            threading.Thread(target=_load, args=(url, stop, results)) for _ in range(CONNECTIONS)
        ]
        slow = [
            threading.Thread(target=upload, args=(f"slow-{n}", IN_FLIGHT_SECONDS)) for n in (1, 2)
        ]
        endless = threading.Thread(target=upload, args=("endless", GRACE_SECONDS * 3))
        for thread in [*clients, *slow, endless]:
            thread.start()
        time.sleep(LOAD_BEFORE_SIGNAL)
        signalled = time.monotonic()
        server.terminate()
        time.sleep(LOAD_AFTER_SIGNAL)
        stop.set()
        status = server.exit_status(GRACE_SECONDS + 10)
        exited = time.monotonic() - signalled
        for thread in [*clients, *slow]:
            thread.join(timeout=30)
        endless.join(timeout=GRACE_SECONDS * 3 + 30)
        output = server.output()

    assert status is not None, f"still running {exited:.1f} s after SIGTERM:\n{output[-3000:]}"
    # Within the grace period, plus the time to start and join the worker processes.
    assert exited <= GRACE_SECONDS + 3, f"exited {exited:.1f} s after SIGTERM"
    accepted = [each for each in results if each.sent < signalled - SENT_MARGIN]
    failed = [each.failure for each in accepted if each.failure]
    assert len(accepted) > 50, f"only {len(accepted)} requests before the signal"
    assert not failed, f"{len(failed)} of {len(accepted)} accepted requests failed: {failed[:5]}"
    # The slow uploads were in flight at the signal and still got their predictions.
    for name in ("slow-1", "slow-2"):
        code, body = uploads[name]
        assert code == 200 and b'"label"' in body, (name, code, body[:300])
    # The one that would outlast the grace period was cut, not waited for.
    assert uploads["endless"][0] != 200, uploads["endless"]


def _damage(model: Path, target: Path, damage: str) -> None:
    """Put a model at ``target`` that is missing, tampered with, or corrupted."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if damage == "missing":
        return
    shutil.copyfile(model.with_suffix(".json"), target.with_suffix(".json"))
    data = model.read_bytes()
    if damage == "tampered":  # still a valid skops file, but not the one the metadata names
        target.write_bytes(data + b"\0")
    else:  # corrupted: cut in half
        target.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", ["missing", "tampered", "corrupted"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_bad_model_keeps_the_service_unready_with_one_line(
    framework: str, damage: str, projects: Projects, tmp_path: Path
) -> None:
    made = _project(projects, framework)
    target = tmp_path / "models" / "model.skops"
    _damage(made.project / "models" / "model.skops", target, damage)
    env = _production(MODEL_PATH=str(target))
    with started(made.venv, made.project, made.package, env) as server:
        deadline = time.monotonic() + 90
        ready = False
        while server.process.poll() is None and time.monotonic() < deadline and not ready:
            try:
                ready = http("GET", f"{server.base}/health/ready", timeout=2)[0] == 200
            except OSError:
                time.sleep(0.2)
        status = server.exit_status(5)
        output = server.output()
    assert not ready, output[-3000:]
    assert status not in {None, 0}, f"exit status {status}:\n{output[-3000:]}"
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines[-1].startswith(f"error: {target}: "), output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert not target.exists() or damage != "missing", "a production server trained a model"
