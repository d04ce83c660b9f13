"""With database=postgresql, each generated project's tests pass on a real PostgreSQL.

Needs a server: set SCAFFOLD_TEST_POSTGRES_URL to a URL of a role that may create
databases (``.ci/run`` starts Debian's PostgreSQL on 127.0.0.1 and sets it). Each
project gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import pytest
from conftest import Projects
from harness import POSTGRES_SERVER, fresh_postgres_database

pytestmark = pytest.mark.slow


@pytest.mark.skipif(
    not POSTGRES_SERVER, reason="SCAFFOLD_TEST_POSTGRES_URL is not set (see .ci/run)"
)
@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_project_tests_pass_on_a_real_postgresql(framework: str, projects: Projects) -> None:
    made = projects.get(framework, database="postgresql")  # shared with the matrix
    project, venv = made.project, made.venv
    with fresh_postgres_database(framework) as url:
        checked = venv.run(
            project, "pytest", "-q", "-p", "no:cacheprovider", env={"DATABASE_URL": url}
        )
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    assert " passed" in checked.stdout
