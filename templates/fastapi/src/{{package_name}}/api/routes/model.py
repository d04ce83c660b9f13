"""Model card of the model being served."""

from __future__ import annotations

from fastapi import APIRouter

from ...schemas import ModelCard
from ..deps import ModelDep

router = APIRouter(prefix="/model", tags=["model"])


@router.get("")
async def model_card(model: ModelDep) -> ModelCard:
    """Describe the served model: version, algorithm, features, labels and metrics."""
    return ModelCard(
        version=model.version,
        algorithm=model.algorithm,
        features=list(model.features),
        labels=list(model.labels),
        metrics=model.metrics,
        trained_at=model.trained_at,
    )
