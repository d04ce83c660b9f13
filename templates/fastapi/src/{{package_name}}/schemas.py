"""Request and response bodies of the API (Pydantic v2)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

#: A flower measurement in centimetres: positive, finite and plausibly sized.
Centimetres = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]


class ErrorDetail(BaseModel):
    """One problem with the request, located in it (``["body", "sepal_length"]``)."""

    loc: list[str | int]
    message: str
    type: str


class ErrorInfo(BaseModel):
    """What went wrong; ``request_id`` ties the answer to the server's log lines."""

    status: int = Field(examples=[422])
    code: str = Field(examples=["validation_error"])
    message: str
    request_id: str | None = None
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: ErrorInfo


class Health(BaseModel):
    """Liveness answer."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """Readiness answer: the state of each thing the service needs."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, Literal["ok", "unavailable"]]


class IrisFeatures(BaseModel):
    """The four measurements of one iris flower, in centimetres."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
            ]
        },
    )

    sepal_length: Centimetres = Field(description="Sepal length (cm)", examples=[5.1])
    sepal_width: Centimetres = Field(description="Sepal width (cm)", examples=[3.5])
    petal_length: Centimetres = Field(description="Petal length (cm)", examples=[1.4])
    petal_width: Centimetres = Field(description="Petal width (cm)", examples=[0.2])


class BatchRequest(BaseModel):
    """Several flowers predicted in one call."""

    model_config = ConfigDict(extra="forbid")

    instances: list[IrisFeatures] = Field(min_length=1, max_length=1000)


def _request_kind(value: Any) -> str:
    """Tell a batch (an object with ``instances``) from a single flower."""
    if isinstance(value, dict):
        return "batch" if "instances" in value else "single"
    return "batch" if isinstance(value, BatchRequest) else "single"


#: Body of ``POST /predict``: one flower, or ``{"instances": [...]}``.
PredictRequest = Annotated[
    Annotated[IrisFeatures, Tag("single")] | Annotated[BatchRequest, Tag("batch")],
    Discriminator(_request_kind),
]


class Prediction(BaseModel):
    """The predicted species of one flower."""

    label: str = Field(description="Most likely species", examples=["setosa"])
    probability: float = Field(ge=0, le=1, description="Probability of `label`")
    probabilities: dict[str, float] = Field(description="Probability of every species")
    model_version: str = Field(description="Version of the model that answered")


class BatchPrediction(BaseModel):
    """Predictions for a batch, in request order."""

    predictions: list[Prediction]
    model_version: str


class ModelCard(BaseModel):
    """What the served model is and how well it did on held-out data."""

    version: str
    algorithm: str
    features: list[str]
    labels: list[str]
    metrics: dict[str, float]
    trained_at: str
