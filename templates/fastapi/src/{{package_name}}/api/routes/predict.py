"""Prediction endpoint: one flower or a batch."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from ...ml.predict import Outcome, predict
from ...schemas import BatchPrediction, BatchRequest, IrisFeatures, Prediction
from ..deps import ModelDep

router = APIRouter(prefix="/predict", tags=["predict"])


def _prediction(outcome: Outcome, version: str) -> Prediction:
    return Prediction(
        label=outcome.label,
        probability=outcome.probability,
        probabilities=outcome.probabilities,
        model_version=version,
    )


@router.post("")
async def predict_species(
    body: IrisFeatures | BatchRequest, model: ModelDep
) -> Prediction | BatchPrediction:
    """Predict the species of one flower, or of each flower in ``instances``."""
    instances = body.instances if isinstance(body, BatchRequest) else [body]
    rows = [instance.model_dump() for instance in instances]
    # scikit-learn is CPU-bound: keep it off the event loop.
    outcomes = await run_in_threadpool(predict, model, rows)
    predictions = [_prediction(outcome, model.version) for outcome in outcomes]
    if isinstance(body, BatchRequest):
        return BatchPrediction(predictions=predictions, model_version=model.version)
    return predictions[0]
