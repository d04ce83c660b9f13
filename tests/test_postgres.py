"""With database=postgresql, each generated project's tests pass on a real PostgreSQL.

Needs a server: set SCAFFOLD_TEST_POSTGRES_URL to a URL of a role that may create
databases (``.ci/run`` starts Debian's PostgreSQL on 127.0.0.1 and sets it). Each
project gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from harness import Venv

pytestmark = pytest.mark.slow

SERVER = os.environ.get("SCAFFOLD_TEST_POSTGRES_URL", "")


def psql(url: str, sql: str) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    subprocess.run(["psql", "--quiet", "--no-psqlrc", plain, "-c", sql], check=True, timeout=60)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.mark.skipif(not SERVER, reason="SCAFFOLD_TEST_POSTGRES_URL is not set (see .ci/run)")
@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_project_tests_pass_on_a_real_postgresql(
    copie: Any, framework: str, tmp_path: Path
) -> None:
    result = copie.copy(
        extra_answers={"project_name": "Pg Probe", "framework": framework, "database": "postgresql"}
    )
    assert result.exit_code == 0, result.exception
    project: Path = result.project_dir
    venv = Venv.create(tmp_path / "venv")
    venv.install_editable(project)
    database = f"scaffold_{framework}_{secrets.token_hex(4)}"
    psql(SERVER, f"CREATE DATABASE {database}")
    try:
        url = with_database(SERVER, database)
        if not url.startswith("postgresql+psycopg://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        checked = venv.run(
            project, "pytest", "-q", "-p", "no:cacheprovider", env={"DATABASE_URL": url}
        )
        assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
        assert " passed" in checked.stdout
    finally:
        psql(SERVER, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
