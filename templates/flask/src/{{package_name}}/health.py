"""Health checks: liveness (``/health``) and readiness (``/health/ready``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app
from flask_openapi3.blueprint import APIBlueprint

from .errors import error_response
from .schemas import ErrorDetail, ErrorResponse, Health, Readiness

bp = APIBlueprint("health", __name__, url_prefix="/health")
logger = logging.getLogger(__name__)

# A readiness check raises when part of this process is not ready (never for a shared
# dependency such as the database: see get_readiness).
ReadinessCheck = Callable[[], object]

#: The liveness answer never changes: sent as bytes, with no per-request serialization.
ALIVE = Health().model_dump_json().encode()


def add_readiness_check(app: Flask, name: str, check: ReadinessCheck) -> None:
    """Make ``/health/ready`` of ``app`` also depend on ``check``."""
    app.extensions.setdefault("readiness_checks", {})[name] = check


@bp.get("", operation_id="get_health", responses={200: Health})
def get_health() -> Response:
    """Answer 200 while the process can serve requests (liveness)."""
    return Response(ALIVE, mimetype="application/json")


@bp.get(
    "/ready",
    operation_id="get_readiness",
    responses={200: Readiness, 503: ErrorResponse},
)
def get_readiness() -> Response | dict[str, Any]:
    """Answer 200 once this process has started cleanly, 503 naming what is missing (readiness).

    Only the process's own state counts (a loaded model, say): a shared dependency
    that goes away (a database, Redis) would take every replica out of service at
    once, so the requests that need it answer 503 on their own instead.
    """
    checks: dict[str, ReadinessCheck] = current_app.extensions.get("readiness_checks", {})
    failed = []
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # a check says why in one line; probes come every few seconds
            logger.error("readiness check failed: %s: %s", name, exc)
            failed.append(name)
    if failed:
        details = [
            ErrorDetail(loc=["checks", name], msg=f"{name} is not available", type="unavailable")
            for name in failed
        ]
        return error_response(503, message="The service is not ready", details=details)
    return Readiness(checks=dict.fromkeys(checks, "ok")).model_dump()
