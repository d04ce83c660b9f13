"""One error body for the JSON API, the probes and JSON clients; error pages for the web side."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Flask, Response, current_app, json, render_template, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from .contract import error_body, validation_details
from .schemas import ErrorDetail

#: Paths whose errors are always JSON: the API and the probes.
JSON_PREFIXES = ("/api/", "/health")


def request_id() -> str | None:
    """The id ``middleware.RequestContextMiddleware`` gave the current request."""
    value: str | None = request.environ.get("app.request_id")
    return value


def error_response(
    status: int,
    *,
    message: str | None = None,
    details: Sequence[ErrorDetail] = (),
    code: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    """Answer with ``contract.error_body`` and the current request's id."""
    body = error_body(status, message=message, request_id=request_id(), details=details, code=code)
    response = current_app.response_class(
        json.dumps(body), status=status, mimetype="application/json"
    )
    response.headers.extend(headers)
    return response


def invalid(errors: Iterable[Mapping[str, Any]], location: str) -> Response:
    """Answer 422 for pydantic ``errors`` found in the request's ``location`` (``"body"``, ...)."""
    return error_response(
        422,
        message="The request is not valid",
        details=validation_details(errors, prefix=(location,)),
    )


def validation_error_response(exc: ValidationError) -> Response:
    """flask-openapi3's hook: a path, query, form or JSON body model did not validate.

    Models of path parameters are named ``...Path``, of query parameters ``...Query``;
    any other model describes the body.
    """
    location = "path" if exc.title.endswith("Path") else "query"
    if not exc.title.endswith(("Path", "Query")):
        location = "body"
    # contract.validation_details leaves out the union tags pydantic puts in ``loc``.
    return invalid(exc.errors(include_url=False, include_input=False), location)


def wants_json() -> bool:
    """Whether errors of this request are JSON: API and probe paths, or a client preferring it."""
    if request.path.startswith(JSON_PREFIXES) or request.path == "/api":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def handle_http_error(exc: HTTPException) -> ResponseReturnValue:
    """Render an HTTP error as the error body for JSON clients and as a page elsewhere."""
    status = exc.code or 500
    # Keep the headers the error defines (Allow on 405, WWW-Authenticate on 401, ...).
    headers = [(key, value) for key, value in exc.get_headers() if key.lower() != "content-type"]
    if wants_json():
        message = exc.description if status < 500 else None
        return error_response(status, message=message, headers=headers)
    return render_template("error.html", status=status, name=exc.name or "Error"), status, headers


def handle_unexpected_error(exc: Exception) -> ResponseReturnValue:
    """Log an unhandled exception and answer 500 without leaking its details."""
    current_app.logger.exception("unhandled error on %s", request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
