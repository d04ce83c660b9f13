"""Health checks: liveness (``/health``) and readiness (``/health/ready``)."""

from __future__ import annotations

import logging

from flask import Blueprint
from flask.typing import ResponseReturnValue

from .extensions import model_store

bp = Blueprint("health", __name__, url_prefix="/health")
logger = logging.getLogger(__name__)


@bp.get("")
def live() -> dict[str, str]:
    """Answer while the process can serve requests."""
    return {"status": "ok"}


@bp.get("/ready")
def ready() -> ResponseReturnValue:
    """Answer 200 once every dependency works, 503 with the failing check otherwise."""
    checks: dict[str, str] = {}
    try:
        model_store.get()
        checks["model"] = "ok"
    except Exception:
        logger.exception("readiness check failed: model")
        checks["model"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if healthy else "unavailable", "checks": checks}
    return body, 200 if healthy else 503
