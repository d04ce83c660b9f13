"""What the service promises on the wire, whatever framework serves it.

The error body, its stable codes, and request ids are part of the HTTP contract
(``docs/api.md``). They live here once; the framework's error handlers and
middleware only call these functions.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from .schemas import ErrorDetail, ErrorInfo, ErrorResponse

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "ERROR_CODES",
    "HSTS_HEADER",
    "REQUEST_ID_HEADER",
    "SECURITY_HEADERS",
    "error_body",
    "error_code",
    "is_json_media_type",
    "request_id_from",
    "validation_details",
]

REQUEST_ID_HEADER = "X-Request-ID"

#: Stable machine-readable codes; HTTP reason phrases differ between Python versions.
ERROR_CODES: dict[int, str] = {
    400: "invalid_json",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "content_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "not_ready",
}
UNAVAILABLE = "unavailable"  #: the 503 code when a dependency (the database) fails a request

#: The policy of every answer; a page that needs more (the API docs) sends its own.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: Sent on every answer, JSON, errors and probes included, by both frameworks' middleware.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
#: Added over HTTPS outside development (a browser then refuses plain HTTP for two years).
HSTS_HEADER = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")

_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

#: Tags of the discriminated unions in ``schemas`` (a prediction request is one flower
#: or a batch). Pydantic puts the tag into error locations; clients see field paths only.
_UNION_TAGS = frozenset({"single", "batch"})


def request_id_from(incoming: str | None) -> str:
    """Keep a well-formed client request id; otherwise make a new one.

    Runs on every request, probes included, so it costs a regex match at most.
    """
    if incoming and _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    # Unique, not secret: 128 random bits (reseeded in each worker) without a syscall.
    return f"{random.getrandbits(128):032x}"


def is_json_media_type(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header names JSON (``application/json`` or ``*/*+json``).

    A body without a ``Content-Type`` is not JSON: the contract answers it with 415.
    """
    if not content_type:
        return False
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def error_code(status: int) -> str:
    """Return the stable code of an HTTP error status."""
    code = ERROR_CODES.get(status)
    if code is not None:
        return code
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def error_body(
    status: int,
    *,
    message: str | None = None,
    request_id: str | None = None,
    details: Sequence[ErrorDetail] = (),
    code: str | None = None,
) -> dict[str, Any]:
    """Build the JSON body of every 4xx and 5xx answer: ``{"error": {...}}``."""
    info = ErrorInfo(
        status=status,
        code=code or error_code(status),
        message=message or HTTPStatus(status).phrase,
        request_id=request_id,
        details=list(details),
    )
    return ErrorResponse(error=info).model_dump(mode="json")


def validation_details(
    errors: Iterable[Mapping[str, Any]], *, prefix: Sequence[str | int] = ()
) -> list[ErrorDetail]:
    """Turn pydantic's error list into contract details, located from ``prefix``.

    ``prefix`` names where the validated value came from (``("body",)``) when the
    errors do not say it themselves.
    """
    details = []
    for error in errors:
        location = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        if prefix and location[: len(prefix)] != list(prefix):
            location = [*prefix, *location]
        start = len(prefix) if prefix else (1 if location[:1] == ["body"] else 0)
        if len(location) > start and location[start] in _UNION_TAGS:
            del location[start]
        details.append(
            ErrorDetail(loc=location, msg=str(error.get("msg", "")), type=str(error["type"]))
        )
    return details
