"""What this service is: its name and version."""

from __future__ import annotations

from typing import Any

from ..about import NAME, app_version
from ..schemas import Info
from .blueprint import bp


@bp.get("/info", operation_id="get_info", responses={200: Info})
def get_info() -> dict[str, Any]:
    """Name and version of the service."""
    return Info(name=NAME, version=app_version()).model_dump()
