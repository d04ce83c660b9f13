"""Apply the Alembic migrations: ``python -m <package>.db.migrate`` or ``alembic upgrade head``.

Run it once per deploy, before the new servers start (a Kubernetes Job, a compose
one-shot service). Several runs at once are safe: ``migrations/env.py`` holds
:func:`~.engine.migration_lock` (a PostgreSQL advisory lock keyed by
:data:`MIGRATION_LOCK_KEY`) for the whole upgrade, so they take turns, and the later
ones find the schema up to date.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from alembic import command
from alembic.config import Config

from ..core.config import get_settings
from .engine import migration_lock_key

#: This package's advisory lock: every process that migrates its database takes it.
MIGRATION_LOCK_KEY = migration_lock_key(get_settings.__module__.split(".")[0])


def alembic_config(url: str) -> Config:
    """Alembic configuration for ``url``, using the migrations shipped inside the package."""
    config = Config()
    package = get_settings.__module__.split(".")[0]
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``, one process at a time."""
    command.upgrade(alembic_config(url), revision)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    args = parser.parse_args(argv)
    upgrade(get_settings().database_url, args.revision)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
