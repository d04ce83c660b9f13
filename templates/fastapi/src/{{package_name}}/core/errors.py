"""Exception handlers: every HTTP and validation error answers with the contract's error body."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from ..contract import error_body, validation_details
from ..schemas import ErrorDetail


def error_response(
    status: int,
    *,
    message: str | None = None,
    request_id: str | None = None,
    details: Sequence[ErrorDetail] = (),
    headers: dict[str, str] | None = None,
    code: str | None = None,
) -> JSONResponse:
    """Answer with ``contract.error_body`` (``{"error": {"status", "code", ...}}``)."""
    body = error_body(status, message=message, request_id=request_id, details=details, code=code)
    # RequestContextMiddleware adds the X-Request-ID header to every answer.
    return JSONResponse(body, status_code=status, headers=headers)


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
    """Answer a body that is not JSON with 400, and invalid fields with 422, one detail each."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    errors = exc.errors()
    malformed = [error for error in errors if error.get("type") == "json_invalid"]
    if malformed:
        return error_response(
            HTTPStatus.BAD_REQUEST,
            message="The body is not valid JSON",
            request_id=_request_id(request),
            details=validation_details(malformed),
        )
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        message="The request is not valid",
        request_id=_request_id(request),
        details=validation_details(errors),
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route HTTP and validation errors through :func:`error_response`.

    Unexpected exceptions are answered by ``RequestContextMiddleware``, which sees
    them first and knows the request id.
    """
    app.add_exception_handler(HTTPException, http_exception_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
