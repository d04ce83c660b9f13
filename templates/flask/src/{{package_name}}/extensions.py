"""Extension objects, created unbound here and attached to the app in create_app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cachelib.file import FileSystemCache
from flask import Flask
from flask_session import Session
from flask_wtf.csrf import CSRFProtect

from .ml.store import ModelStore

csrf = CSRFProtect()
server_sessions = Session()
model_store = ModelStore()


def _session_store(app: Flask) -> dict[str, Any]:
    """Flask-Session settings for the configured backend (files or Redis)."""
    if app.config["SESSION_BACKEND"] == "redis":
        import redis  # noqa: PLC0415  (optional: pip install redis)

        return {"SESSION_TYPE": "redis", "SESSION_REDIS": redis.from_url(app.config["REDIS_URL"])}
    folder = Path(app.config["SESSION_FILE_DIR"])
    return {
        "SESSION_TYPE": "cachelib",
        "SESSION_CACHELIB": FileSystemCache(str(folder), threshold=10_000, mode=0o600),
    }


def init_app(app: Flask) -> None:
    """Attach every extension to ``app``."""
    for key, value in _session_store(app).items():
        app.config.setdefault(key, value)
    server_sessions.init_app(app)
    csrf.init_app(app)
    model_store.init_app(app)
