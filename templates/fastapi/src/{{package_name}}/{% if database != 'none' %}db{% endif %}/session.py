"""Engine and session factory for the configured ``DATABASE_URL``."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker


def create_db_engine(url: str) -> Engine:
    """Create the engine; connections open lazily, on first use."""
    if url.startswith("sqlite"):
        # Requests run in a thread pool: let SQLite connections cross threads.
        return create_engine(url, connect_args={"check_same_thread": False})
    return create_engine(url, pool_pre_ping=True)


def create_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the factory of request-scoped sessions."""
    return sessionmaker(engine, expire_on_commit=False)


def database_is_reachable(engine: Engine) -> bool:
    """Tell whether a trivial query succeeds (used by the readiness probe)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
