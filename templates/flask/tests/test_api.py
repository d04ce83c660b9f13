"""The JSON prediction API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .helpers import IRIS_SETOSA, IRIS_VIRGINICA


def test_predict_one(client: FlaskClient) -> None:
    """A single flower gets a label, probabilities and the model version."""
    response = client.post("/api/predict", json=IRIS_SETOSA)
    assert response.status_code == 200
    body = response.get_json()
    assert body["label"] == "setosa"
    assert set(body["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert body["model_version"]


def test_predict_batch(client: FlaskClient) -> None:
    """A batch gets one prediction per instance, in order."""
    response = client.post("/api/predict", json={"instances": [IRIS_SETOSA, IRIS_VIRGINICA]})
    assert response.status_code == 200
    labels = [p["label"] for p in response.get_json()["predictions"]]
    assert labels == ["setosa", "virginica"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**IRIS_SETOSA, "sepal_length": -1}, "sepal_length"),
        ({**IRIS_SETOSA, "petal_width": "wide"}, "petal_width"),
        ({k: v for k, v in IRIS_SETOSA.items() if k != "sepal_width"}, "sepal_width"),
        ({**IRIS_SETOSA, "colour": "blue"}, "colour"),
        (
            {"instances": [IRIS_SETOSA, {**IRIS_SETOSA, "petal_length": 0}]},
            "instances.1.petal_length",
        ),
        ({"instances": []}, "instances"),
        ([1, 2], "body"),
    ],
)
def test_invalid_input_gives_field_errors(client: FlaskClient, payload: Any, field: str) -> None:
    """Invalid fields answer 422 with one error entry per bad field."""
    response = client.post("/api/predict", json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in [detail["field"] for detail in error["details"]]


def test_body_must_be_json(client: FlaskClient) -> None:
    """A body that is not JSON is refused with the API's error shape."""
    response = client.post("/api/predict", data="x", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    response = client.post("/api/predict", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_unknown_api_route_is_json(client: FlaskClient) -> None:
    """Errors under /api are JSON, not HTML."""
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    assert client.get("/api/predict").status_code == 405


def test_model_metadata(client: FlaskClient) -> None:
    """GET /api/model describes the served model."""
    body = client.get("/api/model").get_json()
    assert body["features"] == list(IRIS_SETOSA)
    assert body["metrics"]["accuracy"] > 0.9
