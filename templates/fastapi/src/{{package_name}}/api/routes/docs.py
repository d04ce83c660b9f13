"""Interactive API documentation (Swagger UI and ReDoc) served from this process.

The JavaScript and CSS come from the ``fastapi-offline`` package, mounted under
``/static/docs``, so the pages work offline and under a strict Content Security
Policy: no CDN, and no inline script (Swagger UI starts from ``/docs/init.js``).
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/static/docs"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

_SWAGGER_INIT = """\
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
"""

#: ReDoc's bundle draws its "API docs by Redocly" badge from a CDN; the served copy
#: points it at an empty inline image instead, so the page asks nothing of the internet.
_REDOC_BADGE = "https://cdn.redoc.ly/redoc/logo-mini.svg"
_EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """Static files of Swagger UI and ReDoc, shipped inside the ``fastapi-offline`` wheel."""
    return StaticFiles(packages=[("fastapi_offline", "static")])


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


def _openapi_url(request: Request) -> str:
    return escape(f"{request.scope.get('root_path', '')}{request.app.openapi_url}")


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: try the API from the browser."""
    root = escape(request.scope.get("root_path", ""))
    return _page(
        f"{request.app.title} - Swagger UI",
        f'<link rel="stylesheet" href="{root}{ASSETS_URL}/swagger-ui.css">\n'
        f'<link rel="icon" href="{root}{ASSETS_URL}/favicon.png">',
        f'<div id="swagger-ui" data-openapi-url="{_openapi_url(request)}"></div>\n'
        f'<script src="{root}{ASSETS_URL}/swagger-ui-bundle.js"></script>\n'
        f'<script src="{root}/docs/init.js"></script>',
    )


@router.get("/docs/init.js")
async def swagger_ui_init() -> Response:
    """The script that starts Swagger UI (a file, so the page needs no inline script)."""
    return Response(_SWAGGER_INIT, media_type="text/javascript")


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the API reference as one readable page."""
    root = escape(request.scope.get("root_path", ""))
    return _page(
        f"{request.app.title} - ReDoc",
        f'<link rel="icon" href="{root}{ASSETS_URL}/favicon.png">',
        f'<redoc spec-url="{_openapi_url(request)}"></redoc>\n'
        f'<script src="{root}/redoc/redoc.standalone.js"></script>',
    )


@cache
def _redoc_bundle() -> str:
    bundle = resources.files("fastapi_offline") / "static" / "redoc.standalone.js"
    return bundle.read_text(encoding="utf-8").replace(_REDOC_BADGE, _EMPTY_IMAGE)


@router.get("/redoc/redoc.standalone.js")
async def redoc_bundle() -> Response:
    """ReDoc's script, with its one CDN reference replaced."""
    return Response(_redoc_bundle(), media_type="text/javascript")
