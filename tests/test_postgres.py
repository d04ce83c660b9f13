"""With database=postgresql, each generated project works on a real PostgreSQL.

Needs a server: set SCAFFOLD_TEST_POSTGRES_URL to a URL of a role that may create
databases (``.ci/run`` starts Debian's PostgreSQL on 127.0.0.1 and sets it). Each
project gets a database of its own, dropped afterwards.

- The project's own tests pass with ``DATABASE_URL`` pointing at the server.
- Migrations take turns: while a test session holds the project's advisory lock, two
  migrators started at once both wait for it (``pg_locks`` shows them waiting), then
  both succeed once it is released.
"""

from __future__ import annotations

import subprocess
import time

import pytest
from conftest import Installed, Projects
from harness import POSTGRES_SERVER, fresh_postgres_database, tool_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not POSTGRES_SERVER, reason="SCAFFOLD_TEST_POSTGRES_URL is not set (see .ci/run)"
    ),
]

#: Holds the migration lock of the package named in argv[2] until its stdin closes.
HOLDER = """
import sys, psycopg
from {module} import {name} as key
connection = psycopg.connect(sys.argv[1], autocommit=True)
connection.execute("SELECT pg_advisory_lock(%s)", ({key_expression},))
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("ml", ["scikit-learn", "none"])
@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_project_tests_pass_on_a_real_postgresql(
    framework: str, ml: str, projects: Projects
) -> None:
    made = projects.get(framework, database="postgresql", ml=ml)  # shared with the matrix
    project, venv = made.project, made.venv
    with fresh_postgres_database(framework) as url:
        checked = venv.run(
            project, "pytest", "-q", "-p", "no:cacheprovider", env={"DATABASE_URL": url}
        )
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    assert " passed" in checked.stdout


def _psql(url: str, sql: str) -> str:
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    result = subprocess.run(
        ["psql", "--no-psqlrc", "-tA", plain, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.strip()


def _holder(made: Installed) -> str:
    package = made.package
    if made.framework == "fastapi":
        return HOLDER.format(
            module=f"{package}.db.migrate", name="MIGRATION_LOCK_KEY", key_expression="key"
        )
    return HOLDER.format(
        module=f"{package}.database", name="migration_lock_key", key_expression=f"key({package!r})"
    )


def _migrator(made: Installed) -> list[str]:
    if made.framework == "fastapi":
        return [str(made.venv.python), "-m", f"{made.package}.db.migrate"]
    return [str(made.venv.bin / "flask"), "--app", made.package, "db", "upgrade"]


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_concurrent_migrations_take_turns_on_postgresql(framework: str, projects: Projects) -> None:
    made = projects.get(framework, database="postgresql")
    with fresh_postgres_database(f"lock_{framework}") as url:
        plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
        env = tool_env({"DATABASE_URL": url, "ENVIRONMENT": "development"})
        holder = subprocess.Popen(
            [str(made.venv.python), "-c", _holder(made), plain],
            cwd=made.project,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        migrators: list[subprocess.Popen[str]] = []
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            migrators = [
                subprocess.Popen(
                    _migrator(made),
                    cwd=made.project,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                for _ in range(2)
            ]
            waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            deadline = time.monotonic() + 90
            while _psql(url, waiting) != "2":
                assert all(run.poll() is None for run in migrators), "a migrator did not wait"
                assert time.monotonic() < deadline, "the migrators never waited for the lock"
                time.sleep(0.2)
            assert _psql(url, "SELECT to_regclass('alembic_version') IS NULL") == "t"
        finally:
            holder.communicate(timeout=30)  # closes its stdin: the lock is released
        outputs = [run.communicate(timeout=120)[0] for run in migrators]
        assert [run.returncode for run in migrators] == [0, 0], outputs
        assert _psql(url, "SELECT count(*) FROM alembic_version") == "1"
