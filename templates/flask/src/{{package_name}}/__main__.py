"""Serve the app with gunicorn's threaded workers: ``python -m <package>``.

``HOST`` (default 127.0.0.1), ``PORT`` (8000), ``WORKERS`` (2), ``THREADS`` (4) and
``TIMEOUT`` (30 s) come from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from . import create_app
from .extensions import model_store


def gunicorn_options(environ: Mapping[str, str]) -> dict[str, Any]:
    """Gunicorn settings derived from environment variables."""
    host = environ.get("HOST", "127.0.0.1")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return {
        "bind": f"{host}:{int(environ.get('PORT', '8000'))}",
        "worker_class": "gthread",
        "workers": int(environ.get("WORKERS", "2")),
        "threads": int(environ.get("THREADS", "4")),
        "timeout": int(environ.get("TIMEOUT", "30")),
        "accesslog": "-",
        "errorlog": "-",
        # No shared control socket under $HOME: several instances may run side by side.
        "control_socket_disable": True,
    }


def build_app() -> Flask:
    """Create the app and load (or train) its model before the first request."""
    app = create_app()
    model_store.get(app)
    return app


class Server(BaseApplication):
    """Gunicorn started from Python, each worker building its own app."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        """Copy the options into gunicorn's settings."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        """Return the worker's WSGI app (see :func:`build_app`)."""
        return build_app()


def main() -> None:
    """Start gunicorn with settings from the environment."""
    Server(gunicorn_options(os.environ)).run()


if __name__ == "__main__":
    main()
