"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response, status

from ...schemas import Health, Readiness

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def health() -> Health:
    """Answer 200 while the process can serve requests (liveness)."""
    return Health()


@router.get("/ready", responses={503: {"model": Readiness, "description": "Not ready"}})
async def ready(request: Request, response: Response) -> Readiness:
    """Answer 200 once everything a prediction needs is in place, 503 until then (readiness)."""
    model_loaded = getattr(request.app.state, "model", None) is not None
    checks: dict[str, Literal["ok", "unavailable"]] = {
        "model": "ok" if model_loaded else "unavailable"
    }
    if all(state == "ok" for state in checks.values()):
        return Readiness(status="ok", checks=checks)
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(status="unavailable", checks=checks)
