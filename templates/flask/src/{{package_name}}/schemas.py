"""Typed validation of the JSON API's requests and responses (pydantic)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_BATCH = 1000


class IrisFeatures(BaseModel):
    """The four measurements of one flower, in centimetres."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    sepal_length: float = Field(gt=0, le=100, description="Sepal length (cm)")
    sepal_width: float = Field(gt=0, le=100, description="Sepal width (cm)")
    petal_length: float = Field(gt=0, le=100, description="Petal length (cm)")
    petal_width: float = Field(gt=0, le=100, description="Petal width (cm)")


class BatchRequest(BaseModel):
    """Several flowers to classify in one call."""

    model_config = ConfigDict(extra="forbid")

    instances: list[IrisFeatures] = Field(min_length=1, max_length=MAX_BATCH)


class PredictionOut(BaseModel):
    """One prediction: the most likely label and every label's probability."""

    label: str
    probabilities: dict[str, float]


class PredictResponse(PredictionOut):
    """The answer to a single-flower request."""

    model_version: str


class BatchResponse(BaseModel):
    """The answer to a batch request, predictions in request order."""

    predictions: list[PredictionOut]
    model_version: str


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Turn a pydantic error into a list of ``{field, message, type}`` entries."""
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]) or "body",
            "message": error["msg"],
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_input=False)
    ]
