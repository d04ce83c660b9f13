"""The HTML pages blueprint."""

from __future__ import annotations

from .routes import bp

__all__ = ["bp"]
