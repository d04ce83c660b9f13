"""Extension objects, created unbound here and attached to the app in create_app."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from .ml.store import ModelStore

csrf = CSRFProtect()
model_store = ModelStore()


def init_app(app: Flask) -> None:
    """Attach every extension to ``app``."""
    csrf.init_app(app)
    model_store.init_app(app)
