"""One JSON error shape for the API and friendly error pages for the web side."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError


def json_error(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> tuple[Response, int]:
    """Build the API's error body: ``{"error": {status, code, message, details}}``."""
    body = {
        "status": status,
        "code": code,
        "message": message,
        "details": details or [],
    }
    return jsonify(error=body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def handle_http_error(exc: HTTPException) -> Any:
    """Render an HTTP error as JSON under /api and as a page elsewhere."""
    status = exc.code or 500
    name = exc.name or "Error"
    # Keep the headers the error defines (Allow on 405, WWW-Authenticate on 401, ...).
    headers = [(key, value) for key, value in exc.get_headers() if key.lower() != "content-type"]
    if _wants_json():
        code = name.lower().replace(" ", "_")
        response, _ = json_error(status, code, exc.description or name)
        response.headers.extend(headers)
        return response, status
    return render_template("error.html", status=status, name=name), status, headers


def handle_unexpected_error(exc: Exception) -> Any:
    """Log an unhandled exception and answer 500 without leaking its details."""
    current_app.logger.exception("unhandled error on %s", request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
