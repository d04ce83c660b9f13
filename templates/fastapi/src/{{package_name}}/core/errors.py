"""One JSON error shape for every 4xx and 5xx answer, and the handlers that produce it."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from ..schemas import ErrorDetail, ErrorInfo, ErrorResponse

#: Stable machine-readable codes (HTTP reason phrases differ between Python versions).
ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "content_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def error_response(
    status: int,
    *,
    message: str | None = None,
    request_id: str | None = None,
    details: Sequence[ErrorDetail] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build the JSON error answer: ``{"error": {"status", "code", "message", ...}}``."""
    phrase = HTTPStatus(status).phrase
    body = ErrorResponse(
        error=ErrorInfo(
            status=status,
            code=ERROR_CODES.get(status) or phrase.lower().replace(" ", "_").replace("-", "_"),
            message=message or phrase,
            request_id=request_id,
            details=list(details),
        )
    )
    # RequestContextMiddleware adds the X-Request-ID header to every answer.
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _request_id(request: Request) -> str | None:
    request_id: str | None = getattr(request.state, "request_id", None)
    return request_id


async def http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer an ``HTTPException`` (raised by a route, a dependency or the router)."""
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this type only
    message = exc.detail if isinstance(exc.detail, str) else None
    headers = dict(exc.headers or {})
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    return error_response(
        exc.status_code, message=message, request_id=_request_id(request), headers=headers
    )


def _allowed_methods(request: Request) -> set[str]:
    """Every method some route accepts at this path (Starlette names only the first route's)."""
    return {
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    }


async def validation_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer invalid input (fields, types, malformed JSON) with 422 and one entry per problem."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    details = [_detail(error) for error in exc.errors()]
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        message="The request is not valid",
        request_id=_request_id(request),
        details=details,
    )


def _detail(error: dict[str, Any]) -> ErrorDetail:
    location = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
    return ErrorDetail(loc=location, message=str(error.get("msg", "")), type=str(error["type"]))


def install_error_handlers(app: FastAPI) -> None:
    """Route HTTP and validation errors through :func:`error_response`.

    Unexpected exceptions are answered by ``RequestContextMiddleware``, which sees
    them first and knows the request id.
    """
    app.add_exception_handler(HTTPException, http_exception_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
