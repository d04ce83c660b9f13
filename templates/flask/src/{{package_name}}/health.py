"""Liveness endpoint for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__, url_prefix="/health")


@bp.get("")
def live() -> dict[str, str]:
    """Answer while the process can serve requests."""
    return {"status": "ok"}
