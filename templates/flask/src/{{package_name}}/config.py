"""Settings read from the environment, with safe defaults for development."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

# Development only: validate() refuses it outside development and test.
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105
RELAXED_ENVIRONMENTS = frozenset({"development", "test"})


class ConfigError(RuntimeError):
    """A setting is missing or unsafe for the environment the app runs in."""


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables.

    Args:
        environ: The variables to read; ``os.environ`` when omitted.

    Returns:
        Upper-case Flask config keys and their values.
    """
    env = os.environ if environ is None else environ
    environment = env.get("ENVIRONMENT", "development")
    production = environment not in RELAXED_ENVIRONMENTS
    return {
        "ENVIRONMENT": environment,
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "MODEL_PATH": env.get("MODEL_PATH", "models/model.joblib"),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        "LOG_FORMAT": env.get("LOG_FORMAT", "json" if production else "text"),
        # Proxies in front of the app whose X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_SECURE": _bool(env, "SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def validate(settings: Mapping[str, Any]) -> None:
    """Refuse settings that are unsafe outside development.

    Raises:
        ConfigError: ``SECRET_KEY`` is unset or the development default in an
            environment other than development or test.
    """
    if settings["ENVIRONMENT"] in RELAXED_ENVIRONMENTS:
        return
    if settings.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise ConfigError(
            f"SECRET_KEY must be set to a private random value when ENVIRONMENT="
            f"{settings['ENVIRONMENT']}; generate one with "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
