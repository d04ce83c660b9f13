"""How the app talks to its database: bounded waits, outage errors, one migration at a time.

Shared by every framework: the engine options that keep an unreachable database from
holding worker threads, the errors that mean "the database cannot answer now" (the
endpoints that need it answer 503 with them), and the lock that lets only one process
migrate the schema at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, exc, text

#: Errors that mean the database cannot answer now (down, unreachable, too slow, its
#: pool exhausted, its schema not migrated) rather than a bug in the request.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
)

#: The one character PostgreSQL text cannot hold (SQLite stores it).
NUL = "\x00"

#: Seconds a live TCP connection may stay silent before PostgreSQL's client probes it.
KEEPALIVE_IDLE_SECONDS = 10


def engine_options(url: str, *, connect_timeout: int, statement_timeout_ms: int) -> dict[str, Any]:
    """Keywords for ``create_engine`` that bound every wait on the database at ``url``.

    Args:
        url: The SQLAlchemy URL of the database.
        connect_timeout: Seconds to wait for a new connection, and for a free one in
            the pool (SQLite: for a lock held by another process).
        statement_timeout_ms: Milliseconds a PostgreSQL statement may run before the
            server cancels it.

    Returns:
        ``connect_args`` and pool settings for the URL's database.
    """
    if url.startswith("sqlite"):
        # Requests run in threads: let SQLite connections cross them. ``timeout`` is
        # SQLite's busy timeout, how long to wait for another process's write lock.
        return {"connect_args": {"check_same_thread": False, "timeout": connect_timeout}}
    connect_args: dict[str, Any] = {"connect_timeout": connect_timeout}
    if url.startswith("postgresql"):
        connect_args |= {
            "options": f"-c statement_timeout={statement_timeout_ms}",
            # A server that vanishes from the network is noticed in seconds, not in the
            # operating system's default of minutes to hours.
            "keepalives": 1,
            "keepalives_idle": KEEPALIVE_IDLE_SECONDS,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": connect_timeout * 1000,
        }
    # pre-ping: a connection the server dropped is replaced before a request uses it.
    return {"pool_pre_ping": True, "pool_timeout": connect_timeout, "connect_args": connect_args}


def is_storable(value: str, max_length: int) -> bool:
    """Whether ``value`` fits a ``VARCHAR(max_length)`` column of every database.

    PostgreSQL refuses NUL characters and text that is not valid UTF-8 (lone surrogates)
    where SQLite takes them; a query that merely looks such a value up fails there too.
    """
    if len(value) > max_length or NUL in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def migration_lock_key(name: str) -> int:
    """A fixed 64-bit advisory lock key for ``name`` (the package), the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def migration_lock(connection: Connection, key: int) -> Iterator[None]:
    """Hold a lock that only one migration at a time can take, across processes and hosts.

    PostgreSQL: a session advisory lock (``pg_advisory_lock(key)``), with no statement
    timeout while it is held; a second process waits for the first to finish, then
    finds the schema up to date. SQLite: an exclusive
    transaction around the whole upgrade, committed at the end. Other databases: no lock.
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # Waiting for the lock, and the DDL itself, may take longer than a request may.
        connection.execute(text("SET statement_timeout = 0"))
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.execute(text("RESET statement_timeout"))
            connection.commit()
    elif dialect == "sqlite":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
        try:
            yield
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    else:
        yield
