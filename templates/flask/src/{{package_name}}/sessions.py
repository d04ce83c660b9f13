"""Server-side sessions opened lazily: the store is read only when a view uses the session.

Flask opens the session of every request before the view runs. With Flask-Session that
is one round trip to the store (Redis) per request that carries a cookie: probes, static
files and API calls would all pay it, and all fail when the store is down. Here the
session is a stand-in that loads the real one on first use, so only the pages and forms
that read or write it touch the store. A store that cannot be reached answers 503 (the
error page, or the JSON error body on the API), never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask, Request, current_app
from flask.sessions import SessionInterface, SessionMixin
from flask.wrappers import Response
from redis.exceptions import RedisError
from werkzeug.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

#: What a store raises when it cannot be reached (a Redis outage or time-out).
STORE_ERRORS: tuple[type[Exception], ...] = (RedisError,)
STORE_UNAVAILABLE = "The session store is unavailable; try again shortly."


class StoreUnavailable(ServiceUnavailable):
    """The session store could not be reached: 503, rendered by the error handlers."""

    description = STORE_UNAVAILABLE


class LazySession(SessionMixin):
    """Stands in for the request's session and opens the real one on first use."""

    def __init__(self, interface: LazySessionInterface, app: Flask, request: Request) -> None:
        self._interface = interface
        self._app = app
        self._request = request
        self._real: Any = None
        self._failed = False

    @property
    def loaded(self) -> bool:
        """Whether the view used the session (so the store was read, or will be written)."""
        return self._real is not None and not self._failed

    def load(self) -> Any:
        """Return the real server-side session, opening it (one store read) the first time.

        Raises:
            StoreUnavailable: The store did not answer.
        """
        if self._real is None:
            inner = self._interface.inner
            try:
                self._real = inner.open_session(self._app, self._request)
            except STORE_ERRORS as exc:
                logger.error("session store unavailable: %s", exc)
                # The 503 page reads the session too (who is logged in): from now on this
                # request has an empty one that is never saved.
                self._real = inner.session_class()
                self._failed = True
                raise StoreUnavailable from exc
        return self._real

    # The mapping, forwarded to the real session.
    def __getitem__(self, key: str) -> Any:
        return self.load()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.load()[key] = value

    def __delitem__(self, key: str) -> None:
        del self.load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    def __contains__(self, key: object) -> bool:
        return key in self.load()

    def __bool__(self) -> bool:
        return bool(self.load())

    def get(self, key: str, default: Any = None) -> Any:
        """Forward to the real session (which marks it accessed)."""
        return self.load().get(key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Forward to the real session (which marks it accessed)."""
        return self.load().setdefault(key, default)

    def clear(self) -> None:
        """Forward to the real session, which keeps its ``_permanent`` flag."""
        self.load().clear()

    # The flags Flask and Flask-Session read; an unused session is unchanged.
    @property
    def sid(self) -> str | None:
        """The real session's id (opening it)."""
        sid: str | None = self.load().sid
        return sid

    @property
    def modified(self) -> bool:
        """Whether the real session changed (an unused one did not)."""
        return bool(self._real is not None and self._real.modified)

    @modified.setter
    def modified(self, value: bool) -> None:
        self.load().modified = value

    @property
    def accessed(self) -> bool:
        """Whether the real session was read."""
        return bool(self._real is not None and self._real.accessed)

    @accessed.setter
    def accessed(self, value: bool) -> None:
        self.load().accessed = value


class LazySessionInterface(SessionInterface):
    """Wraps a Flask-Session interface so the store is reached only for sessions in use."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def open_session(self, app: Flask, request: Request) -> LazySession:
        """Hand the view a stand-in; nothing is read yet."""
        return LazySession(self, app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Save a session the view used; leave the store and the cookie alone otherwise.

        A store that fails here turns the response into the 503 error, since the
        session it was meant to carry (a login, a CSRF secret) was not kept.
        """
        if isinstance(session, LazySession):
            if not session.loaded:
                return
            session = session.load()
        try:
            self.inner.save_session(app, session, response)
        except STORE_ERRORS as exc:
            logger.error("session store unavailable: %s", exc)
            _replace(response, StoreUnavailable())

    def regenerate(self, session: SessionMixin) -> None:
        """Give the session a new id and drop the record under the old one (at login, logout).

        Unlike Flask-Session's own ``regenerate``, an empty session (``session.clear()``
        just before) gets a new id too, so an id known before login never names the
        logged-in session.

        Raises:
            StoreUnavailable: The store did not answer.
        """
        real: Any = session.load() if isinstance(session, LazySession) else session
        inner = self.inner
        try:
            inner._delete_session(inner._get_store_id(real.sid))
        except STORE_ERRORS as exc:
            logger.error("session store unavailable: %s", exc)
            raise StoreUnavailable from exc
        real.sid = inner._generate_sid(inner.sid_length)
        real.modified = True


def _replace(response: Response, error: ServiceUnavailable) -> None:
    """Turn ``response`` into the app's answer for ``error`` (the handlers' page or body)."""
    replacement = current_app.make_response(current_app.handle_http_exception(error))
    response.status_code = replacement.status_code
    response.set_data(replacement.get_data())
    response.content_type = replacement.content_type
    # Neither the cookie of a session that was not kept nor the redirect of a login that
    # did not happen (its Location) may go out with the error.
    for header in ("Set-Cookie", "Location"):
        response.headers.pop(header, None)


def init_app(app: Flask) -> None:
    """Make ``app``'s session interface (already set by Flask-Session) lazy."""
    app.session_interface = LazySessionInterface(app.session_interface)
