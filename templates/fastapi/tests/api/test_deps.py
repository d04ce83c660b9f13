from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_predict_answers_503_without_a_model(app: FastAPI) -> None:
    # No `with`: the lifespan does not run, so no model is loaded.
    client = TestClient(app)
    payload = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
    assert client.post("/predict", json=payload).status_code == 503
