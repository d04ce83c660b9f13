"""What this service is: its name and version."""

from __future__ import annotations

from fastapi import APIRouter

from ... import __version__
from ...schemas import Info
from ..deps import SettingsDep

router = APIRouter(prefix="/info", tags=["info"])


@router.get("", operation_id="get_info")
async def get_info(settings: SettingsDep) -> Info:
    """Name and version of the service."""
    return Info(name=settings.app_name, version=__version__)
