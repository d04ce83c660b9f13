"""A private Redis server for tests: Debian's ``redis-server`` on a free loopback port.

Nothing is kept on disk (``--save ''``, no append-only file), and the server stops with
the test, or earlier when the test stops it to see how the app copes without it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from harness import free_port

START_TIMEOUT = 10.0


def _ping(port: int) -> bool:
    """Whether a Redis answers PING on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` process; ``url`` is its address, ``stop()`` ends it."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (Debian package redis-server)"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / f"redis-{self.port}.log"
        command = [
            binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(folder),
            "--logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while not _ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"redis-server did not start: {self._log_text()}")
            time.sleep(0.05)

    def _log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else "(no log)"

    def stop(self) -> None:
        """Stop the server (at once) and wait until its port refuses connections."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        assert not _ping(self.port)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    """Run a private Redis for the ``with`` block; stop it after, whatever happened."""
    server = RedisServer(folder)
    try:
        yield server
    finally:
        server.stop()
