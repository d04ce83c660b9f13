"""Helpers that treat a generated project as its user would: install, check, serve."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from conftest import REAL_HOME

#: A PostgreSQL URL of a role that may create databases (``.ci/run`` sets it), or "".
POSTGRES_SERVER = os.environ.get("SCAFFOLD_TEST_POSTGRES_URL", "")

INSTALL_TIMEOUT = 900
CHECK_TIMEOUT = 600
SERVER_START_TIMEOUT = 90.0


def _uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        raise RuntimeError("uv is not installed; install scaffold's test extra")
    return found


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for installs and checks: the user's real caches, no stray venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env.setdefault("UV_CACHE_DIR", str(REAL_HOME / ".cache" / "uv"))
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra or {})
    return env


@functools.cache
def interpreter(version: str) -> str:
    """The path of a real CPython ``version`` (``3.12``) on this machine: pyenv's, else PATH's."""
    candidates = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found = subprocess.run(
            ["pyenv", "which", f"python{version}"],
            env={**os.environ, "HOME": str(REAL_HOME), "PYENV_VERSION": version},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        candidates.append(found.stdout.strip())
    candidates.append(shutil.which(f"python{version}") or "")
    for candidate in filter(None, candidates):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            probe = [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
            answer = subprocess.run(probe, capture_output=True, text=True, timeout=60)
            if answer.stdout.strip() == version:
                return candidate
    raise RuntimeError(f"no Python {version} on this machine (pyenv install {version})")


def run_uv(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run scaffold's uv in ``project`` as its user would (``uv lock``, ``uv sync``)."""
    return subprocess.run(
        [_uv(), *args],
        cwd=project,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )


def sync_locked(project: Path, python: str) -> Venv:
    """``uv sync --locked`` in ``project``: its ``.venv`` from the ``uv.lock`` it holds."""
    assert (project / "uv.lock").is_file(), f"{project} has no uv.lock"
    subprocess.run(
        [_uv(), "sync", "--locked", "--quiet", "--no-progress", "--python", python],
        cwd=project,
        check=True,
        env=tool_env(),
        timeout=INSTALL_TIMEOUT,
    )
    return Venv(project / ".venv")


@dataclass(frozen=True)
class Venv:
    """A virtual environment a generated project is installed into."""

    path: Path

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @classmethod
    def create(cls, path: Path) -> Venv:
        subprocess.run(
            [_uv(), "venv", "--quiet", "--python", sys.executable, str(path)],
            check=True,
            env=tool_env(),
            timeout=INSTALL_TIMEOUT,
        )
        return cls(path)

    def install_editable(self, project: Path) -> None:
        """``pip install -e . --group dev`` (the README's way without uv), done by uv for speed.

        Unlike ``sync_locked`` it resolves afresh and ignores ``uv.lock``.
        """
        subprocess.run(
            [
                _uv(),
                "pip",
                "install",
                "--quiet",
                "--python",
                str(self.python),
                "-e",
                str(project),
                "--group",
                f"{project / 'pyproject.toml'}:dev",
            ],
            check=True,
            env=tool_env(),
            timeout=INSTALL_TIMEOUT,
        )

    def run(
        self,
        project: Path,
        *command: str,
        env: Mapping[str, str] | None = None,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run one of the venv's tools in the project, as the user would after activating."""
        path = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=project,
            env=tool_env({"PATH": path, "VIRTUAL_ENV": str(self.path), **(env or {})}),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            check=False,
        )


OWN_CHECKS: tuple[tuple[str, ...], ...] = (
    ("uv", "run", "pytest", "-q", "-p", "no:cacheprovider"),
    ("uv", "run", "ruff", "check", "."),
    ("uv", "run", "ruff", "format", "--check", "."),
    ("uv", "run", "mypy"),
)
"""A generated project's own checks, as its README tells its user to run them."""


def own_check_failures(venv: Venv, project: Path) -> list[str]:
    """Run the project's own checks through ``uv run`` in ``venv``; describe each failure.

    ``UV_LOCKED`` makes ``uv run`` refuse a ``uv.lock`` that no longer matches
    ``pyproject.toml`` instead of quietly locking again.
    """
    failures = []
    env = tool_env({"UV_LOCKED": "1", "UV_PROJECT_ENVIRONMENT": str(venv.path)})
    for command in OWN_CHECKS:
        assert command[0] == "uv"
        checked = subprocess.run(
            [_uv(), *command[1:]],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            check=False,
        )
        if checked.returncode != 0:
            output = f"{checked.stdout[-3000:]}{checked.stderr[-2000:]}"
            failures.append(f"{' '.join(command)}:\n{output}")
    return failures


TOOLS = Venv(Path(sys.executable).parent.parent)
"""scaffold's own environment, which holds the deploy-file linters."""


def lint_deploy_files(project: Path) -> list[str]:
    """Run each deploy file's linter; return the failures.

    hadolint (Dockerfile); check-jsonschema's builtin schemas for compose.yaml (the
    compose spec), GitHub workflows, dependabot.yml, .gitlab-ci.yml and renovate.json;
    zizmor at its default settings (offline) on the GitHub workflows and dependabot.yml;
    kubernetes-validate (strict) on the Kubernetes manifests.
    """
    failures = []
    checks: list[tuple[str, ...]] = []
    if (project / "Dockerfile").is_file():
        checks.append(("hadolint", "Dockerfile"))
    schemas = {
        "vendor.compose-spec": ["compose.yaml"],
        "vendor.github-workflows": sorted(
            str(path.relative_to(project))
            for pattern in ("*.yml", "*.yaml")
            for path in (project / ".github" / "workflows").glob(pattern)
        ),
        "vendor.dependabot": [".github/dependabot.yml"],
        "vendor.gitlab-ci": [".gitlab-ci.yml"],
        "vendor.renovate": ["renovate.json"],
    }
    for schema, names in schemas.items():
        present = [name for name in names if (project / name).is_file()]
        if present:
            checks.append(("check-jsonschema", "--builtin-schema", schema, *present))
    if (project / ".github").is_dir():
        checks.append(("zizmor", "--offline", "--no-progress", ".github"))
    k8s = project / "deploy" / "k8s"
    manifests = sorted(p for p in k8s.glob("*.yaml") if p.name != "kustomization.yaml")
    if manifests:
        checks.append(("kubernetes-validate", "--strict", *map(str, manifests)))
    for command in checks:
        result = TOOLS.run(project, *command)
        if result.returncode != 0:
            failures.append(f"{' '.join(command[:4])}: {result.stdout}{result.stderr}")
    return failures


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(
    method: str,
    url: str,
    body: Any = None,
    timeout: float = 10.0,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request; a JSON ``body`` unless it is ``bytes`` (sent as a form)."""
    if isinstance(body, bytes):
        data: bytes | None = body
        content_type = "application/x-www-form-urlencoded"
    else:
        data = None if body is None else json.dumps(body).encode()
        content_type = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextlib.contextmanager
def serving(
    venv: Venv, project: Path, package: str, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start ``python -m <package>`` on 127.0.0.1 and a free port; yield its base URL."""
    port = free_port()
    log = project / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(venv.python), "-m", package],
            cwd=project,
            env=tool_env({"HOST": "127.0.0.1", "PORT": str(port), **(env or {})}),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited early:\n{log.read_text()}")
            try:
                if http("GET", f"{base}/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not answer /health:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def psql(url: str, sql: str) -> None:
    """Run one SQL statement with Debian's ``psql``."""
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    subprocess.run(["psql", "--quiet", "--no-psqlrc", plain, "-c", sql], check=True, timeout=60)


@contextlib.contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """Create a database on ``POSTGRES_SERVER``; yield its SQLAlchemy URL; drop it after."""
    assert POSTGRES_SERVER, "SCAFFOLD_TEST_POSTGRES_URL is not set (see .ci/run)"
    name = f"scaffold_{prefix}_{secrets.token_hex(4)}"
    psql(POSTGRES_SERVER, f"CREATE DATABASE {name}")
    try:
        parts = urlsplit(POSTGRES_SERVER)
        url = urlunsplit(parts._replace(scheme="postgresql+psycopg", path=f"/{name}"))
        yield url
    finally:
        psql(POSTGRES_SERVER, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
