"""ASGI middleware: request id, access log and last-resort 500s; request body size limit."""

from __future__ import annotations

import logging
import re
import time
import uuid
from http import HTTPStatus

from fastapi import HTTPException
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .logging import request_id_var

logger = logging.getLogger(__name__)
access_logger = logging.getLogger(f"{__package__}.access")

_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestContextMiddleware:
    """Give each request an id, log one access line, and turn crashes into a JSON 500.

    A valid ``X-Request-ID`` sent by the client (or a proxy) is kept; otherwise a new
    one is made. The id is echoed in the response header, stored in
    ``request.state.request_id`` and attached to every log line written meanwhile.
    """

    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        """Wrap ``app``; ``access_log=False`` skips the per-request log line."""
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error", extra={"path": scope["path"]})
            if status:  # the response has started: nothing more can be sent
                raise
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            response = error_response(status, request_id=request_id)
            await response(scope, receive, send)
        finally:
            if self.access_log:
                access_logger.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    },
                )
            request_id_var.reset(token)


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
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            problem = _check_declared_length(declared, self.max_bytes)
            if problem is not None:
                request_id = scope.get("state", {}).get("request_id")
                await error_response(problem, request_id=request_id)(scope, receive, send)
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
