"""Production server: ``python -m <package>`` runs uvicorn with HOST, PORT and WORKERS."""

from __future__ import annotations

import uvicorn

from . import main as app_module
from .core.config import get_settings


def main() -> None:
    """Serve the application with uvicorn until interrupted."""
    settings = get_settings()
    uvicorn.run(
        f"{app_module.__name__}:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level.lower(),
        log_config=None,  # the app logs JSON lines through the root logger
        access_log=False,  # RequestContextMiddleware writes the access log
        server_header=False,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
