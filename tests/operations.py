"""Helpers that operate a generated project as its operator would: train, start, signal, stop.

``train_model`` is the deploy step a production server needs before it starts (it
never trains by itself). ``Started`` runs ``python -m <package>`` without waiting
for it to answer, so a test can watch a server that refuses to start, stop it with
SIGTERM in the middle of a load run, and time its exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness import Venv, free_port, http, tool_env

START_TIMEOUT = 90.0


def train_model(venv: Venv, project: Path, package: str, env: Mapping[str, str]) -> None:
    """``python -m <package> train`` unless the model ``env`` names exists (ml projects only)."""
    if not (project / "src" / package / "ml").is_dir():
        return
    path = Path(env.get("MODEL_PATH", "models/model.skops"))
    if (project / path).is_file():
        return
    trained = venv.run(project, "python", "-m", package, "train", env=env)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert (project / path).is_file(), trained.stdout


@dataclass
class Started:
    """``python -m <package>`` on 127.0.0.1 and a free port, in its own process group."""

    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until ``/health/ready`` answers 200; fail if the process exits first."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"server exited early:\n{self.output()}"
            with contextlib.suppress(OSError):
                if http("GET", f"{self.base}/health/ready", timeout=2)[0] == 200:
                    return
            assert time.monotonic() < deadline, f"server never became ready:\n{self.output()}"
            time.sleep(0.2)

    def exit_status(self, timeout: float) -> int | None:
        """The exit status within ``timeout`` seconds, or None if it is still running."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def terminate(self) -> None:
        """SIGTERM to the server's main process only, as an orchestrator sends it."""
        self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def started(venv: Venv, project: Path, package: str, env: Mapping[str, str]) -> Iterator[Started]:
    """Start the server; whatever happens, nothing of it is left running afterwards."""
    port = free_port()
    log = project / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(venv.python), "-m", package],
            cwd=project,
            env=tool_env({"HOST": "127.0.0.1", "PORT": str(port), **env}),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Started(process, f"http://127.0.0.1:{port}", log)
    try:
        yield server
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            if server.exit_status(20) is None:
                server.kill()
        log.unlink(missing_ok=True)
