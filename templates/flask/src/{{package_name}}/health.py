"""Health checks: liveness (``/health``) and readiness (``/health/ready``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, current_app
from flask.typing import ResponseReturnValue

bp = Blueprint("health", __name__, url_prefix="/health")
logger = logging.getLogger(__name__)

# A readiness check raises when its dependency cannot serve.
ReadinessCheck = Callable[[], object]


def add_readiness_check(app: Flask, name: str, check: ReadinessCheck) -> None:
    """Make ``/health/ready`` of ``app`` also depend on ``check``."""
    app.extensions.setdefault("readiness_checks", {})[name] = check


@bp.get("")
def live() -> dict[str, str]:
    """Answer while the process can serve requests."""
    return {"status": "ok"}


@bp.get("/ready")
def ready() -> ResponseReturnValue:
    """Answer 200 once every dependency works, 503 naming the failing ones otherwise."""
    checks: dict[str, ReadinessCheck] = current_app.extensions.get("readiness_checks", {})
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            logger.exception("readiness check failed: %s", name)
            results[name] = "unavailable"
    healthy = all(value == "ok" for value in results.values())
    body = {"status": "ready" if healthy else "unavailable", "checks": results}
    return body, 200 if healthy else 503
