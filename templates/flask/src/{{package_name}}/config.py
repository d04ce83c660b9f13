"""Settings read from the environment, with safe defaults for development."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

# Development only: the app refuses to start with it outside development.
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables.

    Args:
        environ: The variables to read; ``os.environ`` when omitted.

    Returns:
        Upper-case Flask config keys and their values.
    """
    env = os.environ if environ is None else environ
    return {
        "ENVIRONMENT": env.get("ENVIRONMENT", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "MODEL_PATH": env.get("MODEL_PATH", "models/model.joblib"),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
    }
