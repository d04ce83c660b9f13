"""The JSON API blueprint."""

from __future__ import annotations

from .routes import bp

__all__ = ["bp"]
