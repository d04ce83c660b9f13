"""Request and response bodies of the API (Pydantic v2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

#: A flower measurement in centimetres: positive, finite and plausibly sized.
Centimetres = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]


class Health(BaseModel):
    """Liveness answer."""

    status: Literal["ok"] = "ok"


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
