"""One WSGI layer around the app: a request id, the access log and the security headers.

It runs on every request, probes included, so it stays a plain WSGI wrapper (a few
microseconds) rather than Flask hooks, and it also sees the answers Flask's hooks
never do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from types import TracebackType
from typing import Any

from .contract import REQUEST_ID_HEADER, request_id_from
from .logs import request_id_var
from .security import missing_headers

access_logger = logging.getLogger("access")

Headers = list[tuple[str, str]]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | None
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class RequestContextMiddleware:
    """Give each request an id, add the security headers, and log one access line.

    A valid ``X-Request-ID`` from the client (or a proxy) is kept; otherwise a new
    random one is made. The id is echoed in the response, kept in
    ``environ["app.request_id"]``, and attached to each log line written while the view
    runs. Paths in ``quiet_paths`` (the probes) are left out of the access log.
    """

    def __init__(
        self,
        app: WSGIApp,
        *,
        access_log: bool = True,
        quiet_paths: Collection[str] = (),
        hsts: bool = True,
    ) -> None:
        """Wrap the WSGI ``app``; ``hsts=False`` (development) never sends HSTS."""
        self.app = app
        self.hsts = hsts
        self.access_log = access_log
        self.quiet_paths = frozenset(quiet_paths)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Serve one request."""
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        environ["app.request_id"] = request_id
        secure = self.hsts and environ.get("wsgi.url_scheme") == "https"
        status_code = 0

        def start(status: str, headers: Headers, exc_info: ExcInfo = None) -> Any:
            nonlocal status_code
            status_code = int(status[:3])
            headers.append((REQUEST_ID_HEADER, request_id))
            headers.extend(missing_headers(headers, secure=secure))
            return start_response(status, headers, exc_info)

        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            return self.app(environ, start)
        finally:
            if self.access_log and environ.get("PATH_INFO", "") not in self.quiet_paths:
                _log_access(environ, status_code, time.perf_counter() - started)
            request_id_var.reset(token)


def _log_access(environ: dict[str, Any], status: int, seconds: float) -> None:
    if not access_logger.isEnabledFor(logging.INFO):
        return
    method = environ.get("REQUEST_METHOD", "")
    path = environ.get("PATH_INFO", "")
    access_logger.info(
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        },
    )
