"""Dependencies the routes declare with ``Annotated`` aliases (override them in tests)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from ..core.config import Settings
from ..ml.model import ModelArtifact


def get_app_settings(request: Request) -> Settings:
    """Return the settings the running application was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_model(request: Request) -> ModelArtifact:
    """Return the model the lifespan loaded, or answer 503 while there is none."""
    model: ModelArtifact | None = getattr(request.app.state, "model", None)
    if model is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="Model not loaded")
    return model


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ModelDep = Annotated[ModelArtifact, Depends(get_model)]
