"""Apply the Alembic migrations: ``python -m <package>.db.migrate`` or ``alembic upgrade head``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from alembic import command
from alembic.config import Config

from ..core.config import get_settings


def alembic_config(url: str) -> Config:
    """Alembic configuration for ``url``, using the migrations shipped inside the package."""
    config = Config()
    package = get_settings.__module__.split(".")[0]
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``."""
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
