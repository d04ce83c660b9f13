"""JSON endpoints: predictions for one flower or a batch, and the model's metadata."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError

from ..errors import json_error
from ..extensions import model_store
from ..schemas import (
    BatchRequest,
    BatchResponse,
    IrisFeatures,
    PredictionOut,
    PredictResponse,
    field_errors,
)

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/predict")
def predict() -> ResponseReturnValue:
    """Classify one flower (the four fields) or several (``{"instances": [...]}``)."""
    if not request.is_json:
        return json_error(415, "unsupported_media_type", "Send application/json.")
    payload: Any = request.get_json(silent=True)
    if payload is None:
        return json_error(400, "invalid_json", "The body is not valid JSON.")
    is_batch = isinstance(payload, dict) and "instances" in payload
    try:
        if is_batch:
            batch = BatchRequest.model_validate(payload, strict=True)
            rows = [item.model_dump() for item in batch.instances]
        else:
            rows = [IrisFeatures.model_validate(payload, strict=True).model_dump()]
    except ValidationError as exc:
        return json_error(
            422, "validation_error", "The request failed validation.", field_errors(exc)
        )

    model = model_store.get()
    version = model.metadata["version"]
    outputs = [
        PredictionOut(label=p.label, probabilities=p.probabilities) for p in model.predict(rows)
    ]
    if is_batch:
        return BatchResponse(predictions=outputs, model_version=version).model_dump()
    single = outputs[0]
    return PredictResponse(**single.model_dump(), model_version=version).model_dump()


@bp.get("/model")
def model_metadata() -> ResponseReturnValue:
    """Describe the served model: version, features, labels, metrics."""
    return dict(model_store.get().metadata)
