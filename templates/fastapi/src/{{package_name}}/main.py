"""Application factory: ``create_app()`` builds the FastAPI app and its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from . import __version__
from .api.routes import health, predict
from .core.config import Settings, get_settings
from .ml.predict import load_or_train

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the model once per process, before the first request is served."""
    settings: Settings = app.state.settings
    app.state.model = await run_in_threadpool(load_or_train, settings.model_path)
    logger.info("model %s loaded from %s", app.state.model.version, settings.model_path)
    yield
    app.state.model = None


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; tests pass their own ``settings``."""
    settings = settings or get_settings()
    app = FastAPI(title=settings.app_name, version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(predict.router)
    return app
