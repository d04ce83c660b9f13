"""The API paths of scaffold 0.1.0 projects, answered with 308 to their ``/api/v1`` path.

308 keeps the method and the body, so a 0.1.0 client's ``POST /predict`` still
works through the update. The redirects are not in the OpenAPI document, and go
away in the next release.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

API_PREFIX = "/api/v1"

#: Every API path a 0.1.0 project served (the probes and the docs did not move).
V0_1_0_PATHS = ("/predict", "/model", "/items", "/items/{item_id}", "/token", "/users/me")


class RedirectToApiV1:
    """ASGI app answering 308 with the same path under ``/api/v1``, query string kept."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the redirect."""
        root_path: str = scope.get("root_path", "")
        path: str = scope["path"]
        if root_path and path.startswith(root_path):  # the app is served below a prefix
            path = path[len(root_path) :]
        location = f"{root_path}{API_PREFIX}{path}"
        query = scope.get("query_string", b"").decode("latin-1")
        if query:
            location = f"{location}?{query}"
        await RedirectResponse(location, status_code=308)(scope, receive, send)


def add_moved_paths(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Redirect each 0.1.0 path that one of ``routers`` serves under ``/api/v1`` (any method)."""
    served = {
        route.path for router in routers for route in router.routes if isinstance(route, APIRoute)
    }
    redirect = RedirectToApiV1()
    for path in V0_1_0_PATHS:
        if path in served:
            # An ASGI app as the endpoint: the route matches every method.
            app.router.routes.append(Route(path, redirect, include_in_schema=False))
