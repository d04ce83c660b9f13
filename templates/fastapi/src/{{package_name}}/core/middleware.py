"""ASGI middleware: request id, security headers, access log and last-resort 500s; body limit."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from http import HTTPStatus

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..contract import HSTS_HEADER, SECURITY_HEADERS, request_id_from
from .errors import error_response
from .logging import request_id_var

logger = logging.getLogger(__name__)
access_logger = logging.getLogger(f"{__package__}.access")

_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The contract's security headers, encoded once: adding them costs a list copy per answer.
_SECURITY = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
_HSTS = (HSTS_HEADER[0].lower().encode(), HSTS_HEADER[1].encode())


RawHeaders = list[tuple[bytes, bytes]]


def security_headers(headers: RawHeaders, *, secure: bool) -> RawHeaders:
    """Return the security headers ``headers`` lacks (a page such as /docs sets its own CSP)."""
    wanted = [*_SECURITY, _HSTS] if secure else _SECURITY
    present = {name for name, _ in headers}
    return [header for header in wanted if header[0] not in present]


def _header(scope: Scope, name: bytes) -> str:
    """Return the first value of header ``name`` (lower case), or ``""``."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


class RequestContextMiddleware:
    """Give each request an id and the security headers, log one access line, answer crashes.

    A valid ``X-Request-ID`` sent by the client (or a proxy) is kept; otherwise a new
    one is made. The id is echoed in the response header, stored in
    ``request.state.request_id`` and attached to every log line written meanwhile.
    Every answer, errors and probes included, gets ``contract.SECURITY_HEADERS``, and
    HSTS over HTTPS when ``hsts`` is on (outside development).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        access_log: bool = True,
        quiet_paths: Collection[str] = (),
        hsts: bool = True,
    ) -> None:
        """Wrap ``app``; ``access_log=False`` skips the access log, ``quiet_paths`` skip it."""
        self.app = app
        self.hsts = hsts
        self.access_log = access_log
        self.quiet_paths = frozenset(quiet_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # This runs on every request, probes included: keep it to a few microseconds.
        request_id = request_id_from(_header(scope, b"x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode("latin-1"))
        token = request_id_var.set(request_id)
        log_access = self.access_log and scope["path"] not in self.quiet_paths
        started = time.perf_counter() if log_access else 0.0
        status = 0
        secure = self.hsts and scope.get("scheme") == "https"

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                extra = security_headers(headers, secure=secure)
                message["headers"] = [*headers, *extra, id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error", extra={"path": scope["path"]})
            if status:  # the response has started: nothing more can be sent
                raise
            response = error_response(HTTPStatus.INTERNAL_SERVER_ERROR, request_id=request_id)
            await response(scope, receive, send_with_id)
        finally:
            if log_access:
                self._log_access(scope, status, time.perf_counter() - started)
            request_id_var.reset(token)

    @staticmethod
    def _log_access(scope: Scope, status: int, seconds: float) -> None:
        if not access_logger.isEnabledFor(logging.INFO):
            return
        access_logger.info(
            "%s %s %s",
            scope["method"],
            scope["path"],
            status,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
            },
        )


class BodySizeLimitMiddleware:
    """Refuse request bodies larger than ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        """Wrap ``app`` with a limit of ``max_bytes`` per request body."""
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in _BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length") or None
        if declared is not None:
            problem = _check_declared_length(declared, self.max_bytes)
            if problem is not None:
                request_id = scope.get("state", {}).get("request_id")
                code = "bad_request" if problem == HTTPStatus.BAD_REQUEST else None
                response = error_response(problem, request_id=request_id, code=code)
                await response(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return message

        await self.app(scope, limited_receive, send)


def _check_declared_length(declared: str, max_bytes: int) -> HTTPStatus | None:
    if not declared.isdigit():
        return HTTPStatus.BAD_REQUEST
    if int(declared) > max_bytes:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    return None
