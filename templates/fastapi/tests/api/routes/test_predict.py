from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
VIRGINICA = {"sepal_length": 6.9, "sepal_width": 3.1, "petal_length": 5.4, "petal_width": 2.1}


def test_single_prediction_returns_a_label(client: TestClient) -> None:
    response = client.post("/predict", json=SETOSA)
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "setosa"
    assert 0 < body["probability"] <= 1
    assert set(body["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert body["model_version"]


def test_batch_prediction_keeps_request_order(client: TestClient) -> None:
    response = client.post("/predict", json={"instances": [SETOSA, VIRGINICA]})
    assert response.status_code == 200
    labels = [item["label"] for item in response.json()["predictions"]]
    assert labels == ["setosa", "virginica"]


@pytest.mark.parametrize(
    "payload",
    [
        {**SETOSA, "sepal_length": -1},
        {**SETOSA, "sepal_length": "wide"},
        {key: value for key, value in SETOSA.items() if key != "petal_width"},
        {**SETOSA, "colour": "blue"},
        {"instances": []},
        [],
    ],
    ids=["negative", "not-a-number", "missing", "unknown-field", "empty-batch", "not-an-object"],
)
def test_invalid_input_is_rejected_with_422(client: TestClient, payload: Any) -> None:
    assert client.post("/predict", json=payload).status_code == 422
