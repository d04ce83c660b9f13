"""Liveness probe."""

from __future__ import annotations

from fastapi import APIRouter

from ...schemas import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def health() -> Health:
    """Answer 200 while the process can serve requests."""
    return Health()
