"""Engine and session factory for the configured ``DATABASE_URL``, and its outage answer."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..contract import UNAVAILABLE
from ..core.config import Settings, get_settings
from ..core.errors import error_response
from .engine import UNAVAILABLE_ERRORS, engine_options

logger = logging.getLogger(__name__)


def create_db_engine(url: str, settings: Settings | None = None) -> Engine:
    """Create the engine, its waits bounded by the ``DATABASE_*_TIMEOUT`` settings.

    Connections open lazily, on first use.
    """
    settings = settings or get_settings()
    options = engine_options(
        url,
        connect_timeout=settings.database_connect_timeout,
        statement_timeout_ms=settings.database_statement_timeout_ms,
    )
    return create_engine(url, **options)


def create_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the factory of request-scoped sessions."""
    return sessionmaker(engine, expire_on_commit=False)


def database_is_reachable(engine: Engine) -> bool:
    """Tell whether a trivial query succeeds."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """Answer 503 (code ``unavailable``) when the database cannot serve this request."""
    reason = (str(exc).strip().splitlines() or [""])[0]
    logger.warning("database unavailable: %s: %s", type(exc).__name__, reason)
    return error_response(
        503,
        message="The database is not available; try again shortly",
        request_id=getattr(request.state, "request_id", None),
        code=UNAVAILABLE,
    )


def install_database_error_handler(app: FastAPI) -> None:
    """Answer a database outage with 503 per request, never 500 and never a traceback."""
    for error in UNAVAILABLE_ERRORS:
        app.add_exception_handler(error, database_unavailable)
